"""Every step as a frame of a GIF, for slides, and one step as a poster PNG, for a PDF or a
slide: the page's picture drawn again with Pillow."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from app.exports.frames import palette, write_gif
from app.layers import DemoSettings
from app.scene import ConvolutionScene
from app.scene.style import BLUE, CELL, GREEN, KIND_COLOURS, OUTPUT, RED, format_values

MAX_FRAMES = 400  # a GIF past this is no slide; the HTML export plays any length
# Frames x pixels: the work of drawing, and the file's size (0.04 to 0.07 bytes a pixel of a
# frame, as measured on the demo's pictures): at most about 18 MB and 15 s of drawing.
MAX_GIF_PIXELS = 250_000_000
MAX_FRAME_SIZE = (1920, 1200)  # a projector's: larger pictures are drawn with smaller cells
FRAME_CELL_PX = 34  # large enough to read from the back of a lecture hall
MIN_FRAME_CELL_PX = 16  # below this a cell's value no longer fits in it
CAPTION_PX = 64
COLOURS = palette(grounds=("#FFFFFF", *KIND_COLOURS, OUTPUT), marks=(BLUE, RED, GREEN))


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


class FrameRenderer:
    """Draws step n of one convolution's scene at a fixed scale, with a caption of its sum."""

    def __init__(self, scene: ConvolutionScene, frames: int | None = None) -> None:
        self.scene = scene
        self.conv = conv = scene.engine
        self.geometry = scene.geometry
        # Cells drawn larger than on screen, labels scaled with them; the more frames, the
        # smaller they may have to be.
        frames = len(conv) if frames is None else frames
        self.scale = frame_scale(self.geometry.width, self.geometry.height, frames)
        width = round(self.geometry.width * self.scale) + 8
        height = round(self.geometry.height * self.scale) + CAPTION_PX
        self.size = (width, height)
        self.values_font = _font(max(10, round(self.scale * 0.45)))
        self.label_font = _font(max(12, round(13 * self.scale / self.geometry.cell_px)))
        self.caption_font = _font(26)
        k, i, j = np.indices(conv.output.shape).reshape(3, -1)  # each (K*OH*OW,), step order
        self.output_centres = self.geometry.outputs[k] + np.stack([j + 0.5, i + 0.5], axis=1)
        self.output_texts = format_values(conv.output)
        self.base = self._base()

    def _box(self, x: float, y: float, side: float = CELL) -> tuple[float, float, float, float]:
        """Pixel box of a cell centred at (x, y) in layout units."""
        s, half = self.scale, side / 2
        return ((x - half) * s + 4, (y - half) * s, (x + half) * s + 4, (y + half) * s)

    def _value(self, draw: ImageDraw.ImageDraw, x: float, y: float, text: str) -> None:
        """A cell's value, centred on the cell at (x, y) in layout units."""
        draw.text(self._box(x, y, 0)[:2], text, fill="black", font=self.values_font, anchor="mm")

    def _base(self) -> Image.Image:
        image = Image.new("RGB", self.size, "white")
        draw = ImageDraw.Draw(image)
        cells = self.scene.cells()
        for x, y, kind, text in zip(
            cells["x"], cells["y"], cells["kind"], cells["text"], strict=True
        ):
            draw.rectangle(self._box(x, y), fill=KIND_COLOURS[kind])
            self._value(draw, x, y, text)
        for x, y in self.output_centres:
            draw.rectangle(self._box(x, y), fill=OUTPUT)
        for x, y, text in zip(*self.geometry.labels.values(), strict=True):
            draw.text(
                (x * self.scale + 4, y * self.scale),
                text,
                fill="black",
                font=self.label_font,
                anchor="ls",
            )
        return image

    def frame(self, n: int) -> Image.Image:
        """Step n: outputs so far, blue window, red filter and bias, green cell, lines."""
        conv, image = self.conv, self.base.copy()
        draw = ImageDraw.Draw(image)
        for (x, y), text in zip(self.output_centres[: n + 1], self.output_texts, strict=False):
            self._value(draw, x, y, text)
        marks = self.scene.highlight(n)
        links = marks["links"]
        for x0, y0, x1, y1 in zip(links["x0"], links["y0"], links["x1"], links["y1"], strict=True):
            s = self.scale
            draw.line([(x0 * s + 4, y0 * s), (x1 * s + 4, y1 * s)], fill="black", width=1)
        for name, colour, width in (
            ("window_box", BLUE, 3),
            ("kernel", RED, 3),
            ("cursor", GREEN, 4),
        ):
            for x, y in zip(marks[name]["x"], marks[name]["y"], strict=True):
                draw.rectangle(self._box(x, y), outline=colour, width=width)
        step = conv[n]
        terms = " + ".join(format_values(np.array(step.scalars)))
        bias, value = (
            format_values(np.array([step.bias]))[0],
            format_values(np.array([step.value]))[0],
        )
        caption = f"step {n + 1}/{len(conv)}:  {terms} + {bias} = {value}"
        draw.text(
            (12, image.height - CAPTION_PX / 2),
            caption,
            fill="black",
            font=self.caption_font,
            anchor="lm",
        )
        return image


def frame_scale(width: float, height: float, frames: int) -> float:
    """Pixels a cell for a picture `width` x `height` cells wide and tall: FRAME_CELL_PX, or
    less where the frame would not fit a projector or the GIF would pass MAX_GIF_PIXELS; a
    ValueError where that leaves cells too small to read."""
    fits_screen = min((MAX_FRAME_SIZE[0] - 8) / width, MAX_FRAME_SIZE[1] / height)
    # frames * (width*s + 8) * (height*s + CAPTION_PX) <= MAX_GIF_PIXELS, solved for s
    a, b = width * height, width * CAPTION_PX + 8 * height
    c = 8 * CAPTION_PX - MAX_GIF_PIXELS / frames
    fits_work = (-b + (b * b - 4 * a * c) ** 0.5) / (2 * a) if c < 0 else 0.0
    if fits_screen < MIN_FRAME_CELL_PX:
        w, h = MAX_FRAME_SIZE
        raise ValueError(
            f"this picture is {width:.0f}x{height:.0f} cells: a GIF frame of {w}x{h} would "
            f"draw them under {MIN_FRAME_CELL_PX} px, too small to read: choose a smaller "
            "layer, or Download HTML, which draws any size"
        )
    if fits_work < MIN_FRAME_CELL_PX:
        least = frames * (width * MIN_FRAME_CELL_PX + 8) * (height * MIN_FRAME_CELL_PX + CAPTION_PX)
        raise ValueError(
            f"a GIF of {frames} frames of this picture would take {least / 1e6:.0f} million "
            f"pixels even with {MIN_FRAME_CELL_PX} px cells, over the cap of "
            f"{MAX_GIF_PIXELS / 1e6:.0f} million (about 20 MB): choose fewer steps (a larger "
            "stride, fewer filters, a smaller input) or Download HTML, which plays any length"
        )
    return min(FRAME_CELL_PX, fits_screen, fits_work)


def gif_bytes(scene: ConvolutionScene, steps_per_second: float = 1.0) -> bytes:
    """Every step of a convolution's scene as one frame, looping, at the given pace."""
    conv = scene.engine
    if not 0.5 <= steps_per_second <= 50:
        raise ValueError(f"steps_per_second={steps_per_second} must be from 0.5 to 50")
    if len(conv) > MAX_FRAMES:
        raise ValueError(f"{len(conv)} steps is over the GIF cap of {MAX_FRAMES} frames")
    renderer = FrameRenderer(scene)
    buffer = io.BytesIO()
    frames = (renderer.frame(n) for n in range(len(conv)))  # drawn as they are written
    write_gif(frames, buffer, round(1000 / steps_per_second), COLOURS)
    return buffer.getvalue()


def _drawable(settings: DemoSettings, what: str) -> ConvolutionScene:
    """The scene a GIF or a poster draws, or a ValueError saying why there is none."""
    if settings.error:
        raise ValueError(settings.error)
    if not settings.layer.gif:
        raise ValueError(
            f"the {what} draws the convolution layer in numbers; for the {settings.built} "
            "layer use the HTML export, which plays it"
        )
    return settings.scene()


def settings_gif(settings: DemoSettings, steps_per_second: float = 1.0) -> bytes:
    """The GIF of a demo's settings: the convolution layer, drawn in numbers."""
    return gif_bytes(_drawable(settings, "GIF"), steps_per_second)


def settings_poster(settings: DemoSettings, step: int = 0) -> bytes:
    """One step of a demo's settings as a PNG, for a PDF or a slide."""
    scene = _drawable(settings, "poster")
    buffer = io.BytesIO()
    FrameRenderer(scene, frames=1).frame(scene.clamp(step)).save(buffer, format="PNG")
    return buffer.getvalue()
