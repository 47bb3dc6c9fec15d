// needs: cells.js, closeup.js
// The transposed convolution's steps, after controls.js. A step is one input position of one
// filter: each channel's input value scales that channel's slice, and the summed slices are
// added into a window of the uncropped output (the canvas). Args: origins (top-left of every
// block: inputs, slices, biases, canvases), cells (x, slices and biases, as drawn), outputs
// (the finished canvases), output_text, window_box, kernel, cursor, links.

function locate(m, n) {
  // Input channel k's cell (i, j), and the first filter of its group.
  const at = position(n, m.H, m.W)
  return {...at, first: Math.floor(at.k / m.Kg) * m.Cg}
}

function patch(m, at) {
  // The step's scaled slices summed over its channels: FH*FW values, row by row.
  const sums = new Float64Array(m.FH * m.FW)
  for (let c = 0; c < m.Cg; c++) {
    const v = input_value(m, at.first + c, at.i, at.j)
    for (let p = 0; p < m.FH * m.FW; p++) {
      sums[p] += v * weight_value(m, at.k, c, Math.floor(p / m.FW), p % m.FW)
    }
  }
  return sums
}

function running(m, n, at) {
  // Filter k's canvas once steps up to n have added their windows: bias first, then each.
  // While the movement goes forward, the last canvas gains one window instead of all again;
  // anything new from the server (its meta is sent with every repaint) starts it afresh.
  let run = state.running
  if (!run || run.meta !== meta.data || run.k !== at.k || run.n > n) {
    const bias = bias_value(m, at.k)
    run = state.running = {meta: meta.data, k: at.k, n: at.k * m.H * m.W - 1}
    run.canvas = new Float64Array(m.Hc * m.Wc).fill(bias)
  }
  for (let q = run.n + 1; q <= n; q++) {
    const step = locate(m, q), sums = patch(m, step)
    for (let r = 0; r < m.FH; r++) {
      for (let s = 0; s < m.FW; s++) {
        const [row, col] = window_at(m, step.i, step.j, r, s)
        run.canvas[row * m.Wc + col] += sums[r * m.FW + s]
      }
    }
  }
  run.n = n
  return run.canvas
}

function place_highlights(m, at) {
  const {k, i, j, first} = at
  const ox = origins.data.x, oy = origins.data.y
  const slice0 = m.block_slices, bias0 = m.block_biases, out0 = m.block_outputs
  const kx = kernel.data.x, ky = kernel.data.y, l = links.data
  let p = 0
  for (let c = 0; c < m.Cg; c++) {
    const d = first + c, s = slice0 + k * m.Cg + c
    window_box.data.x[c] = ox[d] + j + 0.5
    window_box.data.y[c] = oy[d] + i + 0.5
    for (let r = 0; r < m.FH; r++) {
      for (let q = 0; q < m.FW; q++, p++) {
        kx[p] = ox[s] + q + 0.5
        ky[p] = oy[s] + r + 0.5
      }
    }
    l.x0[2 * c] = l.x0[2 * c + 1] = ox[d] + j + 1
    l.y0[2 * c] = oy[d] + i
    l.y0[2 * c + 1] = oy[d] + i + 1
    l.x1[2 * c] = l.x1[2 * c + 1] = ox[s]
    l.y1[2 * c] = oy[s]
    l.y1[2 * c + 1] = oy[s] + m.FH
  }
  kx[p] = ox[bias0 + k] + 0.5
  ky[p] = oy[bias0 + k] + 0.5
  p = 0
  for (let r = 0; r < m.FH; r++) {
    for (let q = 0; q < m.FW; q++, p++) {
      const [row, col] = window_at(m, i, j, r, q)
      cursor.data.x[p] = ox[out0 + k] + col + 0.5
      cursor.data.y[p] = oy[out0 + k] + row + 0.5
    }
  }
  for (const source of [window_box, kernel, cursor, links]) source.change.emit()
}

function fill_outputs(m, n, at) {
  // Finished filters show their canvas, the current one its running sums, later ones nothing.
  const text = output_text.data.text, cells_per = m.Hc * m.Wc
  if (text.length === 0) return
  const all = finished.active.length > 0
  const now = all ? null : running(m, n, at)
  let changed = false
  for (let k = 0; k < m.K; k++) {
    for (let p = 0; p < cells_per; p++) {
      const q = k * cells_per + p
      const shown = all || k < at.k ? fmt(outputs.data.value[q], m.integer)
        : k === at.k ? fmt(now[p], m.integer) : ""
      changed = write_cell(text, q, shown) || changed
    }
  }
  if (changed) output_text.change.emit()
}

function readout_html(m, n, at) {
  const {k, i, j, first} = at
  const [top, left] = window_at(m, i, j, 0, 0), [bottom, right] = window_at(m, i, j, m.FH - 1, m.FW - 1)
  const rows = [top - m.ph, bottom - m.ph], cols = [left - m.pw, right - m.pw]
  let html = `<div class="roles"><b class="blue">blue</b>: the input cell being spread · `
  html += `<b class="red">red</b>: the filter slices it scales · `
  html += `<b class="green">green</b>: the output window the sum is added into</div>`
  html += `<div class="head">step <b class="step">${n + 1}</b> / ${m.N}: `
  html += `input x[${i},${j}] through filter w${k} into o[:,:,${k}]</div>`
  for (let c = 0; c < m.Cg; c++) {
    const d = first + c, x = input_value(m, d, i, j), v = fmt(x, m.integer)
    const slice = [], scaled = []
    for (let p = 0; p < m.FH * m.FW; p++) {
      slice.push(weight_value(m, k, c, Math.floor(p / m.FW), p % m.FW))
      scaled.push(x * slice[p])
    }
    const named = `<b class="scalar" data-channel="${d}">${escape(v)}</b>`
    html += legible(m)
      ? closeup([operand(m, "patch", `x[${i},${j},${d}]`, [x], 1, 1), "×",
        operand(m, "slice", `w${k}[:,:,${c}]`, slice), "=", operand(m, "times", "scaled", scaled)])
      : `<div class="channel"><span class="what">x[${i},${j},${d}] = ${named} × w${k}[:,:,${c}]</span></div>`
  }
  const into = `o[${rows[0]}:${rows[1] + 1}, ${cols[0]}:${cols[1] + 1}, ${k}]`
  html += legible(m)
    ? closeup([operand(m, "times", "sum over channels", patch(m, at)), "+=", into])
    : `<div class="channel"><span class="what">sum over channels, added into ${into}</span></div>`
  html += `<div class="sum">added into o[:,:,${k}] rows ${rows[0]}..${rows[1]}, `
  html += `columns ${cols[0]}..${cols[1]}`
  if (m.ph > 0 || m.pw > 0) html += ` (grey cells, outside 0..${m.OH - 1} × 0..${m.OW - 1}, are cropped by padding)`
  html += `</div><div class="note">every output cell starts at its filter's bias</div>`
  return html
}

function question_value(m, n, at) {
  // "What is added?": the channels' scaled slices summed at the window's top-left tap.
  const {k, i, j, first} = at, sums = patch(m, at), [top, left] = window_at(m, i, j, 0, 0)
  const slips = []
  for (let c = 0; c < m.Cg; c++) {
    const alone = input_value(m, first + c, i, j) * weight_value(m, k, c, 0, 0)
    slips.push({value: sums[0] - alone, why: `Channel ${first + c}'s scaled slice was left out: every channel's is added.`})
  }
  slips.push({value: sums[0] + bias_value(m, k), why: "The bias is not added by a step: every output cell starts at it."})
  return {what: `what this step adds at o[${top - m.ph},${left - m.pw},${k}] (the window's top-left tap)`,
    answer: sums[0], slips: slips.filter((s) => s.value !== sums[0])}
}

function describe(m, n, at) {
  // The step in words: the input cell, the filter, and the output window it adds into.
  const {k, i, j} = at
  const [top, left] = window_at(m, i, j, 0, 0), [bottom, right] = window_at(m, i, j, m.FH - 1, m.FW - 1)
  return `Step ${n + 1} of ${m.N}: input cell x[${i},${j}] scales filter w${k}'s slices; their sum`
    + ` is added into output channel ${k}, rows ${top - m.ph} to ${bottom - m.ph}, columns`
    + ` ${left - m.pw} to ${right - m.pw}.`
}
