"""The highlight of one step: blue window, red filter and bias, green cell, joining lines.

The browser computes the same in js/direct.js for every frame; this Python twin draws the first
frame before any JavaScript runs and every frame of the GIF export.
"""

from __future__ import annotations

import numpy as np

from app.engine import Convolution
from app.views.layout import Geometry


def highlight_columns(conv: Convolution, geometry: Geometry, n: int) -> dict[str, dict]:
    """Cell centres of step n's window (blue), filter and bias (red), output cell (green)."""
    step = conv[n]
    FH, FW = conv.w.shape[2:]  # kernel rows, kernel columns
    rows, cols = np.meshgrid(step.rows, step.cols, indexing="ij")  # (FH, FW) each
    fr, fc = np.meshgrid(np.arange(FH), np.arange(FW), indexing="ij")  # (FH, FW) each
    window = {"x": [], "y": []}
    kernel = {"x": [], "y": []}
    links = {"x0": [], "y0": [], "x1": [], "y1": []}
    for c, d in enumerate(step.channels):
        (ix, iy), (sx, sy) = geometry.inputs[d], geometry.slices[step.filter, c]
        window["x"] += (ix + cols.ravel() + 0.5).tolist()
        window["y"] += (iy + rows.ravel() + 0.5).tolist()
        kernel["x"] += (sx + fc.ravel() + 0.5).tolist()
        kernel["y"] += (sy + fr.ravel() + 0.5).tolist()
        right, top, bottom = ix + step.cols[-1] + 1, iy + step.rows[0], iy + step.rows[-1] + 1
        links["x0"] += [right, right]
        links["y0"] += [top, bottom]
        links["x1"] += [sx, sx]
        links["y1"] += [sy, sy + FH]
    bx, by = geometry.biases[step.filter]
    kernel["x"].append(bx + 0.5)
    kernel["y"].append(by + 0.5)
    ox, oy = geometry.outputs[step.filter]
    cursor = {"x": [ox + step.col + 0.5], "y": [oy + step.row + 0.5]}
    return {"window_box": window, "kernel": kernel, "cursor": cursor, "links": links}
