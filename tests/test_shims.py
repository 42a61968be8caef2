"""Learners' notebooks keep working: every import their setup cells hold, and the three commands."""

from __future__ import annotations

import subprocess
import sys

import pytest

# The convlab imports of the exercise notebooks as learners received them (before the layers).
LEARNER_IMPORTS = [
    "from convlab.checking import check",
    "from convlab.exercises.ch04 import TABLE",
    "from convlab import arith",
    "from convlab.arith import conv_output_size, conv_params, linear_params, receptive_field",
]


@pytest.mark.parametrize("line", LEARNER_IMPORTS)
def test_a_learner_import_still_works(line):
    exec(line, {})


def test_shims_are_the_new_functions():
    from convlab import checking
    from convlab.exercises import checking as new_checking

    assert checking.check is new_checking.check


@pytest.mark.parametrize("command", ["convlab.grade", "convlab.make_exercises", "convlab.run_notebooks"])
def test_the_documented_commands_still_run(command):
    run = subprocess.run([sys.executable, "-m", command, "--help"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and f"python -m {command}" in run.stdout, run.stderr
