"""Settings, their caps, the derived convolution, and the text parser the URL and CLI share."""

import numpy as np
import pytest

from app.engine import cs231n_default
from app.layers import DemoSettings
from app.settings import SETTINGS
from app.settings.query import parse_settings, settings_query
from app.transposed import TransposedConvolution


def test_default_settings_are_the_cs231n_default_with_the_same_seed():
    for seed in (0, 1, 12345):
        conv, reference = DemoSettings(seed=seed).conv, cs231n_default(seed)
        np.testing.assert_array_equal(conv.x, reference.x)
        np.testing.assert_array_equal(conv.w, reference.w)
        np.testing.assert_array_equal(conv.output, reference.output)


@pytest.mark.parametrize(
    ("change", "shape"),
    [
        ({"height": 9}, (2, 5, 3)),
        ({"width": 8}, (2, 3, 4)),
        ({"n_filters": 4}, (4, 3, 3)),
        ({"stride": 1}, (2, 5, 5)),
        ({"padding": 0}, (2, 2, 2)),
        ({"kernel_height": 5, "kernel_width": 1}, (2, 2, 4)),
        ({"dilation": 2}, (2, 2, 2)),
        ({"separate_axes": True, "stride_cols": 1}, (2, 3, 5)),
    ],
)
def test_each_setting_reshapes_the_output(change, shape):
    settings = DemoSettings()
    settings.param.update(change)
    assert settings.error == ""
    assert settings.conv.output.shape == shape


def test_linked_axes_follow_the_rows_value_until_set_apart():
    settings = DemoSettings()
    settings.padding = 2
    assert settings.conv.padding == (2, 2)
    settings.separate_axes = True
    settings.padding_cols = 0
    assert settings.conv.padding == (2, 0)


def test_values_kinds():
    assert DemoSettings(values="ones").conv.output.tolist()[0][1][1] == 28  # 27 ones + bias 1
    decimals = DemoSettings(values="decimals").conv
    assert decimals.x.dtype.kind == "f"
    np.testing.assert_array_equal(decimals.x, np.round(decimals.x, 1))
    assert DemoSettings(bias=False).conv.b.tolist() == [0, 0]


def test_groups_offers_only_divisors_and_groups_equal_depth_is_depthwise():
    settings = DemoSettings(depth=4, n_filters=8)
    assert settings.divisors() == [1, 2, 4]
    settings.groups = 4
    assert settings.conv.w.shape == (8, 1, 3, 3)
    assert [list(settings.conv.channels_of(k)) for k in range(8)] == [[k // 2] for k in range(8)]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"kernel_height": 9}, ["kernel height 9", "padded input height 7"]),
        ({"dilation": 4}, ["dilation 4", "spans 9"]),
        ({"groups": 2}, ["groups=2", "depth=3", "[1]"]),
        ({"padding": 0, "kernel_width": 6}, ["kernel width 6", "width 5"]),
    ],
)
def test_impossible_combination_names_the_limit_and_keeps_the_last_valid_demo(change, words):
    settings = DemoSettings()
    before = settings.conv
    settings.param.update(change)
    assert all(word in settings.error for word in words), settings.error
    assert settings.conv is before
    settings.param.update({key: DemoSettings.param[key].default for key in change})
    assert settings.error == ""


@pytest.mark.parametrize("name", ["height", "depth", "kernel_width", "stride", "padding", "seed"])
def test_caps_are_enforced_on_the_parameter(name):
    low, high = DemoSettings.param[name].bounds
    with pytest.raises(ValueError, match=name):
        DemoSettings(**{name: high + 1})
    with pytest.raises(ValueError, match=name):
        DemoSettings(**{name: low - 1})


def test_parse_settings_keeps_good_values_and_names_every_bad_one():
    raw = {
        "stride": "1", "padding": "abc", "height": "-3", "width": "999999999999999999",
        "depth": "NaN", "kernel_height": "", "bias": "maybe", "values": "<script>x</script>",
        "seed": "42", "unknown": "whatever", "n_filters": "４",  # noqa: RUF001 (a digit isdigit() accepts)
    }  # fmt: skip
    values, messages = parse_settings(raw)
    assert values == {"stride": 1, "seed": 42}
    text = "\n".join(messages)
    for name in ("padding", "height", "width", "depth", "kernel_height", "bias", "values"):
        assert f"{name}=" in text
    assert "from 1 to 32" in text and "using 5" in text
    assert len(messages) == 8


def test_settings_query_round_trips():
    settings = DemoSettings(height=7, stride=1, values="decimals", seed=99, bias=False)
    values, messages = parse_settings(settings_query(settings))
    assert messages == []
    again = DemoSettings(**values)
    assert all(getattr(again, name) == getattr(settings, name) for name in SETTINGS)


def test_formula_and_unvisited_note_use_the_current_numbers():
    settings = DemoSettings()
    assert settings.scene().formulas() == [
        "OH = floor((5 + 2*1 - 1*(3-1) - 1)/2) + 1 = 3",
        "OW = floor((5 + 2*1 - 1*(3-1) - 1)/2) + 1 = 3",
    ]
    assert settings.scene().note() == ""
    settings.padding = 0
    assert settings.scene().note() == ""  # (5 - 3) is a multiple of stride 2
    settings.param.update(height=6, width=6)
    note = settings.scene().note()
    assert note.startswith("11 cells") and "the last row" in note and "stride 2" in note


def test_transposed_mode_uses_the_same_slices_as_the_direct_layer():
    direct = DemoSettings(seed=4, depth=4, n_filters=2, groups=2).conv
    settings = DemoSettings(seed=4, depth=4, n_filters=2, groups=2, mode="transposed")
    tconv = settings.conv
    assert isinstance(tconv, TransposedConvolution) and settings.error == ""
    # Filter k's slice for its group's channel c is w[k, c] in the direct layer; PyTorch's
    # transposed layout keeps it at w[group * Cg + c, k - group * Kg].
    for k in range(2):
        for c in range(2):
            np.testing.assert_array_equal(tconv.w[k * 2 + c, 0], direct.w[k, c])


def test_output_padding_past_stride_and_dilation_is_refused_and_the_demo_kept():
    settings = DemoSettings(mode="transposed", stride=2)
    kept = settings.conv
    settings.output_padding = 2
    assert "output padding 2 (rows) must be smaller than stride 2 or dilation 1" in settings.error
    assert settings.conv is kept


def test_a_transposed_output_too_large_to_show_names_the_cap():
    settings = DemoSettings(mode="transposed")
    settings.param.update(height=32, width=32, n_filters=16, stride=4)
    assert "over the 16384 a screen can show" in settings.error


def test_mode_and_equivalent_come_from_the_address():
    values, notices = parse_settings({"mode": "transposed", "equivalent": "yes"})
    assert values == {"mode": "transposed", "equivalent": True} and notices == []
    values, notices = parse_settings({"mode": "<b>deconv</b>", "output_padding": "-1"})
    assert values == {}
    assert sorted(notices) == [
        "mode='<b>deconv</b>' is not one of convolution, transposed, image, im2col, backward, "
        "pooling; using convolution",
        "output_padding=-1 is out of range: it must be from 0 to 7; using 0",
    ]


def test_a_columns_value_while_the_axes_are_linked_is_refused_by_name():
    values, notices = parse_settings({"stride": "1", "stride_cols": "3"})
    assert values == {"stride": 1}
    assert notices == ["stride_cols applies only with separate_axes=true; using the stride value"]
    values, notices = parse_settings({"separate_axes": "true", "stride_cols": "3"})
    assert values == {"separate_axes": True, "stride_cols": 3} and notices == []
    assert DemoSettings(**values).conv.stride == (2, 3)


def test_the_transposed_formula_uses_its_own_numbers():
    settings = DemoSettings(mode="transposed", stride=2, padding=1, output_padding=1)
    assert settings.scene().formulas() == [
        "OH = (5-1)*2 - 2*1 + 1*(3-1) + 1 + 1 = 10",
        "OW = (5-1)*2 - 2*1 + 1*(3-1) + 1 + 1 = 10",
    ]
    assert settings.scene().note() == ""


def test_reset_keeps_the_seed_and_new_values_drop_the_edits():
    settings = DemoSettings(seed=5, stride=1, mode="transposed", edits={"b,0": 4})
    settings.reset()
    assert (settings.seed, settings.stride, settings.mode, settings.edits) == (
        5,
        2,
        "convolution",
        {},
    )
    settings.edits = {"b,0": 4}
    settings.new_values()
    assert settings.edits == {} and settings.conv.b.tolist() == [1, 0]
