"""The settings' widgets: they refuse, with a warning, what no control on the page can send."""

from __future__ import annotations

import logging
from typing import ClassVar

import panel as pn
from bokeh.document import Document
from panel.io.state import set_curdoc

from app.settings import Settings

log = logging.getLogger("app")


class Guarded:
    """A widget that ignores a value outside its options: only a page altered by hand can
    send one, and Panel's own conversion would raise in the server for it."""

    def _process_property_change(self, msg: dict) -> dict:
        try:
            return super()._process_property_change(msg)
        except (ValueError, IndexError, KeyError, TypeError) as error:
            shown = repr(msg)[:120]
            log.warning("%s ignored %s from the browser: %s", type(self).__name__, shown, error)
            return {}


class AtOnce:
    """A widget whose every change is one event (a choice, a click), handled as soon as the
    browser's message is answered.

    - Panel's debounce is meant for streams of keystrokes and drags: here it would only
      delay the repaint.
    - Panel counts every change in `pn.state.busy`, for loading indicators this page does not
      have, and its bookkeeping costs every change.
    - Bokeh answers the browser's message with an OK written in three parts under the
      socket's write lock. Panel, finding that lock held when the repaint's patch is ready,
      retries after a fixed wait: the change is handled once the OK is out.
    - What one change sets goes to the browser as one patch: a linked setting's widget (the
      columns' stride following the rows') with the repaint, not in a patch of its own.
    """

    # The browser's name for the choice: a drop-down's `value`, the `active` of radio buttons
    # and checkboxes (Panel's `_rename`).
    _priority_changes: ClassVar[list[str]] = ["value", "active"]
    _busy__ignore: ClassVar[list[str]] = ["value", "active"]

    async def _change_coroutine(self, doc: Document, event_id: str | None = None) -> None:
        await replies_written(doc)
        await super()._change_coroutine(doc, event_id)

    def _change_event(self, doc: Document) -> None:
        with set_curdoc(doc), pn.io.hold(doc):
            super()._change_event(doc)


async def replies_written(doc: Document) -> None:
    """Returns once nothing is being written to the browsers showing `doc` (at once where
    Bokeh's session or sockets do not look as expected)."""
    session = getattr(doc.session_context, "_session", None)
    for connection in list(getattr(session, "_subscribed_connections", ())):
        write_lock = getattr(getattr(connection, "_socket", None), "write_lock", None)
        if write_lock is not None:
            async with write_lock:
                pass


class Choice(AtOnce, Guarded, pn.widgets.Select):
    """A drop-down of the values a setting may take."""

    def _process_property_change(self, msg: dict) -> dict:
        if msg.get("value") == "":  # Panel would take the first option; no option is empty
            log.warning("Choice ignored an empty value from the browser")
            return {}
        return super()._process_property_change(msg)


class Radio(AtOnce, Guarded, pn.widgets.RadioButtonGroup):
    """Buttons of which one is chosen."""


class Switch(AtOnce, Guarded, pn.widgets.CheckBoxGroup):
    """One labelled checkbox."""


def switch(settings: Settings, name: str) -> Switch:
    """A labelled checkbox tied both ways to a Boolean parameter."""
    label = settings.param[name].label
    box = Switch(options=[label], value=[label] if getattr(settings, name) else [])
    box.param.watch(lambda event: setattr(settings, name, bool(event.new)), "value")
    settings.param.watch(lambda event: setattr(box, "value", [label] if event.new else []), name)
    return box
