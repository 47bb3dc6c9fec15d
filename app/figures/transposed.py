"""The transposed convolution's figure, animated by js/transposed.js: an input cell (blue)
scales the filter's slices (red), and their sum is added into a window of the output (green)."""

from __future__ import annotations

from bokeh.core.properties import value

from app.figures.animated import AnimatedFigure
from app.scene.style import CELL, INPUT, MARKS, OUTPUT, PADDING, WEIGHT

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
        for name, colour in FILLS.items():
            draw.rect("x", "y", CELL, CELL, source=s[name], fill_color=colour, line_color=None)
        centred = {"text_align": "center", "text_baseline": "middle"}
        style = {"text_font": value("monospace"), **centred}
        self.values = [
            draw.text("x", "y", text="text", source=s[name], name=f"tconv_{name}_glyph", **style)
            for name in ("cell_text", "output_text")
        ]
        draw.segment("x0", "y0", "x1", "y1", source=s["links"], line_color="black", line_width=1)
        for name, (colour, width, dash) in MARKS.items():
            draw.rect("x", "y", CELL, CELL, source=s[name], fill_alpha=0, line_color=colour,
                     line_width=width, line_dash=dash, name=f"tconv_{name}_glyph")  # fmt: skip
