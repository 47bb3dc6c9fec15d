"""The figures: each layer's Bokeh models and the JavaScript that animates them in the browser.

Import rule: Bokeh, and app.scene and app.engine below; no param or Panel, nothing above.
"""

from app.figures.animated import AnimatedFigure
from app.figures.backward import BackwardFigure
from app.figures.convolution import ConvolutionFigure
from app.figures.im2col import Im2colFigure
from app.figures.pooling import PoolingFigure
from app.figures.transposed import TransposedFigure

__all__ = [
    "AnimatedFigure",
    "BackwardFigure",
    "ConvolutionFigure",
    "Im2colFigure",
    "PoolingFigure",
    "TransposedFigure",
]
