"""The chapters' pass: strict nbval of every chapter, with PyTorch's kernels for another CPU.

PyTorch picks its CPU kernels by instruction set (AVX-512, AVX2, or generic code), and oneDNN,
which runs batched convolutions, does the same on its own. Each choice rounds the last bits of
a float sum differently. This folder holds a link to each chapter; its kernels start with
:data:`OTHER_CPU` in their environment (generic kernels, as on an older CPU), unless the
variables are already set, so that ``ONEDNN_MAX_CPU_ISA=AVX2 python -m pytest tests/portability``
tries another setting.

Each chapter runs once, this way only. Its stored outputs come from a native run
(``python -m convlab.run_notebooks`` on the contributor's CPU), so comparing them with a run on
generic kernels proves both that they equal a fresh run and that no stored output hangs on the
last bits of a float (a float printed to too many digits, a training run that drifts, image
bytes in HTML): such an output fails here, not on a learner's laptop. The nbval options are
those of pyproject.toml; the links run in the suite's own workers, one notebook per job.
"""

from __future__ import annotations

import os

from tests.kernel_env import kernel_environment_hooks

OTHER_CPU = {"ATEN_CPU_CAPABILITY": "default", "ONEDNN_MAX_CPU_ISA": "SSE41"}
# Before nbval starts a notebook's kernel (in its first cell's setup): the other CPU's settings;
# after each cell (the kernel keeps its own copy): the worker's environment as it was.
pytest_runtest_setup, pytest_runtest_teardown = kernel_environment_hooks(
    {name: os.environ.get(name, value) for name, value in OTHER_CPU.items()}
)
