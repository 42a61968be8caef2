"""How fast are the from-scratch convolutions next to PyTorch's?

Run from the repository root:  python benchmarks/conv_speed.py  [--repeats 9] [--threads 1]

On float32 input (8, 3, 64, 64) with 16 kernels of 3×3 and padding 1 it times
``convlab.ops.conv2d_loops``, ``convlab.ops.conv2d_im2col`` and ``torch.nn.functional.conv2d``
in the same run, prints a table of median times and ratios to ``F.conv2d``, and exits
non-zero when im2col is more than 3× slower than ``F.conv2d``.

The machine this course is written on is shared, so timings are noisy. To keep the ratios
fair, every repeat times all three implementations back to back (each the mean of a few
calls) and the ratio is taken within the repeat; the table shows the median over repeats.
By default torch uses one thread (``--threads 0`` keeps torch's default), so the ratio
compares algorithms rather than how many idle cores there happen to be.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from convlab.ops import conv2d_im2col, conv2d_loops  # noqa: E402

LIMIT = 3.0  # conv2d_im2col must be within this factor of F.conv2d


def mean_seconds(fn: Callable[[], object], number: int) -> float:
    """Mean wall time of ``number`` calls of ``fn``."""
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def speed_table(repeats: int = 9) -> list[tuple[str, float, float]]:
    """Rows ``(name, median seconds, median ratio to F.conv2d)`` for the three implementations."""
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(8, 3, 64, 64, generator=gen)
    weight = torch.randn(16, 3, 3, 3, generator=gen)
    bias = torch.randn(16, generator=gen)
    candidates = {  # name -> (function, calls per repeat)
        "F.conv2d": (lambda: F.conv2d(x, weight, bias, padding=1), 20),
        "conv2d_im2col": (lambda: conv2d_im2col(x, weight, bias, padding=1), 20),
        "conv2d_loops": (lambda: conv2d_loops(x, weight, bias, padding=1), 1),
    }
    want = F.conv2d(x, weight, bias, padding=1)
    for name, (fn, _) in candidates.items():  # time only what is right (and warm up)
        torch.testing.assert_close(fn(), want, atol=1e-4, rtol=1e-4, msg=f"{name} is wrong")
    seconds: dict[str, list[float]] = {name: [] for name in candidates}
    ratios: dict[str, list[float]] = {name: [] for name in candidates}
    with torch.no_grad():
        for _ in range(repeats):
            this_round = {name: mean_seconds(fn, number) for name, (fn, number) in candidates.items()}
            for name, value in this_round.items():
                seconds[name].append(value)
                ratios[name].append(value / this_round["F.conv2d"])
    return [(name, statistics.median(seconds[name]), statistics.median(ratios[name])) for name in candidates]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="timed rounds (medians are taken)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (0: keep torch's default)")
    args = parser.parse_args(argv)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    print(
        f"input (8, 3, 64, 64) float32, 16 kernels 3×3, padding 1; torch {torch.__version__}, "
        f"{torch.get_num_threads()} thread(s); median of {args.repeats} interleaved repeats"
    )
    rows = speed_table(args.repeats)
    print(f"{'implementation':<16}{'time (ms)':>12}{'× F.conv2d':>12}")
    for name, seconds, ratio in rows:
        print(f"{name:<16}{seconds * 1e3:>12.3f}{ratio:>12.1f}")
    ratio = {name: r for name, _, r in rows}["conv2d_im2col"]
    verdict = "OK" if ratio <= LIMIT else "TOO SLOW"
    print(f"conv2d_im2col is {ratio:.2f}× F.conv2d (limit {LIMIT:g}×): {verdict}")
    return 0 if ratio <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
