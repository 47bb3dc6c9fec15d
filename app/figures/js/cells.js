// Which cell a tap names, for the layers that draw the input, the filters' slices and the
// biases as blocks of their own (direct, transposed, backward), after controls.js.

function cell_at(m, x, y) {
  // The name of the input, weight or bias cell under (x, y), as the cell editor reads it:
  // "x,d,row,col" in the input's own rows and columns, "w,k,c,row,col", "b,k", or
  // contract.padding_cell for padding; null elsewhere.
  const inside = (block, rows, cols) => cell_in(block, rows, cols, x, y)
  const input = input_cell_at(m, x, y)
  if (input !== null) {
    const {d, row, col, padding} = input
    return padding ? contract.padding_cell : `x,${d},${row - m.input_row0},${col - m.input_col0}`
  }
  for (let s = 0; s < m.K * m.Cg; s++) {
    const cell = inside(m.block_slices + s, m.FH, m.FW)
    if (cell !== null) return `w,${Math.floor(s / m.Cg)},${s % m.Cg},${cell[0]},${cell[1]}`
  }
  for (let k = 0; k < m.K; k++) {
    if (inside(m.block_biases + k, 1, 1) !== null) return `b,${k}`
  }
  return null
}
