"""The im2col layer: its matrices are unfold's, its picture fits and says what it holds, its
code rebuilds the output on screen."""

import contextlib
import io

import numpy as np
import pytest
import torch
from torch.nn.functional import unfold as torch_unfold

from app.layers import DemoSettings
from app.scene.im2col import MAX_SIDE
from app.scene.layout import LABEL_PX, MIN_CELL_PX

CASES = [
    {},
    {"depth": 4, "n_filters": 4, "groups": 2, "padding_mode": "reflect"},
    {"height": 7, "width": 7, "stride": 1},  # 49 windows: drawn as blocks
    {"kernel_height": 2, "kernel_width": 3, "separate_axes": True, "dilation_cols": 2},
    {"depth": 1, "n_filters": 1, "kernel_height": 1, "kernel_width": 1, "padding": 0},
    {"height": 32, "width": 32, "depth": 16, "n_filters": 16, "kernel_height": 11,
     "kernel_width": 11, "padding": 5, "stride": 1},  # the caps
]  # fmt: skip


def settings(**choices) -> DemoSettings:
    chosen = DemoSettings(mode="im2col", **choices)
    assert not chosen.error, chosen.error
    return chosen


@pytest.mark.parametrize("choices", CASES)
def test_the_matrices_are_unfolds_and_their_product_is_the_output(choices):
    scene = settings(**choices).scene()
    conv = scene.engine
    x_col, w_row = scene.matrices
    padded = torch.from_numpy(conv.padded.astype(float))[None]
    unfolded = torch_unfold(padded, conv.w.shape[2:], dilation=conv.dilation, stride=conv.stride)[0]
    np.testing.assert_array_equal(x_col, unfolded.numpy())
    K, G = conv.w.shape[0], conv.groups
    Rg = x_col.shape[0] // G
    for k in range(K):  # each row is its filter, stretched out, inside its group's columns
        g = k // (K // G)
        np.testing.assert_array_equal(w_row[k, g * Rg : (g + 1) * Rg], conv.w[k].ravel())
        assert not np.any(np.delete(w_row[k], np.s_[g * Rg : (g + 1) * Rg]))
    product = w_row @ x_col + conv.b[:, None]
    np.testing.assert_allclose(product.reshape(conv.output.shape), conv.output)


@pytest.mark.parametrize("choices", CASES)
def test_the_picture_fits_the_screen_and_squeezes_what_is_too_long(choices):
    scene = settings(**choices).scene()
    geometry, (R, P) = scene.geometry, scene.matrices[0].shape
    px = geometry.cell_px
    tall_enough = geometry.height * px <= 660 + LABEL_PX
    fits = geometry.width * px <= 780 and tall_enough
    # It pans sideways to keep values legible, or where even the smallest cells are too many.
    assert fits or (tall_enough and geometry.legible) or px == MIN_CELL_PX
    assert geometry.squeezed == (max(R, P) > MAX_SIDE)
    assert geometry.unit_r * R <= MAX_SIDE and geometry.unit_p * P <= MAX_SIDE
    data = scene.sources(0, False)
    if geometry.squeezed:
        assert "too large to draw cell by cell" in scene.note()
        assert data["cell_text"]["text"] == [] and len(data["blocks"]["x"]) >= 5
    else:
        assert len(data["input_fill"]["x"]) + len(data["padding_fill"]["x"]) >= R * P


def test_the_note_says_how_many_times_the_input_x_col_holds():
    note = settings().scene().note()
    # 27 rows x 9 windows = 243 values from a 5x5x3 input of 75: 3.24 times.
    assert "x_col holds 243 values" in note and "input of 75 (5x5x3): 3.2 times" in note
    # The notes' example, counted here: 363 x 3025 from 227x227x3.
    assert round(363 * 3025 / (227 * 227 * 3), 1) == 7.1
    assert "363x3025, 7.1 times" in note


def test_highlights_put_the_window_column_row_and_cell_where_the_step_is():
    scene = settings(depth=4, n_filters=4, groups=2).scene()
    geometry, conv = scene.geometry, scene.engine
    n = 22  # filter 2 (group 1), output (1, 1): column 4
    step, marks = conv[n], scene.highlight(n)
    assert (step.filter, step.row, step.col) == (2, 1, 1)
    Rg = 2 * 3 * 3
    assert marks["column"]["x"][0] == geometry.x_col[0] + 4.5
    assert marks["column"]["y"][0] == geometry.x_col[1] + 1.5 * Rg  # group 1's rows
    assert marks["kernel"]["y"][0] == geometry.w_row[1] + 2.5
    assert marks["cursor"]["x"][0] == geometry.product[0] + 4.5
    ox, oy = geometry.outputs[2]
    assert (marks["cursor"]["x"][1], marks["cursor"]["y"][1]) == (ox + 1.5, oy + 1.5)


def run(code: str) -> dict:
    names: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(code, names)
    return names


@pytest.mark.parametrize("choices", CASES[:5])
def test_both_snippets_rebuild_the_output_on_screen(choices):
    scene = settings(**choices).scene()
    code, conv = scene.code(), scene.engine
    np.testing.assert_allclose(run(code.numpy)["V"], conv.output, rtol=1e-12)
    names = run(code.torch)
    np.testing.assert_allclose(names["out"].numpy(), conv.output, rtol=1e-12)
    G, (R, P) = conv.groups, scene.matrices[0].shape
    np.testing.assert_array_equal(names["x_col"].numpy(), scene.matrices[0].reshape(G, R // G, P))
