"""Pooling as the demo draws it: the input volume and no filters; at each step a blue window on
one channel, the winning cell (max) outlined red and dashed, and the green output cell in the
same channel of the output, which has as many channels as the input."""

from __future__ import annotations

import numpy as np

from app.engine import Pooling
from app.engine.cost import Cost, Count, count
from app.scene.blocks import Blocks, cell_centres
from app.scene.code import Code, array_lines, dtype_name, literal
from app.scene.convolution import ConvolutionScene, size_rule
from app.scene.marks import one_by_one, window_blocks, window_cells
from app.scene.style import format_values, numbers

NAMES = {"max": "MaxPool2d", "avg": "AvgPool2d"}


def pooling_code(pool: Pooling) -> Code:
    """nn.MaxPool2d or nn.AvgPool2d with the settings on screen, and the loops over every
    channel's windows in the notes' layout."""
    (C, H, W), (_, OH, OW) = pool.x.shape, pool.output.shape
    (FH, FW), (sh, sw), (ph, pw), (dh, dw) = (pool.kernel_size, pool.stride, pool.padding,
                                              pool.dilation)  # fmt: skip
    if pool.mode == "max":
        extra = f"dilation=({dh}, {dw}), ceil_mode={pool.ceil_mode}"
    else:
        extra = f"ceil_mode={pool.ceil_mode}, count_include_pad={pool.count_include_pad}"
    torch = f"""import numpy as np
import torch
from torch import nn

layer = nn.{NAMES[pool.mode]}(
    kernel_size=({FH}, {FW}), stride=({sh}, {sw}), padding=({ph}, {pw}), {extra},
)
# input  x: (1, {C}, {H}, {W})   batch, channels, rows, columns
# no weights and no bias: pooling has no parameters
# output:   (1, {C}, {OH}, {OW})   as many channels as the input
{array_lines({"x": (pool.x, "")})}
out = layer(torch.from_numpy(x).double()[None])[0]  # (C, OH, OW): out[d] is o[:,:,d]
print(out)
"""
    Hd, Wd = pool.padded.shape[1:]
    dtype = dtype_name(pool.x) if pool.mode == "max" else "float64"
    fill = "-np.inf" if pool.mode == "max" else "0.0"
    rows = f"{sh}*i : {sh}*i + {dh * (FH - 1) + 1}" + (f" : {dh}" if dh > 1 else "")
    cols = f"{sw}*j : {sw}*j + {dw * (FW - 1) + 1}" + (f" : {dw}" if dw > 1 else "")
    if pool.mode == "max":
        body = f"V[i, j, d] = np.max(X[{rows}, {cols}, d])  # the largest, on channel d alone"
        divisor = ""
    else:
        reads = "input cells and padding" if pool.count_include_pad else "input cells alone"
        counted = np.where(pool.in_padding if pool.count_include_pad else pool.inside, 1, 0)
        divisor = (
            f"# Which drawn cells the divisor counts: the {reads}.\n"
            f"counted = np.array({literal(counted, 'counted = np.array(')})\n"
        )
        body = f"V[i, j, d] = np.sum(X[{rows}, {cols}, d]) / np.sum(counted[{rows}, {cols}])"
    numpy = f"""import numpy as np

# The values on screen, written channel by channel as drawn, then as X[row, column, channel].
{array_lines({"X": (pool.x, ".transpose(1, 2, 0).astype(float)")})}

# Padding (and, in ceil mode, the cells a last window reaches past it): {fill} for pooling.
P = np.full(({Hd}, {Wd}, {C}), {fill})
P[{ph} : {ph} + {H}, {pw} : {pw} + {W}] = X
X = P
{divisor}V = np.zeros(({OH}, {OW}, {C}), dtype=np.{dtype})
for d in range({C}):  # each channel apart: the output keeps the depth
    for i in range({OH}):
        for j in range({OW}):
            {body}
print(V.transpose(2, 0, 1))  # one output block a channel
"""
    return Code(torch, numpy)


class PoolingScene(ConvolutionScene):
    """A Pooling drawn as the convolution is, without filters: one channel's window a step."""

    engine: Pooling

    def _blocks(self) -> Blocks:
        pool = self.engine
        C, Hd, Wd = pool.padded.shape  # channels, drawn rows, drawn columns
        OH, OW = pool.output.shape[1:]
        (ph, pw), (FH, FW) = pool.padding, pool.kernel_size
        pad = f"+pad {ph}" if ph == pw else f"+pad {ph},{pw}"
        return Blocks(
            input_heading=f"Input Volume ({pad}) ({Hd}x{Wd}x{C})",
            input_shape=(C, Hd, Wd),
            filter_shape=(0, 1, FH, FW),
            reads=[],
            output_heading=f"Output Volume ({OH}x{OW}x{C}): {C} channels, as the input",
            short_headings=(f"Input ({pad}) {Hd}x{Wd}x{C}", f"Output {OH}x{OW}x{C}"),
            output_shape=(C, OH, OW),
            input_corner=(ph, pw),
        )

    def cells(self, text: bool = True) -> dict[str, list | np.ndarray]:
        """The drawn input's cells: centre, text, value and kind (0 input, 1 padding). Max
        pooling reads padding as -inf, so its padding shows no number; average pooling's
        padding is zeros."""
        pool = self.engine
        C, Hd, Wd = pool.padded.shape  # channels, drawn rows, drawn columns
        x, y = cell_centres(self.geometry.inputs, (C, Hd, Wd))
        padding = np.tile(pool.zero_padding.ravel(), C)  # (C*Hd*Wd,)
        shown = np.tile((pool.in_padding if pool.mode == "avg" else pool.inside).ravel(), C)
        values = format_values(pool.padded)
        words = [t if keep else "" for t, keep in zip(values, shown, strict=True)]
        return {
            "x": x, "y": y, "value": numbers(pool.padded),
            "text": words if text else [], "kind": padding.astype(np.int8),
        }  # fmt: skip

    def _scalars(self) -> np.ndarray:
        """Each step's winning tap (max, its index in the window row by row) or divisor (avg)."""
        pool = self.engine
        chosen = pool.winners if pool.mode == "max" else np.broadcast_to(
            pool.divisors, pool.output.shape
        )  # fmt: skip
        return numbers(np.ascontiguousarray(chosen))

    def _copies(self) -> dict[str, np.ndarray]:
        Hd, Wd = self.engine.padded.shape[1:]
        return {"row": np.full(Hd, -1), "col": np.full(Wd, -1)}  # zeros-style padding only

    def highlight(self, n: int) -> dict[str, dict]:
        """Step n's window on its one channel (blue), the winner (red, dashed), the output
        cell (green), and two lines from the window to it."""
        step, geometry = self.engine[n], self.geometry
        corner = geometry.inputs[[step.channel]]  # (1, 2)
        if self.outline_blocks():
            window = window_blocks(corner, step.rows, step.cols)
        else:
            window = one_by_one(window_cells(corner, step.rows, step.cols))
        winner = {"x": [], "y": []}
        if step.winner is not None:
            r, c = step.winner
            winner = {"x": [corner[0, 0] + c + 0.5], "y": [corner[0, 1] + r + 0.5]}
        ox, oy = geometry.outputs[step.channel]
        (ix, iy) = corner[0]
        right = ix + step.cols[-1] + 1
        links = {
            "x0": np.array([right, right]),
            "y0": np.array([iy + step.rows[0], iy + step.rows[-1] + 1]),
            "x1": np.array([ox + step.col, ox + step.col]),
            "y1": np.array([oy + step.row, oy + step.row + 1.0]),
        }  # fmt: skip
        return {
            "window_box": window,
            "kernel": one_by_one({key: np.asarray(v, float) for key, v in winner.items()}),
            "cursor": {"x": np.array([ox + step.col + 0.5]), "y": np.array([oy + step.row + 0.5])},
            "links": {key: value.astype(float) for key, value in links.items()},
        }

    def _preview(self) -> dict[str, np.ndarray]:
        FH, FW = self.engine.kernel_size
        if self.outline_blocks():
            corner = np.zeros((1, 2))
            return {**window_blocks(corner, tuple(range(FH)), tuple(range(FW))),
                    "x": np.full(1, -1000.0)}  # fmt: skip
        return one_by_one({"x": np.full(FH * FW, -1000.0), "y": np.zeros(FH * FW)})

    def _sizes(self) -> dict[str, int]:
        pool = self.engine
        H, W = pool.x.shape[1:]
        return {
            **super()._sizes(), "H": H, "W": W, "pool_max": pool.mode == "max",
            "count_include_pad": pool.count_include_pad, "global_pool": pool.is_global,
        }  # fmt: skip

    def _formula(self, i: int) -> str:
        pool = self.engine
        return size_rule(
            pool.x.shape[1 + i], pool.kernel_size[i], pool.padding[i], pool.stride[i],
            pool.dilation[i], "ceil" if pool.ceil_mode else "floor",
        )  # fmt: skip

    def formulas(self) -> list[str]:
        depth = f"depth = {self.engine.x.shape[0]}, the input's: each channel is pooled apart"
        return [*super().formulas(), depth]

    def code(self) -> Code:
        return pooling_code(self.engine)

    def cost(self) -> tuple[Count, list[Cost]]:
        C, OH, OW = self.engine.output.shape
        return count([("C", C), ("OH", OH), ("OW", OW)]), self.engine.cost()

    def caption(self, n: int) -> str:
        step = self.engine[n]
        value = format_values(np.array([step.value]))[0]
        what = "max" if self.engine.mode == "max" else "mean"
        return f"step {n + 1}/{len(self)}:  {what} on channel {step.channel} alone = {value}"

    def note(self) -> str:
        pool = self.engine
        C = pool.x.shape[0]
        words = (
            f"Pooling keeps each channel apart: the output has {C} channels, as the input has; "
            "a convolution adds the channels' dot products into one value."
        )
        if pool.is_global:
            words += (
                " The window is the whole input: this is global average pooling."
                if (pool.mode == "avg")
                else " The window is the whole input: this is global max pooling."
            )
        missed = int(pool.unvisited.sum())
        if missed:
            words += f" {missed} cells of each channel are read by no window (hatched)."
        return words
