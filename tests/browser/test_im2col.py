"""The im2col layer in a real Chromium: it moves, each step outlines the window, its column of
x_col, the filter's row of w_row and the product's cell where an independent unfold puts
them, the readout's numbers are those, and a tap on x_col edits the input cell it copies."""

import re

import numpy as np
import torch
from support.oracles import direct_loop
from support.reading import cells_at, ink, meta, origins, screen_point
from support.serving import address
from torch.nn.functional import unfold as torch_unfold

from app.layers import DemoSettings
from app.scene.style import format_values

CONFIGURATION = dict(mode="im2col", seed=4, depth=4, n_filters=4, groups=2, padding_mode="reflect")


def unfold(conv) -> np.ndarray:
    """x_col by PyTorch: (C*FH*FW, OH*OW), from the padded input the page draws."""
    padded = torch.from_numpy(conv.padded.astype(float))[None]
    return torch_unfold(padded, conv.w.shape[2:], dilation=conv.dilation, stride=conv.stride)[
        0
    ].numpy()


def listed(page, kind: str) -> list[str]:
    """The numbers of the close-up's tables of one kind (patch: x_col's column, slice:
    w_row's row), a channel's part after another, as the page shows them."""
    return page.model(
        "im2col_readout",
        "Array.from(Bokeh.index.find_one(model).markup_el"
        f".querySelectorAll('.closeup table.{kind} td')).map((td) => td.textContent)",
    )


def test_an_output_is_painted_once_the_steps_reach_it(server, page):
    page.open(address(server, **CONFIGURATION, autoplay="false"), demo="im2col")
    conv = DemoSettings(**CONFIGURATION).conv
    second = conv[1]  # the step that writes the second output
    cell = (second.filter, second.row, second.col)
    for step, painted in ((3, True), (1, False), (2, True)):
        page.model("im2col_slider", f"model.value = {step}")
        page.painted()
        assert (ink(page, *cell, "im2col") > 5) == painted, f"the second output at step {step}"


def test_im2col_moves_and_each_step_is_a_column_times_a_row(server, page):
    page.open(address(server, **CONFIGURATION), demo="im2col")
    first = page.step("im2col")
    page.moves_from(first, "im2col")
    conv = DemoSettings(**CONFIGURATION).conv
    x_col = unfold(conv)
    C, Hp, Wp = conv.padded.shape
    K, OW, G = conv.w.shape[0], conv.output.shape[2], conv.groups
    Rg = x_col.shape[0] // G
    ox, oy = origins(page, "im2col")
    block = {name: meta(page, f"block_{name}", "im2col") for name in ("x_col", "w_row", "product")}
    for n in (0, 7, len(conv) // 2 + 3, len(conv) - 1, 2):
        page.model("im2col_slider", f"model.value = {n + 1}")
        assert page.step("im2col") == n
        step = conv[n]
        k, p, g = step.filter, step.row * OW + step.col, step.filter // (K // G)
        blue = cells_at(page, "im2col_window_box", range(C), Hp, Wp, demo="im2col")
        assert blue == {(d, r, c) for d in step.channels for r in step.rows for c in step.cols}
        (cx,), (cy,) = page.model(
            "im2col_column", "[Array.from(model.data.x), Array.from(model.data.y)]"
        )
        assert cx == ox[block["x_col"]] + p + 0.5 and cy == oy[block["x_col"]] + (g + 0.5) * Rg
        ky = page.model("im2col_kernel", "model.data.y[0]")
        gx = page.model("im2col_cursor", "model.data.x[0]")
        assert ky == oy[block["w_row"]] + k + 0.5 and gx == ox[block["product"]] + p + 0.5
        html = page.model("im2col_readout", "model.text")
        assert listed(page, "patch") == format_values(x_col[g * Rg : (g + 1) * Rg, p])
        assert listed(page, "slice") == format_values(conv.w[k].ravel())
        (value,) = re.findall(r'class="value">([^<]+)<', html)
        expected = x_col[g * Rg : (g + 1) * Rg, p] @ conv.w[k].ravel() + conv.b[k]
        assert value == format_values(np.array([expected]))[0]
    assert page.errors == []


def test_the_finished_product_is_the_convolution_and_a_tap_on_x_col_edits_its_input_cell(
    server, page
):
    page.open(address(server, **CONFIGURATION), demo="im2col")
    page.page.get_by_role("button", name="Toggle Movement").filter(visible=True).click()
    page.page.get_by_text("Show the finished output").filter(visible=True).click()
    conv = DemoSettings(**CONFIGURATION).conv
    *_, expected = direct_loop(conv.x, conv.w, conv.b, conv.stride, conv.padding, conv.dilation,
                           conv.groups, "reflect")  # fmt: skip
    shown = page.model("im2col_output_text", "Array.from(model.data.shown)")
    assert shown == format_values(expected) * 2, "the product's cells, then the output's"
    # x_col[r, p] with r = channel 1, kernel cell (2, 0) and p = window (0, 1): padded row 2,
    # column 2, input row 1, column 1 (padding 1).
    ox, oy = origins(page, "im2col")
    x_col = meta(page, "block_x_col", "im2col")
    r, p = 1 * 9 + 2 * 3 + 0, 1
    x, y = screen_point(page, ox[x_col] + p + 0.5, oy[x_col] + r + 0.5, "im2col")
    page.page.mouse.click(x, y)
    page.page.get_by_text("x[:,:,1] row 1, column 1").wait_for()
    assert unfold(conv)[r, p] == conv.x[1, 1, 1]
    assert page.errors == []
