"""Building blocks beyond a plain convolution, and what they cost.

* :class:`SqueezeExcitation` — channel attention (SENet): squeeze by global average pooling,
  excite with two small fully-connected layers, rescale each channel.
* :class:`DepthwiseSeparable` — a depthwise k×k convolution followed by a pointwise 1×1 one.
* :func:`conv_macs`, :func:`cost_rows`, :func:`time_module`, :func:`format_table` — parameters,
  multiply-adds and CPU time of a standard, a grouped and a depthwise-separable convolution.
* :func:`shapes_dataset`, :func:`fit_and_score` — a tiny, seeded over-fitting experiment.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import torch
from torch import nn

from convlab._validate import integer, pair
from convlab.arith import conv_output_size, conv_params

__all__ = [
    "DepthwiseSeparable",
    "SqueezeExcitation",
    "conv_macs",
    "cost_rows",
    "fit_and_score",
    "format_table",
    "param_count",
    "shapes_dataset",
    "time_module",
]


def param_count(module: nn.Module) -> int:
    """Number of learnable numbers in ``module`` (every parameter tensor's ``numel``)."""
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    return sum(p.numel() for p in module.parameters())


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


def conv_macs(in_channels, out_channels, kernel_size, size, stride=1, padding=0, groups=1) -> int:
    """Multiply-adds of one ``nn.Conv2d`` on one ``size`` (int or (H, W)) input, bias ignored.

    Each output value needs ``(in_channels / groups) · kH · kW`` multiply-adds.
    """
    weights = conv_params(in_channels, out_channels, kernel_size, bias=False, groups=groups)
    height, width = pair("size", size, minimum=1)
    kh, kw = pair("kernel_size", kernel_size, minimum=1)
    stride, padding = pair("stride", stride, minimum=1), pair("padding", padding, minimum=0)
    positions = conv_output_size(height, kh, stride[0], padding[0]) * conv_output_size(width, kw, stride[1], padding[1])
    return weights * positions  # every weight is used once per output position


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


@torch.no_grad()
def time_module(module: nn.Module, x: torch.Tensor, repeats: int = 5) -> float:
    """Best-of-``repeats`` wall-clock seconds of ``module(x)`` on the CPU (after one warm-up)."""
    repeats = integer("repeats", repeats, minimum=1)
    module(x)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        module(x)
        best = min(best, time.perf_counter() - start)
    return best


def format_table(rows: Sequence[dict], columns: Sequence[str]) -> str:
    """A plain-text table of ``rows`` (dicts) showing ``columns``; ints get thousands separators."""

    def cell(value) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        if isinstance(value, float):
            return f"{value:.2f}"
        return str(value)

    text = [[str(c) for c in columns]] + [[cell(row[c]) for c in columns] for row in rows]
    widths = [max(len(line[i]) for line in text) for i in range(len(columns))]
    lines = ["  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(line, widths, strict=True)))
             for line in text]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


_PLUS = torch.tensor([[0.0, 1, 0], [1, 1, 1], [0, 1, 0]])
_CROSS = torch.tensor([[1.0, 0, 1], [0, 1, 0], [1, 0, 1]])


def shapes_dataset(n: int, size: int = 12, seed: int = 0, noise: float = 0.3) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` noisy ``size``×``size`` images, each with a '+' (label 0) or an '×' (label 1) somewhere.

    The pattern's position is random, so a model must recognise it wherever it sits.
    """
    n, size = integer("n", n, minimum=1), integer("size", size, minimum=3)
    generator = torch.Generator().manual_seed(integer("seed", seed))
    labels = torch.randint(0, 2, (n,), generator=generator)
    # float64 draws are the same on every CPU; float32 randn's vectorised path is not.
    images = noise * torch.randn(n, 1, size, size, generator=generator, dtype=torch.float64).float()
    corners = torch.randint(0, size - 2, (n, 2), generator=generator)
    for i in range(n):
        r, c = corners[i].tolist()
        images[i, 0, r : r + 3, c : c + 3] += _CROSS if labels[i] else _PLUS
    return images, labels


def fit_and_score(
    model: nn.Module, train: tuple, test: tuple, steps: int = 200, lr: float = 0.01, weight_decay: float = 0.0
) -> tuple[float, float]:
    """Train ``model`` full-batch with Adam (cross-entropy), return (train, test) accuracy.

    ``weight_decay`` shrinks every weight by ``lr · weight_decay`` per step (as AdamW does).
    Runs on one CPU thread (restored afterwards) so that the result is the same on every run,
    and in float64 so that it is the same on every CPU: float32 sums round differently from one
    instruction set to the next, and training amplifies that. The model keeps its dtype.
    """
    steps = integer("steps", steps, minimum=1)
    threads, dtype = torch.get_num_threads(), next(model.parameters()).dtype
    torch.set_num_threads(1)
    try:
        model.to(torch.float64)
        train, test = ((x.to(torch.float64), y) for x, y in (train, test))
        return _fit(model, train, test, steps, lr, weight_decay)
    finally:
        model.to(dtype)
        torch.set_num_threads(threads)


def _fit(model: nn.Module, train: tuple, test: tuple, steps: int, lr: float, weight_decay: float):
    # Adam with decoupled weight decay, by hand: torch.optim's first step imports torch._dynamo,
    # which alone takes seconds; this loop computes the same update as torch.optim.AdamW.
    params = [p for p in model.parameters() if p.requires_grad]
    first, second = [torch.zeros_like(p) for p in params], [torch.zeros_like(p) for p in params]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    (x, y), (x_test, y_test) = train, test
    model.train()
    for step in range(1, steps + 1):
        model.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        with torch.no_grad():
            for p, m, v in zip(params, first, second, strict=True):
                p.mul_(1 - lr * weight_decay)
                m.mul_(beta1).add_(p.grad, alpha=1 - beta1)
                v.mul_(beta2).addcmul_(p.grad, p.grad, value=1 - beta2)
                denom = (v / (1 - beta2**step)).sqrt_().add_(eps)
                p.addcdiv_(m, denom, value=-lr / (1 - beta1**step))
    model.eval()
    with torch.no_grad():
        return tuple((model(a).argmax(1) == b).float().mean().item() for a, b in ((x, y), (x_test, y_test)))
