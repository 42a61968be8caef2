"""Run a grading kernel inside a bubblewrap sandbox.

The kernel sees the machine's filesystem read-only, with the instructor's home, ``/root``,
``/tmp``, ``/run`` and the submissions folder replaced by empty folders; its working folder is
a small private tmpfs. It has no network (only a loopback interface that is down), its own
process, IPC and host-name namespaces, no capabilities, and rlimits on address space, CPU
time, processes, file size and open files. When the grader runs as root, the kernel also runs
as an unprivileged user id of its own, so that it cannot read root's files and the process
limit is enforced (the kernel exempts root from ``RLIMIT_NPROC``).

Jupyter's channels use ZMQ's ``ipc`` transport through one bound socket folder, since the
sandbox has no network to carry ``tcp``. Interrupts are sent as messages on the control
channel: a signal to the ``bwrap`` process would not reach the kernel.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

import zmq
from jupyter_client.manager import AsyncKernelManager

from convlab.course.notebooks import REPO_ROOT
from convlab.exercises.catalog import HIDDEN_CASES_VARIABLE

MISSING = "bubblewrap (bwrap) is not installed: cannot sandbox the kernels (apt-get install bubblewrap)"
_ENV_KEEP = ("PATH", "PYTHONPATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "VIRTUAL_ENV")
_ENV_PREFIXES = ("ATEN_", "ONEDNN_", "OMP_", "MKL_", "TORCH_", "CONVLAB_")
_ALWAYS_HIDDEN = ("/root", "/tmp", "/var/tmp", "/run", "/etc/ssh")
_FIRST_UID = 100_000  # sandbox user ids are this plus the grading process's pid: one per kernel at a time


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed kernel (bytes, seconds, counts)."""

    address_space: int = 4 * 2**30  # RLIMIT_AS: PyTorch maps ~1.5 GB of address space on import
    cpu_seconds: int = 900  # RLIMIT_CPU, per process
    processes: int = 256  # RLIMIT_NPROC: threads count too
    file_size: int = 64 * 2**20  # RLIMIT_FSIZE: one written file
    open_files: int = 1024  # RLIMIT_NOFILE
    workdir_size: int = 256 * 2**20  # the working folder is a tmpfs of this size
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

    def command(self, kernel_cmd: list[str], *, workdir: str, sockdir: str, uid: int | None) -> list[str]:
        """``kernel_cmd`` wrapped in ``prlimit``, ``bwrap`` and (as root) ``setpriv``."""
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
            "--perms", "1777", "--size", str(limits.workdir_size), "--tmpfs", "/tmp",
        ]  # fmt: skip
        hidden = _hidden_folders(self.hidden)
        for folder in hidden:
            if folder != "/tmp":
                cmd += ["--tmpfs", folder]
        for path in _needed_paths():  # the Python and the course the kernel imports
            if any(_is_within(path, folder) for folder in hidden):
                cmd += ["--ro-bind", path, path]
        needed = _needed_paths()
        for folder in map(os.path.realpath, self.hidden):  # again, in case they sit inside a needed path
            if not any(_is_within(path, folder) for path in needed):  # but never hide the course itself
                cmd += ["--tmpfs", folder]
        cmd += [
            "--perms", "0777", "--size", str(limits.workdir_size), "--tmpfs", workdir,
            "--bind", sockdir, sockdir,
            "--chdir", workdir,
            "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--hostname", "sandbox",
            "--die-with-parent", "--new-session",
            "--clearenv",
        ]  # fmt: skip
        for name, value in _kernel_env(workdir).items():
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
        with tempfile.TemporaryDirectory(prefix="convlab-grade-") as workdir:
            with tempfile.TemporaryDirectory(prefix="convlab-sock-") as sockdir:
                uid = self.uid_for_this_process()
                if uid is not None:
                    os.chown(sockdir, uid, uid)
                cmd = self.command([sys.executable, "-c", "pass"], workdir=workdir, sockdir=sockdir, uid=uid)
                try:
                    trial = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=workdir)
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

    def kernel_manager(self, *, workdir: str, sockdir: str) -> SandboxedKernelManager:
        """A kernel manager whose kernel starts inside this sandbox, talking through ``sockdir``."""
        uid = self.uid_for_this_process()
        if uid is not None:
            os.chown(sockdir, uid, uid)
        manager = SandboxedKernelManager(
            kernel_name="python3",
            transport="ipc",
            ip=os.path.join(sockdir, "kernel"),
            connection_file=os.path.join(sockdir, "connection.json"),
        )
        manager.sandbox, manager.workdir, manager.sockdir, manager.uid = self, workdir, sockdir, uid
        manager.kernel_spec.interrupt_mode = "message"  # SIGINT to bwrap would not reach the kernel
        return manager


class SandboxedKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` (as nbclient uses) that wraps the kernel's command line in :meth:`Sandbox.command`."""

    sandbox: Sandbox
    workdir: str
    sockdir: str
    uid: int | None

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        kernel_cmd = super().format_kernel_cmd(extra_arguments)
        return self.sandbox.command(kernel_cmd, workdir=self.workdir, sockdir=self.sockdir, uid=self.uid)

    def client(self, **kwargs):
        """A client whose sockets drop any message bigger than ``Limits.message_size``."""
        kernel_client = super().client(**kwargs)
        kernel_client.context.setsockopt(zmq.MAXMSGSIZE, self.sandbox.limits.message_size)
        return kernel_client

    def write_connection_file(self, **kwargs) -> None:
        super().write_connection_file(**kwargs)
        if self.uid is not None:  # the kernel runs as its own user: let it read its connection file
            os.chown(self.connection_file, self.uid, self.uid)


def bwrap_path() -> str | None:
    """The ``bwrap`` executable, or ``None`` if bubblewrap is not installed."""
    return shutil.which("bwrap")


def _hidden_folders(extra: tuple[str, ...]) -> list[str]:
    homes = {os.path.expanduser("~"), pwd.getpwuid(os.geteuid()).pw_dir}
    folders = {os.path.realpath(path) for path in (*_ALWAYS_HIDDEN, *homes, *extra)}
    return sorted(folder for folder in folders if os.path.isdir(folder) and folder != "/")


def _needed_paths() -> list[str]:
    paths = {sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable)), str(REPO_ROOT)}
    paths |= {entry for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep) if entry}
    return sorted(os.path.realpath(path) for path in paths if os.path.exists(path))


def _is_within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _kernel_env(workdir: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name in _ENV_KEEP or name.startswith(_ENV_PREFIXES)}
    env.update(HOME=workdir, TMPDIR="/tmp", PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
    env[HIDDEN_CASES_VARIABLE] = "1"  # the checks add their hidden cases when graded
    env["JPY_PARENT_PID"] = "1"  # launched by a frontend: no connection banner; pid 1 is never polled
    return env
