"""Every layer's close-up at the CS231n default, in a real Chromium: each line's tables hold the
step's numbers as computed here by hand from the layer's input and filters (the window, the
slice, their products; the input cell and its scaled slices; the column and the row; the
upstream gradient's two shares; the pooling window and its winner), at a readable size, and a
screen reader gets each line as a table."""

import numpy as np
import pytest
from support.serving import Page, address

from app.layers import DemoSettings
from app.scene.style import format_values

SEED = 2
STEP = 4  # from 0: the second row of windows at the default, where padding and input meet
# Each line of the close-up: its tables as (kind, label, numbers row by row) in reading order.
LINES = """Array.from(Bokeh.index.find_one(model).markup_el.querySelectorAll('.closeup'))
  .map((line) => Array.from(line.querySelectorAll('.part')).map((part) => [
    part.querySelector('table').classList[1], part.querySelector('.label').textContent
      .replace(/^[^a-z]+/, ''),
    Array.from(part.querySelectorAll('tr')).map((tr) =>
      Array.from(tr.querySelectorAll('td')).map((td) => td.textContent))]))"""
SMALLEST_NUMBER_PX = """Math.min(...Array.from(Bokeh.index.find_one(model).markup_el
  .querySelectorAll('.closeup td')).map((el) => parseFloat(getComputedStyle(el).fontSize)))"""
SPOKEN = """Array.from(Bokeh.index.find_one(model).markup_el
  .querySelectorAll('.closeup-line > table.sr-only caption')).map((c) => c.textContent)"""


def grid(values, rows=None) -> list[list[str]]:
    """Numbers as the page writes them, in `rows` rows (the array's own rows by default)."""
    values = np.asarray(values)
    rows = rows or (values.shape[0] if values.ndim == 2 else 1)
    return np.array(format_values(values.ravel()), dtype=object).reshape(rows, -1).tolist()


def convolution_lines(conv, n):
    s = conv[n]
    lines = []
    for c, d in enumerate(s.channels):
        window = conv.padded[d][np.ix_(s.rows, s.cols)]
        slice_ = conv.w[s.filter, c]
        lines.append([("patch", f"x[:,:,{d}]", grid(window)),
                      ("slice", f"w{s.filter}[:,:,{c}]", grid(slice_)),
                      ("times", "products", grid(window * slice_))])  # fmt: skip
    return lines


def transposed_lines(tconv, n):
    s = tconv[n]
    total = 0
    lines = []
    for c, d in enumerate(s.channels):
        # PyTorch's layout for a transposed convolution: w[input channel, output channel].
        x, slice_ = tconv.x[d, s.row, s.col], tconv.w[d, s.filter]
        total = total + x * slice_
        lines.append([("patch", f"x[{s.row},{s.col},{d}]", [[format_values(np.array([x]))[0]]]),
                      ("slice", f"w{s.filter}[:,:,{c}]", grid(slice_)),
                      ("times", "scaled", grid(x * slice_))])  # fmt: skip
    return [*lines, [("times", "sum over channels", grid(total))]]


def im2col_lines(conv, n):
    s = conv[n]
    taps = len(s.rows) * len(s.cols)
    p = s.row * conv.output.shape[2] + s.col  # the window's column of x_col
    lines = []
    for c, d in enumerate(s.channels):
        column = conv.padded[d][np.ix_(s.rows, s.cols)].ravel()
        row = conv.w[s.filter, c].ravel()
        span = f"{c * taps}:{(c + 1) * taps}"
        lines.append([("patch", f"x_col[{span}, {p}]", grid(column)),
                      ("slice", f"w_row[{s.filter}, {span}]", grid(row)),
                      ("times", "products", grid(column * row))])  # fmt: skip
    return lines


def backward_lines(backward, n):
    s = backward[n]
    conv = backward.conv
    v = backward.dout[s.filter, s.row, s.col]
    upstream = ("upstream", f"dout[{s.row},{s.col},{s.filter}]", [[str(v)]])
    lines = []
    for c, d in enumerate(s.channels):
        window = conv.padded[d][np.ix_(s.rows, s.cols)]
        slice_ = conv.w[s.filter, c]
        lines.append([upstream, ("slice", f"w{s.filter}[:,:,{c}]", grid(slice_)),
                      ("times", f"into dx[:,:,{d}]", grid(v * slice_))])  # fmt: skip
        lines.append([upstream, ("patch", f"x[:,:,{d}]", grid(window)),
                      ("times", f"into dw{s.filter}[:,:,{c}]", grid(v * window))])  # fmt: skip
    return lines


def pooling_lines(pool, n):
    s = pool[n]
    window = pool.padded[s.channel][np.ix_(s.rows, s.cols)]
    text = ["-∞" if v == -np.inf else format_values(np.array([v]))[0] for v in window.ravel()]
    return [[("patch", f"x[:,:,{s.channel}] under the window",
              np.array(text, dtype=object).reshape(window.shape).tolist())]]  # fmt: skip


LAYERS = {
    "convolution": ("conv", convolution_lines),
    "image": ("conv", convolution_lines),
    "transposed": ("tconv", transposed_lines),
    "im2col": ("im2col", im2col_lines),
    "backward": ("back", backward_lines),
    "pooling": ("pool", pooling_lines),
}


SIZES = {
    "laptop": ((1366, 768), {}),
    "large screen": ((1920, 1080), {}),
    "course iframe": ((800, 700), {"embed": "true"}),
    "phone": ((390, 844), {}),
}
# The figure's box on the page, and the page's width against the window's.
FIGURE_BOX = """(() => { const r = Bokeh.index.find_one(model).el.getBoundingClientRect();
  return [r.left, r.right, document.documentElement.scrollWidth, innerWidth] })()"""


@pytest.mark.parametrize("where", SIZES)
@pytest.mark.parametrize("mode", LAYERS)
def test_every_layers_close_up_is_its_step_by_hand_on_every_screen(server, browser, mode, where):
    demo, lines = LAYERS[mode]
    size, extra = SIZES[where]
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    try:
        page = Page(context.new_page())
        query = dict(mode=mode, seed=SEED, step=STEP + 1, autoplay="false", **extra)
        page.open(address(server, **query), demo=demo)
        layer = DemoSettings(mode=mode, seed=SEED).conv
        assert page.step(demo) == STEP
        shown = page.model(f"{demo}_readout", LINES)
        assert shown == [[list(part) for part in line] for line in lines(layer, STEP)]
        assert page.model(f"{demo}_readout", SMALLEST_NUMBER_PX) >= 14
        assert len(page.model(f"{demo}_readout", SPOKEN)) == len(shown)
        # The whole picture across the window, or a button under it that pans to the rest;
        # and the page never scrolls sideways.
        left, right, page_width, window = page.model(f"{demo}_figure", FIGURE_BOX)
        assert page_width <= window and 0 <= left
        pan = page.page.get_by_role("button", name="Show the right of the picture")
        if right > window:
            pan.click()
            page.page.get_by_role("button", name="Show the left of the picture").wait_for()
            page.page.wait_for_function(
                f"() => {{ const model = Bokeh.documents[0].get_model_by_name('{demo}_figure');"
                " const r = Bokeh.index.find_one(model).el.getBoundingClientRect();"
                " return r.right <= innerWidth + 1 }"
            )  # the picture's right edge, its output, in view
        else:
            assert pan.count() == 0 or not pan.is_visible()
        assert page.errors == []
    finally:
        context.close()
