"""A browser that leaves mid-message is logged as a warning line, not an error traceback."""

import asyncio
import gc
import logging
import threading

from tornado.websocket import WebSocketClosedError

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
