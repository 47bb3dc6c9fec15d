"""Hostile clients against the server itself, not the page: a session token that inflates to
megabytes freezes no one, a visitor's path cannot write or colour a log line, a flood of
refusals is counted rather than written, and HAProxy with the shipped static/haproxy.cfg cuts
off slow clients, writes the visitor's address itself and keeps the server's name to itself."""

from __future__ import annotations

import asyncio
import base64
import http.client
import json
import re
import secrets
import socket
import threading
import time
import urllib.request
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import websockets
from support.balancer import Balancer
from support.loops import run_alone
from support.serving import Server, free_port

# The issue's token: ten million empty lists, about 30 MB of JSON, in about 52 KB.
ISSUE_BOMB_LISTS = 10_000_000
# A smaller one, no longer than a page request's own token may be: only measuring what it
# inflates to refuses it.
SHORT_BOMB_LISTS = 4_000_000
SLOW_CLIENTS = 500
SLOW_CLIENTS_PER_ADDRESS = "100"  # the balancer's cap for one address, lowered for the test
SLOW_CLIENT_ADDRESS = "127.0.0.2"  # apart from the test's own requests, from 127.0.0.1
REQUESTS_PER_ADDRESS = "200"  # in ten seconds: the balancer's cap, lowered for the test
HURRIED_CLIENT_ADDRESS = "127.0.0.3"


def _base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def bomb_token(lists: int) -> str:
    """An unsigned session token for a new session whose compressed part inflates to `lists`
    empty JSON lists, as any client may write one."""
    inflated = b'{"headers":{},"cookies":{},"arguments":{},"x":[' + b"[]," * lists + b"[]]}"
    payload = {
        "session_id": secrets.token_urlsafe(33),
        "session_expiry": int(time.time()) + 300,
        "__bk__zlib_": _base64url(zlib.compress(inflated, 9)),
    }
    return _base64url(json.dumps(payload).encode())


async def _open_websocket(server: Server, token: str) -> str:
    """What became of a websocket opened with `token`: "opened" (its ACK came), "closed" (by
    the server, unanswered), or the status it was refused with."""
    url, origin = f"ws://127.0.0.1:{server.port}/app/ws", f"http://127.0.0.1:{server.port}"
    try:
        async with websockets.connect(
            url, subprotocols=["bokeh", token], origin=origin, open_timeout=20, max_size=None
        ) as ws:
            await asyncio.wait_for(ws.recv(), 20)
            return "opened"
    except websockets.InvalidStatus as refusal:
        return str(refusal.response.status_code)
    except websockets.ConnectionClosed:
        return "closed"


async def _open_websockets(server: Server, tokens: list[str]) -> list[str]:
    return list(await asyncio.gather(*(_open_websocket(server, t) for t in tokens)))


def liveness_seconds(
    url: str, while_running: Callable[[], bool], headers: dict[str, str] | None = None
) -> float:
    """The longest a GET of `url` took, asked every quarter second while `while_running()`
    holds (a timeout counts as its full two seconds)."""
    longest = 0.0
    while while_running():
        start = time.monotonic()
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=2)
        except OSError:
            pass
        longest = max(longest, time.monotonic() - start)
        time.sleep(0.25)
    return longest


def test_a_token_that_inflates_to_megabytes_is_refused_and_freezes_no_one():
    server = Server("--liveness")
    try:
        tokens = [bomb_token(ISSUE_BOMB_LISTS)] * 3 + [bomb_token(SHORT_BOMB_LISTS)] * 3
        assert len(tokens[0]) > 50_000 and len(tokens[-1]) < 25_000
        sending = ThreadPoolExecutor(1).submit(run_alone, _open_websockets(server, tokens), 40)
        started = time.monotonic()

        def sending_or_early() -> bool:
            waited = time.monotonic() - started
            return waited < 3 or (not sending.done() and waited < 20)

        longest = liveness_seconds(f"http://127.0.0.1:{server.port}/liveness", sending_or_early)
        assert longest < 1.0, f"/liveness took {longest:.1f} s while the tokens were read"
        outcomes = sending.result(timeout=30)
        assert outcomes == ["400"] * len(tokens), outcomes
        # A page's own token still opens its websocket.
        html = urllib.request.urlopen(server.url, timeout=10).read().decode()
        token = re.search(r'"token":\s*"([^"]+)"', html).group(1)
        assert run_alone(_open_websocket(server, token), 30) == "opened"
        assert "Traceback" not in server.output()
    finally:
        server.stop()


def test_signed_sessions_serve_the_demo_and_refuse_a_token_not_signed(page):
    server = Server("--session-ids", "signed", env={"BOKEH_SECRET_KEY": secrets.token_hex(32)})
    try:
        page.open(server.url)
        page.moves_from(page.step())
        forged = _base64url(
            json.dumps({"session_id": "forged", "session_expiry": int(time.time()) + 300}).encode()
        )
        assert run_alone(_open_websocket(server, forged), 30) == "closed"
        assert run_alone(_open_websocket(server, bomb_token(ISSUE_BOMB_LISTS)), 30) == "400"
        assert page.errors == [] and server.errors() == []
    finally:
        server.stop()


@pytest.fixture(scope="module")
def live_server():
    """A server whose log the log's tests read (each its own kind of line)."""
    server = Server("--liveness")
    yield server
    server.stop()


def _get(port: int, path: str) -> int:
    """GETs `path` as written (percent escapes and all), on a connection of its own."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def test_malformed_and_forged_paths_are_one_escaped_line_each_without_traceback(live_server):
    forged = (
        "/static/..%2f..%2fhostile-forged%0a1999-12-31%2023:59:59,000%20200%20GET%20/admin"
        "%20FORGED-LINE%0d%1b%5b31mRED"
    )
    requests = {
        "hostile-null": "/static/%00hostile-null",
        "hostile-forged": forged,
        "hostile-long": "/static/..%2fhostile-long" + "a" * 60_000,
        "hostile-breaks": "/static/%0d%0ahostile-breaks%e2%80%a8",
    }
    statuses = {name: _get(live_server.port, path) for name, path in requests.items()}
    assert all(status >= 400 for status in statuses.values()), statuses
    time.sleep(0.5)
    log = live_server.output()
    assert "Traceback" not in log and "embedded null byte" not in log
    for control in ("\r", "\x1b", "\x00", "\u2028"):
        assert control not in log, f"a visitor wrote {control!r} into the log"
    lines = log.splitlines()
    assert not any(line.startswith("1999-12-31") for line in lines), "a visitor forged a line"
    assert log.count("FORGED-LINE") == 1
    for name in requests:
        told = [line for line in lines if name in line]
        assert len(told) == 1, f"{name}: {told}"
        assert len(told[0]) < 1000, f"{name}: a line of {len(told[0])} characters"


def test_a_flood_of_refusals_is_counted_not_written(live_server):
    sent = 300
    connection = http.client.HTTPConnection("127.0.0.1", live_server.port, timeout=10)
    try:
        for number in range(sent):
            connection.request("GET", f"/static/flood{number}")
            connection.getresponse().read()
    finally:
        connection.close()
    time.sleep(1.5)
    assert _get(live_server.port, "/static/flood-after") == 404
    sent += 1
    time.sleep(0.5)
    lines = [line for line in live_server.output().splitlines() if "/static/flood" in line]
    counted = sum(int(n) for n in re.findall(r"and (\d+) more like it", "\n".join(lines)))
    assert len(lines) <= 60, f"{len(lines)} lines for {sent} refusals"
    assert len(lines) + counted == sent, "every refusal is written or counted"
    assert "flood-after" in lines[-1] and counted > 0


class _Echo(BaseHTTPRequestHandler):
    """A replica that answers every request with the headers it received, as JSON."""

    def do_GET(self) -> None:
        body = json.dumps({name.lower(): value for name, value in self.headers.items()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # HAProxy's health checks hang up before the answer: nothing to report


@pytest.fixture(scope="module")
def balancer():
    """static/haproxy.cfg in front of the demo (replica a, with --use-xheaders as the README
    says) and a replica that echoes the headers it receives (b)."""
    port = free_port()
    demo = Server("--liveness", "--use-xheaders", "--allow-websocket-origin", f"127.0.0.1:{port}")
    echo = _QuietServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=echo.serve_forever, daemon=True).start()
    try:
        replicas = [f"127.0.0.1:{demo.port}", f"127.0.0.1:{echo.server_address[1]}"]
        made = Balancer(
            replicas,
            port,
            env={
                "MAX_CONNECTIONS_PER_ADDRESS": SLOW_CLIENTS_PER_ADDRESS,
                "MAX_REQUESTS_PER_ADDRESS": REQUESTS_PER_ADDRESS,
            },
        )
        yield made, port
        made.stop()
    finally:
        echo.shutdown()
        demo.stop()


def _get_through(port: int, path: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_haproxy_writes_the_visitors_address_and_hides_the_server(balancer):
    _, port = balancer
    forged = {"X-Real-Ip": "203.0.113.9", "X-Forwarded-For": "203.0.113.9"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/echo", headers={**forged, "Cookie": "replica=b"})
    echoed = json.loads(connection.getresponse().read())
    connection.close()
    assert echoed["x-real-ip"] == "127.0.0.1" and echoed["x-forwarded-for"] == "127.0.0.1"
    for cookie in ("replica=a", "replica=b"):
        response = _get_through(port, "/app?seed=1", {"Cookie": cookie})
        assert response.status == 200
        assert response.getheader("Server") is None, response.getheader("Server")
        assert response.getheader("X-Content-Type-Options") == "nosniff"
        assert response.getheader("Referrer-Policy")
        assert response.getheader("X-Frame-Options") is None, "course sites embed the demo"
    set_cookie = _get_through(port, "/liveness", {}).getheader("Set-Cookie")
    assert set_cookie.startswith("replica=")
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie


def _cut_off(client: socket.socket) -> bool:
    """Whether the balancer has answered or closed a slow client (which has sent no whole
    request, so any answer is a refusal)."""
    try:
        client.recv(4096)  # an answer, or the empty read of a closed connection
    except BlockingIOError:
        return False
    except OSError:
        pass
    return True


def test_haproxy_cuts_off_slow_clients_and_keeps_answering(balancer):
    _, port = balancer
    clients = []
    try:
        for _ in range(SLOW_CLIENTS):
            client = socket.socket()
            clients.append(client)
            client.bind((SLOW_CLIENT_ADDRESS, 0))
            client.settimeout(2)
            try:
                client.connect(("127.0.0.1", port))
                client.sendall(b"GET /liveness HTTP/1.1\r\nHost: demo\r\n")
            except OSError:
                pass
            client.setblocking(False)
        started = time.monotonic()
        probing = ThreadPoolExecutor(1).submit(
            liveness_seconds, f"http://127.0.0.1:{port}/liveness",
            lambda: time.monotonic() - started < 15, {"Cookie": "replica=a"},
        )  # fmt: skip
        held_at_first = None
        while time.monotonic() - started < 15:
            time.sleep(2)
            open_clients = [c for c in clients if c.fileno() != -1 and not _cut_off(c)]
            for client in open_clients:
                try:
                    client.sendall(b"X-Slowly: one header line at a time\r\n")
                except OSError:
                    client.close()
            if held_at_first is None:
                held_at_first = len(open_clients)
        still_held = [c for c in clients if c.fileno() != -1 and not _cut_off(c)]
        longest = probing.result(timeout=30)
        assert held_at_first <= int(SLOW_CLIENTS_PER_ADDRESS), (
            f"one address held {held_at_first} connections"
        )
        assert still_held == [], f"{len(still_held)} slow clients still held after 15 s"
        assert longest < 1.0, f"/liveness took {longest:.1f} s through the balancer"
    finally:
        for client in clients:
            client.close()


def test_haproxy_refuses_an_address_past_its_request_rate(balancer):
    _, port = balancer
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=10, source_address=(HURRIED_CLIENT_ADDRESS, 0)
    )
    statuses = []
    try:
        for _ in range(int(REQUESTS_PER_ADDRESS) + 50):
            connection.request("GET", "/echo", headers={"Cookie": "replica=b"})
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
            if response.getheader("Connection") == "close":
                connection.close()
    finally:
        connection.close()
    assert statuses[: int(REQUESTS_PER_ADDRESS)] == [200] * int(REQUESTS_PER_ADDRESS)
    assert set(statuses[int(REQUESTS_PER_ADDRESS) :]) == {429}
    assert _get_through(port, "/echo", {"Cookie": "replica=b"}).status == 200  # others are served
