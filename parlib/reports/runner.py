"""Build the reports listed in ``reports.yaml``: incremental, parallel, atomic.

For each report the runner computes a key from its notebook, parameters, the
parlib version and the clean data it reads (:mod:`parlib.reports.manifest`).
A report whose folder holds a successful manifest with the same key is
skipped. The others run in parallel threads, each through papermill's own
engine on a warm kernel of its own (:mod:`parlib.reports.kernels`), and are
swapped into place only when everything succeeded (:mod:`parlib.reports.build`).
A failing report keeps its previous good outputs; the other reports go on.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import filelock

from parlib import __version__
from parlib.errors import ConfigError, LockError
from parlib.reports.build import (
    HTML,
    NOTEBOOK,
    REPORT_FILES,
    ReportPlan,
    ReportResult,
    build_report,
    recover_folders,
)
from parlib.reports.config import ReportsConfig, ReportSpec, read_reports_config
from parlib.reports.kernels import KernelPool, choose_kernel_name
from parlib.reports.manifest import (
    FAILURE,
    INPUT_FILES,
    git_commit,
    input_hashes,
    read_manifest,
    relative_posix,
    report_key,
)
from parlib.reports.site import write_site
from parlib.safety import check_output_dir
from parlib.text import printable

__all__ = ["RunSummary", "report_states", "run_reports"]


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
        text = (
            f"{len(self.results)} reports: {len(self.ran)} built, "
            f"{len(self.skipped)} unchanged, {len(self.failed)} failed "
            f"in {self.seconds:.1f} s"
        )
        return text + (f"; index: {self.index}" if self.index else "")


def run_reports(
    config: str | os.PathLike = "reports.yaml",
    *,
    jobs: int | None = None,
    force: bool = False,
    only: str | None = None,
    root: str | os.PathLike = ".",
    progress: bool = True,
) -> RunSummary:
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
        raise LockError(
            "another 'parlib reports' run is writing to this folder",
            file=cfg.output_dir,
            fix="wait for it to finish, or stop it",
        ) from None
    try:
        recover_folders(cfg.output_dir)
        plans = [_plan(cfg, spec, force) for spec in specs]
        results = [ReportResult(p.spec.id, "skipped", p.folder) for p in plans if p.skip]
        todo = [p for p in plans if not p.skip]
        kernel_name = None
        if todo:
            kernel_name = choose_kernel_name()
            results += _run_all(cfg, todo, kernel_name, min(jobs, len(todo)), progress)
        index = write_site(
            cfg.output_dir,
            clean_dir=cfg.clean_dir,
            reports=[f"{s.dataset}/{s.notebook}/{s.slug}" for s in cfg.reports],
        )
    finally:
        lock.release()
    order = {spec.id: i for i, spec in enumerate(specs)}
    results.sort(key=lambda r: order[r.id])
    return RunSummary(results, time.perf_counter() - start, index, kernel_name, jobs)


def report_states(
    config: str | os.PathLike = "reports.yaml", *, root: str | os.PathLike = "."
) -> list[dict[str, Any]]:
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
        out.append(
            {
                "id": spec.id,
                "title": spec.title,
                "state": state,
                "folder": relative_posix(folder, cfg.root),
            }
        )
    return out


def _select(cfg: ReportsConfig, only: str | None) -> list[ReportSpec]:
    specs = list(cfg.reports)
    if not only:
        return specs
    pattern = only if any(ch in only for ch in "*?[") else f"*{only}*"
    chosen = [s for s in specs if fnmatch.fnmatchcase(s.id, pattern)]
    if not chosen:
        raise ConfigError(
            "no report matches --only",
            file=cfg.path,
            value=only,
            fix=f"use part of a report id, e.g. {specs[0].id!r}",
        )
    return chosen


def _check_inputs(cfg: ReportsConfig, specs: list[ReportSpec]) -> None:
    for dataset in sorted({s.dataset for s in specs}):
        folder = cfg.clean_dir / dataset
        missing = [n for n in INPUT_FILES if not (folder / n).is_file()]
        if missing:
            raise ConfigError(
                f"dataset {dataset!r} has no clean data ({', '.join(missing)} missing)",
                file=folder,
                fix=f"run 'parlib clean' first, or remove {dataset!r} from {cfg.path.name}",
            )


@functools.cache
def code_hash() -> str:
    """Return a hash of parlib's own source and data files, so a code change reruns reports."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if (
            path.suffix in (".py", ".csv", ".j2", ".html", ".css")
            and "__pycache__" not in path.parts
        ):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _plan(cfg: ReportsConfig, spec: ReportSpec, force: bool) -> ReportPlan:
    folder = cfg.output_dir / spec.dataset / spec.notebook / spec.slug
    if not folder.resolve().is_relative_to(cfg.output_dir.resolve()):  # slugs are checked too
        raise ConfigError(
            "a report folder would leave the reports folder",
            file=cfg.path,
            value=spec.id,
            fix="use a slug of a-z, 0-9 and '-'",
        )
    check_output_dir(folder, replace=True, known=REPORT_FILES)
    notebook = cfg.notebook_path(spec.notebook)
    parameters = {
        **spec.parameters,
        "dataset": spec.dataset,
        "clean_dir": relative_posix(cfg.clean_dir, folder),
        "output_dir": ".",
    }
    inputs = input_hashes(notebook, cfg.clean_dir / spec.dataset, cfg.root)
    key = report_key(
        notebook_hash=inputs[relative_posix(notebook, cfg.root)],
        parameters=parameters,
        version=f"{__version__}+{code_hash()}",
        inputs=inputs,
    )
    old = read_manifest(folder)
    skip = (
        not force
        and old is not None
        and old.get("status") == "ok"
        and old.get("key") == key
        and (folder / NOTEBOOK).is_file()
        and (folder / HTML).is_file()
        and not (folder / FAILURE).exists()
    )
    return ReportPlan(spec, folder, notebook, parameters, inputs, key, skip)


def _run_all(
    cfg: ReportsConfig, plans: list[ReportPlan], kernel_name: str, jobs: int, progress: bool
) -> list[ReportResult]:
    from tqdm import tqdm

    commit = git_commit(cfg.root)
    results = []
    with (
        KernelPool(
            kernel_name, size=jobs, total=len(plans), cwd=cfg.root, log_dir=cfg.output_dir
        ) as pool,
        ThreadPoolExecutor(jobs, thread_name_prefix="parlib-report") as ex,
        tqdm(
            total=len(plans), file=sys.stderr, disable=not progress, unit="report", desc="reports"
        ) as bar,
    ):
        futures = [ex.submit(build_report, cfg, plan, pool, kernel_name, commit) for plan in plans]
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
