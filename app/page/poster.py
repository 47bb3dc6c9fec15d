"""`poster.png?...`: one step of the demo an address describes, as a PNG for a PDF or a slide.
The Share panel links it with the page's own settings and the step on screen; anyone can ask
for it with any query, so it is parsed as the page's address is, refused with a plain-text
message naming what does not fit, and drawn in the export worker, off the server's loop."""

from __future__ import annotations

import logging

from tornado.web import RequestHandler

from app.exports.jobs import choices_of
from app.layers import DemoSettings
from app.page.downloads import EXPORTS
from app.settings.query import parse_settings, parse_step

log = logging.getLogger("app")
MAX_QUERY = 4000  # characters: a page's own address is far shorter, edits included


class PosterHandler(RequestHandler):
    """GET with the page's query (its settings, edits and step): the step as a PNG."""

    async def get(self) -> None:
        if len(self.request.query) > MAX_QUERY:
            return self._refuse(f"the address is over {MAX_QUERY} characters")
        raw = {key: values[-1].decode("utf-8", "replace")
               for key, values in self.request.query_arguments.items() if values}  # fmt: skip
        values, problems = parse_settings(raw)
        if problems:  # the page would use a default instead; a picture asked for is refused
            return self._refuse("; ".join(p.split("; using")[0] for p in problems))
        settings = DemoSettings()
        settings.param.update(values)
        if settings.error:
            return self._refuse(settings.error)
        try:
            step = parse_step(raw.get("step", "1"), len(settings.conv))
            png = await EXPORTS.draw("poster", choices_of(settings), step)
        except ValueError as error:
            return self._refuse(str(error))
        self.set_header("Content-Type", "image/png")
        self.set_header("Content-Disposition", 'inline; filename="convolution-step.png"')
        self.set_header("Cache-Control", "public, max-age=3600")  # the query names the picture
        self.finish(png)

    def _refuse(self, why: str) -> None:
        log.warning("refused a poster: %s", why[:160])
        self.set_status(400)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"No poster: {why}\n")
