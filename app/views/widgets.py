"""Small widgets the settings share."""

from __future__ import annotations

import panel as pn

from app.model import DemoSettings


def switch(settings: DemoSettings, name: str) -> pn.widgets.CheckBoxGroup:
    """A labelled checkbox tied both ways to a Boolean parameter."""
    label = settings.param[name].label
    box = pn.widgets.CheckBoxGroup(
        options=[label], value=[label] if getattr(settings, name) else []
    )
    box.param.watch(lambda event: setattr(settings, name, bool(event.new)), "value")
    settings.param.watch(lambda event: setattr(box, "value", [label] if event.new else []), name)
    return box
