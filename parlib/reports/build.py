"""Build one report: its notebook on a warm kernel, in a folder swapped in only when it all worked.

:func:`build_report` runs a report through papermill's own engine on a kernel of
the pool (:mod:`parlib.reports.kernels`), into a temporary folder next to its
final one (with the kernel's output in ``kernel.log``), writes the HTML and the
manifest, and swaps the folder in. A failing report keeps its previous good
outputs and gets ``report.failed.ipynb``, ``report.failed.json`` and
``kernel.failed.log`` beside them. :func:`recover_folders` undoes what a killed
swap left.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from parlib import __version__
from parlib.reports.config import ReportsConfig, ReportSpec
from parlib.reports.export import export_html
from parlib.reports.kernels import KERNEL_LOG, KernelPool, describe_exit
from parlib.reports.manifest import (
    FAILURE,
    MANIFEST,
    SCHEMA,
    read_manifest,
    relative_posix,
    write_json,
)
from parlib.safety import mark_output, umask_mode

__all__ = ["REPORT_FILES", "ReportPlan", "ReportResult", "build_report", "recover_folders"]

NOTEBOOK, HTML, FAILED_NOTEBOOK = "report.ipynb", "report.html", "report.failed.ipynb"
FAILED_LOG = "kernel.failed.log"
FIGURES_META = "figures.json"
#: What a report folder holds: one of only these, made before parlib marked its folders
#: (parlib.safety.MARKER), is parlib's to replace.
REPORT_FILES = frozenset(
    {
        NOTEBOOK,
        HTML,
        FAILED_NOTEBOOK,
        MANIFEST,
        FAILURE,
        FIGURES_META,
        KERNEL_LOG,
        FAILED_LOG,
        "figures",
    }
)


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
class ReportPlan:
    """One report to build: its spec, folders, injected parameters and the key of its inputs."""

    spec: ReportSpec
    folder: Path
    notebook: Path
    parameters: dict[str, Any]
    inputs: dict[str, str | None]
    key: str
    skip: bool


def build_report(
    cfg: ReportsConfig, plan: ReportPlan, pool: KernelPool, kernel_name: str, commit: str | None
) -> ReportResult:
    """Run one report on a kernel of ``pool`` and swap its folder in, or keep its failure.

    A failure (an error in a cell, a dead kernel, a full disk) is returned in the
    :class:`ReportResult`, never raised, so the other reports go on.
    """
    import nbformat
    import papermill
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    spec, final = plan.spec, plan.folder
    t0 = time.perf_counter()
    started = datetime.now(UTC).isoformat(timespec="seconds")
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
                str(plan.notebook),
                str(tmp / NOTEBOOK),
                parameters=plan.parameters,
                kernel_name=kernel_name,
                km=km,
                progress_bar=False,
                request_save_on_cell_execute=False,
                execution_timeout=cfg.timeout,
            )
        except DeadKernelError as exc:
            raise DeadKernelError(
                f"{exc} ({describe_exit(pool.exit_status(km))}); see {FAILED_LOG}"
            ) from None
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
        write_json(
            tmp / MANIFEST,
            _manifest(cfg, plan, "ok", timings, started, commit, kernel_name, meta, tmp),
        )
        _swap(tmp, final)
        result.status = "ok"
    except PapermillExecutionError as exc:
        result.cell_index, result.exec_count, result.ename = (
            exc.cell_index,
            exc.exec_count,
            exc.ename,
        )
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


def _manifest(
    cfg: ReportsConfig,
    plan: ReportPlan,
    status: str,
    timings: dict[str, float],
    started: str,
    commit: str | None,
    kernel_name: str,
    meta: dict[str, Any],
    folder: Path,
) -> dict[str, Any]:
    spec = plan.spec
    figures = sorted(
        p.relative_to(folder).as_posix() for p in folder.glob("figures/*") if p.is_file()
    )
    return {
        "schema": SCHEMA,
        "id": spec.id,
        "status": status,
        "dataset": spec.dataset,
        "notebook": spec.notebook,
        "slug": spec.slug,
        "title": spec.title or meta.get("title"),
        "parameters": spec.parameters,
        "injected": {k: plan.parameters[k] for k in ("dataset", "clean_dir", "output_dir")},
        "parlib_version": __version__,
        "git_commit": commit,
        "kernel": kernel_name,
        "key": plan.key,
        "inputs": plan.inputs,
        "citation": meta.get("citation"),
        "synthetic": meta.get("synthetic"),
        "figures": figures,
        "figure_details": meta.get("figures", []),
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "started": started,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _fix_paths(nb: Any, cfg: ReportsConfig, plan: ReportPlan, name: str) -> None:
    """Record the notebook paths relative to the project, not the temporary folder."""
    meta = nb.metadata.setdefault("papermill", {})
    meta["input_path"] = relative_posix(plan.notebook, cfg.root)
    meta["output_path"] = relative_posix(plan.folder / name, cfg.root)


def _keep_failure(
    cfg: ReportsConfig,
    plan: ReportPlan,
    tmp: Path,
    result: ReportResult,
    started: str,
    commit: str | None,
    kernel_name: str,
    timings: dict[str, float],
) -> None:
    """Put the failed notebook and what went wrong beside the report's previous outputs."""
    try:
        _write_failure(cfg, plan, tmp, result, started, commit, kernel_name, timings)
    except (OSError, ValueError) as exc:  # keep going: the result still names the failure
        result.error = f"{result.error} (the failed notebook could not be kept: {exc})"


def _write_failure(
    cfg: ReportsConfig,
    plan: ReportPlan,
    tmp: Path,
    result: ReportResult,
    started: str,
    commit: str | None,
    kernel_name: str,
    timings: dict[str, float],
) -> None:
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
    info.update(
        error=result.error,
        cell_index=result.cell_index,
        exec_count=result.exec_count,
        ename=result.ename,
        evalue=result.evalue,
        figures=[],
    )
    write_json(final / FAILURE, info)


def _swap(tmp: Path, final: Path) -> None:
    """Put ``tmp`` in the place of ``final``; the old folder is removed only afterwards.

    If the new folder cannot be renamed in, the old one is renamed back; if even
    that fails, the next run's :func:`recover_folders` puts it back.
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


def recover_folders(output_dir: Path) -> None:
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
        if (
            sep
            and target.is_dir()
            and not (target / MANIFEST).exists()
            and (hidden / MANIFEST).is_file()
        ):
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
