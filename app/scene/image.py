"""The image mode: a Convolution over a real picture, its channels drawn in grey, the picture
in colour, and outputs that fill in as pictures step by step (js/direct.js repaints them the
same way in the browser); ReLU shows what the activation keeps."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from app.engine import Convolution
from app.scene.blocks import Blocks
from app.scene.convolution import EMPTY_CELLS, EMPTY_OUTPUTS, ConvolutionScene
from app.scene.layout import SCREEN, Box
from app.scene.style import OPAQUE, OUTPUT, PADDING, rgba


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


class ImageScene(ConvolutionScene):
    """A convolution over a picture: input and output blocks are images, values (where cells
    are large enough) over them; with `relu`, the output as max(0, o)."""

    VALUE_GROUND = 0.75  # over a picture's dark pixels, a value needs a light ground

    def __init__(self, conv: Convolution, box: Box = SCREEN, relu: bool = False) -> None:
        super().__init__(conv, box)
        self.relu = relu

    @property
    def rgb(self) -> bool:
        """One filter per colour channel: the output picture is in colour."""
        C, (K, Cg) = self.engine.x.shape[0], self.engine.w.shape[:2]
        return C == 3 and K == 3 and Cg == 1

    def _blocks(self) -> Blocks:
        blocks = super()._blocks()
        C = blocks.input_shape[0]
        return replace(
            blocks,
            pictures=(self.engine.x.shape[1:], blocks.output_shape[1:]),
            channel_names=("red", "green", "blue") if C == 3 else (),
        )

    def shown_output(self) -> np.ndarray:
        return shown_output(self.engine, self.relu)

    def _columns(self, step: int) -> dict[str, dict]:
        data = super()._columns(step)
        # Cells of the input and output blocks are pixels: images, with values over them.
        data.update(dict.fromkeys(("input_fill", "padding_fill"), EMPTY_CELLS))
        data["output_fill"] = EMPTY_OUTPUTS
        data["images"] = self._images(step)
        data["levels"] = {"value": levels(self.engine, self.relu)}
        return data

    def _small_cells(self, blocks: dict[str, dict], reached: np.ndarray) -> dict[str, dict]:
        return {}  # the pictures are images already, at any size

    def _sizes(self) -> dict[str, int]:
        first_output = self.engine.x.shape[0] + 1  # after the channels and the picture
        picture = {
            "picture": 1,
            "relu": int(self.relu),
            "rgb": int(self.rgb),
            "output_images": 1,
            "first_output": first_output,
            "blank": int(rgba(OUTPUT)),
        }  # fmt: skip
        return {**super()._sizes(), **picture}

    def _images(self, step: int) -> dict[str, list | np.ndarray]:
        """Every image: the channels, the picture, the outputs so far and their picture."""
        conv, geometry = self.engine, self.geometry
        C = conv.padded.shape[0]  # channels
        K = conv.w.shape[0]  # filters
        OH, OW = conv.output.shape[1:]
        (ph, pw), (H, W) = conv.padding, conv.x.shape[1:]
        x = np.clip(conv.padded, 0, 255)  # (C, Hp, Wp): edited cells may leave 0..255
        # Copied padding shows the picture's own values (mirrored, repeated or wrapped).
        images = [np.where(conv.zero_padding, rgba(PADDING), grey(x[d])) for d in range(C)]
        picture = x[:, ph : ph + H, pw : pw + W]
        images.append(colour(*picture) if C == 3 else grey(picture[0]))
        blocks, picture = output_pixels(levels(conv, self.relu), step, K, self.rgb)
        images += [block.reshape(OH, OW) for block in blocks] + [picture.reshape(OH, OW)]
        origins = np.array([*geometry.inputs, geometry.pictures[0], *geometry.outputs,
                            geometry.pictures[1]])  # fmt: skip
        sizes = np.array([image.shape[::-1] for image in images])  # (n, 2): (dw, dh)
        return {"image": images, "x": origins[:, 0], "y": origins[:, 1],
                "dw": sizes[:, 0], "dh": sizes[:, 1]}  # fmt: skip
