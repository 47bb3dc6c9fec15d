"""What the demo teaches beside its picture: the layer as code (with a copy button a block)
and its cost, and on a served page the snippets that embed it; each under the demo once its
button beside the controls is pressed.

Buttons rather than a folded <details>, which would fold again whenever a setting rewrites
its text; a root of its own under the demo, so that the demo's keys stay the demo's while a
person copies code.
"""

from __future__ import annotations

from html import escape
from importlib.resources import files

from bokeh.layouts import column
from bokeh.models import CustomJS, Div, InlineStyleSheet, Toggle
from bokeh.models.css import StyleSheet

from app.engine.cost import Count
from app.scene import Scene

# As wide as the page lets it be, to a readable measure; set in the browser alone, so that
# a change of settings never costs the page another layout pass. Long lines of code scroll
# inside their block.
WIDTH = {"width": "min(900px, calc(100vw - 24px))"}


def bring_into_view(shown: str, opened: str) -> str:
    """Browser code that scrolls the model `shown` into view, a moment after it lays out,
    whenever `opened` is true: what opens under the demo may lie past the fold (in an iframe,
    on a laptop)."""
    return (
        f"const into_view = () => Bokeh.index.find_one({shown})?.el.scrollIntoView("
        '{block: "nearest"})\n'
        f"if ({opened}) setTimeout(into_view, 50)"
    )


SHARE = (files("app.figures") / "js" / "share.js").read_text()
# A button copies the code after it: the clipboard API where the page is secure (https or
# localhost), else a hidden text area and the older copy command.
COPY = (
    "const text = this.nextElementSibling.textContent;"
    " const done = () => { this.textContent = 'Copied'; };"
    " if (navigator.clipboard && window.isSecureContext) {"
    " navigator.clipboard.writeText(text).then(done); } else {"
    " const area = document.createElement('textarea'); area.value = text;"
    " document.body.appendChild(area); area.select(); document.execCommand('copy');"
    " area.remove(); done(); }"
)
CSS = """
:host { font-size: 14px; }
/* Bokeh's box for a Div's text grows with what it holds: held to the Div's width instead,
   long lines of code scroll inside their block and never widen the page. */
.bk-clearfix { display: block !important; overflow: hidden; }
button:focus-visible, pre:focus-visible { outline: 3px solid #1f5f99; outline-offset: 2px; }
pre { overflow: auto; max-width: 100%; max-height: 28em; background: #f4f6f9; padding: 6px 8px;
      margin: 2px 0 10px;
      font-size: 13px; line-height: 1.35; }
button.copy { min-height: 32px; padding: 2px 12px; cursor: pointer; background: #fff;
              border: 1px solid #1f5f99; color: #1f5f99; border-radius: 4px; }
@media (pointer: coarse) { button.copy { min-height: 44px; } }
.what { margin: 8px 0 2px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 3px 8px; border-bottom: 1px solid #ddd; }
td code { white-space: normal; }
"""


def _code_block(title: str, code: str, kind: str = "code") -> str:
    """`code` under its title, with a Copy button; `kind` names it to a screen reader."""
    return (
        f'<div class="what">{escape(title)}</div>'
        f'<button type="button" class="copy" onclick="{escape(COPY)}" '
        f'aria-label="Copy the {escape(title)} {kind}">Copy</button>'
        # Focusable, so that a keyboard can scroll a block wider or taller than its box.
        f'<pre tabindex="0" role="region" aria-label="{escape(title)} {kind}">'
        f"<code>{escape(code)}</code></pre>"
    )


# What Share shows, with the page's own address and the demo's height put in by the browser,
# which alone knows them (share.js).
SRC, WIDTH_PX, HEIGHT, WHY = "@@SRC@@", "@@WIDTH@@", "@@HEIGHT@@", "@@WHY@@"
POSTER, POSTER_PART = "@@POSTER@@", "@@POSTER_PART@@"
# The poster's sentence where one would be drawn, and where not, why (share.js chooses).
POSTER_LINK = (
    '<div class="what">The step on screen as a picture, for a PDF or a slide: '
    f'<a href="{POSTER}" download="convolution-step.png">poster of this step (PNG)</a>, '
    "or <code>python -m app poster FILE --step N</code> with the same settings.</div>"
)
NO_POSTER = '<div class="what">No poster of this picture: {why}.</div>'

IFRAME = (
    f'<iframe src="{SRC}" title="Convolution demo" width="{WIDTH_PX}" height="{HEIGHT}"'
    ' style="border: 0; max-width: 100%" loading="lazy"></iframe>'
)
SNIPPETS = (
    ("HTML", IFRAME),
    ("MyST (mystmd, Jupyter Book 2)", f":::{{iframe}} {SRC}\n:width: 100%\n:::"),
    ("reStructuredText (Sphinx, Jupyter Book 1)", f".. raw:: html\n\n   {IFRAME}"),
    ("Quarto", f"```{{=html}}\n{IFRAME}\n```"),
)


def share_html() -> str:
    """The Share panel, its address, its height and its poster still to be put in."""
    intro = (
        '<div class="what">This demo as it is on screen, without its settings, for a course '
        f"page: an iframe {WIDTH_PX} px wide (narrower where the page is) and {HEIGHT} px tall, "
        f"{WHY} (MyST's iframe keeps its own 16:9 frame, and takes the HTML too).</div>"
    )
    snippets = "".join(_code_block(title, text, "snippet") for title, text in SNIPPETS)
    return intro + snippets + POSTER_PART


def _count(count: Count) -> str:
    return (
        f"<code>{escape(count.formula)}</code><br>= {escape(count.numbers)} = "
        f"<b>{count.value:,}</b>"
    )


class Lesson:
    """The Code and Cost buttons (for the controls), Share on a served page, and what they
    open (`layout`)."""

    def __init__(self, prefix: str, button_css: list[StyleSheet], share: bool = False) -> None:
        css = [InlineStyleSheet(css=CSS)]
        parts = [("code", "Code"), ("cost", "Cost")] + ([("share", "Share")] if share else [])
        self.divs: dict[str, Div] = {}
        self.buttons: dict[str, Toggle] = {}
        for part, label in parts:
            div = Div(name=f"{prefix}_{part}", stylesheets=css, visible=False, styles=WIDTH)
            button = Toggle(label=label, name=f"{div.name}_toggle", stylesheets=button_css)
            button.js_link("active", div, "visible")
            scroll = CustomJS(args={"div": div}, code=bring_into_view("div", "cb_obj.active"))
            button.js_on_change("active", scroll)
            self.divs[part], self.buttons[part] = div, button
        self.code, self.cost = self.divs["code"], self.divs["cost"]
        self.layout = column(*self.divs.values(), name=f"{prefix}_lesson", styles=WIDTH)
        self._scene: Scene | None = None
        # On a served page, what is closed is written when it opens, not at every repaint:
        # most visitors never open it, and each text sent costs the browser a render.
        for part in ("code", "cost"):
            self.buttons[part].on_change("active", lambda attr, old, new: self._write())

    def share_from(self, demo: object, slider: object, meta: object) -> None:
        """Share writes its snippets for `demo` (its layout) when opened, and links the poster
        of the step its `slider` is on, or says why the server would refuse it (`meta`'s
        poster_refusal)."""
        if "share" in self.buttons:
            tokens = {"src": SRC, "width": WIDTH_PX, "height": HEIGHT, "why": WHY,
                      "poster": POSTER, "poster_part": POSTER_PART}  # fmt: skip
            args = {
                "div": self.divs["share"], "demo": demo, "slider": slider,
                "template": share_html(), "tokens": tokens, "poster_link": POSTER_LINK,
                "no_poster": NO_POSTER, "meta": meta,
            }  # fmt: skip
            code = f"{SHARE}\nif (cb_obj.active) fill_share()"
            self.buttons["share"].js_on_change("active", CustomJS(args=args, code=code))

    def update(self, scene: Scene) -> None:
        """The code and the cost of the layer on screen: at once in a file or a notebook,
        where no server hears a button; on a served page, those open now."""
        self._scene = scene
        self._write()

    def _write(self) -> None:
        if self._scene is None:
            return
        doc = self.code.document
        served = doc is not None and doc.session_context is not None
        for part, html in (("code", code_html), ("cost", cost_html)):
            if not served or self.buttons[part].active:
                self.divs[part].text = html(self._scene)


def code_html(scene: Scene) -> str:
    """The layer on screen in PyTorch and in NumPy, each with its Copy button."""
    code = scene.code()
    return _code_block("PyTorch", code.torch) + _code_block(
        "NumPy, in the CS231n notes' notation", code.numpy
    )


def cost_html(scene: Scene) -> str:
    """The output values, and a table of parameters and multiply-adds."""
    outputs, costs = scene.cost()
    rows = "".join(
        f"<tr><td>{escape(cost.name)}</td><td>{_count(cost.parameters)}</td>"
        f"<td>{_count(cost.multiply_adds)}</td></tr>"
        for cost in costs
    )
    return (
        f'<div class="what">Output values: {_count(outputs)}</div>'
        "<table><tr><th>The same input to the same output, made as</th><th>parameters</th>"
        f"<th>multiply-adds</th></tr>{rows}</table>"
    )
