"""Read and check ``dataset.yaml``, the description of one raw dataset.

The keys are documented in ``data/raw/README.md``. Every problem raises
:class:`~parlib.errors.ConfigError` naming the file, the key, the bad value
and the fix. The entries are read in :mod:`~parlib.ingest.config_entries` (sources,
corrections) and :mod:`~parlib.ingest.config_files` (files), with the checks they share
in :mod:`~parlib.ingest.config_checks`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from parlib.errors import ConfigError
from parlib.ingest.config_checks import check_choice, check_keys, optional_text, required_text
from parlib.ingest.config_entries import Correction, Source, read_corrections, read_sources
from parlib.ingest.config_files import FileSpec, read_files
from parlib.limits import load_yaml

__all__ = ["KINDS", "DatasetConfig", "find_datasets", "read_config"]

KINDS = ("official", "compiled", "synthetic")
_DATASET_KEYS = {
    "title",
    "kind",
    "license",
    "sources",
    "files",
    "description",
    "notes",
    "keywords",
    "homepage",
    "version",
    "released",
    "contributors",
    "generator",
    "corrections",
}
_REQUIRED_DATASET_KEYS = ("title", "kind", "license", "sources", "files")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class DatasetConfig:
    """The parsed ``dataset.yaml`` of one dataset folder."""

    name: str
    folder: Path
    title: str
    kind: str
    license: str
    sources: tuple[Source, ...]
    files: tuple[FileSpec, ...]
    description: str | None = None
    version: str | None = None
    released: str | None = None
    corrections: tuple[Correction, ...] = ()

    @property
    def synthetic(self) -> bool:
        """Whether the dataset's figures are generated, not published."""
        return self.kind == "synthetic"

    def source(self, source_id: str) -> Source:
        """Return the source with id ``source_id``."""
        for src in self.sources:
            if src.id == source_id:
                return src
        raise KeyError(source_id)


def find_datasets(raw_dir: str | Path) -> list[Path]:
    """Return the dataset folders (those holding a ``dataset.yaml``) under ``raw_dir``."""
    raw = Path(raw_dir)
    if not raw.is_dir():
        raise ConfigError(
            "the raw data folder does not exist",
            file=raw,
            fix="create it, or pass --raw with the folder holding the datasets",
        )
    return sorted(p.parent for p in raw.glob("*/dataset.yaml"))


def read_config(folder: str | Path) -> DatasetConfig:
    """Read and check ``<folder>/dataset.yaml``.

    Parameters
    ----------
    folder
        A dataset folder, e.g. ``data/raw/vn-published``.

    Returns
    -------
    DatasetConfig

    Raises
    ------
    ConfigError
        When the file is missing, is not YAML, lacks a required key, has an
        unknown key, names a source or file that does not exist, or has a bad value.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "demo"
    >>> d.mkdir()
    >>> _ = (d / "t.csv").write_text("Đơn vị,Điểm\\nSở Nội vụ,\\"90,1\\"\\n", encoding="utf-8")
    >>> _ = (d / "dataset.yaml").write_text('''
    ... title: Demo
    ... kind: compiled
    ... license: CC-BY-4.0
    ... sources: [{id: s1, title: Báo cáo, publisher: UBND tỉnh, date: 2024-01-02}]
    ... files: [{path: t.csv, source: s1, index: PAR, year: 2023, province: Bến Tre}]
    ... ''', encoding="utf-8")
    >>> cfg = read_config(d)
    >>> cfg.name, cfg.files[0].year, cfg.sources[0].date
    ('demo', 2023, '2024-01-02')
    """
    folder = Path(folder)
    path = folder / "dataset.yaml"
    shown = _shown(path)
    if not path.is_file():
        raise ConfigError(
            "dataset.yaml is missing",
            file=shown,
            fix="add a dataset.yaml as described in data/raw/README.md",
        )
    data = load_yaml(path, shown=shown, name="dataset.yaml")
    if not isinstance(data, dict):
        raise ConfigError(
            "dataset.yaml must be a mapping of keys to values",
            file=shown,
            value=data,
            fix="start it with 'title:', 'kind:', 'sources:' and 'files:'",
        )
    try:
        return _build(folder, data, shown)
    except ConfigError as exc:
        if exc.row is not None or exc.column is None:
            raise
        lines = _key_lines(path.read_text(encoding="utf-8"))
        parent = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", exc.column)  # a missing key: its entry
        line = lines.get(exc.column) or lines.get(parent)
        value = {"value": exc.value} if exc.has_value else {}
        raise ConfigError(
            exc.problem, file=exc.file, row=line, column=exc.column, fix=exc.fix, **value
        ) from None


def _build(folder: Path, data: dict, shown: str) -> DatasetConfig:
    name = folder.name
    if not _SLUG.match(name):
        raise ConfigError(
            "the dataset folder name is not a slug",
            file=shown,
            value=name,
            fix="rename the folder with lowercase letters, digits and dashes only",
        )
    check_keys(data, _DATASET_KEYS, _REQUIRED_DATASET_KEYS, shown, where="")
    kind = check_choice(data["kind"], KINDS, shown, "kind")
    sources = read_sources(data["sources"], shown)
    files = read_files(data["files"], folder, {s.id for s in sources}, shown)
    corrections = read_corrections(
        data.get("corrections") or [], files, {s.id for s in sources}, shown
    )
    return DatasetConfig(
        name=name,
        folder=folder,
        title=required_text(data["title"], shown, "title"),
        kind=kind,
        license=required_text(data["license"], shown, "license"),
        sources=sources,
        files=files,
        description=optional_text(data.get("description")),
        version=optional_text(data.get("version")),
        released=_release_date(data.get("released"), shown),
        corrections=corrections,
    )


def _release_date(value: Any, shown: str) -> str | None:
    """The ``released`` date of the dataset as YYYY-MM-DD text (YAML may read it as a date)."""
    if value is None:
        return None
    text = value.isoformat()[:10] if hasattr(value, "isoformat") else str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ConfigError(
            "the release date is not a date",
            file=shown,
            column="released",
            value=value,
            fix="write it as YYYY-MM-DD, e.g. released: 2026-12-07",
        )
    return text


def _key_lines(text: str) -> dict[str, int]:
    """Map each key path ("files[0].year") to the 1-based line where it stands."""
    lines: dict[str, int] = {}

    def walk(node, prefix: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                path = f"{prefix}.{key.value}" if prefix else str(key.value)
                lines[path] = key.start_mark.line + 1
                walk(value, path)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                path = f"{prefix}[{i}]"
                lines[path] = item.start_mark.line + 1
                walk(item, path)

    try:
        walk(yaml.compose(text), "")
    except yaml.YAMLError:
        pass
    return lines


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
