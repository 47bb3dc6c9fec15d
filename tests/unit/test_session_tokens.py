"""The session-token check reads Bokeh's private token layout and swaps the handler class of
Bokeh's websocket routes: these fail loudly when a Bokeh, Panel or Tornado release changes
either (app/page/session_tokens.py says why it reaches for them)."""

import json

import panel.io.server  # noqa: F401  (Panel's own websocket handler, as `panel serve` routes it)
from bokeh.application import Application
from bokeh.server.tornado import BokehTornado
from bokeh.server.views.ws import WSHandler
from bokeh.util.token import generate_jwt_token, get_token_payload

from app.page.session_tokens import (
    MAX_INFLATED_BYTES,
    MAX_TOKEN_CHARACTERS,
    TokenCheck,
    check_session_tokens,
    token_refusal,
)


def _bokehs_token(extra_payload: dict) -> str:
    """A token as Bokeh writes it for a page request, with its Sec-WebSocket-Protocol."""
    return "bokeh, " + generate_jwt_token("a-session", signed=False, extra_payload=extra_payload)


def test_a_token_bokeh_writes_for_a_page_passes():
    headers = {"user-agent": "Mozilla/5.0 " * 20, "accept-language": "en-GB,en;q=0.9"}
    request = {"headers": headers, "cookies": {"replica": "a"}, "arguments": {"seed": [b"3"]}}
    header = _bokehs_token(request)
    assert token_refusal(header) is None
    assert get_token_payload(header.split(", ")[1])["headers"] == headers


def test_a_token_inflating_past_the_cap_is_refused_by_measuring_bokehs_own_layout():
    # Repeated text compresses well: a short token that inflates far.
    extra = {"x": "a" * (2 * MAX_INFLATED_BYTES)}
    header = _bokehs_token(extra)
    assert len(header) < MAX_TOKEN_CHARACTERS
    assert len(json.dumps(extra)) > MAX_INFLATED_BYTES
    assert token_refusal(header) == f"the session token inflates past {MAX_INFLATED_BYTES} bytes"


def test_a_token_longer_than_the_cap_is_refused_unread():
    header = "bokeh, " + "x" * MAX_TOKEN_CHARACTERS
    assert token_refusal(header) == (
        f"the session token is longer than {MAX_TOKEN_CHARACTERS} characters"
    )


def test_a_token_no_one_can_read_is_left_to_bokeh():
    for header in (None, "bokeh, x.y", "bokeh, e30", "bokeh"):  # e30: {} in base64url
        assert token_refusal(header) is None


def test_every_websocket_route_of_a_server_gets_the_check_once():
    server = BokehTornado({"/app": Application(), "/other": Application()})
    assert check_session_tokens(server) == 2
    assert check_session_tokens(server) == 2  # a second call wraps nothing twice
    checked = [
        rule.target
        for rule in server.wildcard_router.rules
        if isinstance(rule.target, type) and issubclass(rule.target, WSHandler)
    ]
    assert len(checked) == 2
    for handler in checked:
        assert issubclass(handler, TokenCheck)
        assert handler.__mro__[1] is TokenCheck and handler.__mro__[2].__module__ == (
            "panel.io.server"
        ), "the check runs before Panel's handler, whose token it measures"
