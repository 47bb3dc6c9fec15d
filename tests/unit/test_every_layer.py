"""Every registered layer, built through the interfaces alone: its engine, scene, sources and
contract, browser code, Code, Cost, words, GIF and poster. A layer that goes around them (a
source its figure reads and its scene never gives, a function of the browser's interface it
lacks) fails here, whatever its name."""

import io

import pytest
from PIL import Image
from support.snippets import run

from app.engine import Engine
from app.engine.cost import Cost, Count
from app.exports.gif import MAX_FRAME_SIZE, FrameRenderer, settings_poster
from app.figures.animated import LAYER_INTERFACE, script
from app.layers import LAYERS, DemoSettings

# What every layer's script reads of `meta`: the shared contract and the window's rule.
CONTRACT = (
    "C", "K", "Cg", "FH", "FW", "input_rows", "input_cols", "input_row0", "input_col0",
    "cell_weights", "cell_biases", "sh", "sw", "dh", "dw", "N", "integer", "start",
)  # fmt: skip
SMALL = dict(seed=1, height=4, width=4, depth=2, n_filters=2)


@pytest.mark.parametrize("name", LAYERS)
def test_a_layer_gives_its_figure_every_source_and_the_contract(name):
    settings = DemoSettings(mode=name, **SMALL)
    assert settings.error == ""
    assert isinstance(settings.conv, Engine)
    for view in settings.views():
        data = view.scene.sources(0, write_url=False)
        missing = set(view.figure.SOURCES) - set(data)
        assert not missing, f"{name}: the scene gives no {sorted(missing)}"
        meta = data["meta"]
        assert set(CONTRACT) <= set(meta), f"{name}: {sorted(set(CONTRACT) - set(meta))}"
        assert meta["N"] == [len(view.scene)]


@pytest.mark.parametrize("name", LAYERS)
def test_a_layers_browser_code_defines_the_interface_once(name):
    text = script(LAYERS[name].figure.SCRIPT)
    for function in LAYER_INTERFACE:
        assert text.count(f"function {function}(") == 1, f"{name}: {function}"


@pytest.mark.parametrize("name", LAYERS)
def test_a_layers_code_runs_and_its_cost_and_words_are_said(name):
    scene = DemoSettings(mode=name, **SMALL).scene()
    code = scene.code()
    for snippet in (code.torch, code.numpy):
        run(snippet)
    outputs, costs = scene.cost()
    assert isinstance(outputs, Count) and outputs.value > 0
    assert costs and all(isinstance(cost, Cost) for cost in costs)
    assert all(isinstance(line, str) and line for line in scene.formulas())
    assert scene.caption(0).startswith(f"step 1/{len(scene)}")
    assert isinstance(scene.note(), str)


@pytest.mark.parametrize("name", LAYERS)
def test_a_layer_has_a_gif_frame_and_a_poster_or_says_why_not(name):
    settings = DemoSettings(mode=name, **SMALL)
    if not settings.layer.gif:
        with pytest.raises(ValueError, match="need the HTML export"):
            settings_poster(settings)
        return
    frame = FrameRenderer(settings.scene(MAX_FRAME_SIZE), frames=1).frame(0)
    assert frame.size[0] > 100 and frame.size[1] > 100
    poster = Image.open(io.BytesIO(settings_poster(settings, step=1)))
    assert poster.format == "PNG" and poster.size == frame.size
