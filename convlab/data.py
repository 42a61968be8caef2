"""Every data set and sample image the course uses, and the image <-> tensor layouts.

Nothing downloads: images are matplotlib's sample files (read with Pillow, as ``plt.imread``
does, so this module needs no matplotlib import), and the data sets are generated, seeded.

* Sample images: :func:`load`, :func:`photo`, :func:`rgba_png`, :func:`grayscale`.
* Layouts: :func:`to_nchw` (H×W×C → 1×C×H×W), :func:`to_chw` (any image → C×H×W tensor),
  :func:`to_maps` (C×H×W feature maps as a numpy array).
* Data sets: :func:`make_shapes` (stroke directions, chapter 1) and :func:`shapes_dataset`
  ('+' versus '×', chapter 8), both placing small patterns at seeded random positions.
* Pixel shuffles: :func:`pixel_permutation`, :func:`permute_pixels`, :func:`inverse_permutation`.
* Sample kernels: :func:`kernel_bank`.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from numbers import Real
from pathlib import Path

import numpy as np
import torch

from convlab._validate import integer

__all__ = [
    "BANKS",
    "CLASSES",
    "Digits",
    "GREY_LEVELS",
    "PHOTO",
    "RGBA_PNG",
    "ShapesData",
    "grayscale",
    "inverse_permutation",
    "kernel_bank",
    "load",
    "load_digits",
    "make_shapes",
    "permute_pixels",
    "photo",
    "pixel_permutation",
    "rgba_png",
    "shapes_dataset",
    "shift_with_zeros",
    "split_shapes",
    "stratified_split",
    "to_chw",
    "to_maps",
    "to_nchw",
]

# ----------------------------------------------------------------------------- sample images

PHOTO = "grace_hopper.jpg"  # a JPEG photo: uint8, (600, 512, 3)
RGBA_PNG = "Minduka_Present_Blue_Pack.png"  # a PNG with transparency: float32 in [0, 1], (128, 128, 4)


def _sample_dir() -> Path:
    """matplotlib's sample-data folder, found without importing matplotlib."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the sample images ship with matplotlib, which is not installed")
    return Path(spec.submodule_search_locations[0]) / "mpl-data" / "sample_data"


def load(name: str) -> np.ndarray:
    """Read one of matplotlib's sample images as ``plt.imread`` does (H × W × C, as stored).

    JPEG gives uint8; PNG gives float32 in [0, 1].
    """
    from PIL import Image  # matplotlib's own image reader

    if not isinstance(name, str):
        raise TypeError(f"name must be a file name string, got {name!r}")
    path = _sample_dir() / name
    if "/" in name or "\\" in name or not path.is_file():
        raise ValueError(f"name={name!r} is not one of matplotlib's sample images")
    with Image.open(path) as image:
        array = np.asarray(image)
    if path.suffix.lower() == ".png" and array.dtype == np.uint8:
        array = array.astype(np.float32) / 255.0
    return array


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
    small = torch.nn.functional.interpolate(to_nchw(image), size=(size, size), mode="area")
    return small.squeeze(0).permute(1, 2, 0).numpy()


def rgba_png() -> np.ndarray:
    """The sample RGBA PNG, as ``plt.imread`` gives it: float32 in [0, 1], (128, 128, 4)."""
    return load(RGBA_PNG)


def grayscale(image: np.ndarray) -> np.ndarray:
    """Luminance (ITU-R 601 weights) of an H × W × 3 or × 4 image, as float32 H × W."""
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] not in (3, 4):
        raise ValueError(f"image must be H × W × 3 or H × W × 4, got shape {image.shape}")
    return image[..., :3].astype(np.float32) @ np.array(_LUMA, dtype=np.float32)


# ----------------------------------------------------------------------------- layouts


def to_nchw(image: np.ndarray) -> torch.Tensor:
    """An H × W × C (or H × W) array as a float32 tensor of shape (1, C, H, W)."""
    tensor = torch.as_tensor(np.asarray(image), dtype=torch.float32)
    if tensor.ndim == 2:
        tensor = tensor.unsqueeze(-1)
    if tensor.ndim != 3:
        raise ValueError(f"image must be H × W or H × W × C, got shape {tuple(tensor.shape)}")
    return tensor.permute(2, 0, 1).unsqueeze(0)


def to_chw(image) -> torch.Tensor:
    """An image as a float32 C×H×W tensor: from an H×W×C array, a C×H×W or a 1×C×H×W tensor."""
    if isinstance(image, np.ndarray):
        if image.ndim != 3:
            raise ValueError(f"image must be an H×W×C array, got shape {image.shape}")
        return to_nchw(image)[0]
    if not isinstance(image, torch.Tensor):
        raise TypeError(f"image must be a numpy array or a torch tensor, got {type(image).__name__}")
    if image.ndim == 4 and image.shape[0] == 1:
        image = image[0]
    if image.ndim != 3:
        raise ValueError(f"image must be C×H×W or 1×C×H×W, got shape {tuple(image.shape)}")
    return image.detach().to(torch.float32)


def to_maps(maps) -> np.ndarray:
    """Feature maps (C×H×W or 1×C×H×W, tensor or array) as a C×H×W numpy array."""
    if isinstance(maps, torch.Tensor):
        maps = maps.detach().cpu().numpy()
    maps = np.asarray(maps)
    if maps.ndim == 4 and maps.shape[0] == 1:
        maps = maps[0]
    if maps.ndim != 3:
        raise ValueError(f"maps must be C×H×W (or 1×C×H×W), got shape {maps.shape}")
    return maps


# ----------------------------------------------------------------------------- data sets

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


# ----------------------------------------------------------------------------- pixel shuffles


def pixel_permutation(height: int, width: int, *, seed: int = 0) -> torch.Tensor:
    """A seeded random permutation of the ``height * width`` pixel positions (int64)."""
    height = integer("height", height, minimum=1)
    width = integer("width", width, minimum=1)
    seed = integer("seed", seed, minimum=0)
    return torch.randperm(height * width, generator=torch.Generator().manual_seed(seed))


def inverse_permutation(perm: torch.Tensor) -> torch.Tensor:
    """The permutation that undoes ``perm``: ``inverse[perm[i]] = i``."""
    perm = _check_perm(perm)
    return torch.argsort(perm)


def permute_pixels(images: torch.Tensor, perm: torch.Tensor) -> torch.Tensor:
    """Shuffle the pixels of every image in a batch ``(N, C, H, W)`` the same way.

    Output pixel ``i`` (in row-major order) is input pixel ``perm[i]``; every channel is
    shuffled alike. Undo it with ``permute_pixels(out, inverse_permutation(perm))``.
    """
    if not isinstance(images, torch.Tensor) or images.ndim != 4:
        shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
        raise ValueError(f"images must be a tensor of shape (N, C, H, W), got {shape}")
    perm = _check_perm(perm)
    n, c, h, w = images.shape
    if perm.numel() != h * w:
        raise ValueError(f"perm must have H*W = {h * w} entries, got {perm.numel()}")
    return images.reshape(n, c, h * w)[:, :, perm].reshape(n, c, h, w)


def _check_perm(perm) -> torch.Tensor:
    if not isinstance(perm, torch.Tensor) or perm.ndim != 1 or perm.dtype != torch.int64:
        raise TypeError(f"perm must be a 1-D int64 tensor, got {perm!r:.60}")
    if not torch.equal(torch.sort(perm).values, torch.arange(perm.numel())):
        raise ValueError("perm must contain each of 0 … len(perm) - 1 exactly once")
    return perm


# ----------------------------------------------------------------------------- sample kernels

BANKS = ("hand-made", "random")  # the kernel banks chapter 5's widget offers

_SOBEL_X = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
_CENTRE = torch.tensor([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
_LUMA = (0.299, 0.587, 0.114)


def kernel_bank(name: str, in_channels: int = 3, *, out_channels: int = 4, seed: int = 0):
    """A ``(weight, bias)`` pair for a layer ``in_channels → out_channels`` with 3×3 kernels.

    ``"hand-made"`` (RGB input only, four kernels): 0 = red minus green at each pixel,
    1 = vertical edges summed over the channels, 2 = horizontal edges in blue only,
    3 = a 3×3 blur of the brightness. ``"random"``: weights and biases drawn from a
    generator seeded with ``seed``, scaled like PyTorch's default initialisation.
    """
    if name not in BANKS:
        raise ValueError(f"name must be one of {BANKS}, got {name!r}")
    in_channels = integer("in_channels", in_channels, minimum=1)
    out_channels = integer("out_channels", out_channels, minimum=1)
    seed = integer("seed", seed, minimum=0)
    if name == "random":
        generator = torch.Generator().manual_seed(seed)
        bound = 1.0 / (in_channels * 9) ** 0.5
        weight = (torch.rand(out_channels, in_channels, 3, 3, generator=generator) * 2 - 1) * bound
        bias = (torch.rand(out_channels, generator=generator) * 2 - 1) * bound
        return weight, bias
    if in_channels != 3 or out_channels != 4:
        raise ValueError(
            f"the hand-made bank is for RGB input with four kernels: in_channels must be 3 and "
            f"out_channels 4, got {in_channels} and {out_channels}"
        )
    weight = torch.zeros(4, 3, 3, 3)
    weight[0, 0], weight[0, 1] = _CENTRE, -_CENTRE
    weight[1] = _SOBEL_X / 3
    weight[2, 2] = _SOBEL_X.T
    for c, share in enumerate(_LUMA):
        weight[3, c] = torch.full((3, 3), share / 9)
    return weight, torch.zeros(4)

# ----------------------------------------------------------------------------- handwritten digits (scikit-learn)
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


def shift_with_zeros(images: torch.Tensor, right: int = 0, down: int = 0) -> torch.Tensor:
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
