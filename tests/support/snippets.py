"""Runs the Code panel's snippets as a student would paste them."""

from __future__ import annotations

import contextlib
import io


def run(code: str) -> dict:
    """The names a snippet leaves once run, its printing kept off the test's output."""
    names: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(code, names)
    return names
