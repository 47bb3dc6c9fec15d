// The close-up every layer's readout writes its step with: a line of small tables of numbers
// under their names, with the operations between them, read across (x's patch × the filter's
// slice = their products), at a readable size whatever the size of the picture. A screen
// reader reads each line as one table, row by row, instead (the small tables would be read
// as one long list of numbers).

function legible(m) {
  // Whether a step's tables fit the readout at a readable size: kernels up to 5x5, groups of
  // up to four channels. Past that the readout names the operands instead.
  return m.FH * m.FW <= 25 && m.Cg <= 4
}

function operand(m, kind, label, values, rows = m.FH, cols = m.FW) {
  // One table of the close-up: `values` row by row, `kind` its colour (patch: the input's,
  // slice: the filter's, times: a result), `label` its name under it.
  return {kind, label, rows, cols, text: Array.from(values, (v) => fmt(v, m.integer)), marks: []}
}

function closeup(parts, after = "", stacked = false) {
  // One line: operands (from operand()) and operations ("×", "=", "+=") in reading order,
  // then `after` (what the line gives, as the readout writes it). Stacked, each operand is a
  // row of its own, named on its left with the operation before it: long strips of numbers
  // (a column of x_col) read down instead of running off the side.
  let seen = `<div class="closeup-line"><div class="closeup${stacked ? " stacked" : ""}" aria-hidden="true">`
  let op = ""
  for (const part of parts) {
    if (typeof part === "string" && stacked) op = `${part} `
    else if (typeof part === "string") seen += `<span class="op">${escape(part)}</span>`
    else if (stacked) {
      seen += `<span class="part"><span class="label">${escape(op + part.label)}</span>`
        + `${closeup_table(part)}</span>`
    } else {
      seen += `<span class="part">${closeup_table(part)}<span class="label">${escape(part.label)}</span></span>`
    }
  }
  return `${seen}</div>${closeup_spoken(parts)}${after}</div>`
}

// What a marked cell is, in the words a screen reader says after its number.
const MARKS = {winner: "the largest", off: "padding"}

function closeup_table(part) {
  // A cell's mark (the winner of a max, padding) is a class the stylesheet draws.
  let html = `<table class="products ${part.kind}">`
  for (let r = 0; r < part.rows; r++) {
    html += "<tr>"
    for (let q = 0; q < part.cols; q++) {
      const p = r * part.cols + q, mark = part.marks[p]
      html += mark ? `<td class="${mark}">` : "<td>"
      html += `${escape(part.text[p])}</td>`
    }
    html += "</tr>"
  }
  return html + "</table>"
}

function closeup_spoken(parts) {
  // The line for a screen reader: what it computes, then each operand row by row.
  const said = parts.map((part) => (typeof part === "string" ? part : part.label)).join(" ")
  let html = `<table class="sr-only"><caption>${escape(said)}, row by row</caption>`
  for (const part of parts.filter((p) => typeof p !== "string")) {
    for (let r = 0; r < part.rows; r++) {
      const row = part.text.slice(r * part.cols, (r + 1) * part.cols).map((text, q) =>
        part.marks[r * part.cols + q] ? `${text} (${MARKS[part.marks[r * part.cols + q]]})` : text)
      const name = part.rows > 1 ? `${part.label}, row ${r}` : part.label
      html += `<tr><th scope="row">${escape(name)}</th><td>${escape(row.join(", "))}</td></tr>`
    }
  }
  return html + "</table>"
}
