"""The served demo in a real Chromium: it moves, pauses, steps, scrubs, and stays in the browser."""

import re

import pytest
from support.reading import cells_at, ink, meta, origins, readout_numbers, window_cells

from app.layers import DemoSettings

COUNT_STEPS = """new Promise(resolve => {
  let changes = 0
  model.connect(model.properties.value.change, () => { changes += 1 })
  setTimeout(() => resolve(changes), 3000)
})"""


def test_page_loads_without_console_errors_and_moves_on_load(server, page):
    page.open(server.url)
    page.page.wait_for_url(re.compile(r"[?&]seed=\d+"))  # a fresh visit's seed is in the URL
    first = page.step()
    page.moves_from(first)
    assert page.errors == []


def test_toggle_movement_stops_and_starts_again(server, page):
    page.open(server.url)
    page.page.get_by_role("button", name="Toggle Movement").click()
    paused_at = page.step()
    page.page.wait_for_timeout(2200)
    assert page.step() == paused_at
    page.page.get_by_role("button", name="Toggle Movement").click()
    page.moves_from(paused_at)


def test_step_buttons_move_exactly_one_step(server, page):
    page.open(server.url)
    page.page.get_by_role("button", name="Toggle Movement").click()
    start = page.step()
    page.page.get_by_role("button", name="Step forward").click()
    assert page.step() == start + 1
    page.page.get_by_role("button", name="Step forward").click()
    page.page.get_by_role("button", name="Step back").click()
    assert page.step() == start + 1
    assert readout_numbers(page)[0] == start + 2  # the readout counts from 1


@pytest.mark.parametrize("n", [0, 7, 13, 17])
def test_scrubbed_step_shows_the_engines_window_and_numbers(server, page, n):
    # Still: a moving demo already on step n would take the scrub as no change and move on.
    page.open(server.url + "?seed=0&autoplay=false")
    page.model("conv_slider", f"model.value = {n + 1}")
    conv = DemoSettings().conv  # the page's default settings, seed 0
    step = conv[n]
    assert page.step() == n
    expected = {(d, r, c) for d in step.channels for r in step.rows for c in step.cols}
    assert window_cells(page) == expected
    shown_step, scalars, bias, value = readout_numbers(page)
    assert shown_step == n + 1
    assert scalars == {d: str(s) for d, s in zip(step.channels, step.scalars, strict=True)}
    assert bias == str(step.bias) and value == str(step.value)
    cursor = page.model("conv_cursor", "[model.data.x[0], model.data.y[0]]")
    ox, oy = origins(page)
    out = meta(page, "block_outputs") + step.filter
    assert cursor == [ox[out] + step.col + 0.5, oy[out] + step.row + 0.5]


def test_outputs_are_painted_as_the_steps_reach_them_and_after_a_new_setting(server, page):
    page.open(server.url + "?seed=0&autoplay=false")
    page.painted()
    assert ink(page, 0, 0, 1) == 0, "step 1 has written only the first output"
    page.page.get_by_role("button", name="Step forward").click()
    page.page.get_by_role("button", name="Step forward").click()
    page.painted()
    assert ink(page, 0, 0, 1) > 5, "step 3 shows the second output's value"
    page.page.get_by_role("button", name="Step back").click()
    page.page.get_by_role("button", name="Step back").click()
    page.painted()
    assert ink(page, 0, 0, 1) == 0, "back at step 1, the second output is blank again"
    page.page.get_by_role("button", name="Step forward").click()
    # New arrays (stride 1: a 5x5 output) keep the step, and the outputs it has written.
    page.page.get_by_role("button", name="Settings", exact=True).click()
    page.page.get_by_role("combobox", name="Stride (rows)").select_option("1")
    page.page.wait_for_function(
        "() => Bokeh.documents[0].get_model_by_name('conv_meta').data.OH[0] === 5"
    )
    page.page.wait_for_timeout(500)
    assert page.step() == 1
    assert ink(page, 0, 0, 1) > 5 and ink(page, 0, 0, 2) == 0


CAPS = dict(
    height=32, width=32, depth=16, n_filters=16, kernel_height=11, kernel_width=11, padding=5
)


def test_at_the_caps_each_channels_window_and_slice_is_one_rectangle_on_the_engines_cells(
    server, page
):
    query = "&".join(f"{key}={value}" for key, value in CAPS.items())
    page.open(f"{server.url}?{query}&seed=0&autoplay=false")
    conv = DemoSettings(**CAPS, seed=0).conv
    Cg, FH, FW = conv.w.shape[1:]
    assert meta(page, "outline_blocks") == 1
    slices0 = meta(page, "block_slices")
    for n in (0, 1234, len(conv) - 1):  # the first, one inside, the last filter's last
        page.model("conv_slider", f"model.value = {n + 1}")
        step = conv[n]
        assert page.step() == n
        assert page.model("conv_window_box", "model.data.x.length") == Cg  # not Cg*FH*FW
        expected = {(d, r, c) for d in step.channels for r in step.rows for c in step.cols}
        assert window_cells(page) == expected
        slices = range(slices0 + step.filter * Cg, slices0 + (step.filter + 1) * Cg)
        red = cells_at(page, "conv_kernel", slices, FH, FW)
        assert red == {(s, r, c) for s in slices for r in range(FH) for c in range(FW)}


def test_playing_at_full_speed_sends_no_websocket_message(server, page):
    sent = []
    page.page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    page.open(server.url)
    page.model("conv_speed", "model.value = 60")
    page.page.wait_for_timeout(500)
    before = len(sent)
    steps = page.model("conv_slider", COUNT_STEPS)  # steps shown in 3 s
    assert len(sent) == before, f"{len(sent) - before} messages sent while playing"
    assert steps > 15, f"{steps} steps shown in 3 s at 60 a second (3 at the default speed)"
