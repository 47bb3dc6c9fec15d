"""The scene, NumPy only: where every cell of every layer's picture goes, what each step
highlights, and the columns the page, the HTML export and the GIF draw from.

Import rule: NumPy and app.engine below; no param, Panel or Bokeh, nothing above.
"""

from app.scene.backward import BackwardScene
from app.scene.base import Scene
from app.scene.convolution import ConvolutionScene
from app.scene.im2col import Im2colScene
from app.scene.image import ImageScene
from app.scene.pooling import PoolingScene
from app.scene.transposed import TransposedScene

__all__ = [
    "BackwardScene",
    "ConvolutionScene",
    "Im2colScene",
    "ImageScene",
    "PoolingScene",
    "Scene",
    "TransposedScene",
]
