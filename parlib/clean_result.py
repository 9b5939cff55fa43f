"""What cleaning one dataset produced, and the report and warnings made from it.

:class:`CleanResult` holds the tables of :func:`parlib.pipeline.clean_dataset`
and makes ``report.json``; the functions here add the warnings that span a
whole dataset (unknown unit types, conflicting figures, disputed rows) and
check that every raw row ends up clean or quarantined.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from parlib import __version__
from parlib.clean.consistency import WARNING_COLUMNS
from parlib.errors import ParlibError
from parlib.ingest.config import DatasetConfig
from parlib.publish.outputs import records
from parlib.reference import unit_type_aliases, unit_types

__all__ = [
    "CORRECTION_COLUMNS",
    "CleanResult",
    "account_for_rows",
    "conflict_warnings",
    "disputed_rows",
    "unit_type_warnings",
]

CORRECTION_COLUMNS = [
    "dataset",
    "raw_file",
    "raw_row",
    "column",
    "published",
    "corrected",
    "reason",
    "source_id",
]


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
    corrections: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=CORRECTION_COLUMNS)
    )
    _report: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)
    _document: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)

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
        unknown = (
            self.scores.loc[
                self.scores["unit_type"].isna() & self.scores["level"].isin(["department"]),
                ["unit", "raw_file"],
            ]
            .drop_duplicates()
            .astype(object)
        )
        unknown_units = (
            unknown.groupby("unit", sort=True)["raw_file"]
            .agg(lambda s: sorted(set(s)))
            .reset_index()
            .rename(columns={"raw_file": "files"})
            .to_dict("records")
        )
        return {
            "dataset": self.config.name,
            "title": self.config.title,
            "kind": self.config.kind,
            "synthetic": self.config.synthetic,
            "parlib_version": __version__,
            "totals": {
                "files": len(self.files),
                "rows_read": sum(f["rows_read"] for f in self.files),
                "rows_clean": sum(f["rows_clean"] for f in self.files),
                "rows_quarantined": sum(f["rows_quarantined"] for f in self.files),
                "figures": len(self.scores),
                "aggregates": len(self.aggregates),
                "warnings": len(self.warnings),
            },
            "quarantine_by_rule": {
                str(k): int(v) for k, v in q["rule"].value_counts().sort_index().items()
            },
            "unknown_units": unknown_units,
            "contradictions": int(
                self.warnings["check"].isin(["aggregate", "conflicting_figures"]).sum()
            ),
            "corrections": records(self.corrections),
            "disputed": _dispute_summary(self.disputed),
            "warnings": self.warnings,
            "files": self.files,
        }


def _dispute_summary(disputed: pd.DataFrame) -> list[dict[str, Any]]:
    """One entry per disputed figure: what it is, the values given and by whom."""
    if disputed is None or disputed.empty:
        return []
    out = []
    for reason, rows in disputed.groupby("dispute", sort=False):
        out.append(
            {
                "figure": str(reason).split(" is given ")[0],
                "reason": str(reason),
                "versions": [
                    {
                        "score": None if pd.isna(r.score) else float(r.score),
                        "rank": None if pd.isna(r.rank) else int(r.rank),
                        "n_units": None if pd.isna(r.n_units) else int(r.n_units),
                        "source_id": r.source_id,
                        "raw_file": r.raw_file,
                        "raw_row": int(r.raw_row),
                    }
                    for r in rows.itertuples()
                ],
            }
        )
    return out


def disputed_rows(scores: pd.DataFrame, quarantine: pd.DataFrame) -> pd.DataFrame:
    """Return every version of the figures whose published values disagree.

    These are the rows :func:`parlib.clean.validate.validate_scores` set aside under
    the ``unique_key`` rule (same unit, index, component and year, different
    score, rank or n), each with its source and the ``dispute`` in words.
    """
    conflicts = quarantine.loc[
        quarantine["rule"] == "unique_key", ["raw_file", "raw_row", "reason"]
    ].drop_duplicates(["raw_file", "raw_row"])
    if conflicts.empty:
        return pd.DataFrame(columns=[*scores.columns, "dispute"])
    keys = conflicts.astype({"raw_file": object, "raw_row": "int64"})
    rows = scores.astype({"raw_file": object}).merge(
        keys.rename(columns={"reason": "dispute"}), on=["raw_file", "raw_row"], how="inner"
    )
    return rows.reset_index(drop=True)


def account_for_rows(
    files: list[dict], scores: pd.DataFrame, quarantine: pd.DataFrame, aggregates: pd.DataFrame
) -> None:
    """Count rows per file and check that every raw row is somewhere (row conservation).

    Each entry of ``files`` (one per file read, with the ``raw_rows`` it read) gets
    ``rows_read``, ``rows_clean``, ``rows_quarantined`` and ``figures``; a raw row
    that is neither in ``scores`` or ``aggregates`` nor in ``quarantine`` raises
    :class:`parlib.errors.ParlibError`, since that is a parlib bug.
    """
    for info in files:
        name = info["file"]
        raw = info.pop("raw_rows")  # the row numbers read
        table = aggregates if info["table"] == "aggregates" else scores
        in_file = (table["raw_file"] == name).to_numpy() if len(table) else np.zeros(0, bool)
        clean_rows = table["raw_row"].to_numpy()[in_file].astype(np.int64)
        bad_rows = (
            quarantine.loc[quarantine["raw_file"] == name, "raw_row"].to_numpy().astype(np.int64)
        )
        # Row numbers are small integers: a mark per row number instead of sorting.
        size = 1 + max((int(a.max()) for a in (raw, clean_rows, bad_rows) if len(a)), default=0)
        is_raw, is_clean, is_bad = (_marks(a, size) for a in (raw, clean_rows, bad_rows))
        lost = np.flatnonzero(is_raw & ~is_clean & ~is_bad)
        if len(lost):
            raise ParlibError(
                "rows were lost between reading and writing (a parlib bug)",
                file=name,
                row=int(lost[0]),
                fix="report it with the file",
            )
        info.update(
            rows_read=int(is_raw.sum()),
            rows_clean=int((is_clean & ~is_bad).sum()),
            rows_quarantined=int(is_bad.sum()),
            figures=int(in_file.sum()),
        )


def _marks(rows: np.ndarray, size: int) -> np.ndarray:
    marks = np.zeros(size, dtype=bool)
    marks[rows] = True
    return marks


def unit_type_warnings(scores: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """Return one warning per department-level unit name that matches no department type.

    The message names the file, the row and the closest known spelling, and says
    where to add the name (``parlib/reference/unit_type_aliases.csv``).
    """
    rows = scores.loc[
        scores["unit_type"].isna() & scores["level"].eq("department"),
        ["unit", "province", "year", "raw_file", "raw_row"],
    ]
    first = rows.astype(object).drop_duplicates(["unit", "raw_file"])
    known = unit_type_aliases()
    spellings = list(dict.fromkeys([*unit_types()["name_vi"], *known["alias"]]))
    records = []
    for row in first.itertuples(index=False):
        close = difflib.get_close_matches(str(row.unit), spellings, n=1, cutoff=0.75)
        guess = f"; did you mean {close[0]!r}?" if close else ""
        records.append(
            {
                "check": "unknown_unit_type",
                "dataset": dataset,
                "province": row.province,
                "year": row.year,
                "level": "department",
                "raw_file": row.raw_file,
                "raw_row": row.raw_row,
                "message": f"{row.raw_file}, row {row.raw_row}, column 'unit': the unit "
                f"{row.unit!r} has no department type, so it is left out of comparisons "
                f"across provinces{guess} Fix: add it to "
                "parlib/reference/unit_type_aliases.csv with its type key",
            }
        )
    return pd.DataFrame(records, columns=WARNING_COLUMNS)


def conflict_warnings(quarantine: pd.DataFrame) -> pd.DataFrame:
    """Return one warning per group of rows that give different figures for the same key.

    These are the quarantined rows of the ``unique_key`` rule, one per ``reason``.
    """
    conflicts = quarantine.loc[quarantine["rule"] == "unique_key"]
    first = conflicts.drop_duplicates("reason")
    return pd.DataFrame(
        {
            "check": "conflicting_figures",
            "dataset": first["dataset"],
            "raw_file": first["raw_file"],
            "raw_row": first["raw_row"],
            "message": first["reason"],
        },
        columns=WARNING_COLUMNS,
    )
