"""What both engines share: their argument checks, caps, exact products and window positions.

NumPy only, like every module of app.engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

import numpy as np

# Caps that keep one request from exhausting a shared server. They sit far above what the
# demo shows (32x32x16 input, 16 filters of 11x11) so that the benchmark sizes still fit.
MAX_INPUT_CELLS = 2**20  # padded input C * Hp * Wp
MAX_STEPS = 2**20  # K * OH * OW window positions
MAX_WINDOW_READS = 2**24  # C*OH*OW*FH*FW gathered window cells, and K*Cg*OH*OW partial sums

Pair = tuple[int, int]


def pair(name: str, value: int | tuple[int, int], minimum: int) -> Pair:
    """An int or a (rows, cols) pair of ints, each at least `minimum`."""
    items = value if isinstance(value, (tuple, list, np.ndarray)) else (value, value)
    if len(items) != 2:
        raise ValueError(f"{name} must be an int or a (rows, cols) pair, got {value!r}")
    checked = []
    for item in items:
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, (int, np.integer)):
            raise ValueError(f"{name} must be an int or a (rows, cols) pair of ints, got {value!r}")
        if item < minimum:
            raise ValueError(f"{name} must be at least {minimum}, got {value!r}")
        checked.append(int(item))
    return checked[0], checked[1]


def numeric(name: str, array: object, ndim: int, shape_doc: str) -> np.ndarray:
    """`array` as a finite real array of `ndim` dimensions, integers kept as integers."""
    array = np.asarray(array)
    if array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D {shape_doc}, got shape {array.shape}")
    kind = array.dtype.kind  # b bool, i/u integers, f floats, c complex, others not numbers
    if kind in "iu":
        return array.astype(np.int64, copy=False)
    if kind != "f":
        raise ValueError(f"{name} must hold real numbers, got dtype {array.dtype}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite: it holds NaN or infinity")
    return array.astype(np.result_type(array.dtype, np.float32), copy=False)


class Options(TypedDict, total=False):
    """The keywords both engines take, as PyTorch's conv2d and conv_transpose2d do: an int, or
    a (rows, cols) pair; groups an int. Left out, each is its least value (0 for paddings)."""

    stride: int | Pair
    padding: int | Pair
    dilation: int | Pair
    groups: int


def arguments(
    engine: str, x: object, w: object, w_shape: str, options: Mapping[str, object], taken: type
) -> tuple[np.ndarray, np.ndarray, int, dict[str, Pair]]:
    """What an engine is given, checked: x (C, H, W) and w (`w_shape`) as finite real arrays
    with no empty dimension, groups at least 1 and dividing C, and every other keyword that
    the TypedDict `taken` names as a (rows, cols) pair at least its least value."""
    for name in options.keys() - taken.__optional_keys__:
        raise TypeError(f"{engine}() got an unexpected keyword argument {name!r}")
    x = numeric("x", x, 3, "(C, H, W)")
    w = numeric("w", w, 4, w_shape)
    groups = pair("groups", options.get("groups", 1), 1)[0]
    least = {name: 0 if "padding" in name else 1 for name in taken.__optional_keys__}
    axes = {name: pair(name, options.get(name, low), low) for name, low in least.items()}
    if min(x.shape) < 1 or min(w.shape) < 1:
        raise ValueError(f"x {x.shape} and w {w.shape} must have no empty dimension")
    if x.shape[0] % groups:
        raise ValueError(f"input channels C={x.shape[0]} must be divisible by groups={groups}")
    return x, w, groups, axes


def bias(b: object, K: int) -> np.ndarray:
    """b as K biases, zeros when there is none: (K,)."""
    if b is None:
        return np.zeros(K, dtype=np.int64)
    b = numeric("b", b, 1, "(K,)")
    if b.shape != (K,):
        raise ValueError(f"b must have shape (K,) = ({K},), got {b.shape}")
    return b


def product_dtype(a: np.ndarray, b: np.ndarray, terms: int, products: int) -> np.dtype:
    """The dtype in which to make `products` products of a and b and sum them `terms` at a
    time: float64 for integers while no sum can pass 2**53 (NumPy's integer matmul has no
    BLAS and is a hundred times slower), else int64; reals in their own precision."""
    if a.dtype.kind == "f" or b.dtype.kind == "f":
        return np.result_type(a.dtype, b.dtype)
    if products < 2**16:
        return np.dtype(np.int64)  # small enough that checking the bound would cost more
    largest = int(np.abs(a).max(initial=0)) * int(np.abs(b).max(initial=0)) * terms
    return np.dtype(np.float64 if largest < 2**53 else np.int64)


def matmul(
    a: np.ndarray, b: np.ndarray, dtype: np.dtype | None = None, integers: bool | None = None
) -> np.ndarray:
    """a @ b multiplied in `dtype` (by default, product_dtype's); the result is int64 when
    `integers` (by default, when a and b are integer arrays), exact as long as `dtype` is."""
    if dtype is None:
        dtype = product_dtype(a, b, a.shape[-1], a.shape[-2] * a.shape[-1] * b.shape[-1])
    if integers is None:
        integers = a.dtype.kind in "iu" and b.dtype.kind in "iu"
    product = np.matmul(a.astype(dtype, copy=False), b.astype(dtype, copy=False))
    return product.astype(np.int64, copy=False) if integers else product


def step_index(n: int, count: int) -> int:
    """n as an index into `count` steps (negative counts from the end, as for a sequence)."""
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"step index must be an int, got {n!r}")
    if not -count <= n < count:
        raise ValueError(f"step n={n} is out of range: there are {count} steps (0..{count - 1})")
    return int(n) % count


def window(position: int, taps: int, stride: int, dilation: int) -> tuple[int, ...]:
    """The rows (or columns) a window covers along one axis: tap t of the window at
    `position` lies at position * stride + t * dilation. The browser's scripts place their
    highlights by the same rule (`window_at` in app/figures/js/controls.js)."""
    return tuple(position * stride + t * dilation for t in range(taps))


def within_caps(*limits: tuple[str, int, int]) -> None:
    """Each (what, count, cap) at most its cap, or a ValueError naming the first past it."""
    for what, count, cap in limits:
        if count > cap:
            raise ValueError(f"{what} = {count}, over the cap {cap}")


def covered(size: int, n_out: int, kernel: int, stride: int, dilation: int) -> np.ndarray:
    """Which of `size` padded positions some window covers along one axis: (size,) bool."""
    starts = np.arange(n_out) * stride  # (n_out,)
    reached = np.zeros(size, dtype=bool)  # (size,)
    reached[(starts[:, None] + np.arange(kernel) * dilation).ravel()] = True
    return reached


def add_windows(
    patches: np.ndarray, size: tuple[int, int], stride: Pair, dilation: Pair
) -> np.ndarray:
    """Every (N, FH, FW, P, Q) patch added into the window at its (p, q): an (N, *size) array
    (col2im). One strided add per kernel tap: tap (r, q) of every position lands a stride
    apart. The transposed layer's canvas and the backward pass's dx are both made so."""
    N, FH, FW, P, Q = patches.shape
    (sh, sw), (dh, dw) = stride, dilation
    added = np.zeros((N, *size), dtype=patches.dtype)  # (N, rows, cols)
    for r in range(FH):
        for q in range(FW):
            rows = slice(r * dh, r * dh + (P - 1) * sh + 1, sh)
            cols = slice(q * dw, q * dw + (Q - 1) * sw + 1, sw)
            added[:, rows, cols] += patches[:, r, q]
    return added


def channels_read(k: int, K: int, C: int, groups: int) -> range:
    """The input channels filter k of K reads: its group's slice of C."""
    group = k // (K // groups)
    return range(group * (C // groups), (group + 1) * (C // groups))
