"""Where every block and heading of the CS231n picture goes, in cell units (y grows downwards).

Every layer's picture is a Blocks: input grids, filter slices, biases and output grids with
their headings. Pure NumPy: the Bokeh figures, the browser animation and the GIF all read this,
so the three draw the same picture.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LABEL_PX = 18  # height of a label row on screen, whatever the cell size
CHAR_PX = 7.9  # width of one label character at the label font size (13 px monospace)
GAP = 0.5  # units between blocks
MAX_HEIGHT_PX = 660  # fits a 700 px iframe with the figure's own margins
MAX_WIDTH_PX = 760  # with the settings and the readout, fits a 1440 px wide screen
MIN_CELL_PX, MAX_CELL_PX = 3, 26  # the original draws 26 px cells
LEGIBLE_CELL_PX = 14  # below this, values hide and only colours remain
MAX_LABELLED_SLICES = 4  # filters deeper than this label their stack of slices once


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

    @property
    def legible(self) -> bool:
        return self.cell_px >= LEGIBLE_CELL_PX

    @property
    def origins(self) -> np.ndarray:
        """Every block's top-left: inputs, slices, biases, outputs, (C + K*Cg + 2K, 2), in the
        order that `contract` tells the browser's scripts."""
        return np.concatenate((self.inputs, self.slices.reshape(-1, 2), self.biases, self.outputs))


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


class _Columns:
    """Stacks labelled blocks top to bottom, wrapping to a new column at the height budget."""

    def __init__(
        self, x: float, max_height: float, label_h: float, cell_px: int, top: float = 0.0
    ) -> None:
        self.x, self.y, self.col_width = x, top, 0.0
        self.top = top  # where a column starts: under the stack's heading
        self.max_height, self.label_h, self.cell_px = max_height, label_h, cell_px
        self.labels: dict[str, list] = {"x": [], "y": [], "text": []}
        self.bottom = 0.0
        self.reach = x  # the right end of the widest label, in whichever column it sits

    def heading(self, text: str) -> None:
        """A heading over the whole stack: it may run on over the stack's later columns, so
        it widens the stack where it reaches past them, not its first column."""
        width = self.col_width
        self._label(text)
        self.col_width = width
        self.y += self.label_h
        self.top = self.y

    def block(self, label: str | None, rows: int, cols: int) -> tuple[float, float]:
        """Places a label (if any) and a rows x cols grid under it; returns the grid's
        top-left."""
        label_h = self.label_h if label is not None else 0.0
        if self.y > self.top and self.y + label_h + rows > self.max_height:
            # At least a character's space between columns, or their labels run together.
            space = max(GAP, CHAR_PX / self.cell_px)
            self.x, self.y, self.col_width = self.x + self.col_width + space, self.top, 0.0
        if label is not None:
            self._label(label)
        origin = (self.x, self.y + label_h)
        self.y += label_h + rows + GAP
        self.col_width = max(self.col_width, cols)
        self.bottom = max(self.bottom, self.y)
        return origin

    def _label(self, text: str) -> None:
        self.labels["x"].append(self.x)
        self.labels["y"].append(self.y + self.label_h * 0.85)
        self.labels["text"].append(text)
        self.col_width = max(self.col_width, len(text) * CHAR_PX / self.cell_px)
        self.reach = max(self.reach, self.x + len(text) * CHAR_PX / self.cell_px)

    def right(self) -> float:
        # At least a word's space between columns, however small the cells.
        return max(self.x + self.col_width, self.reach) + max(2 * GAP, 14 / self.cell_px)


@dataclass(frozen=True)
class Blocks:
    """What the picture holds, for any layer: grid shapes as drawn, and their headings."""

    input_heading: str
    input_shape: tuple[int, int, int]  # (C, rows, cols) of each input grid as drawn
    filter_shape: tuple[int, int, int, int]  # (K, Cg, FH, FW): each filter's slices
    reads: list[list[int]]  # the input channels each filter reads, in slice order
    output_heading: str
    output_shape: tuple[int, int, int]  # (K, rows, cols) of each output grid as drawn
    pictures: tuple[tuple[int, int], ...] = ()  # image mode: input and output picture sizes
    channel_names: tuple[str, ...] = ()  # a word after each input channel's label
    input_corner: tuple[int, int] = (0, 0)  # where the input's own row 0, column 0 is drawn


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


def _place(blocks: Blocks, cell_px: int, compact: bool = False) -> Geometry:
    """Every block's place at `cell_px`. With `compact`, the filters have one heading between
    them and a short name each, for banks whose headings would be wider than their cells."""
    C, Hp, Wp = blocks.input_shape  # channels, rows, columns as drawn
    K, Cg, FH, FW = blocks.filter_shape  # filters, channels each, kernel rows, kernel columns
    OH, OW = blocks.output_shape[1:]
    grouped = len(blocks.reads[0]) < C
    label_h = LABEL_PX / cell_px
    max_height = max(MAX_HEIGHT_PX / cell_px, label_h * 3 + max(Hp, FH, OH))
    labels: dict[str, list] = {"x": [], "y": [], "text": []}

    def merge(columns: _Columns) -> None:
        for key in labels:
            labels[key] += columns.labels[key]

    stack = _Columns(0.0, max_height, label_h, cell_px)
    stack.heading(blocks.input_heading)
    pictures = []
    if blocks.pictures:
        pictures.append(stack.block("picture", *blocks.pictures[0]))
    names = blocks.channel_names or ("",) * C
    inputs = np.array([stack.block(f"x[:,:,{d}] {names[d]}", Hp, Wp) for d in range(C)])
    merge(stack)
    bottom = stack.bottom

    slices, biases = np.zeros((K, Cg, 2)), np.zeros((K, 2))
    x = stack.right()
    bank_end = x
    if compact:
        bank = _Columns(x, max_height, label_h, cell_px)
        bank.heading(f"Filters W0..W{K - 1} ({FH}x{FW}x{Cg} each)")
        merge(bank)
        bank_end = bank.right()
    for k in range(K):
        stack = _Columns(x, max_height, label_h, cell_px, top=label_h if compact else 0.0)
        stack.heading(f"W{k}" if compact else f"Filter W{k} ({FH}x{FW}x{Cg})")
        for c, d in enumerate(blocks.reads[k]):
            label = f"w{k}[:,:,{c}]" + (f" of x[:,:,{d}]" if grouped else "")
            if Cg > MAX_LABELLED_SLICES:  # one label for the stack: labels cost room and time
                reads = blocks.reads[k]
                source = f" of x[:,:,{reads[0]}..{reads[-1]}]" if grouped else ""
                label = f"w{k}[:,:,0..{Cg - 1}]{source}" if c == 0 else None
            slices[k, c] = stack.block(None if compact else label, FH, FW)
        biases[k] = stack.block(f"b{k}" if compact else f"b{k} (bias)", 1, 1)
        merge(stack)
        bottom, x = max(bottom, stack.bottom), stack.right()
    x = max(x, bank_end)

    stack = _Columns(x, max_height, label_h, cell_px)
    stack.heading(blocks.output_heading)
    outputs = np.array([stack.block(f"o[:,:,{k}]", OH, OW) for k in range(K)])
    if blocks.pictures:
        pictures.append(stack.block("picture", *blocks.pictures[1]))
    merge(stack)
    bottom = max(bottom, stack.bottom)
    return Geometry(
        cell_px, stack.right(), bottom, inputs, slices, biases, outputs, labels,
        np.array(pictures).reshape(-1, 2),
    )  # fmt: skip


def place(blocks: Blocks) -> Geometry:
    """The largest cells (up to the original's 26 px) at which the picture fits the screen.
    Labels keep their size, so where they alone are wider than the screen, they set the width;
    if the values are then too small to read anyway, the filters get compact headings."""
    full = _largest(blocks, compact=False)
    if full.legible or full.width * full.cell_px <= MAX_WIDTH_PX:
        return full
    return _largest(blocks, compact=True)


def _largest(blocks: Blocks, compact: bool) -> Geometry:
    smallest = _place(blocks, MIN_CELL_PX, compact)
    max_width = max(MAX_WIDTH_PX, 1.15 * smallest.width * MIN_CELL_PX)

    def fits(geometry: Geometry) -> bool:
        px = geometry.cell_px
        return geometry.height * px <= MAX_HEIGHT_PX + LABEL_PX and geometry.width * px <= max_width

    # Smaller cells never make the picture larger on screen, so a binary search finds the
    # largest size that fits in a handful of layouts.
    best, low, high = smallest, MIN_CELL_PX + 1, MAX_CELL_PX
    while low <= high:
        middle = (low + high) // 2
        geometry = _place(blocks, middle, compact)
        if fits(geometry):
            best, low = geometry, middle + 1
        else:
            high = middle - 1
    return best
