"""Print how long every notebook takes to execute, and how long a clean book build takes.

    python benchmarks/notebook_times.py            # notebooks, then a clean book build
    python benchmarks/notebook_times.py --no-book  # notebooks only

Budgets: each notebook under 20 s on 2 CPU cores (kernel start included); a clean book build
under 3 minutes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from convlab import notebooks
from convlab.run_notebooks import execute

NOTEBOOK_BUDGET, BOOK_BUDGET = 20.0, 180.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-book", action="store_true", help="skip the clean book build")
    args = parser.parse_args()
    over = 0
    print(f"{'seconds':>8}  notebook")
    for folder in (notebooks.CHAPTERS, notebooks.SOLUTIONS):
        for path in notebooks.course_notebooks(folder):
            start = time.perf_counter()
            execute(path)
            seconds = time.perf_counter() - start  # kernel start-up included
            flag = "  OVER BUDGET" if seconds > NOTEBOOK_BUDGET else ""
            over += bool(flag)
            print(f"{seconds:8.1f}  {path.relative_to(notebooks.REPO_ROOT)}{flag}", flush=True)
    if not args.no_book:
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            jupyter_book = Path(sys.executable).with_name("jupyter-book")
            subprocess.run([jupyter_book, "build", str(notebooks.REPO_ROOT), "--path-output", out, "-q"], check=True)
            seconds = time.perf_counter() - start
        flag = "  OVER BUDGET" if seconds > BOOK_BUDGET else ""
        over += bool(flag)
        print(f"{seconds:8.1f}  clean book build{flag}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
