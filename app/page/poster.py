"""`poster.png?...`: one step of the demo an address describes, as a PNG for a PDF or a slide.
The Share panel links it with the page's own settings and the step on screen; anyone can ask
for it with any query, in a loop too. So the server's loop only reads the query: a client
asking too often is told when to come back, a query that does not parse gets a plain-text
line naming what does not fit, and the layer is built and drawn in the posters' own worker
(app/page/workers.py), whose short queue asks the rest to come back too."""

from __future__ import annotations

import logging

from tornado.web import RequestHandler

from app.engine.checks import MAX_STEPS
from app.exports.jobs import poster_of_address
from app.page.allowance import Allowance
from app.page.workers import POSTERS, BusyError
from app.settings.query import parse_settings, parse_step

log = logging.getLogger("app")
MAX_QUERY = 4000  # characters: a page's own address is far shorter, edits included
# A teacher making posters of a few steps, or a class behind one address following the same
# link, stays within this; a loop does not.
PER_CLIENT = Allowance(burst=20, every_s=2.0)
BUSY_RETRY_S = 10  # what a client is told to wait when the posters' queue is full


class PosterHandler(RequestHandler):
    """GET with the page's query (its settings, edits and step): the step as a PNG."""

    async def get(self) -> None:
        wait = PER_CLIENT.wait_s(self.request.remote_ip or "")
        if wait:
            return self._refuse(f"too many posters asked for: try again in {wait} s", 429, wait)
        if len(self.request.query) > MAX_QUERY:
            return self._refuse(f"the address is over {MAX_QUERY} characters")
        raw = {key: values[-1].decode("utf-8", "replace")
               for key, values in self.request.query_arguments.items() if values}  # fmt: skip
        values, problems = parse_settings(raw)
        if problems:  # the page would use a default instead; a picture asked for is refused
            return self._refuse("; ".join(p.split("; using")[0] for p in problems))
        step = raw.get("step", "1")
        try:
            parse_step(step, MAX_STEPS)  # its text now; its range once the layer is built
            png = await POSTERS.run(poster_of_address, values, step)
        except BusyError as error:
            # 429 rather than 503: too many posters asked for is the clients' doing, not a
            # fault of the server's, and its log keeps errors for faults.
            return self._refuse(str(error), 429, BUSY_RETRY_S)
        except ValueError as error:
            return self._refuse(str(error))
        self.set_header("Content-Type", "image/png")
        self.set_header("Content-Disposition", 'inline; filename="convolution-step.png"')
        self.set_header("Cache-Control", "public, max-age=3600")  # the query names the picture
        self.finish(png)

    def _refuse(self, why: str, status: int = 400, retry_s: int = 0) -> None:
        if not retry_s:  # a client told to wait is no fault (and in a flood, told it often)
            log.warning("refused a poster: %s", why[:160])
        self.set_status(status)
        if retry_s:
            self.set_header("Retry-After", str(retry_s))
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"No poster: {why}\n")
