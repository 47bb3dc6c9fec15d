"""The animated demo as Bokeh models alone: one builder for server, HTML export, notebooks."""

from __future__ import annotations

from importlib.resources import files

import numpy as np
from bokeh.core.properties import value
from bokeh.layouts import column, row
from bokeh.models import (
    Button,
    CheckboxGroup,
    ColumnDataSource,
    CustomJS,
    Div,
    InlineStyleSheet,
    Range1d,
    Slider,
)
from bokeh.plotting import figure

from app.engine import Convolution
from app.views.highlight import highlight_columns
from app.views.layout import cell_columns, output_columns, place

LIBRARY = (files("app.views") / "js" / "demo.js").read_text()
READOUT_CSS = (files("app.views") / "readout.css").read_text()
CELL = 0.86  # cell side in units: the gaps between cells are the original's white lines
BLUE, RED, GREEN = "#0000AA", "#AA0000", "#00AA00"

SOURCES = ("meta", "origins", "cells", "outputs", "scalars", "window_box", "kernel", "cursor")


class DemoFigure:
    """Figure, controls and readout of one demo; `update` repaints them in place."""

    def __init__(self, conv: Convolution, step: int = 0) -> None:
        self.sources = {name: ColumnDataSource(name=f"conv_{name}") for name in SOURCES}
        self.sources["links"] = ColumnDataSource(name="conv_links")
        self.figure = self._figure()
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

    def _figure(self):
        s = self.sources
        fig = figure(tools="", toolbar_location=None, name="conv_figure", min_border=4)
        fig.x_range, fig.y_range = Range1d(0, 1), Range1d(1, 0)  # y grows downwards
        fig.axis.visible = fig.grid.visible = False
        fig.outline_line_color = None
        fig.rect(
            "x",
            "y",
            CELL,
            CELL,
            source=s["cells"],
            fill_color="fill",
            line_color=None,
            hatch_pattern="hatch",
            hatch_color="#888888",
            hatch_scale=6,
        )
        fig.rect("x", "y", CELL, CELL, source=s["outputs"], fill_color="#DDFFDD", line_color=None)
        self.values = [
            fig.text("x", "y", text="text", source=s["cells"], name="conv_cell_text"),
            fig.text("x", "y", text="shown", source=s["outputs"], name="conv_output_text"),
        ]
        for renderer in self.values:
            renderer.glyph.update(
                text_align="center", text_baseline="middle", text_font=value("monospace")
            )
        self.labels = ColumnDataSource(name="conv_labels")
        fig.text(
            "x",
            "y",
            text="text",
            source=self.labels,
            text_font_size="13px",
            text_font=value("monospace"),
            text_baseline="alphabetic",
        )
        fig.segment("x0", "y0", "x1", "y1", source=s["links"], line_color="black", line_width=1)
        for name, colour, width in (
            ("window_box", BLUE, 2),
            ("kernel", RED, 2),
            ("cursor", GREEN, 3),
        ):
            fig.rect(
                "x",
                "y",
                CELL,
                CELL,
                source=s[name],
                fill_alpha=0,
                line_color=colour,
                line_width=width,
                name=f"conv_{name}_glyph",
            )
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
        self.back.js_on_click(action("stop(); render(state.n - 1)"))
        self.forward.js_on_click(action("stop(); render(state.n + 1)"))
        # A person scrubbing wants to look, so the slider pauses the movement.
        self.slider.js_on_change(
            "value",
            action("if (cb_obj.value - 1 !== state.n) { stop(); render(cb_obj.value - 1) }"),
        )
        self.speed.js_on_change("value", action("if (state.timer !== null) play()"))
        self.finished.js_on_change("active", action("render(state.n)"))
        # New settings from the server: keep the step where it still exists.
        self.sources["meta"].js_on_change(
            "data", action("render(Math.min(state.n, sizes().N - 1))")
        )
        self.start = action("render(state.n); play()")

    def update(self, conv: Convolution, step: int = 0) -> None:
        """Repaints every source for a new convolution; `meta` goes last, as it triggers the JS."""
        geometry = place(conv)
        C, Hp, Wp = conv.padded.shape  # channels, padded rows, padded columns
        K, Cg, FH, FW = conv.w.shape  # filters, channels per group, kernel rows, kernel columns
        OH, OW = conv.output.shape[1:]
        s = self.sources
        s["origins"].data = {
            "x": np.concatenate(
                [
                    geometry.inputs[:, 0],
                    geometry.slices[..., 0].ravel(),
                    geometry.biases[:, 0],
                    geometry.outputs[:, 0],
                ]
            ),
            "y": np.concatenate(
                [
                    geometry.inputs[:, 1],
                    geometry.slices[..., 1].ravel(),
                    geometry.biases[:, 1],
                    geometry.outputs[:, 1],
                ]
            ),
        }
        s["cells"].data = cell_columns(conv, geometry)
        outputs = output_columns(conv, geometry)
        step = min(max(step, 0), len(conv) - 1)
        outputs["shown"] = [t if q <= step else "" for q, t in enumerate(outputs["text"])]
        s["outputs"].data = outputs
        partials = conv.partials.transpose(0, 2, 3, 1)  # (K, OH, OW, Cg): step-major
        s["scalars"].data = {"value": partials.ravel().astype(float)}
        for name, columns in highlight_columns(conv, geometry, step).items():
            s[name].data = {key: np.asarray(value, dtype=float) for key, value in columns.items()}
        self.labels.data = geometry.labels
        px = geometry.cell_px
        self.figure.update(width=int(geometry.width * px) + 8, height=int(geometry.height * px) + 8)
        self.figure.x_range.update(start=0, end=geometry.width)
        self.figure.y_range.update(start=geometry.height, end=0)
        for renderer in self.values:
            renderer.visible = geometry.legible
            renderer.glyph.text_font_size = f"{min(13, round(px * 0.5))}px"
        self.slider.update(end=max(len(conv), 2), disabled=len(conv) < 2)
        s["meta"].data = {
            key: [int(value)]
            for key, value in dict(
                C=C,
                Hp=Hp,
                Wp=Wp,
                K=K,
                Cg=Cg,
                G=conv.groups,
                FH=FH,
                FW=FW,
                OH=OH,
                OW=OW,
                sh=conv.stride[0],
                sw=conv.stride[1],
                dh=conv.dilation[0],
                dw=conv.dilation[1],
                N=len(conv),
                integer=conv.output.dtype.kind in "iu",
                start=step,
            ).items()
        }
