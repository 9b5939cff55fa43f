"""Clean whole datasets: raw folder in, ``data/clean/<dataset>/`` out.

:func:`clean_dataset` runs every step on one dataset folder and returns the
tables in memory; :func:`clean_all` does it for every dataset under
``data/raw`` and writes the outputs atomically under a lock.
"""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from parlib import __version__
from parlib.clean.aggregates import AGGREGATE_COLUMNS, check_aggregates, clean_aggregates
from parlib.clean.columns import concat_rows, stack_blocks
from parlib.clean.quarantine import QUARANTINE_COLUMNS
from parlib.clean.rows import SCORE_COLUMNS, clean_scores, fill_defaults
from parlib.ingest.config import DatasetConfig, find_datasets, read_config
from parlib.ingest.config_entries import Correction, FileSpec
from parlib.clean.consistency import WARNING_COLUMNS, check_rankings
from parlib.errors import ConfigError, ParlibError
from parlib.ingest.columns import recognize_columns, unrecognized_columns
from parlib.ingest.melt import melt_aggregates, melt_table
from parlib.memory import release_memory
from parlib.publish.datapackage import datapackage
from parlib.publish.outputs import dataset_lock, records, write_dataset
from parlib.publish.xlsx import XLSX_MAX_ROWS, xlsx_bytes
from parlib.ingest.read import read_raw
from parlib.reference import component_lookup, unit_type_aliases, unit_types
from parlib.safety import check_output_dir
from parlib.clean.totals import derive_totals
from parlib.clean.validate import KEY, validate_scores

__all__ = ["CleanResult", "apply_corrections", "clean_dataset", "clean_all",
           "disputed_rows", "mark_corrections", "read_file_rows"]

SOURCE_COLUMNS = ["dataset", "source_id", "title", "publisher", "date", "url", "document",
                  "accessed", "notes"]
CORRECTION_COLUMNS = ["dataset", "raw_file", "raw_row", "column", "published", "corrected",
                      "reason", "source_id"]


@dataclass
class CleanResult:
    """Everything the clean step produced for one dataset."""

    config: DatasetConfig
    scores: pd.DataFrame
    quarantine: pd.DataFrame
    aggregates: pd.DataFrame
    sources: pd.DataFrame
    warnings: pd.DataFrame
    files: list[dict[str, Any]] = field(default_factory=list)
    disputed: pd.DataFrame = field(default_factory=pd.DataFrame)
    corrections: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=CORRECTION_COLUMNS))
    _report: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)
    _document: dict[str, Any] | None = field(default=None, init=False, repr=False,
                                             compare=False)

    def report(self, *, frame: bool = False) -> dict[str, Any]:
        """Return the machine-readable cleaning report (computed once).

        Its ``warnings`` are a list of dicts, or with ``frame`` the DataFrame
        they come from (quicker when there are tens of thousands).
        """
        if self._document is None:
            self._document = self._make_report()
        if frame:
            return self._document
        if self._report is None:
            self._report = dict(self._document)
            self._report["warnings"] = records(self.warnings)
        return self._report

    def _make_report(self) -> dict[str, Any]:
        q = self.quarantine
        unknown = self.scores.loc[self.scores["unit_type"].isna()
                                  & self.scores["level"].isin(["department"]),
                                  ["unit", "raw_file"]].drop_duplicates().astype(object)
        unknown_units = (unknown.groupby("unit", sort=True)["raw_file"]
                         .agg(lambda s: sorted(set(s))).reset_index()
                         .rename(columns={"raw_file": "files"}).to_dict("records"))
        return {
            "dataset": self.config.name, "title": self.config.title,
            "kind": self.config.kind, "synthetic": self.config.synthetic,
            "parlib_version": __version__,
            "totals": {
                "files": len(self.files),
                "rows_read": sum(f["rows_read"] for f in self.files),
                "rows_clean": sum(f["rows_clean"] for f in self.files),
                "rows_quarantined": sum(f["rows_quarantined"] for f in self.files),
                "figures": len(self.scores), "aggregates": len(self.aggregates),
                "warnings": len(self.warnings),
            },
            "quarantine_by_rule": {str(k): int(v) for k, v in
                                   q["rule"].value_counts().sort_index().items()},
            "unknown_units": unknown_units,
            "contradictions": int(self.warnings["check"].isin(
                ["aggregate", "conflicting_figures"]).sum()),
            "corrections": records(self.corrections),
            "disputed": _dispute_summary(self.disputed),
            "warnings": self.warnings,
            "files": self.files,
        }


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
            raise ConfigError("a correction names a cell the raw file does not have",
                              file=display, row=fix.row, column=fix.column,
                              value=fix.published,
                              fix=f"check 'corrections:' in dataset.yaml; the columns are "
                                  f"{list(frame.columns)}")
        cell = frame[fix.column].iloc[where[0]]
        text = "" if cell is None or (not isinstance(cell, str) and pd.isna(cell)) else str(cell)
        if text != fix.published:
            raise ConfigError("the raw cell no longer holds the value the correction was "
                              "written for: the raw file changed under it", file=display,
                              row=fix.row, column=fix.column, value=text,
                              fix=f"check the cell against its source, then update the "
                                  f"correction's 'published:' (it says {fix.published!r}) "
                                  "or remove the correction")
        column = frame[fix.column].astype(object)
        column.iloc[where[0]] = fix.corrected
        frame[fix.column] = column.astype("category") if isinstance(
            frame[fix.column].dtype, pd.CategoricalDtype) else column


def mark_corrections(scores: pd.DataFrame, corrections: Iterable[Correction]) -> pd.DataFrame:
    """Add ``corrected``, ``published_value`` and ``correction_source`` to the clean rows.

    A row is corrected when it comes from a corrected raw cell: the value as
    published ("national-2019.csv row 13, Điểm: 88,2%"; "; "-joined when several
    cells were corrected) and the evidence's source id(s) are kept beside the
    corrected figure.
    """
    n = len(scores)
    out = scores.assign(corrected=np.zeros(n, dtype=bool),
                        published_value=pd.array([pd.NA] * n, dtype="string"),
                        correction_source=pd.array([pd.NA] * n, dtype="string"))
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
        out.loc[hit, "published_value"] = old.where(old.isna(), old + "; " + published
                                                    ).fillna(published)
        src = out.loc[hit, "correction_source"]
        out.loc[hit, "correction_source"] = src.where(
            src.isna() | src.str.contains(fix.source, regex=False), src + ";" + fix.source
        ).fillna(fix.source)
        out.loc[hit, "corrected"] = True
    return out


def read_file_rows(config: DatasetConfig, spec: FileSpec, *,
                   dropped: list[dict] | None = None):
    """Read one file of a dataset and return ``(table, long)`` with defaults filled.

    The dataset's corrections of this file are applied to the cells read, before
    anything else sees them. ``dropped`` (a list) receives one warning record per
    column left out (see :func:`parlib.ingest.headers.unrecognized_columns`); without it
    they are Python warnings.
    """
    table = read_raw(spec.path, sheet=spec.sheet, header_row=spec.header_row,
                     encoding=spec.encoding, delimiter=spec.delimiter,
                     display_path=_display(config, spec), categorical=spec.table == "scores")
    fixes = [c for c in config.corrections if c.file == spec.name]
    if fixes:
        apply_corrections(table, fixes, display=_display(config, spec))
    release_memory()  # the parser's blocks, before melting needs memory
    try:
        roles = recognize_columns(table, component_lookup=component_lookup(), index=spec.index,
                                  kind=spec.table, warn=dropped is None)
        if dropped is not None:
            dropped.extend(dict(record, raw_file=raw_file_label(spec), dataset=config.name)
                           for record in unrecognized_columns(
                               table, roles, component_lookup=component_lookup()))
        if spec.table == "aggregates":
            long = melt_aggregates(table, roles)
        else:
            long = melt_table(table, roles, index=spec.index)
    except ParlibError as exc:
        if exc.file is None:
            raise type(exc)(exc.problem, file=_display(config, spec), row=exc.row,
                            column=exc.column, value=exc.value, fix=exc.fix) from None
        raise
    defaults = {"index": spec.index, "year": spec.year, "province": spec.province,
                "level": spec.level, "component": spec.component}
    if spec.table == "scores":
        defaults["max_points"] = spec.max_points
        defaults["n_units"] = spec.n_units
    long = fill_defaults(long, **defaults) if spec.table == "scores" else _fill_agg(long, defaults)
    return table, long


def clean_dataset(folder: str | Path, *, progress: bool = False) -> CleanResult:
    """Clean every file of one dataset folder and validate the result.

    Parameters
    ----------
    folder
        A dataset folder with a ``dataset.yaml``.
    progress
        Show a progress bar over the files.

    Raises
    ------
    ConfigError
        When ``dataset.yaml`` is invalid.
    RawFileError
        When a file cannot be read as a table at all.
    """
    config = read_config(folder)
    scores_parts, agg_parts, quarantine_parts, files = [], [], [], []
    specs = config.files
    if progress:
        from tqdm.auto import tqdm

        specs = tqdm(specs, desc=f"clean {config.name}", unit="file", file=sys.stderr,
                     leave=False)
    dropped: list[dict] = []
    for spec in specs:
        table, long = read_file_rows(config, spec, dropped=dropped)
        label = raw_file_label(spec)
        files.append({"file": label, "table": spec.table, "source": spec.source,
                      "sheet": table.sheet, "header_row": table.header_row,
                      "encoding": table.encoding, "title_rows": list(table.title_rows),
                      "hidden_rows": [int(r) for r in table.hidden_rows],
                      "raw_rows": np.asarray(table.rows, dtype=np.int64),
                      "warnings": list(table.warnings)})
        del table  # the raw cells: the long rows hold what cleaning needs
        release_memory()  # and melting's temporaries, before cleaning needs memory
        if spec.table == "aggregates":
            part, bad = clean_aggregates(long, raw_file=label, source_id=spec.source,
                                         dataset=config.name, boundaries=spec.boundaries)
            agg_parts.append(part)
        else:
            part, bad = _clean_in_blocks(long, raw_file=label, source_id=spec.source,
                                         dataset=config.name, dataset_kind=config.kind,
                                         boundaries=spec.boundaries)
            if spec.derive_total:
                part = derive_totals(part)
            scores_parts.append(part)
        quarantine_parts.append(bad)
        del long, part, bad
        release_memory()
    scores = _concat(scores_parts, SCORE_COLUMNS)
    scores_parts.clear()  # held no longer than the frame made of them
    unknown_ids = {i for ids in scores["source_id"].dropna().unique() for i in ids.split(";")
                   } - {s.id for s in config.sources}
    if unknown_ids:
        row = scores.loc[scores["source_id"].isin(unknown_ids)].iloc[0]
        raise ConfigError("a row names a source that is not in dataset.yaml",
                          file=f"{config.folder}/{row['raw_file']}", row=int(row["raw_row"]),
                          column="source", value=row["source_id"],
                          fix=f"use one of {[s.id for s in config.sources]} or add the source")
    scores = mark_corrections(scores, config.corrections)
    before = scores
    scores, bad = validate_scores(scores)
    disputed = disputed_rows(before, bad)
    del before
    quarantine_parts.append(bad)
    release_memory()
    quarantine = _concat(quarantine_parts, QUARANTINE_COLUMNS)
    scores = _in_file_order(scores)
    release_memory()
    aggregates = _concat(agg_parts, AGGREGATE_COLUMNS)
    warnings = [pd.DataFrame(dropped, columns=WARNING_COLUMNS),
                _unit_type_warnings(scores, config.name), check_rankings(scores),
                _conflict_warnings(quarantine)]
    if len(aggregates):
        aggregates, agg_warn = check_aggregates(aggregates, scores)
        warnings.append(agg_warn)
    warnings_df = _concat(warnings, WARNING_COLUMNS)
    release_memory()
    _account(files, scores, quarantine, aggregates)
    sources = pd.DataFrame([{"dataset": config.name, "source_id": s.id, "title": s.title,
                             "publisher": s.publisher, "date": s.date, "url": s.url,
                             "document": s.document, "accessed": s.accessed, "notes": s.notes}
                            for s in config.sources], columns=SOURCE_COLUMNS)
    corrections = pd.DataFrame([{"dataset": config.name, "raw_file": c.file, "raw_row": c.row,
                                 "column": c.column, "published": c.published,
                                 "corrected": c.corrected, "reason": c.reason,
                                 "source_id": c.source} for c in config.corrections],
                               columns=CORRECTION_COLUMNS)
    return CleanResult(config=config, scores=scores, quarantine=quarantine,
                       aggregates=aggregates, sources=sources, warnings=warnings_df,
                       files=files, disputed=disputed, corrections=corrections)


def _dispute_summary(disputed: pd.DataFrame) -> list[dict[str, Any]]:
    """One entry per disputed figure: what it is, the values given and by whom."""
    if disputed is None or disputed.empty:
        return []
    out = []
    for reason, rows in disputed.groupby("dispute", sort=False):
        out.append({"figure": str(reason).split(" is given ")[0], "reason": str(reason),
                    "versions": [{"score": None if pd.isna(r.score) else float(r.score),
                                  "rank": None if pd.isna(r.rank) else int(r.rank),
                                  "n_units": None if pd.isna(r.n_units) else int(r.n_units),
                                  "source_id": r.source_id, "raw_file": r.raw_file,
                                  "raw_row": int(r.raw_row)} for r in rows.itertuples()]})
    return out


def disputed_rows(scores: pd.DataFrame, quarantine: pd.DataFrame) -> pd.DataFrame:
    """Return every version of the figures whose published values disagree.

    These are the rows :func:`parlib.clean.validate.validate_scores` set aside under
    the ``unique_key`` rule (same unit, index, component and year, different
    score, rank or n), each with its source and the ``dispute`` in words.
    """
    conflicts = quarantine.loc[quarantine["rule"] == "unique_key",
                               ["raw_file", "raw_row", "reason"]].drop_duplicates(
        ["raw_file", "raw_row"])
    if conflicts.empty:
        return pd.DataFrame(columns=[*scores.columns, "dispute"])
    keys = conflicts.astype({"raw_file": object, "raw_row": "int64"})
    rows = scores.astype({"raw_file": object}).merge(
        keys.rename(columns={"reason": "dispute"}), on=["raw_file", "raw_row"], how="inner")
    return rows.reset_index(drop=True)


def _clean_in_blocks(long: pd.DataFrame, **options: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`parlib.clean.rows.clean_scores` on ``_BLOCK_ROWS`` rows at a time.

    Each row is cleaned on its own, so the blocks give the rows and records one
    call would; the cleaning temporaries of a larger file are a block's, not the file's.
    """
    if len(long) <= _BLOCK_ROWS:
        return clean_scores(long, **options)
    clean, bad = [], []
    for start in range(0, len(long), _BLOCK_ROWS):
        part, problems = clean_scores(long.iloc[start:start + _BLOCK_ROWS], **options)
        clean.append(part)
        bad.append(problems)
    return stack_blocks(clean, SCORE_COLUMNS), _concat(bad, QUARANTINE_COLUMNS)


_BLOCK_ROWS = 1 << 20  # a million rows cleaned at once peak about 170 MB above their input


def raw_file_label(spec: FileSpec) -> str:
    """Return the ``raw_file`` of a file entry: its path, with ``#sheet`` when it names one.

    Examples
    --------
    >>> from pathlib import Path
    >>> raw_file_label(FileSpec(path=Path("a.xlsx"), name="a.xlsx", source="s", sheet="Năm 2021"))
    'a.xlsx#Năm 2021'
    """
    return spec.name if spec.sheet is None else f"{spec.name}#{spec.sheet}"


def clean_all(raw_dir: str | Path = "data/raw", out_dir: str | Path = "data/clean", *,
              datasets: list[str] | None = None, progress: bool = True,
              lock_timeout: float = 600.0) -> list[CleanResult]:
    """Clean every dataset under ``raw_dir`` and write its outputs under ``out_dir``.

    All datasets are read and checked before anything is written; each
    dataset's folder is then replaced atomically. An output folder equal to,
    inside or containing raw data is refused first
    (:func:`parlib.safety.check_output_dir`).
    """
    check_output_dir(out_dir, raw=[raw_dir])
    folders = find_datasets(raw_dir)
    if datasets:
        known = {f.name for f in folders}
        missing = [d for d in datasets if d not in known]
        if missing:
            raise ConfigError("no such dataset", file=raw_dir, value=missing[0],
                              fix=f"use one of {sorted(known)}")
        folders = [f for f in folders if f.name in datasets]
    if not folders:
        raise ConfigError("no dataset folder (with a dataset.yaml) found", file=raw_dir,
                          fix="add data/raw/<dataset>/dataset.yaml, see data/raw/README.md")
    results = [clean_dataset(f, progress=progress) for f in folders]
    with dataset_lock(out_dir, timeout=lock_timeout):
        for result in results:
            write_result(result, out_dir)
    return results


def write_result(result: CleanResult, out_dir: str | Path) -> Path:
    """Write one dataset's outputs (call under :func:`parlib.publish.outputs.dataset_lock`)."""
    from parlib.publish.codebook import render_codebook

    tables = {"scores": result.scores, "quarantine": result.quarantine,
              "sources": result.sources}
    if len(result.aggregates):
        tables["aggregates"] = result.aggregates
    if len(result.disputed):
        tables["disputed"] = result.disputed
    if len(result.corrections):
        tables["corrections"] = result.corrections
    package = datapackage(result.config.name, result.config, tables,
                          {"scores": KEY, "sources": ["source_id"]})
    report = result.report(frame=True)  # its warnings are written from their frame
    documents = {"report.json": report, "datapackage.json": package,
                 "codebook.html": render_codebook(package, report)}
    if len(result.scores) <= XLSX_MAX_ROWS:  # a bigger table is read from CSV or parquet
        documents["scores.xlsx"] = _workbook(result, package)
    release_memory()  # the writers' blocks then reuse what the checks freed
    return write_dataset(out_dir, result.config.name, tables, documents)


def _workbook(result: CleanResult, package: dict[str, Any]) -> bytes:
    """``scores.xlsx``: the scores, sources, quarantined and disputed rows, the corrections
    (when there are any) and the codebook."""
    codebook = pd.DataFrame([(r["name"], f["name"], f["type"], f["description"])
                             for r in package["resources"] for f in r["schema"]["fields"]],
                            columns=["table", "column", "type", "description"])
    sheets = {"scores": result.scores, "sources": result.sources,
              "quarantine": result.quarantine, "disputed": result.disputed}
    if len(result.corrections):
        sheets["corrections"] = result.corrections
    return xlsx_bytes(sheets, codebook=codebook)


def _account(files: list[dict], scores: pd.DataFrame, quarantine: pd.DataFrame,
             aggregates: pd.DataFrame) -> None:
    """Count rows per file and check that every raw row is somewhere (row conservation)."""
    for info in files:
        name = info["file"]
        raw = info.pop("raw_rows")  # the row numbers read
        table = aggregates if info["table"] == "aggregates" else scores
        in_file = (table["raw_file"] == name).to_numpy() if len(table) else np.zeros(0, bool)
        clean_rows = table["raw_row"].to_numpy()[in_file].astype(np.int64)
        bad_rows = (quarantine.loc[quarantine["raw_file"] == name, "raw_row"]
                    .to_numpy().astype(np.int64))
        # Row numbers are small integers: a mark per row number instead of sorting.
        size = 1 + max((int(a.max()) for a in (raw, clean_rows, bad_rows) if len(a)), default=0)
        is_raw, is_clean, is_bad = (_marks(a, size) for a in (raw, clean_rows, bad_rows))
        lost = np.flatnonzero(is_raw & ~is_clean & ~is_bad)
        if len(lost):
            raise ParlibError("rows were lost between reading and writing (a parlib bug)",
                              file=name, row=int(lost[0]), fix="report it with the file")
        info.update(rows_read=int(is_raw.sum()), rows_clean=int((is_clean & ~is_bad).sum()),
                    rows_quarantined=int(is_bad.sum()), figures=int(in_file.sum()))


def _marks(rows: np.ndarray, size: int) -> np.ndarray:
    marks = np.zeros(size, dtype=bool)
    marks[rows] = True
    return marks


def _unit_type_warnings(scores: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """One warning per department-level unit name that matches no department type."""
    rows = scores.loc[scores["unit_type"].isna() & scores["level"].eq("department"),
                      ["unit", "province", "year", "raw_file", "raw_row"]]
    first = rows.astype(object).drop_duplicates(["unit", "raw_file"])
    known = unit_type_aliases()
    spellings = list(dict.fromkeys([*unit_types()["name_vi"], *known["alias"]]))
    records = []
    for row in first.itertuples(index=False):
        close = difflib.get_close_matches(str(row.unit), spellings, n=1, cutoff=0.75)
        guess = f"; did you mean {close[0]!r}?" if close else ""
        records.append({
            "check": "unknown_unit_type", "dataset": dataset, "province": row.province,
            "year": row.year, "level": "department", "raw_file": row.raw_file,
            "raw_row": row.raw_row,
            "message": f"{row.raw_file}, row {row.raw_row}, column 'unit': the unit "
                       f"{row.unit!r} has no department type, so it is left out of comparisons "
                       f"across provinces{guess} Fix: add it to "
                       "parlib/reference/unit_type_aliases.csv with its type key"})
    return pd.DataFrame(records, columns=WARNING_COLUMNS)


def _conflict_warnings(quarantine: pd.DataFrame) -> pd.DataFrame:
    """One warning per group of rows that give different figures for the same key."""
    conflicts = quarantine.loc[quarantine["rule"] == "unique_key"]
    first = conflicts.drop_duplicates("reason")
    return pd.DataFrame({"check": "conflicting_figures", "dataset": first["dataset"],
                         "raw_file": first["raw_file"], "raw_row": first["raw_row"],
                         "message": first["reason"]}, columns=WARNING_COLUMNS)


def _concat(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=columns)
    return concat_rows(parts)[columns]


def _in_file_order(scores: pd.DataFrame) -> pd.DataFrame:
    """Sort rows by ``raw_file``, ``raw_row`` and ``raw_column`` (as text, missing first).

    The sort is stable; rows already in that order (the usual case) are not copied.
    """
    codes = [_sort_codes(scores[col]) for col in ("raw_file", "raw_row", "raw_column")]
    widths = [int(c.max(initial=0)) + 1 for c in codes]
    if widths[0] * widths[1] * widths[2] < 2**62:
        key = (codes[0] * widths[1] + codes[1]) * widths[2] + codes[2]
        if len(key) < 2 or bool((key[1:] >= key[:-1]).all()):
            return scores.reset_index(drop=True)
        order = np.argsort(key, kind="stable")
    else:
        order = np.lexsort(codes[::-1])
    return scores.take(order).reset_index(drop=True)


def _sort_codes(column: pd.Series) -> np.ndarray:
    """Codes that sort as the column's values do (text as text); 0 where missing."""
    if pd.api.types.is_integer_dtype(column.dtype) and not column.hasnans:
        values = column.to_numpy(dtype=np.int64)
        return values - values.min(initial=0) + 1
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories.tolist()
        place = {value: i for i, value in enumerate(sorted(categories))}
        rank = np.array([place[value] + 1 for value in categories] + [0], dtype=np.int64)
        return rank[column.cat.codes.to_numpy()]  # code -1 picks the 0 at the end
    codes, _ = pd.factorize(column.astype(object), sort=True, use_na_sentinel=True)
    return codes.astype(np.int64) + 1


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
