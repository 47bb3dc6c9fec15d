"""The image mode's settings: the picture (shipped or uploaded), the kernel, ReLU."""

from __future__ import annotations

import asyncio
import html

import panel as pn
import param

from app.page.notice import Notice
from app.page.upload import PictureUpload
from app.page.widgets import Choice, switch
from app.page.workers import PICTURES
from app.settings import Settings
from app.settings.pictures import decode_picture, kernel


def kernel_table(settings: Settings) -> str:
    """The chosen kernel as a small HTML table: the numbers the filters hold."""
    weights = kernel(
        settings.kernel, settings.seed, (settings.kernel_height, settings.kernel_width)
    )
    fractions = {1 / 9: "1/9", 1 / 16: "1/16", 2 / 16: "2/16", 4 / 16: "4/16"}

    def cell(value: float) -> str:
        return fractions.get(float(value), f"{value:g}")

    rows = "".join(
        "<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in weights
    )
    how = "in one filter 3 deep" if settings.across_channels else "once for each channel"
    style = "border-collapse:collapse;font-family:monospace;text-align:right"
    table = f'<table style="{style}" class="kernel" border="1" cellpadding="4">{rows}</table>'
    return f"<b>{html.escape(settings.kernel)}</b>, {how}:<br>{table}"


class ImagePanel(pn.viewable.Viewer):
    """Picture, upload, kernel, one filter or three, ReLU: the image layer's own settings."""

    settings = param.ClassSelector(class_=Settings)

    def __init__(self, settings: Settings, **params) -> None:
        super().__init__(settings=settings, **params)
        s = settings
        self.upload = PictureUpload(margin=(0, 10))
        self.upload.param.watch(self._uploaded, "encoded")
        self.upload.param.watch(self._refused, "refused")
        self.message = Notice()
        self.status = Notice(kind="info")
        self._newest: tuple[str, bytes] | None = None  # the last file sent, until it is read
        self._reading = asyncio.Lock()  # one file of this page read at a time
        depends = [s.param.kernel, s.param.across_channels, s.param.seed, s.param.kernel_height,
                   s.param.kernel_width]  # fmt: skip
        table = pn.pane.HTML(pn.bind(lambda *args: kernel_table(s), *depends), width=300)
        self._layout = pn.Column(
            Choice.from_param(s.param.picture, width=145),
            pn.pane.Markdown("Or your own picture (scaled down to 32x32):", margin=(0, 10)),
            self.upload,
            self.status,
            self.message,
            Choice.from_param(s.param.kernel, width=145),
            switch(s, "across_channels"),
            switch(s, "relu"),
            table,
            width=320,
        )

    def _refused(self, event: param.parameterized.Event) -> None:
        if event.new:
            self.message.text = event.new[:200]

    async def _uploaded(self, event: param.parameterized.Event) -> None:
        if not event.new:
            return
        name = self.upload.filename[:60] or "the file"
        try:
            data = self.upload.data
        except ValueError as error:
            self.message.text = f"{name}: {error}. The previous picture stays."
            return
        finally:
            self.upload.encoded = ""  # the bytes are not kept twice; the same file may come again
        self._newest = sent = (name, data)
        # A large picture takes a while to read, in the pictures' worker: files sent meanwhile
        # wait, and only the newest of them is read (the others would be replaced at once).
        async with self._reading:
            if self._newest is not sent:
                return
            self.message.text, self.status.text = "", f"Reading {name}..."
            try:
                pixels = await PICTURES.run(decode_picture, data)
            except ValueError as error:
                self.message.text = f"{name}: {error}. The previous picture stays."
                return
            finally:
                self.status.text = ""
                if self._newest is sent:
                    self._newest = None
        self.message.text = ""
        self.settings.param.update(upload=pixels, picture="upload")

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout
