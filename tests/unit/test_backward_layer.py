"""The backward layer: its upstream gradient, its running sums and marks, its code, its cost,
and its refusals."""

import contextlib
import io

import numpy as np
import pytest
import torch
from support.oracles import backward_loop

from app.layers import DemoSettings

CASES = [
    {},
    {"depth": 4, "n_filters": 4, "groups": 2, "stride": 1},
    {"dilation": 2, "height": 7, "width": 7, "values": "decimals"},
    {"kernel_height": 2, "kernel_width": 3, "separate_axes": True, "stride_cols": 1,
     "upstream": "ones", "bias": False},
]  # fmt: skip


def settings(**choices) -> DemoSettings:
    chosen = DemoSettings(mode="backward", **choices)
    assert not chosen.error, chosen.error
    return chosen


def test_dout_is_small_integers_from_the_seed_or_ones_and_x_w_b_are_the_forward_layers():
    back = settings(seed=7).conv
    forward = DemoSettings(seed=7).conv
    np.testing.assert_array_equal(back.conv.output, forward.output)
    assert back.dout.shape == forward.output.shape
    assert back.dout.min() >= -2 and back.dout.max() <= 2 and len(np.unique(back.dout)) > 1
    np.testing.assert_array_equal(settings(seed=7).conv.dout, back.dout)  # the seed's
    assert not np.array_equal(settings(seed=8).conv.dout, back.dout)
    assert np.all(settings(upstream="ones").conv.dout == 1)


@pytest.mark.parametrize("choices", CASES)
def test_the_running_sums_shown_are_a_loops_over_the_steps_taken(choices):
    scene = settings(**choices).scene()
    back = scene.engine
    conv = back.conv
    for n in (0, len(back) // 2, len(back) - 1):
        taken = np.where(np.arange(len(back)).reshape(back.dout.shape) <= n, back.dout, 0)
        dx, dw, db = backward_loop(conv.x, conv.w, taken, conv.stride, conv.padding,
                                   conv.dilation, conv.groups)  # fmt: skip
        running = back.running(n)
        np.testing.assert_allclose(running.dx, dx, atol=1e-12)
        np.testing.assert_allclose(running.dw, dw, atol=1e-12)
        np.testing.assert_allclose(running.db, taken.sum(axis=(1, 2)), atol=1e-12)
        ph, pw = conv.padding
        H, W = conv.x.shape[1:]
        # The padded dx the picture shows holds dx inside its padding.
        np.testing.assert_allclose(running.padded[:, ph : ph + H, pw : pw + W], dx, atol=1e-12)
        values = scene.gradient_values(n)
        assert values.size == running.padded.size + dw.size + db.size


def test_the_marks_are_the_window_in_x_and_dx_the_filter_and_its_gradients_and_dout():
    scene = settings(depth=2, n_filters=2).scene()
    geometry, step = scene.geometry, scene.engine[4]  # filter 0, output (1, 1)
    marks = scene.highlight(4)
    C, FH, FW = 2, 3, 3
    assert len(marks["window_box"]["x"]) == 2 * C * FH * FW
    assert len(marks["kernel"]["x"]) == 2 * (C * FH * FW + 1)
    dout = geometry.outputs[step.filter]
    assert (marks["cursor"]["x"][0], marks["cursor"]["y"][0]) == (dout[0] + 1.5, dout[1] + 1.5)
    dx0 = geometry.extras[0][0]  # dx's first channel, right of dout
    assert dx0[0] > dout[0] or dx0[1] > dout[1]
    rows, cols = step.rows, step.cols
    assert (dx0[0] + cols[0] + 0.5, dx0[1] + rows[0] + 0.5) in set(
        zip(marks["window_box"]["x"], marks["window_box"]["y"], strict=True)
    )


def run(code: str) -> dict:
    names: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(code, names)
    return names


@pytest.mark.parametrize("choices", CASES)
def test_both_snippets_give_the_gradients_and_agree_with_autograd(choices):
    scene = settings(**choices).scene()
    back, code = scene.engine, scene.code()
    numpy_names, torch_names = run(code.numpy), run(code.torch)
    for name in ("dx", "dw", "db"):
        expected = getattr(back, name)
        np.testing.assert_allclose(numpy_names[name], expected, atol=1e-12)
        np.testing.assert_allclose(torch_names[name].numpy(), expected, atol=1e-12)
    assert isinstance(torch_names["out"], torch.Tensor)


def test_the_twin_is_a_convolution_whose_output_is_dx():
    chosen = settings(dx_as_convolution=True, stride=2, groups=1)
    views = chosen.views()
    assert [view.prefix for view in views] == ["back", "twin"]
    np.testing.assert_array_equal(views[1].scene.engine.output, chosen.conv.dx)
    assert "Its output is dx" in views[1].note


def test_a_copying_padding_mode_is_refused_by_name_and_the_last_layer_stays():
    chosen = settings()
    last = chosen.conv
    chosen.padding_mode = "reflect"
    assert chosen.error.startswith("padding_mode=reflect: the backward layer draws zeros padding")
    assert chosen.conv is last


def test_the_cost_counts_the_backward_pass_as_twice_the_forward_multiply_adds():
    _, costs = settings().scene().cost()
    forward, backward = costs
    # 2 filters x 3x3 outputs x 27 taps = 486 multiply-adds forward; dx and dw: 972, db 18 adds.
    assert forward.multiply_adds.value == 486
    assert backward.multiply_adds.value == 2 * 486 + 18
    assert backward.parameters.value == forward.parameters.value == 2 * 27 + 2
