"""Hostile and careless input against a real `panel serve app`: nothing freezes the server,
nothing injects, no page goes blank, the log says one line per fault and the client learns
nothing of the server's insides."""

import asyncio
import json
import re
import subprocess
import time
import urllib.request
from urllib.parse import urlparse

import pytest
import websockets
from PIL import Image
from support.loops import run_alone
from support.serving import Page, Server

# 288 steps of a decimal 12x12x2 layer: about 15 MB of GIF and 8 s of drawing.
HEAVY_GIF = "?height=12&width=12&depth=2&stride=1&values=decimals&seed=1"
# 392 steps of 2650x1359 frames as drawn before: 73 MB and 2 GB of memory.
HUGE_GIF = (
    "?height=24&width=24&depth=1&n_filters=2&kernel_height=7&kernel_width=7&stride=2&padding=5"
)
TWIN_PAST_CAPS = (
    "?mode=transposed&equivalent=true&depth=16&n_filters=1&height=32&width=32"
    "&kernel_height=11&kernel_width=11&stride=3&dilation=3&padding=0"
)


@pytest.fixture
def own_server():
    """A server whose log this test reads alone."""
    server = Server()
    yield server
    server.stop()


def memory_mb(server: Server) -> float:
    """Resident memory of the server and every process it started (its export worker)."""
    rss = subprocess.run(
        ["ps", "-o", "rss=", "-g", str(server.process.pid)], capture_output=True, text=True
    ).stdout.split()
    return sum(int(kb) for kb in rss) / 1024


def traced_lines(server: Server) -> list[str]:
    return [line for line in server.output().splitlines() if "Traceback" in line]


def repaint_seconds(page: Page, stride: str) -> float:
    """From choosing a stride in the page to its figure holding the new arrays."""
    select = page.page.get_by_role("combobox", name="Stride (rows)")
    start = time.monotonic()
    select.select_option(stride)
    page.page.wait_for_function(
        "(sh) => Bokeh.documents[0].get_model_by_name('conv_meta').data.sh[0] === sh",
        arg=int(stride), timeout=30_000,
    )  # fmt: skip
    return time.monotonic() - start


def test_a_gif_is_drawn_aside_while_other_visitors_are_served(own_server, browser):
    context, other = browser.new_context(accept_downloads=True), browser.new_context()
    try:
        page = Page(context.new_page()).open(own_server.url + HEAVY_GIF).open_settings()
        visitor = Page(other.new_page()).open(own_server.url + "?seed=2").open_settings()
        script = own_server.url.replace("/app", "/static/js/bokeh.min.js")
        with page.page.expect_download(timeout=120_000) as download:
            page.page.get_by_role("button", name="Download GIF").click()
            page.page.get_by_text("Drawing the GIF").wait_for()
            answers, peak = [], 0.0
            while page.page.get_by_text("Drawing the GIF").is_visible():
                answers.append(repaint_seconds(visitor, "1" if len(answers) % 4 else "2"))
                start = time.monotonic()
                urllib.request.urlopen(script, timeout=30).read()
                answers.append(time.monotonic() - start)
                peak = max(peak, memory_mb(own_server))
        gif = Image.open(download.value.path())
        assert gif.format == "GIF" and gif.n_frames == 288
        assert download.value.path().stat().st_size < 20e6
        assert len(answers) >= 6, "the GIF was drawn while another visitor used the demo"
        assert max(answers) < 1.0, f"another visitor waited {max(answers):.2f} s"
        assert peak < 500, f"the server and its worker held {peak:.0f} MB while drawing"
        assert own_server.errors() == [] and page.errors == [] and visitor.errors == []
    finally:
        context.close()
        other.close()


def test_a_gif_the_server_would_refuse_is_not_offered_and_the_page_says_why(own_server, page):
    page.open(own_server.url + HUGE_GIF).open_settings()
    page.page.get_by_text("No GIF of this demo: a GIF of 392 frames").wait_for()
    assert page.page.get_by_role("button", name="Download GIF").is_disabled()
    # Fewer steps make a GIF it draws: offered again, the reason gone.
    page.page.get_by_role("combobox", name="Stride (rows)").select_option("8")
    page.page.get_by_text("No GIF of this demo").wait_for(state="hidden")
    assert page.page.get_by_role("button", name="Download GIF").is_enabled()
    assert own_server.errors() == [] and traced_lines(own_server) == []


def test_markup_in_the_address_is_shown_as_text_and_fetches_nothing(server, page):
    foreign = []
    page.page.route(
        lambda url: urlparse(url).hostname == "evil.example",
        lambda route: (foreign.append(route.request.url), route.abort()),
    )
    page.open(
        server.url + "?mode=[Log%20in](https://evil.example/x)"
        "&kernel=![t](https://evil.example/p.png)&values={{7*7}}"
    )
    page.page.get_by_text("mode='[Log in](https://evil.example/x)' is not one of").wait_for()
    page.page.get_by_text("kernel='![t](https://evil.example/p.png)' is not one of").wait_for()
    page.page.get_by_text("values='{{7*7}}' is not one of").wait_for()
    assert page.page.locator("a[href*='evil'], img[src*='evil']").count() == 0
    page.page.wait_for_timeout(500)
    assert foreign == [] and page.errors == []


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("?zz=%C2%B2&seed=3", None),  # a superscript two, under a name the demo does not use
        ("?step=" + "9" * 5000, "step='99999"),
        ("?seed=%C2%B2", "seed='²' is not a whole number"),
    ],
)
def test_any_address_opens_the_demo(server, page, query, says):
    page.open(server.url + query)
    page.moves_from(page.step())
    if says is not None:
        page.page.get_by_text(says).first.wait_for()
    assert page.errors == []


def test_the_address_keeps_what_was_taken_and_drops_what_was_refused(server, page):
    page.open(server.url + "?embed=true&step=-1&stride_cols=3&foo=bar&seed=4&stride=1")
    page.page.wait_for_url(re.compile(r"height=5"))  # written by the page, not typed
    query = dict(pair.split("=", 1) for pair in page.page.url.split("?", 1)[1].split("&"))
    assert query["embed"] == "true" and query["step"] == "1" and query["stride"] == "1"
    assert "foo" not in query and "stride_cols" not in query
    page.page.get_by_text("stride_cols applies only with separate_axes=true").wait_for()


def test_a_twin_past_the_caps_is_refused_before_anything_is_drawn(server, page):
    page.open(server.url + TWIN_PAST_CAPS)
    page.page.get_by_text("the equivalent direct convolution: window reads").wait_for()
    assert page.model("conv_demo", "model.visible") is True  # the default stays, moving
    # Reached through the widgets, the transposed layer and its formula stay as they were.
    page.open(server.url + TWIN_PAST_CAPS.replace("equivalent=true", "seed=1"), "tconv")
    page.open_settings()
    before = page.model("tconv_meta", "model.data.N[0]")
    page.page.get_by_text("Show the equivalent direct convolution").click()
    page.page.get_by_text("the equivalent direct convolution: window reads").wait_for()
    page.page.get_by_role("combobox", name="Stride (rows)").select_option("2")
    page.page.get_by_text("the equivalent direct convolution: window reads").wait_for()
    assert page.model("tconv_meta", "model.data.N[0]") == before
    assert page.page.get_by_text("OH = (32-1)*3 ").count() == 1
    assert server.errors() == []


def test_a_tampered_tap_and_an_empty_upload_get_messages_not_exceptions(own_server, page):
    page.open(own_server.url + "?seed=1")
    page.model("conv_edit", "model.data = {cell: []}")
    page.model("conv_edit", "model.data = {cell: [1, 2]}")
    page.open(own_server.url + "?mode=image&seed=1").open_settings()
    chooser = page.page.get_by_label("Upload a PNG or JPEG")
    chooser.set_input_files({"name": "empty.png", "mimeType": "image/png", "buffer": b""})
    page.page.get_by_text("empty.png: the file is empty. The previous picture stays.").wait_for()
    assert own_server.errors() == [] and traced_lines(own_server) == []


async def _send_hostile_frames(server: Server) -> list[str]:
    """Garbage, a wrong-typed patch, an unknown message type, a bad token: what comes back."""
    html = urllib.request.urlopen(server.url).read().decode()
    token = re.search(r'"token":\s*"([^"]+)"', html).group(1)
    url, origin = f"ws://127.0.0.1:{server.port}/app/ws", f"http://127.0.0.1:{server.port}"
    patch = {"events": [{"kind": "ModelChanged", "model": {"id": "nope"}, "attr": "value",
                         "new": [1, {"x": 2}]}]}  # fmt: skip
    messages = [
        ["}{ not json"],
        [json.dumps({"msgid": "1", "msgtype": "PATCH-DOC"}), "{}", json.dumps(patch)],
        [json.dumps({"msgid": "2", "msgtype": "NOT-A-TYPE"}), "{}", "{}"],
    ]
    received = []
    for frames in messages:
        async with websockets.connect(url, subprotocols=["bokeh", token], origin=origin) as ws:
            for _ in range(3):  # the server's ACK: header, metadata, content
                received.append(str(await asyncio.wait_for(ws.recv(), 10)))
            try:
                for frame in frames:
                    await ws.send(frame)
                while True:
                    received.append(str(await asyncio.wait_for(ws.recv(), 2)))
            except (TimeoutError, websockets.ConnectionClosed):
                pass
    try:
        async with websockets.connect(url, subprotocols=["bokeh", "x.y"], origin=origin) as ws:
            received.append(str(await asyncio.wait_for(ws.recv(), 2)))
    except websockets.ConnectionClosed:
        received.append("closed")
    return received


def test_hostile_frames_close_their_connection_with_one_line_and_no_traceback(own_server, page):
    replies = run_alone(_send_hostile_frames(own_server))
    assert any('"msgtype": "ERROR"' in reply for reply in replies)
    assert replies[-1] == "closed", "a bad token gets no session"
    for reply in replies:
        assert "Traceback" not in reply and "site-packages" not in reply and "/app/" not in reply
    log = own_server.output()
    assert log.count("refused a client's message") >= 3
    assert traced_lines(own_server) == [] and own_server.errors() == []
    page.open(own_server.url)  # and the server is well


def test_past_the_session_cap_a_visitor_is_asked_to_come_back(browser):
    server = Server(env={"CONVOLUTION_DEMO_MAX_SESSIONS": "3"})  # its start-up check holds one
    context = browser.new_context()
    try:
        for _ in range(2):
            Page(context.new_page()).open(server.url)
        full = context.new_page()
        full.goto(server.url)
        full.get_by_text("as many visitors as it can hold right now").wait_for()
        assert server.errors() == []
    finally:
        context.close()
        server.stop()
