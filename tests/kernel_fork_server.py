"""A fork server for the notebooks' kernels in the test suite (see tests/forked_kernels.py).

    python kernel_fork_server.py serve FD PID MODULE...   # the server: FD its listening socket,
                                                          # PID its parent, MODULEs to import once
    python -S -E kernel_fork_server.py launch SOCKET -f CONNECTION_FILE   # what nbval starts

Every notebook's kernel would spend about two seconds of CPU importing PyTorch, NumPy,
matplotlib and ipykernel before its first cell. The server imports them once; each ``launch``
asks it for a kernel, and it forks one. The forked kernel then becomes what
``python -m ipykernel_launcher`` would be: the launcher's standard streams, working folder,
environment and arguments, a new session, fresh random seeds. The ``launch`` process stands in
for the kernel towards jupyter_client: it passes signals on to the kernel's process group, and
exits as the kernel exits. If ``launch`` is killed, the server kills the kernel; if the server's
parent (the pytest worker) goes away, the server kills its kernels and exits.

A server is only used for kernels whose environment is the one it was started with: a library
may read a variable when it is loaded and keep it from then on (OpenMP reads ``OMP_*`` so; PyTorch
reads ``ATEN_CPU_CAPABILITY`` later, at its first operation, which the server never runs).
matplotlib's inline backend module is left for the kernel to load: it hooks into the running
kernel when it is loaded.

One difference from a fresh process remains: the kernels of one server share its string-hash
seed (``PYTHONHASHSEED``), so a set of strings iterates in the same order in each of them. No
committed output may depend on that order anyway: a learner's kernel draws its own seed.

This file runs as a script, without the ``tests`` package: the ``launch`` side uses only the
standard library, so that it starts in a few milliseconds.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sys

INLINE_BACKEND = "module://matplotlib_inline.backend_inline"  # what ipykernel sets before any cell runs
MESSAGE_SIZE = 1 << 20  # a request holds the launcher's whole environment
FORWARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)


# --- the launcher: what jupyter_client starts and watches ---


def launch(socket_path: str, kernel_args: list[str]) -> None:
    """Ask the server for a kernel with this process's streams, folder and environment; wait for it."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    server.connect(socket_path)
    request = {"args": kernel_args, "cwd": os.getcwd(), "env": dict(os.environ)}
    socket.send_fds(server, [json.dumps(request).encode()], [0, 1, 2])
    reply = server.recv(MESSAGE_SIZE)
    if not reply:
        sys.exit("kernel fork server: no kernel (the server has stopped)")
    kernel_pid = json.loads(reply)["pid"]

    def forward(signum, _frame):
        try:
            os.killpg(kernel_pid, signum)  # the kernel leads its own group, as a launched kernel does
        except ProcessLookupError:
            pass

    for signum in FORWARDED_SIGNALS:
        signal.signal(signum, forward)
    reply = server.recv(MESSAGE_SIZE)  # the kernel's exit status, once it has exited
    status = json.loads(reply)["exit"] if reply else 1
    if status < 0:  # killed by a signal: end the same way, so that Popen reports it
        signal.signal(-status, signal.SIG_DFL)
        os.kill(os.getpid(), -status)
    os._exit(status)


# --- the server ---


def serve(listener_fd: int, parent: int, modules: list[str]) -> None:
    """Import ``modules``, then fork a kernel for each launcher that connects, until the pytest
    worker that started the server (``parent``) goes away or stops it."""
    import importlib
    import selectors

    del sys.path[0]  # this script's folder (tests/): a kernel must not import from it
    # matplotlib reads its backend from the environment when it is imported; a kernel gets this
    # value from ipykernel before its first cell (the forked kernel's own environment is restored)
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    for name in modules:
        importlib.import_module(name)
    if "ipykernel.kernelapp" in sys.modules:  # its class reads JPY_PARENT_PID when it is imported
        sys.exit("kernel fork server: ipykernel.kernelapp must be imported by each kernel, not by the server")
    listener = socket.socket(fileno=listener_fd)
    wakeup_read, wakeup_write = os.pipe()
    os.set_blocking(wakeup_read, False)
    os.set_blocking(wakeup_write, False)
    signal.set_wakeup_fd(wakeup_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes the loop through the pipe
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(wakeup_read, selectors.EVENT_READ)
    launchers: dict[int, socket.socket] = {}  # kernel pid -> its launcher's connection
    try:
        while os.getppid() == parent:
            for key, _ in selector.select(timeout=1.0):
                if key.fileobj is listener:
                    connection, _ = listener.accept()
                    pid = _fork_kernel(connection, [listener, wakeup_read, wakeup_write, selector, *launchers.values()])
                    if pid is None:
                        connection.close()
                        continue
                    launchers[pid] = connection
                    selector.register(connection, selectors.EVENT_READ, pid)
                elif key.fileobj == wakeup_read:
                    os.read(wakeup_read, 4096)
                    _reap(launchers, selector)
                elif not key.fileobj.recv(MESSAGE_SIZE):  # the launcher is gone: so is its kernel
                    selector.unregister(key.fileobj)
                    _kill_group(key.data)
    finally:
        for pid in launchers:
            _kill_group(pid)
        path = listener.getsockname()
        os.unlink(path)
        with contextlib.suppress(OSError):  # the folder, once its last server has gone
            os.rmdir(os.path.dirname(path))


def _fork_kernel(connection: socket.socket, server_files: list) -> int | None:
    """Fork a kernel for the launcher at ``connection``; its pid, or None for a broken request."""
    message, fds, _, _ = socket.recv_fds(connection, MESSAGE_SIZE, 3)
    try:
        request = json.loads(message)
    except ValueError:
        request = None
    if request is None or len(fds) != 3:
        for fd in fds:
            os.close(fd)
        return None
    pid = os.fork()
    if pid == 0:
        try:
            for item in (*server_files, connection):
                item.close() if hasattr(item, "close") else os.close(item)
            _become_kernel(request, fds)
        finally:
            os._exit(1)
    for fd in fds:
        os.close(fd)
    connection.send(json.dumps({"pid": pid}).encode())
    return pid


def _become_kernel(request: dict, fds: list[int]) -> None:
    """In the forked child: turn into the kernel that ``python -m ipykernel_launcher`` starts."""
    import importlib.util

    import numpy

    signal.set_wakeup_fd(-1)
    for signum in (signal.SIGCHLD, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)
    os.setsid()
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
    for fd in fds:
        if fd > 2:
            os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = [importlib.util.find_spec("ipykernel_launcher").origin, *request["args"]]
    numpy.random.seed()  # a forked child shares its parent's state (Python reseeds `random` itself)
    from ipykernel import kernelapp

    try:
        kernelapp.launch_new_instance()
        status = 0
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _reap(launchers: dict[int, socket.socket], selector) -> None:
    while launchers:
        try:
            pid, wait_status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        connection = launchers.pop(pid, None)
        if connection is None:
            continue
        code = os.waitstatus_to_exitcode(wait_status)
        try:
            selector.unregister(connection)
        except KeyError:
            pass  # already, when its launcher went away
        try:
            connection.send(json.dumps({"exit": code}).encode())
        except OSError:
            pass  # the launcher was killed first
        connection.close()


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"] and len(sys.argv) >= 4:
        serve(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:])
    elif sys.argv[1:2] == ["launch"] and len(sys.argv) >= 3:
        launch(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(__doc__)
