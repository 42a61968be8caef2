"""Loaded before pytest's other plugins (``-p tests.quick_start`` in pyproject.toml's addopts):
what makes a small run start fast.

A run that names only files, or tests in them (``python -m pytest tests/test_arith.py``, or
a notebook), runs in this process: two xdist workers would each import the package and
PyTorch again, which costs more than such a run's tests. Any other run (the whole suite, a
tier such as ``-m grading``, a folder) is shared out as ``-n`` in the addopts says, and an
``-n`` on the command line always wins.

nbval imports nbformat, nbformat imports jsonschema, and jsonschema imports the optional IRI
checker ``rfc3987_syntax`` when it is installed (Jupyter's server pulls it in). That module
compiles a grammar on import: over a second of CPU in the main process and again in each xdist
worker, for the ``iri`` string format, which no notebook schema uses. Marking it as missing
here makes jsonschema leave that one format unchecked, in the test processes only.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.modules.setdefault("rfc3987_syntax", None)


def names_only_files(args: list[str], folder: Path) -> bool:
    """True when every argument is a file, or a test in one (``path.py::name``), not a folder."""
    return bool(args) and all((folder / arg.split("::")[0]).is_file() for arg in args)


def workers_asked_for(arguments) -> bool:
    return any(arg in ("-n", "--numprocesses") or arg.startswith(("-n", "--numprocesses=")) for arg in arguments)


@pytest.hookimpl(tryfirst=True)  # before xdist's own pytest_configure starts the workers
def pytest_configure(config):
    if hasattr(config, "workerinput") or config.args_source != pytest.Config.ArgsSource.ARGS:
        return  # a worker, or a run of the testpaths
    invocation = config.invocation_params
    if names_only_files(config.args, invocation.dir) and not workers_asked_for(invocation.args):
        config.option.numprocesses = 0
        config.option.dist = "no"
        config.option.tx = []
