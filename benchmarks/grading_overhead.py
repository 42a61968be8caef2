"""How much longer grading a notebook takes than running it: the grader's overhead per notebook.

    python benchmarks/grading_overhead.py                       # chapters 1, 2, 8 and 10
    python benchmarks/grading_overhead.py 09-a-whole-cnn --runs 3

For each chapter, a learner's notebook with every answer solved (as tests/grading_helpers.py
builds it) is run twice over, timed by the wall clock: by nbclient as Jupyter runs it (one
kernel, the check cells giving instant feedback in the kernel), and by the grader (a sandboxed
kernel without the course package, every check run in the grader's process on hidden cases).
The overhead is the grader's best time minus nbclient's best time. Budget: 3 s per notebook.
Every graded run must give full marks, or the benchmark stops.

Measured on an idle 2-core machine (2026-12-05, best of 2), with grading kernels killed at the
end of each notebook:

    01-why-not-fully-connected   nbclient 2.0 s, graded 1.9 s, overhead -0.1 s
    02-convolution-operation     nbclient 3.4 s, graded 1.8 s, overhead -1.6 s
    08-pooling                   nbclient 2.4 s, graded 2.1 s, overhead -0.3 s
    10-beyond-the-notes          nbclient 2.0 s, graded 2.7 s, overhead +0.7 s

The overhead can be negative: nbclient's kernel imports and runs the checks for instant
feedback, while the grader's process has them loaded already.
Before that change (a graceful stop, 2.7 s per sandboxed kernel), chapter 10's overhead was
3.1 to 3.2 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

from convlab.course.grading.grader import grade_notebook  # noqa: E402
from convlab.course.grading.sandbox import Sandbox  # noqa: E402
from tests import grading_helpers as nb  # noqa: E402

BUDGET = 3.0  # seconds of overhead per notebook
CHAPTERS = ["01-why-not-fully-connected", "02-convolution-operation", "08-pooling", "10-beyond-the-notes"]


def run_with_nbclient(path: Path) -> float:
    """Seconds nbclient takes to run the notebook at ``path`` in a fresh kernel."""
    start = time.perf_counter()
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    return time.perf_counter() - start


def run_with_the_grader(path: Path) -> float:
    """Seconds the sandboxed grader takes on ``path``; raises unless it gives full marks."""
    start = time.perf_counter()
    result = grade_notebook(path, sandbox=Sandbox())
    seconds = time.perf_counter() - start
    if result.score != result.max_score:
        raise SystemExit(f"{path.name}: not full marks: {[(ex.id, ex.status, ex.feedback) for ex in result.exercises]}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", default=CHAPTERS, help="exercise notebook names (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=2, help="runs of each, the best counts (default 2)")
    args = parser.parse_args()
    over = []
    with tempfile.TemporaryDirectory(prefix="convlab-overhead-") as folder:
        for name in args.chapters:
            path = nb.save(nb.solution(name), Path(folder) / f"{name}.ipynb")
            plain = min(run_with_nbclient(path) for _ in range(args.runs))
            graded = min(run_with_the_grader(path) for _ in range(args.runs))
            overhead = graded - plain
            print(f"{name:<40} nbclient {plain:.1f} s, graded {graded:.1f} s, overhead {overhead:+.1f} s", flush=True)
            over += [name] if overhead > BUDGET else []
    if over:
        print(f"over the {BUDGET:.0f} s budget: {', '.join(over)}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
