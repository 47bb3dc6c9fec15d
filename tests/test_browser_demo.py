"""The served demo in a real Chromium: it moves, pauses, steps, scrubs, and stays in the browser."""

import re

import pytest

from app.model import DemoSettings

pytestmark = pytest.mark.browser


def window_cells(page):
    """(channel, padded row, padded column) of every blue window cell on screen."""
    origins = page.model("conv_origins", "[Array.from(model.data.x), Array.from(model.data.y)]")
    xs, ys = page.model("conv_window_box", "[Array.from(model.data.x), Array.from(model.data.y)]")
    C, Hp, Wp = page.model("conv_meta", "[model.data.C[0], model.data.Hp[0], model.data.Wp[0]]")
    cells = set()
    for x, y in zip(xs, ys, strict=True):
        for d in range(C):
            col, row = x - origins[0][d] - 0.5, y - origins[1][d] - 0.5
            if abs(col - round(col)) < 1e-6 and abs(row - round(row)) < 1e-6:
                if 0 <= round(row) < Hp and 0 <= round(col) < Wp:
                    cells.add((d, round(row), round(col)))
    return cells


def readout_numbers(page):
    html = page.model("conv_readout", "model.text")
    scalars = {int(d): v for d, v in re.findall(r'data-channel="(\d+)">([^<]+)<', html)}
    (value,) = re.findall(r'class="value">([^<]+)<', html)
    (bias,) = re.findall(r'class="bias">([^<]+)<', html)
    (step,) = re.findall(r'class="step">(\d+)<', html)
    return int(step), scalars, bias, value


def test_page_loads_without_console_errors_and_moves_on_load(server, page):
    page.open(server.url)
    page.page.wait_for_url(re.compile(r"[?&]seed=\d+"))  # a fresh visit's seed is in the URL
    first = page.step()
    page.page.wait_for_timeout(2500)
    assert page.step() > first, "the window should move on load, one step a second"
    assert page.errors == []


def test_toggle_movement_stops_and_starts_again(server, page):
    page.open(server.url)
    page.page.get_by_role("button", name="Toggle Movement").click()
    paused_at = page.step()
    page.page.wait_for_timeout(2200)
    assert page.step() == paused_at
    page.page.get_by_role("button", name="Toggle Movement").click()
    page.page.wait_for_timeout(2200)
    assert page.step() != paused_at


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
    page.open(server.url + "?seed=0")
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
    origins = page.model("conv_origins", "[Array.from(model.data.x), Array.from(model.data.y)]")
    out = conv.padded.shape[0] + conv.w.shape[0] * conv.w.shape[1] + conv.w.shape[0]
    out += step.filter
    assert cursor == [origins[0][out] + step.col + 0.5, origins[1][out] + step.row + 0.5]


def test_playing_at_full_speed_sends_no_websocket_message(server, page):
    sent = []
    page.page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    page.open(server.url)
    page.model("conv_speed", "model.value = 60")
    page.page.wait_for_timeout(500)
    before, start = len(sent), page.step()
    page.page.wait_for_timeout(3000)
    moved = (page.step() - start) % 18
    assert len(sent) == before, f"{len(sent) - before} messages sent while playing"
    assert moved > 0  # it did play: 180 steps wrap round the 18 of the default
