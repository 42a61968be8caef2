"""Grade a class's notebooks on a Dask distributed cluster: one task per notebook.

Each task carries the notebook's bytes and file name, so workers on other machines need no
shared folder; the worker writes them into a temporary folder of its own and grades them with
:func:`~convlab.course.grading.grader.grade_notebook`, sandbox and all, exactly as a local run
does. Workers need the course installed from the same ``requirements.txt``, and bubblewrap.

A task whose grading raises is tried once more (``retries=1``). A worker that dies while grading
(killed, out of memory) has its task handed to a worker again by the scheduler; the scheduler's
``distributed.scheduler.allowed-failures`` setting says how many times (start it with
``DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=1`` for one retry). After that the notebook is
marked as an error that names the reason.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from convlab.course.grading.cache import course_version, from_dict, to_dict
from convlab.course.grading.grader import grade_notebook
from convlab.course.grading.report import ExerciseResult, NotebookResult

CONNECT_TIMEOUT = 5.0  # seconds


class Unreachable(Exception):
    """The scheduler did not answer; the message says where, in one line."""


def connect(address: str, timeout: float | None = None):
    """A ``distributed.Client`` of the scheduler at ``address``, or :class:`Unreachable` after ``timeout``
    seconds (default :data:`CONNECT_TIMEOUT`)."""
    from distributed import Client

    timeout = CONNECT_TIMEOUT if timeout is None else timeout

    logger = logging.getLogger("distributed")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # its retries would each log a warning: the caller says it once
    try:
        # A Client that fails to start complains again when collected, so probe first, on a thread of
        # its own: the caller's thread may already run an event loop (Playwright's sync API does).
        with ThreadPoolExecutor(max_workers=1) as probe:
            probe.submit(asyncio.run, _probe(address, timeout)).result()
        return Client(address, timeout=timeout, set_as_default=False)
    except Exception as error:  # OSError after the timeout; ValueError for a malformed address; garbage
        reason = " ".join(str(error).split()) or type(error).__name__
        if not isinstance(error, OSError | ValueError):
            reason = f"is it a Dask scheduler? ({type(error).__name__}: {reason})"
        raise Unreachable(f"cannot reach the Dask scheduler at {address}: {reason}") from None
    finally:
        logger.setLevel(level)


async def _probe(address: str, timeout: float) -> None:
    """Open and close one connection to ``address`` (Dask's handshake included)."""
    from distributed.comm import connect as open_comm

    comm = await open_comm(address, timeout=timeout)
    await comm.close()


def grade_submission(filename: str, content: bytes, options) -> dict:
    """Grade a notebook given as its bytes (on a worker): ``{"course": the worker's course version,
    "result": the result as plain data (cache.to_dict)}``."""
    with tempfile.TemporaryDirectory(prefix="convlab-submission-") as folder:
        path = Path(folder) / Path(filename).name
        path.write_bytes(content)
        result = grade_notebook(
            path, cell_timeout=options.cell_timeout, notebook_timeout=options.notebook_timeout, sandbox=options.sandbox
        )
    return {"course": course_version(), "result": to_dict(result)}


def grade_on_cluster(
    client, tasks: list[tuple[str, Path]], options, finish: Callable, *, task: Callable = grade_submission
) -> None:
    """Grade ``(learner, path)`` tasks on ``client``'s cluster; ``finish(learner, path, result)`` as each ends.

    ``task(filename, content, options) -> dict`` runs on the workers (the default grades the notebook).
    A result from a worker whose course differs from this one (another version of a check) is
    marked, not used.
    """
    from distributed import as_completed

    futures = {}
    for learner, path in tasks:
        try:
            content = Path(path).read_bytes()
        except OSError:  # gone since the class was listed: the grader says so, no kernel needed
            finish(learner, path, grade_notebook(path))
            continue
        key = f"grade-{learner}-{Path(path).stem}-{uuid.uuid4().hex[:8]}"
        future = client.submit(task, Path(path).name, content, options, key=key, retries=1, pure=False)
        futures[future] = (learner, path)
    for future in as_completed(futures, loop=client.loop):
        learner, path = futures.pop(future)
        finish(learner, path, _result(future, path))
        future.release()


def _result(future, path: Path) -> NotebookResult:
    from distributed import KilledWorker

    try:
        answer = future.result()
        result, course = from_dict(answer["result"]), answer["course"]
    except KilledWorker:
        return failed(path, "the grading worker died twice while grading this notebook (killed, or out of memory?)")
    except Exception as error:  # the grader raised twice, or the scheduler lost the task
        return failed(path, f"the grader could not grade this notebook ({type(error).__name__}: {error})")
    if course != course_version():
        return failed(path, "the worker that graded this notebook runs another version of the course: "
                            "install the same course and requirements.txt on every worker")  # fmt: skip
    result.path = str(path)
    return result


def failed(path: Path, message: str) -> NotebookResult:
    """A notebook the grader could not grade, with the reason (scored zero; not kept in the cache)."""
    return NotebookResult(str(path), [ExerciseResult("notebook", "error", 0.0, 0.0, message)], problem=message)
