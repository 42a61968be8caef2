"""PyTorch on one CPU thread, for a block of code or a function, then back to as many as before."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch

__all__ = ["one_cpu_thread"]


@contextmanager
def one_cpu_thread() -> Iterator[None]:
    """Run PyTorch on one CPU thread inside the ``with`` block (or the decorated function:
    ``@one_cpu_thread()``), and restore the number of threads afterwards, even on an error.

    Why: on one thread a sum is always done in the same order, so a training run gives the
    same weights every time; and on the course's tiny tensors more threads only add waiting
    for one another, a lot of it on a busy machine.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
