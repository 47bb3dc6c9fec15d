"""The layer on screen as code a student can run: PyTorch's module with its shapes, and NumPy
loops in the CS231n notes' notation (X[row, column, channel], filters W0, W1, ... and biases
b0, b1, ...) that rebuild the whole output from the values on screen.

Plain text from an engine; the figure shows it and the tests run it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.engine import Backward, Convolution, Engine, TransposedConvolution
from app.engine.convolution import PADDING_MODES

MAX_PRINTED = 600  # values a snippet prints; past this, random values of the same shapes
TO_ROWS_COLUMNS_CHANNELS = ".transpose(1, 2, 0)"  # (C, H, W) as drawn -> the notes' (H, W, C)
TO_FILTERS_LAST = ".transpose(0, 2, 3, 1)"  # (K, Cg, FH, FW) -> (K, FH, FW, Cg)
BIAS_LINE = "\n    layer.bias.copy_(torch.from_numpy(b))"


@dataclass(frozen=True)
class Code:
    """What the Code panel shows: the PyTorch module, and the NumPy loops."""

    torch: str
    numpy: str


def literal(values: np.ndarray, prefix: str) -> str:
    """An array as a Python literal that gives it back exactly, aligned after `prefix`."""
    return np.array2string(
        values, separator=", ", threshold=values.size + 1, max_line_width=92,
        floatmode="unique", prefix=prefix,
    ).replace(" \n", "\n")  # fmt: skip


def dtype_name(*arrays: np.ndarray) -> str:
    return "int64" if all(a.dtype.kind in "iu" for a in arrays) else "float64"


def array_lines(arrays: dict[str, tuple[np.ndarray, str]]) -> str:
    """NumPy lines that make each named array (given as the engine holds it, with what turns
    that into the snippet's layout), with its values while few enough to print."""
    total = sum(a.size for a, _ in arrays.values())
    if total > MAX_PRINTED:
        lines = [
            f"# The layer holds {total} values, too many to print here: random ones of the "
            "same shapes stand in.",
            "rng = np.random.default_rng(0)",
        ]
        for name, (a, then) in arrays.items():
            lines.append(f"{name} = rng.integers(-1, 3, size={a.shape}){then}")
        return "\n".join(lines)
    return "\n".join(
        f"{name} = np.array({literal(a, f'{name} = np.array(')}){then}"
        for name, (a, then) in arrays.items()
    )


def _window_slices(engine: Engine) -> tuple[str, str]:
    """The rows and the columns of window (i, j) as slices in code: `2*i : 2*i + 3`, with a
    step where dilation makes one."""
    slices = []
    for stride, dilation, taps, index in zip(
        engine.stride, engine.dilation, engine.w.shape[2:], "ij", strict=True
    ):
        start = f"{stride}*{index}" if stride > 1 else index
        step = f" : {dilation}" if dilation > 1 else ""
        slices.append(f"{start} : {start} + {dilation * (taps - 1) + 1}{step}")
    return slices[0], slices[1]


def _torch(module: str, arguments: str, weight: str, engine: Engine) -> str:
    """PyTorch's `module` made with `arguments` (lines of keyword arguments), its shapes as
    comments (`weight` says what the weight's axes are), given the values on screen."""
    (C, H, W), (K, OH, OW) = engine.x.shape, engine.output.shape
    bias = {"b": (engine.b, "")} if engine.has_bias else {}
    return f"""import numpy as np
import torch
from torch import nn

layer = nn.{module}(
{arguments}
)
# input  x: (1, {C}, {H}, {W})   batch, channels, rows, columns
# weight:   {engine.w.shape}   {weight}
# bias:     ({K},){"" if engine.has_bias else "           none: bias=False"}
# output:   (1, {K}, {OH}, {OW})   batch, filters, rows, columns
{array_lines({"x": (engine.x, ""), "w": (engine.w, ""), **bias})}
with torch.no_grad():
    layer.weight.copy_(torch.from_numpy(w)){BIAS_LINE if engine.has_bias else ""}
    out = layer(torch.from_numpy(x).double()[None])[0]  # (K, OH, OW): out[k] is o[:,:,k]
print(out)
"""


def convolution_code(conv: Convolution) -> Code:
    """nn.Conv2d with the settings on screen, and the notes' loops over every output cell."""
    C, (K, Cg, FH, FW), (_, OH, OW) = conv.x.shape[0], conv.w.shape, conv.output.shape
    (sh, sw), (ph, pw), (dh, dw) = conv.stride, conv.padding, conv.dilation
    G, mode = conv.groups, conv.padding_mode
    dtype = dtype_name(conv.x, conv.w, conv.b)
    torch = _torch(
        "Conv2d",
        f"    in_channels={C}, out_channels={K}, kernel_size=({FH}, {FW}), stride=({sh}, {sw}),\n"
        f"    padding=({ph}, {pw}), dilation=({dh}, {dw}), groups={G}, bias={conv.has_bias},\n"
        f'    padding_mode="{mode}", dtype=torch.float64,',
        "filters, channels per group, rows, columns",
        conv,
    )
    notes_layout = {
        "X": (conv.x, TO_ROWS_COLUMNS_CHANNELS), "W": (conv.w, TO_FILTERS_LAST), "b": (conv.b, ""),
    }  # fmt: skip
    pad = "" if mode == "zeros" else f', mode="{PADDING_MODES[mode]}"'
    rows, cols = _window_slices(conv)
    channels = ":" if G == 1 else f"c : c + {Cg}"
    group = (
        "" if G == 1 else f"\n    c = k // {K // G} * {Cg}  # the first channel of filter k's group"
    )
    numpy = f"""import numpy as np

# The values on screen, written channel by channel as drawn, then put in the notes' layout:
# X[row, column, channel], and W[k] the filter Wk as W[k][row, column, channel].
{array_lines(notes_layout)}

X = np.pad(X, (({ph}, {ph}), ({pw}, {pw}), (0, 0)){pad})  # padding_mode="{mode}"
V = np.zeros(({OH}, {OW}, {K}), dtype=np.{dtype})  # V[:, :, k] is o[:,:,k]
for k in range({K}):{group}
    for i in range({OH}):
        for j in range({OW}):
            V[i, j, k] = np.sum(X[{rows}, {cols}, {channels}] * W[k]) + b[k]
print(V.transpose(2, 0, 1))  # one output block a filter
"""
    return Code(torch, numpy)


def transposed_code(tconv: TransposedConvolution) -> Code:
    """nn.ConvTranspose2d with the settings on screen, and loops that add every input value's
    scaled filter slices into the output, then crop the padding."""
    (C, H, W), (_, Kg, FH, FW), (K, OH, OW) = tconv.x.shape, tconv.w.shape, tconv.output.shape
    (sh, sw), (ph, pw), (dh, dw) = tconv.stride, tconv.padding, tconv.dilation
    (oph, opw), G, Cg = tconv.output_padding, tconv.groups, C // tconv.groups
    Hc, Wc = tconv.canvas.shape[1:]
    dtype = dtype_name(tconv.x, tconv.w, tconv.b)
    torch = _torch(
        "ConvTranspose2d",
        f"    in_channels={C}, out_channels={K}, kernel_size=({FH}, {FW}), stride=({sh}, {sw}),\n"
        f"    padding=({ph}, {pw}), output_padding=({oph}, {opw}), groups={G}, "
        f"bias={tconv.has_bias},\n"
        f'    dilation=({dh}, {dw}), padding_mode="zeros", dtype=torch.float64,',
        "input channels, filters per group, rows, columns",
        tconv,
    )
    rows, cols = _window_slices(tconv)
    numpy = f"""import numpy as np

# The values on screen: X written channel by channel as drawn, then used as X[row, column,
# channel]; W as PyTorch stores it, W[c, f] the slice input channel c gives filter f of its group.
{array_lines({"X": (tconv.x, TO_ROWS_COLUMNS_CHANNELS), "W": (tconv.w, ""), "b": (tconv.b, "")})}

Y = np.zeros(({Hc}, {Wc}, {K}), dtype=np.{dtype})  # every row and column a window reaches
for k in range({K}):
    g, f = divmod(k, {Kg})  # filter k is filter f of group g
    for i in range({H}):
        for j in range({W}):
            for c in range({Cg} * g, {Cg} * (g + 1)):
                Y[{rows}, {cols}, k] += X[i, j, c] * W[c, f]
V = Y[{ph} : {ph} + {OH}, {pw} : {pw} + {OW}] + b  # padding crops; the bias is added once
print(V.transpose(2, 0, 1))  # one output block a filter
"""
    return Code(torch, numpy)


def im2col_code(conv: Convolution) -> Code:
    """PyTorch's unfold and one matrix product a group, and the same in NumPy: x_col built
    window by window, w_row the filters stretched out, the output their product plus b."""
    C, (K, Cg, FH, FW), (_, OH, OW) = conv.x.shape[0], conv.w.shape, conv.output.shape
    (sh, sw), (ph, pw), (dh, dw) = conv.stride, conv.padding, conv.dilation
    G, mode, P = conv.groups, conv.padding_mode, OH * OW
    Rg = Cg * FH * FW
    dtype = dtype_name(conv.x, conv.w, conv.b)
    values = array_lines({"x": (conv.x, ""), "w": (conv.w, ""), "b": (conv.b, "")})
    torch_mode = "constant" if mode == "zeros" else mode
    torch = f"""import numpy as np
import torch
import torch.nn.functional as F

{values}
x, w, b = (torch.from_numpy(a).double() for a in (x, w, b))
padded = F.pad(x[None], ({pw}, {pw}, {ph}, {ph}), mode="{torch_mode}")  # padding_mode="{mode}"
# Every window as a column: rows by channel, then kernel row, then kernel column.
x_col = F.unfold(padded, kernel_size=({FH}, {FW}), dilation=({dh}, {dw}), stride=({sh}, {sw}))[0]
print(x_col.shape)  # ({C * FH * FW}, {P}): {C} channels x {FH}x{FW} taps, one column a window
x_col = x_col.reshape({G}, {Rg}, {P})  # a group's rows apart
w_row = w.reshape({G}, {K // G}, {Rg})  # every filter one row, a group's filters apart
out = (w_row @ x_col).reshape({K}, {OH}, {OW}) + b[:, None, None]
print(out)  # out[k] is o[:,:,k]
print(torch.allclose(out, F.conv2d(padded, w, b, stride=({sh}, {sw}), dilation=({dh}, {dw}),
                                   groups={G})[0]))
"""
    rows, cols = _window_slices(conv)
    pad = "" if mode == "zeros" else f', mode="{PADDING_MODES[mode]}"'
    numpy = f"""import numpy as np

# The values on screen, as drawn: x[channel, row, column], w[filter, channel, row, column].
{values}

X = np.pad(x, ((0, 0), ({ph}, {ph}), ({pw}, {pw})){pad})  # padding_mode="{mode}"
x_col = np.zeros(({C * FH * FW}, {P}), dtype=np.{dtype})  # one column a window
for i in range({OH}):
    for j in range({OW}):
        x_col[:, i * {OW} + j] = X[:, {rows}, {cols}].ravel()
w_row = w.reshape({K}, {Rg})  # filter k stretched out: channel, then kernel row, then column
V = np.zeros(({K}, {P}), dtype=np.{dtype})
for g in range({G}):  # a group's filters read its channels' rows of x_col alone
    filters, rows = slice({K // G} * g, {K // G} * (g + 1)), slice({Rg} * g, {Rg} * (g + 1))
    V[filters] = w_row[filters] @ x_col[rows]
V = (V + b[:, None]).reshape({K}, {OH}, {OW})  # + bias; row k of the product is o[:,:,k]
print(V)
print(x_col.size / x.size)  # how many times the input's values x_col holds
"""
    return Code(torch, numpy)


def backward_code(back: Backward) -> Code:
    """PyTorch's autograd on the layer on screen, and the loops that give the same gradients
    one output value at a time."""
    conv = back.conv
    (H, W), (K, Cg), (OH, OW) = conv.x.shape[1:], conv.w.shape[:2], conv.output.shape[1:]
    (sh, sw), (ph, pw), (dh, dw) = conv.stride, conv.padding, conv.dilation
    G = conv.groups
    values = array_lines(
        {"x": (conv.x, ""), "w": (conv.w, ""), "b": (conv.b, ""), "dout": (back.dout, "")}
    )
    torch = f"""import numpy as np
import torch
import torch.nn.functional as F

{values}
x, w, b = (torch.from_numpy(a).double().requires_grad_() for a in (x, w, b))
out = F.conv2d(x[None], w, b, stride=({sh}, {sw}), padding=({ph}, {pw}), dilation=({dh}, {dw}),
               groups={G})[0]  # ({K}, {OH}, {OW})
# dout is the loss's gradient with respect to out: the loss (out * dout).sum() has it.
(out * torch.from_numpy(dout).double()).sum().backward()
dx, dw, db = x.grad, w.grad, b.grad
print(dx, dw, db, sep="\\n")
"""
    rows, cols = _window_slices(conv)
    dtype = dtype_name(conv.x, conv.w, back.dout)
    numpy = f"""import numpy as np

# The values on screen, as drawn: x[channel, row, column], w[filter, channel, row, column],
# dout[filter, row, column], the gradient of the loss with respect to the output.
{values}

X = np.pad(x, ((0, 0), ({ph}, {ph}), ({pw}, {pw})))  # zeros padding
dX = np.zeros(X.shape, dtype=np.{dtype})  # dx on the padded input, as drawn
dw = np.zeros(w.shape, dtype=np.{dtype})
db = np.zeros(b.shape, dtype=np.{dtype})
for k in range({K}):
    c = k // {K // G} * {Cg}  # the first channel of filter k's group
    for i in range({OH}):
        for j in range({OW}):
            # The forward pass read window (i, j) with filter k into out[k, i, j]:
            dX[c : c + {Cg}, {rows}, {cols}] += dout[k, i, j] * w[k]
            dw[k] += dout[k, i, j] * X[c : c + {Cg}, {rows}, {cols}]
            db[k] += dout[k, i, j]
dx = dX[:, {ph} : {ph} + {H}, {pw} : {pw} + {W}]  # the padding's share is dropped
print(dx, dw, db, sep="\\n")
"""
    return Code(torch, numpy)
