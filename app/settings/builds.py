"""How the settings become numbers and an engine, one function per kind of layer.

app.layers names, for each layer, which of these make its arrays and its engine; nothing here
asks which layer is on. Each raises a ValueError that names what does not fit.
"""

from __future__ import annotations

import numpy as np

from app.engine import Backward, Convolution, Pooling, TransposedConvolution, swap_in_out
from app.settings.cells import parse_cell
from app.settings.choices import Settings
from app.settings.pictures import image_weights, kernel, picture

MAX_CANVAS_CELLS = 2**14  # a transposed output past this is no longer legible on a screen

Arrays = tuple[np.ndarray, np.ndarray, np.ndarray]  # x (C, H, W), w (K, Cg, FH, FW), b (K,)


def random_arrays(s: Settings) -> Arrays:
    """Random values of the chosen kind, from the seed, in the shapes chosen."""
    if s.groups not in s.divisors():
        raise ValueError(
            f"groups={s.groups} must divide depth={s.depth} and "
            f"filters={s.n_filters}: choose one of {s.divisors()}"
        )
    C, H, W = s.depth, s.height, s.width  # channels, rows, columns
    K, FH, FW = s.n_filters, s.kernel_height, s.kernel_width
    shapes = (C, H, W), (K, C // s.groups, FH, FW)
    rng = np.random.default_rng(s.seed)
    if s.values == "integers":  # drawn in the order cs231n_default draws them
        x, w = rng.integers(0, 3, size=shapes[0]), rng.integers(-1, 2, size=shapes[1])
        b = (np.arange(K) + 1) % 2  # (K,): 1, 0, 1, ... as the notes' b0 = 1, b1 = 0
    elif s.values == "decimals":
        x = np.round(rng.uniform(0, 2, size=shapes[0]), 1)
        w = np.round(rng.uniform(-1, 1, size=shapes[1]), 1)
        b = np.round(rng.uniform(-1, 1, size=K), 1)
    else:
        x, w, b = np.ones(shapes[0], int), np.ones(shapes[1], int), np.ones(K, int)
    return x, w, b


def picture_arrays(s: Settings) -> Arrays:
    """The picture, and the chosen kernel as one filter per channel or one across them."""
    if s.picture == "upload":
        if s.upload is None:
            raise ValueError("picture=upload: no picture has been uploaded yet")
        x = s.upload.astype(np.int64)  # (3, H, W)
    else:
        x = picture(s.picture)  # (3, H, W)
    size = (s.kernel_height, s.kernel_width)
    w = image_weights(kernel(s.kernel, s.seed, size), s.across_channels, x.shape[0])
    return x, w, np.zeros(w.shape[0], dtype=w.dtype)


def with_edits(s: Settings, arrays: Arrays) -> Arrays:
    """The arrays with the cells set by hand; one real value makes every array real."""
    named = dict(zip("xwb", arrays, strict=True))
    for key, value in s.edits.items():
        name, index = parse_cell(key)
        if len(index) != named[name].ndim or not all(
            0 <= i < n for i, n in zip(index, named[name].shape, strict=True)
        ):
            continue  # a cell of a larger shape: it returns when the shape does
        if named[name].dtype.kind in "iu" and value != int(value):
            named = {n: a.astype(float) for n, a in named.items()}
        named[name][index] = value
    return named["x"], named["w"], named["b"]


def _spatial(s: Settings) -> dict[str, tuple[int, int]]:
    """Stride, padding and dilation as (rows, cols), as both engines take them."""
    return {axis: pair for axis, pair in s.axes().items() if axis != "output_padding"}


def convolution(s: Settings, x: np.ndarray, w: np.ndarray, b: np.ndarray) -> Convolution:
    return Convolution(
        x, w, b if s.bias else None, **_spatial(s), groups=s.groups, padding_mode=s.padding_mode
    )


def backward(s: Settings, x: np.ndarray, w: np.ndarray, b: np.ndarray) -> Backward:
    """The convolution's backward pass for the chosen upstream gradient dout."""
    if s.padding_mode != "zeros":
        raise ValueError(
            f"padding_mode={s.padding_mode}: the backward layer draws zeros padding, whose share "
            "of dx is dropped (conv.backward() in code takes every mode)"
        )
    conv = convolution(s, x, w, b)
    if s.upstream == "ones":
        dout = np.ones(conv.output.shape, dtype=int)
    else:  # a stream of its own: x, w and b stay the values the convolution layer shows
        dout = np.random.default_rng([s.seed, 1]).integers(-2, 3, size=conv.output.shape)
    return conv.backward(dout)


def dx_as_transposed(back: Backward) -> TransposedConvolution:
    """dx as what it also is (zeros padding): the transposed convolution of dout with the same
    filters, output padding making it the input's size. Its `equivalent` is the full
    convolution of dout, spread out by the stride, with the filters flipped."""
    conv = back.conv
    sizes = zip(conv.x.shape[1:], back.dout.shape[1:], conv.w.shape[2:], strict=True)
    extra = tuple(
        n - ((o - 1) * s - 2 * p + d * (k - 1) + 1)
        for (n, o, k), s, p, d in zip(sizes, conv.stride, conv.padding, conv.dilation, strict=True)
    )
    return TransposedConvolution(
        back.dout, conv.w, None, stride=conv.stride, padding=conv.padding, output_padding=extra,
        dilation=conv.dilation, groups=conv.groups,
    )  # fmt: skip


def picture_convolution(s: Settings, x: np.ndarray, w: np.ndarray, b: np.ndarray) -> Convolution:
    """Classic kernels have no bias; one filter per channel is one group per channel."""
    groups = 1 if s.across_channels else x.shape[0]
    return Convolution(x, w, None, **_spatial(s), groups=groups, padding_mode=s.padding_mode)


def transposed(s: Settings, x: np.ndarray, w: np.ndarray, b: np.ndarray) -> TransposedConvolution:
    """The same slices as the direct layer, stored as conv_transpose2d wants them."""
    if s.padding_mode != "zeros":
        raise ValueError(
            f"padding_mode={s.padding_mode}: the transposed layer takes zeros only, as "
            "PyTorch's ConvTranspose2d (its padding crops the output, it adds nothing)"
        )
    w = swap_in_out(w, s.groups)  # (K, Cg, FH, FW) -> (C, K/G, FH, FW)
    tconv = TransposedConvolution(
        x, w, b if s.bias else None, **_spatial(s), output_padding=s.axes()["output_padding"],
        groups=s.groups,
    )  # fmt: skip
    K, Hc, Wc = tconv.canvas.shape
    if K * Hc * Wc > MAX_CANVAS_CELLS:
        raise ValueError(
            f"the transposed output, {K} filters of {Hc}x{Wc} before cropping, has "
            f"{K * Hc * Wc} cells, over the {MAX_CANVAS_CELLS} a screen can show: "
            "choose a smaller input, stride, kernel or fewer filters"
        )
    return tconv


def pooling(s: Settings, x: np.ndarray, w: np.ndarray, b: np.ndarray) -> Pooling:
    """Max or average pooling of the input with the kernel, stride, padding and dilation
    chosen (the filters w and b are the convolution's, beside it when asked)."""
    return Pooling(
        x, (s.kernel_height, s.kernel_width), **_spatial(s), mode=s.pool, ceil_mode=s.ceil_mode,
        count_include_pad=s.count_include_pad,
    )  # fmt: skip
