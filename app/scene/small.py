"""Blocks drawn whole where cells are too small to draw one by one: each input channel one
image, a pixel a cell, and each filter slice, bias and output block one rectangle."""

from __future__ import annotations

import numpy as np

from app.engine import Convolution
from app.scene.blocks import Blocks, Geometry, border
from app.scene.style import KIND_COLOURS, UNVISITED, rgba


def padded_kinds(conv: Convolution) -> np.ndarray:
    """Each padded-input cell's kind, numbered as a scene's `cells` number them (and
    KIND_COLOURS colours them): 0 input, 1 zero padding, 3 a copy of an input cell. (Hp, Wp)"""
    is_pad = border(conv.padded.shape[1:], conv.padding, conv.x.shape[1:])  # (Hp, Wp)
    return np.where(conv.zero_padding, 1, np.where(is_pad, 3, 0)).astype(np.int8)


def block_images(conv: Convolution, geometry: Geometry) -> dict[str, list]:
    """Every input channel as one image, a pixel a cell: for cells too small to draw one by
    one. (Filters and outputs are one colour a block: plain_blocks draws them.)"""
    C, Hp, Wp = conv.padded.shape  # channels, padded rows, padded columns
    kind = padded_kinds(conv)  # (Hp, Wp)
    channel = np.array([rgba(c) for c in KIND_COLOURS])[kind]  # (Hp, Wp)
    # Weights (kind 2) are no input cells: their colour stands in, never used.
    missed = np.array([rgba(UNVISITED.get(c, c)) for c in KIND_COLOURS])[kind]
    channel = np.where(conv.unvisited, missed, channel).astype(np.uint32)
    # Every channel looks the same: the same image at each channel's place.
    return {"image": [channel] * C, "x": geometry.inputs[:, 0], "y": geometry.inputs[:, 1],
            "dw": np.full(C, Wp), "dh": np.full(C, Hp)}  # fmt: skip


def plain_blocks(blocks: Blocks, geometry: Geometry) -> dict[str, dict]:
    """Filter slices and biases, and output blocks, as one rectangle each (centre and size):
    a canvas draws hundreds of rectangles faster than it makes hundreds of images."""
    K, Cg, FH, FW = blocks.filter_shape  # filters, channels per group, kernel rows, kernel columns
    grids, OH, OW = blocks.output_shape  # output grids, rows, columns
    corners = np.concatenate([geometry.slices.reshape(-1, 2), geometry.biases])  # (K*Cg + K, 2)
    sizes = np.array([(FW, FH)] * (K * Cg) + [(1, 1)] * K, dtype=float).reshape(-1, 2)

    def rectangles(corners: np.ndarray, sizes: np.ndarray) -> dict:
        centres = corners + sizes / 2
        return {"x": centres[:, 0], "y": centres[:, 1], "width": sizes[:, 0],
                "height": sizes[:, 1]}  # fmt: skip

    outputs = rectangles(geometry.outputs, np.tile([float(OW), float(OH)], (grids, 1)))
    return {"weights": rectangles(corners, sizes), "outputs": outputs}
