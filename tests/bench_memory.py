"""What a session holds, layer by layer, and what the server keeps after a flood.

    cd tests && python bench_memory.py [--sessions 4] [--flood 40]

On one `panel serve app` (with the Docker image's unused-session lifetime, and Bokeh's check
for unused sessions each second so that closed sessions go within the run), for each row of
app/page/session_cost.py's HELD_MB (a layer, with its twin where "+" names one), at the
layer's defaults and at its caps (session_cost.CAPS): one session opened and closed to load
what the layer first needs, then SESSIONS opened together (page, websocket, document, by a
light client) and held, three times as many at the defaults (a small session's share of the
heap is noisier); the server's resident memory before and after, per session. Prints
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


async def held_mb(server: Server, query: str, sessions: int) -> float:
    """The server's memory for each of `sessions` sessions of `query`, held together."""
    url = f"{server.url}?{query}"
    socket, _ = await open_session(url)  # what the layer first needs, loaded once
    socket.close()
    await asyncio.sleep(DROPPED_S)
    before = resident_mb(server.process.pid)
    opened = await asyncio.gather(*(open_session(url) for _ in range(sessions)))
    await asyncio.sleep(1)
    after = resident_mb(server.process.pid)
    for socket, _ in opened:
        if socket is not None:
            socket.close()
    if any(socket is None for socket, _ in opened):
        raise RuntimeError(f"a session of {query} did not open")
    await asyncio.sleep(DROPPED_S)
    return (after - before) / sessions


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
    try:
        read = {}
        for row, (least, most) in HELD_MB.items():
            mode, _, twin = row.partition("+")
            default = urllib.parse.urlencode(
                {"mode": mode, "seed": 1, **({twin: True} if twin else {})}
            )
            caps = urllib.parse.urlencode({**CAPS[row], "seed": 1})
            read[row] = (
                await held_mb(server, default, 3 * sessions),
                await held_mb(server, caps, sessions),
            )
            print(f"{row:28} default {read[row][0]:5.1f} MB (code {least}), "
                  f"caps {read[row][1]:5.1f} MB (code {most})", flush=True)  # fmt: skip
        print("HELD_MB = {")
        for row, (least, most) in read.items():
            print(f'    "{row}": ({max(least, 0.1):.1f}, {max(most, least, 0.1):.1f}),')
        print("}")
        before, during, after = await flood(server, flood_count)
        print(f"{flood_count} sessions at the backward caps with dx as a convolution: server "
              f"{before:.0f} MB -> {during:.0f} MB held -> {after:.0f} MB once closed")  # fmt: skip
        print(f"server log: {len(server.errors())} errors or tracebacks")
    finally:
        server.stop()


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--sessions", type=int, default=4)
    options.add_argument("--flood", type=int, default=40)
    args = options.parse_args()
    asyncio.run(measure(args.sessions, args.flood))


if __name__ == "__main__":
    main()
