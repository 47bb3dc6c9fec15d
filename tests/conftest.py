"""Fixtures that start a real `panel serve app` and a real Chromium, and always stop both."""

from __future__ import annotations

from pathlib import Path

import pytest
from serving import CHROMIUM, CHROMIUM_FLAGS, Server


@pytest.fixture(scope="session")
def server():
    server = Server()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: the test command installs Debian's chromium")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Page:
    """A browser page with its console errors collected and Bokeh models at hand."""

    def __init__(self, page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, url: str) -> Page:
        self.page.goto(url)
        self.page.wait_for_function(
            "() => window.Bokeh && Bokeh.documents.length > 0"
            " && Bokeh.documents[0].get_model_by_name('conv_readout')?.text.includes('step')",
            timeout=30_000,
        )
        return self

    def model(self, name: str, expression: str = "model"):
        """Evaluates `expression` with `model` bound to the page's Bokeh model called `name`."""
        return self.page.evaluate(
            f"() => {{ const model = Bokeh.documents[0].get_model_by_name({name!r}); "
            f"return {expression} }}"
        )

    def step(self) -> int:
        """The engine's index of the step on screen."""
        return self.model("conv_slider", "model.value") - 1


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 850})
    yield Page(context.new_page())
    context.close()
