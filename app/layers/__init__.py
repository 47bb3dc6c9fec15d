"""The layers the demo shows, one entry each, and the settings that know which layer they make.

Import rule: app.settings, app.scene and app.figures below (and the engines through them);
nothing above. Everything that differs between layers is said in its entry here; the page, the
exports and the command line ask the entry, never the layer's type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import param

from app.engine import Engine
from app.figures import (
    AnimatedFigure,
    BackwardFigure,
    ConvolutionFigure,
    Im2colFigure,
    PoolingFigure,
    TransposedFigure,
)  # fmt: skip
from app.scene import (
    BackwardScene,
    ConvolutionScene,
    Im2colScene,
    ImageScene,
    PoolingScene,
    Scene,
    TransposedScene,
)  # fmt: skip
from app.scene.layout import SCREEN, Box
from app.settings import CHOICES, COLUMNS, Settings, builds
from app.settings.builds import Arrays

# The settings every layer reads: its sizes along both axes, and the seed.
SPATIAL = (
    "kernel_height", "kernel_width", "stride", "padding", "padding_mode", "dilation",
    "separate_axes",
)  # fmt: skip
DRAWN = ("values", "height", "width", "depth", "n_filters", "groups", "bias")  # random values


@dataclass(frozen=True)
class Twin:
    """A second figure beside a layer's own, shown while a switch is on."""

    switch: str  # the Boolean setting that shows it
    name: str  # what it is, in words
    engine: Callable[[Settings, Engine], Engine]  # made from the settings and the layer's engine
    layer: str  # the entry whose scene and figure draw it
    note: str  # said above it (Markdown)
    prefix: str = "twin"  # its figure's model names start with this
    follows: bool = False  # whether it steps with the layer's figure (to the same window)


@dataclass(frozen=True)
class Layer:
    """One layer: how the settings make its numbers and its engine, how it is drawn."""

    arrays: Callable[[Settings], Arrays]  # x, w, b before cells edited by hand
    engine: Callable[..., Engine]  # from the settings and the (edited) arrays x, w, b
    scene: type[Scene]  # where every cell goes and what each step highlights
    figure: type[AnimatedFigure]  # the Bokeh models and the script that animate it
    settings: tuple[str, ...]  # the settings it reads: the page shows their widgets alone
    summary: str  # what a step does, in a sentence: the page's subtitle
    drawing: tuple[str, ...] = ()  # settings that change its picture, not its engine
    twin: Twin | None = None
    gif: bool = False  # whether a GIF can draw it: flat colours and numbers, no photographs


TWIN_NOTE = (
    "**The same output as a direct convolution.** The input spread out with stride - 1 zeros "
    "between its cells, dilation\u00d7(kernel - 1) - padding zeros around it (output padding "
    "more at the bottom and right), each filter flipped top to bottom and left to right, "
    "stride 1. Compare its output with the transposed one above: every number is the same."
)

EQUIVALENT = Twin(
    switch="equivalent",
    name="the equivalent direct convolution",
    engine=lambda settings, tconv: tconv.equivalent,
    layer="convolution",
    note=TWIN_NOTE,
)

DX_NOTE = (
    "**dx as a convolution.** dout spread out with stride - 1 zeros between its cells, "
    "dilation\u00d7(kernel - 1) - padding zeros around it, each filter flipped top to bottom "
    "and left to right with its input and output channels swapped, stride 1: the transposed "
    "convolution of dout with the same filters. Its output is dx, every number (compare it "
    "with dx above, without its padding)."
)

DX_AS_CONVOLUTION = Twin(
    switch="dx_as_convolution",
    name="dx as a convolution",
    engine=lambda settings, back: builds.dx_as_transposed(back).equivalent,
    layer="convolution",
    note=DX_NOTE,
)

COMPARE_NOTE = (
    "**Beside a convolution.** The same input through the filters on screen: at each "
    "position every channel's window is dotted with the filter's slice and the channels' dot "
    "products are added, with the bias, into one value, so its output has one channel a "
    "filter. Pooling above reads one channel a step and keeps the depth."
)

COMPARE = Twin(
    switch="compare",
    name="the convolution beside it",
    engine=lambda settings, pool: builds.convolution(settings, *settings.arrays()),
    layer="convolution",
    note=COMPARE_NOTE,
    follows=True,
)
POOLED = ("kernel_height", "kernel_width", "stride", "padding", "dilation", "separate_axes")

# fmt: off
LAYERS: dict[str, Layer] = {
    "convolution": Layer(
        summary=(
            "A window slides over the input volume; at each position every channel's window "
            "is dotted with the filter's slice, the sums are added with the bias, and one "
            "output cell fills in."
        ),
        arrays=builds.random_arrays, engine=builds.convolution,
        scene=ConvolutionScene, figure=ConvolutionFigure,
        settings=(*DRAWN, *SPATIAL), gif=True,
    ),
    "transposed": Layer(
        summary=(
            "Each input value scales the filters' slices, and the scaled slices are added "
            "into a window of the output: a transposed convolution, step by step."
        ),
        arrays=builds.random_arrays, engine=builds.transposed,
        scene=TransposedScene, figure=TransposedFigure,
        settings=(*DRAWN, *SPATIAL, "output_padding", "equivalent"), twin=EQUIVALENT, gif=True,
    ),
    "image": Layer(
        summary=(
            "A real picture under a classic kernel: at each position the kernel is dotted "
            "with the window, and one output pixel fills in."
        ),
        arrays=builds.picture_arrays, engine=builds.picture_convolution,
        scene=ImageScene, figure=ConvolutionFigure,
        settings=(*SPATIAL, "picture", "kernel", "across_channels", "relu"), drawing=("relu",),
    ),
    "im2col": Layer(
        summary=(
            "The same convolution as one matrix product: every window a column of x_col, "
            "every filter a row of w_row, each output value their dot product."
        ),
        arrays=builds.random_arrays, engine=builds.convolution,
        scene=Im2colScene, figure=Im2colFigure, settings=(*DRAWN, *SPATIAL), gif=True,
    ),
    "backward": Layer(
        summary=(
            "The backward pass: each output's upstream gradient sends the filter into dx's "
            "window and the window into dw, step by step."
        ),
        arrays=builds.random_arrays, engine=builds.backward,
        scene=BackwardScene, figure=BackwardFigure,
        settings=(*DRAWN, *SPATIAL, "upstream", "dx_as_convolution"), twin=DX_AS_CONVOLUTION,
        gif=True,
    ),
    "pooling": Layer(
        summary=(
            "Pooling reads one channel at a time: at each position the window's largest value"
            " (or the average) fills one output cell of the same channel, and the depth is "
            "kept."
        ),
        arrays=builds.random_arrays, engine=builds.pooling,
        scene=PoolingScene, figure=PoolingFigure,
        settings=(*DRAWN, *POOLED, "pool", "ceil_mode", "count_include_pad", "compare"),
        twin=COMPARE, gif=True,
    ),
}
# fmt: on
if list(LAYERS) != Settings.param.mode.objects:
    raise RuntimeError("every choice of Settings.mode needs one entry in LAYERS, in its order")

DRAWING = tuple({name for layer in LAYERS.values() for name in layer.drawing})
BUILT_FROM = tuple(name for name in CHOICES if name not in (*DRAWING, *COLUMNS))


@dataclass(frozen=True)
class View:
    """One figure of the page and what it shows: its layer's scene, under an optional note."""

    prefix: str
    figure: type[AnimatedFigure]
    scene: Scene
    note: str = ""
    follows: str = ""  # the prefix of the figure whose steps it follows, if any


class DemoSettings(Settings):
    """The settings, and the layer they make: rebuilt on every change, the last valid one
    kept (with the reason) when a change does not fit."""

    conv = param.Parameter(doc="The last valid layer's engine")
    built = param.Selector(objects=list(LAYERS), doc="Which layer made `conv`")
    error = param.String(default="", doc="Why the current settings make no layer")
    tapped = param.String("", doc="The cell last tapped in a figure, as the browser names it")

    def __init__(self, **params) -> None:
        super().__init__(**params)
        self._rebuild()
        self.param.watch(self._rebuild, [*BUILT_FROM, *COLUMNS])

    @property
    def layer(self) -> Layer:
        """The entry of the layer on screen (the last valid one)."""
        return LAYERS[self.built]

    def _rebuild(self, *events: param.parameterized.Event) -> None:
        # Linked axes copy the rows' values into the columns': the same layer, built once.
        chosen = {name: getattr(self, name) for name in BUILT_FROM if name != "upload"}
        upload = None if self.upload is None else self.upload.tobytes()
        key = (chosen, self.axes(), sorted(self.edits.items()), upload)
        if key == getattr(self, "_built_from", None):
            return
        self._built_from = key
        try:
            conv = self.build()
        except ValueError as error:
            self.error = str(error)  # the last valid layer stays on screen
            return
        self.param.update(conv=conv, built=self.mode, error="")

    def arrays(self) -> Arrays:
        """x (C, H, W), w (K, C // groups, FH, FW) and b (K,) of the chosen layer, as edited."""
        return builds.with_edits(self, LAYERS[self.mode].arrays(self))

    def build(self) -> Engine:
        """The chosen layer's engine, or a ValueError naming what does not fit; its twin is
        made too, when shown, so that a twin past the engine's caps is refused here."""
        layer, twin = LAYERS[self.mode], LAYERS[self.mode].twin
        engine = layer.engine(self, *self.arrays())
        if twin is not None and getattr(self, twin.switch):
            try:
                twin.engine(self, engine)
            except ValueError as error:
                label = self.param[twin.switch].label
                raise ValueError(f"{twin.name}: {error} (turn off '{label}')") from None
        return engine

    def scene(self, box: Box = SCREEN) -> Scene:
        """The layer on screen as its own figure draws it, fitted to `box` (pixels)."""
        drawing = {name: getattr(self, name) for name in self.layer.drawing}
        return self.layer.scene(self.conv, box, **drawing)

    def views(self, box: Box = SCREEN) -> list[View]:
        """The figures the layer on screen shows, its own first, with their scenes, each
        fitted to `box`."""
        layer = self.layer
        views = [View(layer.figure.PREFIX, layer.figure, self.scene(box))]
        twin = layer.twin
        if twin is not None and getattr(self, twin.switch):
            drawn_as = LAYERS[twin.layer]
            scene = drawn_as.scene(twin.engine(self, self.conv), box)
            follows = layer.figure.PREFIX if twin.follows else ""
            views.append(View(twin.prefix, drawn_as.figure, scene, twin.note, follows))
        return views
