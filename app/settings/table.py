"""The settings as the README's table: one row a setting, from its param declaration (its
doc, its bounds or choices, its default), so that the table cannot drift from the code."""

from __future__ import annotations

import param

from app.settings.choices import SETTINGS, Settings

# Defaults the page chooses at each visit rather than the declaration's.
VISIT_DEFAULTS = {"seed": "a new one each visit"}


def _values(parameter: param.Parameter) -> str:
    if isinstance(parameter, param.Boolean):
        return "`true`, `false`"
    if isinstance(parameter, param.Selector):
        return ", ".join(f"`{value}`" for value in parameter.objects)
    low, high = parameter.bounds
    return f"{low} to {high:,}"


def _default(name: str, parameter: param.Parameter) -> str:
    if name in VISIT_DEFAULTS:
        return VISIT_DEFAULTS[name]
    default = parameter.default
    return f"`{str(default).lower()}`" if isinstance(default, bool) else f"`{default}`"


def settings_table() -> str:
    """Markdown: every setting the address, the widgets and the command line take."""
    rows = [
        "| setting | what it is | values | default |",
        "| --- | --- | --- | --- |",
    ]
    for name in SETTINGS:
        if name.endswith("_cols"):
            continue  # said with its rows' setting
        parameter = Settings.param[name]
        shown = f"`{name}` (`{name}_cols`)" if f"{name}_cols" in SETTINGS else f"`{name}`"
        doc = " ".join((parameter.doc or parameter.label or "").split()).replace("|", "\\|")
        rows.append(f"| {shown} | {doc} | {_values(parameter)} | {_default(name, parameter)} |")
    return "\n".join(rows) + "\n"
