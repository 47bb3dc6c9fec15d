"""Settings to and from text: the page's URL and the command line share one parser.

Every value is checked against the bound declared on its Settings parameter; a bad value
gets a message naming the parameter, what was given and the limit, and is left out, so the
default stands for that value alone.
"""

from __future__ import annotations

from collections.abc import Mapping

import param

from app.settings.cells import parse_cell, parse_edit_value
from app.settings.choices import COLUMNS, SETTINGS, Settings

MAX_EDITS = 64
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
MAX_TEXT = 40  # longer values are cut in messages


def shown(text: str) -> str:
    """A value as quoted in a message: cut short and printable."""
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return repr(text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…")


def parse_switch(name: str, text: str) -> bool:
    """'true'/'false' (or 1/0, yes/no, on/off) as a bool, or a ValueError naming `name`."""
    if text.strip().lower() in TRUE + FALSE:
        return text.strip().lower() in TRUE
    raise ValueError(f"{name}={shown(text)} is not a switch: use true or false")


MOST_EVERY = 100  # Predict asks at every Nth step, N at most this


def parse_some(name: str, text: str, choices: tuple[str, ...]) -> tuple[str, ...]:
    """A comma-separated `name` as some of `choices`, in their order, or a ValueError naming
    it and its choices (Predict's `ask`: combine,value,shape)."""
    chosen = {word.strip().lower() for word in text.split(",") if word.strip()}
    if not chosen or not chosen <= set(choices):
        raise ValueError(f"{name}={shown(text)} must name some of {', '.join(choices)}")
    return tuple(choice for choice in choices if choice in chosen)


def parse_every(text: str) -> int:
    """`every` as a whole number from 1 to MOST_EVERY, or a ValueError naming it."""
    if text.strip().isdigit() and 1 <= int(text) <= MOST_EVERY:
        return int(text)
    raise ValueError(f"every={shown(text)} must be a whole number from 1 to {MOST_EVERY}")


ZOOMS = (1.0, 1.25, 1.5, 2.0)  # the type and cell sizes a projector may ask for


def parse_zoom(text: str) -> float:
    """`zoom` as one of ZOOMS (1.5, or 150%), or a ValueError naming it and its choices."""
    cleaned = text.strip()
    percent = cleaned.endswith("%")
    try:
        number = float(cleaned.rstrip("%")) / (100 if percent else 1)
    except ValueError:
        number = None
    if number not in ZOOMS:
        choices = ", ".join(f"{zoom:g}" for zoom in ZOOMS)
        raise ValueError(f"zoom={shown(text)} is not one of {choices}")
    return number


def parse_value(name: str, text: str) -> object:
    """One setting's text as its value, or a ValueError naming the parameter and the limit."""
    parameter = Settings.param[name]
    text = text.strip()
    if isinstance(parameter, param.Boolean):
        return parse_switch(name, text)
    if isinstance(parameter, param.Selector):
        if text in parameter.objects:
            return text
        raise ValueError(f"{name}={shown(text)} is not one of {', '.join(parameter.objects)}")
    low, high = parameter.bounds
    digits = text[1:] if text[:1] in "+-" else text
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 12:
        raise ValueError(f"{name}={shown(text)} is not a whole number from {low} to {high}")
    number = int(text)
    if not low <= number <= high:
        raise ValueError(f"{name}={number} is out of range: it must be from {low} to {high}")
    return number


def parse_settings(raw: Mapping[str, str]) -> tuple[dict[str, object], list[str]]:
    """The valid settings among `raw` and a message for each invalid one (unknown names pass)."""
    values, messages = {}, []
    linked = raw.get("separate_axes", "").strip().lower() not in TRUE
    for name in SETTINGS:
        if name in raw:
            if name in COLUMNS and linked:
                rows = name.removesuffix("_cols")
                messages.append(
                    f"{name} applies only with separate_axes=true; using the {rows} value"
                )
                continue
            try:
                values[name] = parse_value(name, raw[name])
            except ValueError as error:
                default = Settings.param[name].default
                messages.append(f"{error}; using {default}")
    if raw.get("edits"):
        try:
            values["edits"] = parse_edits(raw["edits"])
        except ValueError as error:
            messages.append(f"edits: {error}; using none")
    return values, messages


def parse_edits(text: str) -> dict[str, int | float]:
    """'x,0,1,2=3;b,1=-1' as {'x,0,1,2': 3, 'b,1': -1}: cells set by hand."""
    entries = [entry for entry in text.split(";") if entry]
    if len(entries) > MAX_EDITS:
        raise ValueError(f"{len(entries)} edited cells, over the cap of {MAX_EDITS}")
    edits = {}
    for entry in entries:
        key, _, value = entry.partition("=")
        parse_cell(key)
        edits[key] = parse_edit_value(value)
    return edits


def parse_step(text: str, steps: int) -> int:
    """A step counted from 1, as the URL and the command line give it, as the engine's index."""
    digits = text.strip()
    if not (
        digits.isascii() and digits.isdigit() and len(digits) <= 12 and 1 <= int(digits) <= steps
    ):
        raise ValueError(f"step={shown(text)} must be a whole number from 1 to {steps}")
    return int(digits) - 1


def settings_query(settings: Settings) -> dict[str, str]:
    """Every setting as URL text; the column values only while the axes are set apart."""
    query = {}
    for name in SETTINGS:
        if name in COLUMNS and not settings.separate_axes:
            continue
        value = getattr(settings, name)
        query[name] = str(value).lower() if isinstance(value, bool) else str(value)
    query["edits"] = ";".join(f"{key}={value}" for key, value in settings.edits.items())
    return query
