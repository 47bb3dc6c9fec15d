"""A sticky reverse proxy for the replica test: what a load balancer in front of several
`panel serve` replicas (or Docker containers) must do, in a hundred lines of Tornado.

    python tests/proxy.py PORT UPSTREAM_PORT [UPSTREAM_PORT ...]

A browser's first request is sent to the next replica in turn and answered with a cookie
naming it; every later request with that cookie, the websocket included, goes to the same
replica, which holds the browser's session. Test code only: production uses nginx, Traefik or
a cloud balancer with cookie or IP affinity (README, "Growing past one machine").
"""

from __future__ import annotations

import itertools
import sys

from tornado import httpclient, ioloop, web, websocket

COOKIE = "replica"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "upgrade"}


class Replicas:
    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.turn = itertools.cycle(range(len(ports)))

    def pick(self, handler: web.RequestHandler) -> int:
        """The replica this browser is pinned to, or the next one in turn (then pinned)."""
        chosen = handler.get_cookie(COOKIE, "")
        if chosen.isdigit() and int(chosen) < len(self.ports):
            return int(chosen)
        index = next(self.turn)
        handler.set_cookie(COOKIE, str(index), httponly=True)
        return index


class Forward(web.RequestHandler):
    def initialize(self, replicas: Replicas) -> None:
        self.replicas = replicas

    async def _forward(self) -> None:
        index = self.replicas.pick(self)
        url = f"http://127.0.0.1:{self.replicas.ports[index]}{self.request.uri}"
        headers = {k: v for k, v in self.request.headers.get_all() if k.lower() != "host"}
        body = self.request.body if self.request.method in ("POST", "PUT", "PATCH") else None
        try:
            response = await httpclient.AsyncHTTPClient().fetch(
                url, method=self.request.method, headers=headers, body=body,
                follow_redirects=False, raise_error=False, request_timeout=60,
            )  # fmt: skip
        except OSError:
            self.set_status(502)
            return
        self.set_status(response.code, response.reason)
        for name, value in response.headers.get_all():
            if name.lower() not in HOP_BY_HOP and name.lower() != "set-cookie":
                self.add_header(name, value)
        for value in response.headers.get_list("Set-Cookie"):
            self.add_header("Set-Cookie", value)
        self.add_header("X-Replica", str(index))
        if response.body:
            self.write(response.body)

    get = post = head = _forward


class ForwardSocket(websocket.WebSocketHandler):
    def initialize(self, replicas: Replicas) -> None:
        self.replicas = replicas
        self.upstream: websocket.WebSocketClientConnection | None = None

    def check_origin(self, origin: str) -> bool:
        return True  # the replica behind checks the origin it is given

    def select_subprotocol(self, subprotocols: list[str]) -> str | None:
        return subprotocols[0] if subprotocols else None

    async def open(self, *args: str) -> None:
        index = self.replicas.pick(self)
        url = f"ws://127.0.0.1:{self.replicas.ports[index]}{self.request.uri}"
        protocols = [p.strip() for p in self.request.headers.get("Sec-WebSocket-Protocol", "")
                     .split(",") if p.strip()]  # fmt: skip
        request = httpclient.HTTPRequest(
            url, headers={"Origin": self.request.headers.get("Origin", "")}
        )
        self.upstream = await websocket.websocket_connect(
            request, subprotocols=protocols, max_message_size=50 * 2**20
        )
        ioloop.IOLoop.current().spawn_callback(self._relay)

    async def _relay(self) -> None:
        while self.upstream is not None:
            message = await self.upstream.read_message()
            if message is None:
                self.close()
                return
            try:
                await self.write_message(message, binary=isinstance(message, bytes))
            except websocket.WebSocketClosedError:
                return

    async def on_message(self, message: str | bytes) -> None:
        if self.upstream is not None:
            await self.upstream.write_message(message, binary=isinstance(message, bytes))

    def on_close(self) -> None:
        if self.upstream is not None:
            self.upstream.close()
            self.upstream = None


def main(port: int, upstreams: list[int]) -> None:
    replicas = Replicas(upstreams)
    routes = [
        (r"/.*/ws", ForwardSocket, {"replicas": replicas}),
        (r"/.*", Forward, {"replicas": replicas}),
    ]
    web.Application(routes, websocket_max_message_size=50 * 2**20).listen(port, "127.0.0.1")
    ioloop.IOLoop.current().start()


if __name__ == "__main__":
    main(int(sys.argv[1]), [int(p) for p in sys.argv[2:]])
