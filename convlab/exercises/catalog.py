"""The course's graded exercises: id, title and points — the one list, and torch-free.

The grader reads points here and the generator and the checks read titles here, without
importing any chapter's checks (which need torch). Each entry's check is registered in
``convlab/exercises/chNN.py`` with ``@exercise("N.k", answers=[...])``; a test makes sure
that every entry has exactly one check and every check an entry.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["CATALOG", "Entry", "entry", "skills_table", "update_skills_table"]


class Entry(NamedTuple):
    """One graded exercise: what the learner sees (title), what it measures (skill), what it is worth."""

    id: str  # "chapter.number", e.g. "1.2"
    title: str
    points: float
    skill: str = ""  # the skill it tests, for the skills table of book/grading.md
    counting: bool = False  # a counting or size formula (at most a third of the course's points)

    @property
    def chapter(self) -> int:
        return int(self.id.split(".")[0])


CATALOG: tuple[Entry, ...] = (
    Entry("1.1", "parameters of a fully-connected layer on an image", 1,
          "count the weights and biases of nn.Linear on a flattened image", True),
    Entry("1.2", "float32 memory of a fully-connected layer as large as its input", 1,
          "turn a parameter count into bytes", True),
    Entry("1.3", "parameters of a convolution layer", 1,
          "count a convolution's parameters: every kernel spans all input channels", True),
    Entry("1.4", "shuffle the pixels of a batch, and undo it", 2,
          "index a batch of images by a permutation and invert it"),
    Entry("2.1", "A small output computed by hand", 2,
          "slide a kernel by hand: cross-correlation, cell by cell"),
    Entry("2.2", "A single-channel corr2d", 2,
          "implement cross-correlation with loops, without a convolution function"),
    Entry("2.3", "im2col for one channel", 2,
          "lay windows out as columns (im2col), without F.unfold"),
    Entry("2.4", "A true convolution from conv2d", 2,
          "true (full) convolution from cross-correlation: rotate the kernel, pad by k − 1"),
    Entry("2.5", "The shape of im2col for a batch", 1,
          "the shape F.unfold returns for a batch", True),
    Entry("3.1", "per-side padding that keeps the size", 1,
          "the padding that keeps the size, with dilation, or none", True),
    Entry("3.2", "how many windows read each pixel", 2,
          "how often each pixel is read, with padding (coverage)"),
    Entry("3.3", "the four padding modes, by hand", 2,
          "what zeros, reflect, replicate and circular padding put at the border"),
    Entry("3.4", "where padding='same' puts the extra pixel", 1,
          "PyTorch's uneven 'same' padding", True),
    Entry("4.1", "output sizes for a table of settings", 1,
          "the output-size formula with floor and dilation, by hand", True),
    Entry("4.2", "the output-size formula as a function", 1,
          "the output-size formula as nn.Conv2d computes it", True),
    Entry("4.3", "the smallest stride that leaves a pixel unread", 2,
          "which pixels a strided, dilated window reads (coverage)"),
    Entry("4.4", "stride and padding for a non-square downsampling", 1,
          "design a layer for a target shape, per axis"),
    Entry("4.5", "stride and padding for a dilated downsampling", 1,
          "design a dilated layer for a target shape"),
    Entry("5.1", "The weight shape of a convolution layer", 1,
          "the weight tensor's shape (out, in, kH, kW)", True),
    Entry("5.2", "Which weight does each input pixel meet?", 2,
          "weight sharing: one slice per input channel, the same at every position"),
    Entry("5.3", "Two channels, two kernels, by hand", 2,
          "a multi-channel, multi-kernel convolution by hand: sum over channels, one bias per kernel"),
    Entry("5.4", "Multi-channel convolution from the single-channel one", 2,
          "build a multi-channel layer from single-channel convolutions"),
    Entry("6.1", "conv vs FC parameters for an image", 1,
          "compare a convolution's parameters with a fully-connected layer's", True),
    Entry("6.2", "receptive field of a stack", 1,
          "the receptive field of a stack with strides and dilation", True),
    Entry("6.3", "how many 3×3 layers to see a region", 1,
          "how deep a stack must be to see a region", True),
    Entry("6.4", "how far the output moves when the input moves", 2,
          "translation equivariance, and what stride, position weights and FC layers do to it"),
    Entry("6.5", "small layers instead of one large one", 1,
          "what stacking small kernels saves in parameters", True),
    Entry("7.1", "Shapes through a stack of layers", 1,
          "propagate shapes through a stack without running it", True),
    Entry("7.2", "An nn.Conv2d from (1, 4, 128, 128) to (1, 8, 64, 64)", 1,
          "build nn.Conv2d for a target shape"),
    Entry("7.3", "An H×W×C array as an N×C×H×W float tensor", 2,
          "image layout and dtype: HWC uint8 to NCHW float in [0, 1]"),
    Entry("8.1", "max and average pooling from scratch", 2,
          "max and average pooling from scratch, without PyTorch's pooling"),
    Entry("8.2", "output size of a pooling layer, with padding and ceil_mode", 1,
          "pooling's output size with padding and ceil_mode", True),
    Entry("8.3", "the input gradient of max pooling, without autograd", 2,
          "how the gradient routes through a max, without autograd"),
    Entry("8.4", "shapes through conv → pool → conv → pool", 1,
          "shapes through convolution and pooling layers", True),
    Entry("8.5", "average pooling as a fixed convolution", 1,
          "average pooling as a convolution with fixed weights"),
    Entry("9.1", "LeNet-5, built to a spec", 2,
          "build a whole CNN (conv, pool, fully-connected) to a specification"),
    Entry("9.2", "shapes and parameters of conv → pool → conv → pool → linear", 2,
          "shapes and parameters through a whole CNN, for any input size", True),
    Entry("9.3", "one training step", 2,
          "one training step: clear the gradients, forward, backward, update"),
    Entry("9.4", "learn a 3×3 kernel by gradient descent", 2,
          "learn a kernel by gradient descent from input/output pairs"),
    Entry("9.5", "a whole-input convolution as a linear layer", 1,
          "a convolution over the whole input is a fully-connected layer"),
    Entry("10.1", "parameters of a depthwise-separable block vs a standard convolution", 1,
          "count a depthwise-separable block's parameters", True),
    Entry("10.2", "the gradient of the bias", 1, "the gradient of a convolution's bias"),
    Entry("10.3", "the gradient of the weights", 2, "the gradient of a convolution's weights, via im2col"),
    Entry("10.4", "a Squeeze-and-Excitation block", 2, "build a Squeeze-and-Excitation block"),
    Entry("10.5", "output size of a transposed convolution", 1, "a transposed convolution's output size", True),
    Entry("10.6", "the input gradient as a full correlation with the rotated kernel", 2,
          "a convolution's input gradient as a full correlation with the rotated kernel"),
    Entry("10.7", "parameters of a locally-connected layer", 1,
          "what weight sharing saves: a locally-connected layer's parameters", True),
)

_BY_ID = {item.id: item for item in CATALOG}

SKILLS_BEGIN = "<!-- skills table: generated from convlab/exercises/catalog.py -->"
SKILLS_END = "<!-- end of the skills table -->"


def skills_table() -> str:
    """The skills table of book/grading.md: each exercise, the skill it tests, its points, and the
    share of the points that counting and size formulas carry."""
    rows = ["| exercise | skill it tests | points | counting / size formula |", "|---|---|---|---|"]
    for item in CATALOG:
        rows.append(f"| {item.id} | {item.skill} | {item.points:g} | {'yes' if item.counting else ''} |")
    total = sum(item.points for item in CATALOG)
    counting = sum(item.points for item in CATALOG if item.counting)
    rows.append("")
    rows.append(f"Counting and size formulas carry {counting:g} of the {total:g} points "
                f"({100 * counting / total:.0f} %); the rest is computing by hand, writing the operation, "
                "designing a layer and reasoning about what it does.")
    return "\n".join([SKILLS_BEGIN, *rows, SKILLS_END])


def update_skills_table(text: str) -> str:
    """``text`` (book/grading.md) with the part between the markers replaced by :func:`skills_table`."""
    start, end = text.index(SKILLS_BEGIN), text.index(SKILLS_END) + len(SKILLS_END)
    return text[:start] + skills_table() + text[end:]


if __name__ == "__main__":  # python -m convlab.exercises.catalog book/grading.md  (rewrites the table in place)
    import sys
    from pathlib import Path

    for name in sys.argv[1:]:
        path = Path(name)
        path.write_text(update_skills_table(path.read_text(encoding="utf-8")), encoding="utf-8")


def entry(exercise_id: str) -> Entry:
    """The catalog entry of ``exercise_id`` (``"1.2"``); ``ValueError`` if there is none."""
    if not isinstance(exercise_id, str):
        raise TypeError(f"exercise_id must be a string like '1.2', got {exercise_id!r}")
    if exercise_id not in _BY_ID:
        raise ValueError(f"there is no exercise {exercise_id!r} in the course")
    return _BY_ID[exercise_id]
