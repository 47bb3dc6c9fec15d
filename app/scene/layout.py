"""Where every block and heading of a picture goes, in cell units (y grows downwards): the
largest cells at which it fits the pixels its page leaves it.

Pure NumPy: the Bokeh figures, the browser animation and the GIF all read this, so the three
draw the same picture.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from app.scene.blocks import LEGIBLE_CELL_PX, Blocks, Geometry, Stack

LABEL_PX = 18  # height of a label row on screen, whatever the cell size
CHAR_PX = 7.9  # width of one label character at the label font size (13 px monospace)
GAP = 0.5  # units between blocks
MAX_HEIGHT_PX = 660  # fits a 700 px iframe with the figure's own margins
MAX_WIDTH_PX = 780  # the original's picture, and the figure of the page's first paint
SCREEN = (MAX_WIDTH_PX, MAX_HEIGHT_PX)  # the box a picture fits where its page has named none
Box = tuple[int, int]  # the pixels a picture may take: width, height
MIN_CELL_PX, MAX_CELL_PX = 3, 26  # the original draws 26 px cells
MAX_LABELLED_SLICES = 4  # filters deeper than this label their stack of slices once


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
        # Called for every slice of every filter, a dozen layouts a repaint: comparisons
        # rather than max() keep a layout of the caps' 256 slices near a millisecond.
        label_h = self.label_h if label is not None else 0.0
        if self.y > self.top and self.y + label_h + rows > self.max_height:
            # At least a character's space between columns, or their labels run together.
            space = max(GAP, CHAR_PX / self.cell_px)
            self.x, self.y, self.col_width = self.x + self.col_width + space, self.top, 0.0
        if label is not None:
            self._label(label)
        origin = (self.x, self.y + label_h)
        self.y += label_h + rows + GAP
        if cols > self.col_width:
            self.col_width = cols
        if self.y > self.bottom:
            self.bottom = self.y
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


def _place(
    blocks: Blocks, cell_px: int, compact: bool = False, box: Box = SCREEN, short: bool = False,
    flow: bool = False,
) -> Geometry:  # fmt: skip
    """Every block's place at `cell_px` in a box of `box` pixels: the stacks (input, each
    filter, output) side by side, each wrapping into new columns at the box's height; with
    `flow`, a stack that would pass the box's width starts a new band under the ones before
    (a narrow window). With `compact`, the filters have one heading between them and a short
    name each, for banks whose headings would be wider than their cells; with `short`, every
    stack has its short heading."""
    C, Hp, Wp = blocks.input_shape  # channels, rows, columns as drawn
    K, Cg, FH, FW = blocks.filter_shape  # filters, channels each, kernel rows, kernel columns
    n_grids, OH, OW = blocks.output_shape  # an output grid a filter, or a channel (pooling)
    grouped = bool(blocks.reads) and len(blocks.reads[0]) < C
    compact = compact and K > 0  # a layer with no filters has no heading to share
    label_h = LABEL_PX / cell_px
    extra_rows = [rows for stack in blocks.extra for _, rows, _ in stack.grids]
    # A column holds at least its heading and a grid.
    tallest = label_h * 3 + max(Hp, FH, OH, *extra_rows)
    width = box[0] / cell_px if flow else np.inf
    labels: dict[str, list] = {"x": [], "y": [], "text": []}
    flow = {"x": 0.0, "top": 0.0, "bottom": 0.0, "right": 0.0, "bands": 1}  # the band being filled

    def put(fill: Callable[[_Columns], object], top: float = 0.0) -> object:
        """Fills a stack where the band has room, else at the start of a band of its own."""
        # Columns end at the box's bottom, whichever band they stand in: a later band has
        # less height, and its stacks take more columns.
        bottom = max(box[1] / cell_px, flow["top"] + tallest)
        stack = _Columns(flow["x"], bottom, label_h, cell_px, top=flow["top"] + top)
        placed = fill(stack)
        if stack.right() > width and flow["x"] > 0:
            flow["x"], flow["top"] = 0.0, flow["bottom"] + GAP
            flow["bands"] += 1
            return put(fill, top)
        for key in labels:
            labels[key] += stack.labels[key]
        flow["x"], flow["right"] = stack.right(), max(flow["right"], stack.right())
        flow["bottom"] = max(flow["bottom"], stack.bottom)
        return placed

    def inputs(stack: _Columns) -> tuple[list, np.ndarray]:
        stack.heading(blocks.short_headings[0] if short else blocks.input_heading)
        picture = [stack.block("picture", *blocks.pictures[0])] if blocks.pictures else []
        names = blocks.channel_names or ("",) * C
        return picture, np.array([stack.block(f"x[:,:,{d}] {names[d]}", Hp, Wp) for d in range(C)])

    def bank(stack: _Columns) -> None:
        stack.heading(f"Filters W0..W{K - 1} ({FH}x{FW}x{Cg} each)")

    def filter_stack(k: int) -> Callable[[_Columns], tuple[np.ndarray, tuple]]:
        def fill(stack: _Columns) -> tuple[np.ndarray, tuple]:
            shape = f"{FH}x{FW}x{Cg}"
            stack.heading(
                f"W{k}" if compact else f"W{k} {shape}" if short else f"Filter W{k} ({shape})"
            )
            reads = blocks.reads[k]
            labels: list[str | None] = [None] * Cg
            if Cg > MAX_LABELLED_SLICES and not compact:  # one label: labels cost room and time
                source = f" of x[:,:,{reads[0]}..{reads[-1]}]" if grouped else ""
                labels[0] = f"w{k}[:,:,0..{Cg - 1}]{source}"
            elif not compact:
                labels = [
                    f"w{k}[:,:,{c}]" + (f" of x[:,:,{d}]" if grouped else "")
                    for c, d in enumerate(reads)
                ]
            slices = np.array([stack.block(label, FH, FW) for label in labels], dtype=float)
            return slices, stack.block(f"b{k}" if compact else f"b{k} (bias)", 1, 1)

        return fill

    def outputs(stack: _Columns) -> tuple[np.ndarray, list]:
        stack.heading(blocks.short_headings[1] if short else blocks.output_heading)
        name = blocks.output_name
        grids = np.array([stack.block(f"{name}[:,:,{k}]", OH, OW) for k in range(n_grids)])
        return grids, [stack.block("picture", *blocks.pictures[1])] if blocks.pictures else []

    pictures, input_origins = put(inputs)
    slices, biases = np.zeros((K, Cg, 2)), np.zeros((K, 2))
    bank_start = bank_end = flow["x"]
    if compact:
        put(bank)
        bank_end, flow["x"] = flow["x"], bank_start  # the filters stand under their heading
    for k in range(K):
        slices[k], biases[k] = put(filter_stack(k), top=label_h if compact else 0.0)
    flow["x"] = max(flow["x"], bank_end)
    output_origins, output_picture = put(outputs)

    def extra(stack: Stack) -> Callable[[_Columns], np.ndarray]:
        def fill(columns: _Columns) -> np.ndarray:
            columns.heading(stack.heading)
            return np.array([columns.block(label, r, c) for label, r, c in stack.grids])

        return fill

    extras = tuple(put(extra(stack)) for stack in blocks.extra)
    return Geometry(
        cell_px, flow["right"], flow["bottom"], input_origins, slices, biases, output_origins,
        labels, np.array(pictures + output_picture).reshape(-1, 2), int(flow["bands"]), compact,
        extras,
    )  # fmt: skip


def place(blocks: Blocks, box: Box = SCREEN) -> Geometry:
    """The largest cells (up to the original's 26 px) at which the picture fits `box`.

    The original's arrangement first: every stack side by side, under its full heading. Labels
    keep their size in pixels, so where they alone are wider than the box, the stacks may take
    several bands, with short headings or full ones; where the values would be too small to
    read anyway, the filters may share one heading. Of these, what fits the box and can be
    read wins, keeping its labels before growing its cells; where nothing fits (the figure
    then pans in its box), the one with a shared heading, the original's choice at the caps."""
    original = _largest(blocks, box)
    if original.legible and _fits(original, box):
        return original
    candidates = [original]
    forms = [{"flow": True}] + ([{"flow": True, "short": True}] if blocks.short_headings[0] else [])
    for form in forms:
        # Bands are worth their layouts only where they let the values be read.
        if _fits(_place(blocks, LEGIBLE_CELL_PX, box=box, **form), box):
            candidates.append(_largest(blocks, box, least=LEGIBLE_CELL_PX, **form))
    compact = _largest(blocks, box, compact=True)
    candidates.append(compact)
    if not _fits(compact, box):
        # Nothing fits side by side: bands of smaller cells keep the picture in its box, where
        # the readout's close-up shows the step's numbers whatever the cells' size.
        candidates += [_largest(blocks, box, compact=True, short=True, flow=True)]
    readable = [g for g in candidates if g.legible and _fits(g, box)]
    if readable:
        return max(readable, key=lambda g: (not g.compact, g.cell_px, -g.bands))
    fitting = [g for g in candidates if _fits(g, box)]
    return max(fitting, key=lambda g: (g.cell_px, -g.bands)) if fitting else compact


def _fits(geometry: Geometry, box: Box) -> bool:
    px = geometry.cell_px
    return geometry.width * px <= box[0] and geometry.height * px <= box[1] + LABEL_PX


def _largest(
    blocks: Blocks, box: Box, compact: bool = False, short: bool = False, flow: bool = False,
    least: int = MIN_CELL_PX,
) -> Geometry:  # fmt: skip
    """The arrangement asked for with the largest cells, `least` or more, at which it fits
    the box (its labels may reach past the box's width where they alone are wider)."""
    width_px, height_px = box
    smallest = _place(blocks, least, compact, box, short, flow)
    max_width = max(width_px, 1.15 * smallest.width * MIN_CELL_PX)

    def fits(geometry: Geometry) -> bool:
        px = geometry.cell_px
        return geometry.height * px <= height_px + LABEL_PX and geometry.width * px <= max_width

    # Smaller cells never make the picture larger on screen, so a binary search finds the
    # largest size that fits in a handful of layouts.
    best, low, high = smallest, least + 1, MAX_CELL_PX
    while low <= high:
        middle = (low + high) // 2
        geometry = _place(blocks, middle, compact, box, short, flow)
        if fits(geometry):
            best, low = geometry, middle + 1
        else:
            high = middle - 1
    return best
