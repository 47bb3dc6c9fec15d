// The Share panel, written in the browser: only the page knows its own address (with the step
// a person paused on, which the address keeps). Args: div (the panel), demo (the demo's
// layout, whose height the iframe takes), copy (a Copy button's onclick code).

function escape_html(text) {
  const entities = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
  return text.replace(/[&<>"']/g, (c) => entities[c])
}

function share_snippets() {
  // The demo as it is now, without its settings, for a course page in four dialects.
  const address = new URL(window.location.href)
  address.searchParams.set("embed", "true")
  const src = address.toString()
  const view = Bokeh.index.find_one(demo)
  const height = Math.max(400, Math.ceil(view?.el.getBoundingClientRect().height ?? 652) + 48)
  const iframe = `<iframe src="${src}" title="Convolution demo" width="100%" height="${height}"`
    + ` style="border: 0" loading="lazy"></iframe>`
  return {height, snippets: [
    ["HTML", iframe],
    ["MyST (mystmd, Jupyter Book 2)", `:::{iframe} ${src}\n:width: 100%\n:::`],
    ["reStructuredText (Sphinx, Jupyter Book 1)", `.. raw:: html\n\n   ${iframe}`],
    ["Quarto", "```{=html}\n" + iframe + "\n```"],
  ]}
}

function fill_share() {
  const {height, snippets} = share_snippets()
  let html = `<div class="what">This demo as it is on screen, without its settings, for a course`
    + ` page: an iframe ${height} px tall (the demo's height here; MyST's iframe keeps its own`
    + ` 16:9 frame, and takes the HTML too).</div>`
  for (const [title, text] of snippets) {
    html += `<div class="what">${escape_html(title)}</div>`
      + `<button type="button" class="copy" onclick="${escape_html(copy)}"`
      + ` aria-label="Copy the ${escape_html(title)} snippet">Copy</button>`
      + `<pre tabindex="0" role="region" aria-label="${escape_html(title)} snippet">`
      + `<code>${escape_html(text)}</code></pre>`
  }
  div.text = html
}
