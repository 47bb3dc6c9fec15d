"""The image mode's pictures, uploads and kernels, against Pillow-made files and SciPy."""

import io

import numpy as np
import pytest
from PIL import Image, PngImagePlugin
from scipy.signal import correlate2d

from app.layers import DemoSettings
from app.settings.pictures import KERNELS, PICTURES, decode_picture, kernel, picture


def encoded(image: Image.Image, format: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def with_text(text: str) -> PngImagePlugin.PngInfo:
    """A PNG's compressed text chunk (zTXt) holding `text`."""
    notes = PngImagePlugin.PngInfo()
    notes.add_text("Comment", text, zip=True)
    return notes


def test_every_shipped_picture_is_a_32x32_rgb_array_of_bytes():
    for name in PICTURES:
        x = picture(name)
        assert x.shape == (3, 32, 32) and x.dtype == np.int64
        assert 0 <= x.min() and x.max() <= 255 and x.std() > 10  # a picture, not a blank


def test_an_upload_is_scaled_down_to_fit_32_keeping_its_shape():
    image = Image.new("RGB", (200, 100), (10, 20, 30))
    x = decode_picture(encoded(image, "JPEG"))
    assert x.shape == (3, 16, 32)
    assert np.abs(x[:, 5, 5] - [10, 20, 30]).max() <= 3  # JPEG rounds a little


def test_grey_and_transparent_uploads_become_rgb_over_white():
    grey = decode_picture(encoded(Image.new("L", (8, 8), 77)))
    assert grey.shape == (3, 8, 8) and (grey == 77).all()
    clear = decode_picture(encoded(Image.new("RGBA", (8, 8), (255, 0, 0, 0))))
    assert (clear == 255).all()  # fully transparent red shows the white ground


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"hello, this is not an image", "not a PNG or JPEG image"),
        (encoded(Image.new("RGB", (4, 4)), "GIF"), "a GIF image: upload a PNG or a JPEG"),
        (encoded(Image.new("I;16", (4, 4))), "pixel mode I;16"),
        (encoded(Image.new("1", (6000, 5000))), "6000x5000 pixels, over the cap of 25000000"),
        # Past Pillow's own warning (89 megapixels) and past its error (179 megapixels).
        (encoded(Image.new("1", (12000, 10000))), "12000x10000 pixels, over the cap of 25000000"),
        (encoded(Image.new("1", (20000, 10000))), "200000000 pixels, over the cap of 25000000"),
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 6_000_000, "6.0 MB, over the 5 MB cap"),
        (encoded(Image.new("RGB", (40, 40)))[:-30], "damaged"),
        # Zipped text beside the pixels, past what Pillow unzips: 4 MB of a comment.
        pytest.param(
            encoded(Image.new("RGB", (4, 4)), pnginfo=with_text("notes " * 700_000)),
            "more text (comments, metadata) than a picture file needs",
            id="zipped-text",
        ),
    ],
)
def test_bad_uploads_are_refused_with_what_is_wrong(data, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        decode_picture(data)


def test_kernels_are_exact_where_they_are_integers():
    assert kernel("sobel x", 0).dtype == np.int64
    assert kernel("gaussian blur", 0).sum() == 1.0
    assert kernel("random", 5, (2, 4)).shape == (2, 4)
    for name in KERNELS:
        assert kernel(name, 0).ndim == 2


def test_sobel_x_per_channel_finds_a_vertical_edge_as_scipy_does():
    image = np.zeros((8, 8, 3), np.uint8)
    image[:, 4:] = (200, 100, 50)  # dark left half, bright right half
    settings = DemoSettings(mode="image", stride=1, padding=1, kernel="sobel x")
    settings.upload = decode_picture(encoded(Image.fromarray(image)))
    settings.picture = "upload"
    conv = settings.conv
    assert settings.error == "" and conv.output.shape == (3, 8, 8)
    sobel = np.array(KERNELS["sobel x"])
    for c in range(3):
        expected = correlate2d(image[..., c].astype(int), sobel, mode="same")
        np.testing.assert_array_equal(conv.output[c], expected)
    # The edge is where the output is: columns 3 and 4, nowhere else inside.
    assert (conv.output[0, 1:-1, 3:5] == 4 * 200).all()
    assert (conv.output[0, 1:-1, :3] == 0).all() and (conv.output[0, 1:-1, 5:7] == 0).all()


def test_one_filter_across_channels_sums_them():
    settings = DemoSettings(mode="image", picture="coffee", kernel="box blur", stride=1)
    settings.across_channels = True
    conv = settings.conv
    assert conv.w.shape == (1, 3, 3, 3) and conv.groups == 1
    x = picture("coffee").astype(float)
    expected = sum(correlate2d(x[c], np.ones((3, 3)) / 9, mode="same") for c in range(3))
    np.testing.assert_allclose(conv.output[0], expected, rtol=1e-12)


def test_choosing_upload_before_any_upload_keeps_the_demo_and_says_why():
    settings = DemoSettings(mode="image")
    kept = settings.conv
    settings.picture = "upload"
    assert settings.conv is kept and "no picture has been uploaded yet" in settings.error
