"""Real pictures and classic kernels for the image mode (NumPy and Pillow: no Panel, no Bokeh).

Pillow comes with Bokeh; it decodes the shipped pictures and the uploads, nothing else.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable
from importlib.resources import files
from typing import TypeVar

import numpy as np
from PIL import Image, UnidentifiedImageError

PICTURES = ("astronaut", "chelsea", "coffee", "rocket", "shapes")  # app/images/*.png
PICTURE_SIDE = 32  # pictures are scaled down to fit this many cells on a side
MAX_UPLOAD_BYTES = 5_000_000
MAX_UPLOAD_PIXELS = 25_000_000  # decoded size: a small file can unpack to a huge image
UPLOAD_FORMATS = ("PNG", "JPEG")
UPLOAD_MODES = ("1", "L", "LA", "P", "RGB", "RGBA", "CMYK", "YCbCr")
DAMAGED = "the image is damaged and cannot be read: save it again, or choose another file"
T = TypeVar("T")

KERNELS = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "box blur": (np.ones((3, 3)) / 9).tolist(),
    "gaussian blur": (np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16).tolist(),
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "sobel x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "sobel y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "emboss": [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
    "random": None,  # drawn from the seed: CS231n's -1..1 integers
}


def picture(name: str) -> np.ndarray:
    """A shipped picture as (3, 32, 32) integers 0..255."""
    if name not in PICTURES:
        raise ValueError(f"picture {name[:40]!r} is not one of {', '.join(PICTURES)}")
    data = (files("app") / "images" / f"{name}.png").read_bytes()
    return decode_picture(data)


def decode_picture(data: bytes) -> np.ndarray:
    """A PNG or JPEG file's bytes as (3, H, W) integers 0..255, scaled down to fit 32x32.
    Anything else is a ValueError that says what is wrong and what is accepted."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValueError(
            f"the file has {len(data) / 1e6:.1f} MB, over the {MAX_UPLOAD_BYTES / 1e6:.0f} MB cap"
        )
    if not data:
        raise ValueError("the file is empty")
    image = _read(lambda: Image.open(io.BytesIO(data)))
    if image.format not in UPLOAD_FORMATS:
        raise ValueError(f"a {image.format} image: upload a PNG or a JPEG")
    if image.width * image.height > MAX_UPLOAD_PIXELS:
        raise ValueError(
            f"{image.width}x{image.height} pixels, over the cap of {MAX_UPLOAD_PIXELS}"
        )
    if image.mode not in UPLOAD_MODES:
        raise ValueError(
            f"pixel mode {image.mode} (16-bit or floating point) is not supported: "
            "save it as 8-bit RGB or greyscale"
        )
    image.draft("RGB", (PICTURE_SIDE * 4, PICTURE_SIDE * 4))  # JPEGs decode smaller
    _read(image.load)
    if image.mode in ("LA", "RGBA", "P"):
        # Transparent pixels over white, as an image viewer shows them.
        image = image.convert("RGBA")
        ground = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(ground, image)
    image = image.convert("RGB")
    image.thumbnail((PICTURE_SIDE, PICTURE_SIDE), Image.Resampling.LANCZOS)
    return np.asarray(image, dtype=np.int64).transpose(2, 0, 1).copy()  # (3, H, W)


def _read(action: Callable[[], T]) -> T:
    """What Pillow's `action` returns, or a ValueError that says in the demo's words why the
    file cannot be read (Pillow's own name its internals)."""
    try:
        with warnings.catch_warnings():
            # Pillow warns from 89 megapixels; the cap, far under that, says more.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return action()
    except Image.DecompressionBombError as error:  # past twice Pillow's limit: no image at all
        pixels = re.search(r"\((\d+) pixels\)", str(error))
        size = f"{pixels.group(1)} pixels" if pixels else "too many pixels"
        raise ValueError(f"{size}, over the cap of {MAX_UPLOAD_PIXELS}") from None
    except UnidentifiedImageError:
        raise ValueError("the file is not a PNG or JPEG image that can be read") from None
    except ValueError as error:
        # Pillow's caps on what a PNG carries beside its pixels: its text chunks (comments,
        # metadata), which the demo never reads.
        if "text" not in str(error).lower():
            raise ValueError(DAMAGED) from None
        raise ValueError(
            "the PNG carries more text (comments, metadata) than a picture file needs: "
            "save the picture again without its metadata"
        ) from None
    except (OSError, SyntaxError):
        raise ValueError(DAMAGED) from None


def kernel(name: str, seed: int, size: tuple[int, int] = (3, 3)) -> np.ndarray:
    """A classic kernel (FH, FW): exact integers where it has them, else floats."""
    if name not in KERNELS:
        raise ValueError(f"kernel {name[:40]!r} is not one of {', '.join(KERNELS)}")
    if KERNELS[name] is None:
        return np.random.default_rng(seed).integers(-1, 2, size=size)  # (FH, FW)
    weights = np.array(KERNELS[name])  # (3, 3)
    return weights.astype(np.int64) if np.all(weights == np.round(weights)) else weights


def image_weights(weights: np.ndarray, across_channels: bool, C: int) -> np.ndarray:
    """Filters from one kernel: one per channel (groups = C), or one C deep reading all."""
    FH, FW = weights.shape
    if across_channels:
        return np.broadcast_to(weights, (1, C, FH, FW)).copy()  # (1, C, FH, FW)
    return np.broadcast_to(weights, (C, 1, FH, FW)).copy()  # (C, 1, FH, FW)
