"""Embedding: the served app in an iframe of another origin, and in a notebook."""

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import panel as pn
import pytest
from serving import Server, free_port

from app import ConvolutionDemo
from app.views.editor import CellEditor


@pytest.mark.browser
def test_embed_mode_plays_in_an_iframe_of_a_course_page_on_another_port(tmp_path, browser):
    site_port = free_port()
    server = Server("--allow-websocket-origin", f"127.0.0.1:{site_port}")
    (tmp_path / "course.html").write_text(
        f'<h1>Week 5</h1><iframe src="{server.url}?embed=true&stride=1" width="1100" '
        'height="700" style="border:0" title="Convolution demo"></iframe>'
    )
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    site = ThreadingHTTPServer(("127.0.0.1", site_port), handler)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{site_port}/course.html")
        frame = page.frame_locator("iframe")
        frame.get_by_role("button", name="Toggle Movement").wait_for(timeout=30_000)
        assert frame.get_by_role("button", name="New values").count() == 0  # no settings
        inner = page.frames[1]
        inner.wait_for_function(
            "() => Bokeh.documents[0].get_model_by_name('conv_meta').data.OH[0] === 5"
        )
        read = "() => Bokeh.documents[0].get_model_by_name('conv_slider').value"
        first = inner.evaluate(read)
        page.wait_for_timeout(2200)
        assert inner.evaluate(read) != first
        height = inner.evaluate("() => document.documentElement.scrollHeight")
        assert height <= 700
    finally:
        context.close()
        site.shutdown()
        site.server_close()
        server.stop()


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
    demo = ConvolutionDemo.from_address({"embed": [b"maybe"], "step": [b"99"], "x": [b"\xff"]})
    assert not demo.embed and demo.step == 0
    assert demo.notices == [
        "step='99' must be from 1 to 18; using 1",
        "embed='maybe' is not a switch: use true or false; showing the full page",
    ]


def test_a_tampered_tap_from_the_browser_gets_a_message_not_an_exception():
    demo = ConvolutionDemo(seed=0)
    editor = CellEditor(demo.settings, demo=demo)
    for sent in ("x,a,1,1", "x,0,99,1", "w,9,0,0,0", "<b>", "b,1"):
        demo.tapped = sent
        if sent == "b,1":
            assert editor.form.visible and editor.cell == "b,1"
        else:
            assert not editor.form.visible and editor.message.visible, sent
    demo.tapped = "x,0,0,0"
    assert "padding cells are zeros" in editor.message.object
