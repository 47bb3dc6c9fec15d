"""What every layer's figure shares: its sources, controls, readout, the browser's timer, and the
repaint from a scene."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
from bokeh.core.properties import value
from bokeh.core.property.vectorization import Field
from bokeh.document import Document
from bokeh.layouts import column, row
from bokeh.model import Model
from bokeh.models import (
    AllIndices,
    Button,
    CDSView,
    CheckboxGroup,
    ColumnDataSource,
    CustomJS,
    Div,
    GlyphRenderer,
    ImageRGBA,
    InlineStyleSheet,
    Range1d,
    Rect,
    Segment,
    Selection,
    Slider,
    Text,
    Toggle,
    UnionRenderers,
)
from bokeh.models.glyph import Glyph
from bokeh.plotting import figure

from app.figures.lesson import Lesson
from app.scene import Scene
from app.scene.blocks import PADDING_CELL, Geometry
from app.scene.style import CELL, MARKS, OUTPUT, UNREACHED

SCRIPTS = files("app.figures") / "js"
CONTROLS = (SCRIPTS / "controls.js").read_text()
REACH = (SCRIPTS / "reach.js").read_text()
PREDICT = (SCRIPTS / "predict.js").read_text()
READOUT_CSS = (files("app.figures") / "readout.css").read_text()
DARK_CSS = (files("app.figures") / "dark.css").read_text()
THEMES = ("light", "dark")
DARK_INK, DARK_LINKS = "#e8e8e8", "#9a9a9a"  # headings and the window's lines on a dark page
# Constants the scripts share with the server, handed to them rather than written twice.
CONTRACT = {"padding_cell": PADDING_CELL, "filled": OUTPUT, "blank": UNREACHED}
# A demo wider than the window scrolls; by default a layout is squeezed to 100% of it, which
# makes cells narrower than tall and runs the headings into each other.
NO_SQUEEZE = {"max-width": "none", "flex-shrink": "0"}
WRAPS = {**NO_SQUEEZE, "flex-wrap": "wrap"}
CONTROLS_PX = 340  # the controls' column beside the figure
READOUT_PX = 330  # the readout in it, before any zoom
INLINE_ITEMS = 1024  # a short column costs the server and the page less as JSON (inline)
OVERLAID_HEADINGS = 32  # headings up to this many are painted again at every step
RUN_SECONDS = 90  # a long run's default speed shows it whole in about this long
FIT_DELAY_MS = 150  # the figure's size on the server follows the browser's (see show)
# On a phone or any touch screen, buttons a finger can hit (WCAG's 44 px); Bokeh's blue
# darkened so that its white label reads at 4.5:1 or more; a focus ring that shows (3:1).
BUTTON_CSS = """
@media (max-width: 700px), (pointer: coarse) { .bk-btn { min-height: 44px; } }
.bk-btn-primary { background-color: #1f5f99; border-color: #1a5084; }
.bk-btn-primary:hover { background-color: #1a5084; }
.bk-btn:focus-visible { outline: 3px solid #1f5f99; outline-offset: 2px; }
.bk-btn-primary[aria-pressed="false"] { background-color: #ffffff; color: #1f5f99; }
"""


def inline(column: object) -> object:
    """A short numeric column as a list, which travels inside the patch's JSON: an array
    travels as a binary buffer of its own, two websocket messages, and each message is a task
    of its own in the page, about half a millisecond without a GPU."""
    if isinstance(column, np.ndarray) and column.ndim == 1 and len(column) <= INLINE_ITEMS:
        return column.tolist()
    return column


def same_columns(old: dict, new: dict) -> bool:
    """Whether two sources' columns hold the same values (arrays, lists, lists of images)."""
    if old.keys() != new.keys():
        return False
    for key, after in new.items():
        before = old[key]
        if len(before) != len(after):
            return False
        if isinstance(after, list) and after and isinstance(after[0], np.ndarray):
            if not all(np.array_equal(a, b) for a, b in zip(before, after, strict=True)):
                return False
        elif not np.array_equal(np.asarray(before), np.asarray(after)):
            return False
    return True


# The sources whose glyphs the layers' scripts change at every step (window, kernel slice,
# output cell, their links, the outputs filled and written so far, the pointer's outlines).
# The headings join them where cells are legible (AnimatedFigure.update).
OVERLAID = frozenset((
    "window_box", "kernel", "cursor", "links", "column", "output_text", "gradient_text",
    "preview", "original", "output_fill", "output_images", "output_block_fill",
))  # fmt: skip
_FIELDS: dict[type, list[tuple[str, list[str]]]] = {}  # a figure class's sources and fields


def _fields(glyph: Glyph) -> list[str]:
    """The columns a glyph reads."""
    specs = (
        glyph.lookup(name).property.to_serializable(glyph, name, getattr(glyph, name))
        for name in glyph.dataspecs()
    )
    return [spec.field for spec in specs if isinstance(spec, Field)]


class Draw:
    """Adds glyph renderers to a figure with no more models than BokehJS needs to draw them.

    Every model of a session is built, walked and serialized for each visitor, several times
    over. Bokeh's figure methods give each renderer three glyphs (its own, a copy for when
    something else is selected, one for when it is muted) and each a view and a filter of
    its own; the demo never selects or mutes, so here a renderer has its one glyph (BokehJS
    derives the other looks itself if ever asked), and the views (which BokehJS keeps a
    renderer's indices in) share one filter that keeps every row. With the sources' shared
    selection (see AnimatedFigure) that is a hundred models fewer a figure."""

    def __init__(self, figure: figure) -> None:
        self.figure = figure
        self.every_row = AllIndices()

    def _add(self, glyph: Glyph, source: ColumnDataSource, name: str | None) -> GlyphRenderer:
        renderer = GlyphRenderer(
            glyph=glyph, data_source=source, view=CDSView(filter=self.every_row), name=name
        )
        self.figure.renderers.append(renderer)
        return renderer

    def rect(
        self, x: str, y: str, width: object, height: object, *, source: ColumnDataSource,
        name: str | None = None, **style: object,
    ) -> GlyphRenderer:  # fmt: skip
        return self._add(Rect(x=x, y=y, width=width, height=height, **style), source, name)

    def text(
        self, x: str, y: str, *, text: str, source: ColumnDataSource, name: str | None = None,
        **style: object,
    ) -> GlyphRenderer:  # fmt: skip
        return self._add(Text(x=x, y=y, text=text, **style), source, name)

    def segment(
        self, x0: str, y0: str, x1: str, y1: str, *, source: ColumnDataSource,
        name: str | None = None, **style: object,
    ) -> GlyphRenderer:  # fmt: skip
        return self._add(Segment(x0=x0, y0=y0, x1=x1, y1=y1, **style), source, name)

    def image_rgba(
        self, image: str, x: str, y: str, dw: str, dh: str, *, source: ColumnDataSource,
        name: str | None = None,
    ) -> GlyphRenderer:  # fmt: skip
        return self._add(ImageRGBA(image=image, x=x, y=y, dw=dw, dh=dh), source, name)

    def fills(self, sources: dict[str, ColumnDataSource], fills: dict[str, str]) -> None:
        """Each kind of cell (a source of `fills`) a flat rectangle of its colour."""
        for name, colour in fills.items():
            self.rect("x", "y", CELL, CELL, source=sources[name], fill_color=colour,
                      line_color=None)  # fmt: skip

    def values(
        self, sources: dict[str, ColumnDataSource], columns: dict[str, str], prefix: str
    ) -> list[GlyphRenderer]:
        """Numbers centred in their cells: a glyph for each source of `columns`, reading the
        column it names (the figure hides them where cells are too small to read)."""
        style = {"text_font": value("monospace"), "text_align": "center",
                 "text_baseline": "middle"}  # fmt: skip
        return [
            self.text(
                "x", "y", text=column, source=sources[name], name=f"{prefix}_{name}_glyph", **style
            )
            for name, column in columns.items()
        ]

    def outlines(
        self, sources: dict[str, ColumnDataSource], marks: dict[str, tuple], prefix: str,
        sides: tuple[object, object] = (CELL, CELL),
    ) -> None:  # fmt: skip
        """The window, the filter and the output cell (`marks`: colour, width and dash by
        source), outlined over the cells: a cell each, or `sides` read from the source."""
        for name, (colour, width, dash) in marks.items():
            self.rect(
                "x", "y", *sides, source=sources[name], fill_alpha=0, line_color=colour,
                line_width=width, line_dash=dash, name=f"{prefix}_{name}_glyph",
            )  # fmt: skip


# The end of a layer's script: which action the browser called it for. An event carries its
# name and the model it happened on (to a document's own callback, it comes second); a
# property's change or a tool's callback comes from a model, named.
DISPATCH = """
const event = cb_obj?.event_name !== undefined ? cb_obj
  : cb_data?.event_name !== undefined ? cb_data : null
ACTIONS[event !== null ? `${event.event_name}:${event.origin?.name ?? ""}` : cb_obj?.name]?.()
"""


# What every layer's browser code defines for the shared controls (js/controls.js says how).
LAYER_INTERFACE = (
    "locate", "place_highlights", "fill_outputs", "readout_html", "describe", "cell_at",
    "question_value",
)  # fmt: skip


NEEDS = re.compile(r"^// needs: (.+)$", re.M)  # a script's first line: the files it calls


def needs(name: str) -> list[str]:
    """The files under js/ that the script `name` says it needs, in its own words."""
    found = NEEDS.match((SCRIPTS / name).read_text())
    return [] if found is None else [need.strip() for need in found[1].split(",")]


@cache
def script(name: str) -> str:
    """A layer's browser code: the shared controls, reach and predict, then every file its
    script `name` needs, as each declares, and the script itself, each once."""
    joined: list[str] = []

    def join(file: str) -> None:
        for need in needs(file):
            join(need)
        if file not in joined:
            joined.append(file)

    join(name)
    shared = [CONTROLS, REACH, PREDICT]
    return _uncommented("\n".join([*shared, *((SCRIPTS / file).read_text() for file in joined)]))


def _uncommented(code: str) -> str:
    """The code without its lines of comment: they travel to every session's browser, where
    nobody reads them (a sixth of a session's document); the files under js/ keep them."""
    return "\n".join(line for line in code.split("\n") if not line.lstrip().startswith("//"))


def pace(steps: int) -> float:
    """The speed a run of `steps` starts at: the original's one step a second while that
    shows the run in RUN_SECONDS, faster for a long run (a picture's, a student's 25x25
    input) so that it finishes while someone watches; in the slider's half steps."""
    return min(30.0, max(1.0, round(2 * steps / RUN_SECONDS) / 2))


QUESTIONS = ("combine", "value", "shape")  # what Predict may ask (predict.js)


@dataclass(frozen=True)
class Predict:
    """Predict, then see: whether the demo asks before it shows, which questions, how often."""

    on: bool = False
    ask: tuple[str, ...] = QUESTIONS  # any of them
    every: int = 1  # ask at every Nth step


WATCH = Predict()  # the demo as it always was: it shows every step, asking nothing


class AnimatedFigure:
    """A figure with Toggle Movement, step buttons, step and speed sliders and a readout.
    Subclasses name their sources, their layer's script, and draw in `_draw`."""

    SOURCES: tuple[str, ...] = ()
    SCRIPT = ""  # the layer's file under js/ (it names what it needs): the layer interface
    PREFIX = ""  # what its models' names start with, unless it is given another

    def __init__(
        self, prefix: str | None = None, *, write_url: bool = False, aside_px: int = 0,
        autoplay: bool = True, theme: str = "light", settings: bool = False, zoom: float = 1.0,
        predict: Predict = WATCH,
    ) -> None:  # fmt: skip
        prefix = prefix or self.PREFIX
        self.predict = predict
        self.prefix = prefix  # model names start with it, so two demos share a page
        self.write_url = write_url  # a served page keeps the paused step in its address
        self.aside_px = aside_px  # what the page keeps beside the demo on a wide screen
        self.autoplay = autoplay  # whether it starts moving on load (reduced motion aside)
        self.zoom = zoom  # cells, headings and readout this much larger (a projector)
        # The controls' column, wide enough for the zoomed readout (the browser's fit reads it).
        self.controls_px = round(CONTROLS_PX + READOUT_PX * (zoom - 1))
        self._frame: dict[str, float] = {}  # the picture's size, in pixels and in cells
        self._fit_pending = False
        self._script: CustomJS | None = None  # the layer's script, made with the first action
        self._pace = 1.0  # the speed the figure last suggested, until a person chooses one
        self._actions: dict[str, str] = {}  # what the script does, by what the browser calls it for
        names = ("meta", "edit", "box", "labels", *self.SOURCES)
        # Nothing is ever selected here: one empty selection and one policy serve every source.
        nothing, union = Selection(), UnionRenderers()
        self.sources = {
            name: ColumnDataSource(name=f"{prefix}_{name}", selected=nothing,
                                   selection_policy=union)
            for name in names
        }  # fmt: skip
        self.sources["edit"].data = {"cell": [""]}
        self.sources["box"].data = {"width": [], "height": []}  # the browser's, when it says
        self.figure = figure(
            tools="", toolbar_location=None, name=f"{prefix}_figure", min_border=4,
            styles=NO_SQUEEZE, x_axis_type=None, y_axis_type=None, title=None,
            x_range=Range1d(0, 1), y_range=Range1d(1, 0),  # y downwards
        )  # fmt: skip
        self.figure.outline_line_color = None
        self.draw = Draw(self.figure)
        self.values: list[GlyphRenderer] = []  # the text glyphs of cell values, set by _draw
        self._draw()
        self.headings = self.draw.text(
            "x", "y", text="text", source=self.sources["labels"],
            text_font_size=f"{13 * zoom:g}px", text_font=value("monospace"),
            text_baseline="alphabetic",
        )  # fmt: skip
        # What the browser moves at every step is painted on Bokeh's overlay canvas: a step
        # then repaints that alone, not every cell of the picture beneath it as well.
        for renderer in self.figure.renderers:
            if self._source_key(renderer.data_source) in OVERLAID:
                renderer.level = "overlay"
        self._clear()
        touch = [InlineStyleSheet(css=BUTTON_CSS)]
        self.toggle = Button(
            label="Toggle Movement", name=f"{prefix}_toggle", button_type="primary",
            stylesheets=touch,
        )  # fmt: skip
        # Predict: the demo asks before it shows (predict.js); its question under the toggles.
        self.predict_toggle = Toggle(
            label="Predict", active=predict.on, name=f"{prefix}_predict", stylesheets=touch
        )
        self.question = Div(name=f"{prefix}_question", visible=False, width=READOUT_PX)
        self.back = Button(label="◀ Step back", name=f"{prefix}_back", stylesheets=touch)
        self.forward = Button(label="Step forward ▶", name=f"{prefix}_forward", stylesheets=touch)
        self.slider = Slider(start=1, end=2, value=1, step=1, title="Step", name=f"{prefix}_slider")
        self.speed = Slider(
            start=0.5, end=60, value=1, step=0.5, title="Speed (steps per second)",
            name=f"{prefix}_speed",
        )  # fmt: skip
        self.finished = CheckboxGroup(
            labels=["Show the finished output"], name=f"{prefix}_finished"
        )
        # Zoomed, the readout's text grows with the cells (CSS zoom: its layout box too).
        zoomed = [InlineStyleSheet(css=f":host {{ zoom: {zoom:g}; }}")] if zoom != 1 else []
        self.readout = Div(
            name=f"{prefix}_readout", stylesheets=[InlineStyleSheet(css=READOUT_CSS), *zoomed],
            width=READOUT_PX,
        )  # fmt: skip
        self.question.stylesheets = self.readout.stylesheets  # the same model, sent once
        self.kernel_note = Div(
            text='<div class="hint">This notebook was saved without its kernel: the demo plays, '
            "but its settings need one. Run the notebook, or open the served app, to change "
            "them.</div>",
            name=f"{prefix}_kernel_note", visible=False, width=READOUT_PX,
            stylesheets=[InlineStyleSheet(css=READOUT_CSS)],
        )  # fmt: skip
        # The layer as code and its cost under the demo; on a served page, how to embed it.
        self.lesson = Lesson(prefix, touch, share=write_url)
        # Where the page has settings, they open from here (the page makes them then).
        self.settings_toggle = (
            Toggle(label="Settings", name=f"{prefix}_settings_toggle", stylesheets=touch)
            if settings
            else None
        )
        toggles = [*self.lesson.buttons.values(), *filter(None, [self.settings_toggle])]
        controls = column(
            self.kernel_note, row(self.toggle, self.predict_toggle), self.question,
            row(self.back, self.forward), self.slider, self.speed,
            row(self.finished, *toggles, styles={"flex-wrap": "wrap"}), self.readout,
            width=self.controls_px,
        )  # fmt: skip
        # The figure pans inside its own box where even its smallest cells are wider than the
        # window, with a button under it that says so and pans it (shown then alone: pan.js);
        # the controls go under it where they do not fit beside it.
        self.pan = Button(
            label="Show the right of the picture ▶", name=f"{prefix}_pan", visible=False,
            stylesheets=touch,
        )  # fmt: skip
        pans = column(
            self.figure, self.pan,
            styles={"overflow-x": "auto", "max-width": "calc(100vw - 24px)"},
        )  # fmt: skip
        self.layout = row(pans, controls, name=f"{prefix}_demo", styles=WRAPS)
        self.lesson.share_from(self.layout, self.slider, self.sources["meta"])
        if theme == "dark":
            self._darken()
        self._connect()
        self._write_script()

    def _darken(self) -> None:
        """The dark theme: the figure shows the page's ground, its headings and lines light;
        the readout and the lesson's panels take the dark stylesheet."""
        self.figure.background_fill_alpha = self.figure.border_fill_alpha = 0
        self.headings.glyph.text_color = DARK_INK
        outlines = {colour for colour, _, _ in MARKS.values()}
        for renderer in self.figure.renderers:
            glyph = renderer.glyph
            if isinstance(glyph, Segment):
                glyph.line_color = DARK_LINKS
            elif getattr(glyph, "line_color", None) in outlines:
                # Half of an outline lies on the dark gap between cells: wider, it still shows.
                glyph.line_width = glyph.line_width + 1
        dark = InlineStyleSheet(css=DARK_CSS)
        for div in (self.readout, *self.lesson.divs.values()):
            div.stylesheets = [*div.stylesheets, dark]

    @property
    def shown(self) -> bool:
        """Whether the page shows this demo (and the code and cost under it)."""
        return self.layout.visible

    @shown.setter
    def shown(self, visible: bool) -> None:
        self.layout.visible = self.lesson.layout.visible = visible

    def _draw(self) -> None:
        raise NotImplementedError

    def update(
        self, scene: Scene, step: int = 0, box: tuple[int, int] | None = None, address: str = "",
        follows: str = "", poster_refusal: str = "",
    ) -> None:  # fmt: skip
        """Repaints every source for a new scene at `step`, placed for `box` (the pixels the
        browser leaves the figure, as the page last reported them); `meta` goes last, as its
        change is what makes the browser redraw. A figure that keeps the page's address writes
        `address` (the settings' query) into it (controls.js). A figure that `follows` another
        (its prefix) goes to the same window whenever that one steps, and never moves alone.
        Share offers the poster of the step on screen, or says `poster_refusal`."""
        step = scene.clamp(step)
        data = scene.sources(step, self.write_url)
        meta = data.pop("meta")
        if box is not None:  # the browser holds its demo back until the picture fits it
            meta["box_width"], meta["box_height"] = [box[0]], [box[1]]
        if self.write_url:
            meta["address"] = [address]
            meta["poster_refusal"] = [poster_refusal]
        meta["follows"] = [follows]
        meta["formulas"] = ["; ".join(scene.formulas())]  # said after Predict's shape question
        for name, columns in data.items():
            self.send(name, columns)
        geometry = scene.geometry
        px = geometry.cell_px * self.zoom
        for renderer in self.values:
            renderer.visible = geometry.legible
            renderer.glyph.background_fill_alpha = scene.VALUE_GROUND
            renderer.glyph.text_font_size = f"{min(13 * self.zoom, round(px * 0.5)):g}px"
        # The headings are painted over the window's links, as in the original, and over the
        # outputs filling in beneath them: on the overlay, again at every step. Where they are
        # many (a picture near the caps), that was a sixth of each frame: there they are
        # painted beneath the moving glyphs, when the picture changes, the links crossing them.
        few = len(geometry.labels["text"]) <= OVERLAID_HEADINGS
        self.headings.level = "overlay" if geometry.legible or few else "glyph"
        self.slider.update(end=max(len(scene), 2), disabled=len(scene) < 2)
        suggested = pace(len(scene))
        if self.speed.value == self._pace:  # a speed a person chose is kept
            self.speed.value = suggested
        self._pace = suggested
        self.lesson.update(scene)
        self.show(geometry, meta)

    def _clear(self) -> None:
        """Empty columns for every field a glyph reads: a demo hidden until its mode is chosen
        has no data yet, and BokehJS cannot draw a glyph whose columns are missing. A layer's
        glyphs read the same fields in every session: found once, in the first."""
        read = _FIELDS.get(type(self))
        if read is None:
            read = _FIELDS[type(self)] = [
                (self._source_key(r.data_source), _fields(r.glyph)) for r in self.figure.renderers
            ]
        for key, fields in read:
            source = self.sources[key]
            source.data = {**{field: [] for field in fields}, **source.data}

    def _source_key(self, source: ColumnDataSource) -> str:
        return next(key for key, candidate in self.sources.items() if candidate is source)

    def action(self, key: str, code: str) -> CustomJS:
        """The figure's one script model, which runs `code` with every source, widget and
        function at hand when the browser calls it for `key`: the name of the model whose
        property changed or whose tool fired, or `event:model` (`document_ready:` for the
        page's). One model a figure, not one an action: each is built, walked and sent in
        every session, and the layer's script and its forty arguments travel once."""
        if self._script is None:
            args = dict(self.sources)
            args.update(
                readout=self.readout, slider=self.slider, speed=self.speed, toggle=self.toggle,
                kernel_note=self.kernel_note,
                finished=self.finished, demo=self.layout, figure=self.figure,
                settings_open=self.settings_toggle, pan=self.pan,
                predict=self.predict_toggle, question=self.question,
                contract={
                    **CONTRACT, "aside_px": self.aside_px, "autoplay": self.autoplay,
                    "controls_px": self.controls_px,
                    "ask": list(self.predict.ask), "every": self.predict.every,
                },
            )  # fmt: skip
            self._script = CustomJS(args=args, name=f"{self.prefix}_script")
        assert key not in self._actions, f"two actions for {key}"
        self._actions[key] = code
        return self._script

    def _write_script(self) -> None:
        """The script model's code, once every action is known: the layer's script, the
        actions by what the browser calls it for, and the line that runs the one called."""
        actions = "".join(f"  {json.dumps(name)}: () => {{ {line} }},\n"
                          for name, line in self._actions.items())  # fmt: skip
        self._script.code = f"{script(self.SCRIPT)}\nconst ACTIONS = {{\n{actions}}}\n{DISPATCH}"

    def on_event(self, model: Model, event: str, code: str) -> None:
        """Runs `code` in the browser on `event` of `model` (a figure's, a button's)."""
        model.js_on_event(event, self.action(f"{event}:{model.name}", code))

    def on_change(self, model: Model, attr: str, code: str) -> None:
        """Runs `code` in the browser when `attr` of `model` changes (one property a model)."""
        model.js_on_change(attr, self.action(model.name, code))

    def _connect(self) -> None:
        self.on_event(self.toggle, "button_click", "toggle_movement()")
        self.on_event(self.back, "button_click", "go(state.n - 1)")
        self.on_event(self.forward, "button_click", "go(state.n + 1)")
        self.on_event(self.pan, "button_click", "pan_across()")
        self.on_change(self.predict_toggle, "active", "on_predict()")
        # A person scrubbing wants to look, so the slider pauses the movement.
        self.on_change(
            self.slider, "value", "if (cb_obj.value - 1 !== state.n) go(cb_obj.value - 1)"
        )
        self.on_change(self.speed, "value", "if (state.timer !== null) play()")
        self.on_change(self.finished, "active", "render(state.n)")
        if self.settings_toggle is not None:  # open, the settings stand beside if they fit
            self.on_change(self.settings_toggle, "active", "report_box()")
        self.on_change(self.sources["meta"], "data", "on_new_arrays()")
        self.on_change(self.layout, "visible", "on_shown()")
        self.on_event(self.figure, "tap", "on_cell_tap(cb_obj)")
        # Where no ready event comes (a notebook's output), the figure's first layout starts it.
        self.on_change(self.figure, "inner_width", "start()")
        self.action("document_ready:", "start()")

    def start_on_ready(self, doc: Document) -> None:
        """Starts the demo when the browser says the page is ready, as the original does."""
        doc.js_on_event("document_ready", self._script)

    def show(self, geometry: Geometry, meta: dict[str, list]) -> None:
        """Sends `meta`, the change that makes the browser redraw, with the new picture's size
        in it; the figure here takes that size too, at once if no page shows it yet.

        On a page, the browser sizes the figure from `meta` (fit_frame in controls.js) in one
        layout pass. Sent in the same patch, width and height would each lay out the whole
        page and paint the figure before that, twice over at the caps; sent a moment later,
        they reach a browser that has them already and change nothing there."""
        px = geometry.cell_px * self.zoom
        self._frame = {
            "width": int(geometry.width * px) + 8,
            "height": int(geometry.height * px) + 8,
            "x_end": geometry.width,
            "y_start": geometry.height,
        }
        self.send("labels", geometry.labels)
        self.sources["meta"].data = {**meta, **{f"frame_{k}": [v] for k, v in self._frame.items()}}
        doc = self.figure.document
        if doc is None or doc.session_context is None:
            self._fit_here()
        elif not self._fit_pending:
            self._fit_pending = True
            doc.add_timeout_callback(self._fit_here, FIT_DELAY_MS)

    def _fit_here(self) -> None:
        self._fit_pending = False
        frame = self._frame
        self.figure.update(width=frame["width"], height=frame["height"])
        self.figure.x_range.update(start=0, end=frame["x_end"])
        self.figure.y_range.update(start=frame["y_start"], end=0)

    def send(self, name: str, columns: dict) -> None:
        """Gives source `name` new columns, unless they equal what it holds: the browser then
        has nothing to unpack, index or measure again for it (a cap-sized demo's input values
        and labels are tens of thousands of items that a change of stride leaves as they were)."""
        source = self.sources[name]
        if not same_columns(source.data, columns):
            source.data = {key: inline(column) for key, column in columns.items()}
