"""The settings' widgets: they refuse, with a warning, what no control on the page can send."""

from __future__ import annotations

import logging
from typing import ClassVar

import panel as pn

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


class Choice(Guarded, pn.widgets.Select):
    """A drop-down handled at once: a choice is one event, so Panel's 50 ms debounce (meant
    for streams of keystrokes and drags) would only delay the repaint."""

    _priority_changes: ClassVar[list[str]] = ["value"]

    def _process_property_change(self, msg: dict) -> dict:
        if msg.get("value") == "":  # Panel would take the first option; no option is empty
            log.warning("Choice ignored an empty value from the browser")
            return {}
        return super()._process_property_change(msg)


class Radio(Guarded, pn.widgets.RadioButtonGroup):
    """Buttons of which one is chosen."""


class Switch(Guarded, pn.widgets.CheckBoxGroup):
    """One labelled checkbox."""


def switch(settings: Settings, name: str) -> Switch:
    """A labelled checkbox tied both ways to a Boolean parameter."""
    label = settings.param[name].label
    box = Switch(options=[label], value=[label] if getattr(settings, name) else [])
    box.param.watch(lambda event: setattr(settings, name, bool(event.new)), "value")
    settings.param.watch(lambda event: setattr(box, "value", [label] if event.new else []), name)
    return box
