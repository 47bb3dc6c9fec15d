// needs: cells.js, window.js, closeup.js
// The backward pass, after controls.js, cells.js and window.js. A step is the forward pass's
// (filter k at output (i, j)) taken back: v = dout[k, i, j] times filter k is added into the
// window of dx, v times the window of x into dw[k], v into db[k]. Args: origins (the forward
// layer's blocks, dout's grids, then dx's grids, dw's slices and the db cells), cells (the
// padded input, weights and biases), upstream (dout), gradients (the finished dx on the padded
// input, dw and db), gradient_text (empty while too small to read), window_box, kernel, cursor.

function locate(m, n) {
  return filter_step(m, n)
}

function running(m, n) {
  // dx (on the padded input), dw and db once steps 0..n have added their shares. Going
  // forward, a step adds its share to what the last one left; anything new from the server
  // (its meta comes with every repaint) or a step back starts again from zeros.
  let run = state.gradients
  if (!run || run.meta !== meta.data || run.n > n) {
    run = state.gradients = {meta: meta.data, n: -1}
    run.dx = new Float64Array(m.C * m.input_rows * m.input_cols)
    run.dw = new Float64Array(m.K * m.Cg * m.FH * m.FW)
    run.db = new Float64Array(m.K)
  }
  for (let q = run.n + 1; q <= n; q++) {
    const {k, i, j, first} = locate(m, q), v = upstream.data.value[q]
    for (let c = 0; c < m.Cg; c++) {
      for (let r = 0; r < m.FH; r++) {
        for (let s = 0; s < m.FW; s++) {
          const [row, col] = window_at(m, i, j, r, s), d = first + c
          run.dx[input_index(m, d, row, col)] += v * weight_value(m, k, c, r, s)
          run.dw[slice_index(m, k, c, r, s)] += v * input_value(m, d, row, col)
        }
      }
    }
    run.db[k] += v
  }
  run.n = n
  return run
}

function place_highlights(m, at) {
  const {k, i, j, first} = at
  const ox = origins.data.x, oy = origins.data.y
  const wx = window_box.data.x, wy = window_box.data.y, kx = kernel.data.x, ky = kernel.data.y
  const taps = m.Cg * m.FH * m.FW
  let p = 0
  for (let c = 0; c < m.Cg; c++) {
    const d = first + c, s = m.block_slices + k * m.Cg + c, g = m.block_dw + k * m.Cg + c
    for (let r = 0; r < m.FH; r++) {
      for (let q = 0; q < m.FW; q++, p++) {
        const [row, col] = window_at(m, i, j, r, q)
        wx[p] = ox[d] + col + 0.5  // the window in x, then the same in dx
        wy[p] = oy[d] + row + 0.5
        wx[taps + p] = ox[m.block_dx + d] + col + 0.5
        wy[taps + p] = oy[m.block_dx + d] + row + 0.5
        kx[p] = ox[s] + q + 0.5  // filter k, then its bias, then dw[k], then db[k]
        ky[p] = oy[s] + r + 0.5
        kx[taps + 1 + p] = ox[g] + q + 0.5
        ky[taps + 1 + p] = oy[g] + r + 0.5
      }
    }
  }
  kx[taps] = ox[m.block_biases + k] + 0.5
  ky[taps] = oy[m.block_biases + k] + 0.5
  kx[2 * taps + 1] = ox[m.block_db + k] + 0.5
  ky[2 * taps + 1] = oy[m.block_db + k] + 0.5
  cursor.data.x[0] = ox[m.block_outputs + k] + j + 0.5
  cursor.data.y[0] = oy[m.block_outputs + k] + i + 0.5
  for (const source of [window_box, kernel, cursor]) source.change.emit()
}

function fill_outputs(m, n, at) {
  // The gradients as they stand after step n, or finished.
  const text = gradient_text.data.text
  if (text.length === 0) return
  const all = finished.active.length > 0
  let values = gradients.data.value
  if (!all) {
    const run = running(m, n)
    values = [...run.dx, ...run.dw, ...run.db]
  }
  for (let q = 0; q < text.length; q++) text[q] = fmt(values[q], m.integer)
  gradient_text.change.emit()
}

function readout_html(m, n, at) {
  const {k, i, j, first} = at
  const v = upstream.data.value[n], shown = fmt(v, m.integer)
  const [top, left] = window_at(m, i, j, 0, 0), [bottom, right] = window_at(m, i, j, m.FH - 1, m.FW - 1)
  let html = `<div class="roles"><b class="blue">blue</b>: the window, in x and in dx · `
  html += `<b class="red">red</b>: filter w${k} and b${k}, and their gradients · `
  html += `<b class="green">green</b>: the upstream gradient it hands back</div>`
  html += `<div class="head">step <b class="step">${n + 1}</b> / ${m.N}: `
  html += `dout[${i},${j},${k}] = <b class="value">${escape(shown)}</b> goes back through w${k}</div>`
  html += `<div class="note">${escape(shown)} × w${k} into dx's window, ${escape(shown)} × x's`
    + ` window into dw${k}, channel by channel:</div>`
  for (let c = 0; c < m.Cg; c++) {
    const d = first + c, slice = [], window = [], into_dx = [], into_dw = []
    for (let r = 0; r < m.FH; r++) {
      for (let q = 0; q < m.FW; q++) {
        const [row, col] = window_at(m, i, j, r, q)
        slice.push(weight_value(m, k, c, r, q))
        window.push(input_value(m, d, row, col))
        into_dx.push(v * slice.at(-1))
        into_dw.push(v * window.at(-1))
      }
    }
    const upstream_value = () => operand(m, "upstream", `dout[${i},${j},${k}]`, [v], 1, 1)
    if (legible(m)) {
      html += `<div class="pairs">`
      html += closeup([upstream_value(), "×", operand(m, "slice", `w${k}[:,:,${c}]`, slice), "=",
        operand(m, "times", `into dx[:,:,${d}]`, into_dx)])
      html += closeup([upstream_value(), "×", operand(m, "patch", `x[:,:,${d}]`, window), "=",
        operand(m, "times", `into dw${k}[:,:,${c}]`, into_dw)])
      html += "</div>"
    } else {
      html += `<div class="channel"><span class="what">dx[:,:,${d}] += ${escape(shown)} × w${k}[:,:,${c}];`
        + ` dw${k}[:,:,${c}] += ${escape(shown)} × x[:,:,${d}]'s window</span></div>`
    }
  }
  const db = finished.active.length > 0 ? gradients.data.value[gradients.data.value.length - m.K + k] : running(m, n).db[k]
  html += `<div class="sum">db${k} += ${escape(shown)}, now <b class="db">${escape(fmt(db, m.integer))}</b></div>`
  const channels = m.G > 1 ? `${first}:${first + m.Cg}` : ":"
  const where = `${channels}, ${top}:${bottom + 1}${m.dh > 1 ? `:${m.dh}` : ""}, ${left}:${right + 1}${m.dw > 1 ? `:${m.dw}` : ""}`
  html += `<div class="notation" title="dX is dx on the padded input, X the padded input">`
  html += escape(`dX[${where}] += dout[${k},${i},${j}] * w[${k}]; dw[${k}] += dout[${k},${i},${j}] * X[${where}]; db[${k}] += dout[${k},${i},${j}]`)
  html += `</div><div class="note">dx, dw and db start at 0; every output value adds its share</div>`
  return html
}

function question_value(m, n, at) {
  // "What is db now?": the running sum of this filter's upstream gradients.
  const {k} = at, v = upstream.data.value[n], db = running(m, n).db[k]
  const {i, j} = at, shown = fmt(v, m.integer)
  return {what: `db${k} once dout[${i},${j},${k}] = ${shown} is added`, answer: db,
    slips: [{value: v, why: `db${k} adds up every upstream value of filter ${k} so far, not this one alone.`},
      {value: db - v, why: "That is db before this step: this step adds its upstream value."}]
      .filter((s) => s.value !== db)}
}

function describe(m, n, at) {
  // The step in words: the upstream value and where its three shares go.
  const {k, i, j} = at
  const [top, left] = window_at(m, i, j, 0, 0), [bottom, right] = window_at(m, i, j, m.FH - 1, m.FW - 1)
  const v = fmt(upstream.data.value[n], m.integer)
  return `Step ${n + 1} of ${m.N}: dout at row ${i}, column ${j} of channel ${k} is ${v}; ${v}`
    + ` times filter w${k} is added into dx over padded rows ${top} to ${bottom} and columns`
    + ` ${left} to ${right}, ${v} times that window of x into dw${k}, and ${v} into db${k}.`
}
