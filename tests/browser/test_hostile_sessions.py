"""Sessions against a real `panel serve app`, served as the Docker image serves it: sessions at
the caps are held to a memory ceiling or refused with a message, and the session cap frees
itself when visitors leave (a refused visitor holds nothing, a closed tab gives its place back
within seconds).

Visitors are light clients, as a browser opens a session: the page is fetched, its websocket
opened and the document pulled; the document is read for the demo's models, not drawn.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import websockets
from support.loops import run_alone
from support.serving import Server

from app.settings import Settings

COME_BACK = "as many visitors as it can hold right now"
# The Docker image's: a session whose websocket never came is dropped after a minute.
DOCKER_LIFETIME = ("--unused-session-lifetime", "60000", "--check-unused-sessions", "10000")
SERVER_CEILING_MB = 1200


def caps_query(mode: str, **more: object) -> str:
    """The layer at its caps as app/settings declares them: every size at its upper bound,
    stride 1, padding half the kernel (the output as large as the input)."""
    top = {name: Settings.param[name].bounds[1] for name in
           ("height", "width", "depth", "n_filters", "kernel_height", "kernel_width")}  # fmt: skip
    padding = min(top["kernel_height"] // 2, Settings.param["padding"].bounds[1])
    values = {"mode": mode, **top, "padding": padding, "stride": 1, "seed": 1, **more}
    return urllib.parse.urlencode(values)


def resident_mb(server: Server) -> float:
    """Resident memory of the server and every process it started."""
    rss = subprocess.run(
        ["ps", "-o", "rss=", "-g", str(server.process.pid)], capture_output=True, text=True
    ).stdout.split()
    return sum(int(kb) for kb in rss) / 1024


class Visitor:
    """One visitor's session: what its page said, and its open websocket if it has one."""

    def __init__(self, status: int, page: str) -> None:
        self.status, self.page = status, page
        self.socket = None
        self.document = ""  # the pulled document, as JSON text

    @property
    def demo(self) -> bool:
        """Whether the visitor got the demo (its readout's model is in the document)."""
        return '"conv_readout"' in self.document

    @property
    def refused(self) -> bool:
        return COME_BACK in self.page or COME_BACK in self.document

    async def leave(self) -> None:
        if self.socket is not None:
            await self.socket.close()


async def visit(server: Server, query: str = "") -> Visitor:
    """Fetches the page; where it carries a session, opens its websocket and pulls the
    document, as BokehJS does, and keeps the websocket open."""

    def fetch() -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"{server.url}?{query}", timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    visitor = Visitor(*await asyncio.to_thread(fetch))
    token = re.search(r'"token":\s*"([^"]+)"', visitor.page)
    if visitor.status != 200 or token is None:
        return visitor
    visitor.socket = await websockets.connect(
        f"ws://127.0.0.1:{server.port}/app/ws", subprotocols=["bokeh", token.group(1)],
        origin=f"http://127.0.0.1:{server.port}", max_size=None, max_queue=None, open_timeout=60,
    )  # fmt: skip
    await _message(visitor.socket)  # the server's ACK
    request = ['{"msgid": "1", "msgtype": "PULL-DOC-REQ"}', "{}", "{}"]
    for part in request:
        await visitor.socket.send(part)
    while True:
        header, content = await _message(visitor.socket)
        if json.loads(header)["msgtype"] == "PULL-DOC-REPLY":
            visitor.document = content
            return visitor


async def _message(socket) -> tuple[str, str]:
    """One message of Bokeh's protocol: its header and its content (buffers skipped)."""
    header = await asyncio.wait_for(socket.recv(), 60)
    await socket.recv()  # metadata
    content = await asyncio.wait_for(socket.recv(), 60)
    for _ in range(json.loads(header).get("num_buffers", 0)):
        await socket.recv()
    return header, content


@pytest.mark.parametrize("budget_mb", [None, 200], ids=["default budget", "200 MB budget"])
def test_forty_sessions_at_the_backward_caps_stay_under_the_ceiling_or_are_told_to_wait(budget_mb):
    env = {} if budget_mb is None else {"CONVOLUTION_DEMO_MAX_MEMORY_MB": str(budget_mb)}
    server = Server(*DOCKER_LIFETIME, env=env)
    query = caps_query("backward", dx_as_convolution="true")
    base = resident_mb(server)
    limit = SERVER_CEILING_MB - base if budget_mb is None else budget_mb

    async def forty() -> tuple[list[Visitor], float]:
        """The visitors, four at a time as a class arrives, and the server's peak memory;
        they stop coming once the server has passed its limit (the test has failed)."""
        visitors, peak = [], base
        while len(visitors) < 40 and peak - base < limit:
            visitors += await asyncio.gather(*(visit(server, query) for _ in range(4)))
            peak = max(peak, resident_mb(server))
        await asyncio.sleep(1)
        peak = max(peak, resident_mb(server))
        await asyncio.gather(*(visitor.leave() for visitor in visitors))
        return visitors, peak

    try:
        visitors, peak = run_alone(forty(), timeout_s=85)
        shown = sum(visitor.demo for visitor in visitors)
        refused = [visitor for visitor in visitors if visitor.refused]
        assert peak - base < limit, f"{shown} sessions took {peak - base:.0f} MB"
        assert peak < SERVER_CEILING_MB, f"the server held {peak:.0f} MB for {shown} sessions"
        assert shown + len(refused) == 40, "every visitor got the demo or was asked to come back"
        assert shown > 0 and (refused or budget_mb is None)
        assert all(visitor.status == 503 for visitor in refused), "refused at the page's request"
        assert server.errors() == []
    finally:
        server.stop()


def test_the_session_cap_frees_itself_when_visitors_leave():
    # One place more than the scene's five: the start-up check's page, whose websocket never
    # comes, holds one until Bokeh drops it (a minute, with the Docker image's lifetime).
    server = Server(*DOCKER_LIFETIME, env={"CONVOLUTION_DEMO_MAX_SESSIONS": "6"})

    async def scene() -> tuple[list[Visitor], list[Visitor], float, Visitor]:
        visitors = [await visit(server, f"seed={n}") for n in range(5)]
        refused = [await visit(server, f"seed={n}") for n in range(5, 8)]  # left open
        for visitor in visitors:
            await visitor.leave()
        left = time.monotonic()
        while True:
            newcomer = await visit(server, "seed=9")
            await newcomer.leave()
            if newcomer.demo or time.monotonic() - left > 30:
                break
            await asyncio.sleep(0.5)
        for visitor in refused:
            await visitor.leave()
        return visitors, refused, time.monotonic() - left, newcomer

    try:
        visitors, refused, waited, newcomer = run_alone(scene())
        assert all(visitor.demo for visitor in visitors)
        assert all(visitor.refused and not visitor.demo for visitor in refused)
        assert newcomer.demo, f"a new visitor was still refused {waited:.0f} s after five left"
        assert waited < 20
        assert server.errors() == []
    finally:
        server.stop()
