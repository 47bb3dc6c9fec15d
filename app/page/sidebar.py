"""The settings sidebar: widgets made from the settings' parameters, shown for the layers that
read them, and what the settings explain: the output size, messages, the downloads."""

from __future__ import annotations

import panel as pn
import param

from app.layers import LAYERS, DemoSettings
from app.page.deferred import Deferred
from app.page.downloads import Downloads
from app.page.editor import CellEditor
from app.page.image_panel import ImagePanel
from app.page.notice import Notice
from app.page.widgets import Choice, Radio, switch
from app.settings import AXES, SETTINGS
from app.settings.query import parse_value

# The six layers' buttons in two rows, within the settings' width.
WRAPPED_BUTTONS_CSS = ".bk-btn-group { flex-wrap: wrap; row-gap: 4px; }"
SIZES = ("height", "width", "depth", "n_filters", "kernel_height", "kernel_width")
# Every other switch and menu of the settings, under the sizes, each shown for the layers that
# read it: a layer's own settings need no line here. (The rest have places of their own above.)
PLACED = {"values", "mode", "padding_mode", "separate_axes", "picture", "kernel",
          "across_channels", "relu"}  # fmt: skip
OPTIONS = sorted(
    (name for name in SETTINGS
     if name not in PLACED and not name.endswith("_cols")
     and isinstance(DemoSettings.param[name], (param.Boolean, param.Selector))),
    key=lambda name: name != "bias",  # the bias first, as every layer with filters has one
)  # fmt: skip
# Panel's colours for code (#82aaff on white) and its green button (white on #5cb85c) read at
# 2.3:1 and 2.5:1: darker ones read at 4.5:1 or more.
CODE_CSS = "code { color: #1f3a5f; background: #eef2f7; }"
GREEN_BUTTON_CSS = ".bk-btn-success { background-color: #2e7d32; border-color: #27692a; }"


def explain(settings: DemoSettings) -> str:
    """The output-size formulas and what else the layer on screen needs said, as Markdown."""
    scene = settings.scene()
    lines = [f"`{line}`" for line in scene.formulas()]
    note = scene.note()
    return (
        "  \n".join(lines)
        + (f"\n\n{note}" if note else "")
        + "\n\nDilation 1 is an ordinary convolution: PyTorch's `dilation=1`, which the CS231n "
        "notes call dilation 0."
    )


def choice(settings: DemoSettings, name: str) -> Choice:
    """A named drop-down of every value the parameter's bounds allow: the cap is on view."""
    parameter = settings.param[name]
    low, high = parameter.bounds
    label = f"{parameter.label} ({low} to {high})"
    options = list(range(low, high + 1))
    return Choice.from_param(parameter, label=label, options=options, width=145)


class Messages(pn.viewable.Viewer):
    """What was wrong with the address, and why the last setting was refused: above the demo,
    from the start, whether the settings are open or not."""

    settings = param.ClassSelector(class_=DemoSettings)
    notices = param.List(default=[], item_type=str, doc="What was wrong with the address")

    def __init__(self, settings: DemoSettings, **params) -> None:
        super().__init__(settings=settings, **params)
        # Messages quote what a person typed: shown as text, never as markup.
        self.message = Notice(text=settings.param.error, kind="danger")
        self.notice = Notice()
        if self.notices:
            listed = "".join(f"\n- {notice}" for notice in self.notices)
            self.notice.text = f"The address had values that do not fit:{listed}"
        self._layout = pn.Column(self.notice, self.message, width=320, margin=(0, 5))

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout


class SettingsPanel(pn.viewable.Viewer):
    """Widgets for one DemoSettings, the output-size formula, the downloads, the cell editor.
    Made when a visitor first opens the settings: most visitors of a lecture never do, and
    these widgets are half of what a session would otherwise build."""

    settings = param.ClassSelector(class_=DemoSettings)

    def __init__(self, settings: DemoSettings, **params) -> None:
        super().__init__(settings=settings, **params)
        s = settings
        self.explanation = pn.pane.Markdown(explain(s), width=300, stylesheets=[CODE_CSS])
        s.param.watch(Deferred(lambda: setattr(self.explanation, "object", explain(s))), "conv")
        self.groups = Choice(label="Groups", options=s.divisors(), value=s.groups, width=145)
        self.groups.link(s, value="groups")
        s.param.watch(self._offer_groups, ["depth", "n_filters"])
        s.param.watch(lambda event: setattr(self.groups, "value", event.new), "groups")
        self.seed = pn.widgets.TextInput(label="Seed", value=str(s.seed))
        self.seed.param.watch(self._set_seed, "value")
        s.param.watch(lambda event: setattr(self.seed, "value", str(event.new)), "seed")
        new_values = pn.widgets.Button(
            label="New values", color="success", stylesheets=[GREEN_BUTTON_CSS]
        )
        new_values.on_click(lambda event: s.new_values())
        reset = pn.widgets.Button(label="Reset to the CS231n default")
        reset.on_click(lambda event: s.reset())
        self._controls = pn.Column(
            pn.Row(new_values, reset),
            Downloads(s),
            self.seed,
            Radio.from_param(
                s.param.mode, label="Layer", width=310, stylesheets=[WRAPPED_BUTTONS_CSS]
            ),
            pn.Column(ImagePanel(s), visible=self._reads("picture")),
            Radio.from_param(s.param["values"], label="Values", visible=self._reads("values")),
            self._grid(SIZES[:4]),
            self._grid(SIZES[4:]),
            self._grid(AXES[:3]),
            pn.Row(
                pn.Row(self.groups, visible=self._reads("groups"), margin=0),
                pn.Row(self._padding_mode(), visible=self._reads("padding_mode"), margin=0),
            ),
            self._grid(AXES[3:]),
            switch(s, "separate_axes"),
            self._columns_grid(),
            *(self._option(name) for name in OPTIONS),
            width=320,
        )
        self._layout = pn.Column(self._controls, self.explanation, CellEditor(s))

    def _option(self, name: str) -> pn.viewable.Viewable:
        """A layer's own switch or menu, shown while the chosen layer reads it."""
        parameter = self.settings.param[name]
        if isinstance(parameter, param.Boolean):
            return pn.Row(switch(self.settings, name), visible=self._reads(name))
        return Radio.from_param(parameter, label=parameter.label, visible=self._reads(name))

    def _padding_mode(self) -> Choice:
        parameter = self.settings.param.padding_mode
        return Choice.from_param(parameter, label=parameter.label, width=145)

    def _reads(self, *names: str) -> param.reactive.rx:
        """Whether the chosen layer reads any of these settings: their widgets show only then."""
        mode = self.settings.param.mode.rx()
        return mode.rx.pipe(lambda mode: any(name in LAYERS[mode].settings for name in names))

    def _choice(self, name: str, read_as: str | None = None) -> Choice:
        """The drop-down of setting `name`, shown while the layer reads `read_as` (itself)."""
        widget = choice(self.settings, name)
        widget.visible = self._reads(read_as or name)
        return widget

    def _columns_grid(self) -> pn.GridBox:
        """The columns' own stride, padding, ... while the axes are set apart."""
        widgets = [self._choice(f"{axis}_cols", axis) for axis in AXES]
        return pn.GridBox(*widgets, ncols=2, visible=self.settings.param.separate_axes)

    def _grid(self, names: tuple[str, ...]) -> pn.GridBox:
        widgets = [self._choice(name) for name in names]
        return pn.GridBox(*widgets, ncols=2, visible=self._reads(*names))

    def _set_seed(self, event: param.parameterized.Event) -> None:
        try:
            self.settings.seed = parse_value("seed", event.new)
        except ValueError as error:
            self.settings.error = str(error)

    def _offer_groups(self, event: param.parameterized.Event) -> None:
        self.groups.options = self.settings.divisors()

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout
