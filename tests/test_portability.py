"""The committed outputs hold on another CPU: strict nbval once more, with PyTorch's kernels for
another instruction set.

PyTorch picks its CPU kernels by instruction set (AVX-512, AVX2, or generic code), and oneDNN,
which runs batched convolutions, does the same on its own. Each choice rounds the last bits of a
float sum differently. ``ATEN_CPU_CAPABILITY=default`` and ``ONEDNN_MAX_CPU_ISA=SSE41`` make
this machine round like an older CPU, so any stored output that hangs on those bits (a float
printed to too many digits, a training run that drifts, image bytes in HTML) fails here, not
on a learner's laptop. One test per notebook, so that the xdist workers share them out.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
OTHER_CPU = {"ATEN_CPU_CAPABILITY": "default", "ONEDNN_MAX_CPU_ISA": "SSE41"}
# The chapters; the solutions share their code paths and run once, natively, to keep the suite fast.
NOTEBOOKS = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.ipynb"))


def nbval_on_another_cpu(notebook: Path) -> subprocess.CompletedProcess:
    """Strict nbval of ``notebook`` (the options of pyproject.toml, one process) with ``OTHER_CPU``."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))  # this checkout's convlab
    env = {**os.environ, **OTHER_CPU, "PYTHONPATH": path}
    command = [sys.executable, "-m", "pytest", "-n", "0", "-q", "--no-header", str(notebook)]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.portability
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_outputs_do_not_depend_on_the_cpu(notebook):
    run = nbval_on_another_cpu(notebook)
    assert run.returncode == 0, f"{notebook.name} differs on another CPU ({OTHER_CPU}):\n{run.stdout[-6000:]}"
