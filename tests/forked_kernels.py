"""nbval's kernels, forked from a server that has imported PyTorch once (``-p tests.forked_kernels``).

The suite runs about thirty notebooks under nbval (the chapters, their portability pass, the
solutions), each in a new kernel that spends some two seconds of CPU importing PyTorch, NumPy
and ipykernel before its first cell. Here each pytest worker starts one server
(tests/kernel_fork_server.py) per kernel environment, and nbval's kernel spec runs the server's
small launcher instead of ``python -m ipykernel_launcher``: the kernel is a fork of a process
that has already imported those modules, with the launcher's working folder, environment and
standard streams. Every cell still runs in its notebook's own new kernel, and nbval compares
every output as before.

A server serves only kernels whose environment is the one it started with, apart from the
variables that change from launch to launch (:data:`PER_LAUNCH`) and convlab's own (``CONVLAB_*``:
the server imports no convlab module, so the kernel reads them itself). The portability pass
(``ATEN_CPU_CAPABILITY=default``) gets a server of its own, whose libraries were loaded under
that setting, just as a kernel started from scratch would load them.

``CONVLAB_FRESH_KERNELS=1`` turns this off: every kernel is then started from scratch, as it
is on systems other than Linux.
Only nbval's kernels come from here; the grader's tests start theirs as the grader does.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import nbval.kernel

SERVER_SCRIPT = Path(__file__).with_name("kernel_fork_server.py")
PER_LAUNCH = frozenset({"JPY_PARENT_PID", "JPY_SESSION_NAME", "PYTEST_CURRENT_TEST"})
OURS = "CONVLAB_"  # read by convlab, which the server does not import: the kernel reads them
SWITCH_OFF = "CONVLAB_FRESH_KERNELS"
PRELOAD = (  # what the notebooks' first cells import, and ipykernel's own modules
    "numpy",
    "torch",
    "torch.nn",
    "torch.nn.functional",
    "matplotlib.pyplot",  # the backend module itself is loaded by the first figure, in the kernel
    "sklearn.datasets",  # chapter 9's digits
    "ipykernel.ipkernel",  # not ipykernel.kernelapp: its class reads JPY_PARENT_PID when imported
)


class ForkServers:
    """One kernel fork server per environment, started when a kernel first needs it, that has
    imported ``preload``."""

    def __init__(self, preload: tuple[str, ...] = PRELOAD) -> None:
        self.preload = preload
        self._folder: Path | None = None
        self._servers: dict[str, tuple[subprocess.Popen, Path]] = {}

    def socket_for(self, environment: Mapping[str, str]) -> Path:
        """The socket of the server for kernels with this ``environment``; started if need be."""
        key = environment_key(environment)
        if key not in self._servers:
            self._servers[key] = self._start(key, environment)
        server, path = self._servers[key]
        if server.poll() is not None:
            raise RuntimeError(
                f"the kernel fork server stopped (exit code {server.returncode}); "
                f"with {SWITCH_OFF}=1 every kernel starts from scratch"
            )
        return path

    def _start(self, key: str, environment: Mapping[str, str]) -> tuple[subprocess.Popen, Path]:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="convlab-kernels-"))
        path = self._folder / f"{key}.sock"
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        listener.bind(str(path))
        listener.listen(64)  # launchers may connect at once; the server accepts when its imports are done
        with listener:
            server = subprocess.Popen(
                [sys.executable, str(SERVER_SCRIPT), "serve", str(listener.fileno()), str(os.getpid()), *self.preload],
                env=dict(environment),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                pass_fds=(listener.fileno(),),
            )
        return server, path

    def close(self) -> None:
        """Stop every server (each kills the kernels it still has) and remove their sockets."""
        for server, _ in self._servers.values():
            server.terminate()
        for server, _ in self._servers.values():
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        self._servers.clear()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def environment_key(environment: Mapping[str, str]) -> str:
    """A short name for ``environment``, without the variables that differ from launch to launch."""
    kept = sorted((name, value) for name, value in environment.items() if not _per_kernel(name))
    return hashlib.sha256(json.dumps(kept).encode()).hexdigest()[:16]


def _per_kernel(name: str) -> bool:
    return name in PER_LAUNCH or name.startswith(OURS)


SERVERS = ForkServers()


class ForkingKernelspecManager(nbval.kernel.NbvalKernelspecManager):
    """nbval's own kernel spec manager, whose current-environment kernel is a forked one."""

    def get_kernel_spec(self, kernel_name):
        spec = super().get_kernel_spec(kernel_name)
        if kernel_name == nbval.kernel.CURRENT_ENV_KERNEL_NAME:
            # nbval starts the kernel with a copy of this process's environment, as it is now
            server = SERVERS.socket_for(os.environ)
            spec.argv = [sys.executable, "-S", "-E", str(SERVER_SCRIPT), "launch", str(server), *spec.argv[3:]]
        return spec


def pytest_configure(config):
    if os.environ.get(SWITCH_OFF) == "1" or not config.getoption("nbval", default=False):
        return
    if not sys.platform.startswith("linux"):  # fork after imports, SOCK_SEQPACKET: Linux only
        return
    nbval.kernel.NbvalKernelspecManager = ForkingKernelspecManager


def pytest_unconfigure(config):
    SERVERS.close()
