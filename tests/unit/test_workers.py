"""The workers' queues and the posters' allowance per client, without a server."""

import asyncio
import time

import pytest
from support.loops import run_alone

from app.page.allowance import Allowance
from app.page.workers import BusyError, Worker


def test_a_full_queue_refuses_and_another_kind_of_work_still_runs():
    posters = Worker("drawing {waiting} posters", max_waiting=2)
    downloads = Worker("drawing {waiting} downloads", max_waiting=1)

    async def flood_then_download() -> tuple[list[object], int]:
        jobs = [asyncio.ensure_future(posters.run(time.sleep, 3)) for _ in range(3)]
        await asyncio.sleep(0)  # the first two have their places by now
        await downloads.run(time.sleep, 0)
        posters_left = posters.waiting  # still drawing when the download came back
        return await asyncio.gather(*jobs, return_exceptions=True), posters_left

    try:
        answers, posters_left = run_alone(flood_then_download())
    finally:
        for worker in (posters, downloads):
            if worker._pool is not None:
                worker._pool.shutdown()
    refused = [a for a in answers if isinstance(a, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], BusyError)
    assert str(refused[0]) == "drawing 2 posters"
    assert answers.count(None) == 2 and posters.waiting == 0
    assert posters_left == 2, "the download waited for no poster"


def test_a_client_asking_in_a_loop_is_told_to_wait_and_others_are_not():
    allowance = Allowance(burst=3, every_s=2.0)
    waits = [allowance.wait_s("10.0.0.1", now=100.0) for _ in range(5)]
    assert waits == [0, 0, 0, 2, 2]  # three at once, then one each two seconds
    assert allowance.wait_s("10.0.0.2", now=100.0) == 0
    assert allowance.wait_s("10.0.0.1", now=101.0) == 1
    assert allowance.wait_s("10.0.0.1", now=102.0) == 0  # one more has come by now
    assert allowance.wait_s("10.0.0.1", now=102.5) == 2


def test_the_allowance_forgets_the_least_recent_clients_past_its_size():
    allowance = Allowance(burst=1, every_s=60.0, clients=2)
    for client in ("a", "b", "c"):
        assert allowance.wait_s(client, now=0.0) == 0
    assert allowance.wait_s("a", now=1.0) == 0  # forgotten: a full allowance again
    assert allowance.wait_s("c", now=1.0) == 59


@pytest.mark.parametrize("burst", [1, 20])
def test_a_client_waiting_as_told_is_served(burst):
    allowance = Allowance(burst=burst, every_s=2.0)
    now = 0.0
    while (wait := allowance.wait_s("x", now=now)) == 0:
        now += 0.01
    assert allowance.wait_s("x", now=now + wait) == 0
