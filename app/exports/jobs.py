"""Exports as jobs that another process can run: the choices go in, the file's bytes come out."""

from __future__ import annotations

from collections.abc import Callable

from app.exports.gif import settings_gif
from app.exports.html import standalone_html
from app.layers import DemoSettings
from app.settings import CHOICES, Settings

EXPORTS: dict[str, Callable[[DemoSettings], bytes]] = {
    "html": lambda settings: standalone_html(settings).encode(),
    "gif": settings_gif,
}


def choices_of(settings: Settings) -> dict[str, object]:
    """Everything a person chose, as values that cross to another process."""
    return {name: getattr(settings, name) for name in CHOICES}


def render(kind: str, choices: dict[str, object]) -> bytes:
    """The export `kind` of the demo these choices make, or a ValueError saying why not."""
    return EXPORTS[kind](DemoSettings(**choices))
