// The window of a step on the padded input's channels, after controls.js: for the layers that
// outline it cell by cell (direct, im2col, backward). Args: origins (the input's blocks first).

function place_window(m, at, target) {
  const {i, j, first} = at
  const ox = origins.data.x, oy = origins.data.y, tx = target.data.x, ty = target.data.y
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
