"""Grade exercise notebooks in a fresh kernel.

    python -m convlab.grade exercises/01-why-not-fully-connected.ipynb
    python -m convlab.grade submissions/alice/ --json > alice.json

Each exercise gets one status: passed, failed, not attempted, error or timed out, with a
one-line message. The course's own check cells are used, not the notebook's copies, and the
notebook file is never written. Exit status 0 when grading ran (whatever the score), 2 for a
usage error (no such file, not a notebook, a file that is not valid notebook JSON).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from convlab.course.grading import grade_notebook, grade_paths
from convlab.course.grading.report import to_json, to_table


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        print(f"convlab.grade: {message}", file=sys.stderr)
        sys.exit(2)


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m convlab.grade", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="exercise notebooks or folders of them")
    parser.add_argument("--json", action="store_true", help="print a machine-readable report instead of tables")
    parser.add_argument("--timeout", type=float, default=60, help="seconds one cell may run (default 60)")
    parser.add_argument(
        "--notebook-timeout", type=float, default=600, help="seconds one notebook may run (default 600)"
    )
    args = parser.parse_args(argv)
    if args.timeout <= 0 or args.notebook_timeout <= 0:
        parser.error("--timeout and --notebook-timeout must be positive")
    for path in args.paths:
        if not path.exists():
            parser.error(f"no such file or folder: {path}")
        if path.is_file() and path.suffix != ".ipynb":
            parser.error(f"not a notebook (.ipynb): {path}")
    paths = grade_paths(args.paths)
    if not paths:
        parser.error("no notebooks found in " + ", ".join(map(str, args.paths)))

    results = []
    for number, path in enumerate(paths, 1):
        print(f"[{number}/{len(paths)}] grading {path}", file=sys.stderr, flush=True)

        def progress(index: int, total: int, slot, _path=path) -> None:
            if slot.role == "check":
                print(f"    checking exercise {slot.exercise}", file=sys.stderr, flush=True)

        result = grade_notebook(
            path, cell_timeout=args.timeout, notebook_timeout=args.notebook_timeout, progress=progress
        )
        results.append(result)
    print(to_json(results) if args.json else to_table(results))
    unreadable = [result for result in results if result.unreadable]
    for result in unreadable:
        print(f"convlab.grade: {result.path}: {result.problem}", file=sys.stderr)
    return 2 if unreadable else 0


if __name__ == "__main__":
    sys.exit(main())
