"""What weight sharing saves: a convolution without it (a locally-connected layer).

* :func:`unshared_params` — parameters of a layer shaped like ``nn.Conv2d`` whose every output
  position has its own kernel and bias (CS231n's AlexNet conv1 count).
* :class:`LocallyConnected2d` — such a layer, computed with ``F.unfold`` (im2col): each of the
  L windows meets its own ``(O, C·k·k)`` weight matrix.

Checked against ``nn.Conv2d`` in ``tests/test_sharing_math.py``.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from convlab._validate import integer
from convlab.arith import conv_output_size, conv_params

__all__ = ["LocallyConnected2d", "unshared_params"]


def unshared_params(in_channels, out_channels, kernel_size, size, stride=1, padding=0, bias: bool = True) -> int:
    """Parameters of a locally-connected layer: one kernel (and bias) per output position.

    That is ``H_out · W_out`` times the count of ``nn.Conv2d(in_channels, out_channels,
    kernel_size)`` on a square ``size`` × ``size`` input.
    """
    out = conv_output_size(integer("size", size, minimum=1), kernel_size, stride, padding)
    return out * out * conv_params(in_channels, out_channels, kernel_size, bias=bias)


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
