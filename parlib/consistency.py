"""Consistency checks that warn without rejecting: figures are kept as published.

- :func:`check_rankings`: a rank order that contradicts the score order in one
  ranking, and rankings whose stated number of units disagree;
- :func:`parlib.aggregates.check_aggregates` (next module): published
  aggregates against the unit rows and against each other.

Each check returns a DataFrame of warnings with the columns
:data:`WARNING_COLUMNS`, ready for the cleaning report.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .names import _combine

__all__ = ["RANKING", "WARNING_COLUMNS", "check_rankings"]

RANKING = ["dataset", "boundaries", "year", "level", "index", "component"]
# Below province level, each province ranks its own units.
WITHIN_PROVINCE = ["province_code", "province_code_2025"]
# The columns the checks read: the ranking keys, the figures and what the messages name.
_USED = ["rank", "score", "n_units", "unit", "province", "raw_file", "raw_row"]
WARNING_COLUMNS = ["check", "dataset", "province", "year", "level", "index", "component",
                   "raw_file", "raw_row", "message"]


def check_rankings(scores: pd.DataFrame) -> pd.DataFrame:
    """Warn where a better rank has a lower score, or a ranking has several sizes.

    Ties are respected: units sharing a rank may differ in score.

    Examples
    --------
    >>> rows = pd.DataFrame({"dataset": "d", "boundaries": "legacy", "province_code": "83", "province_code_2025": "86",
    ...     "province": "Bến Tre", "year": 2022, "level": "department", "index": "PAR",
    ...     "component": "total", "unit": ["A", "B", "C"], "score": [97.0, 98.0, 90.0],
    ...     "rank": [1, 2, 3], "n_units": [18, 18, 19], "raw_file": "f.csv", "raw_row": [2, 3, 4]})
    >>> check_rankings(rows)["check"].tolist()
    ['rank_order', 'ranking_size']
    """
    cols = [c for c in RANKING + WITHIN_PROVINCE if c in scores.columns]
    used = [*dict.fromkeys([*cols, *_USED])]
    df = scores.loc[scores["rank"].notna().to_numpy(dtype=bool),
                    [c for c in used if c in scores.columns]]
    if df.empty:
        return pd.DataFrame(columns=WARNING_COLUMNS)
    # Rankings are numbered on codes: a province-level ranking is national, so its
    # rows share one code for the within-province columns.
    national = df["level"].astype(object).eq("province").to_numpy()
    keys = []
    for col in cols:
        codes = pd.factorize(df[col], use_na_sentinel=False)[0]
        keys.append(np.where(national, -1, codes) if col in WITHIN_PROVINCE else codes)
    df = df.assign(_g=_combine(*keys)[0])  # numbered in order of first appearance
    warnings = [_rank_order(df), _ranking_size(df)]
    out = pd.concat([w for w in warnings if len(w)], ignore_index=True) if any(
        len(w) for w in warnings) else pd.DataFrame(columns=WARNING_COLUMNS)
    return out[WARNING_COLUMNS]


def _rank_order(df: pd.DataFrame) -> pd.DataFrame:
    """One warning per ranking whose rank order contradicts its scores, with the first case."""
    scored = df.loc[df["score"].notna()]
    if scored.empty:
        return pd.DataFrame(columns=WARNING_COLUMNS)
    by_rank = (scored.groupby(["_g", "rank"], sort=True)
               .agg(lo=("score", "min"), hi=("score", "max")).reset_index())
    by_rank["better_min"] = by_rank.groupby("_g")["lo"].cummin().groupby(
        by_rank["_g"]).shift()
    bad = by_rank.loc[by_rank["hi"] > by_rank["better_min"] + 1e-9]
    if bad.empty:
        return pd.DataFrame(columns=WARNING_COLUMNS)
    counts = bad.groupby("_g").size()
    first = bad.drop_duplicates("_g")
    cols = ["_g", "rank", "score", "unit", "raw_file", "raw_row"]
    worse = first.merge(scored, left_on=["_g", "rank", "hi"], right_on=["_g", "rank", "score"])
    worse = worse.drop_duplicates("_g")
    above = first[["_g", "rank", "better_min"]].merge(
        scored[cols], left_on=["_g", "better_min"], right_on=["_g", "score"],
        suffixes=("", "_above"))
    above = above.loc[above["rank_above"] < above["rank"]].drop_duplicates("_g")
    # One message per ranking, built from plain lists: a million-row panel can have
    # tens of thousands of contradicting rankings.
    pair = worse.merge(above[["_g", "unit", "rank_above", "score", "raw_file", "raw_row"]],
                       on="_g", suffixes=("", "_a"))
    more = pair["_g"].map(counts).to_numpy() - 1
    messages = [
        f"{unit} is ranked {int(rank)} with {score:g} but {unit_a} is ranked higher "
        f"({int(rank_a)}) with a lower score ({score_a:g}) ({file} row {row}, "
        f"{file_a} row {row_a})"
        + (f"; {m} more rank(s) of this ranking contradict the scores" if m else "")
        for unit, rank, score, unit_a, rank_a, score_a, file, row, file_a, row_a, m in zip(
            pair["unit"].tolist(), pair["rank"].tolist(), pair["score"].tolist(),
            pair["unit_a"].tolist(), pair["rank_above"].tolist(), pair["score_a"].tolist(),
            pair["raw_file"].tolist(), pair["raw_row"].tolist(), pair["raw_file_a"].tolist(),
            pair["raw_row_a"].tolist(), more.tolist())]
    return _warnings("rank_order", pair, messages)


def _ranking_size(df: pd.DataFrame) -> pd.DataFrame:
    sized = df.loc[df["n_units"].notna()]
    counts = sized.groupby("_g")["n_units"].nunique()
    firsts, messages = [], []
    for g in counts.index[counts > 1]:
        group = sized.loc[sized["_g"] == g]
        sizes = sorted(int(n) for n in group["n_units"].unique())
        first = group.iloc[0]
        firsts.append(first)
        messages.append(
            f"the ranking of {first['index']} {first['year']} ({first['level']}, "
            f"{first['province']}) gives different numbers of units ranked: {sizes}")
    return _warnings("ranking_size", pd.DataFrame(firsts, columns=sized.columns), messages)


def _warnings(check: str, rows: pd.DataFrame, messages: list[str]) -> pd.DataFrame:
    """The warnings of ``check`` for ``rows`` (one per message), in :data:`WARNING_COLUMNS`."""
    out = pd.DataFrame({col: (rows[col].to_numpy() if col in rows.columns else None)
                        for col in WARNING_COLUMNS if col not in ("check", "message")})
    out.insert(0, "check", check)
    out["message"] = messages
    return out[WARNING_COLUMNS]
