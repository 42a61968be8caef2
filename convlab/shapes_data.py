"""A small, seeded image data set of strokes: made on the fly, so nothing downloads.

Every image is a ``size × size`` grayscale picture of one short stroke — horizontal,
vertical, or along one of the two diagonals — at a random place, with random brightness
and Gaussian noise. The class is the stroke's direction. Telling the classes apart needs
*which pixels are neighbours*, not *where* the stroke is: exactly the spatial structure
that a convolution uses and a fully-connected layer ignores.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from convlab._validate import integer

__all__ = ["CLASSES", "ShapesData", "make_shapes", "split_shapes"]

CLASSES = ("horizontal", "vertical", "diagonal ↘", "diagonal ↗")
_STEPS = ((0, 1), (1, 0), (1, 1), (-1, 1))  # (row step, column step) of each class's stroke


@dataclass(frozen=True)
class ShapesData:
    """Images ``(N, 1, size, size)`` float32 and labels ``(N,)`` int64 (indices into ``CLASSES``)."""

    images: torch.Tensor
    labels: torch.Tensor

    def __len__(self) -> int:
        return len(self.labels)


def make_shapes(n: int = 3000, *, size: int = 8, length: int = 4, noise: float = 0.2, seed: int = 0) -> ShapesData:
    """Generate ``n`` stroke images of side ``size``, balanced over the four ``CLASSES``.

    Each stroke is ``length`` pixels long and lies wholly inside the image at a uniformly
    random position; its brightness is uniform in [0.6, 1]; Gaussian noise of standard
    deviation ``noise`` is added everywhere. The same arguments always give the same data.
    """
    n = integer("n", n, minimum=1)
    size = integer("size", size, minimum=2)
    length = integer("length", length, minimum=2)
    seed = integer("seed", seed, minimum=0)
    if length > size:
        raise ValueError(f"length must be at most size={size}, got {length}")
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or noise < 0:
        raise ValueError(f"noise must be a number >= 0, got {noise!r}")
    gen = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % len(CLASSES)
    labels = labels[torch.randperm(n, generator=gen)]
    images = torch.zeros(n, size, size)
    free = size - length + 1  # positions where a stroke of this length fits along its direction
    along = torch.randint(0, free, (n,), generator=gen)
    across = torch.randint(0, size, (n,), generator=gen)
    other = torch.randint(0, free, (n,), generator=gen)
    brightness = 0.6 + 0.4 * torch.rand(n, generator=gen)
    steps = torch.arange(length)
    for k, (dr, dc) in enumerate(_STEPS):
        idx = (labels == k).nonzero().flatten()
        if dr == 0:  # horizontal: a free row, columns along the stroke
            rows0, cols0 = across[idx], along[idx]
        elif dc == 0:  # vertical
            rows0, cols0 = along[idx], across[idx]
        elif dr == 1:  # ↘ starts at the top left of its box
            rows0, cols0 = along[idx], other[idx]
        else:  # ↗ starts at the bottom left of its box
            rows0, cols0 = along[idx] + length - 1, other[idx]
        rows = rows0[:, None] + dr * steps
        cols = cols0[:, None] + dc * steps
        images[idx[:, None], rows, cols] = brightness[idx, None]
    # float32 randn takes a vectorised path whose bits depend on the CPU's instruction set;
    # float64 draws are the same on every CPU, so the data (and what is trained on it) are too.
    images += noise * torch.randn(n, size, size, generator=gen, dtype=torch.float64).float()
    return ShapesData(images.unsqueeze(1), labels)


def split_shapes(data: ShapesData, n_test: int) -> tuple[ShapesData, ShapesData]:
    """Split into (train, test): the last ``n_test`` images are the test set."""
    if not isinstance(data, ShapesData):
        raise TypeError(f"data must be a ShapesData, got {type(data).__name__}")
    n_test = integer("n_test", n_test, minimum=1)
    if n_test >= len(data):
        raise ValueError(f"n_test must be smaller than the data set ({len(data)}), got {n_test}")
    cut = len(data) - n_test
    return (
        ShapesData(data.images[:cut], data.labels[:cut]),
        ShapesData(data.images[cut:], data.labels[cut:]),
    )
