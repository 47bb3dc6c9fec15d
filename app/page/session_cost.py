"""What a session of the demo costs the server, in MB, from its layer and sizes alone, before
anything is built: the admission's budget (app/page/admission.py) adds these up.

A session's memory grows with the layer it shows (a twin beside it adds a figure and an
engine) and, within a layer, with the steps and multiply-adds its sizes ask for. Each layer's
session was measured at its default and at its caps (tests/bench_memory.py prints the same
table); sizes between the two are given the share of the difference that the square root of
their work's share says (their work past the default's, against the caps' past the
default's). Work grows faster than memory (a session holds the arrays on screen, not every
product), so the root errs on the side of more memory, never less.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping

from app.layers import LAYERS
from app.settings import Settings
from app.settings.builds import MAX_CANVAS_CELLS
from app.settings.query import parse_settings

# The resident memory one more session added to a server (MB), at the layer's defaults and at
# its caps (CAPS), as `python tests/bench_memory.py` last read it: "+" names a shown twin.
HELD_MB: dict[str, tuple[float, float]] = {
    "convolution": (1.4, 7.8),
    "transposed": (2.3, 9.1),
    "transposed+equivalent": (3.6, 13.2),
    "image": (1.1, 1.1),
    "im2col": (2.4, 23.4),
    "backward": (2.1, 3.8),
    "backward+dx_as_convolution": (3.4, 14.2),
    "pooling": (2.3, 2.3),
    "pooling+compare": (3.8, 10.5),
}
PICTURE_SIDE = 32  # the image layer's pictures are 32x32, three channels
PICTURE_CHANNELS = 3


def _bound(name: str) -> int:
    return Settings.param[name].bounds[1]


def _caps(mode: str) -> dict[str, object]:
    """Every size of `mode` at its cap, stride 1 (the most steps), padding that keeps the
    output as large as the input; the transposed layer as large as its output's cap lets it."""
    kernel = _bound("kernel_height")
    side = _bound("height")
    if mode == "transposed":  # K * (side + kernel - 1)^2 output cells before cropping
        side = math.isqrt(MAX_CANVAS_CELLS // _bound("n_filters")) - kernel + 1
    return {
        "mode": mode, "height": side, "width": side, "depth": _bound("depth"),
        "n_filters": _bound("n_filters"), "kernel_height": kernel, "kernel_width": kernel,
        "padding": min(kernel // 2, _bound("padding")), "stride": 1,
    }  # fmt: skip


CAPS: dict[str, dict[str, object]] = {
    row: _caps(row.split("+")[0]) | ({row.split("+")[1]: True} if "+" in row else {})
    for row in HELD_MB
}


def row_of(settings: Settings) -> str:
    """The HELD_MB row of these settings: the layer, and its twin when shown."""
    twin = LAYERS[settings.mode].twin
    if twin is not None and getattr(settings, twin.switch):
        return f"{settings.mode}+{twin.switch}"
    return settings.mode


def work(settings: Settings) -> tuple[int, int]:
    """The steps and multiply-adds (comparisons, for pooling) the settings ask of their layer,
    by the output-size formula: 0 where the sizes make no output (the layer is refused)."""
    axes = settings.axes()
    C, K, G = settings.depth, settings.n_filters, settings.groups  # channels, filters, groups
    H, W = settings.height, settings.width  # input rows, columns
    if settings.mode == "image":
        C = K = PICTURE_CHANNELS
        H = W = PICTURE_SIDE
        G = 1
    FH, FW = settings.kernel_height, settings.kernel_width  # kernel rows, columns
    if settings.mode == "transposed":  # a step is one input cell of one filter group
        return C * H * W, C * H * W * (K // G) * FH * FW
    sizes = []
    for n, k, axis in ((H, FH, 0), (W, FW, 1)):
        stride, padding, dilation = (axes[name][axis] for name in ("stride", "padding", "dilation"))
        sizes.append(max(0, (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1))
    OH, OW = sizes  # output rows, columns
    if settings.mode == "pooling":  # one channel a step
        return C * OH * OW, C * OH * OW * FH * FW
    return K * OH * OW, K * OH * OW * (C // G) * FH * FW


@functools.cache
def _reference_work(row: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """The work of `row` at its defaults and at its caps."""
    defaults = {name: value for name, value in CAPS[row].items()
                if name == "mode" or isinstance(value, bool)}  # fmt: skip
    return work(Settings(**defaults)), work(Settings(**CAPS[row]))


def session_cost_mb(settings: Settings) -> float:
    """What a session showing these settings holds, in MB (an estimate that errs high)."""
    row = row_of(settings)
    least, most = HELD_MB[row]
    shares = [
        max(0, asked - default) / max(1, caps - default)
        for asked, default, caps in zip(work(settings), *_reference_work(row), strict=True)
    ]
    return least + (most - least) * math.sqrt(max(shares))


def settings_of(arguments: Mapping[str, list[bytes]]) -> Settings:
    """The settings a page's query asks for (values it cannot take keep their defaults)."""
    raw = {key: value[-1].decode("utf-8", "replace") for key, value in arguments.items() if value}
    settings = Settings()
    try:
        settings.param.update(parse_settings(raw)[0])
    except ValueError:
        pass  # a combination that does not fit: the page shows the default
    return settings
