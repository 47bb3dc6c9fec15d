"""The transposed mode in a real Chromium: it moves, its sums are the engine's, and the direct
twin beside it shows the same output."""

import re

import numpy as np
from support.oracles import scatter_loop
from support.reading import cells_at, ink, meta, origins
from support.serving import address

from app.layers import DemoSettings
from app.scene.style import format_values

CONFIGURATION = dict(
    mode="transposed", seed=3, height=4, width=3, depth=2, n_filters=2, stride=2, padding=1,
    output_padding=1, kernel_height=3, kernel_width=2,
)  # fmt: skip


def test_a_filters_canvas_is_painted_once_the_steps_reach_it(server, page):
    page.open(address(server, **CONFIGURATION, autoplay="false"), demo="tconv")
    last = len(DemoSettings(**CONFIGURATION).conv)
    for step, painted in ((last, True), (1, False), (last, True)):
        page.model("tconv_slider", f"model.value = {step}")
        page.painted()
        assert (ink(page, 1, 0, 0, "tconv") > 5) == painted, f"the second canvas at step {step}"


def test_transposed_mode_moves_and_its_running_sums_are_the_engines(server, page):
    page.open(address(server, **CONFIGURATION), demo="tconv")
    first = page.step("tconv")
    page.moves_from(first, "tconv")
    tconv = DemoSettings(**CONFIGURATION).conv
    Hc, Wc = tconv.canvas.shape[1:]
    C = tconv.x.shape[0]
    out0 = meta(page, "block_outputs", "tconv")  # the first canvas among the blocks
    for n in (0, 5, len(tconv) // 2 + 1, len(tconv) - 1, 5, 6):  # on, back, on again
        page.model("tconv_slider", f"model.value = {n + 1}")
        step = tconv[n]
        assert page.step("tconv") == n
        blue = cells_at(page, "tconv_window_box", range(C), *tconv.x.shape[1:], demo="tconv")
        assert blue == {(d, step.row, step.col) for d in step.channels}
        green = cells_at(page, "tconv_cursor", [out0 + step.filter], Hc, Wc, demo="tconv")
        assert green == {(out0 + step.filter, r, c) for r in step.rows for c in step.cols}
        shown = page.model("tconv_output_text", "Array.from(model.data.text)")
        k = step.filter
        expected = format_values(tconv.canvas[:k]) + format_values(tconv.running(n))
        assert shown[: (k + 1) * Hc * Wc] == expected
        assert set(shown[(k + 1) * Hc * Wc :]) <= {""}, "later filters have not started"
    assert page.errors == []


def test_finished_transposed_output_equals_an_independent_loop(server, page):
    page.open(address(server, **CONFIGURATION), demo="tconv")
    page.page.get_by_role("button", name="Toggle Movement").filter(visible=True).click()
    paused = page.step("tconv")
    page.page.wait_for_url(re.compile(rf"[?&]step={paused + 1}(&|$)"))  # kept in the address
    page.page.get_by_text("Show the finished output").filter(visible=True).click()
    tconv = DemoSettings(**CONFIGURATION).conv
    (ph, pw), (OH, OW) = tconv.padding, tconv.output.shape[1:]
    K, Hc, Wc = tconv.canvas.shape
    shown = np.array(page.model("tconv_output_text", "Array.from(model.data.text)"))
    cropped = shown.reshape(K, Hc, Wc)[:, ph : ph + OH, pw : pw + OW]
    expected = scatter_loop(tconv.x, tconv.w, tconv.b, tconv.stride, tconv.padding,
                            tconv.output_padding, tconv.dilation, tconv.groups)  # fmt: skip
    assert cropped.ravel().tolist() == format_values(expected)


def test_switching_to_transposed_and_the_twin_in_the_page(server, page):
    page.open(server.url + "?seed=5").open_settings()
    page.page.get_by_role("button", name="transposed").click()
    page.wait_for("tconv")
    assert page.model("conv_demo", "model.visible") is False
    assert page.model("tconv_demo", "model.visible") is True
    first = page.step("tconv")
    page.moves_from(first, "tconv")
    page.page.get_by_text("Show the equivalent direct convolution").click()
    page.wait_for("twin")
    assert page.model("twin_demo", "model.visible") is True
    twin_text = page.page.get_by_text("The same output as a direct convolution")
    assert twin_text.is_visible()
    # The twin's finished output, as its page shows it, is the transposed output.
    tconv = DemoSettings(seed=5, mode="transposed").conv
    outputs = page.model("twin_output_text", "Array.from(model.data.text)")
    assert outputs == format_values(tconv.output)
    assert page.errors == []


def test_clicking_a_transposed_input_cell_edits_it_and_the_output_follows(server, page):
    page.open(address(server, **CONFIGURATION), demo="tconv")
    page.page.get_by_role("button", name="Toggle Movement").click()
    ox, oy = origins(page, "tconv")
    code = (
        "(() => { const view = Bokeh.index.find_one(model);"
        " const box = view.el.getBoundingClientRect(), f = view.frame;"
        f" return [box.left + f.x_scale.compute({ox[1] + 2.5}),"
        f" box.top + f.y_scale.compute({oy[1] + 1.5})] }})()"
    )
    x, y = page.model("tconv_figure", code)  # input channel 1, row 1, column 2: no padding
    page.page.mouse.click(x, y)
    page.page.get_by_text("x[:,:,1] row 1, column 2").wait_for()
    page.page.get_by_role("textbox", name="New value").fill("-7")
    page.page.get_by_role("button", name="Set the cell").click()
    expected = DemoSettings(**CONFIGURATION, edits={"x,1,1,2": -7}).conv
    page.page.wait_for_function(
        "() => Bokeh.documents[0].get_model_by_name('tconv_outputs').data.value"
        f".includes({expected.canvas.ravel()[0]}) && Bokeh.documents[0]"
        f".get_model_by_name('tconv_cells').data.value[{1 * 4 * 3 + 1 * 3 + 2}] === -7"
    )
    shown = page.model("tconv_outputs", "Array.from(model.data.value)")
    assert shown == expected.canvas.ravel().tolist()
    assert page.errors == []
