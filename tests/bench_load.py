"""A lecture hall at once: 200 sessions on one `panel serve app`, loopback only.

    python tests/bench_load.py [--sessions 200] [--cycles 500]

Each session is opened the way a browser opens one: the page is fetched over HTTP, then the
Bokeh websocket is opened and the document pulled (`bokeh.client.pull_session`). Prints the
server's memory per session, session-open latency p50/p95, change-to-repaint p95 from a real
Chromium while the sessions are held, then memory across open/close cycles (it must settle).
The server runs with `--check-unused-sessions 1000 --unused-session-lifetime 1000` so that
closed sessions are reclaimed within the run rather than after Bokeh's default 15 s.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import panel.models  # noqa: F401  (the client must know Panel's models to pull its documents)
from bench_browser import percentile, repaint_times
from bokeh.client import pull_session
from bokeh.util.token import get_session_id
from playwright.sync_api import sync_playwright
from support.serving import CHROMIUM, CHROMIUM_FLAGS, Server

import app.page.upload  # noqa: F401  (and the app's own, made when the module loads)

WORKERS = 8  # clients opening sessions at once
DEADLINE_S = 1500  # the whole run stops past this, whatever is left


def resident_mb(pid: int) -> float:
    """The server's resident memory, from /proc."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def server_pid(server: Server) -> int:
    """The python process under `panel serve` (the subprocess itself)."""
    return server.process.pid


def open_session(url: str):
    """Fetch the page, then open its websocket and pull the document, as a browser does: the
    page names the session it created, and the websocket attaches to that one."""
    start = time.perf_counter()
    page = urllib.request.urlopen(url, timeout=30).read().decode()
    token = re.search(r'"token":\s*"([^"]+)"', page).group(1)
    session = pull_session(session_id=get_session_id(token), url=url.split("?")[0])
    return session, time.perf_counter() - start


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--sessions", type=int, default=200)
    options.add_argument("--cycles", type=int, default=500)
    args = options.parse_args()
    deadline = time.monotonic() + DEADLINE_S
    server = Server("--check-unused-sessions", "1000", "--unused-session-lifetime", "1000")
    held = []
    try:
        pid = server_pid(server)
        open_session(server.url)[0].close()  # warm imports and caches
        time.sleep(3)
        base = resident_mb(pid)
        with ThreadPoolExecutor(WORKERS) as pool:
            results = list(pool.map(lambda _: open_session(server.url), range(args.sessions)))
        held = [session for session, _ in results]
        latencies = [seconds * 1000 for _, seconds in results]
        loaded = resident_mb(pid)
        print(f"{len(held)} sessions held; server memory {base:.0f} MB -> {loaded:.0f} MB, "
              f"{(loaded - base) / len(held):.2f} MB a session")  # fmt: skip
        p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
        print(f"session open (page + websocket + document): p50 {p50:.0f} ms, p95 {p95:.0f} ms")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            times = repaint_times(page, server.url, 30, settle_ms=0)
            browser.close()
        p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
        print(f"change-to-repaint in a browser while {len(held)} are open: ", end="")
        print(f"p50 {p50:.0f} ms, p95 {p95:.0f} ms")
        for session in held:
            session.close()
        held = []
        time.sleep(4)
        print(f"after closing them: {resident_mb(pid):.0f} MB")
        samples, done = [], 0
        with ThreadPoolExecutor(WORKERS) as pool:
            while done < args.cycles and time.monotonic() < deadline:
                batch = min(50, args.cycles - done)
                for session, _ in pool.map(lambda _: open_session(server.url), range(batch)):
                    session.close()
                done += batch
                if done % 100 == 0:
                    time.sleep(3)  # let the server reclaim what was closed
                    samples.append((done, resident_mb(pid)))
        print(f"{done} open/close cycles -> server memory: "
              + ", ".join(f"{n}: {mb:.0f} MB" for n, mb in samples))  # fmt: skip
        print(f"server log: {len(server.errors())} errors or tracebacks")
    finally:
        for session in held:
            session.close()
        server.stop()


if __name__ == "__main__":
    main()
