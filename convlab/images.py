"""Real images that ship with matplotlib, so that nothing downloads at run time."""

from __future__ import annotations

import numpy as np
import torch
from matplotlib import cbook
from matplotlib import pyplot as plt

__all__ = ["PHOTO", "RGBA_PNG", "grayscale", "load", "photo", "rgba_png", "to_nchw"]

PHOTO = "grace_hopper.jpg"  # a JPEG photo: uint8, (600, 512, 3)
RGBA_PNG = "Minduka_Present_Blue_Pack.png"  # a PNG with transparency: float32 in [0, 1], (128, 128, 4)


def load(name: str) -> np.ndarray:
    """Read one of matplotlib's sample images with ``plt.imread`` (H × W × C, as stored)."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a file name string, got {name!r}")
    try:
        path = cbook.get_sample_data(name, asfileobj=False)
    except (FileNotFoundError, ValueError):
        raise ValueError(f"name={name!r} is not one of matplotlib's sample images") from None
    return plt.imread(path)


def photo(size: int | None = 128) -> np.ndarray:
    """The sample photo as float32 RGB in [0, 1], H × W × 3, cropped square and downsampled.

    ``size`` is the side in pixels (None keeps the 512 × 512 crop); small sizes keep
    notebooks fast.
    """
    image = load(PHOTO).astype(np.float32) / 255.0
    image = image[:512, :512]
    if size is None:
        return image
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 512:
        raise ValueError(f"size must be an int from 1 to 512 or None, got {size!r}")
    tensor = torch.from_numpy(image).permute(2, 0, 1).unsqueeze(0)
    small = torch.nn.functional.interpolate(tensor, size=(size, size), mode="area")
    return small.squeeze(0).permute(1, 2, 0).numpy()


def rgba_png() -> np.ndarray:
    """The sample RGBA PNG, as ``plt.imread`` gives it: float32 in [0, 1], (128, 128, 4)."""
    return load(RGBA_PNG)


def grayscale(image: np.ndarray) -> np.ndarray:
    """Luminance (ITU-R 601 weights) of an H × W × 3 or × 4 image, as float32 H × W."""
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] not in (3, 4):
        raise ValueError(f"image must be H × W × 3 or H × W × 4, got shape {image.shape}")
    return image[..., :3].astype(np.float32) @ np.array([0.299, 0.587, 0.114], dtype=np.float32)


def to_nchw(image: np.ndarray) -> torch.Tensor:
    """An H × W × C (or H × W) array as a float32 tensor of shape (1, C, H, W)."""
    tensor = torch.as_tensor(np.asarray(image), dtype=torch.float32)
    if tensor.ndim == 2:
        tensor = tensor.unsqueeze(-1)
    if tensor.ndim != 3:
        raise ValueError(f"image must be H × W or H × W × C, got shape {tuple(tensor.shape)}")
    return tensor.permute(2, 0, 1).unsqueeze(0)
