"""Validate clean score rows against the rules of the dataset, collecting every problem at once.

The rules are plain pandas comparisons (:data:`RULES`): a score within its
scale, points within their maximum, a rank within 1..n, a plausible year and
level. Rows that break a rule leave the clean data for the quarantine, with
the first rule they break named. The key (dataset, province, year, level,
unit, index, component) must be unique: rows that repeat a figure are merged
into the first, rows that contradict each other are all quarantined, since
parlib never picks one figure over another.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from parlib.clean.codes import combine_codes
from parlib.clean.columns import concat_rows
from parlib.clean.quarantine import QUARANTINE_COLUMNS
from parlib.text import categorical, distinct

__all__ = ["KEY", "RULES", "validate_scores"]

KEY = [
    "dataset",
    "boundaries",
    "province_code",
    "province_code_2025",
    "year",
    "level",
    "unit",
    "index",
    "component",
]
_MEASURES = ["score", "points", "max_points", "rank", "n_units"]
FIRST_YEAR = 1990
LEVELS = ["province", "department", "district", "commune"]


# Each rule: the column it is about and why a row breaks it. A row is named by the first
# rule it breaks, in this order (points above their maximum explain a derived score).
_WHY = {
    "points_within_max": (
        "points",
        "{value} points is above the maximum {maximum}; check the figure or the maximum",
    ),
    "score_within_scale": (
        "score",
        "the score {value} is above the scale maximum of {scale}; "
        "check the figure or the index/max_points of the file",
    ),
    "rank_within_n": (
        "rank",
        "rank {value} is above the number of units ranked ({n}); check "
        "the rank or the total after the slash",
    ),
    "year": ("year", "the year {value} is outside {first}..{last}; check the year"),
    "level": ("level", "unknown level {value}"),
    "score": ("score", "the score {value} is negative; check the sign"),
    "points": ("points", "{value} points is negative; check the sign"),
    "max_points": ("max_points", "the maximum {value} is not positive; check it"),
    "rank": ("rank", "rank {value} is below 1; ranks start at 1"),
    "n_units": ("n_units", "the number of units {value} is below 1"),
}
#: The rules a clean score row must satisfy, in the order a broken one is named.
RULES = list(_WHY)

# What a quarantine record reads of its row.
_RECORD_COLUMNS = frozenset(
    {
        "dataset",
        "raw_file",
        "raw_row",
        "raw_column",
        "score",
        "scale_max",
        "max_points",
        "n_units",
        *(col for col, _ in _WHY.values()),
    }
)


def validate_scores(
    scores: pd.DataFrame, *, last_year: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split clean rows into those that pass every rule and quarantine records.

    Parameters
    ----------
    scores
        Clean score rows (:data:`parlib.clean.rows.SCORE_COLUMNS`).
    last_year
        The latest plausible year; default the current year.

    Returns
    -------
    (valid, quarantine)
        ``quarantine`` has :data:`parlib.clean.quarantine.QUARANTINE_COLUMNS`, one record
        per quarantined row, with the rule it broke.

    Examples
    --------
    >>> rows = pd.DataFrame({"dataset": "d", "boundaries": "legacy", "province_code": "83", "province_code_2025": "86",
    ...     "year": [2021, 2021], "level": "department", "unit": ["A", "B"], "index": "PAR",
    ...     "component": "total", "score": [98.5, 120.0], "scale_max": 100.0, "points": None,
    ...     "max_points": None, "rank": [1, 2], "n_units": 18, "raw_file": "f.csv",
    ...     "raw_row": [2, 3], "raw_column": None, "source_id": "s"})
    >>> valid, bad = validate_scores(rows, last_year=2024)
    >>> valid["unit"].tolist(), bad["rule"].tolist()
    (['A'], ['score_within_scale'])
    """
    last = last_year or _dt.date.today().year
    df = scores.reset_index(drop=True)
    for col in ("points", "max_points", "score", "scale_max"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    failed = _failures(df, last)
    bad_idx = sorted(failed)
    bad_rows = df.loc[bad_idx]
    used = [col for col in df.columns if col in _RECORD_COLUMNS]
    cells = {col: bad_rows[col].astype(object).to_numpy() for col in used}  # as df.loc[i]
    records = [
        _record({col: cells[col][k] for col in used}, failed[i], first=FIRST_YEAR, last=last)
        for k, i in enumerate(bad_idx)
    ]
    passed = np.ones(len(df), dtype=bool)
    passed[bad_idx] = False
    valid, dupes = _resolve_duplicates(df, passed)
    quarantine = pd.DataFrame(records, columns=QUARANTINE_COLUMNS)
    quarantine = pd.concat([quarantine, dupes], ignore_index=True) if len(dupes) else quarantine
    return valid.reset_index(drop=True), quarantine


def _failures(df: pd.DataFrame, last: int) -> dict[int, str]:
    """Return the first rule of :data:`RULES` each failing row breaks, by row position."""
    broken = _broken(df, last)
    first = np.full(len(df), -1)
    for k in reversed(range(len(RULES))):  # the first rule broken wins
        first[broken[RULES[k]]] = k
    rows = np.flatnonzero(first >= 0)
    return dict(zip(rows.tolist(), [RULES[k] for k in first[rows]]))


def _broken(df: pd.DataFrame, last: int) -> dict[str, np.ndarray]:
    """Return the rows breaking each rule; a missing value breaks only the year and level rules.

    Numbers are read as ``pd.to_numeric`` reads them.
    """

    def floats(col: str) -> np.ndarray:
        return pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)

    year, rank, n_units = floats("year"), floats("rank"), floats("n_units")
    score, points, maximum, scale = (
        floats(c) for c in ("score", "points", "max_points", "scale_max")
    )
    level = df["level"].isin(LEVELS).to_numpy(dtype=bool, na_value=False)
    with np.errstate(invalid="ignore"):
        return {
            "points_within_max": points > maximum + 1e-9,
            "score_within_scale": score > scale + 1e-9,
            "rank_within_n": rank > n_units,
            "year": ~((year >= FIRST_YEAR) & (year <= last)),
            "level": ~level,
            "score": score < 0,
            "points": points < 0,
            "max_points": maximum <= 0,
            "rank": rank < 1,
            "n_units": n_units < 1,
        }


def _record(row: dict, rule: str, *, first: int, last: int) -> dict:
    column, template = _WHY.get(rule, ("score", "breaks rule " + rule))
    value = row.get(column)
    reason = template.format(
        value=value,
        scale=row.get("scale_max"),
        maximum=row.get("max_points"),
        n=row.get("n_units"),
        first=first,
        last=last,
    )
    return {
        "dataset": row["dataset"],
        "raw_file": row["raw_file"],
        "raw_row": int(row["raw_row"]),
        "column": _raw_column(row, column),
        "value": None if pd.isna(value) else str(value),
        "rule": rule,
        "reason": reason,
    }


def _raw_column(row: pd.Series | dict, column: str) -> str:
    raw = row.get("raw_column")
    return str(raw) if isinstance(raw, str) and column in ("score", "points", "rank") else column


def _key_codes(df: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """Number the distinct keys of ``rows``; a blank ("") key cell equals a missing one."""

    def parts():  # one column's codes at a time
        for col in KEY:
            codes, uniques = distinct(df[col])
            codes = codes[rows]
            blank = np.flatnonzero([isinstance(u, str) and u == "" for u in uniques])
            yield np.where(np.isin(codes, blank), -1, codes) if len(blank) else codes

    return combine_codes(parts())[0]


def _resolve_duplicates(df: pd.DataFrame, passed: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the ``passed`` rows of ``df`` with duplicates merged, and the records of the rest.

    The frame is copied once: the rows kept are taken in one go.
    """
    rows = np.flatnonzero(passed)
    key = _key_codes(df, rows)
    dup = np.bincount(key)[key] > 1 if len(key) else np.zeros(0, dtype=bool)
    if not dup.any():  # every row passing (the usual case) needs no copy
        return (
            df if len(rows) == len(df) else df.take(rows),
            pd.DataFrame(columns=QUARANTINE_COLUMNS),
        )
    df = df.take(rows)
    keep = df.loc[~dup]
    merged_rows, records = [], []
    for _, group in df.loc[dup].groupby(key[dup], sort=False):
        conflict = [c for c in _MEASURES if group[c].dropna().nunique() > 1]
        if conflict:
            col = conflict[0]
            given = "; ".join(
                f"{_fmt(v)} in {f} row {r}"
                for v, f, r in zip(group[col], group["raw_file"], group["raw_row"])
            )
            first = group.iloc[0]
            reason = (
                f"{first['unit']} {first['index']} {first['component']} {first['year']} "
                f"is given different {col} values: {given}; parlib keeps every version "
                "in disputed.csv and none in the scores: add a correction to "
                "dataset.yaml when evidence settles it"
            )
            for _, row in group.iterrows():
                records.append(
                    {
                        "dataset": row["dataset"],
                        "raw_file": row["raw_file"],
                        "raw_row": int(row["raw_row"]),
                        "column": _raw_column(row, col),
                        "value": _fmt(row[col]),
                        "rule": "unique_key",
                        "reason": reason,
                    }
                )
            continue
        first = group.iloc[0].copy()
        for col in [*_MEASURES, "points", "derivation", "note", "missing_marker"]:
            if pd.isna(first[col]):
                filled = group[col].dropna()
                if len(filled):
                    first[col] = filled.iloc[0]
        ids = list(dict.fromkeys(group["source_id"].dropna()))
        first["source_id"] = ";".join(ids)
        if "corrected" in group and group["corrected"].any():  # a corrected row keeps saying so
            first["corrected"] = True
            for col, sep in (("published_value", "; "), ("correction_source", ";")):
                parts = [p for v in group[col].dropna() for p in str(v).split(sep)]
                first[col] = sep.join(dict.fromkeys(parts))
        merged_rows.append(first)
        for _, row in group.iloc[1:].iterrows():
            records.append(
                {
                    "dataset": row["dataset"],
                    "raw_file": row["raw_file"],
                    "raw_row": int(row["raw_row"]),
                    "column": "unit",
                    "value": str(row["unit"]),
                    "rule": "duplicate",
                    "reason": (
                        f"the same figure as {first['raw_file']} row {first['raw_row']}; "
                        "merged into that row, which now cites both sources"
                    ),
                }
            )
    merged = pd.DataFrame(merged_rows)
    for col, dtype in keep.dtypes.items():  # text held as Categoricals stays so
        if isinstance(dtype, pd.CategoricalDtype) and len(merged):
            merged[col] = categorical(*distinct(merged[col].astype(object)))
    out = concat_rows([keep, merged], ignore_index=False).sort_index()
    return out, pd.DataFrame(records, columns=QUARANTINE_COLUMNS)


def _fmt(value) -> str:
    if pd.isna(value):
        return "none"
    return f"{value:g}" if isinstance(value, float) else str(value)
