"""A coroutine run to its end on an event loop of its own, in a thread of its own: the browser
tests' Playwright holds the test thread's loop, and asyncio.run will not start beside it."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_alone(coroutine: Coroutine[Any, Any, T], timeout_s: float = 120) -> T:
    """What `coroutine` returns (or raises); a TimeoutError if it has not ended in
    `timeout_s`, rather than a test that never ends."""
    thread = ThreadPoolExecutor(1)
    try:
        return thread.submit(asyncio.run, coroutine).result(timeout=timeout_s)
    finally:
        thread.shutdown(wait=False)
