"""The convolution as one matrix product (im2col), animated by js/im2col.js: x_col above the
product, w_row to its left, the bias beside it; the window and its column (blue), filter k's
row and bias (red), the product's cell and the output cell (green)."""

from __future__ import annotations

from bokeh.core.properties import value

from app.figures.animated import AnimatedFigure
from app.scene.style import BLUE, CELL, COPY, INPUT, MARKS, OUTPUT, PADDING, WEIGHT

FILLS = {
    "input_fill": INPUT, "padding_fill": PADDING, "weight_fill": WEIGHT, "copy_fill": COPY,
    "output_fill": OUTPUT,
}  # fmt: skip
BANDS = {"column": (BLUE, 2, "solid"), **MARKS}  # x_col's column is the window, drawn so


class Im2colFigure(AnimatedFigure):
    """The im2col layer's figure, controls and readout; `update` repaints them in place."""

    SOURCES = (
        *FILLS, *BANDS, "origins", "units", "cells", "outputs", "blocks", "images", "cell_text",
        "output_text",
    )  # fmt: skip
    SCRIPT = "im2col.js"
    PREFIX = "im2col"

    def _draw(self) -> None:
        s, draw = self.sources, self.draw
        draw.image_rgba("image", "x", "y", "dw", "dh", source=s["images"])
        draw.rect("x", "y", "width", "height", source=s["blocks"], fill_color="colour",
                 line_color=None)  # fmt: skip
        for name, colour in FILLS.items():
            draw.rect("x", "y", CELL, CELL, source=s[name], fill_color=colour, line_color=None)
        centred = {"text_align": "center", "text_baseline": "middle"}
        style = {"text_font": value("monospace"), **centred}
        self.values = [
            draw.text(
                "x", "y", text=column, source=s[name], name=f"{self.prefix}_{name}_glyph", **style
            )
            for name, column in (("cell_text", "text"), ("output_text", "shown"))
        ]
        for name, (colour, width, dash) in BANDS.items():
            draw.rect(
                "x", "y", "width", "height", source=s[name], fill_alpha=0, line_color=colour,
                line_width=width, line_dash=dash, name=f"{self.prefix}_{name}_glyph",
            )  # fmt: skip
