"""What the server does for every session: a log kept for real faults, error replies that keep
the server's insides to itself, and Panel's files served from here.

A browser that leaves or a client that sends what no page sends is one warning line.

Panel and Tornado write each message to the websocket in a task; when the browser has closed
the socket meanwhile, the task's exception is logged as an error with a traceback, though
nothing is wrong with the server. Bokeh logs a full traceback for every malformed or
wrong-typed message a client sends, and its error reply carries that traceback, with the
server's file paths, back to the client. Both cost nothing but hide the faults that matter;
an exception raised in the app's own code keeps its traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bokeh.server.connection import ServerConnection
from panel.io.resources import LOCAL_DIST
from tornado.iostream import StreamClosedError
from tornado.websocket import WebSocketClosedError

LEFT = (WebSocketClosedError, StreamClosedError)
APP = str(Path(__file__).resolve().parents[1])  # a traceback through here is the app's fault
BOKEH_SERVER = str(Path(ServerConnection.__module__.replace(".", "/")).parent)  # bokeh/server
# What Bokeh's websocket handler logs as an error when a client, not the server, is at fault,
# and (Tornado) an exception from opening a websocket that Bokeh's handler raised.
CLIENT_FAULTS = (
    "error handling message",
    "Unhandled exception receiving a message",
    "Handler or its work threw an exception",
    "Bokeh Server protocol error",
    "Bokeh Server internal error",
    "Token for session",
    "Refusing websocket connection",
    "Uncaught exception GET",
)
# Bokeh's second line about a message it has just logged failing: the first one says it all.
FOLLOW_UPS = ("Bokeh Server internal error: server failed to",)
SHOWN = 160  # characters of a client's error kept in the line


def _through(error: BaseException | None, folder: str) -> bool:
    """Whether `error` was raised through code under `folder`."""
    tb = error.__traceback__ if error is not None else None
    while tb is not None:
        if folder in tb.tb_frame.f_code.co_filename:
            return True
        tb = tb.tb_next
    return False


def _warn(record: logging.LogRecord, text: str) -> None:
    record.levelno, record.levelname = logging.WARNING, "WARNING"
    record.msg, record.args = text, ()
    record.exc_info = record.exc_text = None


class ServerLog(logging.Filter):
    """Rewrites records of departed browsers and faulty clients as one warning line."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, LEFT) or isinstance(getattr(error, "__cause__", None), LEFT):
            _warn(record, "a browser left before a message reached it")
        elif record.levelno >= logging.ERROR and self._client_fault(record, error):
            if record.getMessage().startswith(FOLLOW_UPS):
                return False
            what = f"{type(error).__name__}: {error}" if error else record.getMessage()
            what = " ".join(what.split())[:SHOWN]
            _warn(record, f"refused a client's message: {what}")
        return True

    @staticmethod
    def _client_fault(record: logging.LogRecord, error: BaseException | None) -> bool:
        """A record of Bokeh's refusing a client, and not of a fault in the app's code."""
        if not record.getMessage().startswith(CLIENT_FAULTS) or _through(error, APP):
            return False
        # Tornado's "Uncaught exception" is a client's only when raised in Bokeh's server.
        return (
            error is None or record.name != "tornado.application" or _through(error, BOKEH_SERVER)
        )


_bokeh_error_reply = ServerConnection.error


def _error_without_internals(self: ServerConnection, message: object, text: str) -> object:
    """Bokeh's error reply without the traceback (and the server's paths) it carries."""
    reply = _bokeh_error_reply(self, message, text)
    reply.content = {"text": "the server refused this message", "traceback": None}
    return reply


def harden_server() -> None:
    """Installs the log filter where asyncio, Tornado and Bokeh log, and the plain error
    reply (once per process)."""
    # A logger's filters see its own records only, not its children's: each by its own name.
    names = ("asyncio", "tornado.application", "tornado.general", "bokeh.server.views.ws",
             "bokeh.server.protocol_handler", "bokeh.server.session")  # fmt: skip
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ServerLog) for f in logger.filters):
            logger.addFilter(ServerLog())
    ServerConnection.error = _error_without_internals


def local_dist(rel_path: str | None) -> str:
    """Where this server serves Panel's own files, as a page of it reaches them."""
    return f"{rel_path}/{LOCAL_DIST}" if rel_path else LOCAL_DIST
