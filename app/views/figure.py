"""The animated demo as Bokeh models alone: one builder for server, HTML export, notebooks."""

from __future__ import annotations

from importlib.resources import files

from bokeh.core.properties import value
from bokeh.layouts import column, row
from bokeh.models import (
    Button,
    CheckboxGroup,
    ColumnDataSource,
    CustomJS,
    Div,
    GlyphRenderer,
    HoverTool,
    InlineStyleSheet,
    Range1d,
    Slider,
    TapTool,
)
from bokeh.plotting import figure

from app.engine import Convolution
from app.views.layout import BLUE, CELL, GREEN, INPUT, OUTPUT, PADDING, RED, WEIGHT, place
from app.views.sources import source_data

LIBRARY = (files("app.views") / "js" / "demo.js").read_text()
READOUT_CSS = (files("app.views") / "readout.css").read_text()

FILLS = {"input_fill": INPUT, "padding_fill": PADDING, "weight_fill": WEIGHT, "output_fill": OUTPUT}
OUTLINES = {"window_box": (BLUE, 2), "kernel": (RED, 2), "cursor": (GREEN, 3)}
SOURCES = (
    *FILLS, *OUTLINES, "meta", "origins", "cells", "outputs", "scalars", "links", "preview",
    "unvisited", "cell_text", "output_text", "images", "output_blocks", "edit", "labels",
)  # fmt: skip


class DemoFigure:
    """Figure, controls and readout of one demo; `update` repaints them in place."""

    def __init__(self, conv: Convolution, step: int = 0, *, write_url: bool = False) -> None:
        self.sources = {name: ColumnDataSource(name=f"conv_{name}") for name in SOURCES}
        self.write_url = write_url  # a served page keeps the paused step in its address
        self._figure()
        self.toggle = Button(label="Toggle Movement", name="conv_toggle", button_type="primary")
        self.back = Button(label="◀ Step back", name="conv_back")
        self.forward = Button(label="Step forward ▶", name="conv_forward")
        self.slider = Slider(start=1, end=2, value=1, step=1, title="Step", name="conv_slider")
        self.speed = Slider(
            start=0.5,
            end=60,
            value=1,
            step=0.5,
            title="Speed (steps per second)",
            name="conv_speed",
        )
        self.finished = CheckboxGroup(labels=["Show the finished output"], name="conv_finished")
        self.readout = Div(
            name="conv_readout", stylesheets=[InlineStyleSheet(css=READOUT_CSS)], width=330
        )
        self.sources["edit"].data = {"cell": [""]}
        self._connect()
        controls = column(
            self.toggle,
            row(self.back, self.forward),
            self.slider,
            self.speed,
            self.finished,
            self.readout,
            width=340,
        )
        self.layout = row(self.figure, controls, name="conv_demo")
        self.update(conv, step)

    def _cells(self, name: str, **style: object) -> GlyphRenderer:
        """A one-cell rectangle at each (x, y) of source `name`."""
        source = self.sources[name]
        return self.figure.rect(
            "x", "y", CELL, CELL, source=source, name=f"conv_{name}_glyph", **style
        )

    def _figure(self) -> figure:
        s = self.sources
        fig = self.figure = figure(
            tools="", toolbar_location=None, name="conv_figure", min_border=4
        )
        fig.x_range, fig.y_range = Range1d(0, 1), Range1d(1, 0)  # y grows downwards
        fig.axis.visible = fig.grid.visible = False
        fig.outline_line_color = None
        fig.image_rgba("image", "x", "y", "dw", "dh", source=s["images"], name="conv_images")
        for name, colour in FILLS.items():
            self._cells(name, fill_color=colour, line_color=None)
        # One scalar pattern over the few unvisited cells: a per-cell pattern costs a canvas each.
        self._cells("unvisited", fill_alpha=0, line_color=None, hatch_pattern="/",
                    hatch_color="#888888", hatch_scale=6)  # fmt: skip
        # Pointer targets: one transparent rectangle an output block, however many cells.
        self.output_cells = fig.rect(
            "x", "y", "width", "height", source=s["output_blocks"], fill_alpha=0, line_color=None
        )
        centred = {"text_align": "center", "text_baseline": "middle"}
        self.values = [
            fig.text("x", "y", text=column, source=s[name], text_font=value("monospace"), **centred)
            for name, column in (("cell_text", "text"), ("output_text", "shown"))
        ]
        fig.text("x", "y", text="text", source=s["labels"], text_font_size="13px",
                 text_font=value("monospace"), text_baseline="alphabetic")  # fmt: skip
        fig.segment("x0", "y0", "x1", "y1", source=s["links"], line_color="black", line_width=1)
        for name, (colour, width) in OUTLINES.items():
            self._cells(name, fill_alpha=0, line_color=colour, line_width=width)
        self._cells("preview", fill_alpha=0, line_color=BLUE, line_dash="dashed", line_width=1.5)
        return fig

    def _connect(self) -> None:
        args = {name: source for name, source in self.sources.items()}
        args.update(
            readout=self.readout,
            slider=self.slider,
            speed=self.speed,
            toggle=self.toggle,
            finished=self.finished,
        )

        def action(code: str) -> CustomJS:
            return CustomJS(args=args, code=f"{LIBRARY}\n{code}")

        self.toggle.js_on_click(action("toggle_movement()"))
        self.back.js_on_click(action("go(state.n - 1)"))
        self.forward.js_on_click(action("go(state.n + 1)"))
        # A person scrubbing wants to look, so the slider pauses the movement.
        self.slider.js_on_change(
            "value",
            action("if (cb_obj.value - 1 !== state.n) go(cb_obj.value - 1)"),
        )
        self.speed.js_on_change("value", action("if (state.timer !== null) play()"))
        self.finished.js_on_change("active", action("render(state.n)"))
        # New settings from the server: keep the step where it still exists.
        self.sources["meta"].js_on_change(
            "data", action("render(Math.min(state.n, sizes().N - 1))")
        )
        self.start = action("start()")
        # Output cells answer the pointer in the browser: hover previews, click jumps there.
        hover = HoverTool(
            renderers=[self.output_cells],
            tooltips=None,
            name="conv_hover",
            callback=action("on_hover(cb_data.geometry)"),
        )
        tap = TapTool(
            renderers=[self.output_cells],
            behavior="inspect",
            name="conv_tap",
            callback=action("on_tap(cb_data.geometries)"),
        )
        self.figure.add_tools(hover, tap)
        self.figure.js_on_event("mouseleave", action("show_preview(sizes(), -1)"))
        self.figure.js_on_event("tap", action("on_cell_tap(cb_obj)"))

    def update(self, conv: Convolution, step: int = 0) -> None:
        """Repaints every source for a new convolution; `meta` goes last, as it triggers the JS."""
        geometry = place(conv)
        step = min(max(step, 0), len(conv) - 1)
        data = source_data(conv, geometry, step, self.write_url)
        meta = data.pop("meta")
        for name, columns in data.items():
            self.sources[name].data = columns
        self.sources["labels"].data = geometry.labels
        px = geometry.cell_px
        self.figure.update(width=int(geometry.width * px) + 8, height=int(geometry.height * px) + 8)
        self.figure.x_range.update(start=0, end=geometry.width)
        self.figure.y_range.update(start=geometry.height, end=0)
        for renderer in self.values:
            renderer.visible = geometry.legible
            renderer.glyph.text_font_size = f"{min(13, round(px * 0.5))}px"
        self.slider.update(end=max(len(conv), 2), disabled=len(conv) < 2)
        self.sources["meta"].data = meta
