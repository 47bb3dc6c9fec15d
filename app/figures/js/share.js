// The Share panel, written in the browser: only the page knows its own address (with the step
// a person paused on, which the address keeps). Args: div (the panel), demo (the demo's
// layout, whose height the iframe takes), template (the panel from lesson.py), tokens (what
// stands in the template for the address and the height).

function escape_html(text) {
  const entities = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
  return text.replace(/[&<>"']/g, (c) => entities[c])
}

function fill_share() {
  // The demo as it is now, without its settings: the address with embed=true, and the
  // height the demo takes here.
  const address = new URL(window.location.href)
  address.searchParams.set("embed", "true")
  const view = Bokeh.index.find_one(demo)
  const height = Math.max(400, Math.ceil(view?.el.getBoundingClientRect().height ?? 652) + 48)
  // The template is HTML, so the address goes in escaped (its & as &amp;).
  div.text = template.replaceAll(tokens.src, escape_html(address.toString()))
    .replaceAll(tokens.height, String(height))
}
