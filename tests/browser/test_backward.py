"""The backward layer in a real Chromium: it moves, its running gradients at each step are the
engine's, its finished gradients are autograd's, and dx as a convolution shows dx again."""

import numpy as np
import torch
from support.reading import cells_at, meta
from support.serving import address

from app.layers import DemoSettings
from app.scene.style import format_values

CONFIGURATION = dict(mode="backward", seed=6, depth=2, n_filters=2, stride=1, height=4, width=4)


def shown_gradients(page):
    return page.model("back_gradient_text", "Array.from(model.data.text)")


def test_backward_moves_and_its_running_gradients_are_the_engines(server, page):
    page.open(address(server, **CONFIGURATION), demo="back")
    first = page.step("back")
    page.moves_from(first, "back")
    back = DemoSettings(**CONFIGURATION).conv
    C, Hp, Wp = back.conv.padded.shape
    dx0 = meta(page, "block_dx", "back")
    dout0 = meta(page, "block_outputs", "back")
    OH, OW = back.dout.shape[1:]
    for n in (0, 6, len(back) // 2 + 1, len(back) - 1, 3, 4):  # on, back, on again
        page.model("back_slider", f"model.value = {n + 1}")
        assert page.step("back") == n
        step, running = back[n], back.running(n)
        expected = np.concatenate([running.padded.ravel(), running.dw.ravel(), running.db])
        assert shown_gradients(page) == format_values(expected)
        window = {(r, c) for r in step.rows for c in step.cols}
        in_x = cells_at(page, "back_window_box", range(C), Hp, Wp, demo="back")
        in_dx = cells_at(page, "back_window_box", range(dx0, dx0 + C), Hp, Wp, demo="back")
        assert in_x == {(d, r, c) for d in step.channels for r, c in window}
        assert in_dx == {(dx0 + d, r, c) for d in step.channels for r, c in window}
        green = cells_at(page, "back_cursor", range(dout0, dout0 + 2), OH, OW, demo="back")
        assert green == {(dout0 + step.filter, step.row, step.col)}
        readout = page.model("back_readout", "model.text")
        assert f'class="value">{format_values(np.array([step.upstream]))[0]}<' in readout
    assert page.errors == []


def test_the_finished_gradients_are_autograds_and_dx_as_a_convolution_shows_dx(server, page):
    page.open(address(server, **CONFIGURATION), demo="back")
    page.page.get_by_role("button", name="Toggle Movement").filter(visible=True).click()
    page.page.get_by_text("Show the finished output").filter(visible=True).click()
    back = DemoSettings(**CONFIGURATION).conv
    conv = back.conv
    x, w, b = (
        torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (conv.x, conv.w, conv.b)
    )
    out = torch.nn.functional.conv2d(x[None], w, b, stride=conv.stride, padding=conv.padding)[0]
    (out * torch.from_numpy(back.dout).double()).sum().backward()
    C, Hp, Wp = conv.padded.shape
    (ph, pw), (H, W) = conv.padding, conv.x.shape[1:]
    shown = shown_gradients(page)
    dx = np.array(shown[: C * Hp * Wp]).reshape(C, Hp, Wp)[:, ph : ph + H, pw : pw + W]
    assert dx.ravel().tolist() == format_values(x.grad.numpy().astype(int))
    rest = shown[C * Hp * Wp :]
    assert rest == format_values(w.grad.numpy().astype(int)) + format_values(
        b.grad.numpy().astype(int)
    )
    page.open_settings()
    page.page.get_by_text("Show dx as a convolution").click()
    page.wait_for("twin")
    page.page.get_by_text("dx as a convolution.").wait_for()
    twin = page.model("twin_output_text", "Array.from(model.data.text)")
    assert twin == format_values(x.grad.numpy().astype(int))
    assert page.errors == []
