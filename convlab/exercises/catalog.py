"""The course's graded exercises: id, title and points — the one list, and torch-free.

The grader reads points here and the generator and the checks read titles here, without
importing any chapter's checks (which need torch). Each entry's check is registered in
``convlab/exercises/chNN.py`` with ``@exercise("N.k", answers=[...])``; a test makes sure
that every entry has exactly one check and every check an entry.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["CATALOG", "RESULT_KEY", "Entry", "entry"]

RESULT_KEY = "convlab_check"  # the output metadata key a check cell writes and the grader reads


class Entry(NamedTuple):
    """One graded exercise."""

    id: str  # "chapter.number", e.g. "1.2"
    title: str
    points: float

    @property
    def chapter(self) -> int:
        return int(self.id.split(".")[0])


CATALOG: tuple[Entry, ...] = (
    Entry("1.1", "parameters of a fully-connected layer on an image", 1),
    Entry("1.2", "float32 memory of a fully-connected layer as large as its input", 1),
    Entry("1.3", "parameters of a convolution layer", 1),
    Entry("1.4", "shuffle the pixels of a batch, and undo it", 1),
    Entry("2.1", "A small output computed by hand", 1),
    Entry("2.2", "A single-channel corr2d", 2),
    Entry("2.3", "im2col for one channel", 2),
    Entry("2.4", "The kernel that makes conv2d a true convolution", 1),
    Entry("2.5", "The shape of im2col for a batch", 1),
    Entry("3.1", "per-side padding that keeps the size", 1),
    Entry("3.2", "how many windows read each pixel", 1),
    Entry("3.3", "padding modes that keep a constant image constant", 1),
    Entry("3.4", "where padding='same' puts the extra pixel", 1),
    Entry("4.1", "output sizes for a table of settings", 1),
    Entry("4.2", "the output-size formula as a function", 1),
    Entry("4.3", "the smallest stride that leaves a pixel unread", 1),
    Entry("4.4", "stride and padding for a non-square downsampling", 1),
    Entry("4.5", "stride and padding for a dilated downsampling", 1),
    Entry("5.1", "The weight shape of a 3 → 16 layer with 5×5 kernels", 1),
    Entry("5.2", "Distinct weights of nn.Conv2d(3, 1, 3)", 1),
    Entry("5.3", "What weight sharing shares", 1),
    Entry("5.4", "Multi-channel convolution from the single-channel one", 2),
    Entry("6.1", "conv vs FC parameters for a 64×64×3 input", 1),
    Entry("6.2", "receptive field of a given stack", 1),
    Entry("6.3", "how many 3×3 layers to see a region", 1),
    Entry("6.4", "which operations are translation-equivariant", 1),
    Entry("6.5", "three 3×3 layers instead of one 7×7", 1),
    Entry("7.1", "Shapes through a stack of three layers", 1),
    Entry("7.2", "An nn.Conv2d from (1, 4, 128, 128) to (1, 8, 64, 64)", 1),
    Entry("7.3", "Parameters of a ResNet-style first layer", 1),
    Entry("7.4", "Parameters of a stack", 1),
    Entry("7.5", "An H×W×C array as an N×C×H×W float tensor", 2),
    Entry("8.1", "max and average pooling from scratch", 2),
    Entry("8.2", "output size of a pooling layer, with padding and ceil_mode", 1),
    Entry("8.3", "the input gradient of max pooling, without autograd", 2),
    Entry("8.4", "shapes through conv → pool → conv → pool", 1),
    Entry("8.5", "average pooling as a fixed convolution", 1),
    Entry("9.1", "LeNet-5, built to a spec", 2),
    Entry("9.2", "shapes and parameters of conv → pool → conv → pool → linear", 2),
    Entry("9.3", "one training step", 2),
    Entry("9.4", "learn a 3×3 kernel by gradient descent", 2),
    Entry("9.5", "a whole-input convolution as a linear layer", 1),
    Entry("10.1", "parameters of a depthwise-separable block vs a standard convolution", 1),
    Entry("10.2", "the gradient of the bias", 1),
    Entry("10.3", "the gradient of the weights", 2),
    Entry("10.4", "a Squeeze-and-Excitation block", 2),
    Entry("10.5", "output size of a transposed convolution", 1),
    Entry("10.6", "the input gradient as a full correlation with the rotated kernel", 2),
    Entry("10.7", "parameters of a locally-connected layer", 1),
)

_BY_ID = {item.id: item for item in CATALOG}


def entry(exercise_id: str) -> Entry:
    """The catalog entry of ``exercise_id`` (``"1.2"``); ``ValueError`` if there is none."""
    if not isinstance(exercise_id, str):
        raise TypeError(f"exercise_id must be a string like '1.2', got {exercise_id!r}")
    if exercise_id not in _BY_ID:
        raise ValueError(f"there is no exercise {exercise_id!r} in the course")
    return _BY_ID[exercise_id]
