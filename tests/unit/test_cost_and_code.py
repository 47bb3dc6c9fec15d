"""The layer as code and as cost: the counts against hand counts and the CS231n notes' own
figures, every snippet run and held against the engine, and PyTorch's padding modes."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from support.oracles import direct_loop, source
from support.snippets import run

from app.engine import Convolution
from app.engine.cost import Shapes, convolution_cost, transposed_cost
from app.layers import DemoSettings
from app.scene.code import MAX_PRINTED
from app.settings.query import parse_settings

NOTES_LAYER = Shapes(C=3, H=227, W=227, K=96, FH=11, FW=11, OH=55, OW=55)  # AlexNet's first


def by_name(costs):
    return {cost.name.split(":")[0]: cost for cost in costs}


def test_the_notes_figures_for_their_227x227x3_to_55x55x96_layer():
    costs = by_name(convolution_cost(NOTES_LAYER))
    # "96*11*11*3 = 34,848 unique weights, or 34,944 parameters (+96 biases)"
    assert costs["this layer"].parameters.value == 34_944
    # "290400 * 364 = 105,705,600 parameters on the first layer ... alone" (no sharing)
    assert costs["without parameter sharing"].parameters.value == 105_705_600
    assert costs["this layer"].multiply_adds.value == 55 * 55 * 96 * 363
    # The notes' layer, built: the engine counts the shapes it holds.
    rng = np.random.default_rng(0)
    conv = Convolution(
        rng.integers(0, 3, size=(3, 227, 227)), rng.integers(-1, 2, size=(96, 3, 11, 11)),
        np.zeros(96, int), stride=4,
    )  # fmt: skip
    assert conv.shapes == NOTES_LAYER
    assert conv.cost() == convolution_cost(NOTES_LAYER)


def test_the_default_layer_counted_by_hand():
    conv = DemoSettings().conv  # 5x5x3, two 3x3x3 filters, output 3x3x2
    costs = by_name(conv.cost())
    this = costs["this layer"]
    assert (this.parameters.value, this.multiply_adds.value) == (2 * 27 + 2, 18 * 27)
    assert this.parameters.formula == "K * C/groups * FH * FW + K"
    assert this.parameters.numbers == "2 * 3 * 3 * 3 + 2"
    assert costs["without parameter sharing"].parameters.value == 18 * 28
    full = costs["fully connected"]
    assert (full.parameters.value, full.multiply_adds.value) == (75 * 18 + 18, 75 * 18)
    separable = costs["depthwise-separable"]
    # depthwise: 3 filters of 3x3 and 3 biases; pointwise: 2 filters of 1x1x3 and 2 biases
    assert separable.parameters.value == (27 + 3) + (6 + 2)
    assert separable.multiply_adds.value == 3 * 9 * 9 + 2 * 3 * 9


def test_groups_and_no_bias_change_the_counts_as_their_formulas_say():
    conv = DemoSettings(depth=4, n_filters=6, groups=2, bias=False).conv
    this = by_name(conv.cost())["this layer"]
    assert this.parameters.value == 6 * 2 * 3 * 3  # no + K
    assert this.multiply_adds.value == 6 * 3 * 3 * 2 * 3 * 3
    assert "+ K" not in this.parameters.formula


def test_the_transposed_layer_costs_what_its_steps_multiply():
    tconv = DemoSettings(mode="transposed").conv  # input 5x5x3, 2 filters of 3x3
    costs = transposed_cost(tconv.shapes)
    assert [cost.name.split(":")[0] for cost in costs] == ["this layer", "fully connected"]
    assert costs[0].parameters.value == tconv.w.size + 2
    # every step (filter, input cell) multiplies C/groups slices of FH x FW
    assert costs[0].multiply_adds.value == len(tconv) * 3 * 3 * 3


@pytest.mark.parametrize(
    "choices",
    [
        {},
        {"depth": 4, "n_filters": 2, "groups": 2},
        {"dilation": 2, "height": 7, "width": 7},
        {"kernel_height": 2, "kernel_width": 3, "separate_axes": True, "stride_cols": 1},
        {"values": "decimals", "bias": False},
        {"padding_mode": "reflect"},
        {"padding_mode": "replicate", "padding": 2},
        {"padding_mode": "circular", "stride": 1},
        {"mode": "transposed"},
        {"mode": "transposed", "groups": 2, "depth": 2, "n_filters": 4, "output_padding": 1},
        {"mode": "transposed", "dilation": 2, "bias": False, "values": "decimals"},
        {"mode": "image", "kernel": "sobel y"},
    ],
)
def test_both_snippets_rebuild_the_output_on_screen(choices):
    settings = DemoSettings(**choices)
    assert not settings.error
    code, engine = settings.scene().code(), settings.conv
    printed = engine.x.size + engine.w.size + engine.b.size <= MAX_PRINTED
    numpy_output = run(code.numpy)["V"].transpose(2, 0, 1)
    torch_output = run(code.torch)["out"].numpy()
    if printed:
        np.testing.assert_allclose(numpy_output, engine.output, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(torch_output, engine.output, rtol=1e-12, atol=1e-12)
    else:  # random stand-ins, said so: the two snippets still agree with each other
        assert "too many to print here" in code.numpy
        assert numpy_output.shape == torch_output.shape == engine.output.shape
    assert f'padding_mode="{getattr(engine, "padding_mode", "zeros")}"' in code.torch


def test_the_pytorch_snippet_names_every_setting_and_shape():
    settings = DemoSettings(stride=2, padding=1, padding_mode="replicate")
    torch_code = settings.scene().code().torch
    assert (
        "nn.Conv2d(\n    in_channels=3, out_channels=2, kernel_size=(3, 3), stride=(2, 2),\n"
        '    padding=(1, 1), dilation=(1, 1), groups=1, bias=True,\n    padding_mode="replicate"'
    ) in torch_code
    assert "# output:   (1, 2, 3, 3)" in torch_code
    transposed = DemoSettings(mode="transposed", output_padding=1).scene().code().torch
    assert "nn.ConvTranspose2d(" in transposed and "output_padding=(1, 1)" in transposed


@st.composite
def padded_layers(draw):
    mode = draw(st.sampled_from(["zeros", "reflect", "replicate", "circular"]))
    H, W = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    limit = {"reflect": (H - 1, W - 1), "circular": (H, W)}.get(mode, (3, 3))
    ph, pw = draw(st.integers(0, min(3, limit[0]))), draw(st.integers(0, min(3, limit[1])))
    FH = draw(st.integers(1, H + 2 * ph))
    FW = draw(st.integers(1, W + 2 * pw))
    stride = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.integers(-3, 4, size=(2, H, W))
    w = rng.integers(-2, 3, size=(2, 2, FH, FW))
    return x, w, np.array([1, -1]), stride, (ph, pw), mode


@settings(max_examples=150, deadline=None)
@given(padded_layers())
def test_every_padding_mode_matches_a_loop_and_pytorch(layer):
    x, w, b, stride, padding, mode = layer
    conv = Convolution(x, w, b, stride=stride, padding=padding, padding_mode=mode)
    padded, _, output = direct_loop(x, w, b, stride, padding, (1, 1), 1, mode)
    np.testing.assert_array_equal(conv.padded, padded)
    np.testing.assert_array_equal(conv.output, output)
    H, W = x.shape[1:]
    ph, pw = padding
    assert conv.copied_rows.tolist() == [source(r - ph, H, mode) for r in range(H + 2 * ph)]
    assert conv.copied_cols.tolist() == [source(c - pw, W, mode) for c in range(W + 2 * pw)]
    layer = torch.nn.Conv2d(
        2, 2, w.shape[2:], stride=stride, padding=padding, padding_mode=mode, dtype=torch.float64
    )
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(w))
        layer.bias.copy_(torch.from_numpy(b))
        expected = layer(torch.from_numpy(x).double()[None])[0].numpy()
    np.testing.assert_array_equal(conv.output, expected)


@pytest.mark.parametrize(
    ("choices", "words"),
    [
        ({"padding_mode": "reflect", "padding": 5}, "padding 5 must be at most 4"),
        ({"padding_mode": "circular", "padding": 5, "height": 4}, "at most the input's rows (4)"),
        ({"padding_mode": "reflect", "mode": "transposed"}, "transposed layer takes zeros only"),
    ],
)  # fmt: skip
def test_pytorchs_padding_limits_get_a_message_and_keep_the_last_layer(choices, words):
    settings = DemoSettings()
    before = settings.conv
    settings.param.update(choices)
    assert words in settings.error and "padding_mode" in settings.error
    assert settings.conv is before


def test_the_address_takes_a_padding_mode_and_names_a_bad_one():
    values, notices = parse_settings({"padding_mode": "reflect"})
    assert values["padding_mode"] == "reflect" and notices == []
    values, notices = parse_settings({"padding_mode": "mirror"})
    assert "padding_mode" not in values
    assert notices == [
        "padding_mode='mirror' is not one of zeros, reflect, replicate, circular; using zeros"
    ]
