"""Load the clean data into pandas with proper dtypes, for notebooks."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from parlib.errors import ParlibError
from parlib.settings import get_settings
from parlib.text import unprotect_formula

__all__ = [
    "BOUNDARIES",
    "PROJECT_MARKERS",
    "clean_datasets",
    "default_clean_dir",
    "find_project_root",
    "load_aggregates",
    "load_disputed",
    "load_quarantine",
    "load_report",
    "load_scores",
    "load_sources",
]

_CATEGORIES = ["dataset", "dataset_kind", "boundaries", "level", "index", "component"]
_STRINGS = [
    "province_code",
    "province",
    "province_code_2025",
    "province_2025",
    "unit",
    "unit_type",
    "derivation",
    "missing_marker",
    "note",
    "source_id",
    "raw_file",
    "raw_column",
]
_INTS = ["year", "rank", "n_units", "raw_row"]
#: The files that mark a project's root folder.
PROJECT_MARKERS = ("pyproject.toml", "reports.yaml")


def default_clean_dir() -> Path:
    """Return ``$PARLIB_CLEAN_DIR`` or ``data/clean`` of the project holding the working folder."""
    configured = get_settings().clean_dir
    if configured is not None:
        return configured
    root = find_project_root()
    if root is not None and (root / "data" / "clean").is_dir():
        return root / "data" / "clean"
    return Path("data/clean")


def find_project_root(start: str | os.PathLike | None = None) -> Path | None:
    """Return the project root: the nearest folder at or above ``start`` with a marker file.

    The markers are ``pyproject.toml`` and ``reports.yaml``; ``start`` defaults
    to the working folder. None when no folder above it is a project.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp()).resolve()
    >>> _ = (root / "reports.yaml").write_text("")
    >>> (root / "notebooks").mkdir()
    >>> find_project_root(root / "notebooks") == root
    True
    """
    here = Path(start if start is not None else Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if any((folder / marker).is_file() for marker in PROJECT_MARKERS):
            return folder
    return None


def clean_datasets(clean_dir: str | Path | None = None) -> list[str]:
    """Return the names of the datasets cleaned under ``clean_dir``."""
    root = Path(clean_dir) if clean_dir is not None else default_clean_dir()
    return sorted(p.parent.name for p in root.glob("*/scores.parquet"))


BOUNDARIES = ("legacy", "2025", "all")


def load_scores(
    dataset: str | list[str] | None = None,
    clean_dir: str | Path | None = None,
    *,
    boundaries: str = "legacy",
) -> pd.DataFrame:
    """Return the clean scores of one, several or all datasets, in one boundary system.

    A figure published for the 63 provinces (``boundaries == "legacy"``) and
    one published for the 34 provinces of 1 July 2025 (``"2025"``) belong to
    different rankings: the same province and year can appear in both, so
    only one system is returned unless ``boundaries="all"``.

    Parameters
    ----------
    dataset
        A dataset name, a list of them, or None for every cleaned dataset
        (real and synthetic datasets then sit side by side: filter on
        ``synthetic`` before comparing them).
    clean_dir
        Where ``parlib clean`` wrote its outputs; default ``data/clean`` of the project.
    boundaries
        ``"legacy"`` (default): rows in the provinces as published until
        30 June 2025; ``"2025"``: rows published in the 34 provinces of
        1 July 2025 (:func:`parlib.group_to_2025` regroups legacy rows into
        them); ``"all"``: both, told apart by the ``boundaries`` column.

    Returns
    -------
    DataFrame
        One row per figure; nullable integers for year, rank and n_units,
        categoricals for dataset, level, index and component;
        ``province_en`` and ``province_2025_en`` give the provinces' English
        names.

    Raises
    ------
    ParlibError
        When the dataset has not been cleaned yet, or ``boundaries`` is not
        one of "legacy", "2025", "all".

    Examples
    --------
    >>> scores = load_scores("demo-synthetic")  # doctest: +SKIP
    >>> scores.pivot_table(index="province_en", columns="year", values="score")  # doctest: +SKIP
    """
    boundaries = str(boundaries)
    if boundaries not in BOUNDARIES:
        raise ParlibError(
            "unknown boundaries",
            column="boundaries",
            value=boundaries,
            fix=f"use one of {list(BOUNDARIES)}",
        )
    root = Path(clean_dir) if clean_dir is not None else default_clean_dir()
    names = _names(dataset, root)
    frames = []
    for name in names:
        path = root / name / "scores.parquet"
        if not path.is_file():
            raise ParlibError(
                "the dataset has not been cleaned",
                file=path,
                value=name,
                fix=f"run `parlib clean --dataset {name}` (or `make reports`); "
                f"cleaned datasets: {clean_datasets(root)}",
            )
        frames.append(pd.read_parquet(path))
    scores = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if boundaries != "all" and "boundaries" in scores:
        era = scores["boundaries"].astype("string")
        keep = era.eq("2025") if boundaries == "2025" else era.ne("2025")
        scores = scores.loc[keep.fillna(boundaries == "legacy").to_numpy(dtype=bool)]
        scores = scores.reset_index(drop=True)
        if boundaries == "2025" and scores.empty:
            warnings.warn(
                f"{names} has no figures published in 2025 boundaries; "
                "parlib.group_to_2025(parlib.load_scores(...)) groups the legacy "
                "provinces' figures into the 34 provinces of 2025.",
                stacklevel=2,
            )
    return _english_names(_typed(scores))


def load_sources(
    dataset: str | list[str] | None = None, clean_dir: str | Path | None = None
) -> pd.DataFrame:
    """Return the sources (documents) of one, several or all datasets."""
    return _read_csv("sources.csv", dataset, clean_dir)


def load_quarantine(
    dataset: str | list[str] | None = None, clean_dir: str | Path | None = None
) -> pd.DataFrame:
    """Return the quarantined rows, with the reason each was set aside."""
    return _read_csv("quarantine.csv", dataset, clean_dir)


def load_aggregates(
    dataset: str | list[str] | None = None, clean_dir: str | Path | None = None
) -> pd.DataFrame:
    """Return the published aggregates with the result of their checks."""
    return _read_csv("aggregates.csv", dataset, clean_dir, optional=True)


def load_disputed(
    dataset: str | list[str] | None = None, clean_dir: str | Path | None = None
) -> pd.DataFrame:
    """Return the figures whose published versions disagree: every version, with its source.

    Empty when the dataset has none (or was cleaned before disputes were kept).
    """
    return _read_csv("disputed.csv", dataset, clean_dir, optional=True)


def load_report(dataset: str, clean_dir: str | Path | None = None) -> dict[str, Any]:
    """Return the cleaning report (``report.json``) of one dataset."""
    root = Path(clean_dir) if clean_dir is not None else default_clean_dir()
    path = root / dataset / "report.json"
    if not path.is_file():
        raise ParlibError(
            "no cleaning report",
            file=path,
            value=dataset,
            fix=f"run `parlib clean --dataset {dataset}`",
        )
    return json.loads(path.read_text(encoding="utf-8"))


def _names(dataset, root: Path) -> list[str]:
    if dataset is None:
        names = clean_datasets(root)
        if not names:
            raise ParlibError(
                "no cleaned dataset", file=root, fix="run `parlib clean` (or `make reports`) first"
            )
        return names
    return [dataset] if isinstance(dataset, str) else list(dataset)


def _read_csv(name: str, dataset, clean_dir, *, optional: bool = False) -> pd.DataFrame:
    root = Path(clean_dir) if clean_dir is not None else default_clean_dir()
    frames = []
    for ds in _names(dataset, root):
        path = root / ds / name
        if not path.is_file():
            if optional:
                continue
            raise ParlibError(
                "the dataset has not been cleaned",
                file=path,
                value=ds,
                fix=f"run `parlib clean --dataset {ds}`",
            )
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        if len(frame):  # the text as it was, before the CSV protected formulas
            frame = frame.apply(lambda col: col.map(unprotect_formula, na_action="ignore"))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _english_names(scores: pd.DataFrame) -> pd.DataFrame:
    """Add ``province_en`` and ``province_2025_en`` after the Vietnamese names, by code and era."""
    from parlib.reference import provinces

    out = scores
    english = {
        era: dict(zip(table["code"], table["name_en"]))
        for era in ("legacy", "2025")
        for table in [provinces(era)]
    }
    if "province_code" in out and "province_en" not in out:
        era = (
            out["boundaries"].astype("string").fillna("legacy")
            if "boundaries" in out
            else pd.Series("legacy", index=out.index, dtype="string")
        )
        codes = out["province_code"].astype("string")
        names = codes.map(english["legacy"]).where(era.ne("2025"), codes.map(english["2025"]))
        out = _insert_after(out, "province", "province_en", names.astype("string"))
    if "province_code_2025" in out and "province_2025_en" not in out:
        names = out["province_code_2025"].astype("string").map(english["2025"])
        out = _insert_after(out, "province_2025", "province_2025_en", names.astype("string"))
    return out


def _insert_after(frame: pd.DataFrame, after: str, name: str, values: pd.Series) -> pd.DataFrame:
    out = frame.copy()
    position = list(out.columns).index(after) + 1 if after in out else len(out.columns)
    out.insert(position, name, values)
    return out


def _typed(scores: pd.DataFrame) -> pd.DataFrame:
    out = scores.copy()
    for col in _INTS:
        if col in out:
            out[col] = pd.to_numeric(out[col], errors="coerce").astype("Int64")
    for col in ("score", "scale_max", "points", "max_points"):
        if col in out:
            out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
    for col in ("synthetic", "tied", "derived"):
        if col in out:
            out[col] = out[col].fillna(False).astype(bool)
    for col in _STRINGS:
        if col in out:
            out[col] = out[col].astype("string")
    for col in _CATEGORIES:
        if col in out:
            out[col] = out[col].astype("category")
    return out
