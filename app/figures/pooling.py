"""Pooling's figure: the convolution's models without filters, animated by js/pooling.js."""

from __future__ import annotations

from app.figures.convolution import ConvolutionFigure


class PoolingFigure(ConvolutionFigure):
    """The input volume, one channel's window a step, the winner and the output cell."""

    SCRIPT = "pooling.js"
    PREFIX = "pool"
