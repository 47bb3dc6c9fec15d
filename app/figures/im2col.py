"""The convolution as one matrix product (im2col), animated by js/im2col.js: x_col above the
product, w_row to its left, the bias beside it; the window and its column (blue), filter k's
row and bias (red), the product's cell and the output cell (green)."""

from __future__ import annotations

from app.figures.animated import AnimatedFigure
from app.scene.style import BLUE, COPY, INPUT, MARKS, OUTPUT, PADDING, WEIGHT

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
        draw.fills(s, FILLS)
        self.values = draw.values(s, {"cell_text": "text", "output_text": "shown"}, self.prefix)
        draw.outlines(s, BANDS, self.prefix, sides=("width", "height"))
