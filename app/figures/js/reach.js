// How a demo reaches the people in front of it, after controls.js: the room the window leaves
// its figure (the server fits the picture to it), the keys while it has focus, a screen
// reader's words for each step, and a still start for those who ask for less motion.

const HINT = "Paused: press Toggle Movement (or Space, with the demo focused) to start."
const FIGURE_NAME = "The convolution, drawn as in the CS231n notes"

function live_region() {
  // One polite live region a demo, outside the figure's shadow roots, visually hidden.
  if (!state.live) {
    const region = document.createElement("div")
    region.setAttribute("role", "status")
    region.setAttribute("aria-live", "polite")
    region.style.cssText = "position:absolute;width:1px;height:1px;overflow:hidden;"
      + "clip:rect(0 0 0 0);white-space:nowrap"
    document.body.appendChild(region)
    state.live = region
  }
  return state.live
}

function announce() {
  // What the step on screen is, in words, for a screen reader: said, and the figure's name,
  // when a person moves it or it stops (not at every frame of the movement, which would
  // also cost every frame an accessibility update).
  if (!ready()) return
  const m = sizes(), words = describe(m, state.n, locate(m, state.n))
  live_region().textContent = words
  const view = typeof Bokeh === "undefined" ? null : Bokeh.index.find_one(figure)
  view?.el.setAttribute("aria-label", `${FIGURE_NAME}. ${words}`)
}

// The controls' column beside the figure, with its margins (wider with ?zoom=, its readout too).
const CONTROLS_PX = contract.controls_px + 16
const LEAST_FIGURE_PX = 360  // a figure narrower than this takes the width, controls below
const SETTINGS_FIGURE_PX = 780  // the settings' room is kept beside where the figure keeps this
const LEAST_BESIDE_PX = 560  // and while they are open, where it keeps this much

function report_box() {
  // The pixels this window leaves the figure: the server fits the picture's cells to them.
  // Beside the demo, a wide page keeps room for its settings (contract.aside_px), and a
  // laptop's while they are open, so that the demo stays in view as they change it; the
  // controls sit beside the figure while both fit, under it otherwise. Coarse steps:
  // resizing a window by a few pixels repaints nothing.
  const view = typeof Bokeh === "undefined" ? null : Bokeh.index.find_one(demo)
  if (view == null || !demo.visible) return
  const page = document.documentElement.clientWidth
  let width = page - 24
  const room = width - contract.aside_px - CONTROLS_PX
  if (contract.aside_px > 0
      && (room >= SETTINGS_FIGURE_PX || (settings_open?.active && room >= LEAST_BESIDE_PX))) {
    width -= contract.aside_px
  }
  if (width - CONTROLS_PX >= LEAST_FIGURE_PX) width -= CONTROLS_PX
  const top = view.el.getBoundingClientRect().top + window.scrollY
  const height = Math.max(300, window.innerHeight - Math.min(top, window.innerHeight / 3) - 24)
  const size = [Math.floor(width / 20) * 20, Math.floor(height / 20) * 20]
  if (box.data.width[0] === size[0] && box.data.height[0] === size[1]) return
  const m = meta.data
  if (!state.fitted && m.box_width !== undefined
      && (m.box_width[0] !== size[0] || m.box_height[0] !== size[1])) {
    // Placed for another window (a phone's is narrower than the server's guess): the demo
    // waits unseen for the picture that fits, rather than show one and jump to the other.
    view.el.style.visibility = "hidden"
    state.fitting = setTimeout(reveal, REVEAL_AFTER_MS)
  }
  state.fitted = true
  box.data = {width: [size[0]], height: [size[1]]}
}

const REVEAL_AFTER_MS = 1500  // the longest a demo waits unseen for its fitted picture

function reveal() {
  // The picture that fits has arrived (or the wait is over): the demo shows.
  if (state.fitting === undefined) return
  clearTimeout(state.fitting)
  state.fitting = undefined
  const view = typeof Bokeh === "undefined" ? null : Bokeh.index.find_one(demo)
  if (view != null) view.el.style.visibility = ""
}

function listen() {
  // The keys act only while the demo has focus (a click on it, or Tab), so that a demo in a
  // slide deck or a notebook leaves the page's own keys alone.
  const view = typeof Bokeh === "undefined" ? null : Bokeh.index.find_one(demo)
  if (view == null || state.keys) return
  state.keys = true
  view.el.tabIndex = 0
  view.el.setAttribute("role", "group")
  view.el.setAttribute("aria-label", "Convolution demo: Space toggles the movement, the arrows step")
  view.el.addEventListener("keydown", on_key)
  view.el.addEventListener("pointerdown", () => view.el.focus({preventScroll: true}))
  const figure_view = Bokeh.index.find_one(figure)
  figure_view?.el.setAttribute("role", "img")
  let pending = null
  window.addEventListener("resize", () => {
    clearTimeout(pending)
    pending = setTimeout(() => { report_box(); offer_pan() }, 200)
  })
}

const KERNEL_WAIT_MS = 2000  // a live notebook registers its kernel as its outputs render

function say_if_saved_without_kernel() {
  // A notebook saved with its outputs (a static HTML page, a published book) shows the demo,
  // which plays in the browser, and the settings, which need the Python kernel it no longer
  // has: the page says so. Panel's notebook script keeps PyViz; a live kernel registers itself
  // in PyViz.kernels; a served page or an exported file has no PyViz at all.
  setTimeout(() => {
    const pyviz = window.PyViz
    const saved = pyviz !== undefined && Object.keys(pyviz.kernels ?? {}).length === 0
    if (saved && !kernel_note.visible) kernel_note.setv({visible: true}, {sync: false})
  }, KERNEL_WAIT_MS)
}

function still() {
  // A person who asked for less motion, or an address with autoplay=false, gets the demo
  // paused on its first step, with a hint to start it.
  const reduced = window.matchMedia?.("(prefers-reduced-motion: reduce)").matches
  return reduced || !contract.autoplay
}

function following() {
  // The slider of the demo this one steps with (pooling's convolution beside it), or null.
  const name = meta.data.follows?.[0]
  return name ? (slider.document?.get_model_by_name(`${name}_slider`) ?? null) : null
}

function follow() {
  // Each step of the followed demo takes this one to the same window: the same output row
  // and column, with the filter that matches its channel.
  const leader = following()
  if (leader === null) return
  if (state.leader !== leader) {
    state.leader = leader
    leader.connect(leader.properties.value.change, () => follow_step(leader))
  }
  follow_step(leader)
}

function follow_step(leader) {
  if (following() !== leader || !ready()) return
  const m = sizes(), theirs = leader.document.get_model_by_name(`${m.follows}_meta`).data
  const at = position(leader.value - 1, theirs.OH[0], theirs.OW[0])
  if (at.i >= m.OH || at.j >= m.OW) return
  stop()
  render(((at.k % m.K) * m.OH + at.i) * m.OW + at.j)
}
