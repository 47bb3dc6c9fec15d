"""Who may open a session of the demo, so that visitors holding sessions open cannot push one
server process past a known ceiling of memory: past a cap, a new visitor is asked to come back.

Three caps, read from the environment when the server starts:
CONVOLUTION_DEMO_MAX_SESSIONS (default 200, a lecture hall);
CONVOLUTION_DEMO_MAX_MEMORY_MB, what the sessions may hold together, each by its layer and
sizes (app/page/session_cost.py; default: half the memory of the container, or of the machine,
shared by one server process a core);
CONVOLUTION_DEMO_MAX_SESSIONS_PER_ADDRESS (default 0, no cap: a campus often reaches the server
from one address; behind a proxy, `--use-xheaders` gives each browser its own).

A place is held by a session that shows the demo, from its page's request until its websocket
closes. Then the place is free at once, and the session is marked for Bokeh to drop at its
next check for unused sessions (`--check-unused-sessions`), not after the unused-session
lifetime (a minute in the Docker image); its memory counts against the budget until it is
dropped, and is then handed back (app/page/collector.py). A visitor refused at the page's
request gets a plain page (app/page/gate.py) and no session at all. A session whose page was
fetched but whose websocket never came holds a place until Bokeh drops it
(`--unused-session-lifetime`): it holds a whole demo's memory meanwhile.
"""

from __future__ import annotations

import contextvars
import os
from dataclasses import dataclass

from bokeh.document import Document
from bokeh.events import ConnectionLost
from bokeh.server.contexts import BokehSessionContext
from tornado.ioloop import IOLoop

from app.page.session_cost import session_cost_mb, settings_of
from app.settings import Settings

FULL = (
    "The convolution demo has as many visitors as it can hold right now. "
    "Please try again in a minute."
)


def machine_memory_mb() -> float:
    """The memory this process may use: its container's limit (cgroup v2, then v1), else the
    machine's."""
    for limit in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(limit) as file:
                text = file.read().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 2**60:  # v1 writes a huge number for no limit
            return int(text) / 2**20
    with open("/proc/meminfo") as meminfo:
        total_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal:"))
    return total_kb / 1024


def default_memory_mb() -> float:
    """Half the memory there is, shared by one server process a core (the Docker image's
    advice): the rest is the processes' own, the export worker's and the system's."""
    return machine_memory_mb() / 2 / (os.cpu_count() or 1)


MAX_SESSIONS = int(os.environ.get("CONVOLUTION_DEMO_MAX_SESSIONS", "200"))
MAX_PER_ADDRESS = int(os.environ.get("CONVOLUTION_DEMO_MAX_SESSIONS_PER_ADDRESS", "0"))
MAX_MEMORY_MB = float(os.environ.get("CONVOLUTION_DEMO_MAX_MEMORY_MB") or default_memory_mb())


@dataclass
class Place:
    """What one session holds: where it was opened from, and its memory by estimate."""

    address: str
    cost_mb: float
    left: bool = False  # its browser has gone: only its memory is held, until Bokeh drops it


_places: dict[str, Place] = {}  # session id -> its place
_building: list[Place] = []  # places taken by pages admitted, whose sessions are being built
# The place the page request being answered took (app/page/gate.py): its session, built in
# the same task, takes it over.
_admitted: contextvars.ContextVar[Place | None] = contextvars.ContextVar("admitted", default=None)


def refusal(cost_mb: float, address: str) -> str:
    """What to tell a visitor whose session would cost `cost_mb`, or "" if it may open."""
    places = [*_places.values(), *_building]
    if sum(place.cost_mb for place in places) + cost_mb > MAX_MEMORY_MB:
        return FULL
    taken = [place.address for place in places if not place.left]
    if len(taken) >= MAX_SESSIONS:
        return FULL
    if MAX_PER_ADDRESS and taken.count(address) >= MAX_PER_ADDRESS:
        return FULL
    return ""


def forget_gone(session_ids: set[str]) -> None:
    """Drops the places of sessions no longer among `session_ids` (a safety net: each place is
    released when its session is destroyed)."""
    for gone in _places.keys() - session_ids:
        del _places[gone]


def take_place(arguments: dict[str, list[bytes]], address: str) -> Place | None:
    """A place for a page with this query, or None if the page must be refused; the caller
    keeps it while the session is built, then releases it (`built`)."""
    place = Place(address, session_cost_mb(settings_of(arguments)))
    if refusal(place.cost_mb, address):
        return None
    _building.append(place)
    _admitted.set(place)
    return place


def built(place: Place) -> None:
    """The page's session is built (or failed): its place is its session's now, or nobody's."""
    _building.remove(place)
    _admitted.set(None)


def admit(doc: Document) -> str:
    """An empty string if the session of `doc` may show the demo, else what to tell its
    visitor; either way its session is dropped as soon as its websocket closes."""
    context = doc.session_context
    if context is None:
        return ""  # a notebook or a test: no server to protect
    doc.on_event(ConnectionLost, lambda event: IOLoop.current().add_callback(_left, context))
    place = _admitted.get()
    if place is None:  # a session made by its websocket alone: another worker's page, a script
        address = str(getattr(context.request, "remote_ip", "") or "")
        place = Place(address, session_cost_mb(settings_of(context.request.arguments)))
        forget_gone({session.id for session in context.server_context.sessions})
        if refusal(place.cost_mb, address):
            return FULL
    _places[context.id] = place
    doc.on_session_destroyed(_release)
    return ""


def follow(doc: Document, settings: Settings) -> None:
    """Keeps the place of `doc`'s session at what its settings cost as the visitor changes
    them; the most they have cost, since a layer's figures stay once made."""
    context = doc.session_context
    place = _places.get(context.id) if context is not None else None
    if place is None:
        return

    def grown(*events: object) -> None:
        place.cost_mb = max(place.cost_mb, session_cost_mb(settings))

    settings.param.watch(grown, ["conv"])


def _release(context: BokehSessionContext) -> None:
    _places.pop(context.id, None)


def _left(context: BokehSessionContext) -> None:
    """Frees the place of `context`'s session and has Bokeh drop the session, if no browser
    is connected to it any more (the websocket that closed has been detached by now)."""
    application = context.server_context.application_context
    for session in application.sessions:
        if session.id == context.id and session.connection_count == 0:
            session.request_expiration()  # dropped at Bokeh's next check, whatever its lifetime
            if context.id in _places:
                _places[context.id].left = True
