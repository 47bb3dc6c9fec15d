"""The student's own case, 25x25x3 with five 3x3 filters, on the screens people use: the
close-up's numbers are the engine's step, large enough to read, the answer's labelled line is
in view, the output volume is in view, the output visibly fills in, and nothing scrolls
sideways."""

import io

import numpy as np
import pytest
from PIL import Image
from support.reading import output_cell_centre, readout_text
from support.serving import Page

from app.layers import DemoSettings
from app.scene.style import format_values

STUDENT = dict(height=25, width=25, n_filters=5, stride=1, padding=1, seed=4)
QUERY = "&".join(f"{key}={value}" for key, value in STUDENT.items())
SIZES = {
    "laptop": ((1366, 768), ""),
    "large screen": ((1920, 1080), ""),
    "course iframe": ((800, 700), "&embed=true"),
    "phone": ((390, 844), ""),
}
# The close-up's tables, read from the readout the browser wrote.
CLOSEUP = """Array.from(Bokeh.index.find_one(model).markup_el.querySelectorAll('.closeup'))
  .map((row) => ['patch', 'slice', 'times'].map((kind) =>
    Array.from(row.querySelectorAll(`table.${kind} td`)).map((td) => td.textContent)))"""
SMALLEST_NUMBER_PX = """Math.min(...Array.from(Bokeh.index.find_one(model).markup_el
  .querySelectorAll('.closeup td, .sum, .scalar'))
  .map((el) => parseFloat(getComputedStyle(el).fontSize)))"""
IN_VIEW = """((el) => { const r = el.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth })"""


def opened(browser, server, size, query):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = Page(context.new_page())
    page.open(f"{server.url}?{query}&autoplay=false")
    return page, context


@pytest.mark.parametrize("where", SIZES)
@pytest.mark.parametrize("step", [0, 701])
def test_the_close_up_reads_the_engines_step_at_the_students_size(server, browser, where, step):
    (size, extra) = SIZES[where]
    page, context = opened(browser, server, size, f"{QUERY}&step={step + 1}{extra}")
    try:
        conv = DemoSettings(**STUDENT).conv
        s = conv[step]
        assert page.step() == step
        rows = page.model("conv_readout", CLOSEUP)
        assert len(rows) == 3
        for c, (patch, weights, products) in enumerate(rows):
            # By hand: the padded input under the window, the filter's slice, their products.
            window = conv.padded[c][np.ix_(s.rows, s.cols)]
            slice_ = conv.w[s.filter, c]
            assert patch == format_values(window)
            assert weights == format_values(slice_)
            assert products == format_values(window * slice_)
            assert int(np.sum(window * slice_)) == s.scalars[c]
        answer = page.model(
            "conv_readout",
            "Bokeh.index.find_one(model).markup_el.querySelector('.sum.answer').textContent",
        )
        terms = " + ".join(f"({v})" if v < 0 else str(v) for v in s.scalars)
        bias = f"({s.bias})" if s.bias < 0 else str(s.bias)
        assert f"o[{s.row},{s.col},{s.filter}] = s0 + s1 + s2 + b{s.filter}" in answer
        assert f"= {terms} + {bias} = {s.value}" in answer
        assert page.model("conv_readout", SMALLEST_NUMBER_PX) >= 14
        assert "not the largest, not the average" in readout_text(page)
        # Nothing scrolls sideways; the output volume is in view; on all but a phone, the
        # answer's line is too, with Toggle Movement.
        widths = page.page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert widths[0] <= widths[1]
        last = output_cell_centre(page, 4, 24, 24)
        assert 0 <= last[0] <= size[0] and 0 <= last[1] <= size[1], "o[:,:,4] in view"
        if where != "phone":
            answer_in_view = page.model(
                "conv_readout",
                f"{IN_VIEW}(Bokeh.index.find_one(model).markup_el.querySelector('.sum.answer'))",
            )
            assert answer_in_view, "the labelled line is in view"
            toggle = page.page.get_by_role("button", name="Toggle Movement").bounding_box()
            assert toggle["y"] + toggle["height"] <= size[1]
        assert page.errors == []
    finally:
        context.close()


def colour_at(page, x, y):
    """The colour the screen shows at (x, y)."""
    shot = page.page.screenshot(clip={"x": x - 1, "y": y - 1, "width": 2, "height": 2})
    return Image.open(io.BytesIO(shot)).convert("RGB").getpixel((1, 1))


@pytest.mark.parametrize("where", ["laptop", "phone"])
def test_the_output_visibly_fills_in_at_the_students_size(server, browser, where):
    (size, extra) = SIZES[where]
    page, context = opened(browser, server, size, f"{QUERY}&step=701{extra}")
    try:
        # Step 701 has filled o[:,:,0] and the first rows of o[:,:,1], and nothing of o[:,:,2].
        filled = colour_at(page, *output_cell_centre(page, 1, 0, 5))
        empty = colour_at(page, *output_cell_centre(page, 2, 10, 10))
        assert filled != empty, "reached and unreached output cells look apart"
        assert empty == (255, 255, 255)
        page.page.get_by_text("Show the finished output").filter(visible=True).click()
        page.painted()
        assert colour_at(page, *output_cell_centre(page, 2, 10, 10)) == filled
    finally:
        context.close()


def test_the_default_keeps_its_numbers_in_the_cells_and_its_close_up(server, browser):
    page, context = opened(browser, server, (800, 700), "embed=true&seed=3&step=5")
    try:
        assert page.model("conv_readout", CLOSEUP)[0][0] == format_values(
            DemoSettings(seed=3).conv.padded[0][np.ix_((2, 3, 4), (2, 3, 4))]
        )
        assert (
            page.model("conv_output_text", "Array.from(model.data.shown)")[:5]
            == (format_values(DemoSettings(seed=3).conv.output)[:5])
        )
    finally:
        context.close()
