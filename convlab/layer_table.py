"""A table of a stack of layers: input shape, output shape and parameter count of each.

Every row is measured twice: by running the real PyTorch module, and by the formulas of
:mod:`convlab.arith` (``conv_output_size``, ``conv_params``, ``linear_params``). If the two
disagree, :func:`layer_table` raises, so a table that prints is a table that was checked.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import torch
from torch import nn

from convlab import arith
from convlab._validate import integer
from convlab.tables import text_table

__all__ = ["LayerRow", "LayerTable", "expected_output_shape", "expected_params", "layer_name", "layer_table"]

Shape = tuple[int, ...]


@dataclass(frozen=True)
class LayerRow:
    """One layer of the table."""

    name: str
    input_shape: Shape
    output_shape: Shape
    params: int


@dataclass(frozen=True)
class LayerTable:
    """The rows of :func:`layer_table`; shows as a text or an HTML table."""

    rows: tuple[LayerRow, ...]

    @property
    def total_params(self) -> int:
        return sum(row.params for row in self.rows)

    def _cells(self) -> list[list[str]]:
        body = [[r.name, str(r.input_shape), str(r.output_shape), f"{r.params:,}"] for r in self.rows]
        total = ["total", "", "", f"{self.total_params:,}"]
        return [["layer", "input shape", "output shape", "parameters"], *body, total]

    def __repr__(self) -> str:
        head, *body, total = self._cells()
        return text_table(head, body, footer=total, align="lllr")  # numbers right-aligned

    def _repr_html_(self) -> str:
        head, *body, foot = self._cells()

        def row(cells: list[str], tag: str) -> str:
            return "<tr>" + "".join(
                f'<{tag} style="text-align:{"right" if i == 3 else "left"}">{html.escape(c)}</{tag}>'
                for i, c in enumerate(cells)
            ) + "</tr>"

        rows = [row(head, "th"), *(row(cells, "td") for cells in body), row(foot, "th")]
        return "<table>" + "".join(rows) + "</table>"


def _conv_padding(layer: nn.Conv2d, axis: int) -> int:
    """Padding per side along ``axis``, resolving ``'same'`` and ``'valid'``."""
    if layer.padding == "valid":
        return 0
    if layer.padding == "same":
        total = layer.dilation[axis] * (layer.kernel_size[axis] - 1)
        if total % 2:
            raise ValueError(f"{layer}: 'same' with an even kernel pads unevenly; the table handles odd kernels only")
        return total // 2
    return layer.padding[axis]


def expected_output_shape(layer: nn.Module, input_shape: Shape) -> Shape:
    """The output shape of ``layer`` on ``input_shape`` by the formulas of :mod:`convlab.arith`.

    Handles ``nn.Conv2d``, ``nn.MaxPool2d``/``nn.AvgPool2d`` (int arguments), ``nn.Linear``,
    ``nn.Flatten`` and shape-keeping activations (ReLU and friends).
    """
    shape = tuple(input_shape)
    if isinstance(layer, nn.Conv2d):
        if len(shape) != 4:
            raise ValueError(f"{layer} needs an N×C×H×W input, got {shape}")
        if shape[1] != layer.in_channels:
            raise ValueError(f"{layer} expects {layer.in_channels} input channels, got {shape[1]}")
        sizes = [
            arith.conv_output_size(
                shape[2 + a], layer.kernel_size[a], layer.stride[a], _conv_padding(layer, a), layer.dilation[a]
            )
            for a in (0, 1)
        ]
        return (shape[0], layer.out_channels, *sizes)
    if isinstance(layer, (nn.MaxPool2d, nn.AvgPool2d)):
        kernel, stride, padding = layer.kernel_size, layer.stride, layer.padding
        if not all(isinstance(v, int) for v in (kernel, stride, padding)) or getattr(layer, "ceil_mode", False):
            raise ValueError(f"{layer}: the table handles int kernel_size/stride/padding without ceil_mode only")
        dilation = getattr(layer, "dilation", 1)
        size = [arith.conv_output_size(s, kernel, stride, padding, dilation) for s in shape[2:]]
        return (*shape[:2], *size)
    if isinstance(layer, nn.Linear):
        if shape[-1] != layer.in_features:
            raise ValueError(f"{layer} expects {layer.in_features} input features, got {shape[-1]}")
        return (*shape[:-1], layer.out_features)
    if isinstance(layer, nn.Flatten):
        start, end = layer.start_dim % len(shape), layer.end_dim % len(shape)
        merged = 1
        for size in shape[start : end + 1]:
            merged *= size
        return (*shape[:start], merged, *shape[end + 1 :])
    if isinstance(layer, (nn.ReLU, nn.LeakyReLU, nn.Sigmoid, nn.Tanh, nn.Identity, nn.BatchNorm2d, nn.Dropout)):
        return shape
    raise TypeError(f"layer_table does not know the arithmetic of {type(layer).__name__}")


def expected_params(layer: nn.Module) -> int:
    """The learnable parameter count of ``layer`` by the formulas of :mod:`convlab.arith`."""
    if isinstance(layer, nn.Conv2d):
        return arith.conv_params(layer.in_channels, layer.out_channels, layer.kernel_size, bias=layer.bias is not None,
                                 groups=layer.groups)
    if isinstance(layer, nn.Linear):
        return arith.linear_params(layer.in_features, layer.out_features, bias=layer.bias is not None)
    if isinstance(layer, nn.BatchNorm2d):
        return 2 * layer.num_features if layer.affine else 0
    return 0


def layer_name(layer: nn.Module) -> str:
    """A short name: ``Conv2d 4→32, 5×3``, ``Linear 10→2`` or ``MaxPool2d 2``."""
    kind = type(layer).__name__
    if isinstance(layer, nn.Conv2d):
        return f"{kind} {layer.in_channels}→{layer.out_channels}, {layer.kernel_size[0]}×{layer.kernel_size[1]}"
    if isinstance(layer, nn.Linear):
        return f"{kind} {layer.in_features}→{layer.out_features}"
    if isinstance(layer, (nn.MaxPool2d, nn.AvgPool2d)):
        return f"{kind} {layer.kernel_size}"
    return kind


def layer_table(layers, input_shape) -> LayerTable:
    """Run ``layers`` (an ``nn.Sequential`` or a list of modules) on zeros of ``input_shape``.

    Each row holds a layer's input shape, output shape and parameter count, as PyTorch
    reports them; each is checked against :func:`expected_output_shape` and
    :func:`expected_params` (``RuntimeError`` if they differ).
    """
    if isinstance(layers, nn.Module) and not isinstance(layers, nn.Sequential):
        layers = [layers]
    layers = list(layers)
    if not layers or not all(isinstance(layer, nn.Module) for layer in layers):
        raise TypeError("layers must be an nn.Sequential or a non-empty list of nn.Module")
    if not isinstance(input_shape, (tuple, list, torch.Size)) or not input_shape:
        raise TypeError(f"input_shape must be a tuple of ints, got {input_shape!r}")
    shape = tuple(integer(f"input_shape[{i}]", s, minimum=1) for i, s in enumerate(input_shape))
    x = torch.zeros(shape)
    rows = []
    with torch.no_grad():
        for layer in layers:
            y = layer(x)
            measured = tuple(y.shape)
            params = sum(p.numel() for p in layer.parameters())
            expected = expected_output_shape(layer, tuple(x.shape))
            if measured != expected:
                raise RuntimeError(f"{layer}: PyTorch gives output {measured}, the formula {expected}")
            if params != expected_params(layer):
                raise RuntimeError(f"{layer}: PyTorch counts {params} parameters, the formula {expected_params(layer)}")
            rows.append(LayerRow(layer_name(layer), tuple(x.shape), measured, params))
            x = y
    return LayerTable(tuple(rows))
