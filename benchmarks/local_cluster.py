"""Time grading one notebook with ``--class``: the local process pool against a Dask LocalCluster.

    python benchmarks/local_cluster.py          # three runs of each, alternating
    python benchmarks/local_cluster.py --runs 5

Why the local pool stays: a LocalCluster (two single-threaded worker processes, as ``-j 2``)
would give local and cluster grading one code path, but it must not make a single notebook
slower. Each run is a fresh Python process that grades the solved chapter 1 notebook of one
learner, sandboxed, and prints its wall time (the cluster's start-up included: a user pays it).
The machine may be shared: the numbers are only as quiet as it is.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAME = "01-why-not-fully-connected"


def _quiet(message: str) -> None:
    """No progress lines."""


def grade_once(kind: str, class_dir: Path) -> None:
    """Grade ``class_dir`` with the pool (``kind="pool"``) or a LocalCluster, in this process."""
    from convlab.course.grading import classroom
    from convlab.course.grading.sandbox import Sandbox

    options = classroom.Options(60, 600, Sandbox(hidden=(str(class_dir),)))
    if kind == "pool":
        learners = classroom.grade_class(class_dir, jobs=2, options=options, progress=_quiet)
    else:
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            with Client(cluster) as client:
                learners = classroom.grade_class(class_dir, options=options, client=client, progress=_quiet)
    assert learners[0].notebooks[0].score == learners[0].notebooks[0].max_score > 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument("--one", choices=["pool", "dask"], help=argparse.SUPPRESS)  # a single timed run
    parser.add_argument("--class-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        grade_once(args.one, args.class_dir)
        return 0
    sys.path.insert(0, str(ROOT))
    from tests import grading_helpers as nb

    with tempfile.TemporaryDirectory(prefix="convlab-local-cluster-") as tmp:
        class_dir = Path(tmp) / "class"
        (class_dir / "alice").mkdir(parents=True)
        nb.save(nb.solution(NAME), class_dir / "alice" / f"{NAME}.ipynb")
        times: dict[str, list[float]] = {"pool": [], "dask": []}
        for _ in range(args.runs):
            for kind in times:
                start = time.perf_counter()
                cmd = [sys.executable, __file__, "--one", kind, "--class-dir", str(class_dir)]
                subprocess.run(cmd, check=True, cwd=ROOT, stderr=subprocess.DEVNULL)
                times[kind].append(time.perf_counter() - start)
                print(f"{kind}: {times[kind][-1]:.1f} s", flush=True)
    for kind, seconds in times.items():
        print(f"{kind}: " + ", ".join(f"{s:.1f}" for s in seconds) + f" s (best {min(seconds):.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
