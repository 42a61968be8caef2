"""What each layer of a network costs: parameters, multiply-adds and activation memory.

:func:`layer_costs` runs a copy of a model on the ``meta`` device (shapes, no numbers, no
memory), records every leaf layer's output shape with a forward hook, and derives:

- **parameters**: the layer's learnable numbers;
- **multiply-adds** (MACs): a convolution does ``C_in/groups · kH · kW`` of them for every
  output number, a linear layer ``in_features``; ReLU, pooling and flattening do none (they
  compare or copy);
- **activation memory**: the output's size in float32 bytes, what a forward pass keeps for
  the backward pass.

FLOPs are counted as ``2 × MACs`` (one multiply and one add). Each row is cross-checked
against the formulas of :mod:`convlab.arith` (through :mod:`convlab.layer_table`), and
:func:`layer_costs` raises if PyTorch and the formulas disagree.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from math import prod

import torch
from torch import nn

from convlab._validate import integer, pair
from convlab.layer_table import expected_output_shape, expected_params, layer_name

__all__ = ["FLOAT32_BYTES", "CostTable", "LayerCost", "conv_output_macs", "layer_costs", "linear_macs"]

FLOAT32_BYTES = 4
Shape = tuple[int, ...]


def conv_output_macs(in_channels, out_channels, kernel_size, out_height, out_width, *, groups=1) -> int:
    """Multiply-adds of one ``nn.Conv2d`` on one image, bias additions not counted.

    Each of the ``out_channels · out_height · out_width`` output numbers is a dot product of
    ``in_channels / groups · kH · kW`` pairs.

    >>> conv_output_macs(1, 6, 3, 8, 8)
    3456
    """
    in_channels = integer("in_channels", in_channels, minimum=1)
    out_channels = integer("out_channels", out_channels, minimum=1)
    kh, kw = pair("kernel_size", kernel_size, minimum=1)
    out_height = integer("out_height", out_height, minimum=1)
    out_width = integer("out_width", out_width, minimum=1)
    groups = integer("groups", groups, minimum=1)
    if in_channels % groups:
        raise ValueError(f"in_channels={in_channels} is not divisible by groups={groups}")
    return out_channels * out_height * out_width * (in_channels // groups) * kh * kw


def linear_macs(in_features, out_features) -> int:
    """Multiply-adds of one ``nn.Linear`` on one input vector: ``in_features · out_features``."""
    in_features = integer("in_features", in_features, minimum=1)
    out_features = integer("out_features", out_features, minimum=1)
    return in_features * out_features


@dataclass(frozen=True)
class LayerCost:
    """One leaf layer: its output shape (batch axis included) and what it costs."""

    name: str
    output_shape: Shape
    params: int
    macs: int

    @property
    def flops(self) -> int:
        """Floating-point operations, counted as two per multiply-add."""
        return 2 * self.macs

    @property
    def activation_bytes(self) -> int:
        """The output's size in float32 bytes."""
        return FLOAT32_BYTES * prod(self.output_shape)


@dataclass(frozen=True)
class CostTable:
    """The rows of :func:`layer_costs`, with totals; prints as a text table."""

    input_shape: Shape
    rows: tuple[LayerCost, ...]

    @property
    def params(self) -> int:
        return sum(row.params for row in self.rows)

    @property
    def macs(self) -> int:
        return sum(row.macs for row in self.rows)

    @property
    def flops(self) -> int:
        return 2 * self.macs

    @property
    def activation_bytes(self) -> int:
        """Float32 bytes of every layer's output together (the input not included)."""
        return sum(row.activation_bytes for row in self.rows)

    def __repr__(self) -> str:
        head = ["layer", "output shape", "parameters", "multiply-adds", "FLOPs", "activations (B)"]
        body = [
            [r.name, str(r.output_shape), f"{r.params:,}", f"{r.macs:,}", f"{r.flops:,}", f"{r.activation_bytes:,}"]
            for r in self.rows
        ]
        total = ["total", "", f"{self.params:,}", f"{self.macs:,}", f"{self.flops:,}", f"{self.activation_bytes:,}"]
        cells = [head, *body, total]
        widths = [max(len(row[i]) for row in cells) for i in range(len(head))]
        lines = [
            "  ".join(cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) for i, cell in enumerate(row))
            for row in cells
        ]
        rule = "  ".join("-" * w for w in widths)
        return "\n".join([lines[0], rule, *lines[1:-1], rule, lines[-1]])


def _measured_macs(layer: nn.Module, output_shape: Shape) -> int:
    """Multiply-adds read off the output shape: (dot products) × (pairs in each)."""
    if isinstance(layer, nn.Conv2d):
        per_output = layer.in_channels // layer.groups * layer.kernel_size[0] * layer.kernel_size[1]
        return prod(output_shape) * per_output
    if isinstance(layer, nn.Linear):
        return prod(output_shape) * layer.in_features
    return 0


def _formula_macs(layer: nn.Module, output_shape: Shape) -> int:
    """The same count by :func:`conv_output_macs` / :func:`linear_macs`, per image times the batch."""
    batch = output_shape[0]
    if isinstance(layer, nn.Conv2d):
        _, c_out, h, w = output_shape
        return batch * conv_output_macs(layer.in_channels, c_out, layer.kernel_size, h, w, groups=layer.groups)
    if isinstance(layer, nn.Linear):
        return prod(output_shape[:-1]) * linear_macs(layer.in_features, layer.out_features)
    return 0


def layer_costs(model: nn.Module, input_shape) -> CostTable:
    """Parameters, multiply-adds and float32 activation memory of every leaf layer of ``model``.

    ``model`` runs on a ``meta``-device copy (the original is untouched, nothing is
    computed), on an input of ``input_shape`` (N, C, H, W). Rows come in the order the
    layers run. Each output shape, parameter count and multiply-add count is also computed
    from the formulas of :mod:`convlab.arith`; a disagreement raises ``RuntimeError``.
    Raises ``ValueError`` when the model cannot run on that shape.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(input_shape, (tuple, list, torch.Size)) or len(input_shape) != 4:
        raise TypeError(f"input_shape must be an (N, C, H, W) tuple of ints, got {input_shape!r}")
    shape = tuple(integer(f"input_shape[{i}]", s, minimum=1) for i, s in enumerate(input_shape))
    ghost = copy.deepcopy(model).to("meta")
    seen: list[tuple[nn.Module, Shape, Shape]] = []

    def record(layer, inputs, output):
        seen.append((layer, tuple(inputs[0].shape), tuple(output.shape)))

    leaves = [m for m in ghost.modules() if not list(m.children())]
    handles = [leaf.register_forward_hook(record) for leaf in leaves]
    try:
        with torch.no_grad():
            ghost(torch.empty(shape, device="meta"))
    except RuntimeError as error:
        raise ValueError(f"the model cannot run on input_shape={shape}: {error}") from None
    finally:
        for handle in handles:
            handle.remove()
    rows = []
    for layer, in_shape, out_shape in seen:
        params = sum(p.numel() for p in layer.parameters())
        macs = _measured_macs(layer, out_shape)
        checks = [
            ("output shape", out_shape, expected_output_shape(layer, in_shape)),
            ("parameters", params, expected_params(layer)),
            ("multiply-adds", macs, _formula_macs(layer, out_shape)),
        ]
        for what, measured, formula in checks:
            if measured != formula:
                raise RuntimeError(f"{layer}: PyTorch gives {what} {measured}, the formulas {formula}")
        rows.append(LayerCost(layer_name(layer), out_shape, params, macs))
    return CostTable(shape, tuple(rows))
