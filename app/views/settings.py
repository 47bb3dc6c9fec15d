"""The settings sidebar: widgets made from DemoSettings' parameters, and what they explain."""

from __future__ import annotations

import html

import panel as pn
import param

from app.engine import Convolution
from app.explain import size_formulas, unvisited_note
from app.model import AXES, DemoSettings


def explain(conv: Convolution) -> str:
    """The output-size formulas and the unvisited-cell note, as Markdown."""
    lines = [f"`{line}`" for line in size_formulas(conv)]
    note = unvisited_note(conv)
    return "  \n".join(lines) + (f"\n\n{note}" if note else "")


SIZE_PARAMS = ("height", "width", "depth", "n_filters", "kernel_height", "kernel_width")


class SettingsPanel(pn.viewable.Viewer):
    """Widgets for one DemoSettings, the output-size formula and the error message."""

    settings = param.ClassSelector(class_=DemoSettings)
    demo = param.Parameter(doc="The ConvolutionDemo whose values 'New values' renews")
    notices = param.List(default=[], item_type=str, doc="What was wrong with the address")

    def __init__(self, settings: DemoSettings, **params) -> None:
        super().__init__(settings=settings, **params)
        s = settings
        self.message = pn.pane.Alert(
            s.param.error.rx(),
            alert_type="danger",
            visible=s.param.error.rx().rx.bool(),
            name="settings_error",
            margin=(0, 10),
        )
        notices = "\n".join(f"- {html.escape(notice)}" for notice in self.notices)
        self.notice = pn.pane.Alert(
            f"The address had values that do not fit:\n\n{notices}",
            alert_type="warning",
            visible=bool(self.notices),
            name="address_notices",
            margin=(0, 10),
        )
        self.messages = pn.Column(self.notice, self.message, margin=0)
        self.explanation = pn.pane.Markdown(s.param.conv.rx().rx.pipe(explain), width=300)
        self.groups = pn.widgets.Select(name="Groups", options=s.divisors(), value=s.groups)
        self.groups.link(s, value="groups")
        s.param.watch(self._offer_groups, ["depth", "n_filters"])
        new_values = pn.widgets.Button(name="New values", button_type="success")
        new_values.on_click(lambda event: self.demo.new_values())
        reset = pn.widgets.Button(name="Reset to the CS231n default")
        reset.on_click(self._reset)
        integer = {name: {"type": pn.widgets.IntInput} for name in SIZE_PARAMS}
        self._controls = pn.Column(
            pn.Row(new_values, reset),
            pn.widgets.IntInput.from_param(s.param["seed"], name="Seed"),
            pn.widgets.RadioButtonGroup.from_param(s.param["values"], name="Values"),
            pn.Param(s, parameters=list(SIZE_PARAMS), widgets=integer, show_name=False),
            *[pn.widgets.IntInput.from_param(s.param[axis]) for axis in AXES],
            pn.widgets.Checkbox.from_param(s.param["separate_axes"]),
            pn.Column(
                *[pn.widgets.IntInput.from_param(s.param[f"{a}_cols"]) for a in AXES],
                visible=s.param["separate_axes"],
            ),
            self.groups,
            pn.widgets.Checkbox.from_param(s.param["bias"]),
            width=300,
        )

    def _offer_groups(self, event: param.parameterized.Event) -> None:
        self.groups.options = self.settings.divisors()

    def _reset(self, event: object) -> None:
        defaults = {
            name: self.settings.param[name].default
            for name in DemoSettings.param
            if name not in ("name", "conv", "error", "seed")
        }
        self.settings.param.update(defaults)

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(self.messages, self._controls, self.explanation)
