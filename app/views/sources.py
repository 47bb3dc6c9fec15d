"""The data of every ColumnDataSource of the demo, for one convolution (no Bokeh here)."""

from __future__ import annotations

import numpy as np

from app.engine import Convolution
from app.views.highlight import highlight_columns
from app.views.layout import (
    OUTPUT,
    Geometry,
    cell_columns,
    output_columns,
    unvisited_columns,
)
from app.views.pictures import (
    block_images,
    levels,
    picture_images,
    plain_blocks,
    rgba,
    shown_output,
)

OFF_PLOT = -1000.0  # where the hover preview waits while no output cell is hovered
EMPTY_TEXT = {"x": [], "y": [], "text": [], "shown": []}
EMPTY_IMAGES = {"image": [], "x": [], "y": [], "dw": [], "dh": []}
EMPTY_CELLS = {"x": [], "y": []}
EMPTY_BLOCKS = {"x": [], "y": [], "width": [], "height": []}


def numbers(values: np.ndarray) -> np.ndarray:
    """Values for the browser, flat: integers as int32 where they fit (half the bytes of the
    float64 everything else goes as; at the caps a change of stride sends 2**18 partial sums)."""
    values = np.asarray(values).ravel()
    if values.dtype.kind in "iu" and (values.size == 0 or np.abs(values).max() < 2**31):
        return values.astype(np.int32)
    return values.astype(np.float64) + 0.0  # + 0.0 turns -0.0 into 0.0


def source_data(
    conv: Convolution, geometry: Geometry, step: int, write_url: bool, relu: bool = False
) -> dict:
    """Each source's columns, in the order they must reach the page: `meta` last, as its
    change is what tells the browser to redraw with the new arrays. A geometry with pictures
    is the image mode: blocks as images, the output after ReLU when `relu` is on."""
    image_mode = len(geometry.pictures) > 0
    C, Hp, Wp = conv.padded.shape  # channels, padded rows, padded columns
    K, Cg, FH, FW = conv.w.shape  # filters, channels per group, kernel rows, kernel columns
    OH, OW = conv.output.shape[1:]
    origins = geometry.origins  # (C + K*Cg + 2K, 2)
    blocks = plain_blocks(conv, geometry)  # one rectangle a slice, bias and output block
    cells = cell_columns(conv, geometry, text=geometry.legible)
    outputs = output_columns(shown_output(conv, relu and image_mode), geometry, geometry.legible)
    # Values get sources of their own, empty when too small to read: Bokeh measures every
    # string of a text glyph, shown or not, and at the caps that alone takes seconds.
    cell_text, output_text = dict(EMPTY_TEXT), dict(EMPTY_TEXT)
    if geometry.legible:
        cell_text = {"x": cells["x"], "y": cells["y"], "text": cells["text"]}
        shown = [text if q <= step else "" for q, text in enumerate(outputs["text"])]
        output_text = {**outputs, "shown": shown}
    partials = conv.partials.transpose(0, 2, 3, 1)  # (K, OH, OW, Cg): step-major
    data = {
        "origins": {"x": origins[:, 0], "y": origins[:, 1]},
        "cells": {"value": cells["value"]},
        "cell_text": cell_text,
        "unvisited": unvisited_columns(conv, geometry),
        "outputs": {"value": numbers(conv.output)},
        "output_blocks": blocks["outputs"],
        "output_text": output_text,
        "scalars": {"value": numbers(partials)},
        "preview": {"x": np.full(Cg * FH * FW, OFF_PLOT), "y": np.zeros(Cg * FH * FW)},
    }
    # Legible cells are drawn one by one, one glyph a colour; smaller ones as an image a block,
    # since the canvas spends microseconds on every rectangle and tens of thousands add up.
    fills = ("input_fill", "padding_fill", "weight_fill")
    for kind, name in enumerate(fills):
        chosen = cells["kind"] == kind
        data[name] = {"x": cells["x"][chosen], "y": cells["y"][chosen]}
    data["output_fill"] = {"x": outputs["x"], "y": outputs["y"]}
    data["images"] = EMPTY_IMAGES
    data["levels"] = {"value": []}
    extra = {"picture": 0, "relu": 0, "rgb": 0, "first_output": 0}
    if image_mode:
        # Cells of the input and output blocks are pixels: images, with values over them.
        data.update(dict.fromkeys(("input_fill", "padding_fill", "output_fill"), EMPTY_CELLS))
        pictures = picture_images(conv, geometry, step, relu)
        data["images"], data["levels"] = pictures["images"], {"value": levels(conv, relu)}
        extra = {"picture": 1, "relu": int(relu), "rgb": int(pictures["rgb"]),
                 "first_output": pictures["first_output"], "blank": int(rgba(OUTPUT))}  # fmt: skip
    data["weight_blocks"] = data["output_block_fill"] = EMPTY_BLOCKS
    if not geometry.legible:
        data.update(dict.fromkeys((*fills, "output_fill", "unvisited"), EMPTY_CELLS))
        data["weight_blocks"] = blocks["weights"]
        if not image_mode:
            data["images"] = block_images(conv, geometry)
            data["output_block_fill"] = blocks["outputs"]
    data.update(highlight_columns(conv, geometry, step))
    sizes = dict(
        C=C, Hp=Hp, Wp=Wp, K=K, Cg=Cg, G=conv.groups, FH=FH, FW=FW, OH=OH, OW=OW,
        sh=conv.stride[0], sw=conv.stride[1], dh=conv.dilation[0], dw=conv.dilation[1],
        N=len(conv), integer=conv.output.dtype.kind in "iu", start=step, write_url=write_url,
        **extra,
    )  # fmt: skip
    data["meta"] = {key: [int(value)] for key, value in sizes.items()}
    return data
