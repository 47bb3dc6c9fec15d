"""What every layer's scene gives its figure, its export and its GIF: the placed picture, the
columns of every source at a step (`meta` last, with the browser's contract in it), its words."""

from __future__ import annotations

from functools import cached_property

import numpy as np

from app.engine import Engine
from app.engine.cost import Cost, Count, output_values
from app.scene.blocks import Blocks, Geometry, contract
from app.scene.code import Code
from app.scene.layout import SCREEN, Box, place


class Scene:
    """One engine as its layer draws it. Subclasses name the blocks, the sources' columns, the
    sizes their browser script reads, and the output-size formula."""

    VALUE_GROUND = 0.0  # opacity of the white ground under values drawn over cells

    def __init__(self, engine: Engine, box: Box = SCREEN) -> None:
        self.engine = engine
        self.box = box  # the pixels the figure may take on its page

    @cached_property
    def blocks(self) -> Blocks:
        return self._blocks()

    @cached_property
    def geometry(self) -> Geometry:
        """The largest cells at which the picture fits the screen (made on first use: the
        sidebar asks a scene for its words alone)."""
        return place(self.blocks, self.box)

    def __len__(self) -> int:
        return len(self.engine)

    def clamp(self, step: int) -> int:
        """`step` as one of this engine's steps: a new layer may have fewer than the last."""
        return min(max(step, 0), len(self.engine) - 1)

    def sources(self, step: int, write_url: bool) -> dict[str, dict]:
        """Every source's columns at `step`, in the order they must reach the page: `meta`
        last, as its change is what tells the browser to redraw with the new arrays."""
        data = self._columns(step)
        (sh, sw), (dh, dw) = self.engine.stride, self.engine.dilation  # for the window's cells
        sizes = {
            **self._sizes(),
            **self._contract(),
            **dict(sh=sh, sw=sw, dh=dh, dw=dw),
            "N": len(self.engine),
            "integer": self.integer(),
            "start": step,
            "write_url": write_url,
        }
        data["meta"] = {key: [int(value)] for key, value in sizes.items()}
        return data

    def caption(self, n: int) -> str:
        """Step n in one line, under a GIF's frame or a poster."""
        return f"step {n + 1}/{len(self)}"

    def integer(self) -> bool:
        """Whether the numbers the browser computes are integers (written without decimals)."""
        return self.engine.output.dtype.kind in "iu"

    def formulas(self) -> list[str]:
        """PyTorch's output-size rule with this layer's numbers, for rows and columns."""
        sizes = self.engine.output.shape[1:]
        return [f"{axis} = {self._formula(i)} = {sizes[i]}" for i, axis in enumerate(("OH", "OW"))]

    def _formula(self, i: int) -> str:
        """The output-size rule along axis i (0 rows, 1 columns), with the numbers in it."""
        raise NotImplementedError

    def code(self) -> Code:
        """The layer as PyTorch's module and as NumPy loops, with the values on screen."""
        raise NotImplementedError

    def cost(self) -> tuple[Count, list[Cost]]:
        """The output values it makes, and its parameters and multiply-adds beside those of
        the same mapping made otherwise."""
        return output_values(self.engine.shapes), self.engine.cost()

    def note(self) -> str:
        """What else the picture needs said (cells no window covers); empty if nothing."""
        return ""

    def _blocks(self) -> Blocks:
        raise NotImplementedError

    def _contract(self) -> dict[str, int]:
        """Where the browser's scripts find each block in `origins` and each value in `cells`."""
        return contract(self.blocks)

    def _columns(self, step: int) -> dict[str, dict]:
        raise NotImplementedError

    def _sizes(self) -> dict[str, int | np.integer]:
        """The sizes the layer's browser script reads from `meta`, beyond the shapes of its
        blocks and the window's strides and dilations that every layer's script reads."""
        raise NotImplementedError
