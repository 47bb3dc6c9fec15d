"""Every reader: axe-core finds no serious or critical WCAG 2.1 AA fault on any layer's page or
the offline export; a screen reader hears a step when a person moves it; less motion keeps the
demo still until asked."""

import re

import numpy as np
import pytest
from axe_playwright_python.sync_playwright import Axe
from support.cli import run_cli
from support.serving import Page

from app.layers import DemoSettings

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
LIVE = "() => document.querySelector('[role=status][aria-live=polite]')?.textContent ?? ''"


def faults(page: Page) -> list[str]:
    results = Axe().run(page.page, options=WCAG_21_AA)
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize(
    ("query", "demo"),
    [("?seed=1", "conv"), ("?embed=true&seed=1", "conv"), ("?mode=transposed&seed=1", "tconv"),
     ("?mode=image&seed=1", "conv"), ("?mode=im2col&seed=1", "im2col"),
     ("?mode=backward&seed=1&dx_as_convolution=true", "back"), ("?theme=dark&seed=1", "conv"),
     ("?theme=dark&embed=true&mode=im2col&seed=1", "im2col"),
     ("?mode=pooling&compare=true&seed=1", "pool"),
     ("?height=25&width=25&n_filters=5&stride=1&padding=1&seed=4", "conv"),
     ("?height=25&width=25&n_filters=5&stride=1&padding=1&seed=4&embed=true", "conv")],
)  # fmt: skip
def test_axe_finds_no_serious_fault_on_any_layer(server, page, query, demo):
    page.open(server.url + query, demo)
    assert faults(page) == []


def test_axe_finds_no_serious_fault_in_the_code_the_cost_share_and_settings(server, page):
    page.open(server.url + "?seed=1&padding_mode=reflect&autoplay=false")
    for name in ("Code", "Cost", "Share"):
        page.page.get_by_role("button", name=name, exact=True).click()
    page.page.get_by_text("Output values:").wait_for()
    page.open_settings()
    assert faults(page) == []


def test_axe_finds_no_serious_fault_in_the_offline_export(tmp_path, page):
    path = tmp_path / "demo.html"
    assert run_cli("export", str(path), "--seed", "1").returncode == 0
    page.page.context.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())
    page.open(path.as_uri())
    assert faults(page) == []


def test_a_screen_reader_hears_the_step_a_person_moves_to_and_the_figure_has_a_name(server, page):
    page.open(server.url + "?seed=0")
    page.page.get_by_role("button", name="Toggle Movement").click()
    assert page.page.evaluate(LIVE).startswith(f"Step {page.step() + 1} of 18")
    page.page.get_by_role("button", name="Step forward").click()
    said = page.page.evaluate(LIVE)
    assert said.startswith(f"Step {page.step() + 1} of 18: the window covers padded rows")
    assert "filter w" in said and "the sum is" in said
    name = page.page.get_by_role("img", name=re.compile("The convolution, drawn as in the CS231n"))
    assert "Step" in name.get_attribute("aria-label")
    page.page.get_by_role("button", name="Toggle Movement").click()  # moving: no narration
    page.page.wait_for_timeout(2200)
    assert page.page.evaluate(LIVE) == "Moving."


@pytest.mark.parametrize("how", ["reduced motion", "autoplay=false"])
def test_less_motion_opens_paused_on_step_one_with_a_hint(server, browser, how):
    context = browser.new_context(reduced_motion="reduce" if how == "reduced motion" else None)
    try:
        page = Page(context.new_page()).open(
            server.url + ("?seed=2" if how == "reduced motion" else "?seed=2&autoplay=false")
        )
        page.page.wait_for_timeout(1500)
        assert page.step() == 0
        assert "press Toggle Movement" in page.model("conv_readout", "model.text")
        page.page.get_by_role("button", name="Toggle Movement").click()
        page.moves_from(0)  # and it moves once asked
        assert "press Toggle Movement" not in page.model("conv_readout", "model.text")
        assert page.errors == []
    finally:
        context.close()


def test_a_screen_reader_reads_the_window_and_the_slice_as_a_table(server, page):
    page.open(server.url + "?seed=3&step=5&autoplay=false")
    step = DemoSettings(seed=3).conv[4]
    conv = DemoSettings(seed=3).conv
    table = page.page.get_by_role("table", name="x[:,:,1] \u00d7 w0[:,:,1] = products, row by row")
    rows = table.get_by_role("row").all_inner_texts()
    window = conv.padded[1][np.ix_(step.rows, step.cols)]
    said = {"x[:,:,1]": window, "w0[:,:,1]": conv.w[0, 1], "products": window * conv.w[0, 1]}
    assert [re.sub(r"\s+", " ", row).strip() for row in rows] == [
        f"{name}, row {r} {', '.join(map(str, values[r]))}"
        for name, values in said.items()
        for r in range(3)
    ]


def test_the_dark_theme_keeps_the_cells_and_darkens_the_ground_for_a_dark_course_page(server, page):
    page.open(server.url + "?theme=dark&embed=true&seed=1&autoplay=false")
    ground = page.page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    red, green, blue = (int(v) for v in re.findall(r"\d+", ground)[:3])
    assert max(red, green, blue) < 60, f"a dark page's ground, not {ground}"
    figure = "Bokeh.documents[0].get_model_by_name('conv_figure')"
    assert page.page.evaluate(f"() => {figure}.background_fill_alpha") == 0
    headings = page.page.evaluate(
        f"() => {figure}.renderers.map((r) => JSON.stringify(r.glyph.text_color ?? null))"
        ".filter((c) => c.includes('#e8e8e8'))"
    )
    assert headings, "the headings are light on the dark ground"
    # The cells keep the original's fills; the share link and the address keep the theme.
    fills = page.page.evaluate(
        "() => Bokeh.documents[0].get_model_by_name('conv_figure').renderers"
        ".map((r) => JSON.stringify(r.glyph.fill_color ?? null))"
    )
    assert any("#DDDDFF" in fill for fill in fills) and any("#FFDDDD" in fill for fill in fills)
    readout = page.page.get_by_text("step 1 / 18")
    colour = readout.evaluate("(el) => getComputedStyle(el).color")
    assert colour == "rgb(232, 232, 232)"
    assert faults(page) == []


def test_the_offline_export_opens_still_under_reduced_motion_and_narrates_each_step(
    tmp_path, browser
):
    path = tmp_path / "demo.html"
    assert run_cli("export", str(path), "--seed", "1", "--mode", "im2col").returncode == 0
    context = browser.new_context(reduced_motion="reduce", viewport={"width": 800, "height": 700})
    context.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())
    try:
        page = Page(context.new_page()).open(path.as_uri(), "im2col")
        page.page.wait_for_timeout(1500)
        assert page.step("im2col") == 0, "less motion: the file opens paused on step 1"
        assert "press Toggle Movement" in page.model("im2col_readout", "model.text")
        page.page.get_by_role("button", name="Step forward").click()
        said = page.page.evaluate(LIVE)
        assert said.startswith("Step 2 of 18: column 1 of x_col holds the window"), said
        # Wider than the frame, the figure pans in its own box: the page never scrolls sideways.
        width = page.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 800
    finally:
        context.close()


def test_toggle_movement_says_whether_the_demo_moves(server, page):
    page.open(server.url + "?seed=2&autoplay=false")
    toggle = page.page.get_by_role("button", name="Toggle Movement")
    assert toggle.get_attribute("aria-pressed") == "false"
    paused = toggle.evaluate("(el) => getComputedStyle(el).backgroundColor")
    toggle.click()
    page.page.wait_for_function(
        "() => Bokeh.index.find_one(Bokeh.documents[0].get_model_by_name('conv_toggle'))"
        ".button_el.getAttribute('aria-pressed') === 'true'"
    )
    assert toggle.evaluate("(el) => getComputedStyle(el).backgroundColor") != paused
