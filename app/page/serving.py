"""What the server does for every session: a log kept for real faults, error replies that keep
the server's insides to itself, and Panel's files served from here.

A browser that leaves or a client that sends what no page sends is one warning line. A
visitor's text in a line (a path, an origin) is escaped and cut short, so that no visitor can
write a line of their own, colour the terminal or fill the disk; and a kind of line below an
error that repeats faster than a person could read it is counted instead of written.

Panel and Tornado write each message to the websocket in a task; when the browser has closed
the socket meanwhile, the task's exception is logged as an error with a traceback, though
nothing is wrong with the server. Bokeh logs a full traceback for every malformed or
wrong-typed message a client sends, and its error reply carries that traceback, with the
server's file paths, back to the client. Both cost nothing but hide the faults that matter;
an exception raised in the app's own code keeps its traceback.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from pathlib import Path
from urllib.parse import unquote

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
LONGEST_LINE = 400  # characters of any line kept: a path may fill all of Tornado's header limit
# Line breaks, terminal escapes and characters that reorder text on screen, as a visitor may
# write them into a path or a header.
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
BURST = 20  # lines of one kind written at once before the rest are counted
REFILL_SECONDS = 1.0  # then one line of that kind each this many seconds


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


def printable(text: str) -> str:
    """`text` on one line, its control characters written as escapes, cut at LONGEST_LINE."""
    text = UNPRINTABLE.sub(lambda match: ascii(match[0])[1:-1], text)
    if len(text) > LONGEST_LINE:
        text = f"{text[:LONGEST_LINE]}... ({len(text)} characters)"
    return text


def _malformed(summary: object) -> bool:
    """Whether a request summary ("GET /path (address)") names a path with a control
    character (a NUL makes Tornado's static files raise): no browser sends one."""
    parts = summary.split(" ", 2) if isinstance(summary, str) else []
    return len(parts) == 3 and UNPRINTABLE.search(unquote(parts[1])) is not None


def _access(record: logging.LogRecord) -> bool:
    """A line of Tornado's access log, whose first argument is the status."""
    return record.name == "tornado.access" and isinstance(record.args, tuple) and bool(record.args)


class Repeats:
    """Per kind of line, BURST at once and then one each REFILL_SECONDS; the next line of a
    kind written says how many of it were not."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.allowance: dict[tuple, tuple[float, float]] = {}  # kind: (lines allowed, when)
        self.dropped: dict[tuple, int] = {}

    def admit(self, kind: tuple) -> int | None:
        """None when a line of `kind` is dropped; else how many were dropped before it."""
        with self.lock:
            now = time.monotonic()
            if len(self.allowance) > 1000:  # kinds are the code's own templates: never so many
                self.allowance.clear()
            lines, then = self.allowance.get(kind, (BURST, now))
            lines = min(BURST, lines + (now - then) / REFILL_SECONDS)
            if lines < 1:
                self.allowance[kind] = (lines, now)
                self.dropped[kind] = self.dropped.get(kind, 0) + 1
                return None
            self.allowance[kind] = (lines - 1, now)
            return self.dropped.pop(kind, 0)


REPEATS = Repeats()  # shared by the filters of every logger


class ServerLog(logging.Filter):
    """Rewrites records of departed browsers and faulty clients as one warning line, escapes
    what visitors wrote, and counts instead of writing a flood of one kind of line."""

    def filter(self, record: logging.LogRecord) -> bool:
        kind = (record.name, str(record.msg), record.args[0] if _access(record) else None)
        if not self._rewrite(record):
            return False
        record.msg, record.args = printable(record.getMessage()), ()
        if record.levelno >= logging.ERROR:
            return True  # the server's own faults are never dropped
        dropped = REPEATS.admit(kind)
        if dropped:
            record.msg += f" (and {dropped} more like it, not logged)"
        return dropped is not None

    def _rewrite(self, record: logging.LogRecord) -> bool:
        """Rewrites a record of a client's fault as one warning; False to drop it."""
        error = record.exc_info[1] if record.exc_info else None
        args = record.args if isinstance(record.args, tuple) else ()
        if isinstance(error, LEFT) or isinstance(getattr(error, "__cause__", None), LEFT):
            _warn(record, "a browser left before a message reached it")
        elif record.name == "tornado.general" and args and isinstance(args[0], int):
            return False  # an HTTP refusal's reason: its access line says it, once
        elif record.name == "tornado.application" and args and _malformed(args[0]):
            return _through(error, APP)  # Tornado's traceback of a malformed path: no fault
        elif _access(record) and len(args) > 1 and _malformed(args[1]):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
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
    names = ("asyncio", "tornado.access", "tornado.application", "tornado.general",
             "bokeh.server.views.ws",
             "bokeh.server.protocol_handler", "bokeh.server.session")  # fmt: skip
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ServerLog) for f in logger.filters):
            logger.addFilter(ServerLog())
    ServerConnection.error = _error_without_internals


def local_dist(rel_path: str | None) -> str:
    """Where this server serves Panel's own files, as a page of it reaches them."""
    return f"{rel_path}/{LOCAL_DIST}" if rel_path else LOCAL_DIST
