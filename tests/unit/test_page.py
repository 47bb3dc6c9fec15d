"""The page's viewers without a server: as a notebook shows the demo, and what an address or a
tampered browser message makes of it."""

import re

import panel as pn
import pytest
from bokeh.core.validation.check import ValidationIssues, check_integrity

from app import ConvolutionDemo
from app.layers import DemoSettings
from app.page.defaults import forget_defaults, remember_defaults
from app.page.editor import CellEditor
from app.scene.blocks import PADDING_CELL


def test_demo_renders_as_a_notebook_would():
    demo = ConvolutionDemo(stride=1, padding=0)
    root = pn.panel(demo).get_root()
    meta = [model for model in root.references() if getattr(model, "name", None) == "conv_meta"]
    assert len(meta) == 1
    assert meta[0].data["sh"] == [1] and meta[0].data["OH"] == [3] and meta[0].data["N"] == [18]
    names = {getattr(model, "name", None) for model in root.references()}
    assert {"conv_toggle", "conv_slider", "conv_readout", "conv_figure"} <= names


def test_address_arguments_make_the_demo_and_name_what_is_wrong():
    demo = ConvolutionDemo.from_address(
        {"embed": [b"true"], "stride": [b"1"], "seed": [b"4"], "step": [b"7"]}
    )
    assert demo.embed and demo.settings.stride == 1 and demo.settings.seed == 4
    assert demo.step == 6 and demo.notices == []
    demo = ConvolutionDemo.from_address(
        {"embed": [b"maybe"], "step": [b"99"], "x": [b"\xff"], "theme": [b"<b>blue"]}
    )
    assert not demo.embed and demo.step == 0 and demo.theme == "light"
    assert demo.notices == [
        "step='99' must be a whole number from 1 to 18; using 1",
        "embed='maybe' is not a switch: use true or false; using false",
        "theme='<b>blue' is not one of light, dark; using light",
    ]
    assert ConvolutionDemo.from_address({"theme": [b"Dark"]}).theme == "dark"
    assert ConvolutionDemo.from_address({"theme": [b"default"]}).theme == "light"  # Panel's word


def test_a_tampered_tap_from_the_browser_gets_a_message_not_an_exception():
    settings = DemoSettings(seed=0)
    editor = CellEditor(settings)
    for sent in ("x,a,1,1", "x,0,99,1", "w,9,0,0,0", "<b>", "b,1", "x,0,0,0"):
        settings.tapped = sent
        if sent in ("b,1", "x,0,0,0"):
            assert editor.form.visible and editor.cell == sent
        else:
            assert not editor.form.visible and editor.message.text, sent
    settings.tapped = PADDING_CELL
    assert "padding cells are zeros" in editor.message.text


def test_a_tap_on_copied_padding_points_to_the_cell_it_copies():
    settings = DemoSettings(seed=0, padding_mode="reflect")
    editor = CellEditor(settings)
    settings.tapped = PADDING_CELL
    assert not editor.form.visible
    assert editor.message.text.startswith("padding cells copy input cells (padding_mode=reflect)")


def session_document(**address: bytes):
    """The document a served session sends its browser, built as the server builds it."""
    from bokeh.document import Document
    from panel.io.state import set_curdoc

    doc = Document()
    with set_curdoc(doc):
        demo = ConvolutionDemo.from_address({key: [value] for key, value in address.items()})
        pn.panel(demo).server_doc(doc, title="Convolution demo", location=False)
    return demo, doc


def test_a_session_builds_only_what_its_visitor_sees():
    from bokeh.core.json_encoder import serialize_json
    from bokeh.models import CustomJS

    demo, doc = session_document(seed=b"1")
    names = {getattr(model, "name", None) for model in doc.models}
    assert {"conv_figure", "conv_toggle", "conv_readout", "conv_settings_toggle"} <= names
    assert demo.sidebar is None and not demo.aside.visible  # the settings wait to be asked for
    # Every model is built, walked and serialized for each visitor (376 models and 476 KB of
    # JSON before the figures were made lean, the settings waited and actions shared a script).
    # Predict's toggle, its question and their row are part of every session; the scripts
    # travel without their lines of comment.
    assert len(doc.models) <= 153
    assert len(serialize_json(doc.to_json())) < 124_000
    # The layer's script travels once: every other CustomJS names it.
    scripts = [m for m in doc.models if isinstance(m, CustomJS) and len(m.code) > 5000]
    assert [m.name for m in scripts] == ["conv_script"]
    # The server no longer checks each session's document (app_hooks.py): checked here.
    assert check_integrity(doc.models) == ValidationIssues(error=[], warning=[])
    # A renderer is one glyph, and every source shares one empty selection.
    renderers = demo.figures["conv"].figure.renderers
    assert all(r.nonselection_glyph == "auto" and r.muted_glyph == "auto" for r in renderers)
    assert len({id(source.selected) for source in demo.figures["conv"].sources.values()}) == 1


def sent_json(address: dict[str, bytes], open_settings: bool = False) -> str:
    """What a session sends its browser, with the counters that differ from build to build
    (model ids, Panel's names and link tags) numbered in order of appearance."""
    from bokeh.core.json_encoder import serialize_json

    demo, doc = session_document(**address)
    demo.show_settings = open_settings
    text = serialize_json(doc.to_json())
    ids: dict[str, str] = {}
    text = re.sub(r"__ref:p\d+", "__ref", text)
    text = re.sub(r'"p\d+"', lambda m: ids.setdefault(m.group(), f'"m{len(ids)}"'), text)
    text = re.sub(r'"tags":\[\[\d+,', '"tags":[[#,', text)  # Python ids of Panel's links
    return re.sub(r'"([A-Z][A-Za-z]+)\d{5}"', r'"\1#"', text)


@pytest.mark.parametrize(
    "address, open_settings",
    [
        ({"seed": b"1"}, False),
        ({"seed": b"1"}, True),
        ({"seed": b"2", "embed": b"true", "theme": b"dark"}, False),
        ({"seed": b"3", "mode": b"transposed", "zoom": b"1.5"}, True),
        ({"seed": b"4", "mode": b"image"}, True),
    ],
)
def test_the_servers_kept_defaults_send_the_same_document(address, open_settings):
    """The server keeps Bokeh's immutable defaults and builds no throwaway default models
    (app/page/defaults.py): what a session sends must not change by a byte."""
    bokehs = sent_json(address, open_settings)
    assert sent_json(address, open_settings) == bokehs  # the numbering makes builds comparable
    remember_defaults()
    try:
        kept = sent_json(address, open_settings)
    finally:
        forget_defaults()
    assert len(kept) > 80_000 and kept == bokehs


def test_the_servers_kept_resource_lists_name_the_same_files():
    """A page's scripts and stylesheets, asked of every model class once and kept: the same
    lists as Bokeh's own asking, in the mode the server serves them, and again in another."""
    from panel.io.resources import Resources

    def lists(mode: str) -> list[list[str]]:
        resources = Resources(mode=mode, **({"root_url": "/"} if mode == "server" else {}))
        return [resources.js_files, resources.css_files, resources.js_modules]

    session_document(seed=b"1")  # every model class of the page known
    bokehs = [lists(mode) for mode in ("server", "cdn")]
    remember_defaults()
    try:
        kept = [lists(mode) for mode in ("server", "cdn", "server", "cdn")]
    finally:
        forget_defaults()
    assert any("es-module-shims" in name for name in bokehs[0][0])  # Panel's own, collected
    assert kept == bokehs + bokehs


def test_settings_are_made_when_first_opened_and_kept():
    demo, doc = session_document(seed=b"1")
    before = len(doc.models)
    toggle = demo.figures["conv"].settings_toggle
    toggle.active = True  # as the browser's Settings button sends it
    assert demo.show_settings and demo.aside.visible and demo.sidebar is not None
    assert len(doc.models) > before + 80  # the widgets arrive now
    assert check_integrity(doc.models) == ValidationIssues(error=[], warning=[])
    panel, stride = demo.sidebar, demo.settings.stride
    toggle.active = False
    assert not demo.aside.visible and demo.settings.stride == stride
    demo.show_settings = True
    assert demo.sidebar is panel and toggle.active  # the same widgets, the button says so
    # A tap on a cell opens them: the cell's editor stands among them.
    demo.show_settings = False
    demo.figures["conv"].sources["edit"].data = {"cell": ["x,0,1,1"]}
    assert demo.show_settings and demo.settings.tapped == "x,0,1,1"


def test_an_embedded_demo_has_no_settings_to_open():
    demo, _ = session_document(embed=b"true")
    assert demo.figures["conv"].settings_toggle is None
    demo.show_settings = True
    assert demo.sidebar is None
    demo.figures["conv"].sources["edit"].data = {"cell": ["x,0,1,1"]}
    assert demo.sidebar is None


def test_zoom_draws_the_picture_placed_for_a_smaller_box_that_much_larger():
    plain, zoomed = ConvolutionDemo(seed=1), ConvolutionDemo(seed=1, zoom=2.0)
    plain.box, zoomed.box = (800, 500), (1600, 1000)
    for demo in (plain, zoomed):
        demo._show(0)
    a, b = plain.figures["conv"]._frame, zoomed.figures["conv"]._frame
    assert b["x_end"] == a["x_end"] and abs((b["width"] - 8) - 2 * (a["width"] - 8)) <= 1
    figure = zoomed.figures["conv"]
    assert "zoom: 2" in figure.readout.stylesheets[-1].css
    assert any(
        r.glyph.text_font_size == "26px"
        for r in figure.figure.renderers
        if hasattr(r.glyph, "text_font_size")
    )
    assert zoomed._query().endswith("zoom=2") and "zoom" not in plain._query()
    demo = ConvolutionDemo.from_address({"zoom": [b"150%"]})
    assert demo.zoom == 1.5 and demo.notices == []
    demo = ConvolutionDemo.from_address({"zoom": [b"3"]})
    assert demo.zoom == 1 and demo.notices == ["zoom='3' is not one of 1, 1.25, 1.5, 2; using 1"]


def test_headings_of_cells_too_small_to_read_are_painted_beneath_what_moves():
    demo = ConvolutionDemo(seed=1)
    figure = demo.figures["conv"]
    assert figure.headings.level == "overlay"  # above the window's links, as the original
    demo.settings.param.update(
        height=32, width=32, depth=16, n_filters=16, kernel_height=11, kernel_width=11,
        padding=5,
    )  # fmt: skip
    assert not [r for r in figure.values if r.visible]  # the caps: no value is legible
    assert figure.headings.level == "glyph"  # not painted again at every step
    demo.settings.param.update(height=5, width=5, depth=3, n_filters=2, kernel_height=3,
                               kernel_width=3, padding=1)  # fmt: skip
    assert figure.headings.level == "overlay"


def test_a_long_run_starts_fast_enough_to_finish_and_a_chosen_speed_is_kept():
    demo = ConvolutionDemo(seed=1)
    speed = demo.figures["conv"].speed
    assert speed.value == 1  # the original's pace for its 18 steps
    demo.settings.mode = "image"
    steps = len(demo.settings.conv)
    assert steps > 500 and steps / speed.value <= 100, "a picture's run in a minute and a half"
    speed.value = 3  # a person's choice
    demo.settings.mode = "convolution"
    assert speed.value == 3


def test_predict_comes_from_the_notebook_and_the_address_and_is_kept_in_it():
    demo = ConvolutionDemo(predict=True, ask=["value"], every=3)
    figure = demo.figures["conv"]
    assert figure.predict_toggle.active and figure.predict.ask == ("value",)
    assert figure.predict.every == 3
    served = ConvolutionDemo.from_address({"predict": [b"true"], "ask": [b"shape,combine"]})
    assert served.ask == ["combine", "shape"] and served.notices == []
    assert "predict=true&ask=combine%2Cshape" in served._query()
    refused = ConvolutionDemo.from_address({"ask": [b"max"], "every": [b"0"]})
    assert refused.notices == [
        "ask='max' must name some of combine, value, shape; using combine,value,shape",
        "every='0' must be a whole number from 1 to 100; using 1",
    ]
