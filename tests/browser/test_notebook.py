"""The README's notebook cell in real JupyterLab and Notebook 7, driven in Chromium: the demo
fits the output area, shows its readout at once, moves, toggles, and steps by key while it has
focus; saved as static HTML (no kernel), it still plays and says that its settings need a kernel.

No network: the CDN addresses of BokehJS and Panel that the notebook asks for are answered
from the installed packages' own files.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote

import bokeh
import panel
import pytest
from support.serving import ROOT, Page, answers, free_port, stop_group

BOKEH_JS = Path(bokeh.__file__).parent / "server" / "static" / "js"
PANEL_DIST = Path(panel.__file__).parent / "dist"
# The demo's readout, in whichever Bokeh document the notebook's output made.
DEMO = (
    "(window.Bokeh?.documents ?? [])"
    ".flatMap((doc) => doc.get_model_by_name('conv_readout') ?? [])[0]"
)


def readme_cell() -> str:
    """The Python block under the README's "Notebooks" heading."""
    text = (ROOT / "README.md").read_text()
    section = text[text.index("### Notebooks") :]
    return re.search(r"```python\n(.*?)```", section, re.S)[1]


def local_file(url: str) -> Path | None:
    """The installed file a CDN address of BokehJS or Panel names."""
    release = r"https://cdn\.bokeh\.org/bokeh/release/(bokeh(?:-[a-z]+)?)-\d+\.\d+\.\d+(\..*)$"
    if found := re.match(release, url):
        return BOKEH_JS / (found[1] + found[2])
    if found := re.match(r"https://cdn\.holoviz\.org/panel/[\d.]+/dist/(.+)$", url):
        return PANEL_DIST / unquote(found[1])
    return None


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A folder holding demo.ipynb: the README's cell, not yet run."""
    folder = tmp_path_factory.mktemp("notebook")
    cell = {"cell_type": "code", "execution_count": None, "id": "readme", "metadata": {},
            "outputs": [], "source": readme_cell().splitlines(keepends=True)}  # fmt: skip
    notebook = {"cells": [cell], "metadata": {"kernelspec": {"name": "python3",
                "display_name": "Python 3", "language": "python"}}, "nbformat": 4,
                "nbformat_minor": 5}  # fmt: skip
    (folder / "demo.ipynb").write_text(json.dumps(notebook))
    return folder


def offline(context) -> list[str]:
    """Answers a browser context's CDN requests from the installed packages; what it could not
    answer is listed."""
    unanswered: list[str] = []

    def answer(route) -> None:
        path = local_file(route.request.url)
        if path is not None and path.is_file():
            route.fulfill(path=str(path))
        else:
            unanswered.append(route.request.url)
            route.abort()

    context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), answer)
    return unanswered


# Where each front end opens a notebook, and what it is told beyond the server's settings.
FRONT_ENDS = {
    "jupyterlab": ("lab/tree", ["--LabApp.news_url=",
                                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]),
    "notebook": ("notebooks", []),  # Notebook 7: JupyterLab's parts, one document a tab
}  # fmt: skip


@pytest.fixture(scope="module", params=list(FRONT_ENDS))
def lab(folder, request):
    """The notebook's address in a running JupyterLab, then Notebook 7."""
    front_end, (tree, options) = request.param, FRONT_ENDS[request.param]
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JUPYTER_CONFIG_DIR": str(folder / ".jupyter")}
    log = open(folder / f"{front_end}.log", "w+")
    process = subprocess.Popen(
        [sys.executable, "-m", front_end, "--no-browser", "--ip", "127.0.0.1",
         "--port", str(port), "--allow-root", "--IdentityProvider.token=",
         "--ServerApp.password=", "--ServerApp.root_dir", str(folder), *options],
        cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    # A copy of its own, not yet run: a front end saves the outputs it made into its notebook.
    (folder / f"{front_end}.ipynb").write_text((folder / "demo.ipynb").read_text())
    url = f"http://127.0.0.1:{port}/{tree}/{front_end}.ipynb"
    try:
        if not answers(f"http://127.0.0.1:{port}/api", process, 60):
            log.seek(0)
            pytest.fail(f"{front_end} did not start:\n{log.read()[-3000:]}")
        yield url
    finally:
        stop_group(process)
        log.close()


def wait_for_a_connected_kernel(notebook_url: str, seconds: float = 60) -> None:
    """Waits until the Jupyter server serving `notebook_url` has a kernel a page is connected to."""
    api = re.match(r"(http://127\.0\.0\.1:\d+)/", notebook_url)[1] + "/api/kernels"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with urllib.request.urlopen(api, timeout=5) as answer:
            if any(kernel["connections"] > 0 for kernel in json.load(answer)):
                return
        time.sleep(0.2)
    pytest.fail(f"no page connected to a kernel within {seconds} s")


def test_the_readmes_cell_fits_the_output_area_moves_toggles_and_steps_by_key(lab, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    unanswered = offline(context)
    try:
        page = Page(context.new_page())
        page.page.goto(lab)
        # Ready once the kernel is. The page's own word comes too early: Notebook 7's
        # indicator reads idle before its kernel has even started (then initializing,
        # connecting, idle again), and a Run pressed then was lost, the readout never came.
        # So first the server must hold the page's connection to a kernel, then the page must
        # say idle: JupyterLab in its status bar, Notebook 7 in its toolbar's indicator.
        wait_for_a_connected_kernel(lab)
        if "/lab/" in lab:
            page.page.get_by_text(re.compile(r"\| Idle")).wait_for(timeout=40_000)
        else:
            indicator = ".jp-Notebook-ExecutionIndicator[data-status='idle']"
            page.page.locator(indicator).wait_for(timeout=40_000)
        # The notebook, not the file browser, is the current widget that Run acts on.
        page.page.locator(".jp-InputPrompt").first.click()
        page.page.get_by_role("menuitem", name="Run", exact=True).click()
        page.page.get_by_text("Run All Cells", exact=True).click()
        page.page.wait_for_function(f"() => ({DEMO})?.text.includes('step')", timeout=40_000)
        # The readout shows a step at once, with no click: the figure's first layout started it.
        step = page.page.evaluate(f'() => Number(/class="step">(\\d+)</.exec(({DEMO}).text)[1])')
        # It moves in a notebook as on a page.
        page.page.wait_for_function(
            f'() => Number(/class="step">(\\d+)</.exec(({DEMO}).text)[1]) !== {step}',
            timeout=10_000,
        )
        # Nothing of it is wider than the output area.
        output = page.page.locator(".jp-OutputArea-output").first
        widths = output.evaluate("(el) => [el.scrollWidth, el.clientWidth]")
        assert widths[0] <= widths[1] + 1, f"the output area scrolls sideways: {widths}"
        toggle = page.page.get_by_role("button", name="Toggle Movement")
        toggle.click()  # paused
        paused = page.page.evaluate(f"() => ({DEMO}).text")
        page.page.wait_for_timeout(1500)
        assert page.page.evaluate(f"() => ({DEMO}).text") == paused, "Toggle Movement pauses it"
        # The keys act while the demo has focus: a click on the figure gives it.
        page.page.get_by_role("img", name=re.compile("The convolution")).click()
        before = int(re.search(r'class="step">(\d+)<', paused)[1])
        page.page.keyboard.press("ArrowRight")
        page.page.wait_for_function(
            f'() => /class="step">{before + 1}</.test(({DEMO}).text)', timeout=5000
        )
        assert [url for url in unanswered if "cdn" in url] == []
        # With its kernel, the page says nothing of a missing one.
        assert page.page.get_by_text("saved without its kernel").filter(visible=True).count() == 0
    finally:
        context.close()


def test_saved_as_html_without_a_kernel_it_plays_and_says_its_settings_need_one(folder, browser):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    converted = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--execute",
         "demo.ipynb", "--output", "saved.html"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert converted.returncode == 0, converted.stderr[-2000:]
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    offline(context)
    try:
        page = Page(context.new_page())
        page.page.goto((folder / "saved.html").as_uri())
        page.page.get_by_text("This notebook was saved without its kernel").filter(
            visible=True
        ).wait_for()
        first = page.page.evaluate(f"() => ({DEMO}).text")
        assert "step" in first
        page.page.wait_for_timeout(2300)
        assert page.page.evaluate(f"() => ({DEMO}).text") != first, "the demo plays"
    finally:
        context.close()
