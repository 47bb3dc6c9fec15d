"""The exports: one configuration as an offline HTML file, or as a GIF for slides.

Import rule: app.layers and everything below it (Bokeh for the HTML, Pillow for the GIF); no
Panel, nothing of the page.
"""
