"""The settings' widgets handle a change once the browser's message is answered."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from support.loops import run_alone
from tornado.locks import Lock

from app.page.widgets import Choice, Radio, Switch, replies_written


def served_doc(*write_locks: Lock) -> SimpleNamespace:
    """A document as a Bokeh server holds it: a session whose browsers' sockets each have a
    write lock."""
    connections = [
        SimpleNamespace(_socket=SimpleNamespace(write_lock=lock)) for lock in write_locks
    ]
    session = SimpleNamespace(_subscribed_connections=connections)
    return SimpleNamespace(session_context=SimpleNamespace(_session=session))


def test_a_change_waits_for_the_answer_being_written_and_no_longer():
    async def scenario() -> list[str]:
        idle, writing = Lock(), Lock()
        await writing.acquire()  # Bokeh writing its OK in parts
        seen = []
        waiting = asyncio.ensure_future(replies_written(served_doc(idle, writing)))
        for _ in range(5):
            await asyncio.sleep(0)
        seen.append("done" if waiting.done() else "waiting")
        writing.release()
        await asyncio.wait_for(waiting, timeout=1)
        seen.append("done")
        for lock in (idle, writing):  # left free for Bokeh and Panel
            await asyncio.wait_for(lock.acquire(), timeout=1)
            lock.release()
        seen.append("free")
        return seen

    assert run_alone(scenario(), timeout_s=10) == ["waiting", "done", "free"]


def test_a_document_without_a_server_session_goes_on_at_once():
    async def scenario() -> None:
        no_session = SimpleNamespace(session_context=None)
        before_served = SimpleNamespace(session_context=SimpleNamespace(_session=None))
        for doc in (no_session, before_served, served_doc()):
            await asyncio.wait_for(replies_written(doc), timeout=1)

    run_alone(scenario(), timeout_s=10)


@pytest.mark.parametrize("widget", [Choice, Radio, Switch])
def test_each_widget_takes_its_choice_at_once_under_the_name_the_browser_sends(widget):
    sent_as = widget._rename.get("value") or "value"  # what the Bokeh model calls the value
    assert sent_as in widget._priority_changes  # not Panel's 50 ms debounce
    assert sent_as in widget._busy__ignore  # not counted for loading indicators
