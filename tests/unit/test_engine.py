"""The engine against an independent direct loop, SciPy, and PyTorch."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.signal import correlate2d
from support.oracles import direct_loop

from app.engine import MAX_STEPS, Convolution, cs231n_default


@st.composite
def configurations(draw):
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    C = groups * draw(st.integers(1, 3))
    K = groups * draw(st.integers(1, 3))
    FH, FW = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    dh, dw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    # Inputs at least as large as the dilated kernel once padded.
    H = draw(st.integers(max(1, dh * (FH - 1) + 1 - 2 * ph), 12))
    W = draw(st.integers(max(1, dw * (FW - 1) + 1 - 2 * pw), 12))
    integers = draw(st.booleans())
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if integers:
        x = rng.integers(-3, 4, size=(C, H, W))
        w = rng.integers(-2, 3, size=(K, C // groups, FH, FW))
        b = rng.integers(-2, 3, size=K)
    else:
        x = rng.normal(size=(C, H, W))
        w = rng.normal(size=(K, C // groups, FH, FW))
        b = rng.normal(size=K)
    with_bias = draw(st.booleans())
    return x, w, b if with_bias else None, (sh, sw), (ph, pw), (dh, dw), groups


@settings(max_examples=200, deadline=None)
@given(configurations())
def test_every_array_matches_a_direct_loop(config):
    x, w, b, stride, padding, dilation, groups = config
    conv = Convolution(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    bias = np.zeros(w.shape[0], dtype=np.int64) if b is None else b
    padded, partials, output = direct_loop(x, w, bias, stride, padding, dilation, groups)
    np.testing.assert_array_equal(conv.padded, padded)
    np.testing.assert_allclose(conv.partials, partials, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(conv.output, output, rtol=1e-10, atol=1e-10)
    assert conv.output.shape == output.shape
    assert len(conv) == output.size
    if np.issubdtype(x.dtype, np.integer):
        assert conv.output.dtype.kind == "i" and conv.partials.dtype.kind == "i"


@settings(max_examples=100, deadline=None)
@given(configurations())
def test_every_step_reads_the_window_it_names(config):
    x, w, b, stride, padding, dilation, groups = config
    conv = Convolution(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    K, OH, OW = conv.output.shape
    steps = list(conv)
    assert [s.index for s in steps] == list(range(K * OH * OW))
    for step in steps:
        # The demo's order: output column fastest, then row, then filter.
        assert step.index == (step.filter * OH + step.row) * OW + step.col
        patch = conv.padded[np.ix_(step.channels, step.rows, step.cols)]  # (Cg, FH, FW)
        expected = (patch * w[step.filter]).sum(axis=(1, 2))
        np.testing.assert_allclose(step.scalars, expected, rtol=1e-10, atol=1e-10)
        assert step.value == pytest.approx(sum(step.scalars) + step.bias, rel=1e-10, abs=1e-10)
        assert step.value == conv.output[step.filter, step.row, step.col]


@settings(max_examples=100, deadline=None)
@given(configurations())
def test_unvisited_marks_exactly_the_cells_no_window_touches(config):
    x, w, b, stride, padding, dilation, groups = config
    conv = Convolution(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    touched = np.zeros(conv.padded.shape[1:], dtype=bool)
    for step in conv:
        for r in step.rows:
            for c in step.cols:
                touched[r, c] = True
    np.testing.assert_array_equal(conv.unvisited, ~touched)


def test_single_channel_matches_scipy_correlate2d():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(1, 11, 8))  # (C, H, W)
    w = rng.normal(size=(1, 1, 3, 4))  # (K, C, FH, FW)
    conv = Convolution(x, w, padding=(2, 1))
    padded = np.pad(x[0], ((2, 2), (1, 1)))
    np.testing.assert_allclose(conv.output[0], correlate2d(padded, w[0, 0], mode="valid"))


def test_multichannel_strided_matches_scipy_per_channel():
    rng = np.random.default_rng(8)
    x = rng.integers(0, 3, size=(3, 9, 7))  # (C, H, W)
    w = rng.integers(-1, 2, size=(4, 3, 3, 3))  # (K, C, FH, FW)
    b = np.array([1, 0, -2, 5])
    conv = Convolution(x, w, b, stride=2, padding=1)
    for k in range(4):
        partial = [correlate2d(np.pad(x[c], 1), w[k, c], mode="valid")[::2, ::2] for c in range(3)]
        np.testing.assert_array_equal(conv.partials[k], np.stack(partial))
        np.testing.assert_array_equal(conv.output[k], sum(partial) + b[k])


def test_matches_torch_conv2d():
    rng = np.random.default_rng(9)
    for stride, padding, dilation, groups in [
        (1, 0, 1, 1),
        (2, 3, 1, 1),
        ((2, 1), (1, 2), (2, 1), 2),
    ]:
        x = rng.normal(size=(4, 13, 10))
        w = rng.normal(size=(6, 4 // groups, 3, 2))
        b = rng.normal(size=6)
        conv = Convolution(
            x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups
        )
        expected = torch.nn.functional.conv2d(
            torch.from_numpy(x)[None],
            torch.from_numpy(w),
            torch.from_numpy(b),
            stride=stride,
            padding=padding,
            dilation=dilation,
            groups=groups,
        )[0].numpy()
        np.testing.assert_allclose(conv.output, expected, rtol=1e-10, atol=1e-10)


def test_cs231n_default_is_the_notes_setup():
    conv = cs231n_default(seed=3)
    assert conv.x.shape == (3, 5, 5) and conv.w.shape == (2, 3, 3, 3)
    assert conv.padded.shape == (3, 7, 7) and conv.output.shape == (2, 3, 3)
    assert conv.stride == (2, 2) and conv.padding == (1, 1)
    assert conv.b.tolist() == [1, 0]
    assert set(np.unique(conv.x)) <= {0, 1, 2} and set(np.unique(conv.w)) <= {-1, 0, 1}
    assert conv.output.dtype.kind == "i"
    step = conv[1]
    assert (step.filter, step.row, step.col) == (0, 0, 1)
    assert step.rows == (0, 1, 2) and step.cols == (2, 3, 4)
    assert isinstance(step.value, int) and all(isinstance(s, int) for s in step.scalars)
    np.testing.assert_array_equal(cs231n_default(seed=3).x, conv.x)
    assert not conv.unvisited.any()


def test_window_skips_last_column_when_floor_drops_it():
    conv = Convolution(np.ones((1, 3, 6)), np.ones((1, 1, 3, 3)), stride=2)
    assert conv.output.shape == (1, 1, 2)
    assert conv.unvisited[:, 5].all() and not conv.unvisited[:, :5].any()


ones = np.ones


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"x": ones((5, 5)), "w": ones((1, 1, 3, 3))}, ["x", "3-D", "(5, 5)"]),
        ({"x": ones((1, 5, 5)), "w": ones((1, 3, 3))}, ["w", "4-D", "(1, 3, 3)"]),
        ({"x": ones((3, 5, 5)), "w": ones((2, 2, 3, 3))}, ["w.shape[1]", "C // groups = 3"]),
        ({"x": ones((3, 5, 5)), "w": ones((2, 1, 3, 3)), "groups": 2}, ["C=3", "groups=2"]),
        ({"x": ones((4, 5, 5)), "w": ones((3, 2, 3, 3)), "groups": 2}, ["K=3", "groups=2"]),
        ({"x": ones((1, 5, 5)), "w": ones((1, 1, 3, 3)), "groups": 0}, ["groups", "at least 1"]),
        (
            {"x": ones((1, 5, 5)), "w": ones((1, 1, 3, 3)), "stride": 0},
            ["stride", "at least 1", "0"],
        ),
        ({"x": ones((1, 5, 5)), "w": ones((1, 1, 3, 3)), "stride": (1, -2)}, ["stride", "-2"]),
        (
            {"x": ones((1, 5, 5)), "w": ones((1, 1, 3, 3)), "dilation": 0},
            ["dilation", "at least 1"],
        ),
        ({"x": ones((1, 5, 5)), "w": ones((1, 1, 3, 3)), "padding": -1}, ["padding", "at least 0"]),
        ({"x": ones((1, 5, 5)), "w": ones((1, 1, 3, 3)), "stride": 1.5}, ["stride", "int"]),
        ({"x": ones((1, 5, 5)), "w": ones((1, 1, 3, 3)), "stride": (1, 2, 3)}, ["stride", "pair"]),
        (
            {"x": ones((1, 5, 5)), "w": ones((1, 1, 7, 3))},
            ["kernel height 7", "padded input height 5"],
        ),
        (
            {"x": ones((1, 5, 5)), "w": ones((1, 1, 3, 3)), "dilation": (1, 3)},
            ["kernel width 3", "dilation 3", "spans 7", "width 5"],
        ),
        ({"x": ones((1, 5, 5)), "w": ones((2, 1, 3, 3)), "b": ones(3)}, ["b", "(2,)", "(3,)"]),
        ({"x": np.full((1, 5, 5), np.nan), "w": ones((1, 1, 3, 3))}, ["x", "finite"]),
        ({"x": ones((1, 5, 5)), "w": np.full((1, 1, 3, 3), np.inf)}, ["w", "finite"]),
        ({"x": ones((1, 5, 5)), "w": ones((1, 1, 3, 3)), "b": [np.nan]}, ["b", "finite"]),
        ({"x": np.array([[["a"]]]), "w": ones((1, 1, 1, 1))}, ["x", "real numbers"]),
        ({"x": ones((1, 1025, 1025)), "w": ones((1, 1, 1, 1))}, ["padded input", "cap"]),
        ({"x": ones((1, 600, 600)), "w": ones((4, 1, 1, 1))}, ["steps", "cap", str(MAX_STEPS)]),
        ({"x": ones((16, 250, 250)), "w": ones((1, 16, 9, 9))}, ["window reads", "cap"]),
    ],
)
def test_bad_input_raises_value_error_naming_parameter_and_limit(kwargs, words):
    x, w = kwargs.pop("x"), kwargs.pop("w")
    with pytest.raises(ValueError) as error:
        Convolution(x, w, **kwargs)
    for word in words:
        assert word in str(error.value)


def test_step_out_of_range_names_the_limit():
    conv = cs231n_default(seed=0)
    with pytest.raises(ValueError, match=r"n=18 .* 18 steps \(0\.\.17\)"):
        conv[18]
    with pytest.raises(ValueError, match="n=-19"):
        conv[-19]
    assert conv[-1].index == 17


def test_large_integers_stay_exact_past_float64():
    big = 2**40
    x = np.full((1, 3, 3), big, dtype=np.int64)  # (C, H, W): sums pass 2**53
    w = np.full((1, 1, 3, 3), 7, dtype=np.int64)
    conv = Convolution(x, w)
    assert conv.output.dtype == np.int64
    assert conv.output[0, 0, 0] == 9 * 7 * big
    assert conv.partials[0, 0, 0, 0] == 9 * 7 * big


def test_a_keyword_neither_engine_takes_is_a_type_error_naming_it():
    unexpected = r"Convolution\(\) got an unexpected keyword argument 'strid'"
    with pytest.raises(TypeError, match=unexpected):
        Convolution(ones((1, 5, 5)), ones((1, 1, 3, 3)), strid=2)
