"""Where the picture puts its blocks and headings: nothing drawn over anything else, the
original's headings where they fit, compact ones where they alone would widen the picture."""

import itertools

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.layers import DemoSettings
from app.scene import ConvolutionScene
from app.scene.layout import CHAR_PX, LABEL_PX, MAX_WIDTH_PX, MIN_CELL_PX
from app.scene.style import CELL, numbers

CAPS = dict(
    height=32, width=32, depth=16, n_filters=16, kernel_height=11, kernel_width=11, padding=5
)


def rectangles(blocks, geometry) -> tuple[list, list]:
    """(x, y, width, height) in cell units of every grid, and of every label's text."""
    H, W = blocks.input_shape[1:]  # input rows and columns as drawn
    FH, FW = blocks.filter_shape[2:]  # kernel rows and columns
    OH, OW = blocks.output_shape[1:]
    grids = (
        [(x, y, W, H) for x, y in geometry.inputs]
        + [(x, y, FW, FH) for x, y in geometry.slices.reshape(-1, 2)]
        + [(x, y, 1, 1) for x, y in geometry.biases]
        + [(x, y, OW, OH) for x, y in geometry.outputs]
    )
    label_h = LABEL_PX / geometry.cell_px
    labels = [
        (x, y - 0.85 * label_h, len(text) * CHAR_PX / geometry.cell_px, label_h)
        for x, y, text in zip(*geometry.labels.values(), strict=True)
    ]
    return grids, labels


def overlap(a: tuple, b: tuple) -> bool:
    eps = 1e-9
    return (
        a[0] < b[0] + b[2] - eps
        and b[0] < a[0] + a[2] - eps
        and a[1] < b[1] + b[3] - eps
        and b[1] < a[1] + a[3] - eps
    )


def assert_nothing_overlaps(blocks, geometry) -> None:
    grids, labels = rectangles(blocks, geometry)
    texts = geometry.labels["text"]
    for (i, a), (j, b) in itertools.combinations(enumerate(labels), 2):
        assert not overlap(a, b), f"labels {texts[i]!r} and {texts[j]!r} overlap"
    for (i, a), grid in itertools.product(enumerate(labels), grids):
        assert not overlap(a, grid), f"label {texts[i]!r} lies over a grid at {grid[:2]}"
    for a, b in itertools.combinations(grids, 2):
        assert not overlap(a, b), f"grids at {a[:2]} and {b[:2]} overlap"
    for x, y, width, height in grids + labels:
        assert x >= 0 and y >= 0
        assert x + width <= geometry.width + 1e-9 and y + height <= geometry.height + 1e-9


@st.composite
def layers(draw):
    depth = draw(st.sampled_from([1, 2, 3, 4, 6, 8, 12, 16]))
    filters = draw(st.sampled_from([1, 2, 3, 4, 6, 8, 12, 16]))
    divisors = [g for g in range(1, min(depth, filters) + 1) if not depth % g and not filters % g]
    return DemoSettings(
        mode=draw(st.sampled_from(["convolution", "transposed"])),
        height=draw(st.integers(1, 32)),
        width=draw(st.integers(1, 32)),
        depth=depth,
        n_filters=filters,
        kernel_height=draw(st.integers(1, 11)),
        kernel_width=draw(st.integers(1, 11)),
        stride=draw(st.integers(1, 3)),
        padding=draw(st.integers(0, 5)),
        groups=draw(st.sampled_from(divisors)),
    )


@settings(max_examples=150, deadline=None)
@given(layers())
def test_no_heading_or_grid_is_drawn_over_another(layer):
    assume(not layer.error)  # a combination the settings refuse draws nothing new
    scene = layer.scene()
    assert_nothing_overlaps(scene.blocks, scene.geometry)


def test_the_default_keeps_the_originals_headings_and_cells():
    scene = ConvolutionScene(DemoSettings().conv)
    blocks, geometry = scene.blocks, scene.geometry
    assert geometry.cell_px == 26
    texts = geometry.labels["text"]
    assert {"Filter W0 (3x3x3)", "Filter W1 (3x3x3)", "b0 (bias)", "w1[:,:,2]"} <= set(texts)
    assert_nothing_overlaps(blocks, geometry)


LAPTOP = (980, 680)  # what a 1366x768 window leaves the figure, beside the controls


def test_grouped_filters_name_the_channels_they_read_where_their_labels_fit():
    settings = DemoSettings(depth=6, n_filters=4, groups=2)
    geometry = settings.scene((1400, 680)).geometry  # a wide screen's figure
    assert geometry.legible and not geometry.compact
    assert {"w0[:,:,0] of x[:,:,0]", "w3[:,:,2] of x[:,:,5]"} <= set(geometry.labels["text"])
    # On a laptop the long labels would pass the window: the filters share one heading, and
    # the values stay legible inside the box (the readout names the channels of each step).
    geometry = settings.scene(LAPTOP).geometry
    assert geometry.legible and geometry.compact
    assert geometry.width * geometry.cell_px <= LAPTOP[0]


def test_at_the_caps_the_filters_share_one_heading_and_the_picture_stays_narrow():
    for stride in (1, 2):
        scene = DemoSettings(**CAPS, stride=stride).scene()
        blocks, geometry = scene.blocks, scene.geometry
        texts = geometry.labels["text"]
        assert "Filters W0..W15 (11x11x16 each)" in texts
        assert {f"W{k}" for k in range(16)} | {f"b{k}" for k in range(16)} <= set(texts)
        assert not any(text.startswith("Filter W") for text in texts)
        # Each filter's full heading made every one of them 171 px wide: 3725 px in all.
        assert geometry.width * geometry.cell_px < 1800
        assert_nothing_overlaps(blocks, geometry)


def test_compact_headings_come_only_when_values_are_too_small_to_read():
    geometry = DemoSettings(depth=8, n_filters=8, kernel_height=5, kernel_width=5).scene().geometry
    assert not geometry.legible
    assert "Filters W0..W7 (5x5x8 each)" in geometry.labels["text"]
    assert geometry.width * geometry.cell_px <= MAX_WIDTH_PX + 16
    np.testing.assert_array_less(0, geometry.slices[..., 1])  # under the shared heading


@settings(max_examples=60, deadline=None)
@given(layers(), st.integers(200, 1400), st.integers(200, 900))
def test_in_any_box_the_picture_fits_or_is_as_small_as_it_goes(layer, width, height):
    assume(not layer.error)
    scene = layer.scene((width, height))
    geometry = scene.geometry
    assert_nothing_overlaps(scene.blocks, geometry)
    fits = geometry.width * geometry.cell_px <= width
    assert fits or geometry.cell_px == MIN_CELL_PX or geometry.compact or geometry.bands == 1


@pytest.mark.parametrize(("box", "least_cell_px"), [((420, 660), 16), ((360, 760), 14)])
def test_the_default_in_an_iframe_or_on_a_phone_takes_bands_and_stays_legible(box, least_cell_px):
    geometry = DemoSettings().scene(box).geometry
    assert geometry.width * geometry.cell_px <= box[0]
    assert geometry.height * geometry.cell_px <= box[1] + LABEL_PX
    assert geometry.bands > 1 and geometry.cell_px >= least_cell_px and geometry.legible
    assert {"w0[:,:,0]", "o[:,:,1]"} <= set(geometry.labels["text"])  # every label kept


def covered(marks: dict) -> set[tuple[float, float]]:
    """The centres of the cells a mark's rectangles cover (one each, or a block each)."""
    centres = set()
    for x, y, w, h in zip(marks["x"], marks["y"], marks["w"], marks["h"], strict=True):
        across, down = round(w), round(h)
        centres |= {
            (round(x - (across - 1) / 2 + q, 6), round(y - (down - 1) / 2 + r, 6))
            for r in range(down)
            for q in range(across)
        }
    return centres


@pytest.mark.parametrize("n", [0, 1234, 4095])
def test_where_cells_are_too_small_the_window_and_filter_are_a_block_a_channel(n):
    scene = DemoSettings(**CAPS).scene()
    conv, geometry = scene.engine, scene.geometry
    step, (Cg, FH, FW) = conv[n], conv.w.shape[1:]
    assert not geometry.legible and scene.outline_blocks()
    marks = scene.highlight(n)
    assert len(marks["window_box"]["x"]) == Cg and len(marks["kernel"]["x"]) == Cg + 1
    # Every cell of the window, and of filter k's slices and bias, in data coordinates.
    window = {
        (geometry.inputs[d, 0] + c + 0.5, geometry.inputs[d, 1] + r + 0.5)
        for d in step.channels for r in step.rows for c in step.cols
    }  # fmt: skip
    slices = geometry.slices[step.filter]
    kernel = {
        (sx + q + 0.5, sy + r + 0.5) for sx, sy in slices for r in range(FH) for q in range(FW)
    }
    kernel.add(tuple(geometry.biases[step.filter] + 0.5))

    def rounded(cells):
        return {(round(float(x), 6), round(float(y), 6)) for x, y in cells}

    assert covered(marks["window_box"]) == rounded(window)
    assert covered(marks["kernel"]) == rounded(kernel)


def test_a_dilated_window_and_legible_cells_are_outlined_cell_by_cell():
    for chosen in (DemoSettings(**{**CAPS, "dilation": 2}), DemoSettings()):
        scene = chosen.scene()
        Cg, FH, FW = scene.engine.w.shape[1:]
        assert not scene.outline_blocks()
        marks = scene.highlight(0)
        assert len(marks["window_box"]["x"]) == Cg * FH * FW
        assert set(marks["window_box"]["w"]) == {CELL}


@pytest.mark.parametrize(
    "values, dtype",
    [
        (np.array([[3, -7], [0, 32767]]), np.int16),
        (np.array([-32768, 5]), np.int32),  # -32768 has no positive twin in int16's range
        (np.array([40_000, -1]), np.int32),
        (np.array([2**31, 0], dtype=np.int64), np.float64),
        (np.array([1.5, -0.0]), np.float64),
        (np.array([], dtype=np.int64), np.int16),
    ],
)
def test_values_go_to_the_browser_in_the_narrowest_type_that_holds_them(values, dtype):
    sent = numbers(values)
    assert sent.dtype == dtype and sent.ndim == 1
    assert sent.tolist() == values.ravel().tolist()


def test_the_caps_partial_sums_travel_as_int16():
    scene = ConvolutionScene(DemoSettings(**CAPS, stride=1).conv)
    sources = scene.sources(0, write_url=False)
    partials = sources["scalars"]["value"]
    assert partials.dtype == np.int16 and partials.nbytes == 2**19  # 2**18 sums, 512 KB
    assert sources["cells"]["value"].dtype == np.int16
