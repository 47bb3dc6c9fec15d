"""The browser's address bar, kept equal to the demo's settings from the browser's side.

Panel's own Location reads the address it is given as typed values (so `embed=true` comes
back as `embed=True`, `step=-1` as `step=-1.0`, and a superscript digit or a 5,000-digit number
makes it raise and the page go blank) and merges what it writes into what was there (so a
refused value stays in the address and is refused again on every reload). This writes the
whole query from the settings as text, in place of what was there, keeping only the step,
which is the browser's: the figures write it when the movement pauses.
"""

from __future__ import annotations

import param
from panel.custom import JSComponent


class AddressBar(JSComponent):
    """Writes `query` into the page's address (history.replaceState: no reload, no history
    entry); a `step` in the address that `query` does not name is kept."""

    query = param.String("", doc="The settings as a URL query string, without the '?'")

    _esm = """
    export function render({ model }) {
      function write() {
        const url = new URL(window.location.href)
        const step = url.searchParams.get("step")
        const query = new URLSearchParams(model.query)
        if (!query.has("step") && step !== null && /^[1-9][0-9]{0,6}$/.test(step)) {
          query.set("step", step)
        }
        url.search = query.toString()
        if (url.href !== window.location.href) history.replaceState(history.state, "", url)
      }
      model.on("query", write)
      write()
      const el = document.createElement("span")
      el.hidden = true
      return el
    }
    """
