"""Exports as jobs that another process can run: the choices go in, the file's bytes come out."""

from __future__ import annotations

from collections.abc import Callable

from app.exports.gif import settings_gif, settings_poster
from app.exports.html import standalone_html
from app.layers import DemoSettings
from app.settings import CHOICES, Settings
from app.settings.query import parse_step

# Each export from the settings and the step (from 0) that it opens on or draws.
EXPORTS: dict[str, Callable[[DemoSettings, int], bytes]] = {
    "html": lambda settings, step: standalone_html(settings, step).encode(),
    "gif": lambda settings, step: settings_gif(settings),
    "poster": settings_poster,
}


def choices_of(settings: Settings) -> dict[str, object]:
    """Everything a person chose, as values that cross to another process."""
    return {name: getattr(settings, name) for name in CHOICES}


def render(kind: str, choices: dict[str, object], step: int = 0) -> bytes:
    """The export `kind` of the demo these choices make, or a ValueError saying why not."""
    return EXPORTS[kind](DemoSettings(**choices), step)


def poster_of_address(values: dict[str, object], step: str) -> bytes:
    """The poster of the demo that an address's parsed settings make, at the step its text
    names (counted from 1), or a ValueError saying why not. Building the layer is work too:
    a poster's whole cost lands in the process that runs this."""
    settings = DemoSettings(**values)
    if settings.error:
        raise ValueError(settings.error)
    return settings_poster(settings, parse_step(step, len(settings.conv)))
