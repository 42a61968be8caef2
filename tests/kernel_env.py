"""Start the kernels of one test folder's notebooks with extra environment variables.

nbval starts a notebook's kernel in the setup of the notebook's first cell, with a copy of the
worker's environment (``--nbval-current-env``). A folder's ``conftest.py`` sets the variables
just before each cell's setup and puts the worker's environment back after the cell, so that
only that folder's kernels see them (tests/portability/, tests/graded_solutions/).
"""

from __future__ import annotations

import os
from collections.abc import Mapping


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
