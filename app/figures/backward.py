"""The backward pass's figure, animated by js/backward.js: the forward layer, dout, and the
gradients dx, dw and db filling in as each output value hands back its share."""

from __future__ import annotations

from bokeh.core.properties import value

from app.figures.animated import AnimatedFigure
from app.scene.style import CELL, INPUT, MARKS, OUTPUT, PADDING, WEIGHT

FILLS = {"input_fill": INPUT, "padding_fill": PADDING, "weight_fill": WEIGHT, "output_fill": OUTPUT}


class BackwardFigure(AnimatedFigure):
    """The backward pass's figure, controls and readout; `update` repaints them in place."""

    SOURCES = (
        *FILLS, *MARKS, "origins", "cells", "upstream", "gradients", "cell_text", "gradient_text",
    )  # fmt: skip
    SCRIPT = "backward.js"
    PREFIX = "back"

    def _draw(self) -> None:
        s, draw = self.sources, self.draw
        for name, colour in FILLS.items():
            draw.rect("x", "y", CELL, CELL, source=s[name], fill_color=colour, line_color=None)
        style = {"text_font": value("monospace"), "text_align": "center",
                 "text_baseline": "middle"}  # fmt: skip
        self.values = [
            draw.text(
                "x", "y", text="text", source=s[name], name=f"{self.prefix}_{name}_glyph", **style
            )
            for name in ("cell_text", "gradient_text")
        ]
        for name, (colour, width, dash) in MARKS.items():
            draw.rect(
                "x", "y", CELL, CELL, source=s[name], fill_alpha=0, line_color=colour,
                line_width=width, line_dash=dash, name=f"{self.prefix}_{name}_glyph",
            )  # fmt: skip
