"""Every step of a transposed convolution (PyTorch's conv_transpose2d), and its direct twin.

NumPy only, like all of app.engine. A step here is one input position: each channel's input value
scales that channel's filter slice, the scaled slices are summed, and the sum is added into a
window of the output. Padding crops the finished output, so the steps write into an uncropped
"canvas" and the output is its middle.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Unpack

import numpy as np

from app.engine.checks import (
    MAX_INPUT_CELLS,
    MAX_STEPS,
    MAX_WINDOW_READS,
    Options,
    Pair,
    add_windows,
    arguments,
    bias,
    channels_read,
    matmul,
    step_index,
    window,
    within_caps,
)
from app.engine.convolution import Convolution
from app.engine.cost import Cost, Shapes, transposed_cost


@dataclass(frozen=True, slots=True)
class TransposedStep:
    """One input position of filter k: what it scales and where the sum lands."""

    index: int  # position in the demo's order: filter, input row, input column
    filter: int  # output channel k
    row: int  # input row
    col: int  # input column
    channels: tuple[int, ...]  # input channels filter k reads
    rows: tuple[int, ...]  # canvas rows the window covers (output row = canvas row - padding)
    cols: tuple[int, ...]  # canvas columns the window covers
    scalars: tuple[float, ...]  # the input value that scales each channel's slice
    patch: tuple[tuple[float, ...], ...]  # (FH, FW): the scaled slices summed over channels
    bias: float


class TransposedOptions(Options, total=False):
    """The transposed layer's keywords: the direct layer's, and output padding (rows added
    at the bottom, columns at the right), which PyTorch keeps below stride or dilation."""

    output_padding: int | Pair


class TransposedConvolution:
    """x (C, H, W), w (C, K // groups, FH, FW) as PyTorch stores it, b (K,)."""

    def __init__(
        self, x: object, w: object, b: object = None, **options: Unpack[TransposedOptions]
    ) -> None:
        x, w, groups, axes = arguments(
            "TransposedConvolution", x, w, "(C, K // groups, FH, FW)", options, TransposedOptions
        )
        C, H, W = x.shape  # channels, rows, columns
        Cw, Kg, FH, FW = w.shape  # channels, filters per group, kernel rows, kernel columns
        self.groups = groups
        self.stride = sh, sw = axes["stride"]
        self.padding = ph, pw = axes["padding"]
        self.output_padding = oph, opw = axes["output_padding"]
        self.dilation = dh, dw = axes["dilation"]
        if Cw != C:
            raise ValueError(f"w has {Cw} input channels but x has C={C}: w.shape[0] must be C")
        for axis, op, s, d in (("rows", oph, sh, dh), ("columns", opw, sw, dw)):
            if op >= max(s, d):
                raise ValueError(
                    f"output padding {op} ({axis}) must be smaller than stride {s} or "
                    f"dilation {d} (at most {max(s, d) - 1}), as in PyTorch"
                )
        K = Kg * groups
        # The canvas is every row a window reaches; padding then crops it on both sides.
        Hc, Wc = (H - 1) * sh + dh * (FH - 1) + 1 + oph, (W - 1) * sw + dw * (FW - 1) + 1 + opw
        OH, OW = Hc - 2 * ph, Wc - 2 * pw
        for axis, size, pad, canvas in (("height", OH, ph, Hc), ("width", OW, pw, Wc)):
            if size < 1:
                raise ValueError(
                    f"padding {pad} crops 2*{pad} = {2 * pad} from an output {axis} of "
                    f"{canvas}, leaving {size}: padding must be at most {(canvas - 1) // 2}"
                )
        within_caps(
            (f"input {C}x{H}x{W} cells", C * H * W, MAX_INPUT_CELLS),
            (f"output canvas {K}x{Hc}x{Wc} cells", K * Hc * Wc, MAX_INPUT_CELLS),
            (f"{K}x{H}x{W} steps", K * H * W, MAX_STEPS),
            ("scaled slices K*H*W*FH*FW", K * H * W * FH * FW, MAX_WINDOW_READS),
        )
        self.has_bias = b is not None  # a layer made with bias=False in PyTorch's words
        b = bias(b, K)
        self.x, self.w, self.b = x, w, b
        Cg = C // groups
        inputs = x.reshape(groups, Cg, H * W)  # (G, Cg, H*W)
        weights = w.reshape(groups, Cg, Kg * FH * FW).transpose(0, 2, 1)  # (G, Kg*FH*FW, Cg)
        # Every step's summed slices at once: (Kg*FH*FW, Cg) @ (Cg, H*W) per group.
        patches = matmul(weights, inputs)  # (G, Kg*FH*FW, H*W)
        self.patches = patches.reshape(K, FH, FW, H, W)  # (K, FH, FW, H, W)
        self.canvas = self._scatter(self.patches) + b[:, None, None]  # (K, Hc, Wc)
        self.output = self.canvas[:, ph : ph + OH, pw : pw + OW]  # (K, OH, OW)

    def _scatter(self, patches: np.ndarray) -> np.ndarray:
        """Adds every (K, FH, FW, H, W) patch into its window: (K, Hc, Wc) canvas, no bias."""
        _, FH, FW, H, W = patches.shape
        (sh, sw), (dh, dw) = self.stride, self.dilation
        Hc = (H - 1) * sh + dh * (FH - 1) + 1 + self.output_padding[0]
        Wc = (W - 1) * sw + dw * (FW - 1) + 1 + self.output_padding[1]
        return add_windows(patches, (Hc, Wc), self.stride, self.dilation)

    @property
    def shape(self) -> tuple[int, int, int]:
        """The output's (K, OH, OW)."""
        return self.output.shape

    def __len__(self) -> int:
        return self.patches.shape[0] * self.x.shape[1] * self.x.shape[2]

    @property
    def shapes(self) -> Shapes:
        (C, H, W), (FH, FW), (K, OH, OW) = self.x.shape, self.w.shape[2:], self.output.shape
        return Shapes(C, H, W, K, FH, FW, OH, OW, self.groups, self.has_bias)

    def cost(self) -> list[Cost]:
        """This layer's parameters and multiply-adds, then a fully connected layer's."""
        return transposed_cost(self.shapes)

    def channels_of(self, k: int) -> range:
        """The input channels filter k reads: its group's slice of C."""
        return channels_read(k, self.w.shape[1] * self.groups, self.x.shape[0], self.groups)

    def __getitem__(self, n: int) -> TransposedStep:
        n = step_index(n, len(self))
        K, FH, FW, H, W = self.patches.shape
        k, i, j = (int(v) for v in np.unravel_index(n, (K, H, W)))
        (sh, sw), (dh, dw) = self.stride, self.dilation
        channels = tuple(self.channels_of(k))
        return TransposedStep(
            index=n,
            filter=k,
            row=i,
            col=j,
            channels=channels,
            rows=window(i, FH, sh, dh),
            cols=window(j, FW, sw, dw),
            scalars=tuple(self.x[list(channels), i, j].tolist()),
            patch=tuple(map(tuple, self.patches[k, :, :, i, j].tolist())),
            bias=self.b[k].item(),
        )

    def __iter__(self) -> Iterator[TransposedStep]:
        return (self[n] for n in range(len(self)))

    def running(self, n: int) -> np.ndarray:
        """Filter k's canvas once step n has added its window: bias plus steps k..n, (Hc, Wc)."""
        n = step_index(n, len(self))
        H, W = self.x.shape[1:]  # input rows, columns
        k, done = divmod(n, H * W)
        reached = (np.arange(H * W) <= done).reshape(H, W)  # (H, W): steps already taken
        patches = self.patches[k : k + 1] * reached  # (1, FH, FW, H, W)
        return self._scatter(patches)[0] + self.b[k]

    @cached_property
    def equivalent(self) -> Convolution:
        """The same output as a direct convolution: stride - 1 zeros between input cells,
        dilation*(kernel-1) - padding zeros around (output padding more at the bottom and right),
        each filter flipped and its in and out channels swapped, stride 1."""
        C, H, W = self.x.shape  # channels, rows, columns
        FH, FW = self.w.shape[2:]  # kernel rows, kernel columns
        (sh, sw), (dh, dw), G = self.stride, self.dilation, self.groups
        spread = np.zeros((C, (H - 1) * sh + 1, (W - 1) * sw + 1), dtype=self.x.dtype)
        spread[:, ::sh, ::sw] = self.x  # (C, (H-1)*sh+1, (W-1)*sw+1)
        around = dh * (FH - 1) - self.padding[0], dw * (FW - 1) - self.padding[1]
        weights = swap_in_out(self.w, G)[:, :, ::-1, ::-1]  # (K, Cg, FH, FW)
        options = {"stride": 1, "dilation": self.dilation, "groups": G}
        if min(around) >= 0 and self.output_padding == (0, 0):
            # Symmetric zeros are padding in the direct demo's own sense: shown grey.
            return Convolution(spread, weights.copy(), self.b, padding=around, **options)
        for axis, (low, extra) in enumerate(zip(around, self.output_padding, strict=True)):
            spread = _pad_or_crop(spread, axis + 1, low, low + extra)
        return Convolution(spread, weights.copy(), self.b, padding=0, **options)


def swap_in_out(w: np.ndarray, groups: int) -> np.ndarray:
    """Weights with in and out channels swapped group by group: conv_transpose2d's
    (C, K // groups, FH, FW) as conv2d's (K, C // groups, FH, FW), and back (it is its own
    inverse)."""
    A, B, FH, FW = w.shape  # channels stored first, channels stored second, kernel rows, cols
    per_group = w.reshape(groups, A // groups, B, FH, FW).transpose(0, 2, 1, 3, 4)
    return per_group.reshape(groups * B, A // groups, FH, FW)


def _pad_or_crop(array: np.ndarray, axis: int, low: int, high: int) -> np.ndarray:
    """`array` with `low` zeros before and `high` after along `axis`; negative counts crop."""
    index = [slice(None)] * array.ndim
    index[axis] = slice(max(-low, 0), array.shape[axis] - max(-high, 0))
    widths = [(0, 0)] * array.ndim
    widths[axis] = (max(low, 0), max(high, 0))
    return np.pad(array[tuple(index)], widths)
