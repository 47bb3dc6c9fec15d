"""The transposed convolution against an independent scatter loop, its direct twin and PyTorch."""

import re

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from support.oracles import scatter_loop

from app.transposed import TransposedConvolution


@st.composite
def configurations(draw):
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    C = groups * draw(st.integers(1, 3))
    Kg = draw(st.integers(1, 3))
    FH, FW = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dh, dw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    oph = draw(st.integers(0, max(sh, dh) - 1))
    opw = draw(st.integers(0, max(sw, dw) - 1))
    H, W = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    # Padding may crop up to all but one output row or column.
    ph = draw(st.integers(0, ((H - 1) * sh + dh * (FH - 1) + oph) // 2))
    pw = draw(st.integers(0, ((W - 1) * sw + dw * (FW - 1) + opw) // 2))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if draw(st.booleans()):
        x = rng.integers(-3, 4, size=(C, H, W))
        w = rng.integers(-2, 3, size=(C, Kg, FH, FW))
        b = rng.integers(-2, 3, size=Kg * groups)
    else:
        x = rng.normal(size=(C, H, W))
        w = rng.normal(size=(C, Kg, FH, FW))
        b = rng.normal(size=Kg * groups)
    axes = {"stride": (sh, sw), "padding": (ph, pw), "output_padding": (oph, opw)}
    return x, w, b, {**axes, "dilation": (dh, dw), "groups": groups}


@settings(max_examples=200, deadline=None)
@given(configurations())
def test_output_matches_a_scatter_loop(config):
    x, w, b, options = config
    conv = TransposedConvolution(x, w, b, **options)
    expected = scatter_loop(x, w, b, *options.values())
    assert conv.output.shape == expected.shape
    np.testing.assert_allclose(conv.output, expected, rtol=1e-10, atol=1e-10)


@settings(max_examples=100, deadline=None)
@given(configurations())
def test_equivalent_direct_convolution_gives_the_same_output(config):
    x, w, b, options = config
    conv = TransposedConvolution(x, w, b, **options)
    twin = conv.equivalent
    assert twin.stride == (1, 1) and twin.dilation == conv.dilation
    np.testing.assert_allclose(twin.output, conv.output, rtol=1e-10, atol=1e-10)


@settings(max_examples=60, deadline=None)
@given(configurations())
def test_steps_add_up_to_the_output(config):
    x, w, b, options = config
    conv = TransposedConvolution(x, w, b, **options)
    OH, OW = conv.output.shape[1:]
    (ph, pw), (sh, sw), (dh, dw) = conv.padding, conv.stride, conv.dilation
    canvas = np.zeros(conv.canvas.shape)  # (K, Hc, Wc)
    canvas += b[:, None, None]
    for step in conv:
        Cg = len(step.channels)
        group = step.channels[0] // Cg
        kg = step.filter - group * w.shape[1]
        assert step.scalars == tuple(x[list(step.channels), step.row, step.col])
        patch = sum(x[c, step.row, step.col] * w[c, kg] for c in step.channels)
        np.testing.assert_allclose(step.patch, patch, rtol=1e-10, atol=1e-10)
        assert step.rows == tuple(step.row * sh + r * dh for r in range(w.shape[2]))
        assert step.cols == tuple(step.col * sw + q * dw for q in range(w.shape[3]))
        canvas[step.filter][np.ix_(step.rows, step.cols)] += np.asarray(step.patch)
        np.testing.assert_allclose(conv.running(step.index), canvas[step.filter], atol=1e-9)
    np.testing.assert_allclose(canvas[:, ph : ph + OH, pw : pw + OW], conv.output, atol=1e-9)


def test_integers_stay_exact_integers():
    x = np.full((2, 3, 3), 3 * 10**7)
    w = np.full((2, 1, 2, 2), 10**8)
    conv = TransposedConvolution(x, w, stride=2)
    assert conv.output.dtype == np.int64
    assert conv.output[0, 0, 0] == 2 * 3 * 10**15


def test_matches_torch_conv_transpose2d():
    rng = np.random.default_rng(7)
    cases = [
        dict(stride=2, padding=1, output_padding=1, dilation=1, groups=1),
        dict(stride=(3, 1), padding=(0, 2), output_padding=(2, 0), dilation=(1, 2), groups=2),
        dict(stride=1, padding=0, output_padding=0, dilation=2, groups=4),
        dict(stride=2, padding=2, output_padding=(0, 1), dilation=3, groups=1),
    ]
    for options in cases:
        C, Kg = 4, 3
        x, w, b = rng.normal(size=(C, 5, 6)), rng.normal(size=(C, Kg, 3, 2)), None
        b = rng.normal(size=Kg * options["groups"])
        expected = torch.nn.functional.conv_transpose2d(
            torch.from_numpy(x)[None], torch.from_numpy(w), torch.from_numpy(b), **options
        )[0].numpy()
        conv = TransposedConvolution(x, w, b, **options)
        np.testing.assert_allclose(conv.output, expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (dict(stride=2, output_padding=2), "output padding 2 (rows) must be smaller than stride"),
        (dict(stride=1, padding=3), "padding 3 crops 2*3 = 6 from an output height of 5"),
        (dict(groups=2), "input channels C=3 must be divisible by groups=2"),
        (dict(stride=0), "stride must be at least 1"),
    ],
)
def test_impossible_settings_name_the_parameter_and_the_limit(options, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        TransposedConvolution(np.ones((3, 3, 3)), np.ones((3, 2, 3, 3)), **options)


def test_step_index_out_of_range_names_it():
    conv = TransposedConvolution(np.ones((1, 2, 2)), np.ones((1, 1, 2, 2)))
    assert len(conv) == 4 and conv[-1].index == 3
    with pytest.raises(ValueError, match=r"step n=4 is out of range: there are 4 steps \(0..3\)"):
        conv[4]
