"""What a layer's picture holds (Blocks), where each block went (Geometry), and the contract
that tells the browser's scripts how to read both: NumPy only."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LEGIBLE_CELL_PX = 14  # below this, values hide and only colours remain


@dataclass(frozen=True)
class Geometry:
    """Top-left corners of every block, in cell units, for one cell size in pixels."""

    cell_px: int
    width: float
    height: float
    inputs: np.ndarray  # (C, 2) x, y of each padded channel grid
    slices: np.ndarray  # (K, Cg, 2) of each filter's channel slices
    biases: np.ndarray  # (K, 2)
    outputs: np.ndarray  # (K, 2)
    labels: dict[str, list]  # x, y, text of every heading
    pictures: np.ndarray  # (2, 2) input and output picture in image mode, else (0, 2)
    bands: int = 1  # rows of stacks: more than one where the box was too narrow for one
    compact: bool = False  # the filters share one heading and lose their slices' labels
    extras: tuple[np.ndarray, ...] = ()  # (blocks, 2) of each of Blocks.extra's stacks

    @property
    def legible(self) -> bool:
        return self.cell_px >= LEGIBLE_CELL_PX

    @property
    def origins(self) -> np.ndarray:
        """Every block's top-left: inputs, slices, biases, outputs, (C + K*Cg + 2K, 2), in the
        order that `contract` tells the browser's scripts, then the extra stacks' blocks."""
        blocks = (self.inputs, self.slices.reshape(-1, 2), self.biases, self.outputs)
        return np.concatenate((*blocks, *self.extras))


def cell_centres(origins: np.ndarray, shape: tuple[int, int, int]) -> tuple[np.ndarray, ...]:
    """x and y of every cell of blocks (B, rows, cols) whose top-left corners are `origins`,
    block by block, row by row: each (B*rows*cols,)."""
    b, r, c = np.indices(shape).reshape(3, -1)  # each (B*rows*cols,)
    return origins[b, 0] + c + 0.5, origins[b, 1] + r + 0.5


def border(shape: tuple[int, int], corner: tuple[int, int], inner: tuple[int, int]) -> np.ndarray:
    """Which cells of a rows x cols grid lie outside the inner block at `corner`: the zero
    padding of an input, the cropped border of a transposed output. (rows, cols) bool."""
    (top, left), (height, width) = corner, inner
    r, c = np.indices(shape)  # each (rows, cols)
    return (r < top) | (r >= top + height) | (c < left) | (c >= left + width)


@dataclass(frozen=True)
class Stack:
    """A stack of labelled grids beyond the input, filters and output: a heading, then each
    grid's label and (rows, cols)."""

    heading: str
    grids: tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Blocks:
    """What the picture holds, for any layer: grid shapes as drawn, and their headings."""

    input_heading: str
    input_shape: tuple[int, int, int]  # (C, rows, cols) of each input grid as drawn
    filter_shape: tuple[int, int, int, int]  # (K, Cg, FH, FW): each filter's slices; K = 0
    # where the layer has no filters (pooling: FH x FW is its window)
    reads: list[list[int]]  # the input channels each filter reads, in slice order
    output_heading: str
    output_shape: tuple[int, int, int]  # (O, rows, cols): O grids, one a filter or a channel
    pictures: tuple[tuple[int, int], ...] = ()  # image mode: input and output picture sizes
    channel_names: tuple[str, ...] = ()  # a word after each input channel's label
    short_headings: tuple[str, str] = ("", "")  # input and output, where room is short
    input_corner: tuple[int, int] = (0, 0)  # where the input's own row 0, column 0 is drawn
    output_name: str = "o"  # what the output's grids are labelled: o[:,:,0], ...
    extra: tuple[Stack, ...] = ()  # stacks after the output, in order


PADDING_CELL = "padding"  # what the browser names a tapped cell of zero padding (cell_at)


def contract(blocks: Blocks) -> dict[str, int]:
    """Where the browser's scripts find each kind of block in a Geometry's `origins`, and each
    kind of value in the `cells` source (input cells as drawn, filter slices, biases), and how
    the input is drawn: handed to them in `meta`, so that the order is written here alone."""
    C, rows, cols = blocks.input_shape  # channels, rows and columns as drawn
    K, Cg, FH, FW = blocks.filter_shape  # filters, channels each, kernel rows, kernel columns
    return {
        "C": C,
        "K": K,
        "O": blocks.output_shape[0],
        "Cg": Cg,
        "FH": FH,
        "FW": FW,
        "block_slices": C,
        "block_biases": C + K * Cg,
        "block_outputs": C + K * Cg + K,
        "cell_weights": C * rows * cols,
        "cell_biases": C * rows * cols + K * Cg * FH * FW,
        "input_rows": rows,
        "input_cols": cols,
        "input_row0": blocks.input_corner[0],
        "input_col0": blocks.input_corner[1],
    }
