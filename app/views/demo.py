"""ConvolutionDemo: the Bokeh demo inside a Panel page, with settings, messages and the URL."""

from __future__ import annotations

import secrets

import panel as pn
import param

from app.engine import Convolution
from app.model import SEED_MAX, DemoSettings
from app.query import parse_settings, parse_switch, settings_query
from app.transposed import TransposedConvolution
from app.views.animated import NO_SQUEEZE, AnimatedFigure
from app.views.deferred import Deferred
from app.views.figure import DemoFigure
from app.views.settings import SettingsPanel
from app.views.transposed import TransposedFigure

TWIN_NOTE = (
    "**The same output as a direct convolution.** The input spread out with stride - 1 zeros "
    "between its cells, dilation\u00d7(kernel - 1) - padding zeros around it (output padding "
    "more at the bottom and right), each filter flipped top to bottom and left to right, "
    "stride 1. Compare its output with the transposed one above: every number is the same."
)


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
        self.figure = DemoFigure(None, write_url=self.write_url)  # _show paints it, once
        # The other layers' figures are made when first shown: most visits never leave the
        # convolution, and every figure adds a hundred models to each session.
        self.figures: dict[str, AnimatedFigure] = {"direct": self.figure}
        self.panes = {"direct": pn.pane.Bokeh(self.figure.layout, sizing_mode="fixed")}
        self._pending: set[str] = set()  # figures made after page load, shown a tick later
        self.slots = {"transposed": pn.Column(margin=0), "twin": pn.Column(margin=0)}
        self.twin_note = pn.pane.Markdown(TWIN_NOTE, width=900, visible=False)
        self._served = False  # set once the page exists: figures made later start themselves
        self._show(self.settings.conv, self.step)
        self.settings.param.watch(self._repaint, "conv")
        self.settings.param.watch(lambda event: self._repaint(), ["equivalent", "relu"])
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

    def _show(self, conv: Convolution | TransposedConvolution, step: int) -> None:
        """Repaints the figure of conv's layer and shows it alone (with its twin if asked)."""
        shown = self._shown(conv)
        if shown["direct"]:
            self.figure.update(conv, step, **self.settings.drawing())
        else:
            self._figure("transposed").update(conv, step)
            if shown["twin"]:
                self._figure("twin").update(conv.equivalent)
        for name, figure in self.figures.items():
            if name not in self._pending:
                figure.layout.visible = shown[name]
        self.twin_note.visible = shown["twin"]

    def _figure(self, name: str) -> AnimatedFigure:
        """The figure `name`, made and put in its slot on first use."""
        if name in self.figures:
            return self.figures[name]
        figure = (
            TransposedFigure(write_url=self.write_url)
            if name == "transposed"
            else DemoFigure(None, prefix="twin")
        )
        figure.sources["edit"].on_change("data", self._cell_tapped)
        self.figures[name] = figure
        doc = pn.state.curdoc
        self.panes[name] = pn.pane.Bokeh(figure.layout, sizing_mode="fixed")
        self.slots[name].append(self.panes[name])
        if self._served and doc is not None:
            # Arriving hidden, then shown once the browser has it: the browser's "visible"
            # callback starts it moving, as the page's ready event started the first one.
            # A next-tick change can still join the patch that creates the model (and then
            # no change is seen), so the reveal waits for a timer.
            figure.layout.visible = False
            self._pending.add(name)
            doc.add_timeout_callback(lambda: self._reveal(name), 100)
        return figure

    def _shown(self, conv: Convolution | TransposedConvolution) -> dict[str, bool]:
        """Which figures conv's layer shows: its own, and the twin beside a transposed one."""
        direct = isinstance(conv, Convolution)
        return {
            "direct": direct,
            "transposed": not direct,
            "twin": not direct and self.settings.equivalent,
        }

    def _reveal(self, name: str) -> None:
        self._pending.discard(name)
        self.figures[name].layout.visible = self._shown(self.settings.conv)[name]

    def _repaint(self, *events: param.parameterized.Event) -> None:
        # One patch for the whole repaint: the browser then redraws once, not once a source.
        with pn.io.hold():
            self._show(self.settings.conv, self.step)

    def new_values(self) -> None:
        """A new seed; cells edited by hand go with the old values."""
        self.settings.param.update(seed=secrets.randbelow(SEED_MAX + 1), edits={})

    def _write_address(self, *events: param.parameterized.Event) -> None:
        pn.state.location.update_query(**settings_query(self.settings))

    def __panel__(self) -> pn.viewable.Viewable:
        doc = pn.state.curdoc
        if doc is not None and doc.session_context is not None:
            # The original starts moving on load; the browser says when the page is ready.
            for figure in self.figures.values():
                doc.js_on_event("document_ready", figure.start)
            self._served = True
            if self.write_url and pn.state.location is not None:
                # Once the page has reported its own address, or that report would undo ours.
                pn.state.onload(self._write_address)
                # The address follows the demo on screen, so an invalid setting leaves it alone.
                self.settings.param.watch(Deferred(self._write_address), "conv")
        demo = pn.Column(
            self.panes["direct"], self.slots["transposed"], self.twin_note, self.slots["twin"],
            styles=NO_SQUEEZE,
        )  # fmt: skip
        panel = SettingsPanel(self.settings, demo=self, notices=self.notices)
        if self.embed:
            return pn.Column(panel.messages, demo, margin=0)
        return pn.Row(panel, demo)
