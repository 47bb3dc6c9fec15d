"""The Docker image, built as an air-gapped site builds it and run: the demo moves in a real
browser, a foreign page's websocket is refused, it runs as a user other than root and reports
healthy, and with NUM_PROCS=2 every page is whole."""

import asyncio
import re
import subprocess
import time
import urllib.request

import pytest
import websockets
from support.docker import Container
from support.loops import run_alone
from support.serving import Page

pytestmark = pytest.mark.docker


async def _open_websocket(container: Container, origin: str) -> str:
    page = urllib.request.urlopen(container.url).read().decode()
    token = re.search(r'"token":\s*"([^"]+)"', page).group(1)
    url = f"ws://127.0.0.1:{container.port}/app/ws"
    try:
        async with websockets.connect(url, subprotocols=["bokeh", token], origin=origin) as ws:
            await asyncio.wait_for(ws.recv(), 10)
            return "opened"
    except websockets.InvalidStatus as refused:
        return f"refused {refused.response.status_code}"


def open_websocket(container: Container, origin: str) -> str:
    return run_alone(_open_websocket(container, origin))


def moves(page: Page) -> bool:
    first = page.step()
    page.page.wait_for_timeout(1300)
    return page.step() != first


def test_the_image_serves_the_demo_as_no_root_user_and_reports_healthy(demo_image, browser):
    container = Container(demo_image)
    try:
        context = browser.new_context()
        page = Page(context.new_page()).open(container.url + "?seed=1").open_settings()
        assert moves(page)
        page.page.get_by_role("combobox", name="Stride (rows)").select_option("1")
        page.page.wait_for_function(
            "() => Bokeh.documents[0].get_model_by_name('conv_meta').data.OH[0] === 5"
        )
        assert page.errors == []
        context.close()
        assert open_websocket(container, f"http://127.0.0.1:{container.port}") == "opened"
        assert open_websocket(container, "https://evil.example") == "refused 403"
        user = subprocess.run(
            ["docker", "exec", container.id, "id", "-u"], capture_output=True, text=True
        ).stdout.strip()
        assert user not in ("", "0"), f"the server runs as uid {user!r}"
        deadline = time.monotonic() + 60
        while container.inspect("{{.State.Health.Status}}") != "healthy":
            assert time.monotonic() < deadline, container.inspect("{{json .State.Health}}")
            time.sleep(2)
    finally:
        container.stop()


def test_two_worker_processes_in_the_image_serve_whole_pages(demo_image, browser):
    container = Container(demo_image, NUM_PROCS="2")
    try:
        for visit in range(4):
            context = browser.new_context()
            failed = []
            tab = context.new_page()
            tab.on("requestfailed", lambda request, failed=failed: failed.append(request.url))
            page = Page(tab).open(container.url + f"?seed={visit}")
            assert moves(page)
            assert failed == [] and page.errors == []
            context.close()
        assert "Traceback" not in container.logs()
    finally:
        container.stop()
