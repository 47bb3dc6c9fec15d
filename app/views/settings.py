"""The settings sidebar: widgets made from DemoSettings' parameters, and what they explain."""

from __future__ import annotations

import html
import io
from collections.abc import Callable

import panel as pn
import param

from app.engine import Convolution
from app.explain import size_formulas, unvisited_note
from app.export import standalone_html
from app.gif import settings_gif
from app.model import AXES, DemoSettings
from app.query import parse_value
from app.transposed import TransposedConvolution
from app.views.deferred import Deferred
from app.views.editor import CellEditor
from app.views.image_panel import ImagePanel
from app.views.widgets import Choice, Radio, switch

SIZES = ("height", "width", "depth", "n_filters", "kernel_height", "kernel_width")


def explain(conv: Convolution | TransposedConvolution) -> str:
    """The output-size formulas and the unvisited-cell note, as Markdown."""
    lines = [f"`{line}`" for line in size_formulas(conv)]
    note = unvisited_note(conv)
    return "  \n".join(lines) + (f"\n\n{note}" if note else "")


def choice(settings: DemoSettings, name: str) -> Choice:
    """A named drop-down of every value the parameter's bounds allow: the cap is on view."""
    parameter = settings.param[name]
    low, high = parameter.bounds
    label = f"{parameter.label} ({low} to {high})"
    options = list(range(low, high + 1))
    return Choice.from_param(parameter, label=label, options=options, width=145)


class SettingsPanel(pn.viewable.Viewer):
    """Widgets for one DemoSettings, the output-size formula and the messages."""

    settings = param.ClassSelector(class_=DemoSettings)
    demo = param.Parameter(doc="The ConvolutionDemo whose values 'New values' renews")
    notices = param.List(default=[], item_type=str, doc="What was wrong with the address")

    def __init__(self, settings: DemoSettings, **params) -> None:
        super().__init__(settings=settings, **params)
        s = settings
        error = s.param.error.rx()
        # Messages quote what a person typed: shown as text, never as markup.
        self.message = pn.pane.Alert(
            error.rx.pipe(html.escape), alert_type="danger", visible=error.rx.bool(),
            name="settings_error",
        )  # fmt: skip
        notices = "\n".join(f"- {html.escape(notice)}" for notice in self.notices)
        self.notice = pn.pane.Alert(
            f"The address had values that do not fit:\n\n{notices}",
            alert_type="warning", visible=bool(self.notices), name="address_notices",
        )  # fmt: skip
        self.messages = pn.Column(self.notice, self.message, width=320, margin=(0, 5))
        self.explanation = pn.pane.Markdown(explain(s.conv), width=300)
        update = Deferred(lambda: setattr(self.explanation, "object", explain(s.conv)))
        s.param.watch(update, "conv")
        self.groups = Choice(label="Groups", options=s.divisors(), value=s.groups, width=145)
        self.groups.link(s, value="groups")
        s.param.watch(self._offer_groups, ["depth", "n_filters"])
        s.param.watch(lambda event: setattr(self.groups, "value", event.new), "groups")
        self.seed = pn.widgets.TextInput(label="Seed", value=str(s.seed))
        self.seed.param.watch(self._set_seed, "value")
        s.param.watch(lambda event: setattr(self.seed, "value", str(event.new)), "seed")
        new_values = pn.widgets.Button(label="New values", color="success")
        new_values.on_click(lambda event: self.demo.new_values())
        self.export_message = pn.pane.Alert(alert_type="warning", visible=False)
        downloads = pn.Row(
            pn.widgets.FileDownload(
                callback=self._html, filename="convolution-demo.html", label="Download HTML",
                description="This demo as one file that plays offline", width=150,
            ),
            pn.widgets.FileDownload(
                callback=self._gif, filename="convolution-demo.gif", label="Download GIF",
                description="Every step as a frame, for slides", width=150,
            ),
        )  # fmt: skip
        transposed = s.param["mode"].rx() == "transposed"
        not_image = s.param["mode"].rx() != "image"
        reset = pn.widgets.Button(label="Reset to the CS231n default")
        reset.on_click(self._reset)
        self._controls = pn.Column(
            pn.Row(new_values, reset),
            downloads,
            self.export_message,
            self.seed,
            Radio.from_param(s.param["mode"], label="Layer"),
            ImagePanel(s),
            Radio.from_param(s.param["values"], label="Values", visible=not_image),
            pn.GridBox(*[choice(s, name) for name in SIZES[:4]], ncols=2, visible=not_image),
            pn.GridBox(*[choice(s, name) for name in SIZES[4:]], ncols=2),
            pn.GridBox(*[choice(s, axis) for axis in AXES[:3]], ncols=2),
            pn.Row(self.groups, visible=not_image),
            pn.Row(choice(s, "output_padding"), visible=transposed),
            switch(s, "separate_axes"),
            pn.GridBox(
                *[choice(s, f"{axis}_cols") for axis in AXES[:3]],
                pn.Row(choice(s, "output_padding_cols"), visible=transposed),
                ncols=2,
                visible=s.param["separate_axes"],
            ),
            pn.Row(switch(s, "bias"), visible=not_image),
            pn.Row(switch(s, "equivalent"), visible=transposed),
            width=320,
        )

    def _set_seed(self, event: param.parameterized.Event) -> None:
        try:
            self.settings.seed = parse_value("seed", event.new)
        except ValueError as error:
            self.settings.error = str(error)

    def _export(self, make: Callable[[], bytes]) -> io.BytesIO | None:
        try:
            data = make()
        except ValueError as error:
            self.export_message.param.update(object=html.escape(str(error)), visible=True)
            return None
        self.export_message.visible = False
        return io.BytesIO(data)

    def _html(self) -> io.BytesIO | None:
        return self._export(lambda: standalone_html(self.settings).encode())

    def _gif(self) -> io.BytesIO | None:
        return self._export(lambda: settings_gif(self.settings))

    def _offer_groups(self, event: param.parameterized.Event) -> None:
        self.groups.options = self.settings.divisors()

    def _reset(self, event: object) -> None:
        keep = ("name", "conv", "error", "seed")
        defaults = {name: p.default for name, p in DemoSettings.param.objects().items()}
        self.settings.param.update({k: v for k, v in defaults.items() if k not in keep})

    def __panel__(self) -> pn.viewable.Viewable:
        editor = CellEditor(self.settings, demo=self.demo)
        return pn.Column(self.messages, self._controls, self.explanation, editor)
