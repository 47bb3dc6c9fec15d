"""Editing one cell by hand: a figure names the tapped cell, this asks for its new value."""

from __future__ import annotations

import panel as pn
import param

from app.layers import DemoSettings
from app.page.notice import Notice
from app.scene.blocks import PADDING_CELL
from app.settings.cells import parse_cell, parse_edit_value


class CellEditor(pn.viewable.Viewer):
    """A small form for the cell last tapped: its name, its value now, a field and a button."""

    settings = param.ClassSelector(class_=DemoSettings)
    cell = param.String("", doc="The edits key of the tapped cell, or empty")

    def __init__(self, settings: DemoSettings, **params) -> None:
        super().__init__(settings=settings, **params)
        self.title = pn.pane.Markdown("", margin=(0, 10))
        self.value = pn.widgets.TextInput(label="New value", width=140)
        set_button = pn.widgets.Button(label="Set the cell", width=110)
        set_button.on_click(self._set)
        self.value.param.watch(self._set, "enter_pressed")
        clear = pn.widgets.Button(label="Clear all edits", width=130)
        clear.on_click(lambda event: setattr(self.settings, "edits", {}))
        self.message = Notice()
        self.form = pn.Row(self.value, set_button, visible=False)
        hint = "Click an input, weight or bias cell to change its value."
        self._layout = pn.Column(
            pn.pane.Markdown(hint, margin=(0, 10)), self.title, self.form, self.message, clear
        )
        settings.param.watch(self._tapped, "tapped")

    def _tapped(self, event: param.parameterized.Event) -> None:
        self.message.text = ""
        if event.new == PADDING_CELL:
            mode = self.settings.padding_mode
            if mode == "zeros":
                return self._say("padding cells are zeros by definition; pick an input cell")
            return self._say(
                f"padding cells copy input cells (padding_mode={mode}): edit the input cell "
                "it copies, which the pointer outlines"
            )
        try:
            name, index = parse_cell(event.new)  # what the browser sent is checked like a URL
            # The values as the figures draw them, whichever layer holds them.
            x, w, b = self.settings.arrays()
            now = {"x": x, "w": w, "b": b}[name][index].item()
        except (ValueError, IndexError):
            return self._say(f"{event.new[:40]!r} is no cell of this demo")
        if name == "x":
            label = f"x[:,:,{index[0]}] row {index[1]}, column {index[2]}"
        elif name == "w":
            label = f"w{index[0]}[:,:,{index[1]}] row {index[2]}, column {index[3]}"
        else:
            label = f"b{index[0]}"
        self.cell = ",".join([name, *map(str, index)])
        self.title.object = f"**{label}** is {now}"
        self.form.visible = True

    def _say(self, text: str) -> None:
        self.form.visible = False
        self.cell = ""
        self.message.text = text

    def _set(self, event: object) -> None:
        try:
            value = parse_edit_value(self.value.value_input or self.value.value)
        except ValueError as error:
            self.message.text = str(error)
            return
        self.message.text = ""
        self.settings.edits = {**self.settings.edits, self.cell: value}

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout
