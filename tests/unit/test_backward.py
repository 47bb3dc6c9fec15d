"""im2col and the backward pass: against torch's unfold and autograd, against loops written
from the definitions, and step by step in the forward pass's order."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from support.oracles import backward_loop
from torch.nn import functional

from app.engine import Convolution, cs231n_default

TORCH_PADS = {"reflect": "reflect", "replicate": "replicate", "circular": "circular"}


@st.composite
def layers(draw):
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    C, K = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    FH, FW = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dilation = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    mode = draw(st.sampled_from(["zeros", "zeros", "reflect", "replicate", "circular"]))
    H, W = draw(st.integers(2, 7)), draw(st.integers(2, 7))
    most = {"reflect": (H - 1, W - 1), "circular": (H, W)}.get(mode, (2, 2))
    padding = draw(st.integers(0, min(2, most[0]))), draw(st.integers(0, min(2, most[1])))
    # Inputs at least as large as the dilated kernel once padded.
    if dilation[0] * (FH - 1) + 1 > H + 2 * padding[0]:
        FH = 1
    if dilation[1] * (FW - 1) + 1 > W + 2 * padding[1]:
        FW = 1
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    integers = draw(st.booleans())
    if integers:
        x, w = (
            rng.integers(-3, 4, size=(C, H, W)),
            rng.integers(-2, 3, size=(K, C // groups, FH, FW)),
        )
        b = rng.integers(-2, 3, size=K)
    else:
        x, w, b = (
            rng.normal(size=(C, H, W)),
            rng.normal(size=(K, C // groups, FH, FW)),
            rng.normal(size=K),
        )
    conv = Convolution(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups,
                       padding_mode=mode)  # fmt: skip
    dout = (
        rng.integers(-3, 4, size=conv.output.shape)
        if integers
        else rng.normal(size=conv.output.shape)
    )
    return conv, dout


def torch_gradients(conv, dout):
    """What autograd gives for (conv2d(x, w, b, ...) * dout).sum()."""
    x, w, b = (
        torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (conv.x, conv.w, conv.b)
    )
    (ph, pw), mode = conv.padding, conv.padding_mode
    if mode == "zeros":
        inputs, padding = x[None], (ph, pw)
    else:  # as nn.Conv2d does it: pad first, then convolve without padding
        inputs, padding = functional.pad(x[None], (pw, pw, ph, ph), mode=TORCH_PADS[mode]), 0
    out = functional.conv2d(
        inputs, w, b, stride=conv.stride, padding=padding, dilation=conv.dilation,
        groups=conv.groups,
    )  # fmt: skip
    (out[0] * torch.tensor(dout, dtype=torch.float64)).sum().backward()
    return x.grad.numpy(), w.grad.numpy(), b.grad.numpy()


@settings(max_examples=150, deadline=None)
@given(layers())
def test_the_gradients_equal_autograd_and_a_loop(layer):
    conv, dout = layer
    gradients = conv.backward(dout)
    for ours, autograd, loop, name in zip(
        (gradients.dx, gradients.dw, gradients.db),
        torch_gradients(conv, dout),
        backward_loop(
            conv.x,
            conv.w,
            dout,
            conv.stride,
            conv.padding,
            conv.dilation,
            conv.groups,
            conv.padding_mode,
        ),
        ("dx", "dw", "db"),
        strict=True,
    ):
        assert ours.shape == autograd.shape, name
        np.testing.assert_allclose(ours, autograd, rtol=1e-10, atol=1e-10, err_msg=name)
        np.testing.assert_allclose(ours, loop, rtol=1e-10, atol=1e-10, err_msg=name)
    if dout.dtype.kind == "i" and conv.x.dtype.kind == "i":
        assert gradients.dx.dtype.kind == gradients.dw.dtype.kind == "i"


@settings(max_examples=100, deadline=None)
@given(layers())
def test_im2col_is_unfold_and_its_product_is_the_output(layer):
    conv, _ = layer
    x_col, w_row = conv.im2col()
    G, (K, Cg, FH, FW), (_, OH, OW) = conv.groups, conv.w.shape, conv.output.shape
    assert x_col.shape == (G, Cg * FH * FW, OH * OW) and w_row.shape == (G, K // G, Cg * FH * FW)
    unfolded = functional.unfold(torch.tensor(conv.padded[None], dtype=torch.float64), (FH, FW),
                        dilation=conv.dilation, stride=conv.stride)[0].numpy()  # fmt: skip
    np.testing.assert_array_equal(x_col.reshape(-1, OH * OW), unfolded)
    product = (w_row @ x_col).reshape(K, OH, OW) + conv.b[:, None, None]
    np.testing.assert_allclose(product, conv.output, rtol=1e-10, atol=1e-10)


def test_the_notes_example_copies_its_input_seven_times_over():
    # "[11x11x3] x 3025 ... many values in the input volume are replicated multiple times"
    # (the issue guessed about 4; counted, it is 7.1 on average)
    cells = np.arange(3 * 227 * 227).reshape(3, 227, 227)  # each cell its own number
    conv = Convolution(cells, np.ones((96, 3, 11, 11), int), stride=4)
    x_col, w_row = conv.im2col()
    assert x_col.shape == (1, 363, 3025) and w_row.shape == (1, 96, 363)
    copies = np.bincount(x_col.ravel(), minlength=cells.size)  # how often each cell appears
    assert round(copies.mean(), 1) == 7.1  # 1,098,075 values for 154,587
    # Windows 11 wide every 4 take an interior cell 2 or 3 times along each axis.
    assert set(copies.reshape(3, 227, 227)[:, 8:-8, 8:-8].ravel()) == {4, 6, 9}


def test_each_step_adds_its_share_and_the_running_sums_end_at_the_gradients():
    conv = cs231n_default(seed=3)
    dout = np.arange(conv.output.size).reshape(conv.output.shape) % 3 - 1
    backward = conv.backward(dout)
    assert len(backward) == len(conv) == 18
    dx = np.zeros(conv.padded.shape, dtype=np.int64)
    dw, db = np.zeros_like(conv.w), np.zeros(2, dtype=np.int64)
    for n, step in enumerate(backward):
        assert (step.filter, step.row, step.col) == (conv[n].filter, conv[n].row, conv[n].col)
        assert (step.rows, step.cols) == (conv[n].rows, conv[n].cols)
        assert step.upstream == dout[step.filter, step.row, step.col]
        dx[np.ix_(step.channels, step.rows, step.cols)] += step.into_dx
        dw[step.filter] += step.into_dw
        db[step.filter] += step.upstream
        running = backward.running(n)
        np.testing.assert_array_equal(running.dw, dw)
        np.testing.assert_array_equal(running.db, db)
        np.testing.assert_array_equal(running.dx, dx[:, 1:6, 1:6])  # zero padding drops
    np.testing.assert_array_equal(backward.dx, dx[:, 1:6, 1:6])
    np.testing.assert_array_equal(backward.dw, dw)
    np.testing.assert_array_equal(backward.db, db)


def test_a_dout_of_another_shape_is_refused_by_name():
    conv = cs231n_default(seed=0)
    with pytest.raises(ValueError, match=r"dout must be 3-D \(K, OH, OW\), got shape \(3, 3\)"):
        conv.backward(np.ones((3, 3)))
    with pytest.raises(ValueError, match="dout must have the output's shape"):
        conv.backward(np.ones((2, 3, 4)))
