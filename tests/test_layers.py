"""The layering of convlab is a test: import-linter's contracts (pyproject.toml) hold, and can fail.

core (arith, ops, coverage, data, …) imports no pictures, checks or course tools; exercise checks
import no plotting; course tools import no torch and no matplotlib; no cycles.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """Run ``lint-imports`` on the ``convlab`` package found in ``root`` with ``root``'s contracts."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    command = str(Path(sys.executable).parent / "lint-imports")  # installed with import-linter
    return subprocess.run(
        [command, "--no-cache", "--no-logo", "--config", str(root / "pyproject.toml")],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )


def test_the_contracts_hold():
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 kept, 0 broken" in run.stdout


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    """A copy of the package and its contracts, to plant violations in."""
    root = tmp_path_factory.mktemp("layers")
    shutil.copytree(ROOT / "convlab", root / "convlab", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


PLANTED = [
    ("arith.py", "import matplotlib.pyplot  # noqa", "core imports no pictures, checks or course tools"),
    ("coverage.py", "import convlab.viz.grids  # noqa", "core imports no pictures, checks or course tools"),
    ("exercises/ch03.py", "import convlab.viz.grids  # noqa", "exercise checks import core maths and data only"),
    ("course/grading/grader.py", "import convlab.exercises.ch01  # noqa", "course tools (generator, runner, grader)"),
    ("tables.py", "import convlab.layer_table  # noqa", "no import cycles"),
]


@pytest.mark.parametrize("module, line, contract", PLANTED, ids=[p[0] for p in PLANTED])
def test_a_planted_violation_breaks_its_contract(copy, module, line, contract):
    path = copy / "convlab" / module
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "\n" + line + "\n", encoding="utf-8")
    try:
        run = lint_imports(copy)
    finally:
        path.write_text(original, encoding="utf-8")
    assert run.returncode != 0, run.stdout
    broken = [line for line in run.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(name.startswith(contract) for name in broken), run.stdout  # (others may break through it too)


def test_the_grader_and_generator_load_no_torch_and_no_matplotlib():
    code = (
        "import sys, convlab.course.grade, convlab.course.make_exercises, convlab.grade; "
        "print(sorted(m for m in ('torch', 'matplotlib', 'ipywidgets') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


# Thin modules kept at their old paths for learners' notebooks and the documented commands.
SHIMS = {"checking", "grade", "make_exercises", "release", "run_notebooks", "receptive", "sharing"}


def test_every_core_module_is_under_the_core_contract():
    """A new module at the top of convlab is core, so the core contract must name it (a module left
    out of the list would be free to import pictures); a shim must stay a few lines of re-exports."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    core = next(c for c in config["contracts"] if c["name"].startswith("core"))["source_modules"]
    top = {p.stem for p in (ROOT / "convlab").glob("*.py") if p.stem != "__init__"}
    assert {f"convlab.{name}" for name in top - SHIMS} == set(core)
    for name in SHIMS:
        assert len((ROOT / "convlab" / f"{name}.py").read_text(encoding="utf-8").splitlines()) <= 12, name
