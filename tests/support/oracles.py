"""Independent oracles: each layer's arithmetic written as its definition, one multiply at a
time, for the tests to hold the engines (and the pages) against."""

import numpy as np


def source(index: int, size: int, mode: str) -> int:
    """The input position that padded position `index` (counted from the input's first
    cell, so negative in the padding before it) holds, by PyTorch's definitions; -1 for a
    zero."""
    if 0 <= index < size:
        return index
    if mode == "zeros":
        return -1
    if mode == "replicate":
        return min(max(index, 0), size - 1)
    if mode == "circular":
        return index % size
    # reflect: mirrored about the edge cell, which is not repeated
    return -index if index < 0 else 2 * (size - 1) - index


def padded_loop(x, padding, mode="zeros"):
    """The padded input, one cell at a time: (C, H + 2*ph, W + 2*pw)."""
    C, H, W = x.shape  # channels, rows, columns
    ph, pw = padding
    padded = np.zeros((C, H + 2 * ph, W + 2 * pw), dtype=x.dtype)  # (C, Hp, Wp)
    for r in range(H + 2 * ph):
        for c in range(W + 2 * pw):
            row, col = source(r - ph, H, mode), source(c - pw, W, mode)
            if row >= 0 and col >= 0:
                padded[:, r, c] = x[:, row, col]
    return padded


def direct_loop(x, w, b, stride, padding, dilation, groups, padding_mode="zeros"):
    """Cross-correlation one multiply at a time: (K, Cg, OH, OW) partials and (K, OH, OW)."""
    K, Cg, FH, FW = w.shape  # filters, channels per group, kernel rows, kernel columns
    (sh, sw), (dh, dw) = stride, dilation
    padded = padded_loop(x, padding, padding_mode)  # (C, Hp, Wp)
    Hp, Wp = padded.shape[1:]
    OH = (Hp - dh * (FH - 1) - 1) // sh + 1
    OW = (Wp - dw * (FW - 1) - 1) // sw + 1
    partials = np.zeros((K, Cg, OH, OW), dtype=np.result_type(x, w))  # (K, Cg, OH, OW)
    for k in range(K):
        group = k // (K // groups)
        for c in range(Cg):
            channel = group * Cg + c
            for i in range(OH):
                for j in range(OW):
                    total = 0
                    for r in range(FH):
                        for s in range(FW):
                            total += (
                                padded[channel, i * sh + r * dh, j * sw + s * dw] * w[k, c, r, s]
                            )
                    partials[k, c, i, j] = total
    output = partials.sum(axis=1) + b[:, None, None]  # (K, OH, OW)
    return padded, partials, output


def scatter_loop(x, w, b, stride, padding, output_padding, dilation, groups):
    """conv_transpose2d as its definition: every input value times every weight, added into
    output[i*s + r*d - p]; contributions that fall outside the output are dropped."""
    C, H, W = x.shape  # channels, rows, columns
    _, Kg, FH, FW = w.shape  # filters per group, kernel rows, kernel columns
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = stride, padding, output_padding, dilation
    OH = (H - 1) * sh - 2 * ph + dh * (FH - 1) + oph + 1
    OW = (W - 1) * sw - 2 * pw + dw * (FW - 1) + opw + 1
    K, Cg = Kg * groups, C // groups
    output = np.zeros((K, OH, OW), dtype=np.result_type(x, w, b))  # (K, OH, OW)
    output += b[:, None, None]
    for c in range(C):
        group = c // Cg
        for kg in range(Kg):
            k = group * Kg + kg
            for i in range(H):
                for j in range(W):
                    for r in range(FH):
                        for q in range(FW):
                            oi, oj = i * sh + r * dh - ph, j * sw + q * dw - pw
                            if 0 <= oi < OH and 0 <= oj < OW:
                                output[k, oi, oj] += x[c, i, j] * w[c, kg, r, q]
    return output


def backward_loop(x, w, dout, stride, padding, dilation, groups, padding_mode="zeros"):
    """A convolution's gradients one product at a time, from the definition: every output
    cell (k, i, j) sends dout[k, i, j] times each weight to the padded cell that weight met,
    and dout[k, i, j] times that cell to the weight; a padded cell passes what it receives to
    the input cell it copies."""
    H, W = x.shape[1:]  # rows, columns
    K, Cg, FH, FW = w.shape  # filters, channels per group, kernel rows, kernel columns
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    padded = padded_loop(x, padding, padding_mode)
    dpadded = np.zeros(padded.shape, dtype=np.result_type(w, dout))
    dweights = np.zeros(w.shape, dtype=np.result_type(x, dout))
    for k in range(K):
        for c in range(Cg):
            channel = k // (K // groups) * Cg + c
            for i in range(dout.shape[1]):
                for j in range(dout.shape[2]):
                    for r in range(FH):
                        for s in range(FW):
                            row, col = i * sh + r * dh, j * sw + s * dw
                            dpadded[channel, row, col] += dout[k, i, j] * w[k, c, r, s]
                            dweights[k, c, r, s] += dout[k, i, j] * padded[channel, row, col]
    dx = np.zeros(x.shape, dtype=dpadded.dtype)
    for r in range(H + 2 * ph):
        for col in range(W + 2 * pw):
            row_in, col_in = source(r - ph, H, padding_mode), source(col - pw, W, padding_mode)
            if row_in >= 0 and col_in >= 0:
                dx[:, row_in, col_in] += dpadded[:, r, col]
    return dx, dweights, dout.sum(axis=(1, 2))
