"""A message box that shows its text as text: what a person typed (an address, a file name, a
cell value) is echoed in messages, and neither Markdown nor HTML in it may take effect."""

from __future__ import annotations

import html

import panel as pn
import param

STYLES = {  # text and ground of each kind, at least 4.5:1 apart
    "warning": ("#5c4400", "#fff3cd", "#ffe08a"),
    "danger": ("#721c24", "#f8d7da", "#f1aeb5"),
    "info": ("#0c4a5a", "#d1ecf1", "#a6d8e3"),
}


def as_html(text: str) -> str:
    """Plain text as HTML that shows it exactly: escaped, its lines kept."""
    return html.escape(text).replace("\n", "<br>")


class Notice(pn.viewable.Viewer):
    """A box of plain text, hidden while the text is empty."""

    text = param.String("", allow_refs=True, doc="What the box says, as plain text")
    kind = param.Selector(default="warning", objects=list(STYLES))

    def __init__(self, **params) -> None:
        super().__init__(**params)
        colour, ground, border = STYLES[self.kind]
        # A watcher, not reactive expressions: every session builds two boxes, mostly empty,
        # and the expressions made them a twentieth of what a session costs the server.
        self._pane = pn.pane.HTML(
            as_html(self.text),
            visible=bool(self.text),
            styles={"color": colour, "background": ground, "border": f"1px solid {border}",
                    "border-radius": "4px", "padding": "6px 10px", "font-size": "13px"},
            sizing_mode="stretch_width",
            margin=(5, 10),
        )  # fmt: skip
        self.param.watch(self._show, "text")

    def _show(self, event: param.parameterized.Event) -> None:
        self._pane.param.update(object=as_html(event.new), visible=bool(event.new))

    def __panel__(self) -> pn.viewable.Viewable:
        return self._pane
