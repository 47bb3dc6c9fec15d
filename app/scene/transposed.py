"""The transposed convolution in the demo's vocabulary: an input cell (blue) scales the filter's
slices (red), and their sum is added into a window of the output (green). The output is drawn
uncropped, its cropped border grey, with every cell's running sum."""

from __future__ import annotations

import numpy as np

from app.engine import TransposedConvolution, swap_in_out
from app.scene.base import Scene
from app.scene.blocks import Blocks, border, cell_centres
from app.scene.code import Code, transposed_code
from app.scene.marks import filter_cells, link_columns, window_cells
from app.scene.style import format_values, numbers

EMPTY_TEXT = {"x": [], "y": [], "text": []}


class TransposedScene(Scene):
    """A TransposedConvolution: input without padding, slices as the direct layer shows them."""

    engine: TransposedConvolution

    def slices(self) -> np.ndarray:
        """The weights as the picture shows them, filter by filter: (K, Cg, FH, FW)."""
        return swap_in_out(self.engine.w, self.engine.groups)

    def _blocks(self) -> Blocks:
        tconv = self.engine
        C, H, W = tconv.x.shape  # channels, rows, columns
        K, Hc, Wc = tconv.canvas.shape  # filters, canvas rows, canvas columns
        OH, OW = tconv.output.shape[1:]
        crop = f", cropped from {Hc}x{Wc} (grey)" if (Hc, Wc) != (OH, OW) else ""
        return Blocks(
            input_heading=f"Input ({H}x{W}x{C})",
            input_shape=(C, H, W),
            filter_shape=self.slices().shape,
            reads=[list(tconv.channels_of(k)) for k in range(K)],
            output_heading=f"Output ({OH}x{OW}x{K}{crop})",
            short_headings=(
                f"Input {H}x{W}x{C}",
                f"Output {OH}x{OW}x{K}" + (", grey cropped" if crop else ""),
            ),
            output_shape=(K, Hc, Wc),
        )

    def highlight(self, n: int) -> dict[str, dict]:
        """Step n's input cells (blue), slices and bias (red), output window (green), links."""
        step, geometry = self.engine[n], self.geometry
        FH, FW = self.engine.w.shape[2:]  # kernel rows, kernel columns
        inputs = geometry.inputs[list(step.channels)]  # (Cg, 2): one cell on each channel read
        at = (step.row,), (step.col,)
        return {
            "window_box": window_cells(inputs, *at),
            "kernel": filter_cells(geometry, step.filter, FH, FW),
            "cursor": window_cells(geometry.outputs[[step.filter]], step.rows, step.cols),
            "links": link_columns(geometry, step.filter, step.channels, *at, FH),
        }

    def running_text(self, n: int) -> list[str]:
        """The canvas as it stands after step n: earlier filters finished, later ones blank."""
        tconv = self.engine
        K, Hc, Wc = tconv.canvas.shape
        k = tconv[n].filter
        text = format_values(tconv.canvas[:k]) + format_values(tconv.running(n))
        return text + [""] * ((K - k - 1) * Hc * Wc)

    def _columns(self, step: int) -> dict[str, dict]:
        tconv, geometry = self.engine, self.geometry
        C, H, W = tconv.x.shape  # channels, rows, columns
        K, Hc, Wc = tconv.canvas.shape  # filters, canvas rows, canvas columns
        slices = self.slices()  # (K, Cg, FH, FW)
        Cg, FH, FW = slices.shape[1:]
        origins = geometry.origins  # (C + K*Cg + 2K, 2)
        ix, iy = cell_centres(geometry.inputs, (C, H, W))
        wx, wy = cell_centres(geometry.slices.reshape(-1, 2), (K * Cg, FH, FW))
        bx, by = geometry.biases[:, 0] + 0.5, geometry.biases[:, 1] + 0.5
        ox, oy = cell_centres(geometry.outputs, (K, Hc, Wc))
        kept = ~border((Hc, Wc), tconv.padding, tconv.output.shape[1:]).ravel()  # (Hc*Wc,)
        kept = np.tile(kept, K)  # (K*Hc*Wc,)
        values = (tconv.x, slices, tconv.b)
        data = {
            "origins": {"x": origins[:, 0], "y": origins[:, 1]},
            "cells": {"value": np.concatenate([v.ravel() for v in values]).astype(float)},
            "input_fill": {"x": ix, "y": iy},
            "weight_fill": {"x": np.concatenate([wx, bx]), "y": np.concatenate([wy, by])},
            "output_fill": {"x": ox[kept], "y": oy[kept]},
            "cropped_fill": {"x": ox[~kept], "y": oy[~kept]},
            "cell_text": EMPTY_TEXT,
            "outputs": {"value": numbers(tconv.canvas)},
            "output_text": EMPTY_TEXT,
        }
        if geometry.legible:
            xs, ys = np.concatenate([ix, wx, bx]), np.concatenate([iy, wy, by])
            text = [t for v in values for t in format_values(v)]
            data["cell_text"] = {"x": xs, "y": ys, "text": text}
            data["output_text"] = {"x": ox, "y": oy, "text": self.running_text(step)}
        data.update(self.highlight(step))
        return data

    def code(self) -> Code:
        return transposed_code(self.engine)

    def caption(self, n: int) -> str:
        step = self.engine[n]
        rows, cols = step.rows, step.cols
        (ph, pw), k = self.engine.padding, step.filter
        return (
            f"step {n + 1}/{len(self)}:  x[{step.row},{step.col}] x w{k} into "
            f"o[{rows[0] - ph}..{rows[-1] - ph}, {cols[0] - pw}..{cols[-1] - pw}, {k}]"
        )

    def _sizes(self) -> dict[str, int]:
        tconv = self.engine
        H, W = tconv.x.shape[1:]  # input rows, columns
        Hc, Wc = tconv.canvas.shape[1:]  # canvas rows, columns
        (ph, pw), (OH, OW) = tconv.padding, tconv.output.shape[1:]
        return dict(H=H, W=W, Kg=tconv.w.shape[1], Hc=Hc, Wc=Wc, ph=ph, pw=pw, OH=OH, OW=OW)

    def _formula(self, i: int) -> str:
        tconv = self.engine
        n, k = tconv.x.shape[1 + i], tconv.w.shape[2 + i]  # input and kernel size on this axis
        p, s, d = tconv.padding[i], tconv.stride[i], tconv.dilation[i]
        return f"({n}-1)*{s} - 2*{p} + {d}*({k}-1) + {tconv.output_padding[i]} + 1"
