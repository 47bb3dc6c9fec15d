// needs: window.js
// What the layers that draw an input volume and output blocks from `origins` share (direct,
// pooling), after controls.js and window.js: the output cell under the pointer, the hovered
// cell's window, the cell a padded copy repeats, and the outputs written so far. Args:
// origins, output_fill, output_text, output_images, preview, copies, original, finished; the
// layer's locate.

function output_at(m, x, y) {
  // The step whose output cell lies under data point (x, y), or -1.
  const out0 = m.block_outputs
  for (let k = 0; k < m.O; k++) {
    const col = Math.floor(x - origins.data.x[out0 + k]), row = Math.floor(y - origins.data.y[out0 + k])
    if (row >= 0 && row < m.OH && col >= 0 && col < m.OW) return (k * m.OH + row) * m.OW + col
  }
  return -1
}

function on_hover(point) {
  const m = sizes()
  show_preview(m, output_at(m, point.x, point.y))
}

function on_tap(point) {
  const n = output_at(sizes(), point.x, point.y)
  if (n >= 0) go(n)
}

function show_preview(m, n) {
  if (n < 0) {
    preview.data.x.fill(-1000)  // off the plot: nothing hovered
    preview.change.emit()
  } else {
    place_window(m, locate(m, n), preview)
  }
}

function show_original(m, point) {
  // Padding that copies an input cell (reflect, replicate, circular): the pointer on it
  // outlines the cell it copies, in the same channel.
  const cell = point === null ? null : input_cell_at(m, point.x, point.y)
  const rows = copies.data.row, cols = copies.data.col
  let x = -1000, y = 0
  if (cell !== null && cell.padding && rows[cell.row] >= 0 && cols[cell.col] >= 0) {
    x = origins.data.x[cell.d] + m.input_col0 + cols[cell.col] + 0.5
    y = origins.data.y[cell.d] + m.input_row0 + rows[cell.row] + 0.5
  }
  if (original.data.x[0] === x && original.data.y[0] === y) return
  original.data = {x: [x], y: [y]}
}

function write_outputs(m, n) {
  // The outputs reached by step n (all of them with "Show the finished output"): their cells
  // filled and their values written, or their pixels where the blocks are images; the cells
  // not reached yet stay empty inside their outlines.
  const all = finished.active.length > 0
  const reached = (q) => all || q <= n
  const fill = output_fill.data.fill, shown = output_text.data.shown, text = output_text.data.text
  let filled = false, written = false
  for (let q = 0; q < fill.length; q++) {
    filled = write_cell(fill, q, reached(q) ? contract.filled : contract.blank) || filled
  }
  for (let q = 0; q < shown.length; q++) {
    written = write_cell(shown, q, reached(q) ? text[q] : "") || written
  }
  if (filled) output_fill.change.emit()
  if (written) output_text.change.emit()
  if (!m.picture && paint_output_images(m, n, () => m.filled, output_images)) {
    output_images.change.emit()
  }
}

function paint_output_images(m, n, colour, source) {
  // Output blocks drawn as images in `source`, from its m.first_output-th, a pixel a cell:
  // `colour(q)` once step q is reached, blank before. Says whether a pixel changed.
  if (!m.output_images) return false
  const all = finished.active.length > 0, blocks = source.data.image, per = m.OH * m.OW
  let changed = false
  for (let k = 0; k < m.O; k++) {
    const block = blocks[m.first_output + k]
    for (let p = 0; p < per; p++) {
      const q = k * per + p
      changed = write_cell(block, p, all || q <= n ? colour(q) : m.blank) || changed
    }
  }
  return changed
}
