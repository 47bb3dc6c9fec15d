"""The backward pass in the demo's picture: the forward layer (padded input, filters and
biases), the upstream gradient dout where its output was, then dx on the padded input, dw and
db, filling in step by step. Each step (k, i, j) outlines the window in x and in dx (blue),
filter k and its bias with their gradients (red), and dout[k, i, j] (green): dout times the
filter goes into dx's window, dout times the window into dw[k], dout into db[k]."""

from __future__ import annotations

import numpy as np

from app.engine import Backward
from app.engine.cost import Cost, Count, output_values
from app.scene.base import Scene
from app.scene.blocks import Blocks, Stack, cell_centres, contract
from app.scene.code import Code, backward_code
from app.scene.convolution import ConvolutionScene
from app.scene.marks import filter_cells, window_cells
from app.scene.small import padded_kinds
from app.scene.style import format_values, numbers

FILLS = ("input_fill", "padding_fill", "weight_fill", "output_fill")  # one source a kind
EMPTY_TEXT = {"x": [], "y": [], "text": []}


class BackwardScene(Scene):
    """A Backward: the forward layer's blocks, dout, and the gradients' running sums."""

    engine: Backward

    def _blocks(self) -> Blocks:
        conv = self.engine.conv
        C, Hp, Wp = conv.padded.shape
        K, Cg, FH, FW = conv.w.shape
        OH, OW = conv.output.shape[1:]
        gradients = [(f"dw{k}[:,:,{c}]", FH, FW) for k in range(K) for c in range(Cg)]
        return Blocks(
            input_heading=f"Input x, padded ({Hp}x{Wp}x{C})",
            input_shape=(C, Hp, Wp),
            filter_shape=conv.w.shape,
            reads=[list(conv.channels_of(k)) for k in range(K)],
            output_heading=f"Upstream gradient dout ({OH}x{OW}x{K})",
            short_headings=(f"x, padded {Hp}x{Wp}x{C}", f"dout {OH}x{OW}x{K}"),
            output_shape=(K, OH, OW),
            input_corner=conv.padding,
            output_name="dout",
            extra=(
                Stack(
                    f"dx, padded ({Hp}x{Wp}x{C})", tuple((f"dx[:,:,{d}]", Hp, Wp) for d in range(C))
                ),
                Stack(
                    f"dw ({FH}x{FW}x{Cg} each), db",
                    (*gradients, *((f"db{k}", 1, 1) for k in range(K))),
                ),
            ),
        )

    def _contract(self) -> dict[str, int]:
        """The forward layer's, and where dx's grids and dw's and db's blocks start."""
        terms = contract(self.blocks)
        C, K, Cg = terms["C"], terms["K"], terms["Cg"]
        dx = terms["block_outputs"] + K
        return {**terms, "block_dx": dx, "block_dw": dx + C, "block_db": dx + C + K * Cg}

    def gradient_values(self, n: int | None) -> np.ndarray:
        """dx on the padded input, dw and db, flat, once steps 0..n have added their shares
        (every step: None)."""
        back = self.engine
        grads = back.gradients if n is None else back.running(n)
        return np.concatenate([grads.padded.ravel(), grads.dw.ravel(), grads.db.ravel()])

    def highlight(self, n: int) -> dict[str, dict]:
        """Step n's window in x and in dx (blue), filter k and its bias, dw[k] and db[k] (red),
        and dout[k, i, j] (green)."""
        step, geometry = self.engine[n], self.geometry
        FH, FW = self.engine.conv.w.shape[2:]
        K = len(geometry.biases)
        channels = list(step.channels)
        dx_grids, dw_blocks = geometry.extras
        windows = np.concatenate([geometry.inputs[channels], dx_grids[channels]])
        Cg = len(channels)
        # dw's blocks are dw0's slices, dw1's, ..., then db0, db1, ...
        gradient_slices = dw_blocks[: K * Cg].reshape(K, Cg, 2)
        gradients = cell_centres(gradient_slices[step.filter], (Cg, FH, FW))
        red = filter_cells(geometry, step.filter, FH, FW)
        db = dw_blocks[K * Cg + step.filter] + 0.5
        ox, oy = geometry.outputs[step.filter]
        return {
            "window_box": window_cells(windows, step.rows, step.cols),
            "kernel": {
                "x": np.concatenate([red["x"], gradients[0], [db[0]]]),
                "y": np.concatenate([red["y"], gradients[1], [db[1]]]),
            },
            "cursor": {"x": np.array([ox + step.col + 0.5]), "y": np.array([oy + step.row + 0.5])},
        }

    def _columns(self, step: int) -> dict[str, dict]:
        back, geometry = self.engine, self.geometry
        conv = back.conv
        C, Hp, Wp = conv.padded.shape
        K, Cg, FH, FW = conv.w.shape
        OH, OW = conv.output.shape[1:]
        kind = np.tile(padded_kinds(conv).ravel(), C)  # 0 input, 1 zero padding
        dx_grids, dw_blocks = geometry.extras
        ix, iy = cell_centres(geometry.inputs, (C, Hp, Wp))
        wx, wy = cell_centres(geometry.slices.reshape(-1, 2), (K * Cg, FH, FW))
        bx, by = geometry.biases[:, 0] + 0.5, geometry.biases[:, 1] + 0.5
        ox, oy = cell_centres(geometry.outputs, (K, OH, OW))
        dxx, dxy = cell_centres(dx_grids, (C, Hp, Wp))
        dwx, dwy = cell_centres(dw_blocks[: K * Cg], (K * Cg, FH, FW))
        dbx, dby = dw_blocks[K * Cg :, 0] + 0.5, dw_blocks[K * Cg :, 1] + 0.5
        # Cells by kind: the input and dx alike (padding grey), weights and their gradients,
        # dout green.
        xs = {"input": np.concatenate([ix, dxx]), "weight": np.concatenate([wx, bx, dwx, dbx])}
        ys = {"input": np.concatenate([iy, dxy]), "weight": np.concatenate([wy, by, dwy, dby])}
        kinds = np.concatenate([kind, kind])
        data = {
            "origins": {"x": geometry.origins[:, 0], "y": geometry.origins[:, 1]},
            "cells": {"value": np.concatenate([conv.padded.ravel(), conv.w.ravel(), conv.b])},
            "upstream": {"value": numbers(back.dout)},
            "gradients": {"value": numbers(self.gradient_values(None))},
            "input_fill": {"x": xs["input"][kinds == 0], "y": ys["input"][kinds == 0]},
            "padding_fill": {"x": xs["input"][kinds == 1], "y": ys["input"][kinds == 1]},
            "weight_fill": {"x": xs["weight"], "y": ys["weight"]},
            "output_fill": {"x": ox, "y": oy},
            "cell_text": EMPTY_TEXT,
            "gradient_text": EMPTY_TEXT,
        }
        if geometry.legible:
            values = (conv.padded, conv.w, conv.b, back.dout)
            data["cell_text"] = {
                "x": np.concatenate([ix, wx, bx, ox]),
                "y": np.concatenate([iy, wy, by, oy]),
                "text": [t for v in values for t in format_values(v)],
            }
            running = self.gradient_values(step).astype(back.gradients.dx.dtype)
            data["gradient_text"] = {
                "x": np.concatenate([dxx, dwx, dbx]),
                "y": np.concatenate([dxy, dwy, dby]),
                "text": format_values(running),
            }
        data.update(self.highlight(step))
        return data

    def integer(self) -> bool:
        return self.engine.gradients.dx.dtype.kind in "iu"

    def formulas(self) -> list[str]:
        return ConvolutionScene(self.engine.conv).formulas()  # the forward pass's output size

    def note(self) -> str:
        conv = self.engine.conv
        if not any(conv.padding):
            return ""
        return (
            "dx is drawn on the padded input: the windows add into its padding too, and that "
            "share is dropped, since zeros padding depends on no input."
        )

    def cost(self) -> tuple[Count, list[Cost]]:
        return output_values(self.engine.conv.shapes), self.engine.cost()

    def code(self) -> Code:
        return backward_code(self.engine)

    def caption(self, n: int) -> str:
        step = self.engine[n]
        v, k = format_values(np.array([step.upstream]))[0], step.filter
        return (
            f"step {n + 1}/{len(self)}:  dout[{step.row},{step.col},{k}] = {v}:  "
            f"dx window += {v} * w{k},  dw{k} += {v} * window,  db{k} += {v}"
        )

    def _sizes(self) -> dict[str, int]:
        conv = self.engine.conv
        Hp, Wp = conv.padded.shape[1:]
        OH, OW = conv.output.shape[1:]
        return dict(Hp=Hp, Wp=Wp, G=conv.groups, OH=OH, OW=OW, bias=int(conv.has_bias))
