"""The offline HTML export: one configuration as a self-contained file that plays from disk."""

from __future__ import annotations

from bokeh.document import Document
from bokeh.embed import file_html
from bokeh.resources import INLINE

from app.figures.animated import WATCH, Predict
from app.layers import DemoSettings


def standalone_html(
    settings: DemoSettings, step: int = 0, predict: Predict = WATCH,
    title: str = "Convolution demo",
) -> str:  # fmt: skip
    """The animated demo as one HTML file with BokehJS inlined: it plays from disk, offline.

    Built from the Bokeh models directly: Panel's own save step links stylesheets on a CDN."""
    if settings.error:
        raise ValueError(settings.error)
    document = Document()
    for place, view in enumerate(settings.views()):
        figure = view.figure(view.prefix, predict=predict)
        # A twin starts at its beginning, or at the window of the figure it follows.
        figure.update(view.scene, step if place == 0 else 0, follows=view.follows)
        document.add_root(figure.layout)
        document.add_root(figure.lesson.layout)
        figure.start_on_ready(document)
    document.title = title
    return file_html(document, INLINE, title)
