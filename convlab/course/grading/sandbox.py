"""Run a grading kernel inside a bubblewrap sandbox.

The kernel sees the machine's filesystem read-only, with the instructor's home, ``/root``,
``/run``, the submissions folder and the whole course folder (its checks, solutions and
package) replaced by empty, read-only folders; only the Python environment it runs is bound
back, read-only, and ``import convlab`` fails there. The one place it can write is its own
``/tmp``, a tmpfs of ``Limits.workdir_size`` that holds its working folder and its sockets, so
nothing it does grows the host's temporary folder. It has no network (only a loopback
interface that is down), its own process, IPC and host-name namespaces, no capabilities, and
rlimits on address space, CPU time, processes, file size and open files. When the grader runs
as root, the kernel also runs as an unprivileged user id of its own, so that it cannot read
root's files and the process limit is enforced (the kernel exempts root from ``RLIMIT_NPROC``).

Jupyter's channels use ZMQ's ``ipc`` transport, since the sandbox has no network to carry
``tcp``; the grader reaches the sockets through ``/proc/<pid>/root`` of the sandbox's first
process. Interrupts are sent as messages on the control channel: a signal to the ``bwrap``
process would not reach the kernel.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import site
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import zmq
from jupyter_client.manager import AsyncKernelManager

from convlab.course.notebooks import REPO_ROOT

MISSING = "bubblewrap (bwrap) is not installed: cannot sandbox the kernels (apt-get install bubblewrap)"
_ENV_KEEP = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "VIRTUAL_ENV")
_ENV_PREFIXES = ("ATEN_", "ONEDNN_", "OMP_", "MKL_", "TORCH_")
_ALWAYS_HIDDEN = ("/root", "/var/tmp", "/run", "/etc/ssh", "/dev/shm")
WORKDIR = "/tmp/work"  # the kernel's working folder and home, inside the sandbox's one writable tmpfs
_FIRST_UID = 100_000  # sandbox user ids are this plus the grading process's pid: one per kernel at a time


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed kernel (bytes, seconds, counts)."""

    address_space: int = 4 * 2**30  # RLIMIT_AS: PyTorch maps ~1.5 GB of address space on import
    cpu_seconds: int = 900  # RLIMIT_CPU, per process
    processes: int = 256  # RLIMIT_NPROC: threads count too
    file_size: int = 64 * 2**20  # RLIMIT_FSIZE: one written file
    open_files: int = 1024  # RLIMIT_NOFILE
    workdir_size: int = 256 * 2**20  # /tmp, the one writable space (working folder and sockets), a tmpfs of this size
    message_size: int = 64 * 2**20  # a bigger message from the kernel (a huge print) is dropped by the grader

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f"Limits.{name} must be a positive int, got {value!r}")


@dataclass(frozen=True)
class Sandbox:
    """Where and how a kernel is confined; ``hidden`` adds folders it must not see (submissions)."""

    limits: Limits = field(default_factory=Limits)
    hidden: tuple[str, ...] = ()

    def command(self, kernel_cmd: list[str], *, conndir: str, ipcdir: str | None, uid: int | None) -> list[str]:
        """``kernel_cmd`` wrapped in ``prlimit``, ``bwrap`` and (as root) ``setpriv``.

        ``conndir`` (a host folder holding the connection file) is seen read-only; ``ipcdir`` is
        made inside the sandbox's own ``/tmp``, for the kernel's sockets."""
        bwrap = bwrap_path()
        if bwrap is None:
            raise RuntimeError(MISSING)
        limits = self.limits
        cmd = [
            shutil.which("prlimit") or "prlimit",
            f"--as={limits.address_space}",
            f"--cpu={limits.cpu_seconds}",
            f"--nproc={limits.processes}",
            f"--fsize={limits.file_size}",
            f"--nofile={limits.open_files}",
            "--core=0",
            bwrap,
            "--ro-bind", "/", "/",
            "--dev", "/dev",
            "--proc", "/proc",
        ]  # fmt: skip
        hidden = _hidden_folders(self.hidden)
        for folder in hidden:  # empty and read-only: the one writable space is /tmp, below
            cmd += ["--perms", "0555", "--tmpfs", folder]
        cmd += [
            "--perms", "1777", "--size", str(limits.workdir_size), "--tmpfs", "/tmp",
            "--perms", "0777", "--dir", WORKDIR,
        ]  # fmt: skip
        # After /tmp is replaced: the Python the kernel runs may live in a hidden folder (a venv in the
        # course) or in the host's /tmp (a clone there, as CI makes), and is bound back read-only.
        for path in _needed_paths():
            if any(_is_within(path, folder) for folder in (*hidden, "/tmp")):
                for parent in _parents_below_tmp(path):  # bwrap would make them private to root
                    cmd += ["--perms", "0555", "--dir", parent]
                cmd += ["--ro-bind", path, path]
        for path in _course_package_files():  # a non-editable install of the course, or an editable one's finder
            cmd += ["--perms", "0555", "--tmpfs", path] if os.path.isdir(path) else ["--ro-bind", "/dev/null", path]
        if ipcdir is not None:
            cmd += ["--perms", "0777", "--dir", ipcdir]
        cmd += [
            "--ro-bind", conndir, conndir,
            "--chdir", WORKDIR,
            "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--hostname", "sandbox",
            "--die-with-parent", "--new-session",
            "--clearenv",
        ]  # fmt: skip
        for name, value in _kernel_env().items():
            cmd += ["--setenv", name, value]
        if uid is not None:  # root: privileged bwrap, then drop to an unprivileged user of our own
            cmd += [
                shutil.which("setpriv") or "setpriv",
                f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                "--bounding-set=-all", "--inh-caps=-all", "--no-new-privs",
            ]  # fmt: skip
        else:  # an ordinary user: bwrap makes a user namespace, in which we keep no capabilities
            cmd[cmd.index("--unshare-net")] = "--unshare-all"
            cmd += ["--cap-drop", "ALL"]
        return cmd + kernel_cmd

    def problem(self) -> str | None:
        """Why this machine cannot run the sandbox (one line), or ``None`` when a trial run works."""
        if bwrap_path() is None:
            return MISSING
        with tempfile.TemporaryDirectory(prefix="convlab-grade-") as conndir:
            cmd = self.command([sys.executable, "-c", "pass"], conndir=conndir, ipcdir=None,
                               uid=self.uid_for_this_process())
            try:
                trial = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=conndir)
            except (OSError, subprocess.TimeoutExpired) as error:
                return f"the sandbox cannot start: {error}"
        if trial.returncode != 0:
            detail = (trial.stderr.strip().splitlines() or [f"exit status {trial.returncode}"])[-1]
            return f"bubblewrap cannot make its sandbox on this machine: {detail}"
        return None

    @staticmethod
    def uid_for_this_process() -> int | None:
        """As root, the user id this process's sandboxes run as (one per grading process); else None."""
        return _FIRST_UID + os.getpid() if os.geteuid() == 0 else None

    def kernel_manager(self, *, conndir: str) -> SandboxedKernelManager:
        """A kernel manager whose kernel starts inside this sandbox. Its connection file is in
        ``conndir``; its sockets are in the sandbox's ``/tmp``, reached through ``/proc/<pid>/root``."""
        uid = self.uid_for_this_process()
        if uid is not None:
            os.chmod(conndir, 0o755)
        ipcdir = f"/tmp/.convlab-ipc-{secrets.token_hex(8)}"  # a path no host folder has: the manager cleans up "ip-N"
        manager = SandboxedKernelManager(
            kernel_name="python3",
            transport="ipc",
            ip=f"{ipcdir}/k",
            connection_file=os.path.join(conndir, "connection.json"),
        )
        manager.sandbox, manager.conndir, manager.ipcdir, manager.uid = self, conndir, ipcdir, uid
        manager.kernel_spec.interrupt_mode = "message"  # SIGINT to bwrap would not reach the kernel
        return manager


class SandboxedKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` (as nbclient uses) that wraps the kernel's command line in :meth:`Sandbox.command`."""

    sandbox: Sandbox
    conndir: str
    ipcdir: str
    uid: int | None

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        kernel_cmd = super().format_kernel_cmd(extra_arguments)
        return self.sandbox.command(kernel_cmd, conndir=self.conndir, ipcdir=self.ipcdir, uid=self.uid)

    def client(self, **kwargs):
        """A client that reaches the sockets inside the sandbox, and drops any message bigger
        than ``Limits.message_size``."""
        kernel_client = super().client(**kwargs)
        kernel_client.ip = f"/proc/{self._sandbox_pid()}/root{self.ip}"
        kernel_client.context.setsockopt(zmq.MAXMSGSIZE, self.sandbox.limits.message_size)
        return kernel_client

    def _sandbox_pid(self, wait: float = 30) -> int:
        """The host's id of the sandbox's first process (bwrap's child), once it has its own root."""
        outer = self.provisioner.process.pid
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                children = Path(f"/proc/{outer}/task/{outer}/children").read_text().split()
                if children and os.readlink(f"/proc/{children[0]}/root") == "/" and Path(
                    f"/proc/{children[0]}/root{self.ipcdir}"
                ).is_dir():
                    return int(children[0])
            except OSError:
                pass
            time.sleep(0.01)
        raise RuntimeError("the sandbox did not start its kernel")

    def write_connection_file(self, **kwargs) -> None:
        super().write_connection_file(**kwargs)
        if self.uid is not None:  # the kernel runs as its own user: let it read its connection file
            os.chown(self.connection_file, self.uid, self.uid)


def bwrap_path() -> str | None:
    """The ``bwrap`` executable, or ``None`` if bubblewrap is not installed."""
    return shutil.which("bwrap")


def _hidden_folders(extra: tuple[str, ...]) -> list[str]:
    homes = {os.path.expanduser("~"), pwd.getpwuid(os.geteuid()).pw_dir}
    folders = {os.path.realpath(path) for path in (*_ALWAYS_HIDDEN, *homes, str(REPO_ROOT), *extra)}
    return sorted(folder for folder in folders if os.path.isdir(folder) and folder != "/")


def _needed_paths() -> list[str]:
    """The Python installation and virtual environment the kernel runs (never the course itself)."""
    paths = {sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    found = {os.path.realpath(path) for path in paths if os.path.exists(path)}
    return sorted(path for path in found if not _is_within(str(REPO_ROOT.resolve()), path))


def _course_package_files() -> list[str]:
    """Everything in the environment's site-packages that makes ``import convlab`` work."""
    found = []
    for folder in {*site.getsitepackages(), site.getusersitepackages()}:
        if os.path.isdir(folder):
            found += [os.path.join(folder, name) for name in sorted(os.listdir(folder)) if "convlab" in name.lower()]
    return found


def _parents_below_tmp(path: str) -> list[str]:
    """The folders between ``/tmp`` and ``path``, outermost first (none when ``path`` is not in /tmp)."""
    parents = []
    folder = os.path.dirname(path)
    while _is_within(folder, "/tmp") and folder != "/tmp":
        parents.insert(0, folder)
        folder = os.path.dirname(folder)
    return parents


def _is_within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _kernel_env() -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name in _ENV_KEEP or name.startswith(_ENV_PREFIXES)}
    env.update(HOME=WORKDIR, TMPDIR="/tmp", PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
    env["JPY_PARENT_PID"] = "1"  # launched by a frontend: no connection banner; pid 1 is never polled
    return env
