"""The engines, NumPy only: every step of a convolution and of a transposed convolution.

Import rule: NumPy alone; nothing of the app outside this folder (no param, Panel or Bokeh),
so that scripts and tests can check a number without a GUI library.
"""

from app.engine.backward import Backward, BackwardStep, Gradients
from app.engine.checks import MAX_INPUT_CELLS, MAX_STEPS, MAX_WINDOW_READS
from app.engine.convolution import Convolution, Step, cs231n_default
from app.engine.transposed import TransposedConvolution, TransposedStep, swap_in_out

Engine = Convolution | TransposedConvolution | Backward  # what a layer of the demo steps through

__all__ = [
    "MAX_INPUT_CELLS",
    "MAX_STEPS",
    "MAX_WINDOW_READS",
    "Backward",
    "BackwardStep",
    "Convolution",
    "Engine",
    "Gradients",
    "Step",
    "TransposedConvolution",
    "TransposedStep",
    "cs231n_default",
    "swap_in_out",
]
