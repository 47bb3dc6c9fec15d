"""ConvolutionDemo: the layers' figures inside a Panel page, with the settings, their messages
and the address (which the figure on screen writes: controls.js)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode

import panel as pn
import param
from bokeh.layouts import column

from app.exports.gif import refusal
from app.figures import AnimatedFigure
from app.figures.animated import NO_SQUEEZE, QUESTIONS, THEMES, Predict
from app.figures.lesson import bring_into_view
from app.layers import DRAWING, LAYERS, DemoSettings
from app.page.sidebar import Messages, SettingsPanel
from app.scene.layout import SCREEN
from app.settings import SEED_MAX
from app.settings.query import (
    MOST_EVERY,
    ZOOMS,
    parse_every,
    parse_settings,
    parse_some,
    parse_step,
    parse_switch,
    parse_zoom,
    settings_query,
    shown,
)  # fmt: skip

REVEAL_MS = 100  # a figure made after the page loaded is shown this long after it arrives
BESIDE_FROM_PX = 1280  # a window this wide keeps the settings beside the demo (reach.js)
ASIDE_CSS = f"""@media (min-width: {BESIDE_FROM_PX}px) {{
  :host {{ position: sticky; top: 0; max-height: 100vh; overflow-y: auto; }}
}}"""
SIDEBAR_PX = 340  # the settings' column, with its margins, beside the demo on a wide screen
LEAST_BOX_PX, MOST_BOX_PX = 200, 4000  # what a browser's report of its room is held to


class ConvolutionDemo(pn.viewable.Viewer):
    """The CS231n convolution demo; keyword arguments are DemoSettings parameters."""

    settings = param.ClassSelector(class_=DemoSettings)
    step = param.Integer(0, bounds=(0, None), doc="The step shown first (the engine's index)")
    embed = param.Boolean(False, doc="Drop the settings, for an iframe")
    autoplay = param.Boolean(
        True, doc="Start moving on load (unless the browser asks for less motion)"
    )
    theme = param.Selector(
        default="light", objects=list(THEMES),
        doc="Light, or dark for a dark course page (Panel's own widgets follow ?theme= too)",
    )  # fmt: skip
    predict = param.Boolean(False, doc="Predict, then see: ask before each step's result")
    ask = param.ListSelector(
        default=list(QUESTIONS),
        objects=list(QUESTIONS),
        doc="Predict's questions: combine, value, shape",
    )
    every = param.Integer(1, bounds=(1, MOST_EVERY), doc="Predict asks at every Nth step")
    zoom = param.Selector(
        default=1.0, objects=list(ZOOMS),
        doc="Cells, headings and the readout this much larger, for a projector or the back row",
    )  # fmt: skip
    notices = param.List(default=[], item_type=str, doc="What was wrong with the address")
    write_url = param.Boolean(False, doc="Keep the settings and the paused step in the URL")
    box = param.NumericTuple(SCREEN, length=2, doc="The pixels the browser leaves the figure")
    show_settings = param.Boolean(
        False, doc="Whether the settings are open (made when first opened; never with embed)"
    )

    def __init__(self, settings: DemoSettings | None = None, **params) -> None:
        own = {key: params.pop(key) for key in list(params) if key in DemoSettings.param}
        super().__init__(settings=settings or DemoSettings(**own), **params)
        # Figures are made when first shown, but the default layer's at once: most visits
        # never leave it, and every figure adds a hundred models to each session.
        self.figures: dict[str, AnimatedFigure] = {}
        self.notes: dict[str, pn.pane.Markdown] = {}
        self._shown: set[str] = set()  # the figures the layer on screen shows
        self._pending: set[str] = set()  # figures made after page load, shown a tick later
        self._live = False  # whether the page is served: figures made later start themselves
        self.sidebar: SettingsPanel | None = None  # made when the settings are first opened
        self._refusal: tuple[object, str] = (None, "")  # the poster's, and the engine it was of
        # The demo comes first: on a narrow screen the settings go under it, and the keyboard
        # reaches Toggle Movement before every setting. Messages stand above the demo.
        self.messages = Messages(self.settings, notices=self.notices)
        self.stage = pn.Column(self.messages, styles=NO_SQUEEZE, margin=0)
        # The settings' place, beside or under the demo (a layout is never left empty).
        # Beside the demo (reach.js keeps room for them on a laptop and wider), the settings
        # scroll within the window's height and the demo stays in view; under it (a phone),
        # they are brought into view.
        self.aside = pn.Column(
            pn.Spacer(height=0), visible=False, margin=0, stylesheets=[ASIDE_CSS]
        )
        self.aside.jscallback(
            visible=bring_into_view("cb_obj", f"cb_obj.visible && innerWidth < {BESIDE_FROM_PX}")
        )
        default = LAYERS[DemoSettings.param.mode.default].figure
        self._figure(default.PREFIX, default)
        if self.embed:
            self._layout = pn.Column(self.stage, margin=0)
        else:
            self._layout = pn.Row(self.stage, self.aside, styles={"flex-wrap": "wrap"})
        self.param.watch(self._open_settings, "show_settings")
        self._open_settings()
        self._show(self.step)
        self.settings.param.watch(self._repaint, ["conv", *DRAWING])
        doc = pn.state.curdoc
        if doc is not None and doc.session_context is not None:
            self._serve(doc)

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

        def parsed(name: str, parse: Callable[[str], Any], default: Any, said: str) -> Any:
            """The address's `name` parsed, or `default` (said so) with a notice of what was
            wrong; `default` too where the address does not name it."""
            if name not in raw:
                return default
            try:
                return parse(raw[name])
            except ValueError as error:
                notices.append(f"{error}; using {said}")
                return default

        step = parsed("step", lambda text: parse_step(text, len(settings.conv)), 0, "1")
        page = {
            name: parsed(name, partial(parse_switch, name), default, str(default).lower())
            for name, default in (("embed", False), ("autoplay", True), ("predict", False))
        }
        ask = partial(parse_some, "ask", choices=QUESTIONS)
        page["ask"] = list(parsed("ask", ask, QUESTIONS, ",".join(QUESTIONS)))
        page["every"] = parsed("every", parse_every, 1, "1")
        theme = raw.get("theme", "light").strip().lower()
        theme = {"default": "light"}.get(theme, theme)  # Panel's word for light
        if theme not in THEMES:
            notices.append(f"theme={shown(raw['theme'])} is not one of light, dark; using light")
            theme = "light"
        zoom = parsed("zoom", parse_zoom, 1.0, "1")
        return cls(
            settings, step=step, notices=notices, write_url=True,
            theme=theme, zoom=zoom, **page,
        )  # fmt: skip

    def _serve(self, doc: object) -> None:
        """What a served page adds: the demo starts moving when the browser says the page is
        ready, as the original does."""
        for figure in self.figures.values():
            figure.start_on_ready(doc)
        self._live = True

    def _show(self, step: int) -> None:
        """Repaints the figures of the layer on screen and shows them alone."""
        # Zoomed, the picture is placed for a box that much smaller, then drawn that much larger.
        views = self.settings.views(tuple(int(side / self.zoom) for side in self.box))
        self._shown = {view.prefix for view in views}
        # The address follows the demo on screen: its figure writes it with each repaint (an
        # invalid setting repaints nothing, and so leaves the address alone).
        address = self._query()
        for place, view in enumerate(views):
            figure = self._figure(view.prefix, view.figure)
            start = step if place == 0 else 0  # a twin from its start
            # Share offers the poster of the layer's own figure, or says why not.
            refused = self._poster_refusal() if place == 0 and self.write_url else ""
            figure.update(view.scene, start, self.box, address, view.follows, refused)
            self.notes[view.prefix].param.update(object=view.note, visible=bool(view.note))
        for prefix, figure in self.figures.items():
            if prefix not in self._pending:
                figure.shown = prefix in self._shown
            if prefix not in self._shown:
                self.notes[prefix].visible = False

    @property
    def subtitle(self) -> str:
        """What the page says under its heading: what a step of the layer does, or, while the
        demo asks first, what it asks of the learner (the layer's summary would answer it)."""
        if self.predict:
            return (
                "Predict, then see: before each step shows its result, say what you expect: "
                "how the channels' numbers combine, the output's shape, the step's value."
            )
        return self.settings.layer.summary

    def _poster_refusal(self) -> str:
        """Why the poster of the settings on screen would be refused, asked once a layer
        (a repaint for a new window size asks again of the same layer)."""
        engine = self.settings.conv
        if self._refusal[0] is not engine:
            self._refusal = (engine, refusal(self.settings, "poster"))
        return self._refusal[1]

    def _figure(self, prefix: str, kind: type[AnimatedFigure]) -> AnimatedFigure:
        """The figure called `prefix`, made and put on the stage on first use."""
        if prefix in self.figures:
            return self.figures[prefix]
        # A layer's own figure keeps its paused step in the address; a twin's is not the page's.
        figure = kind(
            prefix, write_url=self.write_url and prefix == kind.PREFIX,
            aside_px=0 if self.embed else SIDEBAR_PX, autoplay=self.autoplay, theme=self.theme,
            zoom=self.zoom,
            settings=not self.embed,
            predict=Predict(self.predict, tuple(self.ask), self.every),
        )  # fmt: skip
        if figure.settings_toggle is not None:
            figure.settings_toggle.active = self.show_settings
            figure.settings_toggle.on_change("active", self._settings_pressed)
        figure.sources["edit"].on_change("data", self._cell_tapped)
        figure.sources["box"].on_change("data", self._box_reported)
        self.figures[prefix] = figure
        self.notes[prefix] = pn.pane.Markdown(width=900, visible=False)
        # One pane for the demo and its lesson: Panel walks every model of a pane's root, several
        # times, in every session. The lesson stays out of the demo's own box (its keys).
        both = column(figure.layout, figure.lesson.layout, styles=NO_SQUEEZE)
        self.stage.extend([self.notes[prefix], pn.pane.Bokeh(both, sizing_mode="fixed")])
        doc = pn.state.curdoc
        if self._live and doc is not None:
            # Arriving hidden, then shown once the browser has it: the browser's "visible"
            # callback starts it moving, as the page's ready event started the first one.
            # A next-tick change can still join the patch that creates the model (and then
            # no change is seen), so the reveal waits for a timer.
            figure.shown = False
            self._pending.add(prefix)
            doc.add_timeout_callback(lambda: self._reveal(prefix), REVEAL_MS)
        return figure

    def _reveal(self, prefix: str) -> None:
        self._pending.discard(prefix)
        self.figures[prefix].shown = prefix in self._shown

    def _box_reported(self, attr: str, old: dict, new: dict) -> None:
        """The browser names the pixels its window leaves the figure: the picture is placed
        again to fit them."""
        try:
            width, height = (int(new[key][0]) for key in ("width", "height"))
        except (KeyError, IndexError, TypeError, ValueError):
            return  # only a page altered by hand sends anything else
        box = (
            min(max(width, LEAST_BOX_PX), MOST_BOX_PX),
            min(max(height, LEAST_BOX_PX), MOST_BOX_PX),
        )
        if box != self.box:
            self.box = box
            # The report can reach the server before the browser's ready event, and Panel
            # drops what a session changes before that event (it counts on sending the whole
            # document, which this browser already has): the repaint waits for it.
            pn.state.onload(self._repaint)

    def _cell_tapped(self, attr: str, old: dict, new: dict) -> None:
        # The browser names one cell in a one-row column; a page altered by hand may send
        # anything else, which names no cell.
        cells = new.get("cell") if isinstance(new, dict) else None
        cell = cells[0] if isinstance(cells, list) and len(cells) == 1 else ""
        if cell and not self.embed:
            self.show_settings = True  # the cell's editor stands among the settings: made first
        self.settings.tapped = str(cell)[:40]

    def _settings_pressed(self, attr: str, old: bool, new: bool) -> None:
        self.show_settings = bool(new)

    def _open_settings(self, *events: param.parameterized.Event) -> None:
        """Shows or hides the settings, making them the first time; every layer's Settings
        button says which."""
        if self.embed:
            return
        if self.show_settings and self.sidebar is None:
            self.sidebar = SettingsPanel(self.settings)
            self.aside.objects = [self.sidebar]
        self.aside.visible = self.show_settings
        for figure in self.figures.values():
            if figure.settings_toggle is not None:
                figure.settings_toggle.active = self.show_settings

    def _repaint(self, *events: param.parameterized.Event) -> None:
        # One patch for the whole repaint: the browser then redraws once, not once a source.
        with pn.io.hold():
            self._show(self.step)

    def _query(self) -> str:
        """The address's query: every setting, the edits, and the page's own switches; the
        step is the browser's (controls.js)."""
        query = settings_query(self.settings) | ({"embed": "true"} if self.embed else {})
        query |= {} if self.autoplay else {"autoplay": "false"}
        query |= {"theme": "dark"} if self.theme == "dark" else {}
        query |= {} if self.zoom == 1 else {"zoom": f"{self.zoom:g}"}
        query |= {"predict": "true"} if self.predict else {}
        query |= {} if tuple(self.ask) == QUESTIONS else {"ask": ",".join(self.ask)}
        query |= {} if self.every == 1 else {"every": str(self.every)}
        return urlencode(query)

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout
