"""The convolution as one matrix product (im2col), drawn as the product is written by hand:
x_col above the product, w_row to its left, the bias beside it, the padded input in the corner
above w_row and the output blocks under it. Each step outlines the window in the input and its
column in x_col (blue), filter k's row in w_row and its bias (red), and the product's cell,
which is the output cell (green).

Where a matrix has more rows or columns than a screen can show one by one, it is drawn as one
block with its side at most MAX_SIDE cells, and the current row and column as bands across it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from math import ceil

import numpy as np

from app.engine import Convolution
from app.engine.checks import window
from app.scene.base import Scene
from app.scene.blocks import LEGIBLE_CELL_PX, cell_centres
from app.scene.code import Code, im2col_code
from app.scene.convolution import output_size_rule
from app.scene.layout import CHAR_PX, GAP, LABEL_PX, MAX_CELL_PX, MIN_CELL_PX, SCREEN, Box
from app.scene.small import block_images, padded_kinds
from app.scene.style import CELL, INPUT, OUTPUT, PADDING, WEIGHT, format_values

MAX_SIDE = 48  # cells: a matrix longer than this along an axis is squeezed to it, as a block
EMPTY_TEXT = {"x": [], "y": [], "text": []}
EMPTY_IMAGES = {"image": [], "x": [], "y": [], "dw": [], "dh": []}
FILLS = ("input_fill", "padding_fill", "weight_fill", "copy_fill")  # one source a `kind`
PADDING_KIND = 1  # zero padding's kind (KIND_COLOURS), also the off-group weights' grey


@dataclass(frozen=True)
class MatrixGeometry:
    """Where im2col's picture puts every block, in cell units, for one cell size in pixels."""

    cell_px: int
    width: float
    height: float
    inputs: np.ndarray  # (C, 2) top-left of each padded input channel
    x_col: tuple[float, float]  # top-left of x_col (rows: R = C*FH*FW, columns: P = OH*OW)
    w_row: tuple[float, float]  # top-left of w_row (K rows, R columns)
    bias: tuple[float, float]  # top-left of the bias column (K rows)
    product: tuple[float, float]  # top-left of the product (K rows, P columns)
    outputs: np.ndarray  # (K, 2) top-left of each output block, OH x OW
    unit_r: float  # units a row of x_col (a column of w_row) takes: 1, or less when squeezed
    unit_p: float  # units a column of x_col and of the product takes
    labels: dict[str, list]

    @property
    def squeezed(self) -> bool:
        return self.unit_r < 1 or self.unit_p < 1

    @property
    def legible(self) -> bool:
        """Whether values are written in the cells: then every matrix is drawn cell by cell."""
        return self.cell_px >= LEGIBLE_CELL_PX and not self.squeezed

    @property
    def origins(self) -> np.ndarray:
        """Inputs, x_col, w_row, bias, product, outputs: (C + 4 + K, 2), as `Im2colScene.
        _contract` tells the browser."""
        matrices = np.array([self.x_col, self.w_row, self.bias, self.product], dtype=float)
        return np.concatenate((self.inputs, matrices, self.outputs))


def _place(conv: Convolution, cell_px: int, box: Box) -> MatrixGeometry:
    """Every block of the picture at `cell_px` pixels a cell, its shape as near the box's as
    the input's channels allow."""
    C, Hp, Wp = conv.padded.shape  # channels, padded rows, padded columns
    K, _, FH, FW = conv.w.shape
    OH, OW = conv.output.shape[1:]
    R, P = C * FH * FW, OH * OW  # x_col's rows (every group's, stacked) and columns
    unit_r, unit_p = min(1.0, MAX_SIDE / R), min(1.0, MAX_SIDE / P)
    rows_drawn, cols_drawn = R * unit_r, P * unit_p
    label_h = LABEL_PX / cell_px
    labels: dict[str, list] = {"x": [], "y": [], "text": []}
    reach = [0.0]  # the right end of every label

    def label(x: float, y: float, text: str) -> None:
        """A label whose baseline is a little above y (the top of what it names)."""
        labels["x"].append(x)
        labels["y"].append(y - label_h * 0.15)
        labels["text"].append(text)
        reach.append(x + len(text) * CHAR_PX / cell_px)

    # The input in the corner above w_row, its channels side by side, wrapping at w_row's width.
    corner = max(rows_drawn, Wp)
    # Blocks side by side at least a label apart: "x[:,:,0]" and "o[:,:,0]" are 8 characters.
    apart = 9 * CHAR_PX / cell_px + GAP
    input_step, output_step = max(Wp + GAP, apart), max(OW + GAP, apart)

    # As many channels a row as make the whole nearest the box's shape; at least as many as
    # fit above w_row.
    def stretch(per_row: int) -> float:
        wide = max(corner, per_row * input_step) + cols_drawn + 4
        tall = max(ceil(C / per_row) * (label_h + Hp + GAP), rows_drawn) + K + OH + 4 * label_h
        return max(wide * cell_px / box[0], tall * cell_px / box[1])

    fitting = max(1, min(C, int((corner + GAP) // input_step)))
    per_row = min(range(fitting, C + 1), key=stretch, default=fitting)
    corner = max(corner, per_row * input_step - GAP)

    def side_by_side(
        name: str, count: int, per_band: int, step: float, top: float, rows: int
    ) -> np.ndarray:
        """`count` labelled grids from the left edge, `per_band` to a band, under `top`."""
        corners = np.zeros((count, 2))
        for n in range(count):
            band, place = divmod(n, per_band)
            corners[n] = place * step, top + band * (label_h + rows + GAP) + label_h
            label(*corners[n], f"{name}[:,:,{n}]")
        return corners

    label(0.0, label_h, f"Input, padded ({Hp}x{Wp}x{C})")
    inputs = side_by_side("x", C, per_row, input_step, label_h, Hp)
    input_bottom = label_h + ceil(C / per_row) * (label_h + Hp + GAP)
    space = max(2 * GAP, 2 * CHAR_PX / cell_px)  # between w_row and the product
    left = max(corner + space, max(reach) + GAP)  # x_col's and the product's left edge
    x_col_top = max(label_h, input_bottom - rows_drawn)
    label(left, x_col_top, f"x_col: {R}x{P}, a column a window")
    row_top = x_col_top + rows_drawn + GAP + label_h  # w_row, product, bias
    w_row = (corner - rows_drawn, row_top)
    label(w_row[0], row_top, f"w_row: {K}x{R}")
    product = (left, row_top)
    label(left, row_top, "w_row @ x_col + b")
    bias = (max(left + cols_drawn + space, reach[-1] + GAP), row_top)  # past the label
    label(bias[0], row_top, "b")
    # The output blocks: row k of the product is o[:,:,k], read row by row. In the corner
    # under the input where they fit there (x_col is mostly taller), else under it all.
    per_out = max(1, int((corner + GAP) // output_step))
    out_height = label_h + ceil(K / per_out) * (label_h + OH + GAP)
    out_top = input_bottom + GAP + label_h
    if out_top + out_height > row_top - label_h:
        out_top = row_top + K + GAP + 2 * label_h
        per_out = max(1, int((max(bias[0] + 1, corner) + GAP) // output_step))
    label(0.0, out_top, f"Output ({OH}x{OW}x{K})")
    outputs = side_by_side("o", K, per_out, output_step, out_top, OH)
    width = max(bias[0] + 1, corner)
    height = max(row_top + K + GAP, outputs[:, 1].max() + OH + GAP)
    return MatrixGeometry(
        cell_px, max(width, *reach) + GAP, height, inputs, (left, x_col_top), w_row, bias,
        product, outputs, unit_r, unit_p, labels,
    )  # fmt: skip


def place_matrices(conv: Convolution, box: Box = SCREEN) -> MatrixGeometry:
    """The largest cells (up to 26 px) at which the picture fits `box`. Where those are too
    small to write values in, but values fit the box's height at the least legible size, that
    size: the figure then pans sideways in its box, and the numbers can be read. Where even
    the smallest cells do not fit, the smallest (the figure pans)."""
    best = _place(conv, MIN_CELL_PX, box)
    low, high = MIN_CELL_PX + 1, MAX_CELL_PX
    while low <= high:  # larger cells never make the picture smaller on screen
        middle = (low + high) // 2
        geometry = _place(conv, middle, box)
        if geometry.width * middle <= box[0] and geometry.height * middle <= box[1] + LABEL_PX:
            best, low = geometry, middle + 1
        else:
            high = middle - 1
    if best.cell_px < LEGIBLE_CELL_PX and not best.squeezed:
        legible = _place(conv, LEGIBLE_CELL_PX, box)
        if legible.height * LEGIBLE_CELL_PX <= box[1] + LABEL_PX:
            return legible
    return best


def _rectangles(x: list, y: list, width: list, height: list, colour: list | None = None) -> dict:
    """Rectangles by centre and size, in units (and a fill colour each, if given)."""
    rectangles = {"x": np.asarray(x, dtype=float), "y": np.asarray(y, dtype=float),
                  "width": np.asarray(width, dtype=float),
                  "height": np.asarray(height, dtype=float)}  # fmt: skip
    return rectangles if colour is None else {**rectangles, "colour": list(colour)}


class Im2colScene(Scene):
    """A Convolution as w_row @ x_col + b: the same engine, the same steps, another picture."""

    engine: Convolution

    @cached_property
    def geometry(self) -> MatrixGeometry:
        return place_matrices(self.engine, self.box)

    @cached_property
    def matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """x_col (R, P), every group's rows stacked, as torch.nn.functional.unfold gives it;
        w_row (K, R), each filter's row zero outside its group's columns (drawn grey)."""
        x_col, w_row = self.engine.im2col()  # (G, Rg, P), (G, K/G, Rg)
        G, Kg, Rg = w_row.shape
        full = np.zeros((G * Kg, G * Rg), dtype=w_row.dtype)
        for g in range(G):
            full[g * Kg : (g + 1) * Kg, g * Rg : (g + 1) * Rg] = w_row[g]
        return x_col.reshape(G * Rg, -1), full

    def copies(self) -> tuple[int, int, float]:
        """x_col's values, the input's (unpadded), and how many times as many x_col holds."""
        x_col = self.matrices[0]
        return x_col.size, self.engine.x.size, x_col.size / self.engine.x.size

    def note(self) -> str:
        held, had, ratio = self.copies()
        C, H, W = self.engine.x.shape
        R, P = self.matrices[0].shape
        words = (
            f"x_col holds {held:,} values ({R} rows: {C} channels x the kernel's cells; {P} "
            f"columns: one a window) for an input of {had:,} ({H}x{W}x{C}): {ratio:.1f} times "
            "as many, as windows overlap and padding is written out. The CS231n notes' "
            "227x227x3 input with 11x11x3 filters at stride 4 makes x_col 363x3025, 7.1 times "
            "its input."
        )
        if self.geometry.squeezed:
            words += (
                f" At {R}x{P}, x_col is too large to draw cell by cell: the matrices are drawn "
                "as blocks, with the current column of x_col and row of w_row as bands."
            )
        return words

    def _contract(self) -> dict[str, int]:
        C, Hp, Wp = self.engine.padded.shape
        K, Cg, FH, FW = self.engine.w.shape
        return {
            "C": C, "K": K, "Cg": Cg, "FH": FH, "FW": FW,
            "block_x_col": C, "block_w_row": C + 1, "block_bias": C + 2, "block_product": C + 3,
            "block_outputs": C + 4,
            "input_rows": Hp, "input_cols": Wp,
            "input_row0": self.engine.padding[0], "input_col0": self.engine.padding[1],
            "cell_weights": C * Hp * Wp, "cell_biases": C * Hp * Wp + K * Cg * FH * FW,
        }  # fmt: skip

    def _sizes(self) -> dict[str, int]:
        conv = self.engine
        Hp, Wp = conv.padded.shape[1:]
        OH, OW = conv.output.shape[1:]
        R, P = self.matrices[0].shape
        return dict(Hp=Hp, Wp=Wp, G=conv.groups, OH=OH, OW=OW, R=R, P=P, H=conv.x.shape[1],
                    W=conv.x.shape[2])  # fmt: skip

    def highlight(self, n: int) -> dict[str, dict]:
        """Step n's window (blue cells) and its column of x_col (a blue band), filter k's row
        of w_row and its bias (red), the product's cell and the output cell (green)."""
        conv, geometry = self.engine, self.geometry
        step = conv[n]
        Cg, FH, FW = conv.w.shape[1:]
        OW = conv.output.shape[2]
        g, Rg = step.channels[0] // Cg, Cg * FH * FW  # the group, and its rows of x_col
        p = step.row * OW + step.col  # the window's column of x_col
        ur, up = geometry.unit_r, geometry.unit_p
        (cx, cy), (wx, wy), (bx, by) = geometry.x_col, geometry.w_row, geometry.bias
        px, py = geometry.product
        ox, oy = geometry.outputs[step.filter]
        r, c = np.meshgrid(step.rows, step.cols, indexing="ij")
        inputs = geometry.inputs[list(step.channels)]  # (Cg, 2)
        window = {"x": (inputs[:, :1] + c.ravel() + 0.5).ravel(),
                  "y": (inputs[:, 1:] + r.ravel() + 0.5).ravel()}  # fmt: skip
        band = (g + 0.5) * Rg * ur  # the middle of the group's rows (w_row's columns)
        k = step.filter
        return {
            "window_box": {
                **window,
                "width": np.full(window["x"].size, CELL),
                "height": np.full(window["x"].size, CELL),
            },
            "column": _rectangles([cx + (p + 0.5) * up], [cy + band], [up * CELL], [Rg * ur]),
            "kernel": _rectangles(
                [wx + band, bx + 0.5], [wy + k + 0.5, by + k + 0.5], [Rg * ur, CELL], [CELL, CELL]
            ),
            "cursor": _rectangles(
                [px + (p + 0.5) * up, ox + step.col + 0.5],
                [py + k + 0.5, oy + step.row + 0.5],
                [up * CELL, CELL],
                [CELL, CELL],
            ),
        }

    def _columns(self, step: int) -> dict[str, dict]:
        conv, geometry = self.engine, self.geometry
        x_col, w_row = self.matrices  # (R, P), (K, R)
        (R, P), K = x_col.shape, w_row.shape[0]
        OH, OW = conv.output.shape[1:]
        C, Hp, Wp = conv.padded.shape
        Kg, Rg = K // conv.groups, R // conv.groups
        kind = padded_kinds(conv)  # (Hp, Wp)
        ix, iy = cell_centres(geometry.inputs, (C, Hp, Wp))
        input_kind = np.tile(kind.ravel(), C)
        (cx, cy), (wx, wy), (bx, by) = geometry.x_col, geometry.w_row, geometry.bias
        px, py = geometry.product
        ox, oy = cell_centres(geometry.outputs, (K, OH, OW))  # step order
        blocks = {"x": [], "y": [], "width": [], "height": [], "colour": []}

        def block(x: float, y: float, width: float, height: float, colour: str) -> None:
            for key, value in zip(blocks, (x + width / 2, y + height / 2, width, height, colour),
                                  strict=True):  # fmt: skip
                blocks[key].append(value)

        data: dict[str, dict] = {
            "origins": {"x": geometry.origins[:, 0], "y": geometry.origins[:, 1]},
            "units": {"row": [geometry.unit_r], "column": [geometry.unit_p]},
            "cells": {"value": np.concatenate([conv.padded.ravel(), conv.w.ravel(), conv.b])},
            "outputs": {"value": conv.output.ravel().astype(float)},
            "images": EMPTY_IMAGES,
            "cell_text": EMPTY_TEXT,
            "output_text": {**EMPTY_TEXT, "shown": []},
        }
        if geometry.legible:  # every matrix cell by cell, with its value
            r, p = np.indices((R, P)).reshape(2, -1)
            # Each x_col cell has the kind of the padded cell it copies.
            FH, FW = conv.w.shape[2:]
            tap_row, tap_col = np.divmod(r % (FH * FW), FW)  # the kernel cell of x_col's row r
            i, j = np.divmod(p, OW)  # the window of column p
            (sh, sw), (dh, dw) = conv.stride, conv.dilation
            window_rows = np.array([window(a, FH, sh, dh) for a in range(OH)])  # (OH, FH)
            window_cols = np.array([window(a, FW, sw, dw) for a in range(OW)])  # (OW, FW)
            x_kind = kind[window_rows[i, tap_row], window_cols[j, tap_col]]
            k, q = np.indices((K, R)).reshape(2, -1)
            in_group = q // Rg == k // Kg
            xs = [ix, cx + p + 0.5, wx + q + 0.5, np.full(K, bx + 0.5)]
            ys = [iy, cy + r + 0.5, wy + k + 0.5, by + np.arange(K) + 0.5]
            kinds = [input_kind, x_kind, np.where(in_group, 2, PADDING_KIND), np.full(K, 2)]
            x, y, kinds = np.concatenate(xs), np.concatenate(ys), np.concatenate(kinds)
            for number, name in enumerate(FILLS):
                chosen = kinds == number
                data[name] = {"x": x[chosen], "y": y[chosen]}
            w_text = [t if keep else "" for t, keep in zip(format_values(w_row), in_group,
                                                           strict=True)]  # fmt: skip
            texts = format_values(conv.padded) + format_values(x_col) + w_text
            data["cell_text"] = {"x": x, "y": y, "text": texts + format_values(conv.b)}
            product_x, product_y = cell_centres(np.array([[px, py]]), (1, K, P))
            text = format_values(conv.output)
            shown = [t if q <= step else "" for q, t in enumerate(text)]
            data["output_text"] = {"x": np.concatenate([product_x, ox]),
                                   "y": np.concatenate([product_y, oy]),
                                   "text": text * 2, "shown": shown * 2}  # fmt: skip
            data["output_fill"] = {"x": np.concatenate([product_x, ox]),
                                   "y": np.concatenate([product_y, oy])}  # fmt: skip
        else:  # each matrix one block; the input as images, a pixel a cell
            ur, up = geometry.unit_r, geometry.unit_p
            block(cx, cy, P * up, R * ur, INPUT)
            block(wx, wy, R * ur, K, PADDING)
            for g in range(conv.groups):
                block(wx + g * Rg * ur, wy + g * Kg, Rg * ur, Kg, WEIGHT)
            block(bx, by, 1, K, WEIGHT)
            block(px, py, P * up, K, OUTPUT)
            for corner in geometry.outputs:
                block(corner[0], corner[1], OW, OH, OUTPUT)
            data.update({name: {"x": [], "y": []} for name in (*FILLS, "output_fill")})
            if geometry.cell_px >= LEGIBLE_CELL_PX:
                data["cell_text"] = {"x": ix, "y": iy, "text": format_values(conv.padded)}
            data["images"] = block_images(conv, geometry)
        data["blocks"] = blocks
        data.update(self.highlight(step))
        return data

    def code(self) -> Code:
        return im2col_code(self.engine)

    def caption(self, n: int) -> str:
        step = self.engine[n]
        p = step.row * self.engine.output.shape[2] + step.col
        value = format_values(np.array([step.value]))[0]
        return f"step {n + 1}/{len(self)}:  w_row[{step.filter}] @ x_col[:, {p}] + b = {value}"

    def _formula(self, i: int) -> str:
        return output_size_rule(self.engine, i)
