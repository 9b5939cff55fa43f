"""Warm kernels for papermill: started and primed before a report needs one.

Starting a kernel and importing pandas, matplotlib and seaborn takes a few
seconds, longer than a small report runs. :class:`KernelPool` starts kernels
on a background thread, runs the imports in each (``silent``, so nothing
enters the notebook's namespace or execution count) and hands them out ready.
Each kernel runs exactly one report and is then shut down, so no report sees
another's variables.

papermill runs a notebook on a given kernel through the ``parlib-warm``
engine (:func:`register_engine`): it passes the pre-started kernel manager
to nbclient, moves the kernel into the report's folder, and stops the client's
channels afterwards instead of shutting the kernel down.
"""

from __future__ import annotations

import asyncio
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid
from typing import Any

from ..errors import ReportError

__all__ = ["KernelPool", "choose_kernel_name", "register_engine", "ENGINE", "WARMUP_CODE"]

ENGINE = "parlib-warm"
#: Code run in each kernel before a report is assigned to it: import what the notebooks
#: use, and draw and save one throw-away figure so that fonts, backends and the
#: reference tables are loaded. Names are deleted afterwards, so the notebook's
#: namespace stays empty; nothing of a report is ever in the kernel before it starts.
WARMUP_CODE = """\
def _parlib_warm():
    import importlib, io
    for name in ("pandas", "numpy", "matplotlib", "matplotlib.pyplot", "seaborn", "scipy.stats",
                 "IPython.display", "parlib", "parlib.load", "parlib.stats", "parlib.plots",
                 "parlib.figures", "parlib.labels", "parlib.reports", "pyarrow.parquet"):
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
_parlib_warm()
del _parlib_warm
"""


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
    startup_timeout
        Seconds to wait for a kernel to answer.
    fork
        Start kernels as forks of one pre-imported process
        (:mod:`parlib.reports.forkserver`); default: on Linux, unless the
        environment variable ``PARLIB_REPORTS_FORK`` is ``0``.

    Examples
    --------
    >>> with KernelPool("python3", size=1, total=1, cwd=".") as pool:  # doctest: +SKIP
    ...     km = pool.acquire()
    ...     pool.release(km)
    """

    def __init__(self, kernel_name: str, *, size: int, total: int, cwd: str | os.PathLike,
                 startup_timeout: float = 120.0, warmup: str = WARMUP_CODE,
                 fork: bool | None = None) -> None:
        self.kernel_name = kernel_name
        self.size = max(1, size)
        self.total = total
        self.cwd = str(cwd)
        self.startup_timeout = startup_timeout
        self.warmup = warmup
        self._ready: queue.Queue[Any] = queue.Queue()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="parlib-kernels",
                                        daemon=True)
        self._ipc_dir = tempfile.mkdtemp(prefix="parlib-k-") if os.name == "posix" else None
        self._live: set[Any] = set()
        self._pending: set[Any] = set()
        self._filler: asyncio.Task | None = None
        self._tasks: list[asyncio.Task] = []
        self._sem: asyncio.Semaphore | None = None
        self._closed = False
        if fork is None:
            fork = sys.platform.startswith("linux") and \
                os.environ.get("PARLIB_REPORTS_FORK", "1") != "0"
        self.fork = fork
        self._server: Any = None
        self._env = {**os.environ, "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}

    def __enter__(self) -> KernelPool:
        if self.fork and self.total:
            from .forkserver import ForkServer, fork_flags, kernel_command

            try:
                flags = fork_flags(kernel_command(self.kernel_name))
                if flags is not None:
                    self._server = ForkServer(self.cwd, self._env, flags)
            except Exception:  # fall back to ordinary kernel processes
                self._server = None
        self._thread.start()
        self._loop.call_soon_threadsafe(self._begin)
        return self

    def _begin(self) -> None:
        self._filler = self._loop.create_task(self._fill())

    def __exit__(self, *exc: object) -> None:
        self.close()

    def acquire(self, timeout: float | None = None) -> Any:
        """Return a started, warmed kernel manager; block until one is ready.

        Raises
        ------
        ReportError
            When the kernel could not be started.
        """
        try:
            item = self._ready.get(timeout=timeout or self.startup_timeout * 2)
        except queue.Empty:
            raise ReportError(f"no kernel {self.kernel_name!r} was ready in time",
                              fix="check that the kernel starts: "
                                  f"jupyter console --kernel {self.kernel_name}") from None
        if self._sem is not None:
            self._loop.call_soon_threadsafe(self._sem.release)
        if isinstance(item, BaseException):
            raise ReportError(f"kernel {self.kernel_name!r} did not start: {item}",
                              fix="check the kernelspec with 'jupyter kernelspec list'")
        return item

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
            self._ready.put(ReportError("the run was interrupted"))

    async def _stop_all(self) -> None:
        if self._filler is not None:
            self._filler.cancel()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._kill_live()

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
        if self._server is not None:
            self._server.close()
        if self._ipc_dir:
            shutil.rmtree(self._ipc_dir, ignore_errors=True)

    async def _fill(self) -> None:
        self._sem = asyncio.Semaphore(self.size)
        for number in range(self.total):
            await self._sem.acquire()
            self._tasks.append(asyncio.ensure_future(self._start(number)))

    async def _start(self, number: int) -> None:
        from jupyter_client import AsyncKernelManager

        kwargs: dict[str, Any] = {"kernel_name": self.kernel_name}
        if self._ipc_dir:
            kwargs.update(transport="ipc", ip=os.path.join(self._ipc_dir, f"k{number}"))
        km = AsyncKernelManager(**kwargs)
        if self._server is not None:
            from .forkserver import ForkProvisioner

            km.kernel_id = str(uuid.uuid4())
            km.provisioner = ForkProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec,
                                             parent=km, server=self._server)
        try:
            await km.start_kernel(extra_arguments=["--HistoryManager.hist_file=:memory:"],
                                  env=self._env, cwd=self.cwd, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
            self._live.add(km)
            kc = km.client()
            kc.start_channels()
            try:
                await kc.wait_for_ready(timeout=self.startup_timeout)
                await kc.execute_interactive(self.warmup, silent=True, store_history=False,
                                             timeout=self.startup_timeout)
            finally:
                kc.stop_channels()
        except asyncio.CancelledError:
            await self._shutdown(km)
            raise
        except Exception as exc:  # handed to the report that asks for this kernel
            await self._shutdown(km)
            self._ready.put(exc)
            return
        self._ready.put(km)

    async def _shutdown(self, km: Any) -> None:
        self._live.discard(km)
        try:
            if km.has_kernel:
                await km.shutdown_kernel(now=True)
        except Exception:  # the kernel is gone already
            pass

    async def _drain(self) -> None:
        if self._filler is not None:
            self._filler.cancel()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for fut in list(self._pending):
            await asyncio.wrap_future(fut)
        while True:
            try:
                item = self._ready.get_nowait()
            except queue.Empty:
                break
            if not isinstance(item, BaseException):
                await self._shutdown(item)
        await self._kill_live()  # started but not ready (cancelled), or never released


_registered = threading.Lock()


def register_engine() -> str:
    """Register the ``parlib-warm`` papermill engine (once) and return its name."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from jupyter_core.utils import run_sync
    from traitlets import Unicode

    with _registered:
        if ENGINE in papermill_engines._engines:
            return ENGINE

        class WarmNotebookClient(PapermillNotebookClient):
            """A papermill client that moves the kernel into ``kernel_cwd`` first."""

            kernel_cwd = Unicode(None, allow_none=True)

            async def async_start_new_kernel_client(self):  # type: ignore[override]
                kc = await super().async_start_new_kernel_client()
                if self.kernel_cwd:
                    code = (f"import os as _os\n_os.chdir({self.kernel_cwd!r})\n"
                            "del _os\n")
                    reply = await kc.execute_interactive(code, silent=True, store_history=False,
                                                         timeout=self.startup_timeout)
                    if reply["content"]["status"] != "ok":
                        raise ReportError("the kernel could not enter the report folder",
                                          file=self.kernel_cwd)
                return kc

            start_new_kernel_client = run_sync(async_start_new_kernel_client)

        class WarmEngine(NBClientEngine):
            """Run a notebook on a kernel manager passed as ``km`` and leave it running."""

            @classmethod
            def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False,
                                         stdout_file=None, stderr_file=None, start_timeout=60,
                                         execution_timeout=None, km=None, kernel_cwd=None,
                                         **kwargs):
                kwargs.pop("input_path", None)
                client = WarmNotebookClient(
                    nb_man, km=km, kernel_name=kernel_name, timeout=execution_timeout,
                    startup_timeout=start_timeout, log_output=log_output,
                    stdout_file=stdout_file, stderr_file=stderr_file, kernel_cwd=kernel_cwd,
                    **kwargs)
                try:
                    return client.execute()
                finally:
                    if client.kc is not None:
                        client.kc.stop_channels()

        papermill_engines.register(ENGINE, WarmEngine)
    return ENGINE

