"""Fixtures that start a real `panel serve app` and a real Chromium, and always stop both.

Tests under tests/browser/ are marked `browser`: `pytest -m "not browser"` (or `pytest
tests/unit`) runs the others alone, in seconds. Those that time a server or weigh its memory,
or drive Docker, are marked `alone` too: the test command runs the rest in parallel workers,
then these one at a time, with the machine to themselves.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.serving import CHROMIUM, CHROMIUM_FLAGS, Page, Server

BROWSER_TESTS = Path(__file__).parent / "browser"
# Modules whose tests time a server or weigh its memory, or build and run the Docker image.
ALONE = {"test_hostile.py", "test_hostile_server.py", "test_hostile_downloads.py",
         "test_hostile_sessions.py", "test_docker.py", "test_replicas.py"}  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_TESTS in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
        if Path(item.path).name in ALONE:
            item.add_marker(pytest.mark.alone)


@pytest.fixture(scope="session")
def server():
    server = Server()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: the test command installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def docker_engine():
    """The Docker engine, started here if none runs (and then stopped)."""
    from support.docker import Engine

    try:
        engine = Engine()
    except RuntimeError as error:
        pytest.fail(str(error))
    yield engine
    engine.stop()


@pytest.fixture(scope="session")
def demo_image(docker_engine):
    """The demo's image, built from this tree on a debootstrapped Debian, offline."""
    from support.docker import build_image

    return build_image()


@pytest.fixture(scope="session")
def image_if_docker(request):
    """The demo's image where a Docker engine runs or can be started here, else None (an
    image that fails to build fails the test that asked for it)."""
    try:
        request.getfixturevalue("docker_engine")
    except pytest.fail.Exception:
        return None
    return request.getfixturevalue("demo_image")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 850})
    yield Page(context.new_page())
    context.close()
