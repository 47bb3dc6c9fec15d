"""The least a page of this stack can be: the demo's own page (its template: the heading, and
BokehJS and Panel after the content) around one line of text, served beside the demo by the
same server. tests/bench_pages.py scores it with Lighthouse next to the demo: what this page
loses is BokehJS's and Panel's own loading, which no demo drawn with them can avoid."""

import panel as pn
from bokeh.models import Div

pn.extension(design="native")
# A Bokeh Div: a Panel HTML pane would bring MathJax's bundle too, which the demo's page has not.
text = Div(text="The demo's scripts, and nothing for them to draw.")
pn.pane.Bokeh(text).servable(title="Floor")
