"""Grade a class: one folder per learner, every notebook in its own kernel, N at a time.

``DIR/<learner>/NN-slug.ipynb`` — the learner is the folder's name; notebooks are named as in
``exercises/``. Each notebook is graded exactly as ``grade_notebook`` grades it alone, in a
worker process of its own, so the results do not depend on ``jobs``. The workers are started
with ``spawn``: a script that calls :func:`grade_class` needs the ``if __name__ == "__main__":``
guard.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from convlab.course import notebooks
from convlab.course.grading.grader import grade_notebook
from convlab.course.grading.report import ExerciseResult, NotebookResult, Status


@dataclass
class LearnerResult:
    """One learner's graded notebooks, in chapter order."""

    learner: str
    notebooks: list[NotebookResult] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    """How each notebook is graded (passed to the worker processes)."""

    cell_timeout: float = 60
    notebook_timeout: float = 600
    sandbox: object = None  # a convlab.course.grading.sandbox.Sandbox, or None


def find_learners(class_dir: Path) -> dict[str, list[Path]]:
    """``{learner: [notebooks]}`` for every non-hidden sub-folder of ``class_dir``, sorted by name.

    Symbolic links are skipped: a link could hand in another learner's notebook, or make the
    grader read one of the instructor's files.
    """
    class_dir = Path(class_dir)
    if not class_dir.is_dir():
        raise ValueError(f"class_dir must be a folder of learner folders, got {class_dir}")
    folders = sorted(p for p in class_dir.iterdir() if p.is_dir() and not p.is_symlink() and p.name[0] != ".")
    return {folder.name: [p for p in notebooks.course_notebooks(folder) if not p.is_symlink()] for folder in folders}


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def grade_class(
    class_dir: Path,
    *,
    jobs: int | None = None,
    options: Options | None = None,
    progress=None,
    cache=None,
    client=None,
) -> list[LearnerResult]:
    """Grade every learner's notebooks with ``jobs`` worker processes (default: the CPU count).

    ``progress(message)`` receives one line after each notebook (default: standard error).
    ``cache`` (a :class:`convlab.course.grading.cache.ResultCache`) hands back the results of
    unchanged notebooks and keeps each new one as soon as it is graded. ``client`` (a Dask
    ``distributed.Client``) grades on its cluster instead of local processes
    (:mod:`convlab.course.grading.cluster`).
    """
    jobs = default_jobs() if jobs is None else jobs
    options = options or Options()
    if not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive int, got {jobs!r}")
    learners = find_learners(class_dir)
    tasks = [(name, path) for name, paths in learners.items() for path in paths]
    done: dict[Path, NotebookResult] = {}
    if cache is not None:
        tasks = _reuse(tasks, cache, done, progress or _to_stderr)
    tracker = _Progress(learners, progress or _to_stderr, tasks)

    def finish(name: str, path: Path, result: NotebookResult) -> None:
        done[path] = result
        if cache is not None:
            cache.store(name, path, result)
        tracker.notebook_done(name)

    if client is not None:
        from convlab.course.grading.cluster import grade_on_cluster

        grade_on_cluster(client, tasks, options, finish)
    elif jobs == 1:
        for name, path in tasks:
            finish(name, path, _grade_one(path, options))
    else:
        _grade_in_pool(tasks, jobs, options, finish)
    return [LearnerResult(name, [done[path] for path in paths]) for name, paths in learners.items()]


def _reuse(tasks: list, cache, done: dict, emit) -> list:
    """Fill ``done`` with the cached results; the tasks left to grade."""
    left = []
    for name, path in tasks:
        result = cache.load(name, path)
        if result is None:
            left.append((name, path))
        else:
            done[path] = result
    emit(f"reused {cache.reused} of {len(tasks)} results from {cache.folder}; {len(left)} to grade")
    return left


def _grade_one(path: Path, options: Options) -> NotebookResult:
    """One notebook; a failure of the grader itself (a kernel that cannot start) costs that notebook only."""
    try:
        return grade_notebook(
            path, cell_timeout=options.cell_timeout, notebook_timeout=options.notebook_timeout, sandbox=options.sandbox
        )
    except Exception as error:  # nbclient and jupyter_client raise many kinds
        message = f"the grader could not grade this notebook ({type(error).__name__}: {error})"
        return NotebookResult(str(path), [ExerciseResult("notebook", Status.ERROR, 0.0, 0.0, message)], problem=message)


def _grade_in_pool(tasks, jobs: int, options: Options, finish) -> None:
    """All tasks in one pool; if a worker dies (only possible without the sandbox), the notebooks
    that were in flight are graded again one per pool, so that only the culprit is marked."""
    retry = _run_pool(tasks, jobs, options, finish)
    for task in retry:
        if _run_pool([task], 1, options, finish):
            name, path = task
            finish(name, path, _worker_died(path))


def _run_pool(tasks, jobs: int, options: Options, finish) -> list:
    failed = []
    context = multiprocessing.get_context("spawn")  # no inherited threads or kernel clients
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)) or 1, mp_context=context) as pool:
        futures: dict[Future, tuple] = {pool.submit(_grade_one, path, options): (n, path) for n, path in tasks}
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                name, path = futures[future]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    failed.append((name, path))
                    continue
                finish(name, path, result)
    return failed


def _worker_died(path: Path) -> NotebookResult:
    message = "the grading process itself was killed while grading this notebook (a cell killed its parent?)"
    return NotebookResult(str(path), [ExerciseResult("notebook", Status.ERROR, 0.0, 0.0, message)], problem=message)


class _Progress:
    """Learners done / total, elapsed and ETA, one line per finished notebook."""

    def __init__(self, learners: dict[str, list[Path]], emit, tasks: list | None = None) -> None:
        """``tasks``: the ``(learner, path)`` pairs to grade, if not every notebook of ``learners``."""
        self.left = {name: len(paths) for name, paths in learners.items()}
        if tasks is not None:
            self.left = {name: sum(1 for learner, _ in tasks if learner == name) for name in learners}
        self.total_notebooks = sum(self.left.values())
        self.notebooks = 0
        self.start = time.monotonic()
        self.emit = emit

    def notebook_done(self, learner: str) -> None:
        self.left[learner] -= 1
        self.notebooks += 1
        learners_done = sum(1 for count in self.left.values() if count == 0)
        elapsed = time.monotonic() - self.start
        eta = elapsed / self.notebooks * (self.total_notebooks - self.notebooks)
        self.emit(
            f"learners {learners_done}/{len(self.left)}, notebooks {self.notebooks}/{self.total_notebooks}, "
            f"elapsed {_clock(elapsed)}, ETA {_clock(eta)}"
        )


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(round(seconds)), 60)
    return f"{minutes}:{seconds:02d}"


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
