"""The backward pass of a convolution, step by step in the forward pass's order.

Given dout (K, OH, OW), the gradient of a loss with respect to the output, a step (k, i, j)
scatters dout[k, i, j] * w[k] into the window of dx, adds dout[k, i, j] * window into dw[k],
and dout[k, i, j] into db[k]. Summed over every step these are the gradients PyTorch's
autograd gives for (conv2d(x, w, b) * dout).sum(). Padding that copies input cells (reflect,
replicate, circular) hands its gradient back to the cells it copies.

NumPy only, like all of app.engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from app.engine.checks import add_windows, matmul, numeric, step_index
from app.engine.cost import Cost, Shapes, backward_cost


class Forward(Protocol):
    """What the backward pass reads of its forward layer (a Convolution, which makes it with
    `backward`): declared here, so that neither module imports the other."""

    x: np.ndarray  # (C, H, W)
    w: np.ndarray  # (K, C // groups, FH, FW)
    output: np.ndarray  # (K, OH, OW)
    padded: np.ndarray  # (C, Hp, Wp)
    copied_rows: np.ndarray  # (Hp,) the input row each padded row holds, -1 for a zero
    copied_cols: np.ndarray  # (Wp,)
    stride: tuple[int, int]
    dilation: tuple[int, int]
    groups: int

    @property
    def shapes(self) -> Shapes: ...

    def im2col(self) -> tuple[np.ndarray, np.ndarray]: ...

    def position(self, n: int) -> tuple[Any, ...]: ...


@dataclass(frozen=True)
class Gradients:
    """dx (C, H, W), dw (K, C // groups, FH, FW), db (K,), and dx as the windows leave it on
    the padded input, before the padding hands its share on (copies) or drops it (zeros)."""

    dx: np.ndarray
    dw: np.ndarray
    db: np.ndarray
    padded: np.ndarray  # (C, Hp, Wp)


@dataclass(frozen=True, slots=True)
class BackwardStep:
    """One output cell's share of the gradients."""

    index: int  # position in the forward pass's order
    filter: int  # k
    row: int  # output row i
    col: int  # output column j
    channels: tuple[int, ...]  # input channels filter k reads
    rows: tuple[int, ...]  # padded-input rows of its window
    cols: tuple[int, ...]  # padded-input columns of its window
    upstream: float  # dout[k, i, j]
    into_dx: np.ndarray  # (Cg, FH, FW): dout[k, i, j] * w[k], added into the window of dx
    into_dw: np.ndarray  # (Cg, FH, FW): dout[k, i, j] * window, added into dw[k]


class Backward:
    """Every step of a convolution's backward pass for one upstream gradient dout."""

    def __init__(self, conv: Forward, dout: object) -> None:
        dout = numeric("dout", dout, 3, "(K, OH, OW)")
        if dout.shape != conv.output.shape:
            raise ValueError(
                f"dout must have the output's shape (K, OH, OW) = {conv.output.shape}, "
                f"got {dout.shape}"
            )
        self.conv, self.dout = conv, dout
        self.gradients = self._gradients(dout)

    @property
    def dx(self) -> np.ndarray:
        return self.gradients.dx

    @property
    def dw(self) -> np.ndarray:
        return self.gradients.dw

    @property
    def db(self) -> np.ndarray:
        return self.gradients.db

    def __len__(self) -> int:
        return self.dout.size

    @property
    def stride(self) -> tuple[int, int]:
        """The forward pass's: a step's window is where it was going forward."""
        return self.conv.stride

    @property
    def dilation(self) -> tuple[int, int]:
        return self.conv.dilation

    def cost(self) -> list[Cost]:
        """The forward pass's cost, then the backward pass's."""
        return backward_cost(self.conv.shapes)

    def _gradients(self, dout: np.ndarray) -> Gradients:
        """dx, dw and db for upstream gradient `dout`: the matrix products of im2col."""
        conv = self.conv
        K, Cg, FH, FW = conv.w.shape
        G, (C, H, W), (_, OH, OW) = conv.groups, conv.x.shape, conv.output.shape
        per_group = dout.reshape(G, K // G, OH * OW)  # (G, K/G, P)
        db = dout.sum(axis=(1, 2))  # (K,)
        # Gathered for each call rather than kept: x_col copies the input for every cell of a
        # window, and a session would hold it as long as it shows the layer.
        x_col, w_row = conv.im2col()  # (G, Cg*FH*FW, P), (G, K/G, Cg*FH*FW)
        # dw[k] is dout[k] against every window: (K/G, P) @ (P, Cg*FH*FW) per group.
        dw = matmul(per_group, x_col.transpose(0, 2, 1)).reshape(K, Cg, FH, FW)
        # Every window's share of dx, then scattered back onto the padded input (col2im).
        shares = matmul(w_row.transpose(0, 2, 1), per_group).reshape(C, FH, FW, OH, OW)
        padded = add_windows(shares, conv.padded.shape[1:], conv.stride, conv.dilation)
        # Each padded cell hands its gradient to the input cell it holds (none for zeros).
        dx = np.zeros((C, H, W), dtype=padded.dtype)
        rows, cols = np.meshgrid(conv.copied_rows, conv.copied_cols, indexing="ij")
        held = (rows >= 0) & (cols >= 0)  # (Hp, Wp)
        np.add.at(dx, (slice(None), rows[held], cols[held]), padded[:, held])
        return Gradients(dx, dw, db, padded)

    def running(self, n: int) -> Gradients:
        """dx, dw and db once steps 0..n have added their shares."""
        n = step_index(n, len(self))
        taken = (np.arange(len(self)) <= n).reshape(self.dout.shape)
        return self._gradients(np.where(taken, self.dout, 0))

    def __getitem__(self, n: int) -> BackwardStep:
        conv = self.conv
        n = step_index(n, len(self))
        k, i, j, channels, rows, cols = conv.position(n)
        upstream = self.dout[k, i, j]
        patch = conv.padded[np.ix_(channels, rows, cols)]  # (Cg, FH, FW)
        return BackwardStep(
            index=n, filter=k, row=i, col=j, channels=channels, rows=rows, cols=cols,
            upstream=upstream.item(), into_dx=upstream * conv.w[k], into_dw=upstream * patch,
        )  # fmt: skip

    def __iter__(self) -> Iterator[BackwardStep]:
        return (self[n] for n in range(len(self)))
