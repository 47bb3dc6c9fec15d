"""ConvolutionDemo: the Bokeh demo inside a Panel page, with settings and messages."""

from __future__ import annotations

import secrets

import panel as pn
import param

from app.model import SEED_MAX, DemoSettings
from app.views.figure import DemoFigure
from app.views.settings import SettingsPanel


class ConvolutionDemo(pn.viewable.Viewer):
    """The CS231n convolution demo; keyword arguments are DemoSettings parameters."""

    settings = param.ClassSelector(class_=DemoSettings)
    embed = param.Boolean(False, doc="Drop the page chrome, for an iframe")

    def __init__(self, settings: DemoSettings | None = None, **params) -> None:
        own = {key: params.pop(key) for key in list(params) if key in DemoSettings.param}
        super().__init__(settings=settings or DemoSettings(**own), **params)
        self.figure = DemoFigure(self.settings.conv)
        self.settings.param.watch(self._repaint, "conv")

    def _repaint(self, event: param.parameterized.Event) -> None:
        self.figure.update(event.new)

    def new_values(self) -> None:
        self.settings.seed = secrets.randbelow(SEED_MAX + 1)

    def __panel__(self) -> pn.viewable.Viewable:
        doc = pn.state.curdoc
        if doc is not None and doc.session_context is not None:
            # The original starts moving on load; the browser says when the page is ready.
            doc.js_on_event("document_ready", self.figure.start)
        demo = pn.pane.Bokeh(self.figure.layout, sizing_mode="fixed")
        if self.embed:
            return pn.Column(SettingsPanel(self.settings, demo=self).message, demo)
        return pn.Row(SettingsPanel(self.settings, demo=self), demo)
