"""The convolution's figure as Bokeh models alone (one builder for the server, the HTML export
and notebooks), animated by js/direct.js; the image layer draws its pictures here too."""

from __future__ import annotations

from bokeh.core.properties import value
from bokeh.models import GlyphRenderer, HoverTool, TapTool

from app.figures.animated import AnimatedFigure
from app.scene.style import BLUE, CELL, COPY, INPUT, MARKS, OUTPUT_EDGE, PADDING, WEIGHT

FILLS = {"input_fill": INPUT, "padding_fill": PADDING, "weight_fill": WEIGHT, "copy_fill": COPY}


class ConvolutionFigure(AnimatedFigure):
    """Figure, controls and readout of one convolution; `update` repaints them in place."""

    SOURCES = (
        *FILLS, "output_fill", *MARKS, "origins", "cells", "outputs", "scalars", "links", "preview",
        "unvisited", "cell_text", "output_text", "images", "output_blocks",
        "levels", "weight_blocks", "output_block_fill", "copies", "original", "output_images",
    )  # fmt: skip
    SCRIPT = "direct.js"
    PREFIX = "conv"

    def _cells(self, name: str, **style: object) -> GlyphRenderer:
        """A one-cell rectangle at each (x, y) of source `name`."""
        source = self.sources[name]
        return self.draw.rect(
            "x", "y", CELL, CELL, source=source, name=f"{self.prefix}_{name}_glyph", **style
        )

    def _draw(self) -> None:
        s, draw = self.sources, self.draw
        draw.image_rgba(
            "image", "x", "y", "dw", "dh", source=s["images"], name=f"{self.prefix}_images_glyph"
        )
        self.fills = {
            name: self._cells(name, fill_color=colour, line_color=None)
            for name, colour in FILLS.items()
        }
        draw.image_rgba("image", "x", "y", "dw", "dh", source=s["output_images"],
                        name=f"{self.prefix}_output_images_glyph")  # fmt: skip
        # Output cells are filled as the steps reach them (their `fill`), each outlined.
        self.fills["output_fill"] = self._cells("output_fill", fill_color="fill",
                                                line_color=OUTPUT_EDGE)  # fmt: skip
        # Where cells are too small to draw one by one, a block of one colour is one rectangle;
        # an output block is an image of its cells (in `images`), outlined here.
        draw.rect("x", "y", "width", "height", source=s["weight_blocks"], fill_color=WEIGHT,
                  line_color=None)  # fmt: skip
        draw.rect("x", "y", "width", "height", source=s["output_block_fill"], fill_alpha=0,
                  line_color=OUTPUT_EDGE)  # fmt: skip
        # One scalar pattern over the few unvisited cells: a per-cell pattern costs a canvas each.
        self._cells("unvisited", fill_alpha=0, line_color=None, hatch_pattern="/",
                    hatch_color="#888888", hatch_scale=6)  # fmt: skip
        # Pointer targets: one transparent rectangle an output block, however many cells.
        self.output_cells = draw.rect(
            "x", "y", "width", "height", source=s["output_blocks"], fill_alpha=0, line_color=None
        )
        style = {
            "text_align": "center",
            "text_baseline": "middle",
            "background_fill_color": "white",
        }
        self.values = [
            draw.text("x", "y", text=column, source=s[name], text_font=value("monospace"), **style)
            for name, column in (("cell_text", "text"), ("output_text", "shown"))
        ]
        draw.segment("x0", "y0", "x1", "y1", source=s["links"], line_color="black", line_width=1)
        # The window, the filter and the preview: a cell or a channel's block (scene's
        # outline_blocks) a rectangle, each with its sides.
        marks = {**MARKS, "preview": (BLUE, 2, "dotted")}
        for name, (colour, width, dash) in marks.items():
            sides = ("w", "h") if name != "cursor" else (CELL, CELL)
            self.draw.rect(
                "x", "y", *sides, source=s[name], name=f"{self.prefix}_{name}_glyph",
                fill_alpha=0, line_color=colour, line_width=width, line_dash=dash,
            )  # fmt: skip
        # The input cell that a padded copy under the pointer repeats.
        self._cells("original", fill_alpha=0, line_color="black", line_dash="dotted", line_width=3)

    def _connect(self) -> None:
        super()._connect()
        # Output cells answer the pointer in the browser: hover previews, click jumps there.
        hover = HoverTool(
            renderers=[self.output_cells],
            tooltips=None,
            name=f"{self.prefix}_hover",
            callback=self.action(f"{self.prefix}_hover", "on_hover(cb_data.geometry)"),
        )
        tap = TapTool(
            renderers=[self.output_cells],
            behavior="inspect",
            name=f"{self.prefix}_tap",
            callback=self.action(f"{self.prefix}_tap", "on_tap(cb_data.geometries)"),
        )
        copies = HoverTool(
            renderers=[self.fills["copy_fill"]],
            tooltips=None,
            name=f"{self.prefix}_copy_hover",
            callback=self.action(
                f"{self.prefix}_copy_hover", "show_original(sizes(), cb_data.geometry)"
            ),
        )
        self.figure.add_tools(hover, tap, copies)
        self.on_event(
            self.figure, "mouseleave", "show_preview(sizes(), -1); show_original(sizes(), null)"
        )
