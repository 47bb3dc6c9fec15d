"""Exports of one configuration: a self-contained HTML file and a GIF for slides."""

from __future__ import annotations

from bokeh.document import Document
from bokeh.embed import file_html
from bokeh.resources import INLINE

from app.engine import Convolution
from app.model import DemoSettings
from app.views.figure import DemoFigure
from app.views.transposed import TransposedFigure


def standalone_html(settings: DemoSettings, step: int = 0, title: str = "Convolution demo") -> str:
    """The animated demo as one HTML file with BokehJS inlined: it plays from disk, offline.

    Built from the Bokeh models directly: Panel's own save step links stylesheets on a CDN."""
    if settings.error:
        raise ValueError(settings.error)
    conv = settings.conv
    if isinstance(conv, Convolution):
        figures = [DemoFigure(None)]
        figures[0].update(conv, step, **settings.drawing())
    else:
        figures = [TransposedFigure(conv, step)]
    if not isinstance(conv, Convolution) and settings.equivalent:
        figures.append(DemoFigure(conv.equivalent, prefix="twin"))
    document = Document()
    for figure in figures:
        document.add_root(figure.layout)
        document.js_on_event("document_ready", figure.start)
    document.title = title
    return file_html(document, INLINE, title)
