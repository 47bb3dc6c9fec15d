// needs: cells.js, window.js, grid.js, closeup.js
// The direct convolution's steps, after controls.js and grid.js. Args: origins (top-left of every
// block), cells, outputs, output_text (empty while cells are too small to read), scalars,
// window_box, kernel, cursor, links (the highlight glyphs), preview (the window of a hovered
// output cell), images and levels (the image
// mode's pictures, and each output cell's grey level).

function locate(m, n) {
  return filter_step(m, n)
}

function place_highlights(m, at) {
  const {k, i, j, first} = at
  const ox = origins.data.x, oy = origins.data.y
  const slice0 = m.block_slices, bias0 = m.block_biases, out0 = m.block_outputs
  const kx = kernel.data.x, ky = kernel.data.y, l = links.data
  // The links run from the window's right edge, top and bottom, to the slice's left corners.
  const top = window_at(m, i, j, 0, 0)[0]
  const [last_row, last_col] = window_at(m, i, j, m.FH - 1, m.FW - 1)
  place_window(m, at, window_box)
  let p = 0
  for (let c = 0; c < m.Cg; c++) {
    const d = first + c, s = slice0 + k * m.Cg + c
    if (m.outline_blocks) {  // the slice as one rectangle (see place_window)
      kx[p] = ox[s] + m.FW / 2
      ky[p++] = oy[s] + m.FH / 2
    } else {
      for (let r = 0; r < m.FH; r++) {
        for (let q = 0; q < m.FW; q++, p++) {
          kx[p] = ox[s] + q + 0.5
          ky[p] = oy[s] + r + 0.5
        }
      }
    }
    const right = ox[d] + last_col + 1
    l.x0[2 * c] = right; l.y0[2 * c] = oy[d] + top; l.x1[2 * c] = ox[s]; l.y1[2 * c] = oy[s]
    l.x0[2 * c + 1] = right; l.y0[2 * c + 1] = oy[d] + last_row + 1
    l.x1[2 * c + 1] = ox[s]; l.y1[2 * c + 1] = oy[s] + m.FH
  }
  kx[p] = ox[bias0 + k] + 0.5
  ky[p] = oy[bias0 + k] + 0.5
  cursor.data.x[0] = ox[out0 + k] + j + 0.5
  cursor.data.y[0] = oy[out0 + k] + i + 0.5
  for (const source of [kernel, cursor, links]) source.change.emit()
}

function paint_pictures(m, n) {
  // Image mode: output pixels appear as their steps are taken, as the numbers do, and the
  // output picture with them.
  if (!m.picture) return
  const all = finished.active.length > 0, level = levels.data.value, blocks = images.data.image
  const per = m.OH * m.OW, picture = blocks[m.first_output + m.K]
  const grey = (v) => (0xFF000000 | (v << 16) | (v << 8) | v) >>> 0
  paint_output_images(m, n, (q) => grey(level[q]), images)
  for (let p = 0; p < per; p++) {
    if (m.rgb) {  // one filter per colour: the picture gains red, then green, then blue
      const [r, g, b] = [0, 1, 2].map((k) => (all || k * per + p <= n ? level[k * per + p] : 0))
      picture[p] = (0xFF000000 | (b << 16) | (g << 8) | r) >>> 0
    } else {
      picture[p] = all || p <= n ? grey(level[p]) : m.blank
    }
  }
  images.change.emit()
}

function fill_outputs(m, n, at) {
  paint_pictures(m, n)
  write_outputs(m, n)
}

function readout_html(m, n, at) {
  const {k, i, j, first} = at
  const terms = [], names = []
  // The head names what each colour marks: the legend of the picture's outlines.
  let html = `<div class="head">step <b class="step">${n + 1}</b> / ${m.N}: `
  html += `the <span class="blue">window</span> and <span class="red">filter w${k}, b${k}</span>`
  html += ` give <span class="green">o[${i},${j}] of o[:,:,${k}]</span></div>`
  for (let c = 0; c < m.Cg; c++) {
    const d = first + c, v = scalars.data.value[n * m.Cg + c], s = fmt(v, m.integer)
    terms.push(`<span class="term" data-term="${d}">${v < 0 ? `(${s})` : s}</span>`)
    names.push(`s<sub>${c}</sub>`)
    const gives = `<span class="gives">= s<sub>${c}</sub> = <b class="scalar" data-channel="${d}">`
      + `${escape(s)}</b></span>`
    html += legible(m) ? closeup(channel_closeup(m, at, c), gives)
      : `<div class="channel"><span class="what">x[:,:,${d}] · w${k}[:,:,${c}]</span>${gives}</div>`
  }
  const b = fmt(bias_value(m, k), m.integer), o = fmt(outputs.data.value[n], m.integer)
  const bias_term = b.startsWith("-") ? `(<span class="bias">${b}</span>)` : `<span class="bias">${b}</span>`
  html += `<div class="sum answer"><span class="what">o[${i},${j},${k}] = ${names.join(" + ")} + b${k}</span>`
  html += ` = ${terms.join(" + ")} + ${bias_term} = <b class="value">${escape(o)}</b></div>`
  html += `<div class="note">The channels' dot products are added, with the bias: not the largest,`
    + " not the average.</div>"
  html += `<div class="notation" title="The CS231n notes' notation: X is the padded input as`
    + ` X[row, column, channel], Wk and bk filter k and its bias">${escape(notation(m, at, o))}</div>`
  if (m.relu) {
    const kept = fmt(Math.max(0, outputs.data.value[n]), m.integer)
    html += `<div class="sum">ReLU: max(0, ${escape(o)}) = <b class="relu">${escape(kept)}</b></div>`
  }
  return html
}

function channel_closeup(m, at, c) {
  // x's window on channel d times slice c of the filter, cell by cell.
  const {k, i, j, first} = at, d = first + c
  const xs = [], ws = [], products = []
  for (let r = 0; r < m.FH; r++) {
    for (let q = 0; q < m.FW; q++) {
      const [row, col] = window_at(m, i, j, r, q)
      const x = input_value(m, d, row, col), w = weight_value(m, k, c, r, q)
      xs.push(x)
      ws.push(w)
      products.push(x * w)
    }
  }
  return [operand(m, "patch", `x[:,:,${d}]`, xs), "×", operand(m, "slice", `w${k}[:,:,${c}]`, ws),
    "=", operand(m, "times", "products", products)]
}

function question_combine(m, n, at) {
  // "How are they combined?": the step's dot products, its bias, and what each wrong way of
  // combining them would mean; null where a filter reads one channel (nothing to combine).
  if (m.Cg < 2) return null
  const scalars = [], shown = []
  for (let c = 0; c < m.Cg; c++) scalars.push(scalars_at(n, c))
  for (const v of scalars) shown.push(v < 0 ? `(${fmt(v, m.integer)})` : fmt(v, m.integer))
  const bias = bias_value(m, at.k), value = outputs.data.value[n]
  const b = bias < 0 ? `(${fmt(bias, m.integer)})` : fmt(bias, m.integer)
  return {
    scalars, bias,
    sum_words: `${shown.join(" + ")} + ${b} = ${fmt(value, m.integer)}`,
    wrong: {
      average: "Averaging them is what average pooling does, on each channel apart.",
      largest: "Taking the largest is what max pooling does, on each channel apart.",
      multiply: "Nothing multiplies the channels' dot products together.",
      keep: `Keeping ${m.Cg} outputs would make one output channel per input channel and`
        + " filter; a filter gives one.",
    },
  }
}

function question_value(m, n, at) {
  // "What is the output?": the cell, its value, and the telling wrong answers.
  const {k, i, j} = at, value = outputs.data.value[n], bias = bias_value(m, k)
  const scalars = []
  for (let c = 0; c < m.Cg; c++) scalars.push(scalars_at(n, c))
  const sum = scalars.reduce((a, b) => a + b, 0)
  const slips = [{value: sum, why: "The bias was left out: it is added once, after the channels."}]
  scalars.forEach((s, c) => slips.push(
    {value: value - s, why: `Channel ${at.first + c}'s dot product was left out: every channel the filter reads is added.`}))
  slips.push({value: -value, why: "The sign is the other way: check the negative weights."})
  if (m.Cg > 1) {
    slips.push({value: sum / m.Cg + bias, why: "That is the average of the channels: they are added, not averaged."})
    slips.push({value: Math.max(...scalars) + bias, why: "That is the largest channel's: they are added, not the largest taken."})
  }
  return {what: `o[${i},${j},${k}]`, answer: value, slips: slips.filter((s) => s.value !== value)}
}

function scalars_at(n, c) {
  return scalars.data.value[n * sizes().Cg + c]
}

function notation(m, at, o) {
  // The step as the CS231n notes write it: V[1,1,0] = np.sum(X[2:5, 2:5, :] * W0) + b0,
  // with a slice step where dilation makes one and the group's channels where groups > 1.
  const {k, i, j, first} = at
  const axis = (start, taps, dilation) =>
    `${start}:${start + dilation * (taps - 1) + 1}${dilation > 1 ? `:${dilation}` : ""}`
  const [top, left] = window_at(m, i, j, 0, 0)
  const channels = m.Cg === m.C ? ":" : `${first}:${first + m.Cg}`
  return `V[${i},${j},${k}] = np.sum(X[${axis(top, m.FH, m.dh)}, ${axis(left, m.FW, m.dw)},`
    + ` ${channels}] * W${k}) + b${k}  # = ${o}`
}

function describe(m, n, at) {
  // The step in words: the window, the filter, the sum and the output cell.
  const {k, i, j, first} = at
  const [top, left] = window_at(m, i, j, 0, 0), [bottom, right] = window_at(m, i, j, m.FH - 1, m.FW - 1)
  const channels = m.Cg === m.C ? "every input channel" : `input channels ${first} to ${first + m.Cg - 1}`
  const terms = []
  for (let c = 0; c < m.Cg; c++) terms.push(fmt(scalars.data.value[n * m.Cg + c], m.integer))
  const bias = fmt(bias_value(m, k), m.integer), o = fmt(outputs.data.value[n], m.integer)
  return `Step ${n + 1} of ${m.N}: the window covers padded rows ${top} to ${bottom} and columns`
    + ` ${left} to ${right} of ${channels}; filter w${k}'s slices give ${terms.join(", ")};`
    + ` added with bias ${bias}, the sum is ${o}, output o[${i},${j}] of channel ${k}. The`
    + " channels' dot products are added, not the largest, not the average."
}
