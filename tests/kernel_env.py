"""Start the kernels of one test folder's notebooks with extra environment variables.

nbval starts a notebook's kernel in the setup of the notebook's first cell, with a copy of the
worker's environment (``--nbval-current-env``). A folder's ``conftest.py`` takes the two hooks
of :func:`kernel_environment_hooks`: they set the variables just before each cell's setup and
put the worker's environment back after the cell, so that only that folder's kernels see them
(tests/portability/).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

import pytest


class KernelEnvironment:
    """Set ``values`` in this process's environment, and put it back as it was."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = dict(values)
        self._saved: dict[str, str | None] = {}

    def apply(self) -> None:
        for name, value in self.values.items():
            self._saved.setdefault(name, os.environ.get(name))
            os.environ[name] = value

    def restore(self) -> None:
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved.clear()


def kernel_environment_hooks(values: Mapping[str, str]) -> tuple[Callable, Callable]:
    """``(pytest_runtest_setup, pytest_runtest_teardown)`` for a conftest: ``values`` are set
    before each test's setup (the first cell's starts the kernel) and undone after its teardown."""
    environment = KernelEnvironment(values)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(item):
        environment.apply()

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_teardown(item, nextitem):
        environment.restore()

    return pytest_runtest_setup, pytest_runtest_teardown
