"""The page's request, answered before Bokeh builds a session: a visitor the server cannot hold
(app/page/admission.py) gets a plain page with 503 and Retry-After, which holds nothing; the
others get the demo's page, as Panel's own handler makes it.

The handler is Panel's page handler with a check in front, registered for the app's own path
ahead of Panel's (Tornado's add_handlers puts later rules first), with the arguments Bokeh
gives its own page handler.
"""

from __future__ import annotations

import html

from bokeh.server.contexts import BokehServerContext
from bokeh.server.tornado import BokehTornado
from panel.io.server import DocHandler

from app.page.admission import FULL, built, forget_gone, take_place

RETRY_AFTER_S = 30  # places free as visitors close their tabs: seconds, not minutes
REFUSED_PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Convolution demo</title></head>
<body style="font: 16px/1.5 system-ui, sans-serif; margin: 2em; color: #222">
<main><h1 style="font-size: 1.4em">Convolution demo</h1><p>{html.escape(FULL)}</p></main>
</body></html>
"""


class AdmittingDocHandler(DocHandler):
    """Panel's page handler, which first asks whether the server can hold one more session."""

    async def get(self, *args: object, **kwargs: object) -> None:
        forget_gone({session.id for session in self.application_context.sessions})
        place = take_place(self.request.arguments, self.request.remote_ip or "")
        if place is None:
            self.set_status(503)
            self.set_header("Retry-After", str(RETRY_AFTER_S))
            self.set_header("Cache-Control", "no-store")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(REFUSED_PAGE)
            return
        try:
            await super().get(*args, **kwargs)
        finally:
            built(place)


def install_gate(server: BokehTornado, server_context: BokehServerContext) -> None:
    """Answers the app's page requests with AdmittingDocHandler, ahead of Panel's handler."""
    application = server_context.application_context
    path = f"{server.prefix}{application.url}"
    arguments = {"application_context": application, "bokeh_websocket_path": f"{path}/ws"}
    server.add_handlers(r".*", [(f"{path}/?", AdmittingDocHandler, arguments)])
