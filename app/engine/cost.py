"""What a layer costs: its parameters, multiply-adds and output values, beside the same mapping
made by a layer without parameter sharing, a fully connected one and a depthwise-separable pair.

Counts from shapes alone (no arrays), so that they can be checked for the CS231n notes' own
227x227x3 -> 55x55x96 example without building it. Plain Python, like all of app.engine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Count:
    """One number: its formula in the layer's letters, the same with the numbers, the value."""

    formula: str
    numbers: str
    value: int


@dataclass(frozen=True)
class Cost:
    """One way to map the input to the output, and what it costs."""

    name: str
    parameters: Count
    multiply_adds: Count


@dataclass(frozen=True)
class Shapes:
    """The sizes a layer's cost is counted from: input C x H x W, K filters of FH x FW in
    `groups` groups, output K x OH x OW, with or without a bias."""

    C: int
    H: int
    W: int
    K: int
    FH: int
    FW: int
    OH: int
    OW: int
    groups: int = 1
    bias: bool = True


Product = list[tuple[str, int]]  # (letter, number) factors


def count(*products: Product) -> Count:
    """A sum of products, each a list of (letter, number) factors; empty products are left out."""
    products = [product for product in products if product]
    formula = " + ".join(" * ".join(letter for letter, _ in product) for product in products)
    numbers = " + ".join(" * ".join(str(number) for _, number in product) for product in products)
    return Count(formula, numbers, sum(math.prod(n for _, n in product) for product in products))


def convolution_cost(s: Shapes) -> list[Cost]:
    """A direct convolution, then what the same mapping costs made otherwise."""
    per_filter = [("C/groups", s.C // s.groups), ("FH", s.FH), ("FW", s.FW)]
    outputs = [("K", s.K), ("OH", s.OH), ("OW", s.OW)]
    inputs = [("C", s.C), ("H", s.H), ("W", s.W)]
    # A bias a filter, a bias an output value, a bias a channel: none when the layer has none.
    biases = {"K": [("K", s.K)], "KOHOW": outputs, "C": [("C", s.C)]} if s.bias else {}
    return [
        Cost(
            "this layer: each filter slides over every position",
            count([("K", s.K), *per_filter], biases.get("K")),
            count([*outputs, *per_filter]),
        ),
        Cost(
            "without parameter sharing: every output value its own weights",
            count([*outputs, *per_filter], biases.get("KOHOW")),
            count([*outputs, *per_filter]),
        ),
        Cost(
            "fully connected: every input value to every output value",
            count([*inputs, *outputs], biases.get("KOHOW")),
            count([*inputs, *outputs]),
        ),
        Cost(
            "depthwise-separable: FH x FW on each channel, then 1 x 1 across channels",
            count(
                [("C", s.C), ("FH", s.FH), ("FW", s.FW)], biases.get("C"),
                [("K", s.K), ("C", s.C)], biases.get("K"),
            ),
            count(
                [("C", s.C), ("OH", s.OH), ("OW", s.OW), ("FH", s.FH), ("FW", s.FW)],
                [("K", s.K), ("C", s.C), ("OH", s.OH), ("OW", s.OW)],
            ),
        ),
    ]  # fmt: skip


def backward_cost(s: Shapes) -> list[Cost]:
    """The forward pass, then the backward pass: for each output value, dout times the filter
    into dx and dout times the window into dw (a multiply-add each, as going forward), and
    dout into db (an add)."""
    per_filter = [("C/groups", s.C // s.groups), ("FH", s.FH), ("FW", s.FW)]
    outputs = [("K", s.K), ("OH", s.OH), ("OW", s.OW)]
    forward = convolution_cost(s)[0]
    return [
        forward,
        Cost(
            "the backward pass: dx and dw each as many multiply-adds as the forward pass, db an "
            "add an output value; gradients for every parameter",
            forward.parameters,
            count([("2", 2), *outputs, *per_filter], outputs if s.bias else []),
        ),
    ]


def transposed_cost(s: Shapes) -> list[Cost]:
    """A transposed convolution, then a fully connected layer between the same input and
    output (sharing and separability are the direct layer's questions)."""
    slices = [("K/groups", s.K // s.groups), ("FH", s.FH), ("FW", s.FW)]
    outputs = [("K", s.K), ("OH", s.OH), ("OW", s.OW)]
    inputs = [("C", s.C), ("H", s.H), ("W", s.W)]
    return [
        Cost(
            "this layer: every input value scales its filters' slices",
            count([("C", s.C), *slices], [("K", s.K)] if s.bias else []),
            count([*inputs, *slices]),
        ),
        Cost(
            "fully connected: every input value to every output value",
            count([*inputs, *outputs], outputs if s.bias else []),
            count([*inputs, *outputs]),
        ),
    ]


def output_values(s: Shapes) -> Count:
    """How many numbers the layer makes."""
    return count([("K", s.K), ("OH", s.OH), ("OW", s.OW)])
