"""The offline HTML export in a browser with the network cut: it plays, and its numbers are the
engine's, for every layer."""

import re

import pytest
from support.cli import run_cli
from support.reading import readout_numbers, window_cells

from app.layers import DemoSettings
from app.settings.query import parse_settings


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
    page.moves_from(first)
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
    page.moves_from(first, demo)
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
