"""Chapter 2's sliding window: pick a kernel and a window position, see the products' sum land.

Every number comes from :func:`convlab.ops.conv2d_loops` (the chapter's readable convolution);
the output size from :func:`convlab.arith.conv_output_size`.
"""

from __future__ import annotations

import torch

from convlab.arith import conv_output_size
from convlab.explorers.grid import Control, Frame, GridExplorer, Panel, enumerate_frames, minus_signs
from convlab.ops import conv2d_loops

__all__ = ["IMAGE", "KERNELS", "build"]

IMAGE = ((1, 2, 0, 3, 1), (0, 1, 2, 1, 0), (3, 1, 0, 2, 2), (2, 0, 1, 1, 3), (1, 2, 3, 0, 1))  # the chapter's x5
KERNELS = {  # the chapter's k3 first
    "vertical edges (k3)": ((1, 0, -1), (2, 0, -2), (1, 0, -1)),
    "horizontal edges (k3 turned)": ((1, 2, 1), (0, 0, 0), (-1, -2, -1)),
    "box: the window's sum": ((1, 1, 1), (1, 1, 1), (1, 1, 1)),
    "identity: the centre pixel": ((0, 0, 0), (0, 1, 0), (0, 0, 0)),
}


def _grid(values: torch.Tensor) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(v) for v in row) for row in values.tolist())


def build(image=IMAGE, kernels: dict | None = None) -> GridExplorer:
    """The explorer of chapter 2's walk-through: a kernel (drop-down) and a window position (slider).

    ``image`` is a 2-D grid of numbers; ``kernels`` maps names to 2-D kernels (default
    :data:`KERNELS`). The output shows the cells computed up to the chosen position.
    """
    x = torch.as_tensor(image, dtype=torch.float64)
    if x.ndim != 2:
        raise ValueError(f"image must be a 2-D grid, got shape {tuple(x.shape)}")
    kernels = {name: torch.as_tensor(k, dtype=torch.float64) for name, k in (kernels or KERNELS).items()}
    shapes = {tuple(k.shape) for k in kernels.values()}
    if len(shapes) != 1 or len(next(iter(shapes))) != 2:
        raise ValueError(f"kernels must be 2-D and of one shape, got shapes {sorted(shapes)}")
    kh, kw = next(iter(shapes))
    out_h, out_w = conv_output_size(x.shape[0], kh), conv_output_size(x.shape[1], kw)
    outputs = {name: conv2d_loops(x[None, None], k[None, None])[0, 0] for name, k in kernels.items()}
    names = tuple(kernels)
    low = min(float(o.min()) for o in outputs.values())
    high = max(float(o.max()) for o in outputs.values())
    reach = max(abs(low), abs(high), 1.0)
    weight_reach = max(float(k.abs().max()) for k in kernels.values())
    controls = (
        Control("kernel", "kernel", names, names[0], menu=True),
        Control("position", "window position", tuple(range(out_h * out_w)), 0,
                names=tuple(f"row {i}, column {j}" for i in range(out_h) for j in range(out_w))),
    )

    def frame(kernel: str, position: int) -> Frame:
        i, j = divmod(position, out_w)
        out = outputs[kernel]
        shown = [[float(out[r, c]) if r * out_w + c <= position else None for c in range(out_w)] for r in range(out_h)]
        value = float(out[i, j])
        panels = (
            Panel("input", _grid(x), colour="blues", vmin=float(x.min()), vmax=float(x.max()),
                  outlines=((i, j, kh, kw),)),
            Panel("kernel", _grid(kernels[kernel]), colour="signed", vmin=-weight_reach, vmax=weight_reach),
            Panel(f"output {out_h}×{out_w}", tuple(map(tuple, shown)), colour="signed", vmin=-reach, vmax=reach,
                  outlines=((i, j, 1, 1),)),
        )
        text = (f"Window at row {i}, column {j} (position {position + 1} of {out_h * out_w}): "
                f"the {kh * kw} products add up to {value:g}; output {out_h} by {out_w}.")
        return Frame(panels, minus_signs(text))

    return GridExplorer("Sliding window", controls, enumerate_frames(controls, frame))
