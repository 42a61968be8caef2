"""tests/forked_kernels.py: a forked kernel is set up as a launched one, and obeys jupyter_client.

The kernels of nbval's notebooks are forked from a server that has imported PyTorch (see the
plugin's docstring). Here, through nbval's own kernel class: a forked kernel has its launcher's
folder, environment and standard streams, its own random seeds, no trace of the tests folder,
figures shown inline; an interrupt reaches it; shutdown ends it; killing its launcher kills it;
stopping the servers kills what is left, and so does the end of the worker that started them.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbval.kernel
import pytest

from tests import forked_kernels

ROOT = Path(__file__).resolve().parent.parent

forking = pytest.mark.skipif(
    nbval.kernel.NbvalKernelspecManager is not forked_kernels.ForkingKernelspecManager,
    reason=f"kernels start from scratch ({forked_kernels.SWITCH_OFF}=1)",
)

PROBE = """\
import json, os, random, sys
import numpy as np
from ipykernel.kernelapp import IPKernelApp
from matplotlib import pyplot as plt
print(json.dumps({"parent_handle": IPKernelApp.instance().parent_handle, "argv0": os.path.basename(sys.argv[0]),
    "pid": os.getpid(), "ppid": os.getppid(), "cwd": os.getcwd(), "mark": os.environ.get("CONVLAB_TEST_MARK"),
    "session_leader": os.getsid(0) == os.getpid(), "tests_on_path": any(p.endswith("tests") for p in sys.path),
    "tests_imported": "tests" in sys.modules, "random": random.random(), "numpy": float(np.random.random()),
}))
plt.plot([0, 1])
"""

LIGHT = ("ipykernel.ipkernel",)  # what the server imports does not change how it stops: a quick one
ORPHANING = f"""\
import os
from tests.forked_kernels import ForkServers
servers = ForkServers(preload={LIGHT!r})
path = servers.socket_for(os.environ)
(server, _), = servers._servers.values()
print(server.pid, path, flush=True)
input()
"""


def start_kernel(folder: Path) -> nbval.kernel.RunningKernel:
    return nbval.kernel.RunningKernel(nbval.kernel.CURRENT_ENV_KERNEL_NAME, cwd=str(folder))


def run(kernel: nbval.kernel.RunningKernel, code: str) -> list[dict]:
    """The output messages of ``code`` (stream, display_data, error), once the kernel is idle."""
    return outputs_of(kernel, kernel.execute_cell_input(code, allow_stdin=False))


def outputs_of(kernel: nbval.kernel.RunningKernel, msg_id: str, timeout: float = 30) -> list[dict]:
    outputs = []
    while True:
        message = kernel.get_message(stream="iopub", timeout=timeout)
        if message["parent_header"].get("msg_id") != msg_id:
            continue
        kind = message["msg_type"]
        if kind == "status" and message["content"]["execution_state"] == "idle":
            return outputs
        if kind in ("stream", "display_data", "error"):
            outputs.append(message)


def probe(kernel) -> tuple[dict, list[dict]]:
    outputs = run(kernel, PROBE)
    printed = json.loads("".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream"))
    return printed, [m for m in outputs if m["msg_type"] == "display_data"]


def pid_of(kernel) -> int:
    (output,) = run(kernel, "import os\nprint(os.getpid())")
    return int(output["content"]["text"])


def gone(pid: int, within: float = 10) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@forking
def test_a_forked_kernel_is_set_up_as_a_launched_one(tmp_path, monkeypatch):
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as broken:  # the server shrugs off a bad request
        broken.connect(str(forked_kernels.SERVERS.socket_for(os.environ)))
        broken.send(b"not a request")
        assert broken.recv(100) == b""
    monkeypatch.setenv("CONVLAB_TEST_MARK", "first")
    first = start_kernel(tmp_path)
    monkeypatch.setenv("CONVLAB_TEST_MARK", "second")  # the same server: convlab's variables are per kernel
    second = start_kernel(tmp_path)
    try:
        (one, figures), (two, _) = probe(first), probe(second)
    finally:
        first.stop()
        second.stop()
    assert one["ppid"] != os.getpid() and one["ppid"] == two["ppid"], "not forked from one server"
    assert one["argv0"] == "ipykernel_launcher.py"
    assert one["parent_handle"] == os.getpid()  # JPY_PARENT_PID, as jupyter_client set it for this kernel
    assert (one["mark"], two["mark"]) == ("first", "second")
    assert one["cwd"] == two["cwd"] == str(tmp_path)
    assert one["session_leader"] and not one["tests_on_path"] and not one["tests_imported"]
    assert one["random"] != two["random"] and one["numpy"] != two["numpy"]
    assert len(figures) == 1 and "image/png" in figures[0]["content"]["data"]  # the inline backend


@forking
def test_an_interrupt_reaches_the_kernel_and_shutdown_ends_it(tmp_path):
    kernel = start_kernel(tmp_path)
    pid = pid_of(kernel)
    msg_id = kernel.execute_cell_input("import time\ntime.sleep(60)", allow_stdin=False)
    time.sleep(0.5)
    began = time.monotonic()
    kernel.km.interrupt_kernel()  # what nbval does when a cell times out
    errors = [m["content"]["ename"] for m in outputs_of(kernel, msg_id, timeout=20) if m["msg_type"] == "error"]
    assert errors == ["KeyboardInterrupt"] and time.monotonic() - began < 10
    launcher = kernel.km.provisioner.process
    kernel.kc.stop_channels()
    kernel.km.shutdown_kernel()  # a shutdown request: the kernel exits, and its launcher with it
    assert launcher.wait(timeout=10) == 0 and gone(pid)


@forking
def test_killing_the_launcher_kills_the_kernel(tmp_path):
    kernel = start_kernel(tmp_path)
    pid = pid_of(kernel)
    launcher = kernel.km.provisioner.process
    os.killpg(launcher.pid, signal.SIGKILL)  # what jupyter_client does to a kernel that will not stop
    assert launcher.wait(timeout=10) == -signal.SIGKILL
    assert gone(pid)
    kernel.kc.stop_channels()


@forking
def test_stopping_the_servers_kills_their_kernels(tmp_path, monkeypatch):  # servers of its own
    servers = forked_kernels.ForkServers(preload=LIGHT)
    monkeypatch.setattr(forked_kernels, "SERVERS", servers)
    kernel = start_kernel(tmp_path)
    pid = pid_of(kernel)
    folder = next(iter(servers._servers.values()))[1].parent
    servers.close()
    assert gone(pid) and not folder.exists()
    kernel.kc.stop_channels()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fork server runs on Linux only")
def test_a_server_whose_worker_is_gone_stops(tmp_path):
    worker = subprocess.Popen(
        [sys.executable, "-c", ORPHANING],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    server_pid, socket_path = worker.stdout.readline().split()
    worker.kill()  # no close(): a worker that crashed
    worker.wait()
    assert gone(int(server_pid), within=30) and not Path(socket_path).parent.exists()


def test_the_server_is_chosen_by_the_environment_apart_from_per_launch_and_convlab_variables():
    base = {"PATH": "/usr/bin", "ATEN_CPU_CAPABILITY": "default"}
    key = forked_kernels.environment_key(base)
    same = {**base, "JPY_PARENT_PID": "1", "PYTEST_CURRENT_TEST": "x (setup)", "CONVLAB_HIDDEN_CASES": "1"}
    assert forked_kernels.environment_key(same) == key
    assert forked_kernels.environment_key({**base, "ATEN_CPU_CAPABILITY": "avx2"}) != key
    assert forked_kernels.environment_key({"PATH": "/usr/bin"}) != key
