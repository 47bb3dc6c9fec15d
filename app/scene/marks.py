"""The marks of one step, for any layer: cells outlined on blocks, a filter with its bias, and
the lines that join a window to the filter's slices.

The browser computes the same in app/figures/js for every frame; these Python twins draw the
first frame before any JavaScript runs, and every frame of the GIF.
"""

from __future__ import annotations

import numpy as np

from app.scene.blocks import Geometry, cell_centres
from app.scene.style import CELL


def window_cells(corners: np.ndarray, rows: tuple[int, ...], cols: tuple[int, ...]) -> dict:
    """Centres of the cells at (rows x cols) of every block whose top-left is in `corners`."""
    r, c = np.meshgrid(rows, cols, indexing="ij")  # (len(rows), len(cols)) each
    return {
        "x": (corners[:, :1] + c.ravel() + 0.5).ravel(),
        "y": (corners[:, 1:] + r.ravel() + 0.5).ravel(),
    }


def window_blocks(corners: np.ndarray, rows: tuple[int, ...], cols: tuple[int, ...]) -> dict:
    """One rectangle a block around its cells at (rows x cols), which must be contiguous:
    where cells are too small to outline one by one. Centres and sides, as the cells' edges."""
    count = len(corners)
    return {
        "x": corners[:, 0] + (cols[0] + cols[-1]) / 2 + 0.5,
        "y": corners[:, 1] + (rows[0] + rows[-1]) / 2 + 0.5,
        "w": np.full(count, cols[-1] - cols[0] + CELL),
        "h": np.full(count, rows[-1] - rows[0] + CELL),
    }


def filter_blocks(geometry: Geometry, k: int, FH: int, FW: int) -> dict:
    """filter_cells as one rectangle a slice, then the bias cell."""
    slices = window_blocks(geometry.slices[k], tuple(range(FH)), tuple(range(FW)))
    bx, by = geometry.biases[k] + 0.5
    return {
        "x": np.append(slices["x"], bx), "y": np.append(slices["y"], by),
        "w": np.append(slices["w"], CELL), "h": np.append(slices["h"], CELL),
    }  # fmt: skip


def one_by_one(cells: dict) -> dict:
    """Cells' centres with their sides, for a glyph that also draws window_blocks."""
    count = len(cells["x"])
    return {**cells, "w": np.full(count, CELL), "h": np.full(count, CELL)}


def filter_cells(geometry: Geometry, k: int, FH: int, FW: int) -> dict:
    """Centres of filter k's slices, then its bias: what the red outline marks."""
    x, y = cell_centres(geometry.slices[k], (len(geometry.slices[k]), FH, FW))
    bx, by = geometry.biases[k] + 0.5
    return {"x": np.append(x, bx), "y": np.append(y, by)}


def link_columns(
    geometry: Geometry, k: int, channels: tuple[int, ...], rows: tuple[int, ...],
    cols: tuple[int, ...], FH: int,
) -> dict:  # fmt: skip
    """Two lines a channel, from the right edge of its highlighted cells to filter k's slice."""
    links = {"x0": [], "y0": [], "x1": [], "y1": []}
    for c, d in enumerate(channels):
        (ix, iy), (sx, sy) = geometry.inputs[d], geometry.slices[k, c]
        right, top, bottom = ix + cols[-1] + 1, iy + rows[0], iy + rows[-1] + 1
        links["x0"] += [right, right]
        links["y0"] += [top, bottom]
        links["x1"] += [sx, sx]
        links["y1"] += [sy, sy + FH]
    return {key: np.asarray(values, dtype=float) for key, values in links.items()}
