"""Re-execute course notebooks in place, so that their stored outputs are fresh.

    python -m convlab.run_notebooks                       # chapters/ and solutions/
    python -m convlab.run_notebooks chapters/02-*.ipynb   # just these

Each notebook runs top to bottom in a fresh kernel from its own folder; outputs and widget
state are stored, and the time each took is printed. ``exercises/`` is never executed here:
it is generated (``python -m convlab.make_exercises``) with outputs cleared.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from convlab.course import notebooks

CELL_TIMEOUT = 300


def execute(path: Path, *, timeout: int = CELL_TIMEOUT) -> tuple[object, float]:
    """Execute the notebook at ``path`` and return it with the seconds it took (not saved)."""
    notebook = notebooks.normalise(notebooks.read(path))
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        extra_arguments=["--log-level=ERROR"],  # not the kernel's start-up warnings
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,
        record_timing=False,  # per-cell timestamps would make every run a diff
    )
    start = time.perf_counter()
    client.execute()
    return notebook, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m convlab.run_notebooks", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: chapters/ and solutions/)")
    parser.add_argument("--dry-run", action="store_true", help="execute and time, but do not save")
    args = parser.parse_args(argv)
    paths = args.paths or notebooks.course_notebooks(notebooks.CHAPTERS) + notebooks.course_notebooks(
        notebooks.SOLUTIONS
    )
    failed = 0
    for path in paths:
        if not path.is_file() or path.suffix != ".ipynb":
            print(f"error: {path} is not a notebook file", file=sys.stderr)
            return 2
        try:
            notebook, seconds = execute(path.resolve())
        except CellExecutionError as error:
            failed += 1
            print(f"FAILED  {path}: {str(error).strip().splitlines()[-1]}", file=sys.stderr)
            continue
        if not args.dry_run:
            notebooks.write(notebook, path)
        print(f"{seconds:6.1f} s  {path}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
