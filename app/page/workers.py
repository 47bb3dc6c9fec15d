"""Work that a visitor asks for and that takes seconds (a GIF, a poster, an uploaded picture
read and scaled down) is done in worker processes: on the server's own event loop it would
keep every other visitor waiting. Each kind of work has a worker and a queue of its own, so
that a flood of one kind (posters asked for in a loop) cannot take another's places (a
visitor's download): one job is done at a time, a few wait their turn, and the rest are told
to come back."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")


class BusyError(ValueError):
    """Refused because this kind of work has as many jobs waiting as it takes."""


def _yield_to_server() -> None:
    """Workers run at a lower priority: where cores are few, the server's visitors come first
    and the work takes longer."""
    os.nice(10)


class Worker:
    """One worker process for one kind of work, started at its first job (spawned, not
    forked: a fork would copy the server's sessions and threads)."""

    def __init__(self, busy: str, max_waiting: int) -> None:
        self.busy = busy  # why a job is refused when the queue is full; {waiting} is filled in
        self.max_waiting = max_waiting  # jobs drawn or waiting; more are refused
        self.waiting = 0
        self._pool: ProcessPoolExecutor | None = None

    async def run(self, job: Callable[..., T], *args: object) -> T:
        """What `job(*args)` returns, computed in the worker; a ValueError it raises is raised
        here, and BusyError where the queue is full."""
        if self.waiting >= self.max_waiting:
            raise BusyError(self.busy.format(waiting=self.waiting))
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("spawn"), initializer=_yield_to_server
            )
        self.waiting += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, job, *args)
        except BrokenProcessPool:
            self._pool = None  # the worker died (out of memory?): the next job starts one
            raise ValueError("the server's worker stopped: try again") from None
        finally:
            self.waiting -= 1


DOWNLOADS = Worker("the server is drawing {waiting} other downloads: try again in a minute", 3)
POSTERS = Worker("the server is drawing {waiting} other posters: try again in a moment", 2)
PICTURES = Worker("the server is reading {waiting} other pictures: try again in a moment", 4)
