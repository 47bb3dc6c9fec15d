"""Posters, downloads and uploads under careless and hostile use, against a real `panel serve
app`: a flood of posters neither swells the server nor takes a visitor's download, a client that
asks too often is told when to come back, a download sent is forgotten quietly, and large or
odd pictures are read off the server's loop and refused in the demo's words."""

from __future__ import annotations

import io
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from PIL import Image, PngImagePlugin
from support.serving import Page, Server

from app.page.downloads import FORGET_S

# A backward layer at the settings' caps: its engine is costly to build, and its picture too
# large for a poster, so every request is refused in the end, after the work.
HEAVY_POSTER = (
    "/poster.png?height=32&width=32&depth=16&n_filters=16&kernel_height=11&kernel_width=11"
    "&padding=5&stride=1&seed=1&mode=backward"
)
PAGE_SIDE = 5000  # a 25-megapixel picture, the largest an upload may be


def server_memory_mb(server: Server) -> float:
    """Resident memory of the server and every process it started (as test_hostile reads it)."""
    rss = subprocess.run(
        ["ps", "-o", "rss=", "-g", str(server.process.pid)], capture_output=True, text=True
    ).stdout.split()
    return sum(int(kb) for kb in rss) / 1024


def own_memory_mb(server: Server) -> float:
    """Resident memory of the server's own process, without its workers."""
    rss = subprocess.run(
        ["ps", "-o", "rss=", "-p", str(server.process.pid)], capture_output=True, text=True
    ).stdout
    return int(rss) / 1024


def ask(url: str, address: str | None = None, timeout: float = 30) -> tuple[int, dict, bytes]:
    """GET `url` as the client at `address` (where the server reads X-Forwarded-For): the
    status, the headers and the body."""
    headers = {"X-Forwarded-For": address} if address else {}
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers), timeout=timeout
        ) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@contextmanager
def poster_flood(server: Server, loops: int = 4) -> Iterator[Counter]:
    """`loops` clients asking for HEAVY_POSTER back to back, each request from an address of
    its own (many visitors, not one), until the block ends; yields the statuses counted."""
    url = f"http://127.0.0.1:{server.port}{HEAVY_POSTER}"
    statuses: Counter = Counter()
    stop = threading.Event()

    def loop(n: int) -> None:
        asked = 0
        while not stop.is_set():
            asked += 1
            try:
                statuses[ask(url, f"10.{n}.{asked // 250 % 250}.{asked % 250 + 1}")[0]] += 1
            except OSError:
                statuses["no answer"] += 1

    threads = [threading.Thread(target=loop, args=(n,), daemon=True) for n in range(loops)]
    for thread in threads:
        thread.start()
    try:
        yield statuses
    finally:
        stop.set()
        for thread in threads:
            thread.join(40)


@pytest.fixture
def xheaders_server():
    """A server that takes the client's address from X-Forwarded-For, as behind a proxy."""
    server = Server("--use-xheaders")
    yield server
    server.stop()


@pytest.fixture
def own_server():
    server = Server("--liveness")
    yield server
    server.stop()


def test_a_poster_flood_keeps_the_server_small_and_a_fresh_visitor_served(xheaders_server):
    server = xheaders_server
    before = own_memory_mb(server)
    peak, grown, visits = server_memory_mb(server), 0.0, []
    with poster_flood(server) as statuses:
        start = time.monotonic()
        while time.monotonic() - start < 24:
            peak = max(peak, server_memory_mb(server))
            grown = max(grown, own_memory_mb(server) - before)
            if len(visits) < 2 and time.monotonic() - start > 8 * (len(visits) + 1):
                asked = time.monotonic()
                status, _, html = ask(server.url + f"?seed={len(visits) + 7}", timeout=20)
                assert status == 200 and b"Convolution demo" in html
                visits.append(time.monotonic() - asked)
            time.sleep(0.25)
    print(f"peak {peak:.0f} MB, server +{grown:.0f} MB; visitors {visits}; {dict(statuses)}")
    assert sum(statuses.values()) >= 20, f"the flood asked too little: {dict(statuses)}"
    assert peak < 1500, f"the server and its workers held {peak:.0f} MB under the flood"
    # Refused or drawn, a poster is the workers' memory: the server's own stays as it was.
    assert grown < 250, f"the server's own process grew by {grown:.0f} MB under the flood"
    assert len(visits) == 2 and max(visits) < 2.0, f"fresh visitors waited {visits} s"
    assert server.errors() == []


def test_a_visitors_gif_is_drawn_during_a_poster_flood(xheaders_server, browser):
    server = xheaders_server
    context = browser.new_context(accept_downloads=True)
    try:
        page = Page(context.new_page()).open(server.url + "?seed=5").open_settings()
        files = []
        page.page.on("download", lambda download: files.append(download))
        with poster_flood(server):
            time.sleep(2)  # the posters asked for by now fill whatever places they may take
            page.page.get_by_role("button", name="Download GIF").click()
            refusal = page.page.get_by_text("No GIF:")
            deadline = time.monotonic() + 40
            while not files and time.monotonic() < deadline:
                assert not refusal.is_visible(), refusal.inner_text()
                page.page.wait_for_timeout(200)
        assert files, "the GIF never came"
        # The CS231n default: 5x5 input padded by 1, 3x3 filters at stride 2, two filters.
        side = (5 + 2 * 1 - 3) // 2 + 1
        gif = Image.open(files[0].path())
        assert gif.format == "GIF" and gif.n_frames == 2 * side * side
        assert server.errors() == [] and page.errors == []
    finally:
        context.close()


def test_a_client_that_asks_too_often_for_posters_is_told_when_to_come_back(own_server):
    url = own_server.url.replace("/app", "/poster.png?seed=1&step=2")
    statuses, refused = [], None
    start = time.monotonic()
    while refused is None and len(statuses) < 120 and time.monotonic() - start < 40:
        status, headers, body = ask(url)
        statuses.append(status)
        if status == 429:
            refused = headers, body
    assert refused is not None, (
        f"{len(statuses)} posters in a row, none refused: {Counter(statuses)}"
    )
    headers, body = refused
    wait = int(headers["Retry-After"])
    assert 1 <= wait <= 120
    assert body.decode().startswith("No poster: ")
    assert statuses[0] == 200 and statuses.count(200) >= 5, "a person asking now and then is served"
    time.sleep(wait)
    status, headers, png = ask(url)
    assert status == 200 and Image.open(io.BytesIO(png)).format == "PNG"
    assert own_server.errors() == []


def test_a_download_sent_is_forgotten_without_a_traceback(own_server, browser):
    context = browser.new_context(accept_downloads=True)
    # The length of the file each FileDownload model of the page holds.
    held = (
        "[...Bokeh.documents[0].all_models]"
        ".filter((m) => '_transfers' in m.properties && 'filename' in m.properties)"
        ".map((m) => (m.data ?? '').length)"
    )
    try:
        page = Page(context.new_page()).open(own_server.url + "?seed=2").open_settings()
        with page.page.expect_download(timeout=40_000):
            page.page.get_by_role("button", name="Download HTML").click()
        assert max(page.page.evaluate(f"() => {held}")) > 10_000, (
            "the file reached the page's model"
        )
        page.page.wait_for_function(
            f"() => {held}.every((n) => n === 0)", timeout=FORGET_S * 1000 + 5000
        )
        page.page.wait_for_timeout(1000)  # the log line of a fault would follow at once
        log = own_server.output()
        assert "Traceback" not in log and own_server.errors() == [], log[-3000:]
        assert page.errors == []
    finally:
        context.close()


def png_of(
    mode: str, side: int, colour: tuple[int, ...], info: PngImagePlugin.PngInfo | None = None
) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (side, side), colour).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def upload(page: Page, name: str, data: bytes) -> None:
    chooser = page.page.get_by_label("Upload a PNG or JPEG")
    chooser.set_input_files({"name": name, "mimeType": "image/png", "buffer": data})


def shown_picture(page: Page) -> list[int]:
    C = page.model("conv_meta", "model.data.C[0]")
    return page.model("conv_images", f"Array.from(model.data.image[{C}])")


def packed_colour(colour: tuple[int, ...]) -> list[int]:
    """A 32x32 picture of one opaque colour as the figure's RGBA pixels, row by row."""
    r, g, b = colour[:3]
    return [0xFF000000 | (b << 16) | (g << 8) | r] * 32 * 32


def wait_for_picture(page: Page, expected: list[int]) -> None:
    page.page.wait_for_function(
        "(expected) => { const m = Bokeh.documents[0].get_model_by_name('conv_meta');"
        " const images = Bokeh.documents[0].get_model_by_name('conv_images');"
        " const shown = Array.from(images.data.image[m.data.C[0]]);"
        " return shown.length === expected.length && shown.every((v, i) => v === expected[i]) }",
        arg=expected, timeout=40_000,
    )  # fmt: skip


def test_liveness_answers_at_once_while_25_megapixel_pngs_are_uploaded(own_server, page):
    page.open(own_server.url + "?mode=image&picture=coffee&seed=0").open_settings()
    # First a small picture of the large ones' colour: the demo repaints for it here, and not
    # while /liveness is timed (a repaint is what any change of setting costs; this times the
    # reading of large files alone).
    colour = (200, 60, 90, 255)
    upload(page, "small.png", png_of("RGBA", 64, colour))
    wait_for_picture(page, packed_colour(colour))
    large = png_of("RGBA", PAGE_SIDE, colour)
    assert len(large) < 5_000_000  # under the upload's cap: every one is sent and read
    liveness = own_server.url.replace("/app", "/liveness")
    waits, stop = [], threading.Event()

    def watch() -> None:
        while not stop.is_set():
            asked = time.monotonic()
            urllib.request.urlopen(liveness, timeout=30).read()
            waits.append(time.monotonic() - asked)
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    reading, seen = page.page.get_by_text("Reading large-5.png"), False
    try:
        for n in range(6):
            upload(page, f"large-{n}.png", large)
            page.page.wait_for_timeout(150)
        deadline = time.monotonic() + 20  # until the last file has been read
        while time.monotonic() < deadline:
            if reading.is_visible():
                seen = True
            elif seen:
                break
            page.page.wait_for_timeout(50)
    finally:
        stop.set()
        watcher.join(30)
    print(f"liveness: {len(waits)} answers, slowest {max(waits) * 1000:.0f} ms")
    assert max(waits) < 0.2, f"/liveness waited {max(waits) * 1000:.0f} ms behind the uploads"
    assert seen and len(waits) >= 10
    assert page.page.get_by_text("large-").count() == 0, "no file was refused"
    # And a large file of another colour becomes the picture on screen.
    other = (30, 160, 240, 255)
    upload(page, "large-other.png", png_of("RGBA", PAGE_SIDE, other))
    wait_for_picture(page, packed_colour(other))
    assert own_server.errors() == [] and page.errors == []


def test_a_png_with_a_huge_text_chunk_is_refused_in_the_demos_words(own_server, page):
    page.open(own_server.url + "?mode=image&picture=coffee&stride=1&seed=0").open_settings()
    before = shown_picture(page)
    notes = PngImagePlugin.PngInfo()
    notes.add_text("Comment", "lecture notes " * 300_000, zip=True)  # 4.2 MB of text, zipped
    data = png_of("RGB", 8, (255, 0, 0), notes)
    assert len(data) < 5_000_000
    upload(page, "notes.png", data)
    message = page.page.get_by_text("notes.png: ")
    message.wait_for(timeout=30_000)
    said = message.inner_text()
    assert "text" in said and "The previous picture stays." in said, said
    for insides in ("MAX_TEXT_CHUNK", "PngImagePlugin", "Decompressed", "Traceback"):
        assert insides not in said, said
    assert shown_picture(page) == before
    assert own_server.errors() == [] and page.errors == []
