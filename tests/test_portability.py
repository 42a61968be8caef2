"""The committed outputs hold on another CPU: strict nbval once more, with PyTorch's kernels for
another instruction set.

PyTorch picks its CPU kernels by instruction set (AVX-512, AVX2, or generic code), and oneDNN,
which runs batched convolutions, does the same on its own. Each choice rounds the last bits of a
float sum differently. ``ATEN_CPU_CAPABILITY=default`` and ``ONEDNN_MAX_CPU_ISA=SSE41`` make
this machine round like an older CPU, so any stored output that hangs on those bits (a float
printed to too many digits, a training run that drifts, image bytes in HTML) fails here, not
on a learner's laptop. One test class per notebook, so that the two xdist workers share them out.
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


def _portability_test(notebook: Path):
    @pytest.mark.portability
    def test_outputs_do_not_depend_on_the_cpu(self):
        run = nbval_on_another_cpu(notebook)
        assert run.returncode == 0, f"{notebook.name} differs on another CPU ({OTHER_CPU}):\n{run.stdout[-6000:]}"

    return test_outputs_do_not_depend_on_the_cpu


# One class per notebook: xdist (--dist loadscope) then hands the notebooks to both workers.
for _notebook in NOTEBOOKS:
    _name = "TestChapter" + _notebook.stem.replace("-", "_")
    globals()[_name] = type(_name, (), {"test_outputs_do_not_depend_on_the_cpu": _portability_test(_notebook)})
