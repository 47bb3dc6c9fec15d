// The controls every animated demo shares, run in the browser. A demo's one script model is
// this text, reach.js, then its layer's files (the figure's SCRIPT), then its actions by what
// the browser calls it for, and the line that runs the one it was called for (animated.py).
// Everything is a function declaration, so no file relies on the order they are joined in.
//
// The layer interface: every layer's files define (animated.LAYER_INTERFACE, checked by a test)
//   locate(m, n)                  step n's place: {k, i, j, first, ...} for the functions below
//   place_highlights(m, at)       the window, the filter (or winner) and the output cell
//   fill_outputs(m, n, at)        the outputs reached so far
//   readout_html(m, n, at)        the step's arithmetic, in the readout
//   describe(m, n, at)            the step in words, for the live region and the figure's name
//   cell_at(m, x, y)              the input, weight or bias cell a tap names, or null
// and read their numbers through input_value, weight_value and bias_value below.
//
// Args common to all: meta (one row of sizes, empty until the demo has a layer to show; its
// keys are the scene's sizes and the contract of app/scene/blocks.py: block_slices,
// block_biases and block_outputs index `origins`, cell_weights and cell_biases index `cells`),
// figure, readout, slider, speed, toggle, finished, demo (the demo's layout, hidden while another
// mode is on screen), settings_open (the Settings toggle; null where the page has none), edit
// (the cell last tapped, for the server's cell editor), contract (constants shared with the
// server: padding_cell).
//
// Changes made here to data and widgets never travel to the server (the one exception is a
// tapped cell's name, which the cell editor needs): data arrays are edited in place and
// announced with change.emit(); widget values are set with {sync: false}. The timer
// lives on this demo's toggle model, so two demos on one page keep their own.
const state = (toggle._convolution_demo ??= {timer: null, n: meta.data.start?.[0] ?? 0})

function ready() {
  // A demo moves only while it is on screen and has a layer to show.
  return demo.visible && meta.data.N !== undefined
}

function sizes() {
  const m = {}
  for (const key of Object.keys(meta.data)) m[key] = meta.data[key][0]
  return m
}

function fmt(value, integer) {
  if (integer) return String(Math.round(value))
  const text = (Math.round(value * 100) / 100 + 0).toFixed(2).replace(/\.?0+$/, "")
  return text === "-0" ? "0" : text
}

// Writes `value` at `q` of a source's column where it differs, and says whether it did: a
// layer tells Bokeh of new outputs only after a write. Bokeh sets a text glyph up again on
// every change, measuring each value five times over, and new arrays often arrive already
// showing the right outputs.
function write_cell(column, q, value) {
  if (column[q] === value) return false
  column[q] = value
  return true
}

function position(n, rows, cols) {
  // Step n of a layer that goes block by block, then row by row, over rows x cols places.
  return {k: Math.floor(n / (rows * cols)), i: Math.floor(n / cols) % rows, j: n % cols}
}

function filter_step(m, n) {
  // Step n of filters sliding over the input: filter k at output (i, j), and the first input
  // channel it reads (its group's first).
  const at = position(n, m.OH, m.OW)
  return {...at, first: Math.floor(at.k / (m.K / m.G)) * m.Cg}
}

// Where a value lies in `cells`, from the contract (app/scene/blocks.py): the input's cells
// as drawn, channel by channel, row by row, then each filter's slices, then the biases. Every
// layer's script reads its numbers through these, and its gradients' flat arrays by the same
// order (input_index, slice_index).
function input_index(m, d, row, col) {
  return (d * m.input_rows + row) * m.input_cols + col
}

function slice_index(m, k, c, r, q) {
  // Tap (r, q) of filter k's slice c, counted from the first filter's first tap.
  return ((k * m.Cg + c) * m.FH + r) * m.FW + q
}

function input_value(m, d, row, col) {
  return cells.data.value[input_index(m, d, row, col)]
}

function weight_value(m, k, c, r, q) {
  return cells.data.value[m.cell_weights + slice_index(m, k, c, r, q)]
}

function bias_value(m, k) {
  return cells.data.value[m.cell_biases + k]
}

function window_at(m, i, j, r, q) {
  // Tap (r, q) of the window at (i, j): row i * stride + r * dilation, and so for columns; the
  // engines' rule (window in app/engine/checks.py).
  return [i * m.sh + r * m.dh, j * m.sw + q * m.dw]
}

function escape(text) {
  return String(text).replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`)
}

function render(n) {
  const m = sizes()
  n = ((Math.round(n) % m.N) + m.N) % m.N
  // With Predict on, a step not yet answered is asked first (predict.js).
  const asking = quiz().asking
  if (asking !== null && asking.n === n) return hold(n)  // placed again, still asking
  if (quiz().answered !== n && must_ask(n)) return ask(n)
  state.n = n
  const at = locate(m, n)
  place_highlights(m, at)
  fill_outputs(m, n, at)
  // While it moves faster than anyone reads, the readout (the close-up's tables, laid out
  // again with every new number) follows a few times a second; paused, it shows every step.
  const now = performance.now()
  if (state.timer === null || !(now - state.readout_at < READOUT_EVERY_MS)) {
    const hint = state.hint ? `<div class="hint">${HINT}</div>` : ""
    write_readout(hint + readout_html(m, n, at))
    state.readout_at = now
    state.readout_n = n
  }
  if (slider.value !== n + 1) slider.setv({value: n + 1}, {sync: false})
}

const READOUT_EVERY_MS = 100  // the readout's pace while the demo moves

function write_readout(html) {
  // A step rewrites the readout's words alone: a change to the Div's text would make Bokeh
  // build its view again (stylesheets too) and lay the whole page out at every step.
  // The model keeps the text, silently, for whenever the view is drawn again.
  readout.setv({text: html}, {silent: true})
  const view = typeof Bokeh === "undefined" ? null : Bokeh.index.find_one(readout)
  if (view?.markup_el != null && !readout.render_as_text && view.has_math_disabled()) {
    rewrite_words(view.markup_el, html)
  } else {
    readout.change.emit()  // not drawn yet, or a kind of text only Bokeh's view can draw
  }
}

const parsed_readout = document.createElement("template")

function rewrite_words(el, html) {
  // From one step to the next the readout keeps its tags and changes its numbers: where the
  // tags are those on screen, only the words that differ are written. The page then lays out
  // those lines, instead of styling and laying out a new tree (at the caps, 16 channels'
  // lines: a tenth of every frame).
  const tags = html.replace(/>[^<]*</g, "><")  // the tags and their attributes, no words
  parsed_readout.innerHTML = html
  const fresh = parsed_readout.content
  if (el.readout_tags !== tags || !copy_words(el, fresh)) {
    el.replaceChildren(...fresh.childNodes)
    el.readout_tags = tags
  }
}

function copy_words(a, b) {
  // b's words into a, node by node; false where the nodes differ (a text that was empty).
  if (a.childNodes.length !== b.childNodes.length) return false
  for (let i = 0; i < a.childNodes.length; i++) {
    const x = a.childNodes[i], y = b.childNodes[i]
    if (x.nodeName !== y.nodeName) return false
    if (x.nodeType === Node.ELEMENT_NODE) {
      if (!copy_words(x, y)) return false
    } else if (x.data !== y.data) {
      x.data = y.data
    }
  }
  return true
}

function fit_frame() {
  // The new picture's size, from meta, in one layout pass of the page: set as two changes,
  // width and height would each lay out the whole page and paint the figure. The server
  // sends both a moment after meta; they arrive equal to what is here and change nothing.
  const m = meta.data
  if (m.frame_width === undefined) return
  figure.x_range.setv({start: 0, end: m.frame_x_end[0]}, {sync: false})
  figure.y_range.setv({start: m.frame_y_start[0], end: 0}, {sync: false})
  const width = m.frame_width[0], height = m.frame_height[0]
  if (figure.width === width && figure.height === height) return
  const view = typeof Bokeh === "undefined" ? null : Bokeh.index.find_one(figure)
  if (view == null) {
    figure.setv({width, height}, {sync: false})
  } else {
    figure.setv({width, height}, {silent: true})
    resize_in_place(view)
  }
}

function panned_box() {
  // The box the figure pans in (its parent column), or null before the page has laid it out.
  const view = typeof Bokeh === "undefined" ? null : Bokeh.index.find_one(figure)
  return view?.parent?.el ?? null
}

function offer_pan() {
  // Where the picture is wider than its box, the button under it says so and which way the
  // rest lies; elsewhere it is hidden.
  const box = panned_box()
  if (box == null) return
  const wider = box.scrollWidth > box.clientWidth + 2
  const label = panned_right(box) ? "◀ Show the left of the picture" : "Show the right of the picture ▶"
  if (pan.visible !== wider || pan.label !== label) pan.setv({visible: wider, label}, {sync: false})
  if (!state.pan_listened) {
    state.pan_listened = true
    box.addEventListener("scroll", () => offer_pan(), {passive: true})
  }
}

function pan_across() {
  // To the far side of the picture from where it is.
  const box = panned_box()
  if (box == null) return
  box.scrollTo({left: panned_right(box) ? 0 : box.scrollWidth, behavior: "smooth"})
}

function panned_right(box) {
  // Whether the box shows the right half of the picture more than the left.
  return box.scrollLeft >= (box.scrollWidth - box.clientWidth) / 2
}

function resize_in_place(view) {
  // A figure's new size laid out where it stands: its own box (:host width and height), the
  // flex basis its container gives it, and so on up while a container's size is a number;
  // then the page's positions and the canvas measured again. Bokeh's invalidate_layout would
  // rewrite the styles of every view on the page, the settings' too, and the plot's own
  // layout would rebuild its panels, which a new size leaves as they were: at the caps, most
  // of a change's style and layout. (These are Bokeh's LayoutDOMView steps, in its order.)
  let box_of = view
  for (let proto = view; proto != null; proto = Object.getPrototypeOf(proto)) {
    if (Object.prototype.hasOwnProperty.call(proto, "_update_layout")) box_of = proto
  }
  view.update_style()
  box_of._update_layout.call(view)
  for (let parent = view.parent; laid_out(parent); parent = parent.parent) {
    parent.update_style()
    for (const child of parent.child_views) child.parent_style.clear()
    parent._update_layout()
    const {width, height} = parent.box_sizing()
    if (width == null && height == null) break
  }
  view.compute_layout()
}

function laid_out(view) {
  // A Bokeh layout (a LayoutDOMView: rows, columns, Panel's layouts), not the page around it.
  return view != null && typeof view.box_sizing === "function"
    && typeof view._update_layout === "function" && view.child_views != null
}

function on_new_arrays() {
  // New numbers from the server: keep the step where it still exists. The new size's layout
  // would paint at once, and the highlights' move again a frame later: held, they paint
  // together, once.
  figure.setv({hold_render: true}, {sync: false})
  forget_answers()
  try {
    if (ready()) render(Math.min(state.n, sizes().N - 1))
    fit_frame()
  } finally {
    figure.setv({hold_render: false}, {sync: false})
  }
  reveal()
  offer_pan()
  follow()
  // Written in the frame that paints the new arrays, the address slowed that frame
  // (history.replaceState): it waits until the changes stop.
  clearTimeout(state.address_timer)
  state.address_timer = setTimeout(() => write_address(false), ADDRESS_AFTER_MS)
}

const ADDRESS_AFTER_MS = 150  // after the last new arrays: a burst of changes writes it once

function write_address(opening) {
  // A served page's address names its settings as the server last wrote them (meta.address),
  // in place of what was there, so that a refused value leaves it instead of being refused
  // again on every reload. (Panel's Location merges what it writes into what was there, and
  // reads the address as typed values: embed=true comes back as embed=True, and a 5,000-digit
  // number makes it raise and the page go blank.) The step is the browser's: kept while it is
  // a step number, and on opening, the step shown for whatever was asked (step=-1 shows 1).
  if (meta.data.address === undefined) return
  rewrite_address("settings", (url) => {
    const step = url.searchParams.get("step")
    const query = new URLSearchParams(meta.data.address[0])
    if (step !== null && opening) query.set("step", String(state.n + 1))
    else if (step !== null && /^[1-9][0-9]{0,6}$/.test(step)) query.set("step", step)
    url.search = query.toString()
  })
}

function remember_step() {
  // A paused step goes into the address, so that copying it shows the same step.
  rewrite_address("step", (url) => url.searchParams.set("step", String(state.n + 1)))
}

function rewrite_address(what, edit) {
  // The page's address, changed by `edit` in place (no reload, no history entry), where the
  // figure keeps it (a served page's own figure).
  if (!meta.data.write_url?.[0]) return
  try {
    const url = new URL(document.location.href)
    edit(url)
    if (url.href !== document.location.href) history.replaceState(history.state, "", url)
  } catch (error) {
    console.warn(`the ${what} could not be written to the address`, error)
  }
}

function stop() {
  if (state.timer !== null) clearInterval(state.timer)
  state.timer = null
  show_moving()
  if (state.readout_n !== undefined && state.readout_n !== state.n) render(state.n)  // caught up
}

function show_moving() {
  // Toggle Movement says whether the demo moves (aria-pressed), and its stylesheet shows it:
  // solid while it moves, outlined while it is paused (animated.BUTTON_CSS).
  const view = typeof Bokeh === "undefined" ? null : Bokeh.index.find_one(toggle)
  view?.button_el?.setAttribute("aria-pressed", String(state.timer !== null))
}

function go(n) {
  stop()
  render(n)
  remember_step()
  announce()
}

function play() {
  stop()
  if (!ready()) return
  if (quiz().asking !== null) return  // a question waits for its answer
  state.timer = setInterval(() => render(state.n + 1), 1000 / speed.value)
  show_moving()
}

function toggle_movement() {
  if (state.hint) {
    state.hint = false
    render(state.n)
  }
  if (quiz().asking !== null) {
    answer_first()
  } else if (state.timer === null) {
    play()
    live_region().textContent = "Moving."
  } else {
    stop()
    remember_step()
    announce()
  }
}

function on_key(event) {
  const target = event.composedPath()[0]
  const tag = (target && target.tagName) || ""
  // Typing in a field, or space on a focused button, keeps its usual meaning.
  if (/^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(tag) || (target && target.isContentEditable)) return
  if (!ready()) return
  const m = sizes()
  const actions = {
    " ": toggle_movement,
    ArrowLeft: () => go(state.n - 1),
    ArrowRight: () => go(state.n + 1),
    Home: () => go(0),
    End: () => go(m.N - 1),
  }
  if (event.key === "Escape") {
    // The keys are the page's again: a slide's arrows, a notebook's shortcuts.
    event.composedPath().find((el) => el.blur !== undefined && el.tabIndex >= 0)?.blur()
    document.activeElement?.blur?.()
    return
  }
  const action = actions[event.key]
  if (action === undefined || event.ctrlKey || event.altKey || event.metaKey) return
  event.preventDefault()
  action()
}

function name_sliders() {
  // noUiSlider's handles carry no name of their own; give them their slider's title.
  for (const model of [slider, speed]) {
    const view = typeof Bokeh === "undefined" ? null : Bokeh.index.find_one(model)
    for (const handle of view?.slider_el?.querySelectorAll(".noUi-handle") ?? []) {
      handle.setAttribute("aria-label", model.title)
    }
  }
}

function start() {
  // Once a page: the page's ready event calls it where there is one (a served page, the
  // HTML export), the figure's first layout everywhere (a notebook has no ready event).
  if (state.started) return
  state.started = true
  say_if_saved_without_kernel()
  fit_frame()
  state.hint = still()
  if (meta.data.N !== undefined) render(state.n)
  write_address(true)
  follow()
  name_sliders()
  listen()
  report_box()
  offer_pan()
  announce()
  if (!state.hint && following() === null) play()  // a demo that follows moves with it alone
  show_moving()
}

function on_shown() {
  // The server shows a demo when its mode is chosen: it starts moving as on page load.
  if (demo.visible) {
    fit_frame()
    render(Math.min(state.n, sizes().N - 1))
    listen()
    report_box()
    offer_pan()
    if (!still() && following() === null) play()
  } else {
    stop()
  }
}

function cell_in(block, rows, cols, x, y) {
  // [row, col] of the cell under (x, y) in a rows x cols block of `origins`, or null.
  const r = Math.floor(y - origins.data.y[block]), c = Math.floor(x - origins.data.x[block])
  return r >= 0 && r < rows && c >= 0 && c < cols ? [r, c] : null
}

function input_cell_at(m, x, y) {
  // The input cell under (x, y) as drawn: its channel d, row and column (padding counted),
  // and whether it is padding; null off the input.
  for (let d = 0; d < m.C; d++) {
    const cell = cell_in(d, m.input_rows, m.input_cols, x, y)
    if (cell === null) continue
    // Padding lies alike on both sides of the input.
    const [row, col] = cell, top = m.input_row0, left = m.input_col0
    const padding = row < top || row >= m.input_rows - top || col < left || col >= m.input_cols - left
    return {d, row, col, padding}
  }
  return null
}

function on_cell_tap(point) {
  // Editing a value needs the server; a tap on an input, weight or bias cell names it there
  // (cell_at: each layer's scripts say which cell lies where).
  const cell = cell_at(sizes(), point.x, point.y)
  if (cell !== null) edit.data = {cell: [cell]}
}
