"""The layer as code, its cost and PyTorch's padding modes, on the served page: the code a
person copies runs and gives the output on screen; the notes' line follows the steps."""

import contextlib
import io
import re

import numpy as np
import pytest
from PIL import Image
from support.cli import run_cli
from support.reading import meta, origins, screen_point
from support.serving import Page

from app.exports.gif import settings_poster
from app.layers import DemoSettings


def copied_code(page, title: str) -> str:
    """What the Copy button before the code block titled `title` puts on the clipboard."""
    page.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.page.get_by_role("button", name="Code", exact=True).click()
    page.page.get_by_role("button", name=f"Copy the {title} code").click()
    page.page.get_by_role("button", name=f"Copy the {title} code").filter(
        has_text="Copied"
    ).wait_for()
    return page.page.evaluate("() => navigator.clipboard.readText()")


def test_the_copied_numpy_code_rebuilds_the_output_on_screen(server, page):
    page.open(server.url + "?seed=3&depth=4&n_filters=2&groups=2&dilation=2&autoplay=false")
    code = copied_code(page, "NumPy, in the CS231n notes' notation")
    names: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(code, names)
    expected = DemoSettings(seed=3, depth=4, n_filters=2, groups=2, dilation=2).conv.output
    on_screen = page.model("conv_outputs", "Array.from(model.data.value)")
    np.testing.assert_array_equal(names["V"].transpose(2, 0, 1), expected)
    np.testing.assert_array_equal(np.ravel(expected), on_screen)
    assert page.errors == []


def test_the_copied_pytorch_code_names_the_layer_on_screen(server, page):
    page.open(server.url + "?seed=1&padding_mode=replicate&stride=1&autoplay=false")
    code = copied_code(page, "PyTorch")
    assert "nn.Conv2d(" in code and 'padding_mode="replicate"' in code
    assert "stride=(1, 1)" in code and "# output:   (1, 2, 5, 5)" in code


def test_the_notes_line_follows_the_step_with_the_numbers_on_screen(server, page):
    page.open(server.url + "?seed=3&step=5&autoplay=false")
    step = DemoSettings(seed=3).conv[4]  # filter 0, output row 1, column 1
    readout = page.model("conv_readout", "model.text")
    assert f"V[1,1,0] = np.sum(X[2:5, 2:5, :] * W0) + b0  # = {step.value}" in readout
    page.page.get_by_role("button", name="Step forward").click()
    page.page.wait_for_function(
        "() => Bokeh.documents[0].get_model_by_name('conv_readout').text.includes('V[1,2,0]')"
    )
    # Dilation puts a step in the slice; groups give the group's channels.
    page.open(server.url + "?seed=3&depth=4&n_filters=2&groups=2&dilation=2&step=8&autoplay=false")
    readout = page.model("conv_readout", "model.text")
    assert "V[1,1,1] = np.sum(X[2:7:2, 2:7:2, 2:4] * W1) + b1" in readout


def test_the_cost_table_counts_the_layer_on_screen(server, page):
    page.open(server.url + "?autoplay=false")
    page.page.get_by_role("button", name="Cost", exact=True).click()
    page.page.get_by_text("= 2 * 3 * 3 * 3 + 2 = 56").wait_for()
    page.open_settings()
    page.page.get_by_role("combobox", name="Filters").select_option("4")
    page.page.get_by_text("= 4 * 3 * 3 * 3 + 4 = 112").wait_for()


def test_padding_copies_show_their_values_and_point_to_their_originals(server, page):
    page.open(server.url + "?seed=3&padding_mode=reflect&autoplay=false")
    conv = DemoSettings(seed=3, padding_mode="reflect").conv
    C, Hp, Wp = conv.padded.shape
    copies = page.model("conv_copy_fill", "model.data.x.length")
    zeros = page.model("conv_padding_fill", "model.data.x.length")
    assert (copies, zeros) == (C * (Hp * Wp - 25), 0)  # every padded cell copies one
    values = page.model("conv_cells", "Array.from(model.data.value)")
    np.testing.assert_array_equal(values[: conv.padded.size], conv.padded.ravel())
    # The pointer on the top-left padded cell of channel 0 outlines the input cell it
    # mirrors: row 1, column 1 of the input (padded row 2, column 2).
    ox, oy = origins(page)
    page.page.mouse.move(*screen_point(page, ox[0] + 0.5, oy[0] + 0.5))
    page.page.wait_for_function(
        "() => Bokeh.documents[0].get_model_by_name('conv_original').data.x[0] > -1000"
    )
    outline = page.model("conv_original", "[model.data.x[0], model.data.y[0]]")
    assert outline == [ox[0] + 2.5, oy[0] + 2.5]
    assert meta(page, "Hp") == Hp
    # Off the padding, nothing is outlined.
    page.page.mouse.move(*screen_point(page, ox[0] + 3.5, oy[0] + 3.5))
    page.page.wait_for_function(
        "() => Bokeh.documents[0].get_model_by_name('conv_original').data.x[0] === -1000"
    )
    assert page.errors == []


def test_the_transposed_layer_refuses_a_padding_mode_by_name(server, page):
    page.open(server.url + "?padding_mode=circular&autoplay=false").open_settings()
    page.page.get_by_role("button", name="transposed").click()
    page.page.get_by_text("the transposed layer takes zeros only").wait_for()
    assert meta(page, "Hp") == 7  # the convolution stays on screen


def test_share_gives_an_iframe_of_the_demo_as_it_is_on_screen(server, page, browser):
    page.open(server.url + "?seed=4&stride=1&padding_mode=replicate&autoplay=false")
    page.page.get_by_role("button", name="Share", exact=True).click()
    snippet = page.page.get_by_role("region", name="HTML snippet").inner_text()
    (src,) = re.findall(r'<iframe src="([^"]+)" title="Convolution demo" width="800"', snippet)
    height = int(re.findall(r'height="(\d+)"', snippet)[0])
    assert 300 <= height <= 1200
    for dialect in ("MyST (mystmd, Jupyter Book 2)", "reStructuredText (Sphinx, Jupyter Book 1)",
                    "Quarto"):  # fmt: skip
        assert src in page.page.get_by_role("region", name=f"{dialect} snippet").inner_text()
    # What the iframe shows: this demo, without its settings.
    embedded = Page(browser.new_page(viewport={"width": 800, "height": height}))
    try:
        embedded.open(src)
        assert "embed=true" in src and "seed=4" in src and "padding_mode=replicate" in src
        assert embedded.page.get_by_role("button", name="New values").count() == 0
        expected = DemoSettings(seed=4, stride=1, padding_mode="replicate").conv.output.ravel()
        on_screen = embedded.model("conv_outputs", "Array.from(model.data.value)")
        np.testing.assert_array_equal(on_screen, expected)
    finally:
        embedded.page.close()


@pytest.mark.parametrize("query", ["seed=1", "height=25&width=25&n_filters=5&stride=1&padding=1"])
def test_shares_iframe_is_as_tall_as_the_demo_embedded_at_the_width_it_names(
    server, browser, query
):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = Page(context.new_page()).open(f"{server.url}?{query}&autoplay=false")
        page.page.get_by_role("button", name="Share", exact=True).click()
        page.page.get_by_text("the height it takes at that width").wait_for(timeout=30_000)
        snippet = page.page.get_by_role("region", name="HTML snippet").inner_text()
        (src, width, height) = re.findall(
            r'<iframe src="([^"]+)" title="Convolution demo" width="(\d+)" height="(\d+)"', snippet
        )[0]
        # The iframe as a course page shows it: everything in view, nothing scrolled.
        embedded = Page(context.new_page())
        embedded.page.set_viewport_size({"width": int(width), "height": int(height)})
        embedded.open(src.replace("&amp;", "&"))
        sizes = embedded.page.evaluate(
            "[document.documentElement.scrollHeight, innerHeight,"
            " document.documentElement.scrollWidth, innerWidth]"
        )
        assert sizes[0] <= sizes[1] and sizes[2] <= sizes[3], sizes
        toggle = embedded.page.get_by_role("button", name="Toggle Movement").bounding_box()
        assert toggle["y"] + toggle["height"] <= int(height)
    finally:
        context.close()


def test_the_offline_export_has_code_and_cost_but_nothing_to_share(tmp_path, page):
    path = tmp_path / "demo.html"
    assert run_cli("export", str(path), "--seed", "2", "--padding-mode", "circular").returncode == 0
    page.open(path.as_uri())
    page.page.get_by_role("button", name="Code", exact=True).click()
    assert (
        'padding_mode="circular"'
        in page.page.get_by_role("region", name="PyTorch code").inner_text()
    )
    assert page.page.get_by_role("button", name="Share", exact=True).count() == 0


def test_share_links_a_poster_of_the_step_on_screen_and_the_server_refuses_a_bad_one(server, page):
    page.open(server.url + "?seed=4&mode=backward&autoplay=false", demo="back")
    page.page.get_by_role("button", name="Step forward").click()
    page.page.get_by_role("button", name="Step forward").click()  # step 3
    page.page.get_by_role("button", name="Share", exact=True).click()
    link = page.page.get_by_role("link", name="poster of this step (PNG)")
    address = link.get_attribute("href").replace("&amp;", "&")
    assert "step=3" in address and "mode=backward" in address and "embed" not in address
    answer = page.page.request.get(address)
    assert answer.status == 200 and answer.headers["content-type"] == "image/png"
    # The same picture as the command line draws for the same settings and step.
    expected = settings_poster(DemoSettings(seed=4, mode="backward"), step=2)
    assert answer.body() == expected
    refused = page.page.request.get(server.url.replace("/app", "/poster.png?stride=0&step=x"))
    assert refused.status == 400
    assert refused.text() == "No poster: stride=0 is out of range: it must be from 1 to 8\n"
    assert "<" not in refused.text() and refused.headers["content-type"].startswith("text/plain")


def test_share_offers_no_poster_the_server_would_refuse_and_says_why(server, page):
    page.open(server.url + "?mode=image&seed=1&autoplay=false")
    page.page.get_by_role("button", name="Share", exact=True).click()
    page.page.get_by_text("No poster of this picture: the poster draws a layer in a few").wait_for()
    assert page.page.get_by_role("link", name="poster of this step (PNG)").count() == 0
    refused = page.page.request.get(server.url.replace("/app", "/poster.png?mode=image&seed=1"))
    assert refused.status == 400 and "photographs need the HTML export" in refused.text()


def test_the_students_poster_is_drawn_large_enough_to_read(server, page):
    page.open(server.url + "?height=25&width=25&n_filters=5&stride=1&padding=1&seed=4&step=702")
    page.page.get_by_role("button", name="Share", exact=True).click()
    link = page.page.get_by_role("link", name="poster of this step (PNG)")
    answer = page.page.request.get(link.get_attribute("href").replace("&amp;", "&"))
    assert answer.status == 200
    picture = Image.open(io.BytesIO(answer.body()))
    assert picture.size[0] > 1920  # its 127 cells across at a readable size, wider than a GIF
