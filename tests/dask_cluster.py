"""A Dask cluster on loopback for the tests and benchmarks: a scheduler and single-threaded
workers, each started as ``python -m dask …`` in a process group of its own, all stopped on exit."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def loopback_cluster(workers: int = 2, *, timeout: float = 60, env: dict | None = None):
    """Yield the scheduler's address once ``workers`` workers (one thread each) have joined it.

    The scheduler allows one failure per task (a task whose worker dies goes to another worker
    once), as the README tells instructors to start it. ``env`` adds to the processes' environment.
    """
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="convlab-dask-") as folder:
        environment = {
            **os.environ,
            "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            **(env or {}),
        }
        scheduler_file = Path(folder) / "scheduler.json"
        log = open(Path(folder) / "cluster.log", "wb")  # closed in the finally clause below

        def start(*args: str) -> None:
            command = [sys.executable, "-m", "dask", *args]
            processes.append(
                subprocess.Popen(command, env=environment, cwd=folder, stdout=log, stderr=log, start_new_session=True)
            )

        try:
            start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                  "--scheduler-file", str(scheduler_file))  # fmt: skip
            address = _wait_for_address(scheduler_file, processes[0], timeout)
            for number in range(workers):
                start("worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                      "--host", "127.0.0.1", "--name", f"worker-{number}", "--local-directory", folder)  # fmt: skip
            _wait_for_workers(address, workers, timeout)
            yield address
        except BaseException:
            log.flush()
            sys.stderr.write((Path(folder) / "cluster.log").read_text(errors="replace")[-4000:])
            raise
        finally:
            for process in reversed(processes):
                _stop(process)
            log.close()


def _wait_for_address(scheduler_file: Path, scheduler: subprocess.Popen, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if scheduler.poll() is not None:
            raise RuntimeError(f"the Dask scheduler exited with status {scheduler.returncode}")
        with contextlib.suppress(OSError, ValueError, KeyError):
            return json.loads(scheduler_file.read_text())["address"]
        time.sleep(0.1)
    raise TimeoutError(f"the Dask scheduler did not start within {timeout:g} s")


def _wait_for_workers(address: str, workers: int, timeout: float) -> None:
    from distributed import Client

    with Client(address, timeout=timeout, set_as_default=False) as client:
        client.wait_for_workers(workers, timeout=timeout)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process's group (the worker's nanny and its worker), SIGKILL if it lingers."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError):  # anything left in the group (the nanny's worker)
        os.killpg(process.pid, signal.SIGKILL)
