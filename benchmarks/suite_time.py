"""Print how long the whole test suite (``python -m pytest``) takes, and its slowest parts.

    python benchmarks/suite_time.py               # once, in this checkout
    python benchmarks/suite_time.py --clone -n 3  # three runs, each in a fresh clone of HEAD
    python benchmarks/suite_time.py --log run.txt -- --durations=0 -v   # every test's time and worker

Budget: 3 minutes on 2 CPU cores, book build and browser test included. A fresh clone has no
``_build`` and no caches, as CI and a new contributor see it. Times on a busy machine are
longer: say so next to any number you report. Two CPU times are printed. "CPU-s" is the
machine's busy time during the run (``/proc/stat``: every process, so on a shared machine other
work counts too); on a 2-core machine the suite cannot take less wall time than half of it.
"reaped" is the user + sys time of the processes pytest waited for; it misses the sandboxed
kernels and Chromium's processes, whose parents are killed rather than waited for, but is not
disturbed by other work.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITE_BUDGET = 180.0


def cpu_seconds_of_children() -> float:
    """User + system CPU seconds of every finished child process of this one, so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (all cores; 0 where there is no /proc/stat)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq = map(int, fields[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def run_suite(folder: Path, extra: list[str]) -> tuple[float, float, float, str]:
    """Run ``python -m pytest`` in ``folder`` (its own convlab first on the path); return
    (seconds, the machine's CPU seconds, the reaped processes' CPU seconds, output)."""
    env = {**os.environ, "PYTHONPATH": str(folder)}
    reaped, busy = cpu_seconds_of_children(), machine_busy_seconds()
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--durations=12", *extra], cwd=folder, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        print(run.stdout[-4000:], run.stderr[-2000:], sep="\n")
    return seconds, machine_busy_seconds() - busy, cpu_seconds_of_children() - reaped, run.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=1, help="how many runs (default 1)")
    parser.add_argument("--clone", action="store_true", help="run each time in a fresh `git clone` of HEAD")
    parser.add_argument("--log", type=Path, help="also write each run's whole pytest output to this file")
    parser.add_argument("pytest_args", nargs="*", help="extra arguments for pytest")
    args = parser.parse_args()
    times = []
    for index in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            folder = ROOT
            if args.clone:
                folder = Path(tmp) / "clone"
                subprocess.run(["git", "clone", "-q", str(ROOT), str(folder)], check=True)
            seconds, cpu, reaped, output = run_suite(folder, args.pytest_args)
        times.append(seconds)
        if args.log:
            with args.log.open("a", encoding="utf-8") as log:
                log.write(f"=== run {index + 1}: {seconds:.1f} s, {cpu:.1f} CPU-s, {reaped:.1f} reaped\n{output}\n")
        summary = output.strip().splitlines()[-1] if output.strip() else "(no output)"
        slowest = [line for line in output.splitlines() if re.match(r"\d+\.\d+s (setup|call|teardown) ", line)]
        load = os.getloadavg()[0]
        print(f"run {index + 1}: {seconds:6.1f} s, {cpu:6.1f} CPU-s, {reaped:6.1f} reaped (load {load:.1f})  {summary}")
        for line in slowest[:12]:
            print("    " + line)
    median = statistics.median(times)
    flag = "  OVER BUDGET" if median > SUITE_BUDGET else ""
    print(f"median of {len(times)}: {median:.1f} s (budget {SUITE_BUDGET:.0f} s){flag}")
    return 1 if flag else 0


if __name__ == "__main__":
    sys.exit(main())
