"""Every step as a frame of a GIF, for slides, and one step as a poster PNG, for a PDF or a
slide: the page's picture drawn again with Pillow, glyph by glyph from the layer's own figure,
so that the page, the HTML export, the GIF and the poster draw one picture."""

from __future__ import annotations

import io
from collections.abc import Iterable
from itertools import pairwise

import numpy as np
from bokeh.models import GlyphRenderer, ImageRGBA, Rect, Segment, Text
from PIL import Image, ImageDraw, ImageFont

from app.exports.frames import palette, write_gif
from app.figures import AnimatedFigure
from app.figures.animated import same_columns
from app.layers import LAYERS, DemoSettings
from app.scene import Scene
from app.scene.style import BLUE, GREEN, KIND_COLOURS, OUTPUT, OUTPUT_EDGE, RED

MAX_FRAMES = 400  # a GIF past this is no slide; the HTML export plays any length
# Frames x pixels: the work of drawing, and the file's size, which grows with it (a test
# holds a GIF at this cap to a size a slide deck takes).
MAX_GIF_PIXELS = 250_000_000
MAX_FRAME_SIZE = (1920, 1200)  # a projector's: larger pictures are drawn with smaller cells
POSTER_SIZE = (3840, 2160)  # a 4K screen's: one frame for a page or a slide, as sharp as that
FRAME_CELL_PX = 34  # large enough to read from the back of a lecture hall
MIN_FRAME_CELL_PX = 16  # below this a cell's value no longer fits in it
CAPTION_PX = 64
COLOURS = palette(grounds=("#FFFFFF", *KIND_COLOURS, OUTPUT), marks=(BLUE, RED, GREEN, OUTPUT_EDGE))
DASHES = {"solid": (), "dashed": (6, 6), "dotted": (2, 4), "dotdash": (2, 4, 6, 4)}
# The columns each kind of glyph reads, in the order the renderer unpacks them.
COLUMNS = {
    Rect: ("x", "y", "width", "height"),
    Text: ("x", "y", "text"),
    Segment: ("x0", "y0", "x1", "y1"),
    ImageRGBA: ("image", "x", "y", "dw", "dh"),
}
ANCHORS = {"left": "l", "center": "m", "right": "r", "middle": "m", "alphabetic": "s",
           "top": "t", "bottom": "b"}  # fmt: skip


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _column(spec: object, data: dict, size: int) -> list:
    """A glyph property as one value a row: the column it names, or its value repeated."""
    if isinstance(spec, str) and spec in data:
        return list(data[spec])
    return [spec] * size


def _dashed(draw: ImageDraw.ImageDraw, points: list, colour: str, width: int, dash: tuple) -> None:
    """A polyline, dashed as Bokeh's line_dash (lengths in pixels, on and off)."""
    if not dash:
        draw.line(points, fill=colour, width=width)
        return
    pattern, on, left = list(dash), True, dash[0]
    for (x0, y0), (x1, y1) in pairwise(points):
        length = max(abs(x1 - x0), abs(y1 - y0))
        done = 0.0
        while done < length:
            step = min(left, length - done)
            if on:
                t0, t1 = done / length, (done + step) / length
                start = (x0 + (x1 - x0) * t0, y0 + (y1 - y0) * t0)
                draw.line([start, (x0 + (x1 - x0) * t1, y0 + (y1 - y0) * t1)], colour, width)
            done += step
            left -= step
            if left <= 0:
                pattern.append(pattern.pop(0))
                on, left = not on, pattern[0]


class FrameRenderer:
    """Draws step n of a scene as its layer's figure draws it, at a fixed scale, with a
    caption: the figure's glyphs, in their order, with the scene's columns at that step."""

    def __init__(
        self, scene: Scene, frames: int | None = None, figure: type[AnimatedFigure] | None = None,
        size: tuple[int, int] = MAX_FRAME_SIZE,
    ) -> None:  # fmt: skip
        self.scene = scene
        self.geometry = geometry = scene.geometry
        if figure is None:  # the figure of the layer the scene draws
            figure = next(layer.figure for layer in LAYERS.values() if layer.scene is type(scene))
        drawn = figure()
        prefix = len(drawn.prefix) + 1
        # Cells drawn larger than on screen, labels scaled with them; the more frames, the
        # smaller they may have to be.
        frames = len(scene) if frames is None else frames
        self.scale = frame_scale(geometry.width, geometry.height, frames, size)
        glyphs = [(r.data_source.name[prefix:], r.glyph) for r in drawn.figure.renderers
                  if isinstance(r, GlyphRenderer)]  # fmt: skip
        # Each glyph's properties read once: a Bokeh property costs microseconds a read.
        glyphs = [(name, self._style(glyph)) for name, glyph in glyphs]
        self._masks: dict[tuple, tuple] = {}  # each text as drawn once, by text, font, anchor
        self.size = (round(geometry.width * self.scale) + 8,
                     round(geometry.height * self.scale) + CAPTION_PX)  # fmt: skip
        self.fonts = {
            "values": _font(max(10, round(self.scale * 0.45))),
            "labels": _font(max(12, round(13 * self.scale / geometry.cell_px))),
        }
        self.caption_font = _font(26)
        # What the steps leave as it was is drawn once: every glyph under the first one whose
        # columns change from step to step.
        first = self._sources(0)
        others = [self._sources(n) for n in sorted({1, len(scene) - 1}) if n < len(scene)]
        moving = {name for name, columns in first.items()
                  if any(not same_columns(columns, other[name]) for other in others)}  # fmt: skip
        cut = next((i for i, (name, _) in enumerate(glyphs) if name in moving), len(glyphs))
        self.base = Image.new("RGB", self.size, "white")
        self._draw(self.base, glyphs[:cut], first)
        self.moving = glyphs[cut:]

    def _sources(self, n: int) -> dict[str, dict]:
        """Every source's columns at step n, the headings too (the figure gets those apart)."""
        return {**self.scene.sources(n, False), "labels": self.geometry.labels}

    def _point(self, x: float, y: float) -> tuple[float, float]:
        """Pixels of point (x, y) in layout units."""
        return x * self.scale + 4, y * self.scale

    def _box(self, x: float, y: float, width: float = 0.86, height: float = 0.86) -> tuple:
        """Pixel box of a rectangle centred at (x, y) in layout units."""
        (left, top), (right, bottom) = (self._point(x - width / 2, y - height / 2),
                                        self._point(x + width / 2, y + height / 2))  # fmt: skip
        return left, top, right, bottom

    def _style(self, glyph: object) -> dict:
        """What a glyph draws and how, in this renderer's pixels."""
        kind = next((k for k in COLUMNS if isinstance(glyph, k)), None)
        style: dict = {
            "kind": kind,
            "specs": [getattr(glyph, key) for key in COLUMNS.get(kind, ())],
        }
        px = self.scale / self.geometry.cell_px  # GIF pixels a screen pixel
        if kind is Rect:
            dash = glyph.line_dash
            dash = DASHES.get(dash, ()) if isinstance(dash, str) else tuple(dash)
            style.update(
                fill=None if glyph.fill_alpha == 0 else glyph.fill_color,
                line=glyph.line_color, width=max(1, round(glyph.line_width * px * 1.2)),
                dash=tuple(round(d * px) or 1 for d in dash), hatch=glyph.hatch_pattern == "/",
            )  # fmt: skip
        elif kind is Text:
            labels = glyph.text_baseline == "alphabetic"  # the headings; values are centred
            anchor = ANCHORS[glyph.text_align] + ANCHORS[glyph.text_baseline]
            style.update(font="labels" if labels else "values", anchor=anchor)
        return style

    def _draw(self, image: Image.Image, glyphs: Iterable, data: dict) -> None:
        draw = ImageDraw.Draw(image)
        for name, style in glyphs:
            columns = data.get(name, {})
            size = len(next(iter(columns.values()), []))
            if size == 0 or style["kind"] is None:
                continue
            rows = zip(*(_column(spec, columns, size) for spec in style["specs"]), strict=True)
            if style["kind"] is ImageRGBA:
                self._images(image, rows)
            elif style["kind"] is Rect:
                self._rectangles(draw, style, rows, _column(style["fill"], columns, size))
            elif style["kind"] is Text:
                self._texts(image, style, rows)
            else:
                for x0, y0, x1, y1 in rows:
                    draw.line([self._point(x0, y0), self._point(x1, y1)], fill="black", width=1)

    def _rectangles(
        self, draw: ImageDraw.ImageDraw, style: dict, rows: Iterable, fills: list
    ) -> None:
        line, width, dash = style["line"], style["width"], style["dash"]
        for (x, y, w, h), colour in zip(rows, fills, strict=True):
            if x < -100:  # parked off the plot (the hover preview)
                continue
            left, top, right, bottom = self._box(x, y, w, h)
            if colour is not None:
                draw.rectangle((left, top, right, bottom), fill=colour)
            if style["hatch"]:  # the cells no window covers
                draw.line([(left, bottom), (right, top)], fill="#888888", width=1)
            if line is not None:
                corners = [(left, top), (right, top), (right, bottom), (left, bottom), (left, top)]
                _dashed(draw, corners, line, width, dash)

    def _texts(self, image: Image.Image, style: dict, rows: Iterable) -> None:
        """Black text, each distinct string drawn once into a mask and pasted where it goes."""
        font, anchor = self.fonts[style["font"]], style["anchor"]
        for x, y, text in rows:
            if not text:
                continue
            key = (str(text), style["font"], anchor)
            if key not in self._masks:
                left, top, right, bottom = font.getbbox(key[0], anchor=anchor)
                mask = Image.new("L", (max(1, right - left), max(1, bottom - top)))
                ImageDraw.Draw(mask).text((-left, -top), key[0], fill=255, font=font, anchor=anchor)
                self._masks[key] = (mask, left, top)
            mask, left, top = self._masks[key]
            px, py = self._point(x, y)
            image.paste("black", (round(px + left), round(py + top)), mask)

    def _images(self, target: Image.Image, rows: Iterable) -> None:
        for image, x, y, dw, dh in rows:
            pixels = np.ascontiguousarray(image, dtype=np.uint32)
            picture = Image.frombuffer("RGBA", pixels.shape[::-1], pixels.tobytes(), "raw",
                                       "RGBA", 0, 1).convert("RGB")  # fmt: skip
            (left, top), (right, bottom) = self._point(x, y), self._point(x + dw, y + dh)
            picture = picture.resize((max(1, round(right - left)), max(1, round(bottom - top))),
                                     Image.Resampling.NEAREST)  # fmt: skip
            target.paste(picture, (round(left), round(top)))

    def frame(self, n: int) -> Image.Image:
        """Step n as the page shows it when paused there, with the step's caption."""
        image = self.base.copy()
        self._draw(image, self.moving, self._sources(n))
        caption = self.scene.caption(n)
        where = (12, image.height - CAPTION_PX / 2)
        ImageDraw.Draw(image).text(
            where, caption, fill="black", font=self.caption_font, anchor="lm"
        )
        return image


def frame_scale(
    width: float, height: float, frames: int, size: tuple[int, int] = MAX_FRAME_SIZE
) -> float:
    """Pixels a cell for a picture `width` x `height` cells wide and tall: FRAME_CELL_PX, or
    less where the frame would not fit `size` or the GIF would pass MAX_GIF_PIXELS; a
    ValueError where that leaves cells too small to read."""
    fits_screen = min((size[0] - 8) / width, size[1] / height)
    # frames * (width*s + 8) * (height*s + CAPTION_PX) <= MAX_GIF_PIXELS, solved for s
    a, b = width * height, width * CAPTION_PX + 8 * height
    c = 8 * CAPTION_PX - MAX_GIF_PIXELS / frames
    fits_work = (-b + (b * b - 4 * a * c) ** 0.5) / (2 * a) if c < 0 else 0.0
    if fits_screen < MIN_FRAME_CELL_PX:
        w, h = size
        raise ValueError(
            f"this picture is {width:.0f}x{height:.0f} cells: a frame of {w}x{h} would "
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


def gif_bytes(scene: Scene, steps_per_second: float = 1.0) -> bytes:
    """Every step of a scene as one frame, looping, at the given pace."""
    if not 0.5 <= steps_per_second <= 50:
        raise ValueError(f"steps_per_second={steps_per_second} must be from 0.5 to 50")
    _check_frames(len(scene))
    renderer = FrameRenderer(scene)
    buffer = io.BytesIO()
    frames = (renderer.frame(n) for n in range(len(scene)))  # drawn as they are written
    write_gif(frames, buffer, round(1000 / steps_per_second), COLOURS)
    return buffer.getvalue()


def _check_frames(frames: int) -> None:
    if frames > MAX_FRAMES:
        raise ValueError(
            f"{frames} steps is over the GIF cap of {MAX_FRAMES} frames: choose fewer steps (a "
            "larger stride, fewer filters, a smaller input) or Download HTML, which plays any "
            "length"
        )


def refusal(settings: DemoSettings, what: str) -> str:
    """Why the GIF or the poster (`what`) of these settings would be refused, in the words
    the refusal would use, or "" where it would be drawn: asked before either is offered."""
    try:
        scene = _drawable(settings, what)
        frames = len(scene) if what == "GIF" else 1
        if what == "GIF":
            _check_frames(frames)
        size = MAX_FRAME_SIZE if what == "GIF" else POSTER_SIZE
        frame_scale(scene.geometry.width, scene.geometry.height, frames, size)
    except ValueError as error:
        return str(error)
    return ""


def _drawable(settings: DemoSettings, what: str) -> Scene:
    """The scene a GIF or a poster draws, with cells as large as a projector's frame lets
    them be, or a ValueError saying why there is none."""
    if settings.error:
        raise ValueError(settings.error)
    if not settings.layer.gif:
        raise ValueError(
            f"the {what} draws a layer in a few flat colours and numbers; the {settings.built} "
            "layer's photographs need the HTML export, which plays it"
        )
    return settings.scene(MAX_FRAME_SIZE if what == "GIF" else POSTER_SIZE)


def settings_gif(settings: DemoSettings, steps_per_second: float = 1.0) -> bytes:
    """The GIF of a demo's settings: the layer on screen, drawn in numbers."""
    return gif_bytes(_drawable(settings, "GIF"), steps_per_second)


def settings_poster(settings: DemoSettings, step: int = 0) -> bytes:
    """One step of a demo's settings as a PNG, for a PDF or a slide."""
    scene = _drawable(settings, "poster")
    buffer = io.BytesIO()
    frame = FrameRenderer(scene, frames=1, size=POSTER_SIZE).frame(scene.clamp(step))
    frame.save(buffer, format="PNG")
    return buffer.getvalue()
