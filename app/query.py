"""Settings to and from text: the page's URL and the command line share one parser.

Every value is checked against the bound declared on its DemoSettings parameter; a bad value
gets a message naming the parameter, what was given and the limit, and is left out, so the
default stands for that value alone.
"""

from __future__ import annotations

from collections.abc import Mapping

import param

from app.cells import parse_cell, parse_edit_value
from app.model import AXES, DemoSettings

MAX_EDITS = 64

SETTINGS = (
    "height", "width", "depth", "n_filters", "kernel_height", "kernel_width",
    "stride", "stride_cols", "padding", "padding_cols", "dilation", "dilation_cols",
    "output_padding", "output_padding_cols", "separate_axes", "groups", "bias", "values",
    "mode", "equivalent", "picture", "kernel", "across_channels", "relu", "seed",
)  # fmt: skip
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


def parse_value(name: str, text: str) -> object:
    """One setting's text as its value, or a ValueError naming the parameter and the limit."""
    parameter = DemoSettings.param[name]
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
    for name in SETTINGS:
        if name in raw:
            try:
                values[name] = parse_value(name, raw[name])
            except ValueError as error:
                default = DemoSettings.param[name].default
                messages.append(f"{error}; using {default}")
    if raw.get("edits"):
        try:
            values["edits"] = parse_edits(raw["edits"])
        except ValueError as error:
            messages.append(f"edits: {error}; using none")
    # Stating only the rows value still means both, as long as the axes are linked.
    if not values.get("separate_axes"):
        for axis in AXES:
            if axis in values:
                values[f"{axis}_cols"] = values[axis]
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


def settings_query(settings: DemoSettings) -> dict[str, str]:
    """Every setting as URL text; the column values only while the axes are set apart."""
    query = {}
    for name in SETTINGS:
        if name.endswith("_cols") and not settings.separate_axes:
            continue
        value = getattr(settings, name)
        query[name] = str(value).lower() if isinstance(value, bool) else str(value)
    query["edits"] = ";".join(f"{key}={value}" for key, value in settings.edits.items())
    return query
