"""The convolution demo: a NumPy engine and the CS231n-style animation built on it."""

from app.engine import Convolution, Step, cs231n_default

__all__ = ["Convolution", "ConvolutionDemo", "Step", "cs231n_default"]


def __getattr__(name: str) -> object:
    # The demo imports Panel and Bokeh; loading them only when asked keeps `import app.engine`
    # light enough for scripts and tests that want the numbers alone.
    if name == "ConvolutionDemo":
        from app.page import ConvolutionDemo

        return ConvolutionDemo
    raise AttributeError(f"module 'app' has no attribute {name!r}")
