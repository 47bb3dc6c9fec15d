"""How often one client may ask the server for work done on its behalf (a poster): each
address has an allowance that refills with time, so that a person asking now and then, or a
class behind one address clicking the same link, is served, and a loop asking without pause is
told how long to wait (HTTP 429 with Retry-After) before it costs the server anything."""

from __future__ import annotations

import math
import time
from collections import OrderedDict


class Allowance:
    """Up to `burst` requests at once from one client, then one more each `every_s` seconds."""

    def __init__(self, burst: int, every_s: float, clients: int = 4096) -> None:
        self.burst = burst
        self.every_s = every_s
        self.clients = clients  # addresses remembered; the least recent are forgotten first
        self._left: OrderedDict[str, tuple[float, float]] = OrderedDict()  # requests left, when

    def wait_s(self, client: str, now: float | None = None) -> int:
        """0 where `client` may ask now (the request is counted against it), else the whole
        seconds it should wait before asking again."""
        now = time.monotonic() if now is None else now
        left, then = self._left.pop(client, (float(self.burst), now))
        left = min(float(self.burst), left + (now - then) / self.every_s)
        if left >= 1:
            left -= 1
            wait = 0
        else:
            wait = max(1, math.ceil((1 - left) * self.every_s))
        self._left[client] = (left, now)  # the most recent last
        while len(self._left) > self.clients:
            self._left.popitem(last=False)
        return wait
