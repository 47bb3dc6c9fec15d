"""Embedding: the served app in an iframe of a course page on another origin."""

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from support.serving import Server, free_port


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
        assert frame.get_by_role("button", name="Settings", exact=True).count() == 0
        inner = page.frames[1]
        inner.wait_for_function(
            "() => Bokeh.documents[0].get_model_by_name('conv_meta').data.OH[0] === 5"
        )
        read = "() => Bokeh.documents[0].get_model_by_name('conv_slider').value"
        first = inner.evaluate(read)
        inner.wait_for_function(f"() => ({read})() !== {first}")  # it moves
        height = inner.evaluate("() => document.documentElement.scrollHeight")
        assert height <= 700
    finally:
        context.close()
        site.shutdown()
        site.server_close()
        server.stop()
