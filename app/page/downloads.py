"""Download HTML and Download GIF, drawn in the downloads' worker (app/page/workers.py): a
GIF takes seconds of work that, on the server's own event loop, would keep every other visitor
waiting."""

from __future__ import annotations

import io
import logging

import panel as pn
import param

from app.exports.gif import refusal
from app.exports.jobs import choices_of, render
from app.layers import DemoSettings
from app.page.deferred import Deferred
from app.page.notice import Notice
from app.page.workers import DOWNLOADS

# A file's bytes stay in the session this long after they were sent. The browser has them as
# soon as that message arrives, and the message that forgets them follows it on the same
# websocket; the delay is a margin, not a need.
FORGET_S = 5
log = logging.getLogger("app")


class Download(pn.widgets.FileDownload):
    """A FileDownload whose callback may refuse by returning None: nothing is sent, and the
    page says why (Panel's own would log a traceback for the None). A file sent is forgotten
    a little later: each session would otherwise keep its last GIF, megabytes of it."""

    def _sync_data(self, fileobj: object) -> None:
        if fileobj is None:
            return
        super()._sync_data(fileobj)
        doc = pn.state.curdoc
        if doc is not None and doc.session_context is not None:
            doc.add_timeout_callback(self._forget, FORGET_S * 1000)

    def _forget(self) -> None:
        # The empty string is "no file" to the page's model (Bokeh's String, its default) and
        # to its view, which makes a link only from data that is not empty; None is refused.
        self.data = ""


class Downloads(pn.viewable.Viewer):
    """Download HTML and Download GIF for the demo on screen, and what they are doing."""

    settings = param.ClassSelector(class_=DemoSettings)

    def __init__(self, settings: DemoSettings, **params) -> None:
        super().__init__(settings=settings, **params)
        self.status = Notice(kind="info")
        self.message = Notice()
        # A GIF the server would refuse is not offered: the page says why in its place.
        self.no_gif = Notice(kind="info")
        self.gif = Download(
            callback=self._gif, filename="convolution-demo.gif", label="Download GIF",
            description="Every step as a frame, for slides", width=150,
        )  # fmt: skip
        buttons = pn.Row(
            Download(
                callback=self._html, filename="convolution-demo.html", label="Download HTML",
                description="This demo as one file that plays offline", width=150,
            ),
            self.gif,
        )  # fmt: skip
        self._layout = pn.Column(buttons, self.no_gif, self.status, self.message, margin=0)
        self._offer_gif()
        settings.param.watch(Deferred(self._offer_gif), "conv")

    def _offer_gif(self) -> None:
        why = refusal(self.settings, "GIF") if not self.settings.error else ""
        self.gif.disabled = bool(why)
        self.no_gif.text = f"No GIF of this demo: {why}." if why else ""

    async def _export(self, kind: str) -> io.BytesIO | None:
        if self.status.text:  # one page, one download at a time: the queue is everyone's
            self.message.text = f"No {kind.upper()}: the last download is still being drawn"
            return None
        self.message.text = ""
        self.status.text = f"Drawing the {kind.upper()}..."
        try:
            data = await DOWNLOADS.run(render, kind, choices_of(self.settings))
        except ValueError as error:
            log.warning("refused a %s download: %s", kind, error)
            self.message.text = f"No {kind.upper()}: {error}"
            return None
        finally:
            self.status.text = ""
        return io.BytesIO(data)

    async def _html(self) -> io.BytesIO | None:
        return await self._export("html")

    async def _gif(self) -> io.BytesIO | None:
        return await self._export("gif")

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout
