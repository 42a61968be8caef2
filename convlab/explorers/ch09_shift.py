"""Chapter 9's shift test as an explorer: move a test digit by dx, dy and watch both networks.

The chapter trains a LeNet-style CNN and an MLP on the 8×8 digits and finds that a one-pixel
shift costs the MLP more accuracy than the CNN. Here a reader moves one test digit and reads
both networks' probabilities, and the accuracy of each on the whole test set moved the same way.

In the notebook the explorer is built from the chapter's own trained models. The book has no
kernel, so :func:`chapter_models` trains the same two networks again: the same layers, the same
seed, the same data split, Adam with the same learning rate, batches and epochs, in float64 on
one thread (:func:`convlab.train.fit`), so every printed number is the same on every CPU.
"""

from __future__ import annotations

import functools
import itertools

import torch
from torch import nn

from convlab.data import load_digits, shift_with_zeros, stratified_split
from convlab.explorers.grid import Control, Frame, GridExplorer, Panel, enumerate_frames
from convlab.train import fit

__all__ = ["DIGITS", "SHIFTS", "build", "chapter_models", "make_lenet", "make_digit_mlp"]

SHIFTS = tuple(range(-2, 3))  # pixels right (dx) and down (dy)
DIGITS = (0, 1, 2)  # test images: the chapter's strip of three


def make_lenet() -> nn.Sequential:
    """The chapter's CNN: conv 3×3 (6) → ReLU → pool → conv 3×3 (16) → ReLU → pool → linear (10)."""
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 2 * 2, 10),
    )


def make_digit_mlp() -> nn.Sequential:
    """The chapter's MLP: 64 pixels → 20 hidden units → 10 scores."""
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 20), nn.ReLU(), nn.Linear(20, 10))


@functools.cache
def chapter_models():
    """``(cnn, mlp, test_set)``: chapter 9's two networks trained as the chapter trains them (seed 0,
    Adam lr 0.01, batches of 32, 20 epochs, float64) on its training split (seed 0, a quarter held out)."""
    data = load_digits()
    train_set, test_set = stratified_split(data, test_fraction=0.25, seed=0)
    models = []
    for make in (make_lenet, make_digit_mlp):
        default = torch.get_default_dtype()
        torch.set_default_dtype(torch.float64)  # built in float64, as the chapter builds them
        try:
            torch.manual_seed(0)
            model = make()
        finally:
            torch.set_default_dtype(default)
        models.append(fit(model, (train_set.images, train_set.labels), epochs=20, batch_size=32, lr=0.01, seed=0))
    return models[0], models[1], test_set


def build(cnn: nn.Module | None = None, mlp: nn.Module | None = None, test_set=None) -> GridExplorer:
    """The shift explorer: controls ``digit`` (a test image), ``dx`` and ``dy`` (its move, in pixels).

    Pass the chapter's trained ``cnn``, ``mlp`` and ``test_set`` (a :class:`convlab.data.Digits`),
    or none of them for :func:`chapter_models`.
    """
    if cnn is None and mlp is None and test_set is None:
        cnn, mlp, test_set = chapter_models()
    if not all(isinstance(m, nn.Module) for m in (cnn, mlp)) or not hasattr(test_set, "images"):
        raise TypeError("pass cnn, mlp (torch modules) and test_set (Digits) together, or none of them")
    images, labels = test_set.images.to(torch.float64), test_set.labels
    moves = list(itertools.product(SHIFTS, SHIFTS))
    # every move at once: one pass per network
    moved = torch.stack([shift_with_zeros(images, dx, dy) for dx, dy in moves])
    probabilities, accuracy = {}, {}
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a few small batches: threads cost more than they save
    try:
        with torch.no_grad():
            for name, model in (("CNN", cnn), ("MLP", mlp)):
                dtype = next(model.parameters()).dtype
                scores = model.eval()(moved.flatten(0, 1).to(dtype)).to(torch.float64).unflatten(0, moved.shape[:2])
                for (dx, dy), move_scores in zip(moves, scores, strict=True):
                    accuracy[name, dx, dy] = int((move_scores.argmax(dim=1) == labels).sum())
                    probabilities[name, dx, dy] = move_scores[list(DIGITS)].softmax(dim=1)
    finally:
        torch.set_num_threads(threads)
    for (dx, dy), images_moved in zip(moves, moved, strict=True):
        probabilities["image", dx, dy] = images_moved[list(DIGITS), 0]
    total = len(labels)
    brightest = float(images.max())
    digit_names = tuple(f"test image {i} (a {int(labels[i])})" for i in DIGITS)
    lefts = {-2: "2 left", -1: "1 left", 0: "0", 1: "1 right", 2: "2 right"}
    drops = {-2: "2 up", -1: "1 up", 0: "0", 1: "1 down", 2: "2 down"}
    controls = (
        Control("digit", "digit", tuple(range(len(DIGITS))), 0, names=digit_names, menu=True),
        Control("dx", "move right (dx)", SHIFTS, 0, names=tuple(lefts[d] for d in SHIFTS)),
        Control("dy", "move down (dy)", SHIFTS, 0, names=tuple(drops[d] for d in SHIFTS)),
    )

    def frame(digit: int, dx: int, dy: int) -> Frame:
        image = probabilities["image", dx, dy][digit]
        panels = [Panel(f"digit moved ({dx:+d}, {dy:+d})", tuple(map(tuple, image.tolist())), colour="greys",
                        vmin=0.0, vmax=brightest, numbers=False, digits=1)]
        said = []
        for name in ("CNN", "MLP"):
            p = probabilities[name, dx, dy][digit]
            guess = int(p.argmax())
            panels.append(Panel(f"{name}: probability per digit", (tuple(p.tolist()),), kind="bars", colour="blues",
                                vmin=0.0, vmax=1.0, numbers=False, digits=2, outlines=((0, guess, 1, 1),),
                                labels=tuple(str(d) for d in range(10))))
            said.append(f"{name} says {guess} ({round(100 * float(p[guess]))}%)")
        scores = ", ".join(f"{name} {accuracy[name, dx, dy]}/{total} = {accuracy[name, dx, dy] / total:.1%}"
                           for name in ("CNN", "MLP"))
        steps = [lefts[dx]] * (dx != 0) + [drops[dy]] * (dy != 0)
        where = "moved " + " and ".join(steps) if steps else "not moved"
        text = (f"A {int(labels[DIGITS[digit]])}, {where}: {said[0]}; {said[1]}. "
                f"Whole test set moved the same way: {scores}.")
        return Frame(tuple(panels), text)

    return GridExplorer("Shift a digit", controls, enumerate_frames(controls, frame))
