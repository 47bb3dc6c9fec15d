"""Sentences that explain a convolution's shape: the output-size formula and unvisited cells."""

from __future__ import annotations

import numpy as np

from app.engine import Convolution
from app.transposed import TransposedConvolution


def size_formulas(conv: Convolution | TransposedConvolution) -> list[str]:
    """PyTorch's output-size rule with this layer's numbers, for rows and columns."""
    lines = []
    if isinstance(conv, TransposedConvolution):
        for axis, i in (("OH", 0), ("OW", 1)):
            n, k = conv.x.shape[1 + i], conv.w.shape[2 + i]  # input and kernel size on this axis
            p, s, d = conv.padding[i], conv.stride[i], conv.dilation[i]
            op, size = conv.output_padding[i], conv.output.shape[1 + i]
            lines.append(f"{axis} = ({n}-1)*{s} - 2*{p} + {d}*({k}-1) + {op} + 1 = {size}")
        return lines
    for axis, i in (("OH", 0), ("OW", 1)):
        n, k = conv.x.shape[1 + i], conv.w.shape[2 + i]  # input and kernel size on this axis
        p, s, d = conv.padding[i], conv.stride[i], conv.dilation[i]
        size = conv.output.shape[1 + i]
        lines.append(f"{axis} = floor(({n} + 2*{p} - {d}*({k}-1) - 1)/{s}) + 1 = {size}")
    return lines


def unvisited_note(conv: Convolution | TransposedConvolution) -> str:
    """How many padded cells no window covers, and why; empty when every cell is covered."""
    if isinstance(conv, TransposedConvolution):
        return ""  # every input cell is a step of its own
    missed = int(conv.unvisited.sum())
    if not missed:
        return ""
    reasons = []
    for axis, i in (("rows", 0), ("columns", 1)):
        size, kernel = conv.unvisited.shape[i], conv.w.shape[2 + i]
        span = conv.dilation[i] * (kernel - 1) + 1  # the dilated kernel's extent
        stride = conv.stride[i]
        left = (size - span) % stride
        if left:
            what = f"{left} {axis}" if left > 1 else axis[:-1]
            reasons.append(
                f"the last {what}: {size} - {span} is not a multiple of stride {stride}, "
                "and floor drops the remainder"
            )
        lines_missed = int(np.all(conv.unvisited, axis=1 - i).sum())
        if lines_missed > left:
            reasons.append(f"{axis} between windows: stride and dilation step over them")
    where = "; ".join(reasons)
    return f"{missed} cells of each padded channel are never covered (hatched): {where}."
