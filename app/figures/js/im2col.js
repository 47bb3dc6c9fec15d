// needs: window.js, closeup.js
// The convolution as one matrix product (im2col), after controls.js and window.js. A step is
// the forward pass's: filter k at output (i, j), which is column p = i * OW + j of x_col (the
// window, stretched out) times row k of w_row (the filter, stretched out), plus b[k]. Args:
// origins (inputs, then x_col, w_row, bias, product, then the output blocks), units (the
// units a row of x_col and a column of the product take: 1, or less where squeezed), cells
// (the padded input, the weights, the biases), outputs, output_text (product cells, then
// output cells; empty while too small to read), window_box, column, kernel, cursor.

function locate(m, n) {
  // The filter's step, its group g and its column p of x_col.
  const at = filter_step(m, n)
  return {...at, g: at.first / m.Cg, p: at.i * m.OW + at.j}
}

function band(source, q, x, y, width, height) {
  // Rectangle q of a highlight source, by centre and size.
  source.data.x[q] = x
  source.data.y[q] = y
  source.data.width[q] = width
  source.data.height[q] = height
}

function place_highlights(m, at) {
  const {k, i, j, g, p} = at
  const ox = origins.data.x, oy = origins.data.y
  const ur = units.data.row[0], up = units.data.column[0], Rg = m.Cg * m.FH * m.FW
  const middle = (g + 0.5) * Rg * ur  // the middle of the group's rows of x_col
  place_window(m, at, window_box)
  band(column, 0, ox[m.block_x_col] + (p + 0.5) * up, oy[m.block_x_col] + middle, up * 0.86, Rg * ur)
  band(kernel, 0, ox[m.block_w_row] + middle, oy[m.block_w_row] + k + 0.5, Rg * ur, 0.86)
  band(kernel, 1, ox[m.block_bias] + 0.5, oy[m.block_bias] + k + 0.5, 0.86, 0.86)
  band(cursor, 0, ox[m.block_product] + (p + 0.5) * up, oy[m.block_product] + k + 0.5, up * 0.86, 0.86)
  band(cursor, 1, ox[m.block_outputs + k] + j + 0.5, oy[m.block_outputs + k] + i + 0.5, 0.86, 0.86)
  for (const source of [column, kernel, cursor]) source.change.emit()
}

function fill_outputs(m, n, at) {
  // The product's cells and the output's fill in together: they are the same numbers.
  const all = finished.active.length > 0
  const shown = output_text.data.shown, text = output_text.data.text
  if (shown.length === 0) return
  let changed = false
  for (let q = 0; q < m.N; q++) {
    const now = all || q <= n ? text[q] : ""
    changed = write_cell(shown, q, now) || changed
    changed = write_cell(shown, m.N + q, now) || changed
  }
  if (changed) output_text.change.emit()
}

function column_values(m, at) {
  // Column p of x_col within the group's rows, and row k of w_row there: Cg*FH*FW each.
  const xs = [], ws = []
  for (let c = 0; c < m.Cg; c++) {
    for (let r = 0; r < m.FH; r++) {
      for (let q = 0; q < m.FW; q++) {
        const [row, col] = window_at(m, at.i, at.j, r, q)
        xs.push(input_value(m, at.first + c, row, col))
        ws.push(weight_value(m, at.k, c, r, q))
      }
    }
  }
  return [xs, ws]
}

const LISTED = 27  // values a vector lists in the readout; longer ones show their ends

function vector(values, integer) {
  const text = values.map((v) => fmt(v, integer))
  if (text.length <= LISTED) return text.join(", ")
  return `${text.slice(0, 9).join(", ")}, … (${text.length - 18} more) …, ${text.slice(-9).join(", ")}`
}

function readout_html(m, n, at) {
  const {k, i, j, g, p} = at
  // The group's rows of x_col, which are its columns of w_row.
  const Rg = m.Cg * m.FH * m.FW, rows = m.G > 1 ? `${g * Rg}:${(g + 1) * Rg}` : ":"
  const [xs, ws] = column_values(m, at)
  let dot = 0
  for (let q = 0; q < xs.length; q++) dot += xs[q] * ws[q]
  const b = bias_value(m, k), o = outputs.data.value[n]
  let html = `<div class="roles"><b class="blue">blue</b>: the window, and its column of x_col · `
  html += `<b class="red">red</b>: filter w${k} as row ${k} of w_row, and b${k} · `
  html += `<b class="green">green</b>: their product, the output cell</div>`
  html += `<div class="head">step <b class="step">${n + 1}</b> / ${m.N}: `
  html += `column ${p} of x_col (window o[${i},${j}]) · row ${k} of w_row</div>`
  if (legible(m)) html += column_closeup(m, at, xs, ws)
  else {
    html += `<div class="channel"><span class="what">x_col[${rows}, ${p}]</span> = `
    html += `<span class="vector">[${escape(vector(xs, m.integer))}]</span></div>`
    html += `<div class="channel"><span class="what">w_row[${k}, ${rows}]</span> = `
    html += `<span class="vector">[${escape(vector(ws, m.integer))}]</span></div>`
  }
  html += `<div class="sum">dot product ${escape(fmt(dot, m.integer))} + b${k} `
  html += `${escape(fmt(b, m.integer))} = <b class="value">${escape(fmt(o, m.integer))}</b></div>`
  html += `<div class="notation" title="Row k of the product is output block k, read row by row">`
  const notation = `V[${k}, ${p}] = w_row[${k}, ${rows}] @ x_col[${rows}, ${p}] + b[${k}]`
  html += `${escape(`${notation}  # o[${i},${j},${k}] = ${fmt(o, m.integer)}`)}</div>`
  const ratio = (m.R * m.P) / (m.C * m.H * m.W)
  html += `<div class="note">x_col is ${m.R}x${m.P}: ${ratio.toFixed(1)} times the input's values</div>`
  return html
}

function column_closeup(m, at, xs, ws) {
  // The column and the row a channel at a time: the part of x_col that copies channel d's
  // window, the part of w_row that is the filter's slice for it, and their products, whose
  // sum is the channel's share of the dot product.
  const {k, g, p} = at, taps = m.FH * m.FW, Rg = m.Cg * taps
  const [rows, cols] = taps <= 9 ? [1, taps] : [m.FH, m.FW]
  let html = ""
  for (let c = 0; c < m.Cg; c++) {
    const part = (values) => values.slice(c * taps, (c + 1) * taps)
    const products = part(xs).map((x, q) => x * part(ws)[q])
    const span = `${g * Rg + c * taps}:${g * Rg + (c + 1) * taps}`
    const share = products.reduce((sum, v) => sum + v, 0)
    html += closeup([operand(m, "patch", `x_col[${span}, ${p}]`, part(xs), rows, cols), "×",
      operand(m, "slice", `w_row[${k}, ${span}]`, part(ws), rows, cols), "=",
      operand(m, "times", "products", products, rows, cols)],
      `<span class="gives">sum ${escape(fmt(share, m.integer))}</span>`, true)
  }
  return html
}

function question_shape(m) {
  // im2col's shape question is x_col's: a row for each weight a filter of the group has, a
  // column for each window.
  return {what: "x_col", sides: [["rows", m.R], ["columns", m.P]],
    why: `A row for each value a window holds (${m.C} channels x ${m.FH} x ${m.FW}), a column`
      + ` for each window (${m.OH} x ${m.OW}).`}
}

function question_value(m, n, at) {
  // "What is the product's cell?": the column's dot product with the row, plus the bias.
  const {k, p} = at, value = outputs.data.value[n], bias = bias_value(m, k)
  return {what: `w_row[${k}] · x_col[:, ${p}] + b[${k}]`, answer: value,
    slips: [{value: value - bias, why: "The bias was left out: it is added to the dot product."}]
      .filter((s) => s.value !== value)}
}

function describe(m, n, at) {
  // The step in words: the window's column, the filter's row, and the cell they make.
  const {k, i, j, p} = at
  const [top, left] = window_at(m, i, j, 0, 0), [bottom, right] = window_at(m, i, j, m.FH - 1, m.FW - 1)
  const o = fmt(outputs.data.value[n], m.integer)
  return `Step ${n + 1} of ${m.N}: column ${p} of x_col holds the window over padded rows ${top}`
    + ` to ${bottom} and columns ${left} to ${right}; row ${k} of w_row is filter w${k}; their`
    + ` dot product plus bias b${k} is ${o}, cell ${k}, ${p} of the product and output`
    + ` o[${i},${j}] of channel ${k}.`
}

function cell_at(m, x, y) {
  // The cell a tap names for the cell editor: an input cell, or the input cell that a cell of
  // x_col copies ("x,d,row,col"), a weight of w_row ("w,k,c,row,col"), a bias ("b,k"),
  // contract.padding_cell for padding; null elsewhere.
  const ox = origins.data.x, oy = origins.data.y
  const ur = units.data.row[0], up = units.data.column[0], Rg = m.Cg * m.FH * m.FW
  const input = input_cell_at(m, x, y)
  let d, row, col
  if (input !== null) {
    ({d, row, col} = input)
  } else {
    const r = Math.floor((y - oy[m.block_x_col]) / ur), p = Math.floor((x - ox[m.block_x_col]) / up)
    const k = Math.floor(y - oy[m.block_w_row]), q = Math.floor((x - ox[m.block_w_row]) / ur)
    if (r >= 0 && r < m.R && p >= 0 && p < m.P) {
      const tap = r % (m.FH * m.FW)
      d = Math.floor(r / (m.FH * m.FW));
      [row, col] = window_at(m, Math.floor(p / m.OW), p % m.OW, Math.floor(tap / m.FW), tap % m.FW)
    } else if (k >= 0 && k < m.K && q >= 0 && q < m.R) {
      const g = Math.floor(k / (m.K / m.G))
      if (Math.floor(q / Rg) !== g) return null  // outside the filter's group: no weight
      const c = Math.floor((q % Rg) / (m.FH * m.FW)), tap = q % (m.FH * m.FW)
      return `w,${k},${c},${Math.floor(tap / m.FW)},${tap % m.FW}`
    } else if (cell_in(m.block_bias, m.K, 1, x, y) !== null) {
      return `b,${cell_in(m.block_bias, m.K, 1, x, y)[0]}`
    } else {
      return null
    }
  }
  const top = m.input_row0, left = m.input_col0
  if (row < top || row >= m.Hp - top || col < left || col >= m.Wp - left) return contract.padding_cell
  return `x,${d},${row - top},${col - left}`
}
