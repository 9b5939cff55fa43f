"""Warm kernels for papermill: started and primed before a report needs one.

Starting a kernel and importing pandas, matplotlib and seaborn takes a few
seconds, longer than a small report runs. :class:`KernelPool` starts
``jupyter_client`` kernels on a background thread, runs :func:`preload` in
each (``silent``, so nothing enters the notebook's namespace or execution
count) and hands them out ready. Each kernel runs exactly one report, through
papermill's own engine (``papermill.execute_notebook(..., km=km)``), and is
then shut down, so no report sees another's variables.

A kernel's standard output and error go to a log file; :meth:`KernelPool.acquire`
moves it into the report's folder (``kernel.log``). A preload that raises and a
kernel that dies are reported with the error and the kernel's exit status.
Kernels watch the runner (ipykernel's parent poller, ``JPY_PARENT_PID``), so a
killed run takes its kernels with it within a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

from parlib.errors import ReportError

__all__ = [
    "KERNEL_LOG",
    "WARMUP_CODE",
    "KernelPool",
    "choose_kernel_name",
    "describe_exit",
    "preload",
]

#: The kernel's output, in the report's folder.
KERNEL_LOG = "kernel.log"
#: What each kernel runs before a report is assigned to it (see :func:`preload`).
WARMUP_CODE = "__import__('parlib.reports.kernels', fromlist=['preload']).preload()"


def preload() -> None:
    """Import what the report notebooks use and draw one throw-away figure.

    Run inside each kernel before a report arrives, so that the imports, fonts,
    backends and reference tables are loaded. Nothing of a report is ever in
    the kernel before it starts; an error here fails the report that gets the
    kernel, with the error named.
    """
    import importlib
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    for name in (
        "IPython.display",
        "pyarrow.parquet",
        "scipy.stats",
        "seaborn",
        "parlib.analysis.load",
        "parlib.analysis.trend",
        "parlib.analysis.correlation",
        "parlib.analysis.percentiles",
        "parlib.viz.figure_data",
        "parlib.viz.figures",
        "parlib.viz.trend_plots",
        "parlib.viz.rank_plots",
        "parlib.viz.correlation_plots",
        "parlib.reports.notebook",
    ):
        importlib.import_module(name)  # what the notebooks import
    from parlib.viz.labels import label
    from parlib.viz.theme import plot_theme

    label("PAR", "vi"), label("procedures", "en"), label("y_te", "vi")
    with plot_theme():
        fig, ax = plt.subplots()
        try:
            ax.plot([2020, 2021], [1, 2], label="Đắk Lắk")
            ax.set_title("Chỉ số CCHC")
            ax.legend()
            for fmt in ("png", "svg", "pdf"):
                fig.savefig(io.BytesIO(), format=fmt, dpi=30)
        finally:
            plt.close(fig)


def describe_exit(status: int | None) -> str:
    """Return a kernel's exit status in words.

    Examples
    --------
    >>> describe_exit(-9)
    'exit status -9 (killed by SIGKILL)'
    >>> describe_exit(1)
    'exit status 1'
    >>> describe_exit(None)
    'still running'
    """
    if status is None:
        return "still running"
    if status < 0:
        with contextlib.suppress(ValueError):
            return f"exit status {status} (killed by {signal.Signals(-status).name})"
    return f"exit status {status}"


def choose_kernel_name() -> str:
    """Return ``parlib`` when that kernelspec is installed (``make lab``), else ``python3``."""
    from jupyter_client.kernelspec import KernelSpecManager

    try:
        specs = KernelSpecManager().find_kernel_specs()
    except Exception:  # a broken kernelspec folder should not stop the run
        specs = {}
    return "parlib" if "parlib" in specs else "python3"


class KernelPool:
    """Start kernels ahead of demand, warm them, and hand each out once.

    Parameters
    ----------
    kernel_name
        The kernelspec to start.
    size
        How many kernels to keep started or starting ahead of demand.
    total
        How many kernels to start in all (one per report to run).
    cwd
        The folder kernels start in (the project root).
    log_dir
        Where the kernels' log files are kept until :meth:`acquire` moves one
        into a report's folder; on the same file system as the reports.
    startup_timeout
        Seconds to wait for a kernel to answer.
    warmup
        The code each kernel runs before it is handed out.

    Examples
    --------
    >>> with KernelPool("python3", size=1, total=1, cwd=".", log_dir=".") as pool:  # doctest: +SKIP
    ...     km = pool.acquire(cwd="reports/x")
    ...     pool.release(km)
    """

    def __init__(
        self,
        kernel_name: str,
        *,
        size: int,
        total: int,
        cwd: str | os.PathLike,
        log_dir: str | os.PathLike,
        startup_timeout: float = 120.0,
        warmup: str = WARMUP_CODE,
    ) -> None:
        self.kernel_name = kernel_name
        self.size = max(1, size)
        self.total = total
        self.cwd = str(cwd)
        self.startup_timeout = startup_timeout
        self.warmup = warmup
        self._log_parent = Path(log_dir)
        self._logs: Path | None = None
        self._ready: queue.Queue[tuple[Any, Path | None]] = queue.Queue()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="parlib-kernels", daemon=True
        )
        self._ipc_dir = tempfile.mkdtemp(prefix="parlib-k-") if os.name == "posix" else None
        self._live: set[Any] = set()
        self._pending: set[Any] = set()
        self._filler: asyncio.Task | None = None
        self._tasks: list[asyncio.Task] = []
        self._sem: asyncio.Semaphore | None = None
        self._closed = False
        self._env = {**os.environ, "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}

    def __enter__(self) -> KernelPool:
        self._logs = Path(tempfile.mkdtemp(prefix=".parlib-kernels-", dir=self._log_parent))
        self._thread.start()
        self._loop.call_soon_threadsafe(self._begin)
        return self

    def _begin(self) -> None:
        self._filler = self._loop.create_task(self._fill())

    def __exit__(self, *exc: object) -> None:
        self.close()

    def acquire(self, *, cwd: str | os.PathLike, timeout: float | None = None) -> Any:
        """Return a started, warmed kernel manager whose kernel works in ``cwd``.

        Blocks until a kernel is ready. The kernel's log file moves to
        ``cwd/kernel.log``, also when the kernel failed to start.

        Raises
        ------
        ReportError
            When the kernel could not be started or its preload failed.
        """
        try:
            item, log = self._ready.get(timeout=timeout or self.startup_timeout * 2)
        except queue.Empty:
            raise ReportError(
                f"no kernel {self.kernel_name!r} was ready in time",
                fix=f"check that the kernel starts: jupyter console --kernel {self.kernel_name}",
            ) from None
        if self._sem is not None:
            self._loop.call_soon_threadsafe(self._sem.release)
        if log is not None:
            with contextlib.suppress(OSError):  # the kernel keeps writing to the moved file
                os.replace(log, Path(cwd) / KERNEL_LOG)
        if isinstance(item, BaseException):
            raise item
        try:
            asyncio.run_coroutine_threadsafe(self._chdir(item, str(cwd)), self._loop).result()
        except BaseException:
            self.release(item)
            raise
        return item

    def exit_status(self, km: Any) -> int | None:
        """Return the exit status of a kernel that ended, None while it runs."""
        return asyncio.run_coroutine_threadsafe(self._poll(km), self._loop).result(timeout=30)

    def release(self, km: Any) -> None:
        """Shut a used kernel down, in the background."""
        fut = asyncio.run_coroutine_threadsafe(self._shutdown(km), self._loop)
        self._pending.add(fut)
        fut.add_done_callback(self._pending.discard)

    def abort(self) -> None:
        """Shut down every kernel, also those handed out (their reports then fail).

        Kernels still starting are stopped too, and every report waiting for a
        kernel gets an error at once instead of waiting for one.
        """
        if self._thread.is_alive():
            fut = asyncio.run_coroutine_threadsafe(self._stop_all(), self._loop)
            fut.result(timeout=60)
        for _ in range(self.total):
            self._ready.put((ReportError("the run was interrupted"), None))

    async def _stop_all(self) -> None:
        await self._cancel_starts()
        await self._kill_live()

    async def _cancel_starts(self) -> None:
        if self._filler is not None:
            self._filler.cancel()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _kill_live(self) -> None:
        for km in list(self._live):
            await self._shutdown(km)

    def close(self) -> None:
        """Stop starting kernels and shut down every kernel not handed out."""
        if self._closed or not self._thread.is_alive():
            return
        self._closed = True
        asyncio.run_coroutine_threadsafe(self._drain(), self._loop).result(timeout=120)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        for folder in (self._ipc_dir, self._logs):
            if folder:
                shutil.rmtree(folder, ignore_errors=True)

    async def _fill(self) -> None:
        self._sem = asyncio.Semaphore(self.size)
        for number in range(self.total):
            await self._sem.acquire()
            self._tasks.append(asyncio.ensure_future(self._start(number)))

    async def _start(self, number: int) -> None:
        kwargs: dict[str, Any] = {"kernel_name": self.kernel_name}
        if self._ipc_dir:
            kwargs.update(transport="ipc", ip=os.path.join(self._ipc_dir, f"k{number}"))
        km = _manager_class()(**kwargs)
        log = Path(self._logs or ".") / f"k{number}.log"
        try:
            with open(log, "wb") as out:  # the kernel process has its own copy of the handle
                await km.start_kernel(
                    extra_arguments=["--HistoryManager.hist_file=:memory:"],
                    env=self._env,
                    cwd=self.cwd,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            self._live.add(km)
            kc = km.client()
            kc.start_channels()
            try:
                await kc.wait_for_ready(timeout=self.startup_timeout)
                reply = await kc.execute_interactive(
                    self.warmup, silent=True, store_history=False, timeout=self.startup_timeout
                )
            finally:
                kc.stop_channels()
            content = reply["content"]
            if content["status"] != "ok":
                raise ReportError(
                    f"the kernel's preload failed: {content.get('ename')}: {content.get('evalue')}",
                    fix=f"see {KERNEL_LOG}; check that the kernel "
                    f"{self.kernel_name!r} runs this parlib and its "
                    "dependencies",
                )
        except asyncio.CancelledError:
            await self._shutdown(km)
            raise
        except Exception as exc:  # handed to the report that asks for this kernel
            status = await self._poll(km)
            await self._shutdown(km)
            if not isinstance(exc, ReportError):
                exc = ReportError(
                    f"kernel {self.kernel_name!r} did not start ({describe_exit(status)}): {exc}",
                    fix=f"see {KERNEL_LOG}, and check the kernelspec with "
                    "'jupyter kernelspec list'",
                )
            self._ready.put((exc, log))
            return
        self._ready.put((km, log))

    async def _chdir(self, km: Any, cwd: str) -> None:
        kc = km.client()
        kc.start_channels()
        try:
            reply = await kc.execute_interactive(
                f"__import__('os').chdir({cwd!r})",
                silent=True,
                store_history=False,
                timeout=self.startup_timeout,
            )
        finally:
            kc.stop_channels()
        if reply["content"]["status"] != "ok":
            raise ReportError("the kernel could not enter the report folder", file=cwd)

    @staticmethod
    async def _poll(km: Any) -> int | None:
        try:
            return await km.provisioner.poll() if km.provisioner is not None else None
        except Exception:  # no process to ask
            return None

    async def _shutdown(self, km: Any) -> None:
        self._live.discard(km)
        try:
            if km.has_kernel:
                await km.shutdown_kernel(now=True)
        except Exception:  # the kernel is gone already
            pass
        km.stop_clients()

    async def _drain(self) -> None:
        await self._cancel_starts()
        for fut in list(self._pending):
            await asyncio.wrap_future(fut)
        while True:
            try:
                item, _ = self._ready.get_nowait()
            except queue.Empty:
                break
            if not isinstance(item, BaseException):
                await self._shutdown(item)
        await self._kill_live()  # started but not ready (cancelled), or never released


@functools.cache
def _manager_class() -> type:
    """Return the pool's kernel manager class (jupyter_client is imported on first use)."""
    from jupyter_client import AsyncKernelManager

    class PoolKernelManager(AsyncKernelManager):
        """An ``AsyncKernelManager`` that stops the channels of the clients it made.

        papermill leaves the client it opens on a kernel it does not own
        running; the pool stops it when it shuts the kernel down.
        """

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.clients: list[Any] = []

        def client(self, **kwargs: Any) -> Any:
            kc = super().client(**kwargs)
            self.clients.append(kc)
            return kc

        def stop_clients(self) -> None:
            while self.clients:
                with contextlib.suppress(Exception):
                    self.clients.pop().stop_channels()

    return PoolKernelManager
