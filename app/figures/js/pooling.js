// needs: cells.js, window.js, grid.js, closeup.js
// Pooling's steps, after controls.js, window.js and grid.js: one channel's window a step, its
// largest value (or their mean) into the same channel of the output. Args: cells (the drawn
// input's values), outputs, scalars (each step's winning tap for max, its divisor for avg),
// window_box, kernel (the winner's outline), cursor, links.

function locate(m, n) {
  // Channel k's output cell (i, j): its window reads channel k alone.
  const at = position(n, m.OH, m.OW)
  return {...at, first: at.k}
}

function tap_kind(m, row, col) {
  // "input", "padding" (inside the padded size) or "beyond" (a ceil-mode window past it).
  const top = m.input_row0, left = m.input_col0
  if (row >= top && row < top + m.H && col >= left && col < left + m.W) return "input"
  return row < m.H + 2 * top && col < m.W + 2 * left ? "padding" : "beyond"
}

function pool_taps(m, at) {
  // The window's taps row by row: drawn row and column, value, and whether the result reads it.
  const taps = []
  for (let r = 0; r < m.FH; r++) {
    for (let q = 0; q < m.FW; q++) {
      const [row, col] = window_at(m, at.i, at.j, r, q)
      const kind = tap_kind(m, row, col)
      const counted = kind === "input" || (!m.pool_max && m.count_include_pad && kind === "padding")
      taps.push({row, col, kind, counted, value: input_value(m, at.k, row, col)})
    }
  }
  return taps
}

function place_highlights(m, at) {
  const {k, i, j} = at
  const ox = origins.data.x, oy = origins.data.y, out0 = m.block_outputs
  place_window(m, at, window_box)
  if (m.pool_max) {
    const tap = scalars.data.value[step_of(m, at)]
    const [row, col] = window_at(m, i, j, Math.floor(tap / m.FW), tap % m.FW)
    kernel.data.x[0] = ox[k] + col + 0.5
    kernel.data.y[0] = oy[k] + row + 0.5
    kernel.change.emit()
  }
  const [top, left] = window_at(m, i, j, 0, 0)
  const [bottom, right] = window_at(m, i, j, m.FH - 1, m.FW - 1)
  const l = links.data, cx = ox[out0 + k] + j, cy = oy[out0 + k] + i
  l.x0[0] = l.x0[1] = ox[k] + right + 1
  l.y0[0] = oy[k] + top; l.y0[1] = oy[k] + bottom + 1
  l.x1[0] = l.x1[1] = cx
  l.y1[0] = cy; l.y1[1] = cy + 1
  cursor.data.x[0] = cx + 0.5
  cursor.data.y[0] = cy + 0.5
  for (const source of [cursor, links]) source.change.emit()
}

function step_of(m, at) {
  return (at.k * m.OH + at.i) * m.OW + at.j
}

function fill_outputs(m, n, at) {
  write_outputs(m, n)
}

function pool_terms(m, taps) {
  // The values the result reads, as written in the readout: padding as -∞ for max.
  return taps.filter((t) => t.counted || (m.pool_max && t.kind === "padding"))
    .map((t) => (t.counted ? fmt(t.value, m.integer) : "-∞"))
    .map((s) => (s.startsWith("-") && s !== "-∞" ? `(${s})` : s))
}

function pool_rule(m, n) {
  // The result's rule in words, the divisor's for the average.
  if (m.pool_max) return "the largest value; padding reads as -∞, so it never wins"
  const divisor = scalars.data.value[n]
  return m.count_include_pad
    ? `the divisor ${divisor} counts the padding too (count_include_pad=True)`
    : `the divisor ${divisor} counts the input cells alone (count_include_pad=False)`
}

function readout_html(m, n, at) {
  const {k, i, j} = at
  const taps = pool_taps(m, at), o = fmt(outputs.data.value[n], m.integer)
  const winner = m.pool_max ? scalars.data.value[n] : -1
  let html = `<div class="head">step <b class="step">${n + 1}</b> / ${m.N}: `
  html += `${m.pool_max ? "max" : "average"} pooling at o[${i},${j}] of o[:,:,${k}]</div>`
  html += `<div class="roles"><span class="blue">blue: the window on x[:,:,${k}]</span>`
  html += m.pool_max ? `, <span class="red">red dashes: its largest value</span>` : ""
  html += `, <span class="green">green: the output cell</span></div>`
  // The window's values, with padding as max pooling reads it and a dilation's skipped cells
  // as dots; the winner marked.
  const window = {kind: "patch", label: `x[:,:,${k}] under the window`, rows: m.FH, cols: m.FW,
    text: [], marks: []}
  taps.forEach((t, p) => {
    window.text.push(t.kind === "input" ? fmt(t.value, m.integer)
      : t.kind === "padding" ? (m.pool_max ? "-∞" : "0") : "·")
    window.marks.push(p === winner ? "winner" : t.kind === "input" ? "" : "off")
  })
  html += closeup([window])
  const terms = pool_terms(m, taps)
  const sum = m.pool_max ? `max(${terms.join(", ")})`
    : `(${terms.join(" + ")}) / ${scalars.data.value[n]}`
  html += `<div class="sum">${escape(sum)} = <b class="value">${escape(o)}</b>, on channel ${k} alone</div>`
  html += `<div class="note">${escape(pool_rule(m, n))}.</div>`
  html += `<div class="note answer">Pooling keeps each channel apart: the output has ${m.C}`
    + ` channels, as the input has; a convolution adds the channels' dot products into one`
    + " value.</div>"
  if (m.global_pool) html += `<div class="note">The window is the whole input: global ${m.pool_max ? "max" : "average"} pooling.</div>`
  return html
}

function question_value(m, n, at) {
  // "What is the output?": the window's largest value or its average, and the other one.
  const {k, i, j} = at, value = outputs.data.value[n]
  const read = pool_taps(m, at).filter((t) => t.kind === "input").map((t) => t.value)
  const slips = []
  if (read.length > 0) {
    const mean = read.reduce((a, b) => a + b, 0) / read.length
    slips.push(m.pool_max
      ? {value: mean, why: "That is the window's average: max pooling takes its largest value."}
      : {value: Math.max(...read), why: "That is the window's largest: average pooling takes the mean."})
    if (!m.pool_max) {
      const all = read.reduce((a, b) => a + b, 0) / (m.FH * m.FW)
      slips.push({value: all, why: "That divides by the whole window, padding too; this one counts the input cells alone."})
      slips.push({value: mean, why: "That divides by the input cells alone; this one counts the padding too."})
    }
  }
  return {what: `o[${i},${j},${k}]`, answer: value, slips: slips.filter((s) => fmt(s.value, m.integer) !== fmt(value, m.integer))}
}

function describe(m, n, at) {
  const {k, i, j} = at
  const [top, left] = window_at(m, i, j, 0, 0), [bottom, right] = window_at(m, i, j, m.FH - 1, m.FW - 1)
  const o = fmt(outputs.data.value[n], m.integer)
  const what = m.pool_max ? "the largest of its values" : "the average of its values"
  return `Step ${n + 1} of ${m.N}: the window covers padded rows ${top} to ${bottom} and columns`
    + ` ${left} to ${right} of channel ${k} alone; ${what} is ${o}, output o[${i},${j}] of`
    + ` channel ${k}. Pooling keeps each channel apart: ${m.C} channels in, ${m.C} out.`
}
