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
    """One warning per ranking whose rank order contradicts its scores, with the first case.

    The first case of a ranking is its best rank whose highest score beats the
    lowest score of a better rank; the message names the first row (in table
    order) with each of the two scores.
    """
    scored = df.loc[df["score"].notna().to_numpy(dtype=bool)]
    if scored.empty:
        return pd.DataFrame(columns=WARNING_COLUMNS)
    g = scored["_g"].to_numpy()
    rank = scored["rank"].to_numpy(dtype=np.int64)
    score = scored["score"].to_numpy(dtype=np.float64)
    # Lowest and highest score of each (ranking, rank), rankings and ranks in order.
    order = np.lexsort((rank, g))
    gs, rs = g[order], rank[order]
    starts = np.flatnonzero(np.r_[True, (gs[1:] != gs[:-1]) | (rs[1:] != rs[:-1])])
    lo = np.minimum.reduceat(score[order], starts)
    hi = np.maximum.reduceat(score[order], starts)
    ranking, ranked = gs[starts], rs[starts]
    # The lowest score among the better ranks of the same ranking.
    better = pd.Series(lo).groupby(ranking).cummin().groupby(ranking).shift().to_numpy()
    bad = np.flatnonzero(hi > better + 1e-9)
    if not len(bad):
        return pd.DataFrame(columns=WARNING_COLUMNS)
    counts = np.bincount(ranking[bad])
    first = bad[np.r_[True, ranking[bad][1:] != ranking[bad][:-1]]]  # best bad rank of each
    size = int(g.max()) + 1
    at_rank, top, low = np.full(size, -1), np.full(size, np.nan), np.full(size, np.nan)
    at_rank[ranking[first]], top[ranking[first]] = ranked[first], hi[first]
    low[ranking[first]] = better[first]
    worse = _first_of_each(g, (rank == at_rank[g]) & (score == top[g]))
    above = _first_of_each(g, (score == low[g]) & (rank < at_rank[g]))
    both = np.intersect1d(worse.index, above.index)  # every ranking, in ranking order
    cols = ["unit", "rank", "score", "raw_file", "raw_row"]
    pair = scored.iloc[worse[both].to_numpy()].reset_index(drop=True)
    other = scored.iloc[above[both].to_numpy()][cols].reset_index(drop=True)
    pair = pair.join(other.rename(columns={"rank": "rank_above", "unit": "unit_a",
                                           "score": "score_a", "raw_file": "raw_file_a",
                                           "raw_row": "raw_row_a"}))
    # One message per ranking, built from plain lists: a million-row panel can have
    # tens of thousands of contradicting rankings.
    more = counts[both] - 1
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


def _first_of_each(groups: np.ndarray, where: np.ndarray) -> pd.Series:
    """The position of the first row of each group where ``where`` holds, by group."""
    rows = np.flatnonzero(where)
    found, first = np.unique(groups[rows], return_index=True)
    return pd.Series(rows[first], index=found)


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
