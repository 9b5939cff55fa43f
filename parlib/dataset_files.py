"""Read the files of one dataset into long rows, with the dataset's corrections applied.

:func:`read_file_rows` reads one file entry of ``dataset.yaml``, sets the cells
its ``corrections:`` correct (in memory: the raw file is never changed),
recognises and melts its columns and fills the entry's defaults;
:func:`mark_corrections` then records on the clean rows what was published.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from parlib.clean.defaults import fill_defaults
from parlib.errors import ConfigError, ParlibError
from parlib.ingest.columns import recognize_columns, unrecognized_columns
from parlib.ingest.config import DatasetConfig
from parlib.ingest.config_entries import Correction
from parlib.ingest.config_files import FileSpec
from parlib.ingest.melt import melt_aggregates, melt_table
from parlib.ingest.read import read_raw
from parlib.memory import release_memory
from parlib.reference import component_lookup

__all__ = ["apply_corrections", "mark_corrections", "raw_file_label", "read_file_rows"]


def apply_corrections(table: Any, corrections: Iterable[Correction], *, display: str) -> None:
    """Set each corrected cell of the raw ``table`` read in memory (the file is never changed).

    Raises
    ------
    ConfigError
        When a correction names a row or column the table does not have, or when
        the cell no longer holds the value as published (the raw file changed
        under the correction).
    """
    frame = table.frame
    rows = np.asarray(table.rows)
    for fix in corrections:
        where = np.flatnonzero(rows == fix.row)
        if fix.column not in frame.columns or not len(where):
            raise ConfigError(
                "a correction names a cell the raw file does not have",
                file=display,
                row=fix.row,
                column=fix.column,
                value=fix.published,
                fix=f"check 'corrections:' in dataset.yaml; the columns are {list(frame.columns)}",
            )
        cell = frame[fix.column].iloc[where[0]]
        text = "" if cell is None or (not isinstance(cell, str) and pd.isna(cell)) else str(cell)
        if text != fix.published:
            raise ConfigError(
                "the raw cell no longer holds the value the correction was "
                "written for: the raw file changed under it",
                file=display,
                row=fix.row,
                column=fix.column,
                value=text,
                fix=f"check the cell against its source, then update the "
                f"correction's 'published:' (it says {fix.published!r}) "
                "or remove the correction",
            )
        column = frame[fix.column].astype(object)
        column.iloc[where[0]] = fix.corrected
        frame[fix.column] = (
            column.astype("category")
            if isinstance(frame[fix.column].dtype, pd.CategoricalDtype)
            else column
        )


def mark_corrections(scores: pd.DataFrame, corrections: Iterable[Correction]) -> pd.DataFrame:
    """Add ``corrected``, ``published_value`` and ``correction_source`` to the clean rows.

    A row is corrected when it comes from a corrected raw cell: the value as
    published ("national-2019.csv row 13, Điểm: 88,2%"; "; "-joined when several
    cells were corrected) and the evidence's source id(s) are kept beside the
    corrected figure.
    """
    n = len(scores)
    out = scores.assign(
        corrected=np.zeros(n, dtype=bool),
        published_value=pd.array([pd.NA] * n, dtype="string"),
        correction_source=pd.array([pd.NA] * n, dtype="string"),
    )
    fixes = list(corrections)
    if not fixes or not n:
        return out
    files = out["raw_file"].astype(object).to_numpy()
    rows = out["raw_row"].to_numpy()
    for fix in fixes:
        hit = (files == fix.file) & (rows == fix.row)
        if not hit.any():
            continue
        published = f"{fix.file} row {fix.row}, {fix.column}: {fix.published or '(empty)'}"
        old = out.loc[hit, "published_value"]
        out.loc[hit, "published_value"] = old.where(old.isna(), old + "; " + published).fillna(
            published
        )
        src = out.loc[hit, "correction_source"]
        out.loc[hit, "correction_source"] = src.where(
            src.isna() | src.str.contains(fix.source, regex=False), src + ";" + fix.source
        ).fillna(fix.source)
        out.loc[hit, "corrected"] = True
    return out


def read_file_rows(config: DatasetConfig, spec: FileSpec, *, dropped: list[dict] | None = None):
    """Read one file of a dataset and return ``(table, long)`` with defaults filled.

    The dataset's corrections of this file are applied to the cells read, before
    anything else sees them. ``dropped`` (a list) receives one warning record per
    column left out (see :func:`parlib.ingest.columns.unrecognized_columns`); without it
    they are Python warnings.
    """
    table = read_raw(
        spec.path,
        sheet=spec.sheet,
        header_row=spec.header_row,
        encoding=spec.encoding,
        delimiter=spec.delimiter,
        display_path=_display(config, spec),
        categorical=spec.table == "scores",
    )
    fixes = [c for c in config.corrections if c.file == spec.name]
    if fixes:
        apply_corrections(table, fixes, display=_display(config, spec))
    release_memory()  # the parser's blocks, before melting needs memory
    try:
        roles = recognize_columns(
            table,
            component_lookup=component_lookup(),
            index=spec.index,
            kind=spec.table,
            warn=dropped is None,
        )
        if dropped is not None:
            dropped.extend(
                dict(record, raw_file=raw_file_label(spec), dataset=config.name)
                for record in unrecognized_columns(
                    table, roles, component_lookup=component_lookup()
                )
            )
        if spec.table == "aggregates":
            long = melt_aggregates(table, roles)
        else:
            long = melt_table(table, roles, index=spec.index)
    except ParlibError as exc:
        if exc.file is None:
            raise type(exc)(
                exc.problem,
                file=_display(config, spec),
                row=exc.row,
                column=exc.column,
                value=exc.value,
                fix=exc.fix,
            ) from None
        raise
    defaults: dict[str, object] = {
        "index": spec.index,
        "year": spec.year,
        "province": spec.province,
        "level": spec.level,
        "component": spec.component,
    }
    if spec.table == "scores":
        defaults["max_points"] = spec.max_points
        defaults["n_units"] = spec.n_units
    long = fill_defaults(long, **defaults) if spec.table == "scores" else _fill_agg(long, defaults)
    return table, long


def raw_file_label(spec: FileSpec) -> str:
    """Return the ``raw_file`` of a file entry: its path, with ``#sheet`` when it names one.

    Examples
    --------
    >>> from pathlib import Path
    >>> raw_file_label(FileSpec(path=Path("a.xlsx"), name="a.xlsx", source="s", sheet="Năm 2021"))
    'a.xlsx#Năm 2021'
    """
    return spec.name if spec.sheet is None else f"{spec.name}#{spec.sheet}"


def _fill_agg(long: pd.DataFrame, defaults: dict) -> pd.DataFrame:
    out = long.copy()
    for key, value in defaults.items():
        if value is None or key not in out.columns:
            if key not in out.columns:
                out[key] = None if value is None else str(value)
            continue
        col = out[key].astype(object)
        blank = col.isna() | (col.astype(str).str.strip() == "")
        out[key] = col.where(~blank, str(value))
    return out


def _display(config: DatasetConfig, spec: FileSpec) -> str:
    try:
        return str(spec.path.relative_to(Path.cwd()))
    except ValueError:
        return f"{config.folder}/{spec.name}"
