"""The transposed convolution in the demo's vocabulary: an input cell (blue) scales the filter's
slices (red), and their sum is added into a window of the output (green)."""

from __future__ import annotations

import numpy as np
from bokeh.core.properties import value

from app.transposed import TransposedConvolution, swap_in_out
from app.views.animated import AnimatedFigure
from app.views.highlight import filter_cells, link_columns, window_cells
from app.views.layout import (
    BLUE,
    CELL,
    GREEN,
    INPUT,
    OUTPUT,
    PADDING,
    RED,
    WEIGHT,
    Blocks,
    Geometry,
    border,
    cell_centres,
    format_values,
    place,
)
from app.views.sources import numbers

FILLS = {"input_fill": INPUT, "weight_fill": WEIGHT, "output_fill": OUTPUT, "cropped_fill": PADDING}
OUTLINES = {"window_box": (BLUE, 3), "kernel": (RED, 2), "cursor": (GREEN, 2)}


def slices_of(tconv: TransposedConvolution) -> np.ndarray:
    """The weights as the picture shows them, filter by filter: (K, Cg, FH, FW)."""
    return swap_in_out(tconv.w, tconv.groups)


def transposed_blocks(tconv: TransposedConvolution) -> Blocks:
    """Input without padding; the output drawn uncropped, its cropped border grey."""
    C, H, W = tconv.x.shape  # channels, rows, columns
    K, Hc, Wc = tconv.canvas.shape  # filters, canvas rows, canvas columns
    OH, OW = tconv.output.shape[1:]
    crop = f", cropped from {Hc}x{Wc} (grey)" if (Hc, Wc) != (OH, OW) else ""
    return Blocks(
        input_heading=f"Input ({H}x{W}x{C})",
        input_shape=(C, H, W),
        filter_shape=slices_of(tconv).shape,
        reads=[list(tconv.channels_of(k)) for k in range(K)],
        output_heading=f"Output ({OH}x{OW}x{K}{crop})",
        output_shape=(K, Hc, Wc),
    )


def transposed_data(
    tconv: TransposedConvolution, geometry: Geometry, step: int, write_url: bool = False
) -> dict:
    """Every source's columns for one transposed convolution, `meta` last."""
    C, H, W = tconv.x.shape  # channels, rows, columns
    K, Hc, Wc = tconv.canvas.shape  # filters, canvas rows, canvas columns
    slices = slices_of(tconv)  # (K, Cg, FH, FW)
    _, Cg, FH, FW = slices.shape
    (ph, pw), (OH, OW) = tconv.padding, tconv.output.shape[1:]
    origins = geometry.origins  # (C + K*Cg + 2K, 2)
    ix, iy = cell_centres(geometry.inputs, (C, H, W))
    wx, wy = cell_centres(geometry.slices.reshape(-1, 2), (K * Cg, FH, FW))
    bx, by = geometry.biases[:, 0] + 0.5, geometry.biases[:, 1] + 0.5
    ox, oy = cell_centres(geometry.outputs, (K, Hc, Wc))
    kept = np.tile(~border((Hc, Wc), tconv.padding, (OH, OW)).ravel(), K)  # (K*Hc*Wc,)
    values = np.concatenate([tconv.x.ravel(), slices.ravel(), tconv.b]).astype(float)
    text = format_values(tconv.x) + format_values(slices) + format_values(tconv.b)
    xs, ys = np.concatenate([ix, wx, bx]), np.concatenate([iy, wy, by])
    data = {
        "origins": {"x": origins[:, 0], "y": origins[:, 1]},
        "cells": {"value": values},
        "input_fill": {"x": ix, "y": iy},
        "weight_fill": {"x": np.concatenate([wx, bx]), "y": np.concatenate([wy, by])},
        "output_fill": {"x": ox[kept], "y": oy[kept]},
        "cropped_fill": {"x": ox[~kept], "y": oy[~kept]},
        "cell_text": {"x": xs, "y": ys, "text": text} if geometry.legible else _empty_text(),
        "outputs": {"value": numbers(tconv.canvas)},
        "output_text": {"x": ox, "y": oy, "text": _running_text(tconv, step)},
    }
    if not geometry.legible:
        data["output_text"] = _empty_text()
    data.update(_highlight(tconv, geometry, step))
    sizes = dict(
        C=C, H=H, W=W, K=K, Cg=Cg, Kg=tconv.w.shape[1], FH=FH, FW=FW, Hc=Hc, Wc=Wc,
        ph=ph, pw=pw, OH=OH, OW=OW, sh=tconv.stride[0], sw=tconv.stride[1],
        dh=tconv.dilation[0], dw=tconv.dilation[1], N=len(tconv),
        integer=tconv.canvas.dtype.kind in "iu", start=step, write_url=write_url,
    )  # fmt: skip
    data["meta"] = {key: [int(v)] for key, v in sizes.items()}
    return data


def _empty_text() -> dict[str, list]:
    return {"x": [], "y": [], "text": []}


def _running_text(tconv: TransposedConvolution, n: int) -> list[str]:
    """The canvas as it stands after step n: earlier filters finished, later ones blank."""
    K, Hc, Wc = tconv.canvas.shape
    k = tconv[n].filter
    text = format_values(tconv.canvas[:k]) + format_values(tconv.running(n))
    return text + [""] * ((K - k - 1) * Hc * Wc)


def _highlight(tconv: TransposedConvolution, geometry: Geometry, n: int) -> dict[str, dict]:
    """Step n's input cells (blue), slices and bias (red), output window (green), links."""
    step = tconv[n]
    FH, FW = tconv.w.shape[2:]  # kernel rows, kernel columns
    inputs = geometry.inputs[list(step.channels)]  # (Cg, 2): one cell on each channel read
    at = (step.row,), (step.col,)
    return {
        "window_box": window_cells(inputs, *at),
        "kernel": filter_cells(geometry, step.filter, FH, FW),
        "cursor": window_cells(geometry.outputs[[step.filter]], step.rows, step.cols),
        "links": link_columns(geometry, step.filter, step.channels, *at, FH),
    }


class TransposedFigure(AnimatedFigure):
    """The transposed convolution's figure, controls and readout; `update` repaints in place."""

    SOURCES = (
        *FILLS, *OUTLINES, "origins", "cells", "outputs", "links", "cell_text", "output_text",
    )  # fmt: skip
    SCRIPT = "transposed.js"

    def __init__(
        self, tconv: TransposedConvolution | None = None, step: int = 0, *, write_url: bool = False
    ) -> None:
        super().__init__("tconv", write_url=write_url)
        if tconv is not None:
            self.update(tconv, step)

    def _draw(self) -> None:
        s, fig = self.sources, self.figure
        for name, colour in FILLS.items():
            fig.rect("x", "y", CELL, CELL, source=s[name], fill_color=colour, line_color=None)
        centred = {"text_align": "center", "text_baseline": "middle"}
        style = {"text_font": value("monospace"), **centred}
        self.values = [
            fig.text("x", "y", text="text", source=s[name], name=f"tconv_{name}_glyph", **style)
            for name in ("cell_text", "output_text")
        ]
        fig.segment("x0", "y0", "x1", "y1", source=s["links"], line_color="black", line_width=1)
        for name, (colour, width) in OUTLINES.items():
            fig.rect("x", "y", CELL, CELL, source=s[name], fill_alpha=0, line_color=colour,
                     line_width=width, name=f"tconv_{name}_glyph")  # fmt: skip

    def update(self, tconv: TransposedConvolution, step: int = 0) -> None:
        """Repaints every source for a new transposed convolution, `meta` last."""
        geometry = place(transposed_blocks(tconv))
        step = min(max(step, 0), len(tconv) - 1)
        data = transposed_data(tconv, geometry, step, self.write_url)
        meta = data.pop("meta")
        for name, columns in data.items():
            self.send(name, columns)
        for renderer in self.values:
            renderer.glyph.text_font_size = f"{min(13, round(geometry.cell_px * 0.5))}px"
        self.slider.update(end=max(len(tconv), 2), disabled=len(tconv) < 2)
        self.show(geometry, meta)
