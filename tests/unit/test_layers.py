"""The registry of layers: every layer the settings offer has one entry, and each entry names
settings, scenes and figures that exist."""

import pytest

from app.figures import AnimatedFigure
from app.layers import LAYERS, DemoSettings
from app.scene import Scene
from app.settings import CHOICES


def test_every_layer_the_settings_offer_has_one_entry():
    assert list(LAYERS) == DemoSettings.param.mode.objects


@pytest.mark.parametrize("name", LAYERS)
def test_an_entry_names_real_settings_scenes_and_figures(name):
    layer = LAYERS[name]
    assert set(layer.settings) <= set(CHOICES)
    assert set(layer.drawing) <= set(layer.settings)
    assert issubclass(layer.scene, Scene) and issubclass(layer.figure, AnimatedFigure)
    if layer.twin is not None:
        assert layer.twin.switch in layer.settings and layer.twin.layer in LAYERS


@pytest.mark.parametrize("name", LAYERS)
def test_each_layer_builds_and_draws_at_its_defaults(name):
    settings = DemoSettings(mode=name, seed=1)
    assert settings.error == "" and settings.built == name
    (view,) = settings.views()
    assert view.figure is LAYERS[name].figure
    assert view.scene.sources(0, write_url=False)["meta"]["N"] == [len(settings.conv)]


def test_a_setting_that_does_not_fit_keeps_the_last_layer_and_the_layer_it_was():
    settings = DemoSettings(seed=2)
    settings.param.update(mode="transposed", height=32, width=32, n_filters=16, stride=4)
    assert "over the 16384 a screen can show" in settings.error
    assert settings.built == "convolution" and settings.views()[0].prefix == "conv"


def test_the_twin_is_checked_with_its_layer_before_anything_is_drawn():
    settings = DemoSettings(mode="transposed", seed=3)
    settings.equivalent = True
    assert [view.prefix for view in settings.views()] == ["tconv", "twin"]
    twin = settings.views()[1].scene.engine
    assert (twin.output == settings.conv.output).all()
