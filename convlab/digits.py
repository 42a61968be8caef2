"""Real handwriting that ships inside a package: scikit-learn's 8 × 8 digits, split and seeded.

``sklearn.datasets.load_digits`` holds 1,797 handwritten digits (0–9), each an 8 × 8 image
of 17 grey levels (0 … 16), read from a file inside the scikit-learn package: nothing
downloads. This module turns them into PyTorch tensors and splits them into training and
test sets *stratified* by class (each digit keeps its share in both sets) with a seeded
generator, so the same call always gives the same split.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real

import torch

from convlab._validate import integer

__all__ = ["GREY_LEVELS", "Digits", "load_digits", "shift", "stratified_split"]

GREY_LEVELS = 16  # the largest pixel value: a pixel counts the inked pixels of a 4 × 4 block, 0 … 16


@dataclass(frozen=True)
class Digits:
    """Images ``(N, 1, 8, 8)`` scaled to [0, 1] and labels ``(N,)`` int64 (the digit 0 … 9)."""

    images: torch.Tensor
    labels: torch.Tensor

    def __post_init__(self) -> None:
        if not isinstance(self.images, torch.Tensor) or self.images.ndim != 4:
            raise ValueError(f"images must be a tensor of shape (N, C, H, W), got {_shape(self.images)}")
        if not isinstance(self.labels, torch.Tensor) or self.labels.shape != self.images.shape[:1]:
            raise ValueError(f"labels must be a tensor of shape ({len(self.images)},), got {_shape(self.labels)}")

    def __len__(self) -> int:
        return len(self.labels)


def _shape(value) -> str:
    return str(tuple(value.shape)) if isinstance(value, torch.Tensor) else type(value).__name__


def load_digits(*, dtype: torch.dtype = torch.float64) -> Digits:
    """All 1,797 digits of ``sklearn.datasets.load_digits``, pixels scaled to [0, 1].

    ``dtype`` is the images' floating type (float64 by default: the chapter trains in
    float64 so that its printed accuracies are the same on every CPU).
    """
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating torch.dtype, got {dtype!r}")
    from sklearn import datasets  # imported here: only this function needs scikit-learn

    raw = datasets.load_digits()
    images = torch.from_numpy(raw.images).to(dtype).unsqueeze(1) / GREY_LEVELS
    labels = torch.from_numpy(raw.target).to(torch.int64)
    return Digits(images, labels)


def stratified_split(data: Digits, test_fraction: float = 0.25, *, seed: int = 0) -> tuple[Digits, Digits]:
    """Split ``data`` into ``(train, test)``, keeping each class's share in both.

    For every class, its images are shuffled with a generator seeded by ``seed`` and
    ``round(test_fraction * count)`` of them go to the test set. Both sets are then put in a
    seeded random order, so that no class comes in one block.
    """
    if not isinstance(data, Digits):
        raise TypeError(f"data must be a Digits, got {type(data).__name__}")
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, Real) or not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be a number strictly between 0 and 1, got {test_fraction!r}")
    seed = integer("seed", seed, minimum=0)
    gen = torch.Generator().manual_seed(seed)
    train_parts, test_parts = [], []
    for label in torch.unique(data.labels):
        members = (data.labels == label).nonzero().flatten()
        members = members[torch.randperm(len(members), generator=gen)]
        n_test = round(test_fraction * len(members))
        if n_test == 0 or n_test == len(members):
            raise ValueError(f"test_fraction={test_fraction} leaves class {int(label)} with an empty set")
        test_parts.append(members[:n_test])
        train_parts.append(members[n_test:])
    sets = []
    for parts in (train_parts, test_parts):
        index = torch.cat(parts)
        index = index[torch.randperm(len(index), generator=gen)]
        sets.append(Digits(data.images[index], data.labels[index]))
    return sets[0], sets[1]


def shift(images: torch.Tensor, right: int = 0, down: int = 0) -> torch.Tensor:
    """Move every image of ``(N, C, H, W)`` by ``right`` columns and ``down`` rows (negative: left, up).

    What moves out of the frame is lost and the uncovered border is filled with zeros
    (blank paper), so this is a translation, not a roll.
    """
    if not isinstance(images, torch.Tensor) or images.ndim != 4:
        raise ValueError(f"images must be a tensor of shape (N, C, H, W), got {_shape(images)}")
    right, down = integer("right", right), integer("down", down)
    h, w = images.shape[-2:]
    if abs(down) >= h or abs(right) >= w:
        raise ValueError(f"a shift of {right} columns and {down} rows leaves nothing of a {h}×{w} image")
    out = torch.zeros_like(images)
    rows_to, rows_from = slice(max(down, 0), h + min(down, 0)), slice(max(-down, 0), h - max(down, 0))
    cols_to, cols_from = slice(max(right, 0), w + min(right, 0)), slice(max(-right, 0), w - max(right, 0))
    out[..., rows_to, cols_to] = images[..., rows_from, cols_from]
    return out
