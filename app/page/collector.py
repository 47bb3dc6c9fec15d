"""Python's garbage collector and the sessions a server holds.

A session's document is tens of thousands of Python objects that live as long as the session,
and Python's collector reads every live object it tracks at each of its full passes. While a
class arrived (tests/bench_load.py), full passes came every few seconds and grew with the
sessions held, each blocking the server the whole time. The objects loaded at start are
frozen out of those passes by app_hooks.py; so are a session's, once its document is built
(`gc.freeze` moves everything tracked so far, in constant time, out of the collector's sight).
When sessions close, a moment after the last one, everything is handed back for one full
pass that reclaims what they held (and whatever cycles were frozen with them), and what
survives is frozen again; such passes come at most once each ten seconds, so that visitors
coming and going all the time cost the server no more than Python's own passes would.

After that pass, the C library is asked to hand the memory it keeps free back to the system
(glibc's malloc_trim): without it, the heap of a server whose sessions have closed stays as
large as it was when they were held, and a flood of sessions at the caps leaves the process
that large for good (tests/bench_memory.py reads both).
"""

from __future__ import annotations

import ctypes
import gc
import time
from collections.abc import Callable

from tornado.ioloop import IOLoop

RECLAIM_AFTER_S = 2.0  # Bokeh closes idle sessions in batches: one pass for a batch
LEAST_BETWEEN_S = 10.0  # a full pass with 200 sessions held takes about a second


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None where the C library has none (musl, macOS)."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


MALLOC_TRIM = _malloc_trim()
_reclaim_pending = False
_last_reclaim = float("-inf")  # time.monotonic() of the last full pass


def session_built() -> None:
    """A session's objects, now built, are passed over by the collector's passes."""
    gc.freeze()


def session_closed() -> None:
    """A full pass over everything, a moment after the last session closed of a batch."""
    global _reclaim_pending
    if not _reclaim_pending:
        _reclaim_pending = True
        now = time.monotonic()
        at = max(now + RECLAIM_AFTER_S, _last_reclaim + LEAST_BETWEEN_S)
        IOLoop.current().call_later(at - now, _reclaim)


def _reclaim() -> None:
    global _reclaim_pending, _last_reclaim
    _reclaim_pending = False
    _last_reclaim = time.monotonic()
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    if MALLOC_TRIM is not None:
        MALLOC_TRIM(0)  # every arena's free pages, not only the top of the main heap
