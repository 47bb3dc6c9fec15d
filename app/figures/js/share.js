// The Share panel, written in the browser: only the page knows its own address (with the step
// a person paused on, which the address keeps). Args: div (the panel), demo (the demo's
// layout, measured embedded for the iframe's height), slider (the step on screen), template
// (the panel from lesson.py), tokens (what stands in the template for the address, the
// iframe's width and height, why that height, and the poster's sentence), poster_link and
// no_poster (that sentence where a poster would be drawn, and where not), meta (the figure's
// sizes, whose poster_refusal says why the server would refuse this picture's poster).

function escape_html(text) {
  const entities = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
  return text.replace(/[&<>"']/g, (c) => entities[c])
}

// The width the iframe snippet names: a course page's column of text.
const NAMED_WIDTH = 800
const MEASURE_MS = 20000  // past this, the snippet keeps the height of the demo here

function fill_share() {
  // The demo as it is now, without its settings: the address with embed=true, and, until
  // the embedded demo is measured at the snippet's width, the height it takes here.
  const address = new URL(window.location.href)
  address.searchParams.set("embed", "true")
  const view = Bokeh.index.find_one(demo)
  const here = Math.max(400, Math.ceil(view?.el.getBoundingClientRect().height ?? 652) + 48)
  write_share(address, here, "measuring the height it takes at that width…")
  measure_embedded(address, (height) => {
    if (height === null) write_share(address, here, "the demo's height on this screen")
    else write_share(address, height, "the height it takes at that width")
  })
}

function write_share(address, height, why) {
  // The poster: the server's poster.png beside this page, with its settings and this step.
  const poster = new URL("poster.png", window.location.href)
  poster.search = window.location.search
  poster.searchParams.delete("embed")
  poster.searchParams.set("step", String(slider.value))
  const why_not = meta.data.poster_refusal?.[0] ?? ""
  const poster_part = why_not ? no_poster.replace("{why}", escape_html(why_not)) : poster_link
  // The template is HTML, so the addresses go in escaped (their & as &amp;).
  div.text = template.replaceAll(tokens.poster_part, poster_part)
    .replaceAll(tokens.src, escape_html(address.toString()))
    .replaceAll(tokens.width, String(NAMED_WIDTH))
    .replaceAll(tokens.height, String(height))
    .replaceAll(tokens.why, escape_html(why))
    .replaceAll(tokens.poster, escape_html(poster.toString()))
}

function measure_embedded(address, done) {
  // The embedded demo opened out of sight at the snippet's width, still, and measured once it
  // has placed its picture for that width: the height its page needs with nothing scrolled.
  const still = new URL(address)
  still.searchParams.set("autoplay", "false")
  const frame = document.createElement("iframe")
  frame.setAttribute("aria-hidden", "true")
  frame.tabIndex = -1
  frame.style.cssText = `position: fixed; top: 0; left: ${-2 * NAMED_WIDTH}px; border: 0;`
    + ` width: ${NAMED_WIDTH}px; height: 700px; visibility: hidden`
  frame.src = still.toString()
  document.body.appendChild(frame)
  const started = Date.now()
  let last = -1
  const poll = setInterval(() => {
    let height = -1
    try {
      const inner = frame.contentWindow, doc = inner.Bokeh?.documents?.[0]
      const shown = doc?.get_model_by_name(demo.name)
      const readout = doc?.get_model_by_name(demo.name.replace(/_demo$/, "_readout"))
      if (shown?.visible && readout?.text.includes("step")) {
        height = inner.document.documentElement.scrollHeight
      }
    } catch (error) {
      height = -1  // a page still loading, or another origin's: not measured yet
    }
    const settled = height > 0 && height === last
    last = height
    if (settled || Date.now() - started > MEASURE_MS) {
      clearInterval(poll)
      frame.remove()
      done(settled ? height : null)
    }
  }, 400)
}
