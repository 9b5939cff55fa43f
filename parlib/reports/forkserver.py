"""Start kernels by forking one process that has already imported everything.

A new kernel process spends most of its start-up importing ipykernel, pandas,
matplotlib, seaborn and scipy: seconds of CPU per report. On Linux the
:class:`ForkServer` runs one "zygote" process (``python -m
parlib.reports.forkserver``) that imports all of that once; each kernel is a
``fork()`` of it that then starts ipykernel on its own connection file. The
kernel manager talks to it through :class:`ForkProvisioner`, a
``LocalProvisioner`` whose process is the forked child, so nbclient and
papermill see an ordinary kernel. A forked kernel shares no state with another
report: it starts from the zygote's memory, which only ever held imports and a
throw-away figure.

No kernel outlives the run that started it: the zygote asks Linux to kill it
when the runner dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``), and each kernel
asks the same of the zygote, so a ``SIGKILL`` of ``parlib reports`` takes the
zygote and then every kernel with it. Each kernel also runs ipykernel's own
parent watcher on the zygote's pid.

Forking is used only where it is safe and equivalent: on Linux, for an
ipykernel kernelspec that runs this very Python. Anything else falls back to
an ordinary subprocess.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

__all__ = ["ForkServer", "ForkProvisioner", "die_with_parent", "fork_flags"]

_PARENT_ENV = "PARLIB_FORKSERVER_PARENT"  # the runner's pid, for the zygote's death signal

_PRELOAD = """\
import importlib, io
for name in ("ipykernel.kernelapp", "ipykernel.ipkernel", "IPython", "pandas", "numpy",
             "pyarrow.parquet", "matplotlib", "matplotlib.pyplot", "seaborn", "scipy.stats",
             "IPython.display", "parlib", "parlib.load", "parlib.stats", "parlib.plots",
             "parlib.figures", "parlib.labels", "parlib.reports"):
    try:
        importlib.import_module(name)
    except Exception:
        pass
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
try:
    from parlib.labels import label
    from parlib.plots import plot_theme
    label("PAR", "vi"), label("procedures", "en"), label("y_te", "vi")
    with plot_theme():
        fig, ax = plt.subplots()
        ax.plot([2020, 2021], [1, 2], label="Đắk Lắk")
        ax.set_title("Chỉ số CCHC")
        ax.legend()
        for fmt in ("png", "svg", "pdf"):
            fig.savefig(io.BytesIO(), format=fmt, dpi=30)
        plt.close(fig)
except Exception:
    plt.close("all")
"""


def fork_flags(kernel_cmd: list[str]) -> list[str] | None:
    """Return the interpreter flags of a kernel command that can be forked, else None.

    A command can be forked from the zygote on Linux when it runs this very
    Python with ``-m ipykernel_launcher``; the flags before ``-m`` (such as
    ``-Xfrozen_modules=off``) must then be the zygote's too.

    Examples
    --------
    >>> import sys
    >>> fork_flags([sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f",
    ...             "k.json"]) if sys.platform.startswith("linux") else ["-Xfrozen_modules=off"]
    ['-Xfrozen_modules=off']
    >>> fork_flags(["/usr/bin/R", "--slave"]) is None
    True
    """
    if not sys.platform.startswith("linux") or "-m" not in kernel_cmd:
        return None
    at = kernel_cmd.index("-m")
    if kernel_cmd[at + 1:at + 2] != ["ipykernel_launcher"]:
        return None
    try:
        same_python = os.path.realpath(kernel_cmd[0]) == os.path.realpath(sys.executable)
    except OSError:
        return None
    flags = kernel_cmd[1:at]
    if not same_python or not all(f.startswith("-") for f in flags):
        return None
    return flags


def kernel_command(kernel_name: str) -> list[str]:
    """Return the kernelspec's command line with ``python`` resolved as jupyter_client does."""
    from jupyter_client.kernelspec import KernelSpecManager

    argv = list(KernelSpecManager().get_kernel_spec(kernel_name).argv)
    if argv and argv[0] in {"python", f"python{sys.version_info[0]}",
                            "python{}.{}".format(*sys.version_info[:2])}:
        argv[0] = sys.executable
    return argv


class ForkServer:
    """The zygote process and the requests to fork kernels from it.

    Parameters
    ----------
    cwd
        Where the zygote starts (the project root, so ``sys.path`` matches a kernel's).
    env
        The zygote's environment; each kernel gets the environment its manager asks for.
    flags
        Interpreter flags of the kernels' command line (see :func:`fork_flags`).
    """

    def __init__(self, cwd: str | os.PathLike, env: dict[str, str],
                 flags: list[str] | None = None) -> None:
        self._lock = threading.Lock()
        self.flags = list(flags or [])
        self._proc = subprocess.Popen(
            [sys.executable, *self.flags, "-m", "parlib.reports.forkserver"], cwd=str(cwd),
            env={**env, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                 "MKL_NUM_THREADS": "1", _PARENT_ENV: str(os.getpid())},
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, bufsize=1)
        line = self._proc.stdout.readline()
        if line.strip() != "ready":
            self.close()
            raise RuntimeError("the kernel fork server did not start")

    @property
    def alive(self) -> bool:
        """Whether the zygote is running."""
        return self._proc.poll() is None

    def fork(self, args: list[str], *, cwd: str, env: dict[str, str]) -> int:
        """Fork a kernel running ``ipykernel_launcher args`` and return its pid."""
        request = json.dumps({"args": args, "cwd": cwd, "env": env})
        with self._lock:
            self._proc.stdin.write(request + "\n")
            self._proc.stdin.flush()
            reply = self._proc.stdout.readline()
        if not reply:
            raise RuntimeError("the kernel fork server has stopped")
        return int(json.loads(reply)["pid"])

    def close(self) -> None:
        """Stop the zygote (kernels already forked keep running until shut down)."""
        if self._proc.poll() is None:
            self._proc.stdin.close()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()


class _ForkedProcess:
    """Enough of ``subprocess.Popen`` for ``LocalProvisioner`` to manage a forked kernel."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0  # the zygote reaps its children (SIGCHLD ignored)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired([str(self.pid)], timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _provisioner_class() -> type:
    from jupyter_client.provisioning import LocalProvisioner
    from traitlets import Any as AnyTrait

    class ForkProvisioner(LocalProvisioner):
        """Launch the kernel as a fork of the zygote when :func:`fork_flags` allows it."""

        server = AnyTrait(None, allow_none=True)

        async def launch_kernel(self, cmd: list[str], **kwargs: Any):
            server = self.server
            if server is None or not server.alive or fork_flags(cmd) != server.flags:
                return await super().launch_kernel(cmd, **kwargs)
            env = kwargs.get("env") or dict(os.environ)
            cwd = str(kwargs.get("cwd") or Path.cwd())
            args = cmd[cmd.index("ipykernel_launcher") + 1:]
            pid = server.fork(args, cwd=cwd, env=env)
            self.process = _ForkedProcess(pid)
            self.pid = self.pgid = pid
            self.cwd = cwd
            return self.connection_info

    return ForkProvisioner


def __getattr__(name: str) -> Any:  # the class needs jupyter_client: build it on first use
    if name == "ForkProvisioner":
        cls = _provisioner_class()
        globals()["ForkProvisioner"] = cls
        return cls
    raise AttributeError(name)


def die_with_parent(parent: int) -> None:
    """Have Linux kill this process when ``parent`` (its parent now) ends.

    ``PR_SET_PDEATHSIG`` with ``SIGKILL``; if the parent has already gone (this
    process was reparented before the call), exit at once. Elsewhere a no-op.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    try:
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # no prctl in this libc: the kernel's poller still watches
        pass
    if os.getppid() != parent:
        os._exit(1)


def _child(request: dict[str, Any], zygote: int) -> None:
    """Become a kernel: new process group, clean signals and files, then ipykernel."""
    die_with_parent(zygote)
    os.setpgid(0, 0)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    try:
        import numpy

        numpy.random.seed()  # a fresh process would not share the zygote's global state
    except Exception:
        pass
    # ipykernel's parent watcher too (its default was read from the zygote's environment)
    args = [*request["args"], f"--IPKernelApp.parent_handle={zygote}"]
    sys.argv = ["ipykernel_launcher", *args]
    from ipykernel.kernelapp import IPKernelApp

    IPKernelApp.launch_instance(argv=args)


def _serve() -> None:
    """Run the zygote: preload, then fork one kernel per request line on stdin."""
    import gc

    parent = os.environ.pop(_PARENT_ENV, "")
    if parent.isdigit():
        die_with_parent(int(parent))
    exec(compile(_PRELOAD, "<parlib-preload>", "exec"), {})
    gc.collect()
    gc.freeze()  # keep the collector off the shared pages, so forks copy less of them
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    out = sys.stdout
    out.write("ready\n")
    out.flush()
    for line in sys.stdin:
        request = json.loads(line)
        zygote = os.getpid()
        pid = os.fork()
        if pid == 0:
            try:
                _child(request, zygote)
            finally:
                os._exit(0)
        out.write(json.dumps({"pid": pid}) + "\n")
        out.flush()


if __name__ == "__main__":
    _serve()
