"""The portability pass: strict nbval of every chapter once more, with PyTorch's kernels for
another CPU.

PyTorch picks its CPU kernels by instruction set (AVX-512, AVX2, or generic code), and oneDNN,
which runs batched convolutions, does the same on its own. Each choice rounds the last bits of
a float sum differently. This folder holds a link to each chapter; its kernels start with
:data:`OTHER_CPU` in their environment, so this machine rounds like an older CPU, and any stored
output that hangs on those bits (a float printed to too many digits, a training run that drifts,
image bytes in HTML) fails here, not on a learner's laptop. The nbval options are those of
pyproject.toml; the links run in the suite's own workers, one notebook per job.
"""

from __future__ import annotations

import os

import pytest

from tests.kernel_env import kernel_environment_hooks

OTHER_CPU = {"ATEN_CPU_CAPABILITY": "default", "ONEDNN_MAX_CPU_ISA": "SSE41"}
# Before nbval starts a notebook's kernel (in its first cell's setup): the other CPU's settings;
# after each cell (the kernel keeps its own copy): the worker's environment as it was.
pytest_runtest_setup, pytest_runtest_teardown = kernel_environment_hooks(OTHER_CPU)


def pytest_collection_modifyitems(items):
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here + os.sep):
            item.add_marker(pytest.mark.portability)
