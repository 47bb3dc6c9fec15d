"""A websocket's session token measured before Bokeh reads it.

A browser opens its session's websocket with the token its page carried, in the
Sec-WebSocket-Protocol header. Unless sessions are signed (`--session-ids signed` with
BOKEH_SECRET_KEY), any client can write that token, and Bokeh and Panel inflate its
compressed part (the page request's headers, cookies and arguments) and parse it as JSON on
the server's only thread, with no limit: a token of a few kilobytes can inflate to many
megabytes and freeze every visitor while it is read. Here a token longer than any page request
makes, or one whose compressed part inflates past the cap, is answered 400 before the
websocket opens; the check inflates no more than the cap.

Internals this leans on (a debt; tests/unit/test_session_tokens.py fails loudly when they
change): the token's layout, base64url JSON whose private key `__bk__zlib_` holds the
compressed part (bokeh.util.token, which has no bounded reader); and the handler class of
each websocket route, which is swapped for one that checks first in Tornado's routing rules
(Panel swaps Bokeh's own the same way). Upstream, a bounded inflate in Bokeh's
`get_token_payload` would make this module unnecessary.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib

from bokeh.server.tornado import BokehTornado
from bokeh.server.views.ws import WSHandler
from bokeh.util.token import _TOKEN_ZLIB_KEY

# A page request's headers and cookies are the token's bulk; Tornado refuses requests whose
# headers pass 64 KiB, so a real token is well under both caps.
MAX_TOKEN_CHARACTERS = 32 * 1024
MAX_INFLATED_BYTES = 256 * 1024


def _base64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def token_refusal(subprotocols: str | None) -> str | None:
    """Why a Sec-WebSocket-Protocol header's session token is refused, or None to let Bokeh
    judge it (a token it cannot read is refused by Bokeh at no cost)."""
    if subprotocols is None:
        return None
    if len(subprotocols) > MAX_TOKEN_CHARACTERS:
        return f"the session token is longer than {MAX_TOKEN_CHARACTERS} characters"
    token = subprotocols.rsplit(",", 1)[-1].strip()
    try:
        payload = json.loads(_base64url(token.split(".", 1)[0]))
        compressed = _base64url(payload[_TOKEN_ZLIB_KEY])
    except (ValueError, TypeError, KeyError, RecursionError, binascii.Error):
        return None
    inflater = zlib.decompressobj()
    try:
        inflated = inflater.decompress(compressed, MAX_INFLATED_BYTES + 1)
    except zlib.error:
        return None
    if len(inflated) > MAX_INFLATED_BYTES or not inflater.eof:
        return f"the session token inflates past {MAX_INFLATED_BYTES} bytes"
    return None


class TokenCheck:
    """Put before a websocket handler class: refuses an oversized token before the handler
    (and Bokeh) reads it."""

    async def prepare(self) -> None:
        refusal = token_refusal(self.request.headers.get("Sec-WebSocket-Protocol"))
        if refusal is not None:
            # Tornado's access line is the one line logged for it.
            self.set_status(400)
            self.finish(refusal)
            return
        await super().prepare()


def check_session_tokens(server: BokehTornado) -> int:
    """Puts the token check in front of each of `server`'s websocket routes (once); returns
    how many routes have it."""
    checked = 0
    for rule in server.wildcard_router.rules:
        handler = rule.target
        if isinstance(handler, type) and issubclass(handler, WSHandler):
            if not issubclass(handler, TokenCheck):
                rule.target = type(f"TokenChecked{handler.__name__}", (TokenCheck, handler), {})
            checked += 1
    return checked
