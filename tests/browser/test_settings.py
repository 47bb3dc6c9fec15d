"""Settings, URL state, pointer and keyboard in a real Chromium against a real server."""

import re

from support.reading import (
    meta,
    origins,
    output_cell_centre,
    readout_numbers,
    screen_point,
    window_cells,
)
from support.serving import Page, Server

from app.layers import DemoSettings
from app.settings.query import parse_settings


def test_stride_and_padding_widgets_reshape_the_output_and_the_formula(server, page):
    page.open(server.url).open_settings()
    page.page.get_by_role("combobox", name="Stride (rows)").select_option("1")
    page.page.wait_for_function(
        "() => Bokeh.documents[0].get_model_by_name('conv_meta').data.OH[0] === 5"
    )
    assert (meta(page, "OH"), meta(page, "OW"), meta(page, "N")) == (5, 5, 50)
    page.page.get_by_text("OH = floor((5 + 2*1 - 1*(3-1) - 1)/1) + 1 = 5").wait_for()
    page.page.get_by_role("combobox", name="Padding (rows)").select_option("0")
    page.page.wait_for_function(
        "() => Bokeh.documents[0].get_model_by_name('conv_meta').data.OH[0] === 3"
    )
    page.page.get_by_text("OW = floor((5 + 2*0 - 1*(3-1) - 1)/1) + 1 = 3").wait_for()
    assert meta(page, "Hp") == 5
    page.page.wait_for_url(re.compile(r"stride=1&.*padding=0"))
    assert page.errors == []


def test_a_change_reaches_the_page_in_one_patch_with_what_it_sets(server, page):
    """The rows' stride sets the columns' too (their drop-down, hidden while the axes are
    linked, shows it once they are set apart): the drop-down's value and the new picture come
    in one patch, which the page takes in one go. At the default every column is short and
    travels in the patch's JSON, with no binary message."""
    frames: list[str | bytes] = []
    page.page.on(
        "websocket", lambda socket: socket.on("framereceived", lambda frame: frames.append(frame))
    )
    page.open(server.url).open_settings()
    page.page.wait_for_timeout(500)  # what the opening sent has arrived
    since = len(frames)
    page.page.get_by_role("combobox", name="Stride (rows)").select_option("1")
    page.page.wait_for_function(
        "() => Bokeh.documents[0].get_model_by_name('conv_meta').data.OH[0] === 5"
    )
    models = "[...Bokeh.documents[0].all_models]"
    columns = f"{models}.find(m => m.title?.startsWith('Stride (columns)'))"
    assert page.page.evaluate(f"() => {columns}.value") == "1"
    arrived = frames[since:]
    patches = [frame for frame in arrived if isinstance(frame, str) and '"events"' in frame]
    echoed = [patch for patch in patches if '"attr":"value","new":"1"' in patch]
    assert len(echoed) == 1, "the columns' stride is sent once"
    assert '"attr":"data"' in echoed[0], "in the patch that carries the new picture"
    assert not [frame for frame in arrived if isinstance(frame, bytes)], "no binary message"
    assert page.errors == []


def test_impossible_setting_shows_its_message_and_keeps_the_last_demo(server, page):
    page.open(server.url).open_settings()
    page.page.get_by_role("combobox", name="Kernel height").select_option("9")
    message = page.page.get_by_text(re.compile("kernel height 9 .* padded input height 7"))
    message.wait_for()
    assert (meta(page, "FH"), meta(page, "OH"), meta(page, "N")) == (3, 3, 18)
    page.page.get_by_role("button", name="Step forward").click()
    assert readout_numbers(page)[3]  # the last valid demo still steps and shows its numbers
    assert server.errors() == []


def test_url_with_a_full_configuration_reproduces_the_demo(server, page):
    query = {
        "height": "6", "width": "7", "depth": "4", "n_filters": "4", "kernel_height": "2",
        "kernel_width": "3", "stride": "1", "padding": "0", "dilation": "2", "groups": "2",
        "bias": "false", "values": "decimals", "seed": "9", "step": "5",
    }  # fmt: skip
    page.open(server.url + "?" + "&".join(f"{k}={v}" for k, v in query.items()))
    page.page.get_by_role("button", name="Toggle Movement").click()
    page.model("conv_slider", "model.value = 5")
    values, messages = parse_settings(query)
    conv = DemoSettings(**values).conv
    assert messages == []
    assert (meta(page, "OH"), meta(page, "OW"), meta(page, "G"), meta(page, "N")) == (4, 3, 2, 48)
    step = conv[4]
    assert window_cells(page) == {
        (d, r, c) for d in step.channels for r in step.rows for c in step.cols
    }
    _, scalars, bias, value = readout_numbers(page)
    assert scalars == {
        d: f"{round(s, 2):g}" for d, s in zip(step.channels, step.scalars, strict=True)
    }
    assert bias == "0" and value == f"{round(step.value, 2):g}"


def test_url_with_garbage_values_shows_messages_and_still_loads(server, page):
    dialogs = []
    page.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.open(
        server.url + "?stride=abc&padding=-1&height=%3Cscript%3Ealert(1)%3C/script%3E"
        "&seed=NaN&values=&kernel_width=99999999999999999999&step=-4&groups=2"
    )
    for words in (
        "stride='abc'",
        "padding=-1 is out of range",
        "height='<script>alert(1)</script>'",
        "seed='NaN'",
        "kernel_width=",
        "step='-4'",
    ):
        assert page.page.get_by_text(words, exact=False).first.is_visible(), words
    assert page.page.get_by_text("groups=2 must divide depth=3").is_visible()
    assert (meta(page, "OH"), meta(page, "N")) == (3, 18)  # the defaults stand
    assert dialogs == [] and server.errors() == []
    page.moves_from(0)  # and it moves


def test_clicking_an_output_cell_jumps_there_and_pauses(server, page):
    page.open(server.url)
    x, y = output_cell_centre(page, k=1, row=2, col=1)
    page.page.mouse.click(x, y)
    assert page.step() == 9 + 2 * 3 + 1
    page.page.wait_for_timeout(1500)
    assert page.step() == 16


def test_hovering_an_output_cell_outlines_its_window(server, page):
    page.open(server.url)
    x, y = output_cell_centre(page, k=0, row=1, col=2)
    page.page.mouse.move(x, y)
    preview = "Bokeh.documents[0].get_model_by_name('conv_preview').data.x"
    page.page.wait_for_function(f"() => {preview}[0] > -1000")  # the hovered cell's window
    xs = page.model("conv_preview", "Array.from(model.data.x)")
    ox = origins(page)[0]
    cols = sorted({round(v - ox[0] - 0.5) for v in xs[:9]})
    assert cols == list(DemoSettings().conv[5].cols)


def test_keyboard_moves_and_toggles_while_the_demo_has_focus(server, page):
    page.open(server.url)
    page.page.get_by_role("button", name="Toggle Movement").click()  # paused, the demo focused
    paused = page.step()
    page.page.keyboard.press("Escape")  # the keys are the page's again
    page.page.keyboard.press("End")
    assert page.step() == paused, "without focus the demo leaves the keys alone"
    page.page.get_by_role("group", name="Convolution demo").focus()
    page.page.keyboard.press("End")
    assert page.step() == 17
    page.page.keyboard.press("Home")
    assert page.step() == 0
    page.page.keyboard.press("ArrowRight")
    page.page.keyboard.press("ArrowRight")
    page.page.keyboard.press("ArrowLeft")
    assert page.step() == 1
    page.page.wait_for_timeout(1500)
    assert page.step() == 1  # stepping paused it
    page.page.keyboard.press(" ")
    page.moves_from(1)
    assert "step=" in page.page.url


def test_groups_equal_to_depth_shows_one_channel_per_filter(server, page):
    page.open(server.url + "?depth=3&n_filters=3&groups=3")
    assert (meta(page, "Cg"), meta(page, "G")) == (1, 3)
    labels = page.model("conv_labels", "model.data.text")
    assert {"w0[:,:,0] of x[:,:,0]", "w1[:,:,0] of x[:,:,1]", "w2[:,:,0] of x[:,:,2]"} <= set(
        labels
    )
    page.page.get_by_role("group", name="Convolution demo").focus()
    page.page.keyboard.press("End")
    assert page.step() == 26
    assert {d for d, _, _ in window_cells(page)} == {2}


def test_clicking_a_cell_edits_its_value_and_the_sums_follow(server, page):
    page.open(server.url + "?seed=0")
    page.page.get_by_role("button", name="Toggle Movement").click()
    ox, oy = origins(page)
    x, y = screen_point(page, ox[0] + 2.5, oy[0] + 2.5)  # padded (2, 2)
    page.page.mouse.click(x, y)
    page.page.get_by_text("x[:,:,0] row 1, column 1").wait_for()
    page.page.get_by_role("textbox", name="New value").fill("9")
    page.page.get_by_role("button", name="Set the cell").click()
    page.page.wait_for_url(re.compile(r"edits=x%2C0%2C1%2C1%3D9|edits=x,0,1,1=9"))
    expected = DemoSettings(seed=0, edits={"x,0,1,1": 9}).conv
    C, Hp, Wp = expected.padded.shape
    values = page.model("conv_cells", "Array.from(model.data.value)")
    assert values[: C * Hp * Wp] == expected.padded.ravel().tolist()
    page.model("conv_slider", "model.value = 1")
    _, scalars, _, value = readout_numbers(page)
    assert value == str(expected[0].value) and scalars[0] == str(expected[0].scalars[0])
    x, y = screen_point(page, ox[0] + 0.5, oy[0] + 0.5)  # a padding cell
    page.page.mouse.click(x, y)
    page.page.get_by_text("padding cells are zeros by definition").wait_for()


def test_two_sessions_are_independent(server, browser, page):
    other_context = browser.new_context()
    try:
        other = Page(other_context.new_page()).open(server.url + "?seed=0")
        page.open(server.url + "?seed=0").open_settings()
        page.page.get_by_role("combobox", name="Stride (rows)").select_option("1")
        page.page.wait_for_function(
            "() => Bokeh.documents[0].get_model_by_name('conv_meta').data.OH[0] === 5"
        )
        other.page.wait_for_timeout(500)
        assert (meta(other, "OH"), meta(other, "N")) == (3, 18)
        assert "stride=2" in other.page.url
    finally:
        other_context.close()


def test_a_client_leaving_mid_change_leaves_the_server_healthy(server, browser, page):
    context = browser.new_context()
    leaving = Page(context.new_page()).open(server.url).open_settings()
    leaving.page.get_by_role("combobox", name="Depth (channels)").select_option("16")
    context.close()  # gone before the repaint reaches it
    page.open(server.url + "?depth=16")
    assert meta(page, "C") == 16
    assert server.errors() == []


def test_garbage_in_the_seed_field_gets_a_message_and_keeps_the_demo(server, page):
    page.open(server.url + "?seed=5").open_settings()
    field = page.page.get_by_role("textbox", name="Seed")
    field.fill("<img src=x onerror=alert(1)>")
    field.press("Enter")
    page.page.get_by_text("seed='<img src=x onerror=alert(1)>' is not a whole number").wait_for()
    assert "seed=5" in page.page.url and meta(page, "N") == 18
    field.fill("99999999999")
    field.press("Enter")
    page.page.get_by_text("seed=99999999999 is out of range").wait_for()
    field.fill("12")
    field.press("Enter")
    page.page.wait_for_url(re.compile(r"seed=12"))
    assert server.errors() == []


def test_several_worker_processes_serve_working_demos(browser):
    server = Server("--num-procs", "2")
    try:
        for _ in range(6):  # a page's request and its websocket each reach either worker
            context = browser.new_context()
            failed = []
            try:
                tab = context.new_page()
                tab.on("requestfailed", lambda request, failed=failed: failed.append(request.url))
                page = Page(tab).open(server.url + "?seed=1").open_settings()
                page.page.get_by_role("combobox", name="Stride (rows)").select_option("1")
                page.page.wait_for_function(
                    "() => Bokeh.documents[0].get_model_by_name('conv_meta').data.OH[0] === 5"
                )
                page.moves_from(page.step())
                page.page.get_by_role("button", name="transposed").click()  # models made later
                page.wait_for("tconv")
                # The page is whole offline, whichever worker its websocket reached.
                assert failed == [] and page.errors == []
            finally:
                context.close()
    finally:
        server.stop()


def test_a_larger_picture_gets_a_larger_figure_with_every_cell_on_it(server, page):
    page.open(server.url).open_settings()
    for widget, choice, settings in (
        ("Filters", "4", DemoSettings(n_filters=4)),
        ("Stride (rows)", "1", DemoSettings(n_filters=4, stride=1)),
    ):
        page.page.get_by_role("combobox", name=widget).select_option(choice)
        K, OH, OW = settings.conv.output.shape
        page.page.wait_for_function(
            "() => { const m = Bokeh.documents[0].get_model_by_name('conv_meta').data;"
            f" return m.K[0] === {K} && m.OH[0] === {OH} }}"
        )
        # Placed for the box the page reported (narrower while the settings stand beside it).
        geometry = settings.scene((meta(page, "box_width"), meta(page, "box_height"))).geometry
        size = [
            int(geometry.width * geometry.cell_px) + 8,
            int(geometry.height * geometry.cell_px) + 8,
        ]
        # The last cell drawn, with the figure scrolled into view (the settings were in it).
        x, y = output_cell_centre(page, K - 1, OH - 1, OW - 1)
        box = page.model(
            "conv_figure",
            "(() => { const r = Bokeh.index.find_one(model).el.getBoundingClientRect();"
            " return [r.left, r.top, r.width, r.height] })()",
        )
        assert [round(box[2]), round(box[3])] == size
        assert box[0] < x < box[0] + box[2] and box[1] < y < box[1] + box[3]
    assert page.errors == []


def test_settings_open_on_request_in_view_and_keep_what_was_chosen(server, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = Page(context.new_page()).open(server.url + "?seed=1&autoplay=false")
        settings = page.page.get_by_role("button", name="Settings", exact=True)
        stride = page.page.get_by_role("combobox", name="Stride (rows)")
        assert stride.count() == 0
        assert page.page.get_by_role("button", name="New values").count() == 0
        page.open_settings()
        # Beside the demo on a laptop: in view, the page not scrolled away from the demo.
        top = stride.evaluate("el => el.getBoundingClientRect().top")
        assert 0 <= top < 768 and page.page.evaluate("scrollY") == 0
        stride.select_option("1")
        page.page.wait_for_function(
            "() => Bokeh.documents[0].get_model_by_name('conv_meta').data.OH[0] === 5"
        )
        settings.click()  # hidden ...
        stride.wait_for(state="hidden")
        settings.click()  # ... and shown again, as they were
        stride.wait_for(state="visible")
        assert stride.input_value() == "1"
        page.page.evaluate("window.scrollTo(0, 0)")
        settings.click()
        stride.wait_for(state="hidden")
        # A tap on an input cell opens them at the cell's editor.
        x, y = screen_point(page, origins(page)[0][0] + 2.5, origins(page)[1][0] + 2.5)
        page.page.mouse.click(x, y)
        page.page.get_by_role("textbox", name="New value").wait_for()
        assert stride.is_visible() and page.errors == []
    finally:
        context.close()


def test_on_a_laptop_the_settings_open_beside_the_demo_and_keep_it_in_view(server, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = Page(context.new_page())
        page.open(f"{server.url}?height=25&width=25&n_filters=5&stride=1&padding=1&seed=4")
        page.open_settings()
        in_view = """(el) => { const r = el.getBoundingClientRect();
          return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth }"""
        figure = "Bokeh.index.find_one(model).el"
        page.page.wait_for_function(
            f"() => {{ const model = Bokeh.documents[0].get_model_by_name('conv_figure');"
            f" return ({in_view})({figure}) }}"
        )  # the picture placed again, narrower, beside the settings
        new_values = page.page.get_by_role("button", name="New values")
        assert new_values.evaluate(in_view)
        assert page.page.get_by_role("button", name="Toggle Movement").evaluate(in_view)
        # Changing a setting further down keeps the demo where it is.
        page.page.get_by_role("combobox", name="Filters").select_option("4")
        page.page.wait_for_function(
            "() => Bokeh.documents[0].get_model_by_name('conv_meta').data.K[0] === 4"
        )
        assert page.model("conv_figure", f"({in_view})({figure})")
        assert page.page.evaluate("scrollY") == 0
        assert page.errors == []
    finally:
        context.close()
