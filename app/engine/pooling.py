"""Every step of 2-D max or average pooling, as PyTorch's max_pool2d and avg_pool2d.

Pooling reads one channel at a time and keeps the depth: the largest (or the mean) of each
channel's window, where a convolution adds every channel's dot product into one value.
NumPy only, like every module of app.engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import as_strided

from app.engine.checks import (
    MAX_INPUT_CELLS,
    MAX_STEPS,
    MAX_WINDOW_READS,
    Pair,
    covered,
    numeric,
    pair,
    step_index,
    window,
    within_caps,
)
from app.engine.cost import Cost, Shapes, count

MODES = ("max", "avg")


@dataclass(frozen=True, slots=True)
class PoolStep:
    """One window position on one channel: the values it reads and the one it keeps."""

    index: int  # position in the demo's order: channel, then row, then column
    channel: int  # the input channel read, and the output channel written
    row: int  # output row
    col: int  # output column
    rows: tuple[int, ...]  # drawn padded-input rows the window covers (FH of them)
    cols: tuple[int, ...]  # drawn padded-input columns the window covers (FW of them)
    values: tuple[float, ...]  # the window's values, row by row: -inf (max) or 0 (avg) off x
    counted: tuple[bool, ...]  # which of them the result reads (max: input cells alone)
    value: float  # the largest, or the sum over the divisor
    winner: tuple[int, int] | None  # max: the drawn (row, col) that won, first on a tie
    divisor: int | None  # avg: what the sum was divided by


def output_size(size: int, kernel: int, pad: int, stride: int, dilation: int, ceil: bool) -> int:
    """PyTorch's pooling output size along one axis (pooling_output_shape): floor or ceil,
    and in ceil mode no window may start past the input and its leading padding."""
    span = dilation * (kernel - 1) + 1
    top = size + 2 * pad - span + (stride - 1 if ceil else 0)
    out = top // stride + 1
    if ceil and (out - 1) * stride >= size + pad:
        out -= 1
    return out


class Pooling:
    """Max or average pooling of x (C, H, W) with PyTorch's arguments; `.output` (C, OH, OW)."""

    def __init__(
        self, x: object, kernel_size: int | Pair, stride: int | Pair | None = None,
        padding: int | Pair = 0, dilation: int | Pair = 1, mode: str = "max",
        ceil_mode: bool = False, count_include_pad: bool = True,
    ) -> None:  # fmt: skip
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        x = numeric("x", x, 3, "(C, H, W)")
        if min(x.shape) < 1:
            raise ValueError(f"x {x.shape} must have no empty dimension")
        self.kernel_size = FH, FW = pair("kernel_size", kernel_size, 1)
        self.stride = sh, sw = pair("stride", self.kernel_size if stride is None else stride, 1)
        self.padding = ph, pw = pair("padding", padding, 0)
        self.dilation = dh, dw = pair("dilation", dilation, 1)
        if mode == "avg" and (dh, dw) != (1, 1):
            raise ValueError(
                f"dilation={dilation!r}: average pooling takes no dilation, as in PyTorch "
                "(avg_pool2d has no such argument): it must be 1"
            )
        for axis, pad, kernel in (("height", ph, FH), ("width", pw, FW)):
            if pad > kernel // 2:
                raise ValueError(
                    f"padding {pad} must be at most half the kernel {axis} {kernel} "
                    f"(at most {kernel // 2}), as in PyTorch"
                )
        C, H, W = x.shape  # channels, rows, columns
        self.mode, self.ceil_mode, self.count_include_pad = mode, ceil_mode, count_include_pad
        OH = output_size(H, FH, ph, sh, dh, ceil_mode)
        OW = output_size(W, FW, pw, sw, dw, ceil_mode)
        if OH < 1 or OW < 1:
            raise ValueError(
                f"the output would be {OH}x{OW}: a kernel of {FH}x{FW} with dilation "
                f"({dh}, {dw}) spans more than the padded input {H + 2 * ph}x{W + 2 * pw}"
            )
        # Drawn rows and columns: the padded input, and past it where a ceil-mode window reaches.
        Hd = max(H + 2 * ph, (OH - 1) * sh + dh * (FH - 1) + 1)
        Wd = max(W + 2 * pw, (OW - 1) * sw + dw * (FW - 1) + 1)
        within_caps(
            (f"padded input {C}x{Hd}x{Wd} cells", C * Hd * Wd, MAX_INPUT_CELLS),
            (f"{C}x{OH}x{OW} steps", C * OH * OW, MAX_STEPS),
            ("window reads C*OH*OW*FH*FW", C * OH * OW * FH * FW, MAX_WINDOW_READS),
        )
        self.x = x
        self.padded = np.zeros((C, Hd, Wd), dtype=x.dtype)  # (C, Hd, Wd), zeros off the input
        self.padded[:, ph : ph + H, pw : pw + W] = x
        r, c = np.indices((Hd, Wd))  # each (Hd, Wd)
        self.inside = (r >= ph) & (r < ph + H) & (c >= pw) & (c < pw + W)  # (Hd, Wd) input cells
        self.in_padding = (r < H + 2 * ph) & (c < W + 2 * pw)  # (Hd, Wd) input or its padding
        windows = self._windows(self.padded, OH, OW)  # (C, OH, OW, FH*FW)
        if mode == "max":
            inside = self._windows(self.inside[None], OH, OW)[0]  # (OH, OW, FH*FW)
            masked = np.where(inside, windows.astype(float), -np.inf)  # (C, OH, OW, FH*FW)
            empty = ~inside.any(axis=-1)  # (OH, OW): windows on padding alone
            if empty.any():
                i, j = (int(a[0]) for a in np.nonzero(empty))
                raise ValueError(
                    f"padding ({ph}, {pw}) with dilation ({dh}, {dw}): the window at output "
                    f"({i}, {j}) reads padding alone, whose largest is -inf in PyTorch: choose "
                    "less padding or dilation"
                )
            self.winners = masked.argmax(axis=-1)  # (C, OH, OW): the first largest tap
            self.output = np.take_along_axis(windows, self.winners[..., None], -1)[..., 0]
            self.divisors = None
        else:
            reads = self.in_padding if count_include_pad else self.inside  # (Hd, Wd)
            self.divisors = self._windows(reads[None], OH, OW)[0].sum(axis=-1)  # (OH, OW)
            self.output = windows.sum(axis=-1) / self.divisors  # (C, OH, OW) float64
            self.winners = None
        rows, cols = covered(Hd, OH, FH, sh, dh), covered(Wd, OW, FW, sw, dw)  # (Hd,), (Wd,)
        self.unvisited = ~np.outer(rows, cols)  # (Hd, Wd): cells no window reads

    def _windows(self, grid: np.ndarray, OH: int, OW: int) -> np.ndarray:
        """Every window of `grid` (N, Hd, Wd) as a view: (N, OH, OW, FH*FW), taps row by row."""
        (FH, FW), (sh, sw), (dh, dw) = self.kernel_size, self.stride, self.dilation
        by_channel, by_row, by_col = grid.strides  # bytes between neighbours
        view = as_strided(
            grid, shape=(grid.shape[0], OH, OW, FH, FW),
            strides=(by_channel, by_row * sh, by_col * sw, by_row * dh, by_col * dw),
            writeable=False,
        )  # fmt: skip
        return view.reshape(grid.shape[0], OH, OW, FH * FW)

    @property
    def zero_padding(self) -> np.ndarray:
        """Which drawn cells are no input cell: (Hd, Wd) bool. Max pooling reads them as
        -inf, average pooling as zeros."""
        return ~self.inside

    def __len__(self) -> int:
        return self.output.size

    @property
    def shapes(self) -> Shapes:
        """The sizes a cost is counted from: one output channel an input channel, no weights."""
        (C, H, W), (FH, FW), (_, OH, OW) = self.x.shape, self.kernel_size, self.output.shape
        return Shapes(C, H, W, C, FH, FW, OH, OW, groups=C, bias=False)

    @property
    def is_global(self) -> bool:
        """Whether this is global pooling: one window the input's size, one value a channel."""
        return self.output.shape[1:] == (1, 1) and self.kernel_size == self.x.shape[1:]

    def cost(self) -> list[Cost]:
        """No parameters; a comparison a tap after the first (max), or an addition a tap and
        a division a window (avg)."""
        s = self.shapes
        windows = [("C", s.C), ("OH", s.OH), ("OW", s.OW)]
        taps = [("(FH*FW - 1)", s.FH * s.FW - 1)]
        if self.mode == "max":
            return [
                Cost("max pooling: comparisons, no parameters", count(), count([*windows, *taps]))
            ]
        return [
            Cost(
                "average pooling: additions and one division a window, no parameters",
                count(),
                count([*windows, *taps], windows),
            )
        ]

    def position(self, n: int) -> tuple[int, int, int, tuple[int, ...], tuple[int, ...]]:
        """Where step n stands: channel d, output row i and column j, the window's rows, cols."""
        C, OH, OW = self.output.shape  # channels, output rows, output columns
        d, i, j = (int(a) for a in np.unravel_index(n, (C, OH, OW)))
        (FH, FW), (sh, sw), (dh, dw) = self.kernel_size, self.stride, self.dilation
        return d, i, j, window(i, FH, sh, dh), window(j, FW, sw, dw)

    def __getitem__(self, n: int) -> PoolStep:
        n = step_index(n, len(self))
        d, i, j, rows, cols = self.position(n)
        cells = [(r, c) for r in rows for c in cols]
        reads = self.inside if self.mode == "max" or not self.count_include_pad else self.in_padding
        counted = tuple(bool(reads[r, c]) for r, c in cells)
        off = -np.inf if self.mode == "max" else 0
        values = tuple(self.padded[d, r, c].item() if self.inside[r, c] else off for r, c in cells)
        winner = None if self.winners is None else cells[int(self.winners[d, i, j])]
        divisor = None if self.divisors is None else int(self.divisors[i, j])
        return PoolStep(n, d, i, j, rows, cols, values, counted, self.output[d, i, j].item(),
                        winner, divisor)  # fmt: skip

    def __iter__(self) -> Iterator[PoolStep]:
        return (self[n] for n in range(len(self)))
