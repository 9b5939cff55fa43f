"""Trends in the clean ``scores`` table: scores by year beside their reference, and changes.

Every function is pure: it takes the long-form ``scores`` table (one row per
figure) and returns a new DataFrame. Filters are keyword-only options; a filter
that matches nothing raises a ValueError naming the value and what is available.

Only ``index``, ``component``, ``level``, ``unit``, ``year`` and ``score`` are
required; the other columns of the clean table are used when present.

>>> scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "province",
...     "province": ["Bến Tre"] * 3 + ["Trà Vinh"] * 2, "year": [2019, 2020, 2021, 2019, 2021],
...     "score": [80.0, 82.5, 85.0, 78.0, 79.0]}).assign(unit=lambda d: d["province"])
>>> compute_trend(scores, index="PAR")[["unit", "year", "score", "change", "mean"]]
       unit  year  score  change  mean
0   Bến Tre  2019   80.0     NaN  79.0
1   Bến Tre  2020   82.5     2.5   NaN
2   Bến Tre  2021   85.0     2.5  82.0
3  Trà Vinh  2019   78.0     NaN  79.0
4  Trà Vinh  2020    NaN     NaN   NaN
5  Trà Vinh  2021   79.0     NaN  82.0
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parlib.analysis.select import (
    UNIT_COLUMNS,
    Names,
    Years,
    dedupe_scores,
    pick_provinces,
    pick_rows,
    select_prepared,
)
from parlib.errors import ParameterError, SelectionError

__all__ = ["compute_changes", "compute_trend", "count_provinces", "describe_by_year",
           "reference_rows"]

_REFERENCE_COLS = ["mean", "sd", "q25", "q75", "n", "n_expected", "reference",
                   "reference_source"]


def describe_by_year(scores: pd.DataFrame, *, index: str, component: str = "total",
                     level: str = "province", unit_type: Names = None,
                     years: Years = None) -> pd.DataFrame:
    """Return the distribution of all units' scores in each year.

    Returns
    -------
    DataFrame
        One row per year: ``year, n, mean, sd, min, q25, median, q75, max``
        (``sd`` with ddof=1; NaN when n < 2).

    Examples
    --------
    >>> scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "province",
    ...     "unit": ["A", "B", "C"], "year": 2021, "score": [80.0, 90.0, 85.0]})
    >>> describe_by_year(scores, index="PAR")[["year", "n", "mean", "median"]]
       year  n  mean  median
    0  2021  3  85.0    85.0
    """
    data = dedupe_scores(select_prepared(scores, index=index, component=component, level=level,
                                         unit_type=unit_type, years=years))
    return _describe(data)


def compute_trend(scores: pd.DataFrame, *, index: str, component: str = "total",
                  level: str = "province", provinces: Names = None, unit_type: Names = None,
                  years: Years = None, aggregates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return each chosen unit's score by year beside the reference it is set against.

    The chosen units get one row for every year from the first to the last year
    of the level, so a year without a figure is a row with a NaN score (never
    interpolated). ``change`` is the difference from the unit's previous
    consecutive year, NaN when that year has no figure; it is computed before
    ``years`` is applied.

    The reference (``mean``, ``sd``, ``q25``, ``q75``, ``n``) is fair by
    construction:

    - below province level, a unit is set only against the units of **its own
      province** in the same year (each province scores its departments and
      districts with its own criteria): ``reference`` is "province";
    - at province level, the **published national average** of that year where
      ``aggregates`` has one (``reference`` "national", ``reference_source``
      its document; ``n`` is the number of provinces of the era), otherwise the
      mean of the provinces in the data (``reference`` "dataset"), whose ``n``
      may be far below ``n_expected`` (63 provinces until 30 June 2025, 34
      after). The interquartile band is given only when the data covers every
      province.

    Returns
    -------
    DataFrame
        ``province_code, province, province_code_2025, province_2025, unit,
        unit_type, year, score, change, mean, sd, q25, q75, n, n_expected,
        reference, reference_source, synthetic``.

    Examples
    --------
    See the module docstring.
    """
    base = dedupe_scores(select_prepared(scores, index=index, component=component, level=level,
                                         unit_type=unit_type))
    chosen = base if provinces is None else pick_provinces(
        base, provinces, f"index={index!r}, level={level!r}", scores)
    summary = _reference_summary(base, chosen, level=level, index=index, component=component,
                                 aggregates=aggregates)
    if level != "province":  # the years of the chosen units' own provinces
        summary = summary.loc[summary["province_code"].isin(chosen["province_code"].dropna()
                                                            .unique()).to_numpy(dtype=bool)]
    present = pd.concat([chosen["year"], summary["year"]]).dropna().astype(int)
    span = range(int(present.min()), int(present.max()) + 1)
    frame = (chosen.drop_duplicates("_key")[["_key", *UNIT_COLUMNS]]
             .merge(pd.DataFrame({"year": pd.array(span, "Int64")}), how="cross")
             .merge(chosen[["_key", "year", "score", "synthetic"]], how="left",
                    on=["_key", "year"]))
    previous = frame[["_key", "year", "score"]].assign(year=frame["year"] + 1)
    frame = frame.merge(previous, on=["_key", "year"], how="left", suffixes=("", "_previous"))
    frame = frame.assign(change=frame["score"] - frame.pop("score_previous"),
                         synthetic=frame["synthetic"].fillna(False).astype(bool))
    on = ["year"] if level == "province" else ["province_code", "year"]
    frame = frame.merge(summary, on=on, how="left")
    if years is not None:
        frame = pick_rows(frame, "year", years)
    frame = frame.sort_values(["province_code", "province", "unit", "year"], kind="stable")
    return frame[[*UNIT_COLUMNS, "year", "score", "change", *_REFERENCE_COLS,
                  "synthetic"]].reset_index(drop=True)


def reference_rows(scores: pd.DataFrame, *, index: str, component: str = "total",
                   level: str = "province", provinces: Names = None, unit_type: Names = None,
                   aggregates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the rows behind the reference of :func:`compute_trend`, one per unit and year.

    Below province level: every unit of the chosen units' provinces. At province
    level: the published national averages (``unit`` "Toàn quốc", ``statistic``
    "mean") for the years that have one, and the provinces' own rows for the
    other years.

    Examples
    --------
    >>> scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "department",
    ...     "province": ["Bến Tre", "Bến Tre", "Tây Ninh"], "province_code": ["83", "83", "72"],
    ...     "unit": ["Sở Y tế", "Sở Nội vụ", "Sở Y tế"], "year": 2022, "score": [90.0, 80, 70]})
    >>> reference_rows(scores, index="PAR", level="department", provinces="Bến Tre")["unit"].tolist()
    ['Sở Y tế', 'Sở Nội vụ']
    """
    if level != "province":  # the chosen units' provinces are the whole reference
        group = dedupe_scores(select_prepared(scores, index=index, component=component,
                                              level=level, provinces=provinces,
                                              unit_type=unit_type))
        codes = group["province_code"].dropna().unique()
        group = group.dropna(subset=["score"]).drop(columns="_key")
        means = _published_means(aggregates, index=index, component=component, level=level)
        means = means.loc[means["province_code"].isin(codes).to_numpy(dtype=bool)]
        if means.empty:
            return group
        key = group["province_code"].astype("string") + "|" + group["year"].astype("string")
        published = means["province_code"] + "|" + means["year"].astype("string")
        group = group.loc[~key.isin(published).to_numpy(dtype=bool)]
        rows = means.assign(unit=means["province"], index=index, component=component,
                            level=level, statistic="mean")
        return pd.concat([group, rows], ignore_index=True) if len(group) else rows
    base = dedupe_scores(select_prepared(scores, index=index, component=component, level=level,
                                         unit_type=unit_type))
    national = _published_means(aggregates, index=index, component=component)
    own = base.dropna(subset=["score"])
    own = own.loc[~own["year"].isin(national["year"]).to_numpy(dtype=bool)].drop(columns="_key")
    if national.empty:
        return own
    rows = pd.DataFrame({"province": national["province"], "unit": national["province"],
                         "year": national["year"].astype("Int64"), "index": index,
                         "component": component, "level": "province",
                         "score": national["score"], "source_id": national["source_id"],
                         "statistic": "mean"})
    return pd.concat([own, rows], ignore_index=True) if len(own) else rows


def count_provinces(boundaries: str = "legacy") -> int:
    """Return the number of provinces of an era: 63 before 1 July 2025, 34 after.

    Examples
    --------
    >>> count_provinces(), count_provinces("2025")
    (63, 34)
    """
    from parlib.reference import provinces

    return len(provinces(era="2025" if str(boundaries) == "2025" else "legacy"))


def compute_changes(scores: pd.DataFrame, *, index: str, component: str = "total",
                    level: str = "province", start: int | None = None, end: int | None = None,
                    n: int = 5, provinces: Names = None, unit_type: Names = None) -> pd.DataFrame:
    """Return the units whose score rose or fell most between two years.

    Parameters
    ----------
    start, end
        The years compared; by default the first and last year with scores.
    n
        How many risers and how many fallers to keep. Units without a score in
        both years are left out; a change of exactly 0 is neither.

    Returns
    -------
    DataFrame
        ``unit, province, province_code, unit_type, start_year, end_year,
        start_score, end_score, change, direction, synthetic``: risers
        (largest rise first) then fallers (largest fall first).

    Examples
    --------
    >>> scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "province",
    ...     "unit": ["A", "A", "B", "B"], "year": [2019, 2021, 2019, 2021],
    ...     "score": [80.0, 85.0, 90.0, 88.0]})
    >>> compute_changes(scores, index="PAR")[["unit", "change", "direction"]]
      unit  change direction
    0    A     5.0     riser
    1    B    -2.0    faller
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ParameterError(f"The value for `n` must be a positive integer, but {n!r} was passed.")
    data = dedupe_scores(select_prepared(scores, index=index, component=component, level=level,
                                         provinces=provinces, unit_type=unit_type)
                         ).dropna(subset=["score"])
    present = sorted(int(y) for y in data["year"].unique())
    start = present[0] if start is None else start
    end = present[-1] if end is None else end
    for name, year in (("start", start), ("end", end)):
        if year not in present:
            raise SelectionError(f"No rows for {name}={year!r}; available: {present}.")
    if start >= end:
        raise ParameterError(f"`start` must be before `end`, but start={start} and end={end} "
                             "were passed.")
    first = data.loc[data["year"] == start, ["_key", *UNIT_COLUMNS, "score", "synthetic"]]
    both = first.merge(data.loc[data["year"] == end, ["_key", "score", "synthetic"]], on="_key")
    both = both.assign(start_score=both["score_x"], end_score=both["score_y"],
                       change=both["score_y"] - both["score_x"],
                       synthetic=both["synthetic_x"] | both["synthetic_y"])
    both = both.sort_values(["province", "unit"], kind="stable")
    risers = both.loc[both["change"] > 0].nlargest(n, "change").assign(direction="riser")
    fallers = both.loc[both["change"] < 0].nsmallest(n, "change").assign(direction="faller")
    out = pd.concat([risers, fallers], ignore_index=True).assign(start_year=start, end_year=end)
    return out[["unit", "province", "province_code", "unit_type", "start_year", "end_year",
                "start_score", "end_score", "change", "direction", "synthetic"]]


def _published_means(aggregates: pd.DataFrame | None, *, index: str, component: str,
                     level: str = "province") -> pd.DataFrame:
    """Published averages of one index, component and level.

    At province level the national averages (rows without a province code);
    below it each province's average of its own units. Columns ``province_code,
    province, year, score, source_id``.
    """
    columns = ["province_code", "province", "year", "score", "source_id"]
    if aggregates is None or aggregates.empty:
        return pd.DataFrame(columns=columns).astype({"year": "Int64", "score": float})
    agg = aggregates
    code = (agg["province_code"].astype("string") if "province_code" in agg
            else pd.Series(pd.NA, index=agg.index, dtype="string"))
    comp = (agg["component"].astype("string").fillna("total") if "component" in agg
            else pd.Series("total", index=agg.index))
    where = code.isna() if level == "province" else code.notna()
    hit = ((agg["statistic"].astype("string") == "mean") & (agg["index"].astype("string") == index)
           & (agg["level"].astype("string") == level) & (comp == component)
           & where).fillna(False).to_numpy(dtype=bool)
    rows = agg.loc[hit]
    out = pd.DataFrame({"province_code": code[hit],
                        "province": rows["province"].astype("string"),
                        "year": pd.to_numeric(rows["year"]).astype("Int64"),
                        "score": pd.to_numeric(rows["value"], errors="coerce").astype(float),
                        "source_id": rows["source_id"].astype("string")})
    out = out.dropna(subset=["score"]).drop_duplicates(["province_code", "year"])
    return out.reset_index(drop=True)


def _reference_summary(base: pd.DataFrame, chosen: pd.DataFrame, *, level: str, index: str,
                       component: str, aggregates: pd.DataFrame | None) -> pd.DataFrame:
    """The reference of each (year) or (province, year): see :func:`compute_trend`."""
    if level != "province":
        data = base.dropna(subset=["score"])
        groups = data.groupby(["province_code", "year"], observed=True)["score"]
        out = pd.DataFrame({"n": groups.count().astype("Int64"), "mean": groups.mean(),
                            "sd": groups.std(ddof=1), "q25": groups.quantile(0.25),
                            "q75": groups.quantile(0.75)}).reset_index()
        out = _enough(out)
        out = out.assign(n_expected=pd.array([pd.NA] * len(out), "Int64"),
                         reference="province",
                         reference_source=pd.array([pd.NA] * len(out), "string"))
        published = _published_means(aggregates, index=index, component=component, level=level)
        return _use_published(out, published, on=["province_code", "year"],
                              kind="province_published", n=None)
    era = "2025" if ("boundaries" in base and base["boundaries"].astype("string")
                     .eq("2025").fillna(False).any()) else "legacy"
    expected = count_provinces(era)
    out = _enough(_describe(base).drop(columns=["min", "median", "max"]))
    out = out.assign(n_expected=pd.array([expected] * len(out), "Int64"), reference="dataset",
                     reference_source=pd.array([pd.NA] * len(out), "string"))
    partial = (out["n"].astype(float) < expected).to_numpy()
    out.loc[partial, ["q25", "q75"]] = np.nan  # the spread of a handful is no national band
    national = _published_means(aggregates, index=index, component=component)
    return _use_published(out, national, on=["year"], kind="national", n=expected)


def _enough(out: pd.DataFrame) -> pd.DataFrame:
    """No mean of a single unit (it is that unit), no spread of fewer than three."""
    out = out.copy()
    n = out["n"].astype(float).to_numpy()
    out.loc[n < 2, ["mean", "sd"]] = np.nan
    out.loc[n < 3, ["q25", "q75"]] = np.nan
    return out


def _use_published(out: pd.DataFrame, published: pd.DataFrame, *, on: list[str], kind: str,
                   n: int | None) -> pd.DataFrame:
    """Replace computed means by published ones where there are; no band beside them."""
    if len(published):
        if "province_code" in on:
            out = out.astype({"province_code": "string"})
        out = out.merge(published[[*on, "score", "source_id"]], on=on, how="outer")
        hit = out["score"].notna().to_numpy()
        out.loc[hit, "mean"] = out.loc[hit, "score"]
        out.loc[hit, ["sd", "q25", "q75"]] = np.nan
        if n is not None:
            out.loc[hit, "n"] = n
            out.loc[hit, "n_expected"] = n
        out.loc[hit, "reference"] = kind
        out.loc[hit, "reference_source"] = out.loc[hit, "source_id"]
        out = out.drop(columns=["score", "source_id"])
    return out.astype({"n": "Int64", "n_expected": "Int64", "reference_source": "string"})


def _describe(data: pd.DataFrame) -> pd.DataFrame:
    scores = data.dropna(subset=["score"]).groupby("year")["score"]
    out = pd.DataFrame({"n": scores.count().astype("Int64"), "mean": scores.mean(),
                        "sd": scores.std(ddof=1), "min": scores.min(),
                        "q25": scores.quantile(0.25), "median": scores.median(),
                        "q75": scores.quantile(0.75), "max": scores.max()})
    return out.rename_axis("year").reset_index()
