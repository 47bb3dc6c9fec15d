// Predict, then see: with Predict on, the demo stops before a step's result and asks first
// (how the channels' dot products combine, the step's value, the output's shape), then shows
// the step with its arithmetic. Everything happens here, in the browser: an answer never
// goes to the server, so it works the same in the HTML export opened from disk and in a
// notebook saved without its kernel. Args: predict (the Predict toggle), question (the Div
// that asks, under Toggle Movement), contract.ask (which questions: combine, value, shape),
// contract.every (ask at every Nth step). A layer's files give its question: question_value
// (its step's value, and the telling wrong answers), question_combine where a step adds
// channels.

const COMBINE_RIGHT_TIMES = 2  // "how are they combined?" until answered right this often
const CHOICES = [
  ["add", "Add them, and the bias"],
  ["average", "Average them"],
  ["largest", "Take the largest"],
  ["multiply", "Multiply them"],
  ["keep", "Keep them as separate outputs"],
]

function quiz() {
  // What this demo's learner has answered, kept on the toggle model with the timer.
  state.quiz ??= {right: 0, asked: 0, combined: 0, seen: new Set(), shape: null, asking: null,
    answered: null}  // answered: the step whose answer is on screen, shown before what is next
  return state.quiz
}

function predicting() {
  return predict != null && predict.active && ready()
}

function asks(kind) {
  return contract.ask.includes(kind)
}

function shape_signature(m) {
  return `${m.OH}x${m.OW}x${m.K > 0 ? m.K : m.C}/${m.N}`
}

function must_ask(n) {
  // A step not yet shown in this run, at the teacher's pace; or the shape, once a change of
  // setting has made a new one.
  if (!predicting()) return false
  const q = quiz(), m = sizes()
  if (q.seen.has(n)) return false  // its result is on screen already
  if (asks("shape") && q.shape !== shape_signature(m)) return true
  return (asks("value") || asks("combine")) && n % contract.every === 0
}

function ask(n) {
  // The step's window and slices on screen, its result held back, and the question.
  const was_playing = state.timer !== null
  if (state.timer !== null) clearInterval(state.timer)
  state.timer = null
  show_moving()
  const m = sizes(), at = locate(m, n), q = quiz()
  hold(n)
  // The first question is how the channels combine, where a step combines any; then the
  // shape whenever it is new; then how they combine until answered right twice; then values.
  const combines = asks("combine") && q.combined < COMBINE_RIGHT_TIMES
    && typeof question_combine === "function" && question_combine(m, n, at) !== null
  let kind = asks("value") ? "value" : "combine"
  if (combines && q.asked === 0) kind = "combine"
  else if (asks("shape") && q.shape !== shape_signature(m)) kind = "shape"
  else if (combines) kind = "combine"
  else if (!asks("value")) return shown_unasked(n)
  q.asking = {n, kind, m, at, was_playing}
  write_readout(`<div class="head">step <b class="step">${n + 1}</b> / ${m.N}: predict first,`
    + " then see</div>" + held_back(m, n, at, kind))
  if (kind === "shape") hide_shape_in_headings(m)
  write_question(question_html(m, n, at, kind))
  live_region().textContent = `Step ${n + 1} of ${m.N}. ${question_words(m, n, at, kind)}`
}

function shown_unasked(n) {
  // Nothing this layer can be asked at this step (combine alone, where nothing combines).
  quiz().seen.add(n)
  render(n)
}

function hold(n) {
  // Step n's window and slices on screen, the outputs as the step before left them.
  const m = sizes(), at = locate(m, n)
  state.n = n
  place_highlights(m, at)
  fill_outputs(m, n - 1, n > 0 ? locate(m, n - 1) : at)
  if (slider.value !== n + 1) slider.setv({value: n + 1}, {sync: false})
}

function hide_shape_in_headings(m) {
  // The headings name the shape asked for ("Output Volume (3x3x2)", "x_col: 27x9"): while it
  // is asked, they say "?" in its place.
  const shape = shape_asked(m).sides.map(([, value]) => value).join("x")
  const text = labels.data.text
  if (text === undefined || state.headings_kept !== undefined) return
  state.headings_kept = Array.from(text)
  labels.data.text = text.map((t) => String(t).replaceAll(shape, shape.replace(/\d+/g, "?")))
  labels.change.emit()
}

function show_headings() {
  if (state.headings_kept === undefined) return
  labels.data.text = state.headings_kept
  state.headings_kept = undefined
  labels.change.emit()
}

function held_back(m, n, at, kind) {
  // What the readout shows while it asks: the step's dot products for "how are they
  // combined?", nothing of the result otherwise.
  if (kind !== "combine") return `<div class="note">The result is held back until you answer.</div>`
  const c = question_combine(m, n, at)
  const terms = c.scalars.map((v, i) => `s<sub>${i}</sub> = ${escape(fmt(v, m.integer))}`)
  return `<div class="sum">${terms.join(", ")}, bias b${at.k} = ${escape(fmt(c.bias, m.integer))}</div>`
    + `<div class="note">The output cell stays empty until you answer.</div>`
}

function shape_asked(m) {
  // What the shape question asks: a layer's own (question_shape: im2col asks x_col's), or
  // the output's rows, columns and depth, with why the depth is what it is.
  if (typeof question_shape === "function") return question_shape(m)
  const depth = m.K > 0 ? m.K : m.C
  return {
    what: "the output", sides: [["rows", m.OH], ["columns", m.OW], ["depth", depth]],
    why: m.K > 0 ? `Its depth is the number of filters, ${m.K}: each filter adds every channel it reads into one output channel.`
      : `Its depth is the input's, ${m.C}: pooling keeps each channel apart.`,
  }
}

function question_words(m, n, at, kind) {
  if (kind === "shape") {
    const shape = shape_asked(m), sides = shape.sides.map(([side]) => side)
    return `What shape is ${shape.what}: its ${sides.slice(0, -1).join(", ")} and ${sides.at(-1)}?`
  }
  if (kind === "combine") return "How do the channels' dot products and the bias become the output?"
  return `What is ${question_value(m, n, at).what}?`
}

function score_html() {
  const q = quiz()
  return `<div class="score">Score: <b>${q.right} of ${q.asked}</b> right`
    + ` <button type="button" data-act="reset">Reset score</button></div>`
}

function question_html(m, n, at, kind) {
  let html = `<div class="ask" role="group" aria-label="Predict"><p class="q">${escape(question_words(m, n, at, kind))}</p>`
  if (kind === "combine") {
    html += `<div class="choices">`
    for (const [act, words] of CHOICES) html += `<button type="button" data-act="${act}">${words}</button>`
    html += "</div>"
  } else if (kind === "shape") {
    const shape = shape_asked(m)
    for (const [side] of shape.sides) {
      html += `<label>${escape(side)}: <input type="text" inputmode="numeric" size="4"`
        + ` data-field="${side}" aria-label="Your answer: ${escape(shape.what)}'s ${side}"></label> `
    }
    html += `<button type="button" data-act="check">Check</button>`
  } else {
    const what = escape(question_value(m, n, at).what)
    html += `<label>${what} = <input type="text" inputmode="decimal" size="8" data-field="value"`
      + ` aria-label="Your answer: the value of ${what}"></label>`
      + ` <button type="button" data-act="check">Check</button>`
  }
  return html + `</div>` + score_html()
}

function write_question(html, focus = false) {
  question.setv({text: html, visible: true}, {sync: false})
  const view = typeof Bokeh === "undefined" ? null : Bokeh.index.find_one(question)
  if (view == null) return
  const root = view.el.shadowRoot ?? view.el
  if (state.question_root !== root) {
    // One listener for whatever the question holds; keys typed into it stay in it.
    state.question_root = root
    root.addEventListener("click", on_question_click)
    root.addEventListener("keydown", (event) => {
      event.stopPropagation()
      if (event.key === "Enter" && event.composedPath()[0]?.tagName === "INPUT") {
        event.preventDefault()
        answer("check")
      }
    })
  }
  // The answer's field takes the focus where a person is using the page (not on load, which
  // would take it from the course page around an embed).
  if (focus || (document.activeElement != null && document.activeElement !== document.body)) {
    const first = root.querySelector("input, .choices button, [data-act=continue]")
    setTimeout(() => first?.focus({preventScroll: true}), 0)
  }
}

function on_question_click(event) {
  const act = event.composedPath().find((el) => el.dataset?.act)?.dataset.act
  if (act === "reset") {
    const q = quiz()
    q.right = 0
    q.asked = 0
    q.combined = 0
    const score = (state.question_root).querySelector(".score")
    if (score != null) score.outerHTML = score_html()
  } else if (act === "continue") {
    go_on()
  } else if (act !== undefined) {
    answer(act)
  }
}

function field(name) {
  return (state.question_root)?.querySelector(`[data-field="${name}"]`)?.value.trim() ?? ""
}

function same(typed, value, m) {
  // A typed number is right when it reads as the value shown (decimals to their places).
  const number = Number(typed.replace("−", "-").replace(",", "."))
  return typed !== "" && Number.isFinite(number) && fmt(number, m.integer) === fmt(value, m.integer)
}

function answer(act) {
  const q = quiz(), asking = q.asking
  if (asking === null) return
  const {n, kind, m, at} = asking
  let right = false, told = ""
  if (kind === "combine") {
    const c = question_combine(m, n, at)
    right = act === "add"
    told = right ? `They are added: ${c.sum_words}.`
      : `${c.wrong[act] ?? ""} A convolution adds them: ${c.sum_words}.`
    if (right) q.combined += 1
  } else if (kind === "shape") {
    if (act !== "check") return
    const shape = shape_asked(m), sizes_typed = shape.sides.map(([side]) => field(side))
    const size = shape.sides.map(([, value]) => value)
    right = sizes_typed.join("x") === size.join("x")
    const formulas = meta.data.formulas?.[0] ?? ""  // each formula ends with its value
    told = `Its shape: ${shape.what} is ${size.join("x")}`
      + ` (${shape.sides.map(([side]) => side).join(" x ")}). ${shape.why} ${formulas}`
    q.shape = shape_signature(m)
    show_headings()
  } else {
    if (act !== "check") return
    const v = question_value(m, n, at), typed = field("value")
    right = same(typed, v.answer, m)
    const slip = right ? null : v.slips.find((s) => same(typed, s.value, m))
    told = `${v.what} = ${fmt(v.answer, m.integer)}.${slip ? ` ${slip.why}` : ""}`
  }
  q.asked += 1
  q.right += right ? 1 : 0
  if (kind !== "shape") q.seen.add(n)
  state.resume = asking.was_playing
  q.asking = null
  const mark = right ? "✓ Correct." : "✗ Not quite."
  write_question(`<div class="told ${right ? "right" : "wrong"}"><b>${mark}</b> ${escape(told)}</div>`
    + `<button type="button" data-act="continue">${kind === "shape" ? "Go on" : "Show the step"}</button>`
    + score_html(), true)
  live_region().textContent = `${mark} ${told} Score: ${q.right} of ${q.asked} right.`
  q.answered = n
  if (kind !== "shape") render(n)  // the step, its arithmetic in the readout
}

function go_on() {
  // After the answer: the step as it is, and the question put away until the next.
  const n = state.n, q = quiz()
  q.answered = null
  question.setv({visible: false}, {sync: false})
  show_headings()
  // A step whose result is on screen stays so: what is still to ask waits for the next step.
  if (must_ask(n)) ask(n)
  else {
    render(n)
    remember_step()
    if (state.resume) play()  // it was moving when it stopped to ask
  }
}

function forget_answers() {
  // New numbers: every step is new to the learner again, and a question about the old ones
  // is withdrawn (the score stays). The same numbers placed again for another window size
  // (opening the settings) keep the question and what was typed.
  const q = quiz(), numbers = fingerprint()
  if (q.numbers === numbers) return
  q.numbers = numbers
  state.headings_kept = undefined  // the new headings came with the new arrays
  q.seen.clear()
  q.asking = null
  q.answered = null
}

function fingerprint() {
  // The layer's sizes and numbers, in one string: equal when only the placing changed.
  const values = cells.data.value ?? []
  let sum = 0
  for (let p = 0; p < values.length; p++) sum = (sum + values[p] * (p % 97 + 1)) % 1e9
  return `${shape_signature(sizes())}:${values.length}:${sum}`
}

function answer_first() {
  // Toggle Movement while a question waits: the question keeps the focus.
  live_region().textContent = "Answer the question first, or switch Predict off."
  state.question_root?.querySelector("input, .choices button, button")?.focus()
}

function on_predict() {
  // Predict switched on asks at once (the shape first); off, the demo is itself again.
  if (predict.active) {
    if (must_ask(state.n)) ask(state.n)
  } else {
    quiz().asking = null
    question.setv({visible: false}, {sync: false})
    render(state.n)
  }
}
