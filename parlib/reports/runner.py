"""Build the reports listed in ``reports.yaml``: incremental, parallel, atomic.

For each report the runner computes a key from its notebook, parameters, the
parlib version and the clean data it reads (:mod:`parlib.reports.manifest`).
A report whose folder holds a successful manifest with the same key is
skipped. The others run in parallel threads, each through papermill's own
engine on a warm kernel of its own (:mod:`parlib.reports.kernels`), write into
a temporary folder next to their final one (with the kernel's output in
``kernel.log``), and are swapped in only when everything succeeded. A failing
report keeps its previous good outputs and gets ``report.failed.ipynb``,
``report.failed.json`` and ``kernel.failed.log`` beside them; the other
reports go on.
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import hashlib
import os
import shutil
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import filelock

from parlib import __version__
from parlib.errors import ConfigError, LockError
from parlib.safety import check_output_dir, mark_output, umask_mode
from parlib.text import printable
from parlib.reports.config import ReportsConfig, ReportSpec, read_reports_config
from parlib.reports.export import export_html
from parlib.reports.kernels import KERNEL_LOG, KernelPool, choose_kernel_name, describe_exit
from parlib.reports.manifest import (FAILURE, INPUT_FILES, MANIFEST, SCHEMA, git_commit, input_hashes,
                       read_manifest, relative_posix, report_key, write_json)
from parlib.reports.site import write_site

__all__ = ["run_reports", "report_states", "RunSummary", "ReportResult"]

NOTEBOOK, HTML, FAILED_NOTEBOOK = "report.ipynb", "report.html", "report.failed.ipynb"
FAILED_LOG = "kernel.failed.log"
FIGURES_META = "figures.json"
#: What a report folder holds: one of only these, made before parlib marked its folders
#: (parlib.safety.MARKER), is parlib's to replace.
REPORT_FILES = frozenset({NOTEBOOK, HTML, FAILED_NOTEBOOK, MANIFEST, FAILURE, FIGURES_META,
                          KERNEL_LOG, FAILED_LOG, "figures"})


@dataclass
class ReportResult:
    """What happened to one report: ``ok``, ``skipped`` or ``failed``."""

    id: str
    status: str
    folder: Path
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    cell_index: int | None = None
    exec_count: int | None = None
    ename: str | None = None
    evalue: str | None = None
    failed_notebook: Path | None = None

    def describe(self) -> str:
        """Return one line naming the report, its status and, for a failure, the cell."""
        if self.status != "failed":
            return f"{self.id}: {self.status} ({self.seconds:.1f} s)"
        where = ""
        if self.cell_index is not None:
            count = f" (In [{self.exec_count}])" if self.exec_count is not None else ""
            where = f"cell {self.cell_index}{count}: "
        keep = f" (see {self.failed_notebook})" if self.failed_notebook else ""
        return f"{self.id}: failed at {where}{self.error}{keep}"


@dataclass
class RunSummary:
    """The results of one :func:`run_reports` call."""

    results: list[ReportResult]
    seconds: float
    index: Path | None = None
    kernel_name: str | None = None
    jobs: int = 1

    def _with(self, status: str) -> list[ReportResult]:
        return [r for r in self.results if r.status == status]

    @property
    def ran(self) -> list[ReportResult]:
        """Reports built in this run."""
        return self._with("ok")

    @property
    def skipped(self) -> list[ReportResult]:
        """Reports whose inputs had not changed."""
        return self._with("skipped")

    @property
    def failed(self) -> list[ReportResult]:
        """Reports whose notebook raised."""
        return self._with("failed")

    @property
    def exit_code(self) -> int:
        """Return 0 when no report failed, else 1."""
        return 1 if self.failed else 0

    def line(self) -> str:
        """Return the one-line summary the command line prints."""
        text = (f"{len(self.results)} reports: {len(self.ran)} built, "
                f"{len(self.skipped)} unchanged, {len(self.failed)} failed "
                f"in {self.seconds:.1f} s")
        return text + (f"; index: {self.index}" if self.index else "")


@dataclass
class _Plan:
    spec: ReportSpec
    folder: Path
    notebook: Path
    parameters: dict[str, Any]
    inputs: dict[str, str | None]
    key: str
    skip: bool


def run_reports(config: str | os.PathLike = "reports.yaml", *, jobs: int | None = None,
                force: bool = False, only: str | None = None, root: str | os.PathLike = ".",
                progress: bool = True) -> RunSummary:
    """Build every report of ``reports.yaml`` whose inputs changed.

    Parameters
    ----------
    config
        The reports file, relative to ``root``.
    jobs
        Reports run at the same time; default one per CPU core.
    force
        Rebuild reports even when their inputs did not change.
    only
        Build only the reports whose id (``<dataset>/<notebook>/<slug>``) matches
        this shell pattern; a pattern without ``*?[`` matches as a substring.
    root
        The project folder, where ``data/clean`` and ``reports`` are.
    progress
        Show a progress bar on standard error.

    Returns
    -------
    RunSummary
        One result per selected report; ``exit_code`` is 1 when any failed.

    Raises
    ------
    ConfigError
        When ``reports.yaml`` is malformed, ``only`` matches nothing, or a
        dataset has no clean data (before any report runs).
    ParameterError
        When a report sets a parameter its notebook does not have (before any
        report runs).
    LockError
        When another run is writing to the same reports folder.
    """
    start = time.perf_counter()
    root_path = Path(root).resolve()
    cfg = read_reports_config(config, root=root_path)
    specs = _select(cfg, only)
    _check_inputs(cfg, specs)
    jobs = max(1, jobs or os.cpu_count() or 1)
    check_output_dir(cfg.output_dir, raw=[cfg.root / "data" / "raw"])
    cfg.output_dir.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(str(cfg.output_dir / ".parlib-reports.lock"))
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        raise LockError("another 'parlib reports' run is writing to this folder",
                        file=cfg.output_dir, fix="wait for it to finish, or stop it") from None
    try:
        _recover(cfg.output_dir)
        plans = [_plan(cfg, spec, force) for spec in specs]
        results = [ReportResult(p.spec.id, "skipped", p.folder) for p in plans if p.skip]
        todo = [p for p in plans if not p.skip]
        kernel_name = None
        if todo:
            kernel_name = choose_kernel_name()
            results += _run_all(cfg, todo, kernel_name, min(jobs, len(todo)), progress)
        index = write_site(cfg.output_dir, clean_dir=cfg.clean_dir,
                           reports=[f"{s.dataset}/{s.notebook}/{s.slug}" for s in cfg.reports])
    finally:
        lock.release()
    order = {spec.id: i for i, spec in enumerate(specs)}
    results.sort(key=lambda r: order[r.id])
    return RunSummary(results, time.perf_counter() - start, index, kernel_name, jobs)


def report_states(config: str | os.PathLike = "reports.yaml", *,
                  root: str | os.PathLike = ".") -> list[dict[str, Any]]:
    """Return each report of ``reports.yaml`` with its state, without running or writing anything.

    States: ``up to date`` (a build would skip it), ``out of date`` (its
    notebook, parameters, parlib or data changed), ``failed`` (its last build
    failed), ``not built``, ``no clean data``.
    """
    root_path = Path(root).resolve()
    cfg = read_reports_config(config, root=root_path)
    out = []
    for spec in cfg.reports:
        folder = cfg.output_dir / spec.dataset / spec.notebook / spec.slug
        if any(not (cfg.clean_dir / spec.dataset / n).is_file() for n in INPUT_FILES):
            state = "no clean data"
        elif (folder / FAILURE).exists():
            state = "failed"
        elif _plan(cfg, spec, False).skip:
            state = "up to date"
        else:
            state = "out of date" if read_manifest(folder) else "not built"
        out.append({"id": spec.id, "title": spec.title, "state": state,
                    "folder": relative_posix(folder, cfg.root)})
    return out


def _select(cfg: ReportsConfig, only: str | None) -> list[ReportSpec]:
    specs = list(cfg.reports)
    if not only:
        return specs
    pattern = only if any(ch in only for ch in "*?[") else f"*{only}*"
    chosen = [s for s in specs if fnmatch.fnmatchcase(s.id, pattern)]
    if not chosen:
        raise ConfigError("no report matches --only", file=cfg.path, value=only,
                          fix=f"use part of a report id, e.g. {specs[0].id!r}")
    return chosen


def _check_inputs(cfg: ReportsConfig, specs: list[ReportSpec]) -> None:
    for dataset in sorted({s.dataset for s in specs}):
        folder = cfg.clean_dir / dataset
        missing = [n for n in INPUT_FILES if not (folder / n).is_file()]
        if missing:
            raise ConfigError(f"dataset {dataset!r} has no clean data ({', '.join(missing)} "
                              "missing)", file=folder,
                              fix=f"run 'parlib clean' first, or remove {dataset!r} from "
                                  f"{cfg.path.name}")


@functools.cache
def code_hash() -> str:
    """Return a hash of parlib's own source and data files, so a code change reruns reports."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".csv", ".j2", ".html", ".css") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _plan(cfg: ReportsConfig, spec: ReportSpec, force: bool) -> _Plan:
    folder = cfg.output_dir / spec.dataset / spec.notebook / spec.slug
    if not folder.resolve().is_relative_to(cfg.output_dir.resolve()):  # slugs are checked too
        raise ConfigError("a report folder would leave the reports folder", file=cfg.path,
                          value=spec.id, fix="use a slug of a-z, 0-9 and '-'")
    check_output_dir(folder, replace=True, known=REPORT_FILES)
    notebook = cfg.notebook_path(spec.notebook)
    parameters = {**spec.parameters, "dataset": spec.dataset,
                  "clean_dir": relative_posix(cfg.clean_dir, folder), "output_dir": "."}
    inputs = input_hashes(notebook, cfg.clean_dir / spec.dataset, cfg.root)
    key = report_key(notebook_hash=inputs[relative_posix(notebook, cfg.root)],
                     parameters=parameters, version=f"{__version__}+{code_hash()}",
                     inputs=inputs)
    old = read_manifest(folder)
    skip = (not force and old is not None and old.get("status") == "ok"
            and old.get("key") == key and (folder / NOTEBOOK).is_file()
            and (folder / HTML).is_file() and not (folder / FAILURE).exists())
    return _Plan(spec, folder, notebook, parameters, inputs, key, skip)


def _run_all(cfg: ReportsConfig, plans: list[_Plan], kernel_name: str, jobs: int,
             progress: bool) -> list[ReportResult]:
    from tqdm import tqdm

    commit = git_commit(cfg.root)
    results = []
    with KernelPool(kernel_name, size=jobs, total=len(plans), cwd=cfg.root,
                    log_dir=cfg.output_dir) as pool, \
            ThreadPoolExecutor(jobs, thread_name_prefix="parlib-report") as ex, \
            tqdm(total=len(plans), file=sys.stderr, disable=not progress, unit="report",
                 desc="reports") as bar:
        futures = [ex.submit(_run_one, cfg, plan, pool, kernel_name, commit) for plan in plans]
        try:
            for fut in as_completed(futures):
                result = fut.result()
                results.append(result)
                bar.update()
                if result.status == "failed":
                    bar.write(printable(f"FAILED {result.describe()}"), file=sys.stderr)
        except BaseException:  # Ctrl-C: drop queued reports, stop the running kernels
            for fut in futures:
                fut.cancel()
            pool.abort()
            raise
    return results


def _run_one(cfg: ReportsConfig, plan: _Plan, pool: KernelPool, kernel_name: str,
             commit: str | None) -> ReportResult:
    import nbformat
    import papermill
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    spec, final = plan.spec, plan.folder
    t0 = time.perf_counter()
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{spec.slug}.tmp-", dir=final.parent))
    timings: dict[str, float] = {}
    result = ReportResult(spec.id, "failed", final)
    try:
        os.chmod(tmp, umask_mode(folder=True))  # mkdtemp makes it private (0700)
        mark_output(tmp)
        km = pool.acquire(cwd=tmp)
        timings["wait_kernel"] = time.perf_counter() - t0
        t = time.perf_counter()
        try:
            nb = papermill.execute_notebook(
                str(plan.notebook), str(tmp / NOTEBOOK), parameters=plan.parameters,
                kernel_name=kernel_name, km=km, progress_bar=False,
                request_save_on_cell_execute=False, execution_timeout=cfg.timeout)
        except DeadKernelError as exc:
            raise DeadKernelError(f"{exc} ({describe_exit(pool.exit_status(km))}); "
                                  f"see {FAILED_LOG}") from None
        finally:
            pool.release(km)
            timings["execute"] = time.perf_counter() - t
        t = time.perf_counter()
        _fix_paths(nb, cfg, plan, NOTEBOOK)
        nbformat.write(nb, tmp / NOTEBOOK)
        export_html(nb, tmp / HTML, title=spec.title or spec.id)
        timings["export_html"] = time.perf_counter() - t
        timings["total"] = time.perf_counter() - t0
        meta = read_manifest(tmp, FIGURES_META) or {}
        write_json(tmp / MANIFEST, _manifest(cfg, plan, "ok", timings, started, commit,
                                             kernel_name, meta, tmp))
        _swap(tmp, final)
        result.status = "ok"
    except PapermillExecutionError as exc:
        result.cell_index, result.exec_count, result.ename = (exc.cell_index, exc.exec_count,
                                                              exc.ename)
        result.evalue = _first_line(exc.evalue)
        result.error = f"{exc.ename}: {result.evalue}"
        _keep_failure(cfg, plan, tmp, result, started, commit, kernel_name, timings)
    except Exception as exc:  # a dead kernel, a full disk: report it, go on with the others
        result.ename, result.evalue = type(exc).__name__, _first_line(str(exc))
        result.error = f"{result.ename}: {result.evalue}"
        _keep_failure(cfg, plan, tmp, result, started, commit, kernel_name, timings)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result.seconds = time.perf_counter() - t0
    result.timings = timings
    return result


def _manifest(cfg: ReportsConfig, plan: _Plan, status: str, timings: dict[str, float],
              started: str, commit: str | None, kernel_name: str, meta: dict[str, Any],
              folder: Path) -> dict[str, Any]:
    spec = plan.spec
    figures = sorted(p.relative_to(folder).as_posix() for p in folder.glob("figures/*")
                     if p.is_file())
    return {
        "schema": SCHEMA, "id": spec.id, "status": status, "dataset": spec.dataset,
        "notebook": spec.notebook, "slug": spec.slug, "title": spec.title or meta.get("title"),
        "parameters": spec.parameters, "injected": {k: plan.parameters[k] for k in
                                                    ("dataset", "clean_dir", "output_dir")},
        "parlib_version": __version__, "git_commit": commit, "kernel": kernel_name,
        "key": plan.key, "inputs": plan.inputs,
        "citation": meta.get("citation"), "synthetic": meta.get("synthetic"),
        "figures": figures, "figure_details": meta.get("figures", []),
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "started": started,
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def _fix_paths(nb: Any, cfg: ReportsConfig, plan: _Plan, name: str) -> None:
    """Record the notebook paths relative to the project, not the temporary folder."""
    meta = nb.metadata.setdefault("papermill", {})
    meta["input_path"] = relative_posix(plan.notebook, cfg.root)
    meta["output_path"] = relative_posix(plan.folder / name, cfg.root)


def _keep_failure(cfg: ReportsConfig, plan: _Plan, tmp: Path, result: ReportResult,
                  started: str, commit: str | None, kernel_name: str,
                  timings: dict[str, float]) -> None:
    """Put the failed notebook and what went wrong beside the report's previous outputs."""
    try:
        _write_failure(cfg, plan, tmp, result, started, commit, kernel_name, timings)
    except (OSError, ValueError) as exc:  # keep going: the result still names the failure
        result.error = f"{result.error} (the failed notebook could not be kept: {exc})"


def _write_failure(cfg: ReportsConfig, plan: _Plan, tmp: Path, result: ReportResult,
                   started: str, commit: str | None, kernel_name: str,
                   timings: dict[str, float]) -> None:
    import nbformat

    final = plan.folder
    final.mkdir(parents=True, exist_ok=True)
    if (tmp / NOTEBOOK).is_file():
        nb = nbformat.read(tmp / NOTEBOOK, as_version=4)
        _fix_paths(nb, cfg, plan, FAILED_NOTEBOOK)
        nbformat.write(nb, final / FAILED_NOTEBOOK)
        result.failed_notebook = final / FAILED_NOTEBOOK
    if (tmp / KERNEL_LOG).is_file():
        os.replace(tmp / KERNEL_LOG, final / FAILED_LOG)
    info = _manifest(cfg, plan, "failed", timings, started, commit, kernel_name, {}, tmp)
    info.update(error=result.error, cell_index=result.cell_index,
                exec_count=result.exec_count, ename=result.ename, evalue=result.evalue,
                figures=[])
    write_json(final / FAILURE, info)


def _swap(tmp: Path, final: Path) -> None:
    """Put ``tmp`` in the place of ``final``; the old folder is removed only afterwards.

    If the new folder cannot be renamed in, the old one is renamed back; if even
    that fails, the next run's :func:`_recover` puts it back.
    """
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:8]}")
        os.rename(final, old)
    try:
        os.rename(tmp, final)
    except OSError:
        if old is not None:
            with contextlib.suppress(OSError):
                os.rename(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _recover(output_dir: Path) -> None:
    """Undo what a killed or failed swap left: restore swapped-out folders, drop temporary ones.

    A report folder holding only a failure record (no ``manifest.json``) next to a
    swapped-out previous report is a swap that failed: the record joins the
    previous report, which is put back. Kernel logs a killed run left go too.
    """
    for logs in output_dir.glob(".parlib-kernels-*"):
        shutil.rmtree(logs, ignore_errors=True)
    for hidden in output_dir.glob("*/*/.*"):
        if not hidden.is_dir():
            continue
        name, sep, _ = hidden.name[1:].rpartition(".old-")
        target = hidden.parent / name
        if sep and target.is_dir() and not (target / MANIFEST).exists() \
                and (hidden / MANIFEST).is_file():
            for path in target.iterdir():  # report.failed.json, report.failed.ipynb
                os.replace(path, hidden / path.name)
            target.rmdir()
        if sep and not target.exists():
            os.rename(hidden, target)
        elif sep or ".tmp-" in hidden.name:
            shutil.rmtree(hidden, ignore_errors=True)


def _first_line(text: str | None) -> str:
    lines = [ln for ln in (text or "").strip().splitlines() if ln.strip()]
    return lines[0][:300] if lines else ""
