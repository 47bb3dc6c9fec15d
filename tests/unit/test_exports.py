"""Exports without a browser: the GIF's frames, and the command line's messages."""

import io
import time

import numpy as np
import pytest
from PIL import Image
from support.cli import run_cli

from app.exports.gif import (
    MAX_FRAME_SIZE,
    FrameRenderer,
    gif_bytes,
    refusal,
    settings_gif,
    settings_poster,
)
from app.layers import DemoSettings
from app.scene import ConvolutionScene


def test_gif_has_a_frame_per_step_with_the_green_cell_where_the_engine_says():
    settings = DemoSettings(seed=3, stride=1, stride_cols=1, height=4, width=4, n_filters=2)
    conv = settings.conv
    scene = ConvolutionScene(conv)
    gif = Image.open(io.BytesIO(gif_bytes(scene, steps_per_second=2)))
    assert gif.n_frames == len(conv)
    assert gif.info["duration"] == 500
    renderer = FrameRenderer(scene)
    for n in range(gif.n_frames):
        gif.seek(n)
        pixels = np.asarray(gif.convert("RGB")).astype(int)  # (rows, columns, 3)
        green = np.all(np.abs(pixels - (0, 170, 0)) < 24, axis=2)
        rows, cols = np.nonzero(green)
        step = conv[n]
        x, y = renderer.geometry.outputs[step.filter] + (step.col + 0.5, step.row + 0.5)
        left, top, right, bottom = renderer._box(x, y)
        assert (
            abs(cols.mean() - (left + right) / 2) < 2 and abs(rows.mean() - (top + bottom) / 2) < 2
        )


def test_cli_names_every_bad_value_and_writes_nothing(tmp_path):
    path = tmp_path / "demo.html"
    result = run_cli("export", str(path), "--stride", "0", "--kernel-height", "x<b>", "--step", "1")
    assert result.returncode == 2
    assert "stride=0 is out of range: it must be from 1 to 8" in result.stderr
    assert "kernel_height='x<b>' is not a whole number from 1 to 11" in result.stderr
    assert not path.exists()
    result = run_cli("export", str(path), "--kernel-height", "9")
    assert result.returncode == 2 and "padded input height 7" in result.stderr
    result = run_cli("export", str(path), "--step", "99")
    assert (
        result.returncode == 2 and "step='99' must be a whole number from 1 to 18" in result.stderr
    )
    result = run_cli("gif", str(tmp_path / "x.gif"), "--fps", "nan")
    assert result.returncode == 2 and "--fps='nan'" in result.stderr
    result = run_cli(
        "gif", str(tmp_path / "x.gif"), "--height", "32", "--width", "32", "--stride", "1"
    )
    assert result.returncode == 2 and "over the GIF cap of 400 frames" in result.stderr
    result = run_cli("gif", str(tmp_path / "x.gif"), "--mode", "image")
    assert result.returncode == 2 and "the image layer's photographs need the HTML export" in (
        result.stderr
    )
    result = run_cli("export", str(path), "--mode", "image", "--picture", "../../etc/passwd")
    assert result.returncode == 2 and "picture='../../etc/passwd' is not one of" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_refuses_what_would_pass_a_cap_with_a_message_and_no_traceback(tmp_path):
    twin = ["--mode", "transposed", "--equivalent", "true", "--depth", "16", "--n-filters", "1",
            "--height", "32", "--width", "32", "--kernel-height", "11", "--kernel-width", "11",
            "--stride", "3", "--dilation", "3", "--padding", "0"]  # fmt: skip
    result = run_cli("export", str(tmp_path / "twin.html"), *twin)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "error: the equivalent direct convolution: window reads" in result.stderr
    huge = "--height 24 --width 24 --depth 1 --n-filters 2 --kernel-height 7 --kernel-width 7"
    huge = [*huge.split(), "--stride", "2", "--padding", "5"]
    start = time.monotonic()
    result = run_cli("gif", str(tmp_path / "huge.gif"), *huge)
    assert (
        result.returncode == 2 and "392 frames" in result.stderr and "cap of 250" in result.stderr
    )
    assert time.monotonic() - start < 15  # refused before a frame is drawn (it took 92 s)
    assert list(tmp_path.iterdir()) == []


def test_a_gif_at_the_work_cap_stays_under_20_mb_and_holds_every_frame():
    settings = DemoSettings(height=12, width=12, depth=2, stride=1, values="decimals", seed=1)
    data = gif_bytes(ConvolutionScene(settings.conv))
    gif = Image.open(io.BytesIO(data))
    assert gif.n_frames == len(settings.conv) == 288
    assert len(data) < 20e6


def test_a_poster_is_the_step_asked_for_with_copied_padding_in_its_own_colour(tmp_path):
    path = tmp_path / "step5.png"
    result = run_cli(
        "poster", str(path), "--seed", "3", "--padding-mode", "replicate", "--step", "5"
    )
    assert result.returncode == 0, result.stderr
    poster = np.asarray(Image.open(path).convert("RGB")).astype(int)
    settings = DemoSettings(seed=3, padding_mode="replicate")
    renderer = FrameRenderer(settings.scene(MAX_FRAME_SIZE), frames=1)
    assert poster.shape[:2] == renderer.size[::-1]
    step = settings.conv[4]  # the fifth step: filter 0, output row 1, column 1
    x, y = renderer.geometry.outputs[0] + (step.col + 0.5, step.row + 0.5)
    left, top, right, _ = (round(v) for v in renderer._box(x, y))
    assert tuple(poster[top + 1, (left + right) // 2]) == (0, 170, 0)  # its green outline
    # The top-left padded cell copies an input cell: drawn #C6DCEF, not zero padding's grey.
    corner = renderer.geometry.inputs[0] + 0.5
    cx, cy = (round(v) for v in renderer._box(*corner)[:2])
    assert tuple(poster[cy + 4, cx + 4]) == (0xC6, 0xDC, 0xEF)
    refused = run_cli("poster", str(tmp_path / "t.png"), "--mode", "image")
    assert refused.returncode == 2 and "need the HTML export" in refused.stderr


@pytest.mark.parametrize(
    "choices",
    [
        {"mode": "transposed"},
        {"mode": "im2col", "depth": 2},
        {"mode": "backward", "height": 4},
        {"mode": "pooling"},
        {"mode": "pooling", "pool": "avg", "compare": True},
    ],
)
def test_every_layer_of_flat_colours_has_a_gif_with_its_green_cells_where_the_step_is(
    choices,
):
    settings = DemoSettings(seed=2, **choices)
    gif = Image.open(io.BytesIO(settings_gif(settings)))
    scene = settings.scene(MAX_FRAME_SIZE)
    assert gif.n_frames == len(scene)
    renderer = FrameRenderer(scene)
    for n in (0, len(scene) // 2, len(scene) - 1):
        gif.seek(n)
        pixels = np.asarray(gif.convert("RGB")).astype(int)
        green = np.all(np.abs(pixels - (0, 170, 0)) < 24, axis=2)  # the outlines of this step
        rows, cols = np.nonzero(green[: -renderer.size[1] // 10])  # above the caption
        cursor = scene.highlight(n)["cursor"]
        boxes = [renderer._box(x, y) for x, y in zip(cursor["x"], cursor["y"], strict=True)]
        for left, top, right, _ in boxes:  # every green outline drawn, nothing else green
            assert green[round(top) + 1, round((left + right) / 2)]
        assert all(
            any(left - 4 <= c <= right + 4 and top - 4 <= r <= bottom + 4
                for left, top, right, bottom in boxes)
            for r, c in zip(rows[::50], cols[::50], strict=True)
        )  # fmt: skip


STUDENT = dict(height=25, width=25, n_filters=5, stride=1, padding=1)


@pytest.mark.parametrize(
    ("settings", "what"),
    [({}, "GIF"), (STUDENT, "GIF"), ({"mode": "image"}, "GIF"), (STUDENT, "poster"),
     ({"mode": "image"}, "poster")],
)  # fmt: skip
def test_what_is_offered_is_what_is_drawn_and_a_refusal_is_said_in_its_own_words(settings, what):
    demo = DemoSettings(seed=1, **settings)
    why = refusal(demo, what)
    draw = settings_gif if what == "GIF" else settings_poster
    if why:
        with pytest.raises(ValueError) as refused:
            draw(demo)
        assert str(refused.value) == why
    else:
        assert len(draw(demo)) > 1000
