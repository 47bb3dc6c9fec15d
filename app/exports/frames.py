"""A GIF written a frame at a time, in a fixed palette: memory for two frames, whatever the count.

Pillow's own animated save keeps every frame until it writes the file (a 392-frame GIF of
2650x1359 frames took 1.9 GB) and picks each frame's palette by median cut (a third of a
second a frame at that size). The demo's pictures hold a few flat colours and black text, so
one palette of those colours, with the shades that anti-aliased text makes over each of them,
serves every frame: mapping a frame to it is a lookup, and each frame after the first stores
only the rectangle that changed, drawn over the one before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from PIL import GifImagePlugin, Image, ImageChops

SHADES = 40  # steps from black to each ground colour, for the edges of anti-aliased text


def palette(grounds: Iterable[str], marks: Iterable[str]) -> Image.Image:
    """A 'P' image whose palette holds each ground colour with its shades towards black, and
    each mark colour (outlines) as it is."""
    colours: list[tuple[int, int, int]] = []
    for ground in grounds:
        rgb = tuple(int(ground[i : i + 2], 16) for i in (1, 3, 5))
        colours += [tuple(round(c * s / (SHADES - 1)) for c in rgb) for s in range(SHADES)]
    colours += [tuple(int(mark[i : i + 2], 16) for i in (1, 3, 5)) for mark in marks]
    colours = list(dict.fromkeys(colours))  # black is in every ramp: once is enough
    if len(colours) > 256:
        raise ValueError(f"{len(colours)} colours do not fit a GIF palette of 256")
    image = Image.new("P", (1, 1))
    image.putpalette([c for rgb in colours for c in rgb] + [0] * 3 * (256 - len(colours)))
    return image


def write_gif(
    frames: Iterable[Image.Image], out: BinaryIO, duration_ms: int, colours: Image.Image
) -> None:
    """Writes RGB `frames` as a looping GIF, each shown `duration_ms`, in the palette of
    `colours`; only the rectangle that changed is stored after the first frame."""
    previous = None
    for frame in frames:
        indexed = frame.quantize(palette=colours, dither=Image.Dither.NONE)  # (H, W) indices
        if previous is None:
            header, _ = GifImagePlugin.getheader(indexed, info={"loop": 0, "duration": duration_ms})
            out.write(b"".join(header))
            box, part = (0, 0), indexed
        else:
            changed = ImageChops.difference(previous, indexed).getbbox() or (0, 0, 1, 1)
            box, part = changed[:2], indexed.crop(changed)
        # Disposal 1 keeps the frame before under the changed rectangle.
        out.write(b"".join(GifImagePlugin.getdata(part, box, duration=duration_ms, disposal=1)))
        previous = indexed
    out.write(b";")  # the GIF trailer
