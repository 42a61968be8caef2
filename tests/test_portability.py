"""The chapters' pass (tests/portability/) covers every chapter, and it can fail.

tests/portability/ holds a link to each chapter; its conftest starts their kernels with PyTorch's
kernels for another CPU, so the suite runs strict nbval on every chapter as an older CPU would
round, against outputs stored by a native run. Here: the links are complete, and a planted
output that hangs on the last bits of a float passes plain nbval but fails that pass.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
PORTABILITY = ROOT / "tests" / "portability"
OTHER_CPU = ("ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA")
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.ipynb"))

# float32 random numbers and a float32 convolution: both take a CPU-specific vectorised path.
PLANTED = """\
import torch
from torch.nn import functional as F
_ = torch.manual_seed(0)
y = F.conv2d(torch.randn(8, 16, 32, 32), torch.randn(32, 16, 3, 3))
print(f"mean activation: {y.mean().item():.8f}")
"""


def test_every_chapter_is_linked_once_and_nothing_else():
    links = sorted(PORTABILITY.glob("*.ipynb"))
    assert [link.name for link in links] == [chapter.name for chapter in CHAPTERS]
    for link, chapter in zip(links, CHAPTERS, strict=True):
        assert link.is_symlink() and link.resolve() == chapter.resolve(), link


def test_a_cpu_dependent_output_passes_natively_and_fails_the_portability_pass(tmp_path):
    native, other = tmp_path / "native", tmp_path / "portability"
    native.mkdir()
    other.mkdir()
    native_env = {k: v for k, v in os.environ.items() if k not in OTHER_CPU}  # even when the suite runs as another CPU
    paths = [str(ROOT), *filter(None, [native_env.get("PYTHONPATH")])]
    native_env["PYTHONPATH"] = os.pathsep.join(paths)  # the copied conftest imports tests.kernel_env
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PLANTED)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(notebook, kernel_name="python3", resources={"metadata": {"path": str(native)}})
    client.execute(env=native_env)
    nbformat.write(notebook, native / "planted.ipynb")
    (other / "planted.ipynb").symlink_to(native / "planted.ipynb")
    shutil.copy(PORTABILITY / "conftest.py", other / "conftest.py")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # not this project's addopts
    command = [sys.executable, "-m", "pytest", "-c", "pytest.ini", "--rootdir", ".", "-p", "no:cacheprovider"]
    command += ["-p", "tests.quick_start"]
    command += ["-n", "0", "-rA", "--nbval"]
    command += ["--nbval-current-env", "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg")]
    run = subprocess.run(
        [*command, "native", "portability"], cwd=tmp_path, env=native_env, capture_output=True, text=True, timeout=300
    )
    assert "PASSED native/planted.ipynb::Cell 0" in run.stdout, run.stdout[-3000:]
    assert "FAILED portability/planted.ipynb::Cell 0" in run.stdout, run.stdout[-3000:]
