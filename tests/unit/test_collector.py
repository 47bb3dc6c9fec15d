"""A served session's objects are kept out of the collector's full passes while it is held,
and reclaimed after it closes, no more often than once each LEAST_BETWEEN_S
(app/page/collector.py)."""

from __future__ import annotations

import asyncio
import gc
import time
import weakref

from support.loops import run_alone

from app.page import collector


class Node:
    """A cycle, as a session's models and document make: only the collector frees it."""

    def __init__(self) -> None:
        self.me = self


def held_session() -> weakref.ref:
    """A session's cycle, built and frozen as main.py freezes a session, then let go of."""
    session = Node()
    collector.session_built()
    return weakref.ref(session)


def test_a_held_sessions_cycles_are_passed_over_then_reclaimed_after_it_closes(monkeypatch):
    monkeypatch.setattr(collector, "RECLAIM_AFTER_S", 0.05)
    monkeypatch.setattr(collector, "LEAST_BETWEEN_S", 3.0)
    monkeypatch.setattr(collector, "_last_reclaim", float("-inf"))
    monkeypatch.setattr(collector, "_reclaim_pending", False)
    try:
        first = held_session()
        assert gc.get_freeze_count() > 0
        gc.collect()  # a full pass while the session is held (frozen): it is passed over
        assert first() is not None

        async def close_then_look(wait_s: float) -> None:
            collector.session_closed()
            collector.session_closed()  # a batch closing: one pass for all of it
            await asyncio.sleep(wait_s)

        run_alone(close_then_look(0.3))
        assert first() is None  # reclaimed by the pass after it closed
        assert gc.get_freeze_count() > 0  # and what survived is frozen again
        # Another closes at once: its pass waits until LEAST_BETWEEN_S after the last began
        # (timed from that pass itself: in a process that has run the browser tests, a full
        # pass takes a good part of a second).
        second, alive = held_session(), []

        async def close_and_watch() -> None:
            collector.session_closed()
            due = collector._last_reclaim + collector.LEAST_BETWEEN_S
            await asyncio.sleep(due - 1.0 - time.monotonic())
            alive.append(second() is not None)
            await asyncio.sleep(due + 1.0 - time.monotonic())
            alive.append(second() is not None)

        run_alone(close_and_watch())
        assert alive == [True, False]
    finally:
        gc.unfreeze()
