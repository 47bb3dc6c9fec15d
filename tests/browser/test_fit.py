"""The page where people see it: a course page's iframe, a laptop, a phone. Nothing scrolls
sideways; what each size must show at once is in view; the figure's cells stay legible."""

import io

import numpy as np
import pytest
from PIL import Image
from support.reading import meta
from support.serving import Page

IN_VIEW = """(names) => names.map(name => {
  const view = Bokeh.index.find_one(Bokeh.documents[0].get_model_by_name(name))
  const box = view.el.getBoundingClientRect()
  return box.top >= -1 && box.left >= -1 && box.bottom <= innerHeight + 1
    && box.right <= innerWidth + 1 && box.width > 0 && box.height > 0
})"""
BOXES = """(names) => names.map(name => {
  const box = Bokeh.index.find_one(Bokeh.documents[0].get_model_by_name(name)).el
    .getBoundingClientRect()
  return [box.left, box.top, box.width, box.height]
})"""
SCROLLS = """() => { const page = document.documentElement
  return [page.scrollWidth - innerWidth, page.scrollHeight - innerHeight] }"""


def opened(browser, server, size: tuple[int, int], query: str) -> tuple[Page, object]:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = Page(context.new_page()).open(server.url + query)
    # The figure is placed again once the browser has said how much room it has.
    page.page.wait_for_function(
        "() => { const doc = Bokeh.documents[0], box = doc.get_model_by_name('conv_box').data"
        ", meta = doc.get_model_by_name('conv_meta').data;"
        " return box.width.length > 0 && meta.frame_width[0] <= box.width[0] + 8 }",
        timeout=15_000,
    )
    page.page.wait_for_timeout(300)
    return page, context


@pytest.mark.parametrize(
    ("size", "query", "in_view"),
    [
        # A course page's iframe: the whole demo at once, nothing to scroll.
        ((800, 700), "?embed=true&seed=1",
         ["conv_figure", "conv_toggle", "conv_back", "conv_forward", "conv_readout"]),
        # The most common laptop: figure, controls and readout in view, settings below.
        ((1366, 768), "?seed=1", ["conv_figure", "conv_toggle", "conv_readout"]),
    ],
)  # fmt: skip
def test_the_demo_is_in_view_with_nothing_scrolling_sideways(server, browser, size, query, in_view):
    page, context = opened(browser, server, size, query)
    try:
        sideways, down = page.page.evaluate(SCROLLS)
        assert sideways <= 0, f"the page scrolls {sideways} px sideways"
        if "embed" in query:
            assert down <= 0, f"the iframe's page scrolls {down} px down"
        assert page.page.evaluate(IN_VIEW, in_view) == [True] * len(in_view)
        assert meta(page, "frame_width") <= size[0]
        assert page.errors == []
    finally:
        context.close()


def test_on_a_phone_the_figure_takes_the_width_and_the_controls_follow(server, browser):
    page, context = opened(browser, server, (390, 844), "?seed=1")
    try:
        sideways, _ = page.page.evaluate(SCROLLS)
        assert sideways <= 0, f"the page scrolls {sideways} px sideways"
        assert page.page.evaluate(IN_VIEW, ["conv_figure"]) == [True]
        figure = page.model(
            "conv_figure", "Bokeh.index.find_one(model).el.getBoundingClientRect().width"
        )
        assert figure <= 390
        toggle = page.page.get_by_role("button", name="Toggle Movement")
        toggle.scroll_into_view_if_needed()
        box = toggle.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, "a touch-sized target"
        toggle.click()  # and it answers a tap
        paused = page.step()
        page.page.wait_for_timeout(1300)
        assert page.step() == paused
        assert page.errors == []
    finally:
        context.close()


@pytest.mark.parametrize("size", [(800, 700), (1366, 768), (390, 844)])
def test_the_default_picture_keeps_its_values_legible_at_every_size(server, browser, size):
    page, context = opened(browser, server, size, "?embed=true&seed=1")
    try:
        cell = page.model("conv_cell_text", "model.data.text.length")
        assert cell > 0, "the values are drawn (cells of 14 px or more)"
    finally:
        context.close()


def test_a_projector_zooms_the_cells_and_the_readout_and_nothing_scrolls_sideways(server, browser):
    sizes = {}
    for zoom in ("1", "1.5"):
        query = f"?seed=1&autoplay=false&zoom={zoom}"
        page, context = opened(browser, server, (1920, 1080), query)
        try:
            sideways, _ = page.page.evaluate(SCROLLS)
            assert sideways <= 0, f"the page scrolls {sideways} px sideways at zoom {zoom}"
            names = ["conv_figure", "conv_toggle", "conv_readout"]
            assert page.page.evaluate(IN_VIEW, names) == [True] * 3
            cell = meta(page, "frame_width") / page.model("conv_meta", "model.data.frame_x_end[0]")
            number = page.page.get_by_role("table").first.locator("td").first
            text = number.evaluate(
                "el => [parseFloat(getComputedStyle(el).fontSize),"
                " el.getBoundingClientRect().height]"
            )
            sizes[zoom] = cell, text
            assert page.errors == []
        finally:
            context.close()
    (cell, (font, tall)), (zoomed_cell, (_, zoomed_tall)) = sizes["1"], sizes["1.5"]
    assert cell <= 26.5 < 1.4 * 26 <= zoomed_cell, "the original's 26 px cells, larger zoomed"
    assert font >= 14 and zoomed_tall >= 1.4 * tall, "the readout's numbers grow with them"


def test_zoomed_on_a_laptop_the_readout_is_whole_and_nothing_scrolls_sideways(server, browser):
    page, context = opened(browser, server, (1366, 768), "?seed=1&autoplay=false&zoom=1.5")
    try:
        sideways, _ = page.page.evaluate(SCROLLS)
        assert sideways <= 0
        # Every line of the readout laid out in full (the page scrolls down to its end).
        clipped = page.model(
            "conv_readout",
            "(() => { const view = Bokeh.index.find_one(model);"
            " return [view.el.scrollHeight - view.el.clientHeight,"
            " view.markup_el.scrollHeight - view.markup_el.clientHeight] })()",
        )
        assert clipped == [0, 0]
        note = page.page.get_by_text("The channels' dot products are added, with the bias")
        note.scroll_into_view_if_needed()
        assert note.is_visible()
    finally:
        context.close()


def pixels(png: bytes) -> np.ndarray:
    """A screenshot's pixels, (rows, cols, 3) as signed integers."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


@pytest.mark.parametrize(
    ("size", "query", "setting", "before", "after"),
    [
        # taller and wider, the controls moving right
        ((1400, 850), "n_filters=4", ("stride", "Stride (rows)"), "2", "1"),
        ((1366, 768), "", ("height", "Input height"), "5", "9"),  # wider and shorter
        ((1366, 768), "", ("depth", "Depth (channels)"), "6", "2"),  # narrower and shorter
        ((390, 844), "", ("n_filters", "Filters"), "4", "1"),  # a phone's, controls under it
    ],
)  # fmt: skip
def test_a_picture_resized_by_a_setting_is_laid_out_as_one_opened_at_it(
    server, browser, size, query, setting, before, after
):
    # The browser lays out a figure's new size itself, around the figure alone (controls.js,
    # resize_in_place): the demo must come out as Bokeh lays out a page opened at that size.
    (name, label), looks = setting, []
    for first, change in ((after, None), (before, after)):
        address = f"?seed=1&autoplay=false&{query}&{name}={first}"
        page, context = opened(browser, server, size, address)
        try:
            page.open_settings()
            if change is not None:
                width, height = page.model("conv_figure", "[model.width, model.height]")
                page.page.get_by_role("combobox", name=label).select_option(change)
                page.page.wait_for_function(
                    "() => { const m = Bokeh.documents[0].get_model_by_name('conv_meta').data;"
                    f" return m.frame_width[0] !== {width} || m.frame_height[0] !== {height} }}"
                )
                page.page.wait_for_timeout(500)
            page.page.evaluate("window.scrollTo(0, 0)")
            page.page.mouse.move(0, 0)
            boxes = page.page.evaluate(BOXES, ["conv_demo", "conv_figure", "conv_toggle"])
            canvas = page.model("conv_figure", "Bokeh.index.find_one(model).canvas_view.bbox.size")
            x, y, width, height = boxes[0]  # the demo: figure, controls and readout
            picture = page.page.screenshot(clip={"x": x, "y": y, "width": width, "height": height})
            looks.append((boxes, canvas, picture))
            assert page.errors == []
        finally:
            context.close()
    (boxes, canvas, picture), (changed_boxes, changed_canvas, changed_picture) = looks
    assert changed_boxes == boxes, "the figure and its controls stand where they would"
    assert changed_canvas == canvas
    # The same pixels, but for the antialiasing of an edge, which differs by a level or two
    # where a sub-pixel position does (seen on Toggle Movement's rounded corners).
    difference = np.abs(pixels(changed_picture) - pixels(picture))
    assert difference.max() <= 2, "the demo looks as one opened at the setting"
