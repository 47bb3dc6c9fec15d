"""The backward pass's figure, animated by js/backward.js: the forward layer, dout, and the
gradients dx, dw and db filling in as each output value hands back its share."""

from __future__ import annotations

from app.figures.animated import AnimatedFigure
from app.scene.style import INPUT, MARKS, OUTPUT, PADDING, WEIGHT

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
        draw.fills(s, FILLS)
        self.values = draw.values(s, {"cell_text": "text", "gradient_text": "text"}, self.prefix)
        draw.outlines(s, MARKS, self.prefix)
