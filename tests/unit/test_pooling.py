"""The pooling engine against PyTorch's max_pool2d and avg_pool2d, and against a direct loop."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from support.snippets import run
from torch.nn import functional

from app.engine import Pooling
from app.layers import DemoSettings


@st.composite
def configurations(draw):
    mode = draw(st.sampled_from(["max", "avg"]))
    FH, FW = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sh, sw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    ph, pw = draw(st.integers(0, FH // 2)), draw(st.integers(0, FW // 2))
    dh, dw = (1, 1) if mode == "avg" else (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    H = draw(st.integers(max(1, dh * (FH - 1) + 1 - 2 * ph), 11))
    W = draw(st.integers(max(1, dw * (FW - 1) + 1 - 2 * pw), 11))
    C = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    # Small integers make ties, where the first largest must win as in PyTorch.
    x = rng.integers(-2, 3, size=(C, H, W)).astype(float)
    options = dict(
        kernel_size=(FH, FW), stride=(sh, sw), padding=(ph, pw), ceil_mode=draw(st.booleans())
    )
    if mode == "max":
        options["dilation"] = (dh, dw)
    else:
        options["count_include_pad"] = draw(st.booleans())
    return x, mode, options


@settings(max_examples=300, deadline=None)
@given(configurations())
def test_pooling_equals_pytorch(configuration):
    x, mode, options = configuration
    t = torch.from_numpy(x)[None]
    try:
        pool = Pooling(x, mode=mode, **options)
    except ValueError as error:  # refused only where a window reads padding alone
        assert "reads padding alone" in str(error)
        assert torch.isinf(functional.max_pool2d(t, **options)).any()
        return
    if mode == "max":
        out, indices = functional.max_pool2d(t, return_indices=True, **options)
        np.testing.assert_array_equal(pool.output, out[0].numpy())
        # The winner, as the flat index into the unpadded input that PyTorch returns.
        ph, pw = options["padding"]
        for step in pool:
            r, c = step.winner
            W = x.shape[2]
            assert (r - ph) * W + (c - pw) == indices[0, step.channel, step.row, step.col]
    else:
        out = functional.avg_pool2d(t, **options)
        np.testing.assert_allclose(pool.output, out[0].numpy(), rtol=1e-12, atol=1e-12)
    assert len(pool) == out[0].numel()


def test_steps_go_channel_then_row_then_column_and_name_their_window():
    x = np.arange(2 * 4 * 4).reshape(2, 4, 4)
    pool = Pooling(x, 2)  # stride defaults to the kernel size
    assert pool.output.shape == (2, 2, 2)
    step = pool[5]  # channel 1, row 0, column 1
    assert (step.channel, step.row, step.col) == (1, 0, 1)
    assert step.rows == (0, 1) and step.cols == (2, 3)
    assert step.values == (18, 19, 22, 23) and step.value == 23 and step.winner == (1, 3)


def test_a_step_reads_its_values_directly():
    rng = np.random.default_rng(4)
    x = rng.integers(0, 3, size=(3, 5, 5))
    pool = Pooling(x, 3, stride=2, padding=1, mode="avg", count_include_pad=False)
    for step in pool:
        chosen = [v for v, counted in zip(step.values, step.counted, strict=True) if counted]
        assert step.divisor == len(chosen)
        assert step.value == pytest.approx(sum(chosen) / len(chosen))
        # Each value counted is the input cell under the window, read by hand.
        cells = [(r, c) for r in step.rows for c in step.cols]
        for (r, c), value, counted in zip(cells, step.values, step.counted, strict=True):
            if counted:
                assert value == x[step.channel, r - 1, c - 1]


def test_max_pooling_never_takes_the_padding():
    x = -np.ones((1, 2, 2), dtype=int)
    pool = Pooling(x, 3, stride=1, padding=1)
    assert (pool.output == -1).all()  # zeros around it would win, -inf never does


def test_ties_go_to_the_first_cell_in_row_major_order():
    x = np.array([[[1, 2], [2, 0]]])
    assert Pooling(x, 2)[0].winner == (0, 1)


def test_global_average_pooling_is_said_to_be_so():
    x = np.ones((3, 4, 5))
    assert Pooling(x, (4, 5), mode="avg").is_global
    assert not Pooling(x, 2, mode="avg").is_global


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (dict(kernel_size=3, padding=2), "padding 2 must be at most half the kernel height 3"),
        (dict(kernel_size=0), "kernel_size must be at least 1"),
        (dict(kernel_size=2, stride=0), "stride must be at least 1"),
        (dict(kernel_size=2, dilation=2, mode="avg"), "average pooling takes no dilation"),
        (dict(kernel_size=2, mode="min"), "mode must be one of max, avg"),
        (dict(kernel_size=9), "the output would be"),
    ],
)
def test_pytorchs_limits_are_errors_that_name_the_parameter_and_the_limit(arguments, words):
    with pytest.raises(ValueError, match=words):
        Pooling(np.zeros((1, 4, 4)), **arguments)


def test_the_cost_counts_no_parameters():
    pool = Pooling(np.zeros((3, 5, 5)), 3, stride=2, padding=1)
    (cost,) = pool.cost()
    assert cost.parameters.value == 0
    assert cost.multiply_adds.value == 3 * 3 * 3 * (9 - 1)


@pytest.mark.parametrize(
    "choices",
    [
        {},
        {"pool": "avg"},
        {"pool": "avg", "count_include_pad": False, "ceil_mode": True, "height": 6},
        {"dilation": 2, "height": 7, "width": 7, "ceil_mode": True},
        {"kernel_height": 2, "kernel_width": 3, "separate_axes": True, "stride_cols": 1},
        {"values": "decimals", "stride": 1},
    ],
)
def test_both_snippets_rebuild_the_pooled_output_on_screen(choices):
    settings = DemoSettings(mode="pooling", seed=5, **choices)
    assert not settings.error
    code, pool = settings.scene().code(), settings.conv
    name = "MaxPool2d" if pool.mode == "max" else "AvgPool2d"
    assert f"nn.{name}(" in code.torch
    np.testing.assert_allclose(run(code.numpy)["V"].transpose(2, 0, 1), pool.output, atol=1e-12)
    np.testing.assert_allclose(run(code.torch)["out"].numpy(), pool.output, atol=1e-12)


def test_the_layer_says_pooling_keeps_the_depth_and_a_bad_padding_keeps_the_last_layer():
    settings = DemoSettings(mode="pooling", seed=1, height=25, width=25)
    assert settings.conv.output.shape == (3, 13, 13)
    assert "the output has 3 channels, as the input has" in settings.scene().note()
    settings.kernel_height = 1
    assert "padding 1 must be at most half the kernel height 1" in settings.error
    assert settings.conv.kernel_size == (3, 3)  # the last valid layer stays on screen


def test_global_average_pooling_is_said_in_the_note():
    settings = DemoSettings(
        mode="pooling", pool="avg", height=5, width=5, kernel_height=5, kernel_width=5,
        padding=0,
    )  # fmt: skip
    assert "global average pooling" in settings.scene().note()


def test_beside_a_convolution_the_twin_adds_the_channels_of_the_same_input():
    settings = DemoSettings(mode="pooling", seed=3, compare=True)
    pooled, convolved = (view.scene.engine for view in settings.views())
    np.testing.assert_array_equal(convolved.x, pooled.x)
    assert convolved.output.shape[0] == settings.n_filters
    assert pooled.output.shape[0] == settings.depth
