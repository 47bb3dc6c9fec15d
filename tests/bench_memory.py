"""What a session holds, layer by layer, and what the server keeps after a flood.

    cd tests && python bench_memory.py [--sessions 4] [--flood 40]

On one `panel serve app` (with the Docker image's unused-session lifetime, and Bokeh's check
for unused sessions each second so that closed sessions go within the run), for each row of
app/page/session_cost.py's HELD_MB (a layer, with its twin where "+" names one), at the
layer's defaults and at its caps (session_cost.CAPS): after one session of each layer (what it
first loads), SESSIONS opened together (page, websocket, document, by a light client), three
times as many at the defaults (a small session's share is noisier), and held to the end, each
row's on top of the ones before (a closed session's freed memory would take new ones without
the server growing); the server's resident memory before and after, per session. Prints
each row beside the figures the code holds, and the table to paste into HELD_MB.

Then a flood: FLOOD sessions at the backward layer's caps with its twin, opened four at a
time and held, then closed; the server's memory before, while held, and after they closed
(once Bokeh has dropped them and app/page/collector.py has reclaimed what they held).
"""

from __future__ import annotations

import argparse
import asyncio
import urllib.parse

from bench_load import open_session, resident_mb
from support.serving import Server

from app.page.session_cost import CAPS, HELD_MB

CHECK_MS = "1000"
DROPPED_S = 1 + 2 + 10 + 2  # Bokeh's check, the collector's wait and its least interval, a margin


async def held_mb(server: Server, query: str, sessions: int, held: list) -> float:
    """The server's memory for each of `sessions` sessions of `query`, opened together and
    kept open (in `held`): memory that closed sessions freed would take new ones without the
    server growing."""
    url = f"{server.url}?{query}"
    before = resident_mb(server.process.pid)
    opened = await asyncio.gather(*(open_session(url) for _ in range(sessions)))
    held += [socket for socket, _ in opened if socket is not None]
    if any(socket is None for socket, _ in opened):
        raise RuntimeError(f"a session of {query} did not open")
    await asyncio.sleep(1)
    return (resident_mb(server.process.pid) - before) / sessions


async def flood(server: Server, count: int) -> tuple[float, float, float]:
    """The server's memory before, with `count` sessions at the backward caps held, after."""
    url = f"{server.url}?{urllib.parse.urlencode(CAPS['backward+dx_as_convolution'])}"
    before, held = resident_mb(server.process.pid), []
    for _ in range(0, count, 4):
        held += await asyncio.gather(*(open_session(url) for _ in range(4)))
    during = resident_mb(server.process.pid)
    for socket, _ in held:
        if socket is not None:
            socket.close()
    await asyncio.sleep(DROPPED_S)
    return before, during, resident_mb(server.process.pid)


async def measure(sessions: int, flood_count: int) -> None:
    server = Server(
        "--unused-session-lifetime", "60000", "--check-unused-sessions", CHECK_MS,
        env={"CONVOLUTION_DEMO_MAX_MEMORY_MB": "100000", "CONVOLUTION_DEMO_MAX_SESSIONS": "1000"},
    )  # fmt: skip
    held: list = []
    try:
        queries = {}
        for row in HELD_MB:
            mode, _, twin = row.partition("+")
            default = {"mode": mode, "seed": 1} | ({twin: True} if twin else {})
            queries[row] = [urllib.parse.urlencode(q) for q in (default, CAPS[row] | {"seed": 1})]
            await held_mb(server, queries[row][0], 1, held)  # what the layer first loads
        read = {row: [0.0, 0.0] for row in HELD_MB}
        for kind, count in ((0, 3 * sessions), (1, sessions)):  # defaults first, then caps
            for row, (least, most) in HELD_MB.items():
                read[row][kind] = await held_mb(server, queries[row][kind], count, held)
                print(f"{row:28} {('default', 'caps')[kind]:8} {read[row][kind]:5.1f} MB "
                      f"(code {(least, most)[kind]})", flush=True)  # fmt: skip
        for socket in held:
            socket.close()
        held = []
        await asyncio.sleep(DROPPED_S)
        print("HELD_MB = {")
        for row, (least, most) in read.items():
            print(f'    "{row}": ({max(least, 0.1):.1f}, {max(most, least, 0.1):.1f}),')
        print("}")
        before, during, after = await flood(server, flood_count)
        print(f"{flood_count} sessions at the backward caps with dx as a convolution: server "
              f"{before:.0f} MB -> {during:.0f} MB held -> {after:.0f} MB once closed")  # fmt: skip
        print(f"server log: {len(server.errors())} errors or tracebacks")
    finally:
        for socket in held:
            socket.close()
        server.stop()


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--sessions", type=int, default=4)
    options.add_argument("--flood", type=int, default=40)
    args = options.parse_args()
    asyncio.run(measure(args.sessions, args.flood))


if __name__ == "__main__":
    main()
