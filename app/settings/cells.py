"""Cells set by hand: their names ('x,d,r,c', 'w,k,c,r,s', 'b,k') and their values."""

from __future__ import annotations

EDIT_LIMIT = 999.0  # edited values stay within what a cell can show


def parse_cell(key: str) -> tuple[str, tuple[int, ...]]:
    """'x,d,r,c', 'w,k,c,r,s' or 'b,k' as (array name, index), or a ValueError naming it."""
    name, *index = key.split(",")
    places = {"x": 3, "w": 4, "b": 1}
    if (
        name not in places
        or len(index) != places[name]
        or not all(i.isascii() and i.isdigit() and len(i) <= 3 for i in index)
    ):
        raise ValueError(f"cell {key[:40]!r} is not x,channel,row,col or w,k,c,row,col or b,k")
    return name, tuple(int(i) for i in index)


def parse_edit_value(text: str) -> int | float:
    """A cell's new value: a finite number within ±999, an int when it is whole."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not abs(value) <= EDIT_LIMIT:
        raise ValueError(f"value {text[:40]!r} must be a number from -999 to 999")
    return int(value) if value == int(value) else value
