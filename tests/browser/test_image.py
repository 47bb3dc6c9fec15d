"""The image mode in a real Chromium: the picture on screen, Sobel edges on an uploaded test
card, ReLU, and bad uploads that leave the page as it was."""

import io
import re

import numpy as np
from PIL import Image
from scipy.signal import correlate2d

from app.settings.pictures import KERNELS, picture


def png(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


def packed(rgb: np.ndarray) -> list[int]:
    """(3, H, W) 0..255 as Bokeh's RGBA pixels, row by row."""
    r, g, b = (rgb[c].astype(np.uint32).ravel() for c in range(3))
    return (0xFF000000 | (b << 16) | (g << 8) | r).tolist()


def upload(page, name: str, data: bytes) -> None:
    chooser = page.page.get_by_label("Upload a PNG or JPEG")
    chooser.set_input_files({"name": name, "mimeType": "image/png", "buffer": data})


def test_image_mode_shows_the_picture_and_moves_on_it(server, page):
    page.open(server.url + "?mode=image&picture=astronaut&stride=1&seed=0").open_settings()
    C = page.model("conv_meta", "model.data.C[0]")
    shown = page.model("conv_images", f"Array.from(model.data.image[{C}])")
    assert shown == packed(picture("astronaut"))
    first = page.step()
    page.moves_from(first)
    assert page.errors == []


def test_sobel_on_an_uploaded_test_card_finds_its_edge(server, page):
    card = np.zeros((8, 8, 3), np.uint8)
    card[:, 4:] = (200, 120, 40)  # a vertical edge between columns 3 and 4
    page.open(server.url + "?mode=image&kernel=sobel+x&stride=1&padding=1&seed=0").open_settings()
    upload(page, "card.png", png(card))
    page.page.wait_for_function(
        "() => Bokeh.documents[0].get_model_by_name('conv_meta').data.Hp[0] === 10"
    )
    values = np.array(page.model("conv_outputs", "Array.from(model.data.value)"))
    sobel = np.array(KERNELS["sobel x"])
    expected = [correlate2d(card[..., c].astype(int), sobel, mode="same") for c in range(3)]
    np.testing.assert_array_equal(values.reshape(3, 8, 8), np.array(expected))
    # The red filter's output image: bright on the edge, flat grey inside either half.
    levels = np.array(page.model("conv_levels", "Array.from(model.data.value)")).reshape(3, 8, 8)
    inside = levels[0, 1:-1]
    assert (inside[:, 3:5] > inside[:, 1:2] + 60).all()
    assert len(set(inside[:, [0, 1, 2, 5, 6]].ravel())) == 1
    page.page.get_by_role("checkbox", name="ReLU").check()
    page.page.wait_for_function(
        "() => Bokeh.documents[0].get_model_by_name('conv_meta').data.relu[0] === 1"
    )
    page.page.wait_for_url(re.compile(r"[?&]relu=true"))  # a setting of the picture alone
    page.page.get_by_role("button", name="Toggle Movement").click()
    page.model("conv_slider", "model.value = 1")  # the top-left cell: negative before ReLU
    readout = page.model("conv_readout", "model.text")
    assert "ReLU: max(0, " in readout
    assert page.errors == []


def test_bad_uploads_get_a_message_and_the_picture_stays(server, page):
    page.open(server.url + "?mode=image&picture=coffee&stride=1&seed=0").open_settings()
    C = page.model("conv_meta", "model.data.C[0]")
    before = page.model("conv_images", f"Array.from(model.data.image[{C}])")
    upload(page, "notes.png", b"these are lecture notes, not a picture")
    message = page.page.get_by_text("notes.png: the file is not a PNG or JPEG image")
    message.wait_for()
    upload(page, "huge.png", b"\x89PNG" + b"\0" * 6_000_000)
    page.page.get_by_text("huge.png: 6.0 MB, over the 5 MB cap").wait_for()
    after = page.model("conv_images", f"Array.from(model.data.image[{C}])")
    assert after == before == packed(picture("coffee"))
    first = page.step()
    page.moves_from(first)
    assert page.errors == []
