"""Pooling in a real Chromium: it moves on load, each step's window, winner and output cell
are the engine's, the readout's numbers are the window's, and it says the depth is kept."""

import re

import numpy as np
import torch
from support.reading import cells_at, meta, readout_text
from support.serving import address

from app.layers import DemoSettings
from app.scene.style import format_values

CONFIGURATION = dict(mode="pooling", seed=3, height=5, width=6, stride=2, padding=1)


def test_pooling_moves_and_each_step_is_the_engines(server, page):
    page.open(address(server, **CONFIGURATION), demo="pool")
    first = page.step("pool")
    page.moves_from(first, "pool")
    pool = DemoSettings(**CONFIGURATION).conv
    C, Hd, Wd = pool.padded.shape
    out0 = meta(page, "block_outputs", "pool")
    assert out0 == C and meta(page, "K", "pool") == 0  # no filters between input and output
    for n in (0, 4, len(pool) // 2, len(pool) - 1, 4):
        page.model("pool_slider", f"model.value = {n + 1}")
        step = pool[n]
        blue = cells_at(page, "pool_window_box", range(C), Hd, Wd, demo="pool")
        assert blue == {(step.channel, r, c) for r in step.rows for c in step.cols}
        red = cells_at(page, "pool_kernel", range(C), Hd, Wd, demo="pool")
        assert red == {(step.channel, *step.winner)}
        green = cells_at(page, "pool_cursor", [out0 + step.channel], *pool.output.shape[1:],
                         demo="pool")  # fmt: skip
        assert green == {(out0 + step.channel, step.row, step.col)}
        # The readout lists the window's values as the engine reads them, by hand here.
        expected = ", ".join(
            "-∞" if v == -np.inf else format_values(np.array([v]))[0] for v in step.values
        )
        value = format_values(np.array([step.value]))[0]
        assert f"max({expected}) = {value}, on channel {step.channel} alone" in readout_text(
            page, "pool"
        )
        assert "the output has 3 channels, as the input has" in readout_text(page, "pool")
        shown = page.model("pool_output_text", "Array.from(model.data.shown)")
        assert shown[: n + 1] == format_values(pool.output)[: n + 1]
        assert set(shown[n + 1 :]) <= {""}, "later cells are not filled yet"
    assert page.errors == []


def test_average_pooling_says_its_divisor_and_the_finished_output_is_pytorchs(server, page):
    choices = {**CONFIGURATION, "pool": "avg", "count_include_pad": "false", "ceil_mode": "true"}
    page.open(address(server, **choices, autoplay="false"), demo="pool")
    pool = DemoSettings(**{**CONFIGURATION, "pool": "avg", "count_include_pad": False,
                           "ceil_mode": True}).conv  # fmt: skip
    step = pool[0]
    assert f"the divisor {step.divisor} counts the input cells alone" in readout_text(page, "pool")
    counted = [v for v, c in zip(step.values, step.counted, strict=True) if c]
    assert sum(counted) / len(counted) == step.value
    page.page.get_by_text("Show the finished output").filter(visible=True).click()
    page.page.wait_for_function(
        "() => Bokeh.documents[0].get_model_by_name('pool_output_text').data.shown.at(-1) !== ''"
    )
    shown = page.model("pool_output_text", "Array.from(model.data.shown)")
    expected = torch.nn.functional.avg_pool2d(
        torch.from_numpy(pool.x.astype(float))[None], 3, stride=2, padding=1, ceil_mode=True,
        count_include_pad=False,
    )[0].numpy()  # fmt: skip
    assert shown == format_values(expected)


def test_beside_a_convolution_the_channels_are_added_on_one_side_and_kept_on_the_other(
    server, page
):
    # Still: a moving demo already on the step scrubbed to would take it as no change.
    page.open(address(server, **CONFIGURATION, compare="true", autoplay="false"), demo="pool")
    page.wait_for("twin")
    twin = readout_text(page, "twin")
    assert re.search(r"filter w0, b0 give o\[0,0\]", twin)
    assert meta(page, "O", "twin") == 2 and meta(page, "O", "pool") == 3
    page.page.get_by_text("Beside a convolution.").wait_for()
    # It steps with the pooling: the same window, the filter matching the channel.
    pool = DemoSettings(**CONFIGURATION).conv
    OH, OW = pool.output.shape[1:]
    for n in (4, len(pool) - 1):
        page.model("pool_slider", f"model.value = {n + 1}")
        step = pool[n]
        twin_step = ((step.channel % 2) * OH + step.row) * OW + step.col
        page.page.wait_for_function(
            f"() => Bokeh.documents[0].get_model_by_name('twin_slider').value === {twin_step + 1}"
        )
    assert page.errors == []
