"""The convolution as the CS231n demo draws it: padded input, filters and biases, output; at each
step a blue window, the red filter and bias, the green output cell, and lines joining them."""

from __future__ import annotations

import numpy as np

from app.engine import Convolution
from app.scene.base import Scene
from app.scene.blocks import Blocks, cell_centres
from app.scene.code import Code, convolution_code
from app.scene.marks import (
    filter_blocks,
    filter_cells,
    link_columns,
    one_by_one,
    window_blocks,
    window_cells,
)
from app.scene.small import block_images, padded_kinds, plain_blocks
from app.scene.style import OUTPUT, UNREACHED, format_values, numbers, rgba

OFF_PLOT = -1000.0  # where the hover preview waits while no output cell is hovered
EMPTY_TEXT = {"x": [], "y": [], "text": [], "shown": []}
EMPTY_IMAGES = {"image": [], "x": [], "y": [], "dw": [], "dh": []}
EMPTY_CELLS = {"x": [], "y": []}
EMPTY_BLOCKS = {"x": [], "y": [], "width": [], "height": []}
EMPTY_OUTPUTS = {"x": [], "y": [], "fill": []}
FILLS = ("input_fill", "padding_fill", "weight_fill", "copy_fill")  # one source a `kind`


def size_rule(n: int, k: int, p: int, s: int, d: int, rounding: str = "floor") -> str:
    """PyTorch's output size of a window of k taps, dilation d, sliding by s over n cells
    padded by p on each side, written with its numbers (pooling's may round up)."""
    return f"{rounding}(({n} + 2*{p} - {d}*({k}-1) - 1)/{s}) + 1"


def output_size_rule(conv: Convolution, i: int) -> str:
    """PyTorch's output size of a convolution along axis i (0 rows, 1 columns), with its
    numbers: every layer that draws a Convolution says it so."""
    n, k = conv.x.shape[1 + i], conv.w.shape[2 + i]  # input and kernel size on this axis
    return size_rule(n, k, conv.padding[i], conv.stride[i], conv.dilation[i])


class ConvolutionScene(Scene):
    """A Convolution drawn cell by cell, or block by block where cells are too small."""

    engine: Convolution

    def _blocks(self) -> Blocks:
        C, Hp, Wp = self.engine.padded.shape  # channels, padded rows, padded columns
        K, OH, OW = self.engine.output.shape
        ph, pw = self.engine.padding
        pad = f"+pad {ph}" if ph == pw else f"+pad {ph},{pw}"
        pad += "" if self.engine.padding_mode == "zeros" else f" {self.engine.padding_mode}"
        return Blocks(
            input_heading=f"Input Volume ({pad}) ({Hp}x{Wp}x{C})",
            input_shape=(C, Hp, Wp),
            filter_shape=self.engine.w.shape,
            reads=[list(self.engine.channels_of(k)) for k in range(K)],
            output_heading=f"Output Volume ({OH}x{OW}x{K})",
            short_headings=(f"Input ({pad}) {Hp}x{Wp}x{C}", f"Output {OH}x{OW}x{K}"),
            output_shape=(K, OH, OW),
            input_corner=(ph, pw),
        )

    def cells(self, text: bool = True) -> dict[str, list | np.ndarray]:
        """Input (with padding), filter and bias cells: centre, text (empty unless `text`),
        value, and kind (0 input, 1 zero padding, 2 weight or bias, 3 padding that copies an
        input cell)."""
        conv, geometry = self.engine, self.geometry
        C, Hp, Wp = conv.padded.shape  # channels, padded rows, padded columns
        K, Cg, FH, FW = conv.w.shape  # filters, channels per group, kernel rows, kernel columns
        kind = padded_kinds(conv)  # (Hp, Wp)
        input_x, input_y = cell_centres(geometry.inputs, (C, Hp, Wp))
        filter_x, filter_y = cell_centres(geometry.slices.reshape(-1, 2), (K * Cg, FH, FW))
        n_weights = K * Cg * FH * FW + K
        values = (conv.padded, conv.w, conv.b)
        return {
            "x": np.concatenate([input_x, filter_x, geometry.biases[:, 0] + 0.5]),
            "y": np.concatenate([input_y, filter_y, geometry.biases[:, 1] + 0.5]),
            "value": numbers(np.concatenate([v.ravel() for v in values])),
            "text": [t for v in values for t in format_values(v)] if text else [],
            "kind": np.concatenate([np.tile(kind.ravel(), C), np.full(n_weights, 2, np.int8)]),
        }

    def code(self) -> Code:
        return convolution_code(self.engine)

    def caption(self, n: int) -> str:
        step = self.engine[n]
        terms = " + ".join(format_values(np.array(step.scalars)))
        bias, value = format_values(np.array([step.bias, step.value]))
        return f"step {n + 1}/{len(self)}:  {terms} + {bias} = {value}"

    def shown_output(self) -> np.ndarray:
        """The output as the picture shows it, (K, OH, OW)."""
        return self.engine.output

    def highlight(self, n: int) -> dict[str, dict]:
        """Step n's window (blue), filter and bias (red), output cell (green), and links."""
        step, geometry = self.engine[n], self.geometry
        FH, FW = self.engine.w.shape[2:]  # kernel rows, kernel columns
        inputs = geometry.inputs[list(step.channels)]  # (Cg, 2)
        ox, oy = geometry.outputs[step.filter]
        if self.outline_blocks():
            window = window_blocks(inputs, step.rows, step.cols)
            kernel = filter_blocks(geometry, step.filter, FH, FW)
        else:
            window = one_by_one(window_cells(inputs, step.rows, step.cols))
            kernel = one_by_one(filter_cells(geometry, step.filter, FH, FW))
        return {
            "window_box": window,
            "kernel": kernel,
            "cursor": {"x": np.array([ox + step.col + 0.5]), "y": np.array([oy + step.row + 0.5])},
            "links": link_columns(geometry, step.filter, step.channels, step.rows, step.cols, FH),
        }

    def _columns(self, step: int) -> dict[str, dict]:
        conv, geometry = self.engine, self.geometry
        origins = geometry.origins  # (C + K*Cg + 2K, 2)
        blocks = plain_blocks(self.blocks, geometry)  # a rectangle a slice, bias, output block
        cells = self.cells(text=geometry.legible)
        ox, oy = cell_centres(geometry.outputs, conv.output.shape)  # step order
        # Values get sources of their own, empty when too small to read: Bokeh measures every
        # string of a text glyph, shown or not, and at the caps that alone takes seconds.
        cell_text, output_text = dict(EMPTY_TEXT), dict(EMPTY_TEXT)
        if geometry.legible:
            cell_text = {"x": cells["x"], "y": cells["y"], "text": cells["text"]}
            text = format_values(self.shown_output())
            shown = [value if q <= step else "" for q, value in enumerate(text)]
            output_text = {"x": ox, "y": oy, "text": text, "shown": shown}
        data = {
            "origins": {"x": origins[:, 0], "y": origins[:, 1]},
            "cells": {"value": cells["value"]},
            "cell_text": cell_text,
            "unvisited": self._unvisited(),
            "outputs": {"value": numbers(conv.output)},
            "output_blocks": blocks["outputs"],
            "output_text": output_text,
            "scalars": {"value": self._scalars()},
            "preview": self._preview(),
            # The input row and column each padded one copies (-1: a zero), and the outline
            # the pointer on a copy puts around its original.
            "copies": self._copies(),
            "original": {"x": [OFF_PLOT], "y": [0.0]},
        }
        # Legible cells are drawn one by one, one glyph a colour; smaller ones as an image a
        # block, since the canvas spends microseconds on every rectangle and thousands add up.
        for kind, name in enumerate(FILLS):
            chosen = cells["kind"] == kind
            data[name] = {"x": cells["x"][chosen], "y": cells["y"][chosen]}
        reached = np.arange(len(conv)) <= step  # (K*OH*OW,) in step order, as ox and oy
        data["output_fill"] = {"x": ox, "y": oy,
                               "fill": np.where(reached, OUTPUT, UNREACHED).tolist()}  # fmt: skip
        data["images"] = data["output_images"] = EMPTY_IMAGES
        data["levels"] = {"value": []}
        data["weight_blocks"] = data["output_block_fill"] = EMPTY_BLOCKS
        if not geometry.legible:
            data.update(dict.fromkeys((*FILLS, "unvisited"), EMPTY_CELLS))
            data["output_fill"] = EMPTY_OUTPUTS
            data["weight_blocks"] = blocks["weights"]
            data.update(self._small_cells(blocks, reached))
        data.update(self.highlight(step))
        return data

    def _scalars(self) -> np.ndarray:
        """What the readout reads of each step beyond the cells: each channel's dot product,
        (K*OH*OW*Cg,) step by step."""
        return numbers(self.engine.partials.transpose(0, 2, 3, 1))  # (K, OH, OW, Cg)

    def _copies(self) -> dict[str, np.ndarray]:
        """The input row and column each padded one copies, -1 for none (a zero)."""
        return {"row": self.engine.copied_rows, "col": self.engine.copied_cols}

    def outline_blocks(self) -> bool:
        """Whether the window and the filter are outlined as one rectangle a channel, not cell
        by cell: where cells are too small to read, and the window's cells touch. At the caps
        a step outlined 3,872 cells, stroked again at every frame (16 frames a second)."""
        return not self.geometry.legible and tuple(self.engine.dilation) == (1, 1)

    def _preview(self) -> dict[str, np.ndarray]:
        """The hover preview's outlines, waiting off the plot: one a window cell or block."""
        Cg, FH, FW = self.engine.w.shape[1:]  # channels per group, kernel rows, kernel columns
        if self.outline_blocks():
            corner = np.zeros((Cg, 2))
            return {**window_blocks(corner, tuple(range(FH)), tuple(range(FW))),
                    "x": np.full(Cg, OFF_PLOT)}  # fmt: skip
        return one_by_one({"x": np.full(Cg * FH * FW, OFF_PLOT), "y": np.zeros(Cg * FH * FW)})

    def _small_cells(self, blocks: dict[str, dict], reached: np.ndarray) -> dict[str, dict]:
        """Where cells are too small to draw one by one: each input channel an image, each
        output block an image of its cells, filled where the steps have `reached` them (the
        browser fills the rest as it goes), inside its outline (plain_blocks' rectangles)."""
        geometry = self.geometry
        blocks_out, OH, OW = self.engine.output.shape  # output blocks, rows, columns
        fills = np.where(reached, rgba(OUTPUT), rgba(UNREACHED)).astype(np.uint32)
        # The outputs change at every step: a source of their own, painted on the overlay
        # with the other marks a step moves, leaves the input's images as they were.
        outputs = {
            "image": list(fills.reshape(blocks_out, OH, OW)),
            "x": geometry.outputs[:, 0], "y": geometry.outputs[:, 1],
            "dw": np.full(blocks_out, OW), "dh": np.full(blocks_out, OH),
        }  # fmt: skip
        return {"images": block_images(self.engine, geometry), "output_images": outputs,
                "output_block_fill": blocks["outputs"]}  # fmt: skip

    def _unvisited(self) -> dict[str, np.ndarray]:
        """Centres of the padded-input cells no window covers, on every channel."""
        conv, inputs = self.engine, self.geometry.inputs
        r, c = np.nonzero(conv.unvisited)  # each (missed,)
        C = conv.padded.shape[0]
        d = np.repeat(np.arange(C), r.size)  # (C * missed,)
        return {
            "x": inputs[d, 0] + np.tile(c, C) + 0.5,
            "y": inputs[d, 1] + np.tile(r, C) + 0.5,
        }

    def _sizes(self) -> dict[str, int]:
        conv, (C, _, _), (_, Cg, _, _) = (
            self.engine,
            self.blocks.input_shape,
            self.blocks.filter_shape,
        )
        Hp, Wp = conv.padded.shape[1:]  # padded rows, padded columns
        OH, OW = conv.output.shape[1:]
        return dict(
            Hp=Hp,
            Wp=Wp,
            G=C // Cg,  # groups: each reads Cg of the C channels (a layer with no filters: C)
            OH=OH,
            OW=OW,
            picture=0,
            relu=0,
            rgb=0,
            **self._output_images(),
            outline_blocks=self.outline_blocks(),
        )

    def _output_images(self) -> dict[str, int]:
        """Where the output blocks are images (cells too small to draw one by one, in their
        own source), and the colours of a cell reached and of one not yet."""
        return {"output_images": not self.geometry.legible, "first_output": 0,
                "filled": int(rgba(OUTPUT)), "blank": int(rgba(UNREACHED))}  # fmt: skip

    def _formula(self, i: int) -> str:
        return output_size_rule(self.engine, i)

    def note(self) -> str:
        """How many padded cells no window covers, and why; empty when every cell is covered."""
        conv = self.engine
        missed = int(conv.unvisited.sum())
        if not missed:
            return ""
        reasons = []
        for axis, i in (("rows", 0), ("columns", 1)):
            size, kernel = conv.unvisited.shape[i], conv.w.shape[2 + i]
            span = conv.dilation[i] * (kernel - 1) + 1  # the dilated kernel's extent
            stride = conv.stride[i]
            left = (size - span) % stride
            if left:
                what = f"{left} {axis}" if left > 1 else axis[:-1]
                reasons.append(
                    f"the last {what}: {size} - {span} is not a multiple of stride {stride}, "
                    "and floor drops the remainder"
                )
            lines_missed = int(np.all(conv.unvisited, axis=1 - i).sum())
            if lines_missed > left:
                reasons.append(f"{axis} between windows: stride and dilation step over them")
        where = "; ".join(reasons)
        return f"{missed} cells of each padded channel are never covered (hatched): {where}."
