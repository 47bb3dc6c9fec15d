"""Clients holding sessions at the caps, past the session cap: the server's memory ceiling.

    python tests/bench_hostile.py [--cap 60] [--clients 70]

Starts `panel serve app` with CONVOLUTION_DEMO_MAX_SESSIONS=CAP and opens CLIENTS sessions
(page, websocket, document, as a browser does), each at the caps (32x32x16 input, 16 filters
of 11x11, padding 5, stride 1), eight at a time, and holds them. Prints the server's memory
before and after, per held session, and how many visitors were asked to come back.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor

from bench_load import WORKERS, open_session, resident_mb
from support.serving import Server

CAPS = "height=32&width=32&depth=16&n_filters=16&kernel_height=11&kernel_width=11&padding=5"


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--cap", type=int, default=60)
    options.add_argument("--clients", type=int, default=70)
    args = options.parse_args()
    server = Server(env={"CONVOLUTION_DEMO_MAX_SESSIONS": str(args.cap)})
    held = []
    try:
        pid = server.process.pid
        time.sleep(3)
        base = resident_mb(pid)
        url = f"{server.url}?{CAPS}&stride=1"
        with ThreadPoolExecutor(WORKERS) as pool:
            held = [
                session for session, _ in pool.map(lambda _: open_session(url), range(args.clients))
            ]
        time.sleep(3)
        loaded = resident_mb(pid)
        demos = sum(1 for s in held if s.document.get_model_by_name("conv_meta") is not None)
        print(f"{args.clients} clients at the caps, session cap {args.cap}: {demos} demos held, "
              f"{args.clients - demos} asked to come back")  # fmt: skip
        print(f"server memory {base:.0f} MB -> {loaded:.0f} MB: "
              f"{(loaded - base) / max(demos, 1):.1f} MB a session at the caps")  # fmt: skip
        print(f"server log: {len(server.errors())} errors or tracebacks")
    finally:
        for session in held:
            session.close()
        server.stop()


if __name__ == "__main__":
    main()
