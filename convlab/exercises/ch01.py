"""Checks of the graded exercises of chapter 1, "Why not fully connected?"."""

from __future__ import annotations

import torch
from torch import nn

from convlab.arith import linear_params
from convlab.data import inverse_permutation, permute_pixels
from convlab.exercises.checking import exercise
from convlab.exercises.expect import expect, expect_equal, expect_tensor


def _sizes(n: int, seed: int, high: int) -> list[tuple[int, ...]]:
    gen = torch.Generator().manual_seed(seed)
    return [tuple(int(v) for v in torch.randint(1, high, (4,), generator=gen)) for _ in range(n)]


@exercise("1.1", answers=["fc_params"])
def _check_fc_params(fc_params):
    cases = [(1000, 1000, 1, 1000 * 1000), (28, 28, 1, 100), (224, 224, 3, 1000)] + _sizes(5, 11, 50)
    for h, w, c, hidden in cases:
        expect_equal(
            fc_params(h, w, c, hidden),
            linear_params(h * w * c, hidden),
            f"fc_params({h}, {w}, {c}, {hidden})",
            hint="every one of the H·W·C inputs has a weight to every hidden unit, and each unit has a bias",
        )


@exercise("1.2", answers=["fc_memory"])
def _check_fc_memory(fc_memory):
    cases = [(1000, 1000, 1), (28, 28, 1), (224, 224, 3)] + [s[:3] for s in _sizes(5, 12, 40)]
    for h, w, c in cases:
        n = h * w * c
        expect_equal(
            fc_memory(h, w, c),
            4 * linear_params(n, n),
            f"fc_memory({h}, {w}, {c}) in bytes",
            hint="count weights and biases of Linear(H·W·C, H·W·C); a float32 takes 4 bytes (32 bits)",
        )


@exercise("1.3", answers=["conv_count"])
def _check_conv_count(conv_count):
    cases = [(3, 10, 5), (1, 64, 3), (3, 64, 3), (64, 128, 1)]
    cases += [(a, b, 1 + 2 * (k % 3)) for a, b, k, _ in _sizes(5, 13, 20)]
    for c_in, c_out, k in cases:
        # the real layer, on the meta device: shapes only, no memory and no random numbers drawn
        real = sum(p.numel() for p in nn.Conv2d(c_in, c_out, k, device="meta").parameters())
        expect_equal(
            conv_count(c_in, c_out, k),
            real,
            f"conv_count({c_in}, {c_out}, {k})",
            hint="each of the out_channels kernels is k×k×in_channels, plus one bias per kernel",
        )


@exercise("1.4", answers=["shuffle", "unshuffle"])
def _check_shuffle(shuffle, unshuffle):
    gen = torch.Generator().manual_seed(14)
    for n, c, h, w in [(2, 1, 3, 3), (4, 3, 5, 7), (1, 2, 8, 8)]:
        images = torch.randn(n, c, h, w, generator=gen)
        perm = torch.randperm(h * w, generator=gen)
        out = expect_tensor(shuffle(images, perm), f"shuffle(images {n}×{c}×{h}×{w}, perm)")
        expect(
            tuple(out.shape) == (n, c, h, w),
            f"shuffle should keep the shape {(n, c, h, w)}, got {tuple(out.shape)}",
            hint="flatten H and W, index with perm, reshape back",
        )
        expect(
            torch.equal(out, permute_pixels(images, perm).double()),
            f"shuffle(images, perm) on a {n}×{c}×{h}×{w} batch puts the wrong pixels in place",
            hint="output pixel i is input pixel perm[i], for every image and channel alike",
        )
        back = expect_tensor(unshuffle(permute_pixels(images, perm), perm), "unshuffle(shuffled, perm)")
        expect(
            tuple(back.shape) == (n, c, h, w) and torch.equal(back, images.double()),
            f"unshuffle does not give the original {n}×{c}×{h}×{w} images back",
            hint="use the inverse permutation, torch.argsort(perm), not perm again",
        )
        again = expect_tensor(unshuffle(images, perm), "unshuffle(images, perm)")
        expect(
            torch.equal(again, permute_pixels(images, inverse_permutation(perm)).double()),
            "unshuffle is not the inverse shuffle on fresh images",
            hint="unshuffle must undo shuffle for any batch, not only return a remembered input",
        )
