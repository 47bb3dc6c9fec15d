"""Every step of a multi-channel 2-D convolution (cross-correlation, as PyTorch's conv2d).

NumPy only: the app, the exports and the tests all read this module, and none of them
should need a GUI library to check a number.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Unpack

import numpy as np
from numpy.lib.stride_tricks import as_strided

from app.engine.backward import Backward
from app.engine.checks import (
    MAX_INPUT_CELLS,
    MAX_STEPS,
    MAX_WINDOW_READS,
    Options,
    arguments,
    bias,
    channels_read,
    covered,
    matmul,
    product_dtype,
    step_index,
    window,
    within_caps,
)
from app.engine.cost import Cost, Shapes, convolution_cost


@dataclass(frozen=True, slots=True)
class Step:
    """One window position: what CS231n's demo highlights and the sum it fills in."""

    index: int  # position in the demo's order
    filter: int  # output channel k
    row: int  # output row
    col: int  # output column
    channels: tuple[int, ...]  # input channels filter k reads
    rows: tuple[int, ...]  # padded-input rows the window covers (FH of them)
    cols: tuple[int, ...]  # padded-input columns the window covers (FW of them)
    scalars: tuple[float, ...]  # one dot product per entry of channels
    bias: float
    value: float  # sum(scalars) + bias


# PyTorch's padding modes and the numpy.pad mode that makes each.
PADDING_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


class ConvolutionOptions(Options, total=False):
    """The direct layer's keywords: both engines', and how padding is filled, as nn.Conv2d's
    padding_mode (zeros, reflect, replicate or circular)."""

    padding_mode: str


class Convolution:
    """A conv layer's every step: x (C, H, W), w (K, C // groups, FH, FW), b (K,)."""

    def __init__(
        self, x: object, w: object, b: object = None, **options: Unpack[ConvolutionOptions]
    ) -> None:
        padding_mode = options.pop("padding_mode", "zeros")
        x, w, groups, axes = arguments(
            "Convolution", x, w, "(K, C // groups, FH, FW)", options, Options
        )
        C, H, W = x.shape  # channels, rows, columns
        K, Cg, FH, FW = w.shape  # filters, channels per group, kernel rows, kernel columns
        self.stride = sh, sw = axes["stride"]
        self.padding = ph, pw = axes["padding"]
        self.dilation = dh, dw = axes["dilation"]
        self.groups = groups
        if K % groups:
            raise ValueError(f"filters K={K} must be divisible by groups={groups}")
        if Cg != C // groups:
            raise ValueError(
                f"w has {Cg} channels per filter but x has C={C} channels in groups={groups}: "
                f"w.shape[1] must be C // groups = {C // groups}"
            )
        check_padding_mode(padding_mode, (ph, pw), (H, W))
        self.padding_mode = padding_mode
        Hp, Wp = H + 2 * ph, W + 2 * pw
        span_h, span_w = dh * (FH - 1) + 1, dw * (FW - 1) + 1  # the dilated kernel's extent
        if span_h > Hp:
            raise ValueError(
                f"kernel height {FH} with dilation {dh} spans {span_h} rows, more than the "
                f"padded input height {Hp} (H={H} + 2*padding {ph})"
            )
        if span_w > Wp:
            raise ValueError(
                f"kernel width {FW} with dilation {dw} spans {span_w} columns, more than the "
                f"padded input width {Wp} (W={W} + 2*padding {pw})"
            )
        OH, OW = (Hp - span_h) // sh + 1, (Wp - span_w) // sw + 1  # PyTorch's floor rule
        within_caps(
            (f"padded input {C}x{Hp}x{Wp} cells", C * Hp * Wp, MAX_INPUT_CELLS),
            (f"{K}x{OH}x{OW} steps", K * OH * OW, MAX_STEPS),
            ("window reads C*OH*OW*FH*FW", C * OH * OW * FH * FW, MAX_WINDOW_READS),
            ("partial sums K*(C//groups)*OH*OW", K * Cg * OH * OW, MAX_WINDOW_READS),
        )
        self.has_bias = b is not None  # a layer made with bias=False in PyTorch's words
        b = bias(b, K)

        self.x, self.w, self.b = x, w, b
        mode = PADDING_MODES[padding_mode]
        self.padded = np.pad(x, ((0, 0), (ph, ph), (pw, pw)), mode=mode)  # (C, Hp, Wp)
        # Which input row (column) each padded row (column) holds, -1 for a zero: the picture
        # shows a copied cell's value and outlines its original under the pointer.
        zeros = {"constant_values": -1} if mode == "constant" else {}
        self.copied_rows = np.pad(np.arange(H), ph, mode=mode, **zeros)  # (Hp,)
        self.copied_cols = np.pad(np.arange(W), pw, mode=mode, **zeros)  # (Wp,)
        # Windows are gathered in the dtype they are multiplied in.
        self._dtype = product_dtype(self.padded, w, Cg * FH * FW, w.size * OH * OW)
        self._integers = x.dtype.kind in "iu" and w.dtype.kind in "iu"
        padded = self.padded.astype(self._dtype, copy=False)
        # The gathered windows are the layer's largest array (a copy of the input for every
        # cell of a window): not kept, since a session would hold them as long as it shows
        # the layer, while only the readout's partial sums, on first use, read them again.
        windows = self._gather_windows(padded, OH, OW)  # (G, Cg, FH*FW, OH*OW)
        weights = w.reshape(groups, K // groups, Cg * FH * FW)  # (G, K/G, Cg*FH*FW)
        patches = windows.reshape(groups, Cg * FH * FW, OH * OW)  # a view
        # The same single contraction as conv2d: (K/G, Cg*FH*FW) @ (Cg*FH*FW, OH*OW) per group.
        output = matmul(weights, patches, self._dtype, self._integers).reshape(K, OH, OW)
        self.output = output + b[:, None, None]
        rows_covered = covered(Hp, OH, FH, sh, dh)  # (Hp,)
        cols_covered = covered(Wp, OW, FW, sw, dw)  # (Wp,)
        # Windows take every (row, col) pair of positions, so coverage is an outer product.
        self.unvisited = ~np.outer(rows_covered, cols_covered)  # (Hp, Wp)

    def _gather_windows(self, padded: np.ndarray, OH: int, OW: int) -> np.ndarray:
        """Every window's cells of `padded` (C, Hp, Wp), positions last: (G, Cg, FH*FW,
        OH*OW), one copy of the input."""
        Cg, FH, FW = self.w.shape[1:]  # channels per group, kernel rows, kernel columns
        (sh, sw), (dh, dw) = self.stride, self.dilation
        by_channel, by_row, by_col = padded.strides  # bytes between neighbours
        # Every window as a read-only view: what sliding_window_view and slicing give, at a
        # fraction of their overhead, which dominates for the demo's small inputs.
        windows = as_strided(
            padded,
            shape=(padded.shape[0], OH, OW, FH, FW),
            strides=(by_channel, by_row * sh, by_col * sw, by_row * dh, by_col * dw),
            writeable=False,
        )  # (C, OH, OW, FH, FW)
        # Window positions last keeps the copy and the matmuls on long contiguous rows.
        return windows.transpose(0, 3, 4, 1, 2).reshape(self.groups, Cg, FH * FW, OH * OW)

    @cached_property
    def partials(self) -> np.ndarray:
        """Each channel's dot product before the sum: (K, Cg, OH, OW), computed on first use."""
        K, Cg, FH, FW = self.w.shape  # filters, channels per group, kernel rows, kernel columns
        G, (_, OH, OW) = self.groups, self.output.shape
        weights = self.w.reshape(G, K // G, Cg, FH * FW)  # (G, K/G, Cg, FH*FW)
        weights = weights.transpose(0, 2, 1, 3)  # (G, Cg, K/G, FH*FW)
        padded = self.padded.astype(self._dtype, copy=False)
        windows = self._gather_windows(padded, OH, OW)  # (G, Cg, FH*FW, OH*OW)
        # One matmul per channel keeps the channels apart, which conv2d never does.
        sums = matmul(weights, windows, self._dtype, self._integers)  # (G, Cg, K/G, P)
        # (G, Cg, K/G, P) -> (G, K/G, Cg, P) -> (K, Cg, OH, OW): a view when groups = 1
        return sums.transpose(0, 2, 1, 3).reshape(K, Cg, OH, OW)

    @property
    def shape(self) -> tuple[int, int, int]:
        """The output's (K, OH, OW)."""
        return self.output.shape

    def __len__(self) -> int:
        return self.output.size

    @property
    def zero_padding(self) -> np.ndarray:
        """Which padded cells are zeros rather than copies of an input cell: (Hp, Wp) bool."""
        return np.logical_or.outer(self.copied_rows < 0, self.copied_cols < 0)

    @property
    def shapes(self) -> Shapes:
        (C, H, W), (K, _, FH, FW), (_, OH, OW) = self.x.shape, self.w.shape, self.output.shape
        return Shapes(C, H, W, K, FH, FW, OH, OW, self.groups, self.has_bias)

    def cost(self) -> list[Cost]:
        """This layer's parameters and multiply-adds, then the same mapping's made otherwise."""
        return convolution_cost(self.shapes)

    def im2col(self) -> tuple[np.ndarray, np.ndarray]:
        """The convolution as one matrix product a group: x_col (G, C/G*FH*FW, OH*OW), each
        column one window, rows by channel, then kernel row, then kernel column (as
        torch.nn.functional.unfold); w_row (G, K/G, C/G*FH*FW), each row one filter stretched
        out. (w_row @ x_col).reshape(K, OH, OW) + b[:, None, None] is the output."""
        K, Cg, FH, FW = self.w.shape  # filters, channels per group, kernel rows, kernel columns
        G, (OH, OW) = self.groups, self.output.shape[1:]
        # The windows the output was computed from, gathered again in the input's own dtype.
        x_col = self._gather_windows(self.padded, OH, OW).reshape(G, Cg * FH * FW, OH * OW)
        return x_col, self.w.reshape(G, K // G, Cg * FH * FW)

    def backward(self, dout: object) -> Backward:
        """The backward pass for upstream gradient dout (K, OH, OW): .dx, .dw, .db, and
        every step's share of them in the forward pass's order."""
        return Backward(self, dout)

    def channels_of(self, k: int) -> range:
        """The input channels filter k reads: its group's slice of C."""
        return channels_read(k, self.w.shape[0], self.x.shape[0], self.groups)

    def position(
        self, n: int
    ) -> tuple[int, int, int, tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        """Where step n (an index from 0) stands: filter k, output row i and column j, the
        input channels it reads, the padded rows and columns of its window."""
        K, OH, OW = self.output.shape  # filters, output rows, output columns
        k, i, j = (int(a) for a in np.unravel_index(n, (K, OH, OW)))
        FH, FW = self.w.shape[2:]
        (sh, sw), (dh, dw) = self.stride, self.dilation
        return k, i, j, tuple(self.channels_of(k)), window(i, FH, sh, dh), window(j, FW, sw, dw)

    def __getitem__(self, n: int) -> Step:
        n = step_index(n, len(self))
        k, i, j, channels, rows, cols = self.position(n)
        return Step(
            index=n,
            filter=k,
            row=i,
            col=j,
            channels=channels,
            rows=rows,
            cols=cols,
            scalars=tuple(self.partials[k, :, i, j].tolist()),
            bias=self.b[k].item(),
            value=self.output[k, i, j].item(),
        )

    def __iter__(self) -> Iterator[Step]:
        return (self[n] for n in range(len(self)))


def check_padding_mode(mode: object, padding: tuple[int, int], size: tuple[int, int]) -> None:
    """PyTorch's rules for padding_mode: one of its four, reflect with padding below the
    input's size, circular with padding at most the input's size (it wraps around once)."""
    if mode not in PADDING_MODES:
        raise ValueError(f"padding_mode must be one of {', '.join(PADDING_MODES)}, got {mode!r}")
    for axis, pad, n in (("rows", padding[0], size[0]), ("columns", padding[1], size[1])):
        if mode == "reflect" and pad >= n:
            raise ValueError(
                f"padding_mode=reflect needs padding below the input's {axis} ({n}): "
                f"padding {pad} must be at most {n - 1}, as in PyTorch"
            )
        if mode == "circular" and pad > n:
            raise ValueError(
                f"padding_mode=circular wraps around once: padding {pad} must be at most the "
                f"input's {axis} ({n}), as in PyTorch"
            )


def cs231n_default(seed: int | None = None) -> Convolution:
    """The CS231n notes' demo: x 5x5x3 of 0..2, padding 1, two 3x3x3 filters of -1..1, stride 2."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, size=(3, 5, 5))  # (C, H, W)
    w = rng.integers(-1, 2, size=(2, 3, 3, 3))  # (K, C, FH, FW)
    return Convolution(x, w, np.array([1, 0]), stride=2, padding=1)
