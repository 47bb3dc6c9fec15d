"""Readers of what a demo's page shows, from its Bokeh models: the highlighted cells, the
readout's numbers, the sizes in `meta`, and where a cell of the figure is on the screen."""

from __future__ import annotations

import io
import re

import numpy as np
from PIL import Image

from support.serving import Page


def meta(page: Page, key: str, demo: str = "conv"):
    """One size (or contract entry) the demo's browser script reads."""
    return page.model(f"{demo}_meta", f"model.data.{key}[0]")


def origins(page: Page, demo: str = "conv") -> tuple[list[float], list[float]]:
    """The top-left corner of every block, in the contract's order."""
    return page.model(f"{demo}_origins", "[Array.from(model.data.x), Array.from(model.data.y)]")


def cells_at(page: Page, source: str, blocks, rows: int, cols: int, demo: str = "conv"):
    """(block, row, col) of every cell centre of `source` that lies on one of `blocks`, each
    a rows x cols grid."""
    ox, oy = origins(page, demo)
    xs, ys, ws, hs = page.model(
        source,
        "[model.data.x, model.data.y, model.data.w ?? model.data.x.map(() => 1),"
        " model.data.h ?? model.data.x.map(() => 1)].map(column => Array.from(column))",
    )
    centres = []
    for x, y, w, h in zip(xs, ys, ws, hs, strict=True):
        # A rectangle around several cells (a window outlined as one block) marks each of them.
        across, down = round(w), round(h)
        centres += [
            (x - (across - 1) / 2 + q, y - (down - 1) / 2 + r)
            for r in range(down)
            for q in range(across)
        ]
    found = set()
    for x, y in centres:
        for block in blocks:
            row, col = round(y - oy[block] - 0.5), round(x - ox[block] - 0.5)
            on_grid = abs(y - oy[block] - 0.5 - row) + abs(x - ox[block] - 0.5 - col) < 1e-6
            if on_grid and 0 <= row < rows and 0 <= col < cols:
                found.add((block, row, col))
                break
    return found


def window_cells(page: Page) -> set[tuple[int, int, int]]:
    """(channel, padded row, padded column) of every blue window cell on screen."""
    C, Hp, Wp = (meta(page, key) for key in ("C", "Hp", "Wp"))
    return cells_at(page, "conv_window_box", range(C), Hp, Wp)


def readout_text(page: Page, demo: str = "conv") -> str:
    """The readout's words as the page shows them (the browser rewrites them in place)."""
    return page.model(f"{demo}_readout", "Bokeh.index.find_one(model).markup_el.textContent")


def readout_numbers(page: Page, demo: str = "conv"):
    """The step (from 1), each channel's scalar, the bias and the value in the readout, as
    the page shows it (the browser rewrites its words in place: controls.js)."""
    html = page.model(f"{demo}_readout", "Bokeh.index.find_one(model).markup_el.innerHTML")
    scalars = {int(d): v for d, v in re.findall(r'data-channel="(\d+)">([^<]+)<', html)}
    (value,) = re.findall(r'class="value">([^<]+)<', html)
    (bias,) = re.findall(r'class="bias">([^<]+)<', html)
    (step,) = re.findall(r'class="step">(\d+)<', html)
    return int(step), scalars, bias, value


def screen_point(page: Page, x: float, y: float, demo: str = "conv") -> list[float]:
    """Window coordinates of data point (x, y) of the demo's figure, scrolled into view (a
    field filled further down the page may have scrolled it away)."""
    code = (
        "(() => { const view = Bokeh.index.find_one(model);"
        " view.el.scrollIntoView({block: 'nearest', inline: 'nearest'});"
        " const box = view.el.getBoundingClientRect(), f = view.frame;"
        f" return [box.left + f.x_scale.compute({x}), box.top + f.y_scale.compute({y})] }})()"
    )
    return page.model(f"{demo}_figure", code)


def output_cell_centre(page: Page, k: int, row: int, col: int, demo: str = "conv"):
    """Page coordinates of output cell (row, col) of filter k."""
    ox, oy = origins(page, demo)
    block = meta(page, "block_outputs", demo) + k
    return screen_point(page, ox[block] + col + 0.5, oy[block] + row + 0.5, demo)


def ink(page: Page, k: int, row: int, col: int, demo: str = "conv") -> int:
    """Dark pixels in the middle of output cell (row, col) of filter k as the screen shows
    it: a written value's digits (the cell's fill, its border and the cursor's are lighter
    or outside the middle)."""
    x, y = output_cell_centre(page, k, row, col, demo)
    beside = output_cell_centre(page, k, row, col + 1, demo)  # a cell's width on screen
    half = 0.3 * (beside[0] - x)
    clip = {"x": x - half, "y": y - half, "width": 2 * half, "height": 2 * half}
    grey = np.asarray(Image.open(io.BytesIO(page.page.screenshot(clip=clip))).convert("L"))
    return int((grey < 110).sum())
