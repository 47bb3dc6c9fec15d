"""The transposed convolution's figure, animated by js/transposed.js: an input cell (blue)
scales the filter's slices (red), and their sum is added into a window of the output (green)."""

from __future__ import annotations

from app.figures.animated import AnimatedFigure
from app.scene.style import INPUT, MARKS, OUTPUT, PADDING, WEIGHT

FILLS = {"input_fill": INPUT, "weight_fill": WEIGHT, "output_fill": OUTPUT, "cropped_fill": PADDING}


class TransposedFigure(AnimatedFigure):
    """The transposed convolution's figure, controls and readout; `update` repaints in place."""

    SOURCES = (
        *FILLS, *MARKS, "origins", "cells", "outputs", "links", "cell_text", "output_text",
    )  # fmt: skip
    SCRIPT = "transposed.js"
    PREFIX = "tconv"

    def _draw(self) -> None:
        s, draw = self.sources, self.draw
        draw.fills(s, FILLS)
        self.values = draw.values(s, {"cell_text": "text", "output_text": "text"}, self.prefix)
        draw.segment("x0", "y0", "x1", "y1", source=s["links"], line_color="black", line_width=1)
        draw.outlines(s, MARKS, self.prefix)
