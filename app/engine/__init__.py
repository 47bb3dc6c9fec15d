"""The engines, NumPy only: every step of a convolution, a transposed convolution, the backward
pass and pooling.

Import rule: NumPy alone; nothing of the app outside this folder (no param, Panel or Bokeh),
so that scripts and tests can check a number without a GUI library.
"""

from app.engine.backward import Backward, BackwardStep, Gradients
from app.engine.checks import MAX_INPUT_CELLS, MAX_STEPS, MAX_WINDOW_READS
from app.engine.convolution import Convolution, Step, cs231n_default
from app.engine.pooling import Pooling, PoolStep
from app.engine.protocol import Engine
from app.engine.transposed import TransposedConvolution, TransposedStep, swap_in_out

__all__ = [
    "MAX_INPUT_CELLS",
    "MAX_STEPS",
    "MAX_WINDOW_READS",
    "Backward",
    "BackwardStep",
    "Convolution",
    "Engine",
    "Gradients",
    "PoolStep",
    "Pooling",
    "Step",
    "TransposedConvolution",
    "TransposedStep",
    "cs231n_default",
    "swap_in_out",
]
