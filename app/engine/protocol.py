"""What every engine gives the layers above it: a declared interface, not a union of types."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from app.engine.cost import Cost, Shapes


class Engine(Protocol):
    """A layer's arithmetic, step by step: its output, its window's stride and dilation along
    (rows, cols), the sizes its cost is counted from, and each step in the demo's order."""

    output: np.ndarray  # (channels, rows, columns)
    stride: tuple[int, int]
    dilation: tuple[int, int]

    @property
    def shapes(self) -> Shapes: ...

    def cost(self) -> list[Cost]: ...

    def __len__(self) -> int: ...

    def __getitem__(self, n: int) -> Any: ...
