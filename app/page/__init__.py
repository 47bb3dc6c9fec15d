"""The page: Panel viewers around the figures (the demo, its sidebar, uploads, the cell editor,
messages), and what a served page needs (the address, a quiet log).

Import rule: Panel, and everything below (app.layers, app.exports and what they stand on).
"""

from app.page.demo import ConvolutionDemo

__all__ = ["ConvolutionDemo"]
