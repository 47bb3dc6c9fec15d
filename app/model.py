"""The demo's settings and the convolution derived from them (param only: no Panel, no Bokeh)."""

from __future__ import annotations

import numpy as np
import param

from app.cells import parse_cell
from app.engine import Convolution
from app.pictures import KERNELS, PICTURES, image_weights, kernel, picture
from app.transposed import TransposedConvolution, swap_in_out

SEED_MAX = 2**31 - 1
AXES = ("stride", "padding", "dilation", "output_padding")
MAX_CANVAS_CELLS = 2**14  # a transposed output past this is no longer legible on a screen


class DemoSettings(param.Parameterized):
    """Everything that defines one demo. Bounds here are the documented caps, read by widgets,
    URL parsing and the command line alike; the default is the CS231n notes' set-up."""

    height = param.Integer(
        5, bounds=(1, 32), label="Input height", doc="Input rows, before padding"
    )
    width = param.Integer(5, bounds=(1, 32), label="Input width", doc="Input columns")
    depth = param.Integer(3, bounds=(1, 16), label="Depth (channels)", doc="Input channels")
    n_filters = param.Integer(2, bounds=(1, 16), label="Filters", doc="Output channels")
    kernel_height = param.Integer(3, bounds=(1, 11), label="Kernel height", doc="Filter rows")
    kernel_width = param.Integer(3, bounds=(1, 11), label="Kernel width", doc="Filter columns")
    stride = param.Integer(2, bounds=(1, 8), label="Stride (rows)", doc="Rows between windows")
    stride_cols = param.Integer(2, bounds=(1, 8), label="Stride (columns)")
    padding = param.Integer(1, bounds=(0, 5), label="Padding (rows)", doc="Zero rows added")
    padding_cols = param.Integer(1, bounds=(0, 5), label="Padding (columns)")
    dilation = param.Integer(1, bounds=(1, 5), label="Dilation (rows)", doc="Gap between taps")
    dilation_cols = param.Integer(1, bounds=(1, 5), label="Dilation (columns)")
    output_padding = param.Integer(
        0, bounds=(0, 7), label="Output padding (rows)",
        doc="Transposed only: rows added at the bottom; must be below stride or dilation",
    )  # fmt: skip
    output_padding_cols = param.Integer(0, bounds=(0, 7), label="Output padding (columns)")
    separate_axes = param.Boolean(False, label="Set rows and columns apart")
    groups = param.Integer(1, bounds=(1, 16), label="Groups", doc="Must divide depth and filters")
    bias = param.Boolean(True, label="Bias")
    values = param.Selector(
        default="integers",
        objects=["integers", "decimals", "ones"],
        label="Values",
        doc="CS231n's small integers (input 0..2, weights -1..1), one-decimal reals, or all ones",
    )
    mode = param.Selector(
        default="convolution", objects=["convolution", "transposed", "image"], label="Layer",
        doc="A convolution, a transposed convolution (conv_transpose2d), or a real picture",
    )  # fmt: skip
    picture = param.Selector(
        default="shapes", objects=[*PICTURES, "upload"], label="Picture",
        doc="Image mode: a shipped 32x32 picture, or the one uploaded",
    )  # fmt: skip
    kernel = param.Selector(
        default="sobel x", objects=list(KERNELS), label="Kernel",
        doc="Image mode: a classic 3x3 kernel, or random -1..1 integers of the kernel size",
    )  # fmt: skip
    across_channels = param.Boolean(
        False, label="One filter across R, G and B",
        doc="Image mode: one filter 3 deep (a grey result), or one filter per channel",
    )  # fmt: skip
    relu = param.Boolean(False, label="ReLU", doc="Image mode: show max(0, output)")
    upload = param.Array(default=None, doc="The uploaded picture, (3, H, W) 0..255")
    equivalent = param.Boolean(
        False, label="Show the equivalent direct convolution",
        doc="Transposed only: zeros inserted, kernel flipped, stride 1, side by side",
    )  # fmt: skip
    seed = param.Integer(0, bounds=(0, SEED_MAX), label="Seed", doc="Seed of the random values")
    edits = param.Dict(default={}, doc="Cells set by hand: {'x,d,r,c' | 'w,k,c,r,s' | 'b,k': v}")

    conv = param.ClassSelector(
        class_=(Convolution, TransposedConvolution), doc="The last valid layer"
    )
    error = param.String(default="", doc="Why the current settings give no convolution")

    def __init__(self, **params) -> None:
        super().__init__(**params)
        self._link_axes()
        self._rebuild()

    @param.depends(*[f"{axis}" for axis in AXES], "separate_axes", watch=True)
    def _link_axes(self) -> None:
        if not self.separate_axes:
            self.param.update({f"{axis}_cols": getattr(self, axis) for axis in AXES})

    def divisors(self) -> list[int]:
        """The groups values that divide both depth and filters."""
        limit = min(self.depth, self.n_filters)
        return [g for g in range(1, limit + 1) if self.depth % g == 0 and self.n_filters % g == 0]

    @param.depends(
        "height",
        "width",
        "depth",
        "n_filters",
        "kernel_height",
        "kernel_width",
        *AXES,
        *[f"{axis}_cols" for axis in AXES],
        "groups",
        "bias",
        "values",
        "mode",
        "picture",
        "kernel",
        "across_channels",
        "upload",
        "seed",
        "edits",
        watch=True,
    )
    def _rebuild(self) -> None:
        # Linked axes copy the rows value into the columns one: the same demo, built once.
        derived = ("name", "conv", "error", "edits", "equivalent", "relu", "upload",
                   *[f"{a}_cols" for a in AXES])  # fmt: skip
        chosen = {k: v for k, v in self.param.values().items() if k not in derived}
        upload = None if self.upload is None else self.upload.tobytes()
        key = (chosen, self.axes(), sorted(self.edits.items()), upload)
        if key == getattr(self, "_built", None):
            return
        self._built = key
        try:
            conv = self.build()
        except ValueError as error:
            self.error = str(error)  # the last valid conv stays on screen
            return
        self.param.update(conv=conv, error="")

    def axes(self) -> dict[str, tuple[int, int]]:
        """Stride, padding and dilation as (rows, cols): the rows value twice while linked."""
        return {
            axis: (
                getattr(self, axis),
                getattr(self, f"{axis}_cols" if self.separate_axes else axis),
            )
            for axis in AXES
        }

    def drawing(self) -> dict[str, bool]:
        """How a convolution is drawn: as pictures in image mode, after ReLU when it is on."""
        picture = self.mode == "image"
        return {"picture": picture, "relu": picture and self.relu}

    def build(self) -> Convolution | TransposedConvolution:
        """The layer these settings describe, or a ValueError naming what does not fit."""
        if self.groups not in self.divisors() and self.mode != "image":
            raise ValueError(
                f"groups={self.groups} must divide depth={self.depth} and "
                f"filters={self.n_filters}: choose one of {self.divisors()}"
            )
        x, w, b = self.arrays()
        b = b if self.bias else None
        axes = self.axes()
        output_padding = axes.pop("output_padding")
        if self.mode == "image":
            groups = 1 if self.across_channels else x.shape[0]
            return Convolution(x, w, None, **axes, groups=groups)
        if self.mode == "convolution":
            return Convolution(x, w, b, **axes, groups=self.groups)
        # The same slices as the direct layer, stored as conv_transpose2d wants: (C, K/G, FH, FW)
        w = swap_in_out(w, self.groups)
        tconv = TransposedConvolution(
            x, w, b, **axes, output_padding=output_padding, groups=self.groups
        )
        K, Hc, Wc = tconv.canvas.shape
        if K * Hc * Wc > MAX_CANVAS_CELLS:
            raise ValueError(
                f"the transposed output, {K} filters of {Hc}x{Wc} before cropping, has "
                f"{K * Hc * Wc} cells, over the {MAX_CANVAS_CELLS} a screen can show: "
                "choose a smaller input, stride, kernel or fewer filters"
            )
        return tconv

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """x (C, H, W), w (K, C // groups, FH, FW) and b (K,) from the seed and the edits."""
        x, w, b = self._image() if self.mode == "image" else self._drawn()
        arrays = {"x": x, "w": w, "b": b}
        for key, value in self.edits.items():
            name, index = parse_cell(key)
            if len(index) != arrays[name].ndim or not all(
                0 <= i < n for i, n in zip(index, arrays[name].shape, strict=True)
            ):
                continue  # a cell of a larger shape: it returns when the shape does
            if arrays[name].dtype.kind in "iu" and value != int(value):
                arrays = {n: a.astype(float) for n, a in arrays.items()}  # one real makes all real
            arrays[name][index] = value
        return arrays["x"], arrays["w"], arrays["b"]

    def _image(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The picture, and the chosen kernel as one filter per channel or one across them."""
        if self.picture == "upload":
            if self.upload is None:
                raise ValueError("picture=upload: no picture has been uploaded yet")
            x = self.upload.astype(np.int64)  # (3, H, W)
        else:
            x = picture(self.picture)  # (3, H, W)
        size = (self.kernel_height, self.kernel_width)
        w = image_weights(kernel(self.kernel, self.seed, size), self.across_channels, x.shape[0])
        return x, w, np.zeros(w.shape[0], dtype=w.dtype)

    def _drawn(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Random values of the chosen kind, from the seed."""
        C, H, W = self.depth, self.height, self.width  # channels, rows, columns
        K, FH, FW = self.n_filters, self.kernel_height, self.kernel_width
        shapes = (C, H, W), (K, C // self.groups, FH, FW)
        rng = np.random.default_rng(self.seed)
        if self.values == "integers":  # drawn in the order cs231n_default draws them
            x, w = rng.integers(0, 3, size=shapes[0]), rng.integers(-1, 2, size=shapes[1])
            b = (np.arange(K) + 1) % 2  # (K,): 1, 0, 1, ... as the notes' b0 = 1, b1 = 0
        elif self.values == "decimals":
            x = np.round(rng.uniform(0, 2, size=shapes[0]), 1)
            w = np.round(rng.uniform(-1, 1, size=shapes[1]), 1)
            b = np.round(rng.uniform(-1, 1, size=K), 1)
        else:
            x, w, b = np.ones(shapes[0], int), np.ones(shapes[1], int), np.ones(K, int)
        return x, w, b
