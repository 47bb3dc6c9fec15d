// The window of a step on the padded input's channels, after controls.js: for the layers that
// outline it cell by cell (direct, im2col, backward), or a block a channel where the layer's
// `outline_blocks` says so (direct). Args: origins (the input's blocks first).

function place_window(m, at, target) {
  const {i, j, first} = at
  const ox = origins.data.x, oy = origins.data.y, tx = target.data.x, ty = target.data.y
  if (m.outline_blocks) {
    // One rectangle a channel around the window's cells, which touch (its sides are set with
    // the layer): cells too small to outline one by one.
    const [row0, col0] = window_at(m, i, j, 0, 0)
    const [row1, col1] = window_at(m, i, j, m.FH - 1, m.FW - 1)
    for (let c = 0; c < m.Cg; c++) {
      tx[c] = ox[first + c] + (col0 + col1) / 2 + 0.5
      ty[c] = oy[first + c] + (row0 + row1) / 2 + 0.5
    }
    target.change.emit()
    return
  }
  let p = 0
  for (let d = first; d < first + m.Cg; d++) {
    for (let r = 0; r < m.FH; r++) {
      for (let q = 0; q < m.FW; q++, p++) {
        const [row, col] = window_at(m, i, j, r, q)
        tx[p] = ox[d] + col + 0.5
        ty[p] = oy[d] + row + 0.5
      }
    }
  }
  target.change.emit()
}
