"""ConvolutionDemo: the Bokeh demo inside a Panel page, with settings, messages and the URL."""

from __future__ import annotations

import secrets

import panel as pn
import param

from app.model import SEED_MAX, DemoSettings
from app.query import parse_settings, parse_switch, settings_query
from app.views.figure import DemoFigure
from app.views.settings import SettingsPanel


class ConvolutionDemo(pn.viewable.Viewer):
    """The CS231n convolution demo; keyword arguments are DemoSettings parameters."""

    settings = param.ClassSelector(class_=DemoSettings)
    step = param.Integer(0, bounds=(0, None), doc="The step shown first (the engine's index)")
    embed = param.Boolean(False, doc="Drop the settings, for an iframe")
    notices = param.List(default=[], item_type=str, doc="What was wrong with the address")
    write_url = param.Boolean(False, doc="Keep the settings and the paused step in the URL")
    tapped = param.String("", doc="The cell last tapped in the figure, as the browser names it")

    def __init__(self, settings: DemoSettings | None = None, **params) -> None:
        own = {key: params.pop(key) for key in list(params) if key in DemoSettings.param}
        super().__init__(settings=settings or DemoSettings(**own), **params)
        self.figure = DemoFigure(self.settings.conv, self.step, write_url=self.write_url)
        self.settings.param.watch(self._repaint, "conv")
        self.figure.sources["edit"].on_change("data", self._cell_tapped)

    def _cell_tapped(self, attr: str, old: dict, new: dict) -> None:
        self.tapped = str(new.get("cell", [""])[0])[:40]

    @classmethod
    def from_address(cls, args: dict[str, list[bytes]]) -> ConvolutionDemo:
        """A demo from a served page's query arguments: bad values get a message and their
        default; a combination that does not fit keeps the CS231n default on screen."""
        raw = {key: values[-1].decode("utf-8", "replace") for key, values in args.items() if values}
        values, notices = parse_settings(raw)
        if "seed" not in raw:  # new numbers on every visit, as the original; the URL keeps them
            values["seed"] = secrets.randbelow(SEED_MAX + 1)
        settings = DemoSettings()
        settings.param.update(values)
        step, steps = 0, len(settings.conv)
        if "step" in raw:
            try:
                step = int(raw["step"]) - 1 if raw["step"].strip().isdigit() else -1
                if not 0 <= step < steps:
                    raise ValueError(f"step={raw['step'][:40]!r} must be from 1 to {steps}")
            except ValueError as error:
                notices.append(f"{error}; using 1")
                step = 0
        embed = False
        if "embed" in raw:
            try:
                embed = parse_switch("embed", raw["embed"])
            except ValueError as error:
                notices.append(f"{error}; showing the full page")
        return cls(settings, step=step, embed=embed, notices=notices, write_url=True)

    def _repaint(self, event: param.parameterized.Event) -> None:
        # One patch for the whole repaint: the browser then redraws once, not once a source.
        with pn.io.hold():
            self.figure.update(event.new, self.step)

    def new_values(self) -> None:
        """A new seed; cells edited by hand go with the old values."""
        self.settings.param.update(seed=secrets.randbelow(SEED_MAX + 1), edits={})

    def _write_address(self, *events: param.parameterized.Event) -> None:
        pn.state.location.update_query(**settings_query(self.settings))

    def __panel__(self) -> pn.viewable.Viewable:
        doc = pn.state.curdoc
        if doc is not None and doc.session_context is not None:
            # The original starts moving on load; the browser says when the page is ready.
            doc.js_on_event("document_ready", self.figure.start)
            if self.write_url and pn.state.location is not None:
                # Once the page has reported its own address, or that report would undo ours.
                pn.state.onload(self._write_address)
                # The address follows the demo on screen, so an invalid setting leaves it alone.
                self.settings.param.watch(self._write_address, "conv")
        demo = pn.pane.Bokeh(self.figure.layout, sizing_mode="fixed")
        panel = SettingsPanel(self.settings, demo=self, notices=self.notices)
        if self.embed:
            return pn.Column(panel.messages, demo, margin=0)
        return pn.Row(panel, demo)
