"""What `panel serve app` does once per server process, before any visitor (Bokeh's hook for
directory apps): a hardened log and error replies, session tokens measured before they are
read (app/page/session_tokens.py), compressed responses, only the BokehJS
bundles the page uses, no second check of each session's document, Bokeh's defaults kept
(app/page/defaults.py), one BLAS thread (app/page/threads.py), what is loaded kept out of
Python's collector, the poster of one step at poster.png, and the page's request refused
before a session is built where the server is full (app/page/gate.py); and, as sessions
close, what they held reclaimed (app/page/collector.py)."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable

from bokeh.resources import Resources
from bokeh.server.contexts import BokehServerContext, BokehSessionContext
from bokeh.server.tornado import BokehTornado
from bokeh.settings import settings
from tornado.web import GZipContentEncoding

from app.page.collector import session_closed
from app.page.defaults import remember_defaults
from app.page.gate import install_gate
from app.page.poster import PosterHandler
from app.page.serving import harden_server
from app.page.session_tokens import check_session_tokens
from app.page.threads import one_blas_thread

UNUSED_BUNDLES = ("bokeh-gl",)  # the demo draws on a canvas (Panel needs the tables bundle)


def on_server_loaded(server_context: BokehServerContext) -> None:
    harden_server()
    one_blas_thread()  # sessions share the process's cores: products need no threads of their own
    # Bokeh checks every session's document for faults before sending it: a tenth of what a
    # session costs the server, for documents this app builds the same way every time. The
    # tests check them instead (tests/unit/test_page.py), layer by layer.
    settings.perform_document_validation.set_value(False)
    remember_defaults()
    # Bokeh looks these up (arguments, environment, config files) for every model it names or
    # serializes; their values at start-up are kept.
    for setting in (settings.simple_ids, settings.serialize_include_defaults):
        setting.set_value(setting())
    # Panel's command line takes no Tornado setting, so the server of this process is found
    # among the live objects, once, and given Tornado's own gzip (the page's JavaScript
    # travels a quarter of its size) and a lighter list of bundles.
    for server in (obj for obj in gc.get_objects() if isinstance(obj, BokehTornado)):
        if GZipContentEncoding not in server.transforms:
            server.add_transform(GZipContentEncoding)
        server.resources = _without_unused_bundles(server.resources)
        # An error line, which every test that reads the log notices: without the check a
        # client's token can freeze the server (the server still serves).
        if check_session_tokens(server) == 0:
            logging.getLogger(__name__).error("no websocket route found to check tokens on")
        # One step as a PNG, beside the app's page (Share links it).
        server.add_handlers(r".*", [(f"{server._prefix}/poster.png", PosterHandler)])
        install_gate(server, server_context)  # a visitor past the caps is refused before a session
    # What is loaded by now (Python, Bokeh, Panel, this app: about 140,000 objects) lives as
    # long as the process; Python's collector still read all of it at every full collection,
    # one each few sessions built (a tenth of a session's CPU). Frozen, it reads what sessions
    # made (and those are frozen too while they are held: app/page/collector.py).
    gc.collect()
    gc.freeze()


def on_session_destroyed(session_context: BokehSessionContext) -> None:
    session_closed()  # what the closed sessions held is reclaimed (app/page/collector.py)


def _without_unused_bundles(resources: Callable[..., Resources]) -> Callable[..., Resources]:
    """Bokeh's choice of resources for a page, less the bundles this page never uses."""

    def lighter(*args: object, **kwargs: object) -> Resources:
        chosen = resources(*args, **kwargs)
        chosen.components = [c for c in chosen.components if c not in UNUSED_BUNDLES]
        return chosen

    return lighter
