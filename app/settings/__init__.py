"""The settings: what a person chooses, as param parameters, and how those choices become text
(the URL, the command line), edited cells, pictures and an engine's arrays.

Import rule: param, NumPy and Pillow, and app.engine below; no Panel, no Bokeh, nothing above.
"""

from app.settings.choices import AXES, CHOICES, COLUMNS, SEED_MAX, SETTINGS, Settings

__all__ = ["AXES", "CHOICES", "COLUMNS", "SEED_MAX", "SETTINGS", "Settings"]
