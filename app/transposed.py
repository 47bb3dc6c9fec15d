"""`from app.transposed import TransposedConvolution`: the public path of app.engine.transposed."""

from app.engine.transposed import TransposedConvolution, TransposedStep, swap_in_out

__all__ = ["TransposedConvolution", "TransposedStep", "swap_in_out"]
