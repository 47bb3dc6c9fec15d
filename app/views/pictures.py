"""Blocks drawn as images, a pixel a cell: every block when cells are too small to draw one by
one, and in image mode the channels in grey, the picture in colour, and outputs that fill in
step by step (js/direct.js repaints them the same way in the browser)."""

from __future__ import annotations

import numpy as np

from app.engine import Convolution
from app.views.layout import INPUT, OUTPUT, PADDING, Geometry, border

OPAQUE = np.uint32(0xFF000000)


def rgba(hex_colour: str) -> np.uint32:
    """'#RRGGBB' as Bokeh's packed little-endian RGBA pixel."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return np.uint32((255 << 24) | (b << 16) | (g << 8) | r)


UNVISITED = {INPUT: "#B4B4DC", PADDING: "#B4B4B4"}  # darker, where hatching is too small


def block_images(conv: Convolution, geometry: Geometry) -> dict[str, list]:
    """Every input channel as one image, a pixel a cell: for cells too small to draw one by
    one. (Filters and outputs are one colour a block: plain_blocks draws them.)"""
    C, Hp, Wp = conv.padded.shape  # channels, padded rows, padded columns
    is_pad = border((Hp, Wp), conv.padding, conv.x.shape[1:])  # (Hp, Wp)
    channel = np.where(is_pad, rgba(PADDING), rgba(INPUT))  # (Hp, Wp)
    missed = np.where(is_pad, rgba(UNVISITED[PADDING]), rgba(UNVISITED[INPUT]))
    channel = np.where(conv.unvisited, missed, channel).astype(np.uint32)
    # Every channel looks the same: the same image at each channel's place.
    return {"image": [channel] * C, "x": geometry.inputs[:, 0], "y": geometry.inputs[:, 1],
            "dw": np.full(C, Wp), "dh": np.full(C, Hp)}  # fmt: skip


def plain_blocks(conv: Convolution, geometry: Geometry) -> dict[str, dict]:
    """Filter slices and biases, and output blocks, as one rectangle each (centre and size):
    a canvas draws hundreds of rectangles faster than it makes hundreds of images."""
    K, Cg, FH, FW = conv.w.shape  # filters, channels per group, kernel rows, kernel columns
    OH, OW = conv.output.shape[1:]
    corners = np.concatenate([geometry.slices.reshape(-1, 2), geometry.biases])  # (K*Cg + K, 2)
    sizes = np.array([(FW, FH)] * (K * Cg) + [(1, 1)] * K, dtype=float)  # (K*Cg + K, 2)

    def rectangles(corners: np.ndarray, sizes: np.ndarray) -> dict:
        centres = corners + sizes / 2
        return {"x": centres[:, 0], "y": centres[:, 1], "width": sizes[:, 0],
                "height": sizes[:, 1]}  # fmt: skip

    outputs = rectangles(geometry.outputs, np.tile([float(OW), float(OH)], (K, 1)))
    return {"weights": rectangles(corners, sizes), "outputs": outputs}


def grey(levels: np.ndarray) -> np.ndarray:
    """0..255 levels as opaque grey RGBA pixels, in Bokeh's packing."""
    v = levels.astype(np.uint32)
    return OPAQUE | (v << 16) | (v << 8) | v


def colour(red: np.ndarray, green: np.ndarray, blue: np.ndarray) -> np.ndarray:
    r, g, b = (np.asarray(c).astype(np.uint32) for c in (red, green, blue))
    return OPAQUE | (b << 16) | (g << 8) | r


def shown_output(conv: Convolution, relu: bool) -> np.ndarray:
    """The output as the page shows it: after ReLU when it is on, (K, OH, OW)."""
    return np.maximum(conv.output, 0) if relu else conv.output


def levels(conv: Convolution, relu: bool) -> np.ndarray:
    """Each output cell as a 0..255 grey level, (K*OH*OW,) uint8: 0..255 stays as it is, and
    a wider range (an edge filter's negatives, a sum over channels) is stretched to fit."""
    out = shown_output(conv, relu).astype(float)  # (K, OH, OW)
    low, high = min(0.0, out.min()), max(255.0, out.max())
    return np.round((out - low) / (high - low) * 255).astype(np.uint8).ravel()


def output_pixels(levels: np.ndarray, n: int, K: int, rgb: bool) -> tuple[list, np.ndarray]:
    """After step n: each output block's pixels, and the output picture, cells not yet reached
    left blank. With one filter per colour, the picture gains red, then green, then blue."""
    reached = np.arange(levels.size) <= n  # (K*OH*OW,)
    blocks = np.where(reached, grey(levels), rgba(OUTPUT)).reshape(K, -1)  # (K, OH*OW)
    if rgb:
        channels = np.where(reached, levels, 0).reshape(3, -1)  # (3, OH*OW)
        picture = colour(*channels)
    else:
        picture = np.where(reached[: levels.size // K], grey(levels[: levels.size // K]),
                           rgba(OUTPUT))  # fmt: skip
    return list(blocks), picture


def picture_images(conv: Convolution, geometry: Geometry, step: int, relu: bool) -> dict:
    """Every image of the image mode, and where the output ones start (for the browser)."""
    C, Hp, Wp = conv.padded.shape  # channels, padded rows, padded columns
    K, Cg = conv.w.shape[:2]  # filters, channels per group
    OH, OW = conv.output.shape[1:]
    (ph, pw), (H, W) = conv.padding, conv.x.shape[1:]
    is_pad = border((Hp, Wp), conv.padding, (H, W))  # (Hp, Wp)
    x = np.clip(conv.padded, 0, 255)  # (C, Hp, Wp): edited cells may leave 0..255
    images, origins = [], []
    for d in range(C):
        images.append(np.where(is_pad, rgba(PADDING), grey(x[d])))
        origins.append(geometry.inputs[d])
    rgb = C == 3 and K == 3 and Cg == 1
    picture = x[:, ph : ph + H, pw : pw + W]
    images.append(colour(*picture) if C == 3 else grey(picture[0]))
    origins.append(geometry.pictures[0])
    first_output = len(images)
    blocks, picture = output_pixels(levels(conv, relu), step, K, rgb)
    images += [block.reshape(OH, OW) for block in blocks] + [picture.reshape(OH, OW)]
    origins += [*geometry.outputs, geometry.pictures[1]]
    sizes = np.array([image.shape[::-1] for image in images])  # (n, 2): (dw, dh)
    origins = np.array(origins)
    data = {"image": images, "x": origins[:, 0], "y": origins[:, 1],
            "dw": sizes[:, 0], "dh": sizes[:, 1]}  # fmt: skip
    return {"images": data, "first_output": first_output, "rgb": rgb}
