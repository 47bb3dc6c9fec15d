// The Share panel, written in the browser: only the page knows its own address (with the step
// a person paused on, which the address keeps). Args: div (the panel), demo (the demo's
// layout, whose height the iframe takes), slider (the step on screen), template (the panel
// from lesson.py), tokens (what stands in the template for the address, the height and the
// poster's address).

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
  // The poster: the server's poster.png beside this page, with its settings and this step.
  const poster = new URL("poster.png", window.location.href)
  poster.search = window.location.search
  poster.searchParams.delete("embed")
  poster.searchParams.set("step", String(slider.value))
  // The template is HTML, so the addresses go in escaped (their & as &amp;).
  div.text = template.replaceAll(tokens.src, escape_html(address.toString()))
    .replaceAll(tokens.height, String(height))
    .replaceAll(tokens.poster, escape_html(poster.toString()))
}
