"""Read and check ``reports.yaml``, the list of reports ``parlib reports`` builds.

The file names, per dataset, the notebooks to run and their parameters::

    clean_dir: data/clean         # optional, relative to the file's folder
    output_dir: reports           # optional
    notebooks_dir: notebooks      # optional
    timeout: 600                  # optional, seconds per cell
    defaults: {lang: vi}          # optional, parameters of every report
    datasets:
      demo-synthetic:
        defaults: {index: PAR}    # optional, parameters of this dataset's reports
        reports:
          - notebook: trend       # notebooks/trend.ipynb
            slug: ha-noi          # optional; from title or parameters when absent
            title: Hà Nội 2018–2024   # optional
            parameters: {provinces: [Hà Nội], level: province}

Every problem raises :class:`~parlib.errors.ConfigError` (a malformed file) or
:class:`~parlib.errors.ParameterError` (a parameter its notebook does not
have, or a value of the wrong type), naming the file, the key, the value and
the fix, before any notebook runs.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parlib.errors import ConfigError
from parlib.limits import load_yaml
from parlib.reports.notebook_params import check_report_parameters, notebook_parameters
from parlib.text import match_key

__all__ = [
    "INJECTED_PARAMETERS",
    "ReportSpec",
    "ReportsConfig",
    "read_reports_config",
    "slugify_report",
]

#: Parameters the runner sets itself; reports.yaml must not set them.
INJECTED_PARAMETERS = ("dataset", "clean_dir", "output_dir")
_TOP_KEYS = {"clean_dir", "output_dir", "notebooks_dir", "timeout", "defaults", "datasets"}
_DATASET_KEYS = {"defaults", "reports"}
_REPORT_KEYS = {"notebook", "slug", "title", "parameters"}
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_DATASET = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_NOTEBOOK = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_MAX_SLUG = 80


@dataclass(frozen=True)
class ReportSpec:
    """One report: a notebook run with one set of parameters on one dataset."""

    dataset: str
    notebook: str
    slug: str
    parameters: dict[str, Any]
    title: str | None = None
    where: str = ""

    @property
    def id(self) -> str:
        """Return ``<dataset>/<notebook>/<slug>``, the report's folder under the output dir."""
        return f"{self.dataset}/{self.notebook}/{self.slug}"


@dataclass(frozen=True)
class ReportsConfig:
    """The parsed ``reports.yaml``, with its paths made absolute."""

    path: Path
    root: Path
    clean_dir: Path
    output_dir: Path
    notebooks_dir: Path
    timeout: int | None
    reports: tuple[ReportSpec, ...] = field(default_factory=tuple)

    def notebook_path(self, notebook: str) -> Path:
        """Return the path of the notebook named ``notebook``."""
        return self.notebooks_dir / f"{notebook}.ipynb"


def slugify_report(text: object) -> str:
    """Return ``text`` as a folder-safe slug: ASCII ``a-z0-9`` words joined by dashes.

    Examples
    --------
    >>> slugify_report("Bến Tre: sở, ngành 2023")
    'ben-tre-so-nganh-2023'
    >>> slugify_report("../../etc/passwd")
    'etc-passwd'
    """
    key = match_key(str(text)) or ""
    slug = re.sub(r"[^a-z0-9]+", "-", key).strip("-")
    if len(slug) > _MAX_SLUG:
        digest = hashlib.sha256(slug.encode()).hexdigest()[:8]
        slug = slug[: _MAX_SLUG - 9].rstrip("-") + "-" + digest
    return slug


def read_reports_config(
    path: str | os.PathLike[str] = "reports.yaml", *, root: str | os.PathLike[str] | None = None
) -> ReportsConfig:
    """Read and check ``reports.yaml`` and the parameters it gives each notebook.

    Parameters
    ----------
    path
        The file; relative paths are taken from ``root``.
    root
        The project folder; default the folder of ``path``.

    Returns
    -------
    ReportsConfig

    Raises
    ------
    ConfigError
        When the file is missing or malformed, names an unknown key, a missing
        notebook or a bad slug, or two reports share a folder.
    ParameterError
        When a report sets a parameter its notebook does not have, or a value of
        another type than the notebook's default.

    Examples
    --------
    >>> import tempfile, pathlib, nbformat
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "notebooks").mkdir()
    >>> nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3",
    ...     "display_name": "Python 3", "language": "python"}})
    >>> nb.cells = [nbformat.v4.new_code_cell("dataset = 'x'\\nlang = 'vi'",
    ...                                       metadata={"tags": ["parameters"]})]
    >>> nbformat.write(nb, d / "notebooks" / "trend.ipynb")
    >>> _ = (d / "reports.yaml").write_text(
    ...     "datasets:\\n  demo:\\n    reports:\\n      - {notebook: trend, parameters: {lang: en}}\\n")
    >>> cfg = read_reports_config(d / "reports.yaml")
    >>> [r.id for r in cfg.reports]
    ['demo/trend/en']
    """
    base = Path(root) if root is not None else None
    file = Path(path)
    if not file.is_absolute() and base is not None:
        file = base / file
    file = file.resolve()
    shown = str(path)
    if not file.is_file():
        raise ConfigError(
            "the reports configuration does not exist",
            file=shown,
            fix="create reports.yaml at the project root or pass --config",
        )
    base = (base or file.parent).resolve()
    data = load_yaml(file, shown=shown, name="the reports configuration")
    if not isinstance(data, dict):
        raise ConfigError(
            "the file must be a mapping with a 'datasets:' key",
            file=shown,
            value=data,
            fix="start it with 'datasets:'",
        )
    _check_keys(data, _TOP_KEYS, shown, "")
    folder = file.parent
    cfg_paths = {
        key: _folder(data, key, default, folder, shown)
        for key, default in (
            ("clean_dir", "data/clean"),
            ("output_dir", "reports"),
            ("notebooks_dir", "notebooks"),
        )
    }
    timeout = data.get("timeout")
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0
    ):
        raise ConfigError(
            "'timeout' must be a positive number of seconds",
            file=shown,
            column="timeout",
            value=timeout,
            fix="write e.g. 'timeout: 600'",
        )
    top_defaults = _mapping(data.get("defaults"), shown, "defaults")
    datasets = data.get("datasets")
    if not isinstance(datasets, dict) or not datasets:
        raise ConfigError(
            "'datasets' must map dataset names to their reports",
            file=shown,
            column="datasets",
            value=datasets,
            fix="write 'datasets:' then '  <dataset>:' then '    reports: [...]'",
        )
    known: dict[str, dict[str, Any]] = {}
    specs: list[ReportSpec] = []
    for dataset, entry in datasets.items():
        where = f"datasets.{dataset}"
        if not isinstance(dataset, str) or not _DATASET.match(dataset):
            raise ConfigError(
                "a dataset name must be a slug (a-z, 0-9, -)",
                file=shown,
                column=where,
                value=dataset,
                fix="use the folder name under data/clean/",
            )
        if not isinstance(entry, dict):
            raise ConfigError(
                "a dataset entry must be a mapping with 'reports:'",
                file=shown,
                column=where,
                value=entry,
                fix="write 'reports:' under it",
            )
        _check_keys(entry, _DATASET_KEYS, shown, where + ".")
        defaults = {**top_defaults, **_mapping(entry.get("defaults"), shown, where + ".defaults")}
        reports = entry.get("reports")
        if not isinstance(reports, list) or not reports:
            raise ConfigError(
                "'reports' must be a non-empty list",
                file=shown,
                column=where + ".reports",
                value=reports,
                fix="list one '- notebook: ...' entry per report",
            )
        for i, report in enumerate(reports):
            specs.append(
                _read_report(
                    report,
                    dataset,
                    defaults,
                    cfg_paths["notebooks_dir"],
                    known,
                    shown,
                    f"{where}.reports[{i}]",
                )
            )
    _check_unique(specs, shown)
    return ReportsConfig(path=file, root=base, timeout=timeout, reports=tuple(specs), **cfg_paths)


def _read_report(
    report: Any,
    dataset: str,
    defaults: dict[str, Any],
    notebooks_dir: Path,
    known: dict[str, dict[str, Any]],
    shown: str,
    where: str,
) -> ReportSpec:
    if not isinstance(report, dict):
        raise ConfigError(
            "a report must be a mapping with 'notebook:'",
            file=shown,
            column=where,
            value=report,
            fix="write '- notebook: trend'",
        )
    _check_keys(report, _REPORT_KEYS, shown, where + ".")
    notebook = report.get("notebook")
    if not isinstance(notebook, str) or not _NOTEBOOK.match(notebook):
        raise ConfigError(
            "'notebook' must name a notebook in the notebooks folder",
            file=shown,
            column=where + ".notebook",
            value=notebook,
            fix="write its file name without .ipynb, e.g. 'trend'",
        )
    nb_path = notebooks_dir / f"{notebook}.ipynb"
    if notebook not in known:
        if not nb_path.is_file():
            present = sorted(p.stem for p in notebooks_dir.glob("*.ipynb"))
            raise ConfigError(
                "the notebook does not exist",
                file=shown,
                column=where + ".notebook",
                value=notebook,
                fix=f"use one of {present} (files in {notebooks_dir})",
            )
        known[notebook] = notebook_parameters(nb_path)
    params = {**defaults, **_mapping(report.get("parameters"), shown, where + ".parameters")}
    for name in INJECTED_PARAMETERS:
        if name in params and not (name == "dataset" and params[name] == dataset):
            raise ConfigError(
                f"the parameter {name!r} is set by the runner",
                file=shown,
                column=f"{where}.parameters.{name}",
                value=params[name],
                fix="remove it (the dataset comes from the key under 'datasets:')",
            )
    params.pop("dataset", None)
    check_report_parameters(params, known[notebook], nb_path, shown, where + ".parameters")
    title = report.get("title")
    if title is not None and not isinstance(title, str):
        raise ConfigError(
            "'title' must be text", file=shown, column=where + ".title", value=title, fix="quote it"
        )
    slug = report.get("slug")
    if slug is None:
        slug = slugify_report(title) if title else _slug_from(params)
    elif not isinstance(slug, str) or not _SLUG.match(slug) or len(slug) > _MAX_SLUG:
        raise ConfigError(
            "a slug must be ASCII words a-z, 0-9 joined by '-'",
            file=shown,
            column=where + ".slug",
            value=slug,
            fix=f"write e.g. {slugify_report(slug) or 'my-report'!r}",
        )
    return ReportSpec(
        dataset=dataset, notebook=notebook, slug=slug, parameters=params, title=title, where=where
    )


def _slug_from(params: dict[str, Any]) -> str:
    parts = []
    for key in sorted(params):
        value = params[key]
        if isinstance(value, (list, tuple)):
            value = "-".join(str(v) for v in value) or "all"
        parts.append(str(value))
    return slugify_report("-".join(parts)) or "default"


def _check_unique(specs: list[ReportSpec], shown: str) -> None:
    seen: dict[str, ReportSpec] = {}
    for spec in specs:
        if spec.id in seen:
            raise ConfigError(
                f"two reports would write to the same folder {spec.id!r}",
                file=shown,
                column=spec.where,
                value=spec.slug,
                fix=f"give one of them (also {seen[spec.id].where}) its own 'slug:' or 'title:'",
            )
        seen[spec.id] = spec


def _check_keys(entry: dict, allowed: set[str], shown: str, where: str) -> None:
    for key in entry:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            hint = (
                f"did you mean {close[0]!r}?" if close else f"the known keys are {sorted(allowed)}"
            )
            raise ConfigError(
                f"unknown key {where}{key}", file=shown, column=f"{where}{key}", value=key, fix=hint
            )


def _mapping(value: Any, shown: str, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise ConfigError(
            f"'{where}' must map parameter names to values",
            file=shown,
            column=where,
            value=value,
            fix="write 'name: value' lines under it",
        )
    return dict(value)


def _folder(data: dict, key: str, default: str, base: Path, shown: str) -> Path:
    value = data.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(
            f"'{key}' must be a folder path",
            file=shown,
            column=key,
            value=value,
            fix=f"write e.g. '{key}: {default}'",
        )
    return (base / value).resolve()
