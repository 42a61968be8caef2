"""Grade exercise notebooks in a fresh kernel.

    python -m convlab.grade exercises/01-why-not-fully-connected.ipynb
    python -m convlab.grade submissions/alice/ --json > alice.json
    python -m convlab.grade --class submissions/ -j 4 --out grades/
    python -m convlab.grade --class submissions/ --scheduler tcp://10.0.0.5:8786 --out grades/

Each exercise gets one status: passed, failed, not attempted, error or timed out, with a
one-line message. The learner's cells run in a kernel in a bubblewrap sandbox that holds no
course code; the course's own checks run in this process, on plain data the kernel sends back
(``--no-sandbox`` runs the kernel unconfined, for trusted notebooks or a machine without
bubblewrap). The notebook file is never written. Exit status 0 when grading ran (whatever the
score), 2 for a usage error (no such file, not a notebook, a file that is not valid notebook
JSON). With ``--class DIR`` (one folder per learner) ``gradebook.csv`` and ``report.json`` are
written; see ``convlab.course.grading.classroom``.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from convlab.course.grading import feedback, grade_notebook, grade_paths
from convlab.course.grading.cache import ResultCache
from convlab.course.grading.report import to_json, to_table


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        print(f"convlab.grade: {message}", file=sys.stderr)
        sys.exit(2)


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m convlab.grade", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="exercise notebooks or folders of them")
    parser.add_argument("--json", action="store_true", help="print a machine-readable report instead of tables")
    parser.add_argument("--timeout", type=float, default=60, help="seconds one cell may run (default 60)")
    parser.add_argument(
        "--notebook-timeout", type=float, default=600, help="seconds one notebook may run (default 600)"
    )
    _add_class_arguments(parser)
    args = parser.parse_args(argv)
    if args.timeout <= 0 or args.notebook_timeout <= 0:
        parser.error("--timeout and --notebook-timeout must be positive")
    if args.class_dir is not None:
        return _grade_class(parser, args)
    if args.scheduler is not None or args.fresh:
        parser.error("--scheduler and --fresh are for --class DIR")
    if not args.paths:
        parser.error("give notebooks or folders to grade, or --class DIR")
    for path in args.paths:
        if not path.exists():
            parser.error(f"no such file or folder: {path}")
        if path.is_file() and path.suffix != ".ipynb":
            parser.error(f"not a notebook (.ipynb): {path}")
    paths = grade_paths(args.paths)
    if not paths:
        parser.error("no notebooks found in " + ", ".join(map(str, args.paths)))
    if args.sandbox and args.no_sandbox:
        parser.error("--sandbox and --no-sandbox contradict each other")
    folders = tuple(str(path.resolve() if path.is_dir() else path.resolve().parent) for path in args.paths)
    sandbox = None if args.no_sandbox else _sandbox(parser, args, hidden=folders)

    results = []
    for number, path in enumerate(paths, 1):
        print(f"[{number}/{len(paths)}] grading {path}", file=sys.stderr, flush=True)

        def progress(index: int, total: int, slot, _path=path) -> None:
            if slot.role == "check":
                print(f"    checking exercise {slot.exercise}", file=sys.stderr, flush=True)

        result = grade_notebook(
            path, cell_timeout=args.timeout, notebook_timeout=args.notebook_timeout, progress=progress, sandbox=sandbox
        )
        results.append(result)
    print(to_json(results) if args.json else to_table(results))
    unreadable = [result for result in results if result.unreadable]
    for result in unreadable:
        print(f"convlab.grade: {result.path}: {result.problem}", file=sys.stderr)
    return 2 if unreadable else 0


def _add_class_arguments(parser: argparse.ArgumentParser) -> None:
    _add_cluster_arguments(parser)
    parser.add_argument("--class", dest="class_dir", type=Path, help="a folder with one folder per learner")
    parser.add_argument("-j", "--jobs", type=int, help="notebooks graded at once with --class (default: CPU count)")
    parser.add_argument("--out", type=Path, default=Path("."), help="where --class writes gradebook.csv, report.json")
    parser.add_argument("--sandbox", action="store_true", help="run the kernels in the sandbox (the default)")
    parser.add_argument("--no-sandbox", action="store_true", help="run the kernels unconfined (trusted notebooks only)")


def _sandbox(parser: argparse.ArgumentParser, args, hidden: tuple[str, ...] = ()):
    from convlab.course.grading.sandbox import Sandbox

    sandbox = Sandbox(hidden=hidden)
    problem = sandbox.problem()  # bwrap missing, or not allowed to make namespaces here
    if problem:
        parser.error(problem + "; or grade trusted notebooks with --no-sandbox")
    return sandbox


# --- a class on a Dask cluster (--scheduler), resumable (--fresh), with feedback pages ---
def _add_cluster_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scheduler", metavar="ADDRESS", help="grade --class on this Dask scheduler's workers")
    parser.add_argument("--fresh", action="store_true", help="grade every notebook again, reusing no result")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


@contextlib.contextmanager
def _cluster_client(parser: argparse.ArgumentParser, args):
    """The Dask client of ``--scheduler`` (closed afterwards), or None; an unreachable one is a usage error."""
    if args.scheduler is None:
        yield None
        return
    from convlab.course.grading import cluster

    try:
        client = cluster.connect(args.scheduler)
    except cluster.Unreachable as error:
        parser.error(str(error))
    with client:
        yield client


def _grade_class(parser: argparse.ArgumentParser, args) -> int:
    from convlab.course.grading import classroom, gradebook

    if args.paths:
        parser.error("give either notebooks or --class DIR, not both")
    if not args.class_dir.is_dir():
        parser.error(f"--class needs a folder of learner folders: {args.class_dir}")
    if args.jobs is not None and args.jobs < 1:
        parser.error("-j must be at least 1")
    if args.sandbox and args.no_sandbox:
        parser.error("--sandbox and --no-sandbox contradict each other")
    sandbox = None if args.no_sandbox else _sandbox(parser, args, hidden=(str(args.class_dir.resolve()),))
    options = classroom.Options(args.timeout, args.notebook_timeout, sandbox)
    with _cluster_client(parser, args) as client:
        cache = ResultCache(args.out, options, fresh=args.fresh)
        learners = classroom.grade_class(args.class_dir, jobs=args.jobs, options=options, cache=cache, client=client)
    csv_path, json_path = gradebook.write(learners, args.out)
    feedback.write(learners, args.out)
    print(f"{len(learners)} learners graded: {csv_path}, {json_path}")
    print(f"feedback to hand back: {args.out / feedback.FOLDER}/<learner>.html")
    print(f"{_count(cache.reused, 'result')} reused from {cache.folder} (--fresh grades everything again)")
    return 0



if __name__ == "__main__":
    sys.exit(main())
