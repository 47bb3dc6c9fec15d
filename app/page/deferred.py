"""Work that can wait for the repaint: it reaches the browser in a patch of its own, after.

A change of setting repaints the figure in one document patch. Whatever else the change
touches (the size formula) would otherwise ride in that same patch, and the browser would
apply it (a Markdown re-render) before painting the figure. (The address waits likewise, in
the figure's script: controls.js.)
"""

from __future__ import annotations

from collections.abc import Callable

import panel as pn

DELAY_MS = 150  # after the last change: a burst of changes writes the formula once


class Deferred:
    """Calls `action` once, DELAY_MS after the last call, in a callback of its own; at once
    where there is no served page (a notebook, a test building the views)."""

    def __init__(self, action: Callable[[], None]) -> None:
        self.action = action
        self._pending: object | None = None

    def __call__(self, *events: object) -> None:
        doc = pn.state.curdoc
        if doc is None or doc.session_context is None:
            self.action()
            return
        if self._pending is not None:
            try:
                doc.remove_timeout_callback(self._pending)
            except ValueError:
                pass  # it has just run
        self._pending = doc.add_timeout_callback(self._run, DELAY_MS)

    def _run(self) -> None:
        self._pending = None
        self.action()
