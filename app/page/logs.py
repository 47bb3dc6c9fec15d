"""Server log hygiene: a browser that leaves while a message is on its way is a warning.

Panel and Tornado write each message to the websocket in a task; when the browser has closed
the socket meanwhile, the task's exception is logged by asyncio or Tornado as an error with a
traceback, though nothing is wrong with the server. This filter turns those records into one
warning line, so that the log shows errors only for real errors.
"""

from __future__ import annotations

import logging

from tornado.iostream import StreamClosedError
from tornado.websocket import WebSocketClosedError

LEFT = (WebSocketClosedError, StreamClosedError)


class BrowserLeft(logging.Filter):
    """Rewrites a closed-websocket error record as a warning without a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, LEFT) or isinstance(getattr(error, "__cause__", None), LEFT):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg, record.args = "a browser left before a message reached it", ()
            record.exc_info = record.exc_text = None
        return True


def quiet_browser_departures() -> None:
    """Installs the filter where asyncio and Tornado log such errors (once per process)."""
    for name in ("asyncio", "tornado.application", "tornado.general", "bokeh"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, BrowserLeft) for f in logger.filters):
            logger.addFilter(BrowserLeft())
