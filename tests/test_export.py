"""Exports: the offline HTML file in a browser with the network cut, the GIF's frames, the CLI."""

import io
import re
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image
from test_browser_demo import readout_numbers, window_cells

from app.gif import FrameRenderer, gif_bytes
from app.model import DemoSettings
from app.query import parse_settings


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True)


@pytest.mark.browser
def test_exported_html_plays_offline_and_matches_the_engine(tmp_path, page):
    path = tmp_path / "demo.html"
    result = run_cli("export", str(path), "--stride", "1", "--padding", "2", "--seed", "7")
    assert result.returncode == 0, result.stderr
    assert path.stat().st_size < 3_000_000
    requests = []
    page.page.context.route(
        re.compile(r"^(?!file:).*"),
        lambda route: (requests.append(route.request.url), route.abort()),
    )
    page.open(path.as_uri())
    first = page.step()
    page.page.wait_for_timeout(2200)
    assert page.step() > first, "the exported demo should move on its own"
    page.page.get_by_role("button", name="Toggle Movement").click()
    paused = page.step()
    page.page.wait_for_timeout(1500)
    assert page.step() == paused
    page.model("conv_slider", "model.value = 31")
    step = DemoSettings(stride=1, stride_cols=1, padding=2, padding_cols=2, seed=7).conv[30]
    assert window_cells(page) == {
        (d, r, c) for d in step.channels for r in step.rows for c in step.cols
    }
    _, scalars, bias, value = readout_numbers(page)
    assert scalars == {d: str(s) for d, s in zip(step.channels, step.scalars, strict=True)}
    assert (bias, value) == (str(step.bias), str(step.value))
    assert requests == [] and page.errors == []


def test_gif_has_a_frame_per_step_with_the_green_cell_where_the_engine_says():
    settings = DemoSettings(seed=3, stride=1, stride_cols=1, height=4, width=4, n_filters=2)
    conv = settings.conv
    gif = Image.open(io.BytesIO(gif_bytes(conv, steps_per_second=2)))
    assert gif.n_frames == len(conv)
    assert gif.info["duration"] == 500
    renderer = FrameRenderer(conv)
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
        result.returncode == 2
        and "--step='99' must be a whole number from 1 to 18" in result.stderr
    )
    result = run_cli("gif", str(tmp_path / "x.gif"), "--fps", "nan")
    assert result.returncode == 2 and "--fps='nan'" in result.stderr
    result = run_cli(
        "gif", str(tmp_path / "x.gif"), "--height", "32", "--width", "32", "--stride", "1"
    )
    assert result.returncode == 2 and "over the GIF cap of 400 frames" in result.stderr
    result = run_cli("gif", str(tmp_path / "x.gif"), "--mode", "transposed")
    assert (
        result.returncode == 2 and "for the transposed layer use the HTML export" in result.stderr
    )
    result = run_cli("export", str(path), "--mode", "image", "--picture", "../../etc/passwd")
    assert result.returncode == 2 and "picture='../../etc/passwd' is not one of" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.browser
@pytest.mark.parametrize(
    ("options", "demo"),
    [
        (["--mode", "transposed", "--equivalent", "true", "--seed", "2"], "tconv"),
        (["--mode", "image", "--picture", "rocket", "--kernel", "laplacian", "--stride", "1"],
         "conv"),
    ],
)  # fmt: skip
def test_other_layers_export_and_play_offline(tmp_path, page, options, demo):
    path = tmp_path / "demo.html"
    result = run_cli("export", str(path), *options)
    assert result.returncode == 0, result.stderr
    page.page.context.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())
    page.open(path.as_uri(), demo=demo)
    first = page.step(demo)
    page.page.wait_for_timeout(2200)
    assert page.step(demo) > first
    given = {key[2:]: value for key, value in zip(options[::2], options[1::2], strict=True)}
    values, notices = parse_settings(given)
    assert notices == []
    expected = DemoSettings(**values).conv
    shown = page.model(f"{demo}_outputs", "Array.from(model.data.value)")
    final = expected.canvas if demo == "tconv" else expected.output
    assert shown == final.ravel().tolist()
    if demo == "tconv":  # the direct twin came along, and ends at the same output
        twin = page.model("twin_outputs", "Array.from(model.data.value)")
        assert twin == expected.output.ravel().tolist()
    assert page.errors == []
