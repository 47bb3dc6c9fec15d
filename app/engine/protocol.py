"""What every engine gives the layers above it: a declared interface, not a union of types."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from app.engine.cost import Cost


@runtime_checkable
class Engine(Protocol):
    """A layer's arithmetic, step by step: its window's stride and dilation along (rows, cols),
    what it costs, and each step in the demo's order (what the shared scene reads; a layer's
    own scene reads its own engine's arrays)."""

    stride: tuple[int, int]
    dilation: tuple[int, int]

    def cost(self) -> list[Cost]: ...

    def __len__(self) -> int: ...

    def __getitem__(self, n: int) -> Any: ...
