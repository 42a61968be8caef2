"""A non-editable install ships every subpackage: the wheel lists all of convlab's modules."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_holds_every_module(tmp_path):
    source = tmp_path / "source"  # a copy: setuptools writes build/ and *.egg-info/ beside the sources
    shutil.copytree(ROOT / "convlab", source / "convlab", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", source / "pyproject.toml")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "--no-index",
         "-w", str(tmp_path / "dist")],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    (wheel,) = (tmp_path / "dist").glob("convlab-*.whl")
    shipped = {name for name in zipfile.ZipFile(wheel).namelist() if name.endswith(".py")}
    expected = {path.relative_to(ROOT).as_posix() for path in (ROOT / "convlab").rglob("*.py")}
    assert shipped == expected
    for package in ("convlab/viz/", "convlab/exercises/", "convlab/course/", "convlab/course/grading/"):
        assert f"{package}__init__.py" in shipped
