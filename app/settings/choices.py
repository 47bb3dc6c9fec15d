"""What a person chooses for the demo: every setting, its cap and its words (param only).

Bounds here are the documented caps, read by the widgets, the URL grammar and the command line
alike; the default is the CS231n notes' set-up. The layer these settings make, and which of
them each layer reads, is app.layers' business.
"""

from __future__ import annotations

import secrets

import param

from app.settings.pictures import KERNELS, PICTURES

SEED_MAX = 2**31 - 1


def axis_pair(
    default: int, bounds: tuple[int, int], label: str, rows: str
) -> tuple[param.Integer, param.Integer]:
    """A setting for the rows, which the columns take too until separate_axes, and the
    columns' own (its `_cols` twin)."""
    return (
        param.Integer(default, bounds=bounds, label=f"{label} (rows)",
                      doc=f"{rows} (and columns, until separate_axes)"),
        param.Integer(default, bounds=bounds, label=f"{label} (columns)",
                      doc="The columns' own, once separate_axes"),
    )  # fmt: skip


class Settings(param.Parameterized):
    """Everything that defines one demo, as a person chooses it."""

    height = param.Integer(
        5, bounds=(1, 32), label="Input height", doc="Input rows, before padding"
    )
    width = param.Integer(5, bounds=(1, 32), label="Input width", doc="Input columns")
    depth = param.Integer(3, bounds=(1, 16), label="Depth (channels)", doc="Input channels")
    n_filters = param.Integer(
        2, bounds=(1, 16), label="Filters", doc="Filters: one output channel each"
    )
    kernel_height = param.Integer(3, bounds=(1, 11), label="Kernel height", doc="Filter rows")
    kernel_width = param.Integer(3, bounds=(1, 11), label="Kernel width", doc="Filter columns")
    # Every setting with a `_cols` twin is set for rows and columns alike until separate_axes.
    stride, stride_cols = axis_pair(2, (1, 8), "Stride", "Rows between windows")
    padding, padding_cols = axis_pair(1, (0, 5), "Padding", "Rows added above and below")
    padding_mode = param.Selector(
        default="zeros", objects=["zeros", "reflect", "replicate", "circular"],
        label="Padding mode",
        doc="As nn.Conv2d's: zeros, reflect (padding below the input's size), replicate, or "
        "circular (padding at most the input's size); the transposed, backward and pooling "
        "layers take zeros",
    )  # fmt: skip
    dilation, dilation_cols = axis_pair(
        1, (1, 5), "Dilation",
        "Rows from one tap to the next: 1 is an ordinary convolution (the notes' dilation 0)",
    )  # fmt: skip
    output_padding, output_padding_cols = axis_pair(
        0, (0, 7), "Output padding",
        "Transposed only: rows added at the bottom; must be below stride or dilation",
    )  # fmt: skip
    equivalent = param.Boolean(
        False, label="Show the equivalent direct convolution",
        doc="Transposed only: zeros inserted, kernel flipped, stride 1, side by side",
    )  # fmt: skip
    upstream = param.Selector(
        default="integers", objects=["integers", "ones"], label="Upstream gradient dout",
        doc="Backward only: small integers (-2 to 2) from the seed, or all ones (the gradient "
        "of the output's sum)",
    )  # fmt: skip
    dx_as_convolution = param.Boolean(
        False, label="Show dx as a convolution",
        doc="Backward only: dout spread out by the stride, the filters flipped, stride 1",
    )  # fmt: skip
    pool = param.Selector(
        default="max", objects=["max", "avg"], label="Pooling",
        doc="Pooling only: the largest value of each window (max), or their mean (avg)",
    )  # fmt: skip
    ceil_mode = param.Boolean(
        False, label="Ceil mode",
        doc="Pooling only: round the output size up, as ceil_mode=True (a last, partial window)",
    )  # fmt: skip
    count_include_pad = param.Boolean(
        True, label="Count the padding in the average",
        doc="Average pooling only: divide by the window's size, padding included, or by the "
        "input cells it covers",
    )  # fmt: skip
    compare = param.Boolean(
        False, label="Beside a convolution",
        doc="Pooling only: the same input through the filters, stepping beside it",
    )  # fmt: skip
    separate_axes = param.Boolean(
        False, label="Set rows and columns apart",
        doc="The columns' own stride, padding, dilation and output padding (the _cols settings)",
    )  # fmt: skip
    groups = param.Integer(
        1, bounds=(1, 16), label="Groups",
        doc="Must divide depth and filters; groups = depth is a depthwise convolution",
    )  # fmt: skip
    bias = param.Boolean(True, label="Bias", doc="Whether each filter adds its bias")
    values = param.Selector(
        default="integers",
        objects=["integers", "decimals", "ones"],
        label="Values",
        doc="CS231n's small integers (input 0..2, weights -1..1), one-decimal reals, or all ones",
    )
    # Each of these names one entry of app.layers.LAYERS, which checks that they agree.
    mode = param.Selector(
        default="convolution",
        objects=["convolution", "transposed", "image", "im2col", "backward", "pooling"],
        label="Layer",
        doc="A convolution, a transposed convolution (conv_transpose2d), a real picture, the "
        "convolution as one matrix product (im2col), its backward pass, or max or average "
        "pooling",
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
    seed = param.Integer(0, bounds=(0, SEED_MAX), label="Seed", doc="Seed of the random values")
    upload = param.Array(default=None, doc="The uploaded picture, (3, H, W) 0..255")
    edits = param.Dict(default={}, doc="Cells set by hand: {'x,d,r,c' | 'w,k,c,r,s' | 'b,k': v}")

    def __init__(self, **params) -> None:
        super().__init__(**params)
        self._link_axes()
        self.param.watch(self._link_axes, [*AXES, "separate_axes"])

    def _link_axes(self, *events: param.parameterized.Event) -> None:
        # The columns' own settings show the rows' values while linked (in widgets, the URL).
        if not self.separate_axes:
            self.param.update({f"{axis}_cols": getattr(self, axis) for axis in AXES})

    def axes(self) -> dict[str, tuple[int, int]]:
        """Every axis setting as (rows, cols): the rows value twice while linked."""
        return {
            axis: (
                getattr(self, axis),
                getattr(self, f"{axis}_cols" if self.separate_axes else axis),
            )
            for axis in AXES
        }

    def divisors(self) -> list[int]:
        """The groups values that divide both depth and filters."""
        limit = min(self.depth, self.n_filters)
        return [g for g in range(1, limit + 1) if self.depth % g == 0 and self.n_filters % g == 0]

    def new_values(self) -> None:
        """A new seed; cells edited by hand go with the old values."""
        self.param.update(seed=secrets.randbelow(SEED_MAX + 1), edits={})

    def reset(self) -> None:
        """Every choice back to its default (the CS231n notes' set-up) but the seed."""
        defaults = {name: Settings.param[name].default for name in CHOICES if name != "seed"}
        self.param.update(defaults)


CHOICES = tuple(name for name in Settings.param if name != "name")
# The settings that travel as text (the URL, the command line): numbers, switches and menus.
SETTINGS = tuple(
    name
    for name in CHOICES
    if isinstance(Settings.param[name], (param.Integer, param.Boolean, param.Selector))
)
AXES = tuple(name for name in CHOICES if f"{name}_cols" in CHOICES)  # stride, padding, ...
COLUMNS = tuple(f"{axis}_cols" for axis in AXES)
