"""A browser that leaves mid-message is logged as a warning line, not an error traceback; a
visitor cannot write or colour a line, and a flood of one kind of line is counted."""

import asyncio
import gc
import logging
import threading

from tornado.websocket import WebSocketClosedError

from app.page import serving
from app.page.serving import harden_server


def test_a_closed_websocket_in_a_forgotten_task_is_one_warning(caplog):
    harden_server()

    async def write_to_a_departed_browser() -> None:
        raise WebSocketClosedError()

    async def forget_a_failed_write() -> None:
        task = asyncio.ensure_future(write_to_a_departed_browser())
        await asyncio.sleep(0)  # it runs and fails; nobody awaits it
        del task

    def run() -> None:
        asyncio.run(forget_a_failed_write())
        gc.collect()  # asyncio reports a never-retrieved exception when the task is collected

    with caplog.at_level(logging.WARNING):
        # A thread of its own: the browser tests' Playwright may hold this thread's loop.
        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
    records = [r for r in caplog.records if r.name == "asyncio"]
    assert [(r.levelname, r.getMessage()) for r in records] == [
        ("WARNING", "a browser left before a message reached it")
    ]
    assert records[0].exc_info is None


def test_other_errors_keep_their_level_and_traceback(caplog):
    harden_server()
    try:
        raise ValueError("a real bug")
    except ValueError:
        logging.getLogger("tornado.application").exception("Uncaught exception")
    (record,) = caplog.records
    assert record.levelname == "ERROR" and record.exc_info[0] is ValueError


def test_a_visitors_text_is_escaped_and_cut_short(caplog):
    harden_server()
    origin = "http://x\r\n1999-12-31 23:59:59,000 forged\x1b[31m\u2028" + "a" * 5000
    logging.getLogger("bokeh.server.views.ws").warning("origin %r", origin)
    (record,) = caplog.records
    line = record.getMessage()
    assert not any(c in line for c in "\r\n\x1b\u2028") and len(line) < 500
    assert "\\r\\n1999-12-31" in line and "\\x1b[31m" in line and "\\u2028" in line


def test_a_malformed_paths_traceback_is_dropped_and_its_access_line_is_a_warning(caplog):
    harden_server()
    try:
        raise ValueError("embedded null byte")
    except ValueError:
        logging.getLogger("tornado.application").exception(
            "Uncaught exception %s\n%r", "GET /static/%00 (127.0.0.1)", "request"
        )
    logging.getLogger("tornado.access").error("%d %s %.2fms", 500, "GET /static/%00 (1.2.3.4)", 1)
    (record,) = caplog.records
    assert record.name == "tornado.access" and record.levelname == "WARNING"


def test_repeated_lines_of_a_kind_are_counted_after_a_burst(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(serving.time, "monotonic", lambda: now[0])
    repeats = serving.Repeats()
    admitted = [repeats.admit(("kind",)) for _ in range(serving.BURST + 5)]
    assert admitted == [0] * serving.BURST + [None] * 5
    assert repeats.admit(("another kind",)) == 0  # kinds are counted apart
    now[0] += serving.REFILL_SECONDS
    assert repeats.admit(("kind",)) == 5 and repeats.admit(("kind",)) is None
