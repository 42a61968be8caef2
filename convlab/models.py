"""The small networks the chapters build, print and train.

* :func:`make_mlp`, :func:`make_cnn` — chapter 1's fully-connected and convolutional classifiers.
* :func:`conv_stack` — a stack of bare convolutions (chapter 6's receptive fields).
* :class:`SqueezeExcitation`, :class:`DepthwiseSeparable` — blocks beyond a plain convolution.
* :func:`cost_rows` — parameters and multiply-adds of a standard, a grouped and a
  depthwise-separable convolution; :func:`param_count` counts any module's parameters.
* :func:`reinitialised` — the same network with the starting weights of another seed.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from convlab._validate import integer
from convlab.arith import conv_macs, conv_output_size, receptive_field

__all__ = [
    "LocallyConnected2d",
    "DepthwiseSeparable",
    "SqueezeExcitation",
    "conv_stack",
    "cost_rows",
    "layer_triples",
    "make_cnn",
    "make_mlp",
    "param_count",
    "reinitialised",
]


def make_mlp(size: int, n_classes: int, hidden: int = 64) -> nn.Sequential:
    """Flatten → Linear(size², hidden) → ReLU → Linear(hidden, n_classes)."""
    size = integer("size", size, minimum=1)
    n_classes = integer("n_classes", n_classes, minimum=2)
    hidden = integer("hidden", hidden, minimum=1)
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(size * size, hidden),
        nn.ReLU(),
        nn.Linear(hidden, n_classes),
    )


def make_cnn(n_classes: int, channels: int = 8) -> nn.Sequential:
    """Two 3×3 convolutions with ReLU, a global max over positions, then Linear to the classes.

    The global max makes the CNN indifferent to *where* a pattern is, and the 3×3 kernels
    make it look only at *neighbouring* pixels.
    """
    n_classes = integer("n_classes", n_classes, minimum=2)
    channels = integer("channels", channels, minimum=1)
    return nn.Sequential(
        nn.Conv2d(1, channels, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(channels, 2 * channels, 3, padding=1),
        nn.ReLU(),
        nn.AdaptiveMaxPool2d(1),
        nn.Flatten(),
        nn.Linear(2 * channels, n_classes),
    )


def layer_triples(layers) -> list[tuple[int, int, int]]:
    """``layers`` as checked ``(kernel_size, stride, dilation)`` triples (``receptive_field`` validates)."""
    receptive_field(layers)
    return [(int(layer[0]), int(layer[1]), int(layer[2]) if len(layer) == 3 else 1) for layer in layers]


def conv_stack(layers: Sequence, channels: int = 1, *, seed: int | None = None) -> nn.Sequential:
    """``nn.Sequential`` of ``nn.Conv2d`` layers, one per ``(kernel_size, stride[, dilation])`` tuple.

    No padding and no non-linearity, so every path from input to output counts. With
    ``seed=None`` all weights are 1 and biases 0: the gradient of an output pixel then counts
    the paths from each input pixel to it. With an int seed the weights are random (seeded).
    """
    triples = layer_triples(layers)
    channels = integer("channels", channels, minimum=1)
    if seed is not None:
        seed = integer("seed", seed)
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    modules = []
    for kernel_size, stride, dilation in triples:
        conv = nn.Conv2d(channels, channels, kernel_size, stride=stride, dilation=dilation)
        with torch.no_grad():
            if generator is None:
                conv.weight.fill_(1.0)
                conv.bias.zero_()
            else:
                conv.weight.copy_(torch.randn(conv.weight.shape, generator=generator))
                conv.bias.copy_(torch.randn(conv.bias.shape, generator=generator))
        modules.append(conv)
    return nn.Sequential(*modules)


def param_count(module: nn.Module) -> int:
    """Number of learnable numbers in ``module`` (every parameter tensor's ``numel``)."""
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    return sum(p.numel() for p in module.parameters())


def reinitialised(model: nn.Module, seed: int) -> nn.Module:
    """A copy of ``model`` with the starting weights it would have had if it had been built right
    after ``torch.manual_seed(seed)``: each layer's ``reset_parameters()`` is called in the order
    the layers were built (the order of ``model.modules()``), drawing from a generator seeded
    with ``seed``. ``model`` and PyTorch's global random state are left as they were."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    seed = integer("seed", seed, minimum=0)
    fresh = copy.deepcopy(model)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for module in fresh.modules():
            if hasattr(module, "reset_parameters"):
                module.reset_parameters()
    return fresh


class SqueezeExcitation(nn.Module):
    """Squeeze-and-Excitation: ``x * sigmoid(W2 · relu(W1 · GAP(x)))``, one weight per channel.

    ``channels`` is C; the hidden layer has ``channels // reduction`` units. Parameters:
    ``2·C·(C/r) + C/r + C`` (two linear layers with biases).
    """

    def __init__(self, channels: int, reduction: int = 16):
        super().__init__()
        channels = integer("channels", channels, minimum=1)
        reduction = integer("reduction", reduction, minimum=1)
        if channels // reduction < 1:
            raise ValueError(f"reduction={reduction} leaves no hidden unit for channels={channels}")
        hidden = channels // reduction
        self.squeeze = nn.AdaptiveAvgPool2d(1)
        self.excite = nn.Sequential(nn.Linear(channels, hidden), nn.ReLU(), nn.Linear(hidden, channels), nn.Sigmoid())

    def gates(self, x: torch.Tensor) -> torch.Tensor:
        """The channel weights in (0, 1), shape ``(N, C)``."""
        if not isinstance(x, torch.Tensor) or x.ndim != 4:
            raise ValueError(f"x must be an (N, C, H, W) tensor, got {getattr(x, 'shape', type(x).__name__)}")
        return self.excite(self.squeeze(x).flatten(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.gates(x)[:, :, None, None]


class DepthwiseSeparable(nn.Sequential):
    """A depthwise k×k convolution (``groups=in_channels``), then a pointwise 1×1 convolution."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size, padding=0, bias: bool = False):
        in_channels = integer("in_channels", in_channels, minimum=1)
        out_channels = integer("out_channels", out_channels, minimum=1)
        super().__init__(
            nn.Conv2d(in_channels, in_channels, kernel_size, padding=padding, groups=in_channels, bias=bias),
            nn.Conv2d(in_channels, out_channels, 1, bias=bias),
        )


def cost_rows(in_channels: int, out_channels: int, kernel_size: int, size: int, groups: int = 4) -> list[dict]:
    """Parameters and multiply-adds of three layers with the same input and output shape.

    Rows (``name``, ``module``, ``params``, ``macs``): a standard convolution, a grouped one
    (``groups``) and a depthwise-separable block, all 'same'-padded and without bias.
    """
    pad = integer("kernel_size", kernel_size, minimum=1) // 2
    layers = {
        "standard": nn.Conv2d(in_channels, out_channels, kernel_size, padding=pad, bias=False),
        f"grouped (groups={groups})": nn.Conv2d(
            in_channels, out_channels, kernel_size, padding=pad, groups=groups, bias=False
        ),
        "depthwise-separable": DepthwiseSeparable(in_channels, out_channels, kernel_size, padding=pad),
    }
    macs = {
        "standard": conv_macs(in_channels, out_channels, kernel_size, size, padding=pad),
        f"grouped (groups={groups})": conv_macs(
            in_channels, out_channels, kernel_size, size, padding=pad, groups=groups
        ),
        "depthwise-separable": conv_macs(in_channels, in_channels, kernel_size, size, padding=pad, groups=in_channels)
        + conv_macs(in_channels, out_channels, 1, size),
    }
    return [{"name": n, "module": m, "params": param_count(m), "macs": macs[n]} for n, m in layers.items()]


class LocallyConnected2d(nn.Module):
    """A convolution without weight sharing: every output position has its own weights.

    For a square ``input_size`` input, ``weight`` has shape ``(L, O, C·k·k)`` with ``L``
    output positions, and ``bias`` has shape ``(O, H_out, W_out)``. Output: ``(N, O, H_out, W_out)``.
    """

    def __init__(self, in_channels, out_channels, kernel_size, input_size, stride=1, padding=0):
        super().__init__()
        self.in_channels = integer("in_channels", in_channels, minimum=1)
        self.out_channels = integer("out_channels", out_channels, minimum=1)
        self.kernel_size = integer("kernel_size", kernel_size, minimum=1)
        self.input_size = integer("input_size", input_size, minimum=1)
        self.stride = integer("stride", stride, minimum=1)
        self.padding = integer("padding", padding, minimum=0)
        self.out_size = conv_output_size(self.input_size, self.kernel_size, self.stride, self.padding)
        fan_in = self.in_channels * self.kernel_size**2
        bound = 1 / math.sqrt(fan_in)  # the same range nn.Conv2d draws from
        positions = self.out_size**2
        self.weight = nn.Parameter(torch.empty(positions, self.out_channels, fan_in).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(self.out_channels, self.out_size, self.out_size).uniform_(-bound, bound))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not isinstance(x, torch.Tensor) or x.ndim != 4:
            raise ValueError(f"x must be an (N, C, H, W) tensor, got {getattr(x, 'shape', type(x).__name__)}")
        if x.shape[1] != self.in_channels or x.shape[2] != self.input_size or x.shape[3] != self.input_size:
            raise ValueError(
                f"x must have shape (N, {self.in_channels}, {self.input_size}, {self.input_size}), "
                f"got {tuple(x.shape)}"
            )
        cols = F.unfold(x, self.kernel_size, stride=self.stride, padding=self.padding)  # (N, C·k·k, L)
        out = torch.einsum("njl,loj->nol", cols, self.weight)  # window l meets its own weights
        return out.reshape(x.shape[0], self.out_channels, self.out_size, self.out_size) + self.bias
