"""The original's colours and how the demo writes a number, for the page, the export and the GIF."""

from __future__ import annotations

import numpy as np

INPUT, PADDING, WEIGHT, OUTPUT = "#DDDDFF", "#DDDDDD", "#FFDDDD", "#DDFFDD"
COPY = "#C6DCEF"  # padding that copies an input cell (reflect, replicate, circular)
# An output cell the steps have not reached yet: empty, inside the outline every output cell
# has, so that the output visibly fills in at any size (its value shows too where legible).
UNREACHED, OUTPUT_EDGE = "#FFFFFF", "#4F8F4F"
KIND_COLOURS = (INPUT, PADDING, WEIGHT, COPY)  # the fill of each `kind` a scene's cells give
# Darker, where hatching is too small.
UNVISITED = {INPUT: "#B4B4DC", PADDING: "#B4B4B4", COPY: "#9FB5C9"}
BLUE, RED, GREEN = "#0000AA", "#AA0000", "#00AA00"  # window, filter and bias, output cell
# The step's outlines differ in line too, not in colour alone: the window solid, the filter
# and bias dashed, the output cell solid and thicker. (colour, width, dash) by source name.
MARKS = {
    "window_box": (BLUE, 2, "solid"),
    "kernel": (RED, 2, [5, 3]),
    "cursor": (GREEN, 3.5, "solid"),
}
CELL = 0.86  # cell side in units: the gaps between cells are the original's white lines
OPAQUE = np.uint32(0xFF000000)


def format_values(values: np.ndarray) -> list[str]:
    """Each value as the demo prints it: integers exactly, reals to two decimals, no '-0'."""
    values = np.asarray(values)
    if values.dtype.kind in "iu":
        return [str(v) for v in values.ravel().tolist()]
    rounded = np.round(values.ravel(), 2) + 0.0  # + 0.0 turns -0.0 into 0.0
    return [f"{v:.2f}".rstrip("0").rstrip(".") for v in rounded.tolist()]


def numbers(values: np.ndarray) -> np.ndarray:
    """Values for the browser, flat: integers as int16 or int32, the narrower that holds them
    (a quarter or half the bytes of the float64 everything else goes as; at the caps a change
    of stride sends 2**18 partial sums)."""
    values = np.asarray(values).ravel()
    if values.dtype.kind in "iu":
        largest = np.abs(values.astype(np.int64)).max() if values.size else 0
        for narrow in (np.int16, np.int32):
            if largest <= np.iinfo(narrow).max:
                return values.astype(narrow)
    return values.astype(np.float64) + 0.0  # + 0.0 turns -0.0 into 0.0


def rgba(hex_colour: str) -> np.uint32:
    """'#RRGGBB' as Bokeh's packed little-endian RGBA pixel."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return np.uint32((255 << 24) | (b << 16) | (g << 8) | r)
