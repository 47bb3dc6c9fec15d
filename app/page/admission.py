"""How many sessions one server process admits, so that visitors holding sessions open
(several megabytes each at the caps) cannot push it past a known ceiling: past the cap, a new
visitor gets a short page asking to come back, which costs the server next to nothing.

Both caps are read from the environment when the server starts:
CONVOLUTION_DEMO_MAX_SESSIONS (default 200, a lecture hall) and
CONVOLUTION_DEMO_MAX_SESSIONS_PER_ADDRESS (default 0, no cap: a campus often reaches the
server from one address; behind a proxy, `--use-xheaders` gives each browser its own).
"""

from __future__ import annotations

import os

from bokeh.document import Document

MAX_SESSIONS = int(os.environ.get("CONVOLUTION_DEMO_MAX_SESSIONS", "200"))
MAX_PER_ADDRESS = int(os.environ.get("CONVOLUTION_DEMO_MAX_SESSIONS_PER_ADDRESS", "0"))
FULL = (
    "The convolution demo has as many visitors as it can hold right now. "
    "Please try again in a minute."
)
_addresses: dict[str, str] = {}  # session id -> the address it was opened from


def admit(doc: Document) -> str:
    """An empty string if the session of `doc` may open, else what to tell its visitor."""
    context = doc.session_context
    if context is None:
        return ""  # a notebook or a test: no server to protect
    held = {session.id for session in context.server_context.sessions}
    for gone in _addresses.keys() - held:
        del _addresses[gone]
    if len(held) >= MAX_SESSIONS:
        return FULL
    address = str(getattr(context.request, "remote_ip", "") or "")
    if MAX_PER_ADDRESS and list(_addresses.values()).count(address) >= MAX_PER_ADDRESS:
        return FULL
    _addresses[context.id] = address
    return ""
