"""Clean whole datasets: raw folder in, ``data/clean/<dataset>/`` out.

:func:`clean_dataset` runs every step on one dataset folder and returns the
tables in memory; :func:`clean_all` does it for every dataset under
``data/raw`` and writes the outputs atomically under a lock. Reading a
dataset's files is :mod:`parlib.dataset_files`; what the run produced and
reports is :mod:`parlib.clean_result`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from parlib.clean.aggregates import AGGREGATE_COLUMNS, check_aggregates, clean_aggregates
from parlib.clean.columns import concat_rows, stack_blocks
from parlib.clean.consistency import WARNING_COLUMNS, check_rankings
from parlib.clean.quarantine import QUARANTINE_COLUMNS
from parlib.clean.rows import SCORE_COLUMNS, clean_scores
from parlib.clean.totals import derive_totals
from parlib.clean.validate import KEY, validate_scores
from parlib.clean_result import (
    CORRECTION_COLUMNS,
    CleanResult,
    account_for_rows,
    conflict_warnings,
    disputed_rows,
    unit_type_warnings,
)
from parlib.dataset_files import mark_corrections, raw_file_label, read_file_rows
from parlib.errors import ConfigError
from parlib.ingest.config import find_datasets, read_config
from parlib.memory import release_memory
from parlib.publish.datapackage import datapackage
from parlib.publish.outputs import dataset_lock, write_dataset
from parlib.publish.xlsx import XLSX_MAX_ROWS, xlsx_bytes
from parlib.safety import check_output_dir

__all__ = ["clean_all", "clean_dataset", "write_result"]

SOURCE_COLUMNS = [
    "dataset",
    "source_id",
    "title",
    "publisher",
    "date",
    "url",
    "document",
    "accessed",
    "notes",
]


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

        specs = tqdm(specs, desc=f"clean {config.name}", unit="file", file=sys.stderr, leave=False)
    dropped: list[dict] = []
    for spec in specs:
        table, long = read_file_rows(config, spec, dropped=dropped)
        label = raw_file_label(spec)
        files.append(
            {
                "file": label,
                "table": spec.table,
                "source": spec.source,
                "sheet": table.sheet,
                "header_row": table.header_row,
                "encoding": table.encoding,
                "title_rows": list(table.title_rows),
                "hidden_rows": [int(r) for r in table.hidden_rows],
                "raw_rows": np.asarray(table.rows, dtype=np.int64),
                "warnings": list(table.warnings),
            }
        )
        del table  # the raw cells: the long rows hold what cleaning needs
        release_memory()  # and melting's temporaries, before cleaning needs memory
        if spec.table == "aggregates":
            part, bad = clean_aggregates(
                long,
                raw_file=label,
                source_id=spec.source,
                dataset=config.name,
                boundaries=spec.boundaries,
            )
            agg_parts.append(part)
        else:
            part, bad = _clean_in_blocks(
                long,
                raw_file=label,
                source_id=spec.source,
                dataset=config.name,
                dataset_kind=config.kind,
                boundaries=spec.boundaries,
            )
            if spec.derive_total:
                part = derive_totals(part)
            scores_parts.append(part)
        quarantine_parts.append(bad)
        del long, part, bad
        release_memory()
    scores = _concat(scores_parts, SCORE_COLUMNS)
    scores_parts.clear()  # held no longer than the frame made of them
    unknown_ids = {i for ids in scores["source_id"].dropna().unique() for i in ids.split(";")} - {
        s.id for s in config.sources
    }
    if unknown_ids:
        row = scores.loc[scores["source_id"].isin(unknown_ids)].iloc[0]
        raise ConfigError(
            "a row names a source that is not in dataset.yaml",
            file=f"{config.folder}/{row['raw_file']}",
            row=int(row["raw_row"]),
            column="source",
            value=row["source_id"],
            fix=f"use one of {[s.id for s in config.sources]} or add the source",
        )
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
    warnings = [
        pd.DataFrame(dropped, columns=WARNING_COLUMNS),
        unit_type_warnings(scores, config.name),
        check_rankings(scores),
        conflict_warnings(quarantine),
    ]
    if len(aggregates):
        aggregates, agg_warn = check_aggregates(aggregates, scores)
        warnings.append(agg_warn)
    warnings_df = _concat(warnings, WARNING_COLUMNS)
    release_memory()
    account_for_rows(files, scores, quarantine, aggregates)
    sources = pd.DataFrame(
        [
            {
                "dataset": config.name,
                "source_id": s.id,
                "title": s.title,
                "publisher": s.publisher,
                "date": s.date,
                "url": s.url,
                "document": s.document,
                "accessed": s.accessed,
                "notes": s.notes,
            }
            for s in config.sources
        ],
        columns=SOURCE_COLUMNS,
    )
    corrections = pd.DataFrame(
        [
            {
                "dataset": config.name,
                "raw_file": c.file,
                "raw_row": c.row,
                "column": c.column,
                "published": c.published,
                "corrected": c.corrected,
                "reason": c.reason,
                "source_id": c.source,
            }
            for c in config.corrections
        ],
        columns=CORRECTION_COLUMNS,
    )
    return CleanResult(
        config=config,
        scores=scores,
        quarantine=quarantine,
        aggregates=aggregates,
        sources=sources,
        warnings=warnings_df,
        files=files,
        disputed=disputed,
        corrections=corrections,
    )


def _clean_in_blocks(long: pd.DataFrame, **options: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`parlib.clean.rows.clean_scores` on ``_BLOCK_ROWS`` rows at a time.

    Each row is cleaned on its own, so the blocks give the rows and records one
    call would; the cleaning temporaries of a larger file are a block's, not the file's.
    """
    if len(long) <= _BLOCK_ROWS:
        return clean_scores(long, **options)
    clean, bad = [], []
    for start in range(0, len(long), _BLOCK_ROWS):
        part, problems = clean_scores(long.iloc[start : start + _BLOCK_ROWS], **options)
        clean.append(part)
        bad.append(problems)
    return stack_blocks(clean, SCORE_COLUMNS), _concat(bad, QUARANTINE_COLUMNS)


_BLOCK_ROWS = 1 << 20  # a million rows cleaned at once peak about 170 MB above their input


def clean_all(
    raw_dir: str | Path = "data/raw",
    out_dir: str | Path = "data/clean",
    *,
    datasets: list[str] | None = None,
    progress: bool = True,
    lock_timeout: float = 600.0,
) -> list[CleanResult]:
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
            raise ConfigError(
                "no such dataset", file=raw_dir, value=missing[0], fix=f"use one of {sorted(known)}"
            )
        folders = [f for f in folders if f.name in datasets]
    if not folders:
        raise ConfigError(
            "no dataset folder (with a dataset.yaml) found",
            file=raw_dir,
            fix="add data/raw/<dataset>/dataset.yaml, see data/raw/README.md",
        )
    results = [clean_dataset(f, progress=progress) for f in folders]
    with dataset_lock(out_dir, timeout=lock_timeout):
        for result in results:
            write_result(result, out_dir)
    return results


def write_result(result: CleanResult, out_dir: str | Path) -> Path:
    """Write one dataset's outputs (call under :func:`parlib.publish.outputs.dataset_lock`)."""
    from parlib.publish.codebook import render_codebook

    tables = {"scores": result.scores, "quarantine": result.quarantine, "sources": result.sources}
    if len(result.aggregates):
        tables["aggregates"] = result.aggregates
    if len(result.disputed):
        tables["disputed"] = result.disputed
    if len(result.corrections):
        tables["corrections"] = result.corrections
    package = datapackage(
        result.config.name, result.config, tables, {"scores": KEY, "sources": ["source_id"]}
    )
    report = result.report(frame=True)  # its warnings are written from their frame
    documents: dict[str, Any] = {
        "report.json": report,
        "datapackage.json": package,
        "codebook.html": render_codebook(package, report),
    }
    if len(result.scores) <= XLSX_MAX_ROWS:  # a bigger table is read from CSV or parquet
        documents["scores.xlsx"] = _workbook(result, package)
    release_memory()  # the writers' blocks then reuse what the checks freed
    return write_dataset(out_dir, result.config.name, tables, documents)


def _workbook(result: CleanResult, package: dict[str, Any]) -> bytes:
    """``scores.xlsx``: the scores, sources, quarantined and disputed rows, the corrections
    (when there are any) and the codebook."""
    codebook = pd.DataFrame(
        [
            (r["name"], f["name"], f["type"], f["description"])
            for r in package["resources"]
            for f in r["schema"]["fields"]
        ],
        columns=["table", "column", "type", "description"],
    )
    sheets = {
        "scores": result.scores,
        "sources": result.sources,
        "quarantine": result.quarantine,
        "disputed": result.disputed,
    }
    if len(result.corrections):
        sheets["corrections"] = result.corrections
    return xlsx_bytes(sheets, codebook=codebook)


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
