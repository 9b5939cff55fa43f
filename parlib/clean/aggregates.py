"""Published aggregates (averages, spreads, counts) and their checks.

A document often states figures about a whole ranking: "the average of the
18 departments is 93,99%", "10/18 units scored above the average". They are
cleaned into one row per statistic and tested against the unit rows of the
same ranking and against each other. A contradiction is a warning, never a
correction: both figures stay as published.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from parlib.clean import values
from parlib.clean.columns import blank_to_na
from parlib.clean.consistency import WARNING_COLUMNS
from parlib.clean.indices import match_components, match_indices, match_levels
from parlib.clean.provinces import boundaries_by_year, match_provinces_by_era
from parlib.clean.quarantine import Problems
from parlib.clean.units import match_unit_types
from parlib.text import match_key, match_keys

__all__ = ["AGGREGATE_COLUMNS", "STATISTICS", "check_aggregates", "clean_aggregates"]

STATISTICS = (
    "mean",
    "max",
    "min",
    "spread",
    "n_units",
    "count_above_mean",
    "count_at_least",
    "count_below",
    "count_between",
)
AGGREGATE_COLUMNS = [
    "dataset",
    "boundaries",
    "province_code",
    "province",
    "province_code_2025",
    "province_2025",
    "year",
    "level",
    "index",
    "component",
    "statistic",
    "value",
    "n_units",
    "lower",
    "upper",
    "unit",
    "note",
    "source_id",
    "raw_file",
    "raw_row",
]
NATIONAL = {"toan quoc", "ca nuoc", "viet nam", "national", "vietnam", "quoc gia"}
_TOLERANCE = 0.011  # published figures carry two decimals


@cache
def _statistic_aliases() -> dict[str, str]:
    text = resources.files("parlib.reference").joinpath("statistics.csv").read_text("utf-8")
    table = pd.read_csv(pd.io.common.StringIO(text), dtype=str)
    keys = ((match_key(a), s) for a, s in zip(table["alias"], table["statistic"]))
    return {k: s for k, s in keys if k is not None}


def clean_aggregates(
    long: pd.DataFrame,
    *,
    raw_file: str,
    source_id: str,
    dataset: str = "",
    boundaries: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse the rows of an aggregates table.

    Returns ``(aggregates, quarantine)``; every input row ends in one of them.

    Examples
    --------
    >>> long = pd.DataFrame({"raw_row": [2, 3], "province": "Bến Tre", "year": "2021",
    ...     "level": "department", "index": "PAR", "component": None,
    ...     "statistic": ["Trung bình", "count_above_mean"], "value": ["93,99%", "10/18"]})
    >>> agg, bad = clean_aggregates(long, raw_file="a.csv", source_id="s")
    >>> agg[["statistic", "value", "n_units"]].to_dict("records")
    [{'statistic': 'mean', 'value': 93.99, 'n_units': None}, {'statistic': 'count_above_mean', 'value': 10.0, 'n_units': 18}]
    """
    df = long.reset_index(drop=True).copy()
    for col in (
        "province",
        "year",
        "level",
        "index",
        "component",
        "statistic",
        "value",
        "lower",
        "upper",
        "unit",
        "note",
        "source",
        "raw_column",
    ):
        if col not in df.columns:
            df[col] = None
    problems = Problems(df, raw_file=raw_file, dataset=dataset)
    stat = match_keys(df["statistic"]).map(_statistic_aliases())
    problems.add(
        stat.isna(),
        "statistic",
        "statistic",
        df["statistic"],
        f"unknown statistic; use one of {list(STATISTICS)}",
    )
    years = values.parse_years(df["year"])
    problems.add(
        years["year"].isna(), "year", "year", df["year"], "no valid year; write it as 2021"
    )
    index = match_indices(df["index"])
    problems.add(index.isna(), "index", "index", df["index"], "unknown or missing index")
    level = match_levels(df["level"])
    problems.add(level.isna(), "level", "level", df["level"], "unknown or missing level")
    component = match_components(df["component"], index=index)
    prov_text = blank_to_na(df["province"])
    national = prov_text.isna() | match_keys(prov_text.fillna("")).isin(NATIONAL)
    era = boundaries_by_year(years["year"], boundaries)
    prov = match_provinces_by_era(prov_text.where(~national, None), era)
    problems.add(
        ~national & prov["status"].ne("ok"),
        "province",
        "province",
        prov_text,
        prov["reason"].fillna("unknown province"),
    )
    is_count = stat.isin(
        ["count_above_mean", "count_at_least", "count_below", "count_between", "n_units"]
    )
    # "10/18" reads as 10 over a maximum of 18: for a count, 10 of 18 units.
    parsed = values.parse_scores(df["value"])
    value = parsed["percent"].fillna(parsed["number"]).fillna(parsed["points"])
    n_units = parsed["max_points"].where(is_count)
    not_whole = is_count & value.notna() & (value % 1 != 0)
    problems.add(not_whole, "value", "value", df["value"], "a count must be a whole number")
    problems.add(
        value.isna(),
        "value",
        "value",
        df["value"],
        "the value is not a number; write it as 93,99% or 10/18",
    )
    lower, upper = values.parse_numbers(df["lower"]), values.parse_numbers(df["upper"])
    needs = stat.isin(["count_at_least", "count_between"]) & lower.isna()
    needs |= stat.isin(["count_below", "count_between"]) & upper.isna()
    problems.add(
        needs,
        "bounds",
        "lower",
        df["lower"],
        "a count needs its bounds: fill in 'lower' and/or 'upper'",
    )
    units = match_unit_types(blank_to_na(df["unit"]), level=level.fillna("department"))
    out = pd.DataFrame(
        {
            "dataset": dataset,
            "boundaries": era,
            "province_code": prov["province_code"].where(~national),
            "province": prov["province"].where(~national, "Toàn quốc"),
            "province_code_2025": prov["province_code_2025"].where(~national),
            "province_2025": prov["province_2025"].where(~national),
            "year": years["year"],
            "level": level,
            "index": index,
            "component": component.fillna("total"),
            "statistic": stat,
            "value": value,
            "n_units": n_units.round().astype("Int64"),
            "lower": lower,
            "upper": upper,
            "unit": units["unit"].where(blank_to_na(df["unit"]).notna()),
            "note": blank_to_na(df["note"]),
            "source_id": blank_to_na(df["source"]).fillna(source_id),
            "raw_file": raw_file,
            "raw_row": df["raw_row"].astype("int64"),
        }
    )
    bad = problems.mask()
    return out.loc[~bad, AGGREGATE_COLUMNS].reset_index(drop=True), problems.frame()


def check_aggregates(
    aggregates: pd.DataFrame, scores: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Test each aggregate against the unit rows and the other aggregates of its ranking.

    Returns ``(aggregates, warnings)``: the aggregates gain ``computed`` (what
    the rows give, when they can tell), ``check`` (``consistent``,
    ``contradiction`` or ``not_checkable``) and ``detail``.
    """
    out = aggregates.copy()
    out["computed"], out["check"], out["detail"] = np.nan, "not_checkable", ""
    warns = []
    key = [
        "boundaries",
        "province_code",
        "province_code_2025",
        "year",
        "level",
        "index",
        "component",
    ]
    for _, group in out.groupby(key, dropna=False, sort=False):
        rows = _ranking_rows(scores, group.iloc[0])
        stated = {
            s: group.loc[group["statistic"] == s, "value"].iloc[0]
            for s in group["statistic"].unique()
        }
        n_units = group["n_units"].dropna()
        n_units = int(n_units.iloc[0]) if len(n_units) else _n_units(rows, stated)
        complete = n_units is not None and rows["score"].notna().sum() == n_units
        for i, agg in group.iterrows():
            computed, verdict, detail = _check_one(agg, rows, stated, complete)
            out.loc[i, ["computed", "check", "detail"]] = [computed, verdict, detail]
            if verdict == "contradiction":
                warns.append(
                    {
                        "check": "aggregate",
                        "dataset": agg["dataset"],
                        "province": agg["province"],
                        "year": agg["year"],
                        "level": agg["level"],
                        "index": agg["index"],
                        "component": agg["component"],
                        "raw_file": agg["raw_file"],
                        "raw_row": agg["raw_row"],
                        "message": detail,
                    }
                )
    return out, pd.DataFrame(warns, columns=WARNING_COLUMNS)


def _ranking_rows(scores: pd.DataFrame, agg: pd.Series) -> pd.DataFrame:
    if scores.empty:
        return scores
    mask = (
        (scores["year"] == agg["year"])
        & (scores["level"] == agg["level"])
        & (scores["boundaries"] == agg["boundaries"])
        & (scores["index"] == agg["index"])
        & (scores["component"] == agg["component"])
    )
    if agg["level"] != "province" and pd.notna(agg["province_code"]):
        mask &= scores["province_code"] == agg["province_code"]
    elif agg["level"] != "province" and pd.notna(agg["province_code_2025"]):
        mask &= scores["province_code_2025"] == agg["province_code_2025"]
    return scores.loc[mask.fillna(False)]


def _n_units(rows: pd.DataFrame, stated: dict) -> int | None:
    if "n_units" in stated and not pd.isna(stated["n_units"]):
        return int(stated["n_units"])
    sizes = rows["n_units"].dropna().unique() if len(rows) else []
    return int(sizes[0]) if len(sizes) == 1 else None


def _check_one(agg: pd.Series, rows: pd.DataFrame, stated: dict, complete: bool):
    stat, value = agg["statistic"], agg["value"]
    score = rows["score"].dropna() if len(rows) else pd.Series(dtype=float)
    what = (
        f"{agg['index']} {agg['year']} {agg['level']} "
        f"{agg['province']}: the stated {stat} {value:g}"
    )
    where = f" ({agg['raw_file']} row {agg['raw_row']})"
    if stat == "spread" and {"max", "min"} <= stated.keys():
        computed = round(stated["max"] - stated["min"], 6)
        return _verdict(
            computed,
            value,
            what + f" but the stated highest {stated['max']:g} "
            f"and lowest {stated['min']:g} give {computed:g}" + where,
        )
    if stat == "spread" and complete:
        computed = score.max() - score.min()
        return _verdict(computed, value, what + f" but the unit rows give {computed:g}" + where)
    if stat in ("max", "min"):
        named = (
            rows.loc[rows["unit"] == agg["unit"], "score"].dropna()
            if pd.notna(agg.get("unit")) and len(rows)
            else pd.Series(dtype=float)
        )
        extreme = score.max() if stat == "max" else score.min()
        beyond = (score > value + _TOLERANCE) if stat == "max" else (score < value - _TOLERANCE)
        if beyond.any():
            return (extreme, "contradiction", what + f" but a unit row has {extreme:g}" + where)
        clash = _extreme_rank_clash(agg, rows, stat)
        if clash:
            return (np.nan, "contradiction", what + clash + where)
        if len(named):
            return _verdict(
                named.iloc[0],
                value,
                what + f" but {agg['unit']}'s row has {named.iloc[0]:g}" + where,
            )
        if complete:
            return _verdict(extreme, value, what + f" but the unit rows give {extreme:g}" + where)
        return (np.nan, "not_checkable" if score.empty else "consistent", "")
    if stat == "mean" and complete:
        return _verdict(
            score.mean(),
            value,
            what + f" but the {len(score)} unit rows average {score.mean():.2f}" + where,
        )
    if stat == "n_units":
        sizes = rows["n_units"].dropna().unique() if len(rows) else []
        if len(sizes) == 1:
            return _verdict(
                float(sizes[0]), value, what + f" but the ranks give {int(sizes[0])} units" + where
            )
        return (np.nan, "not_checkable", "")
    if stat.startswith("count_"):
        mean = stated.get("mean")
        lo = mean if stat == "count_above_mean" else agg["lower"]
        if stat == "count_above_mean" and mean is None:
            return (np.nan, "not_checkable", "")
        hits = _count(score, stat, lo, agg["upper"])
        if complete:
            return _verdict(float(hits), value, what + f" but the unit rows give {hits}" + where)
        if hits > value:
            return (
                float(hits),
                "contradiction",
                what + f" but already {hits} unit rows qualify" + where,
            )
        return (
            float(hits),
            "consistent",
            f"at least {hits} of the stated {value:g} are in the unit rows",
        )
    return (np.nan, "not_checkable", "")


def _extreme_rank_clash(agg: pd.Series, rows: pd.DataFrame, stat: str) -> str:
    """Say how the named highest/lowest unit's rank contradicts it, or return ''."""
    if pd.isna(agg.get("unit")) or not len(rows):
        return ""
    ranks = rows["rank"].dropna()
    own = rows.loc[rows["unit"] == agg["unit"], "rank"].dropna()
    if not len(own) or not len(ranks):
        return ""
    own_rank = int(own.iloc[0])
    if stat == "max" and own_rank != 1:
        return f" for {agg['unit']}, whose row is ranked {own_rank}, not 1"
    if stat == "min":
        worst = rows.loc[rows["rank"] == ranks.max()].iloc[0]
        if own_rank < int(ranks.max()):
            return (
                f" for {agg['unit']}, whose row is ranked {own_rank} while "
                f"{worst['unit']} is ranked {int(worst['rank'])}"
            )
    return ""


def _count(score: pd.Series, stat: str, lower, upper) -> int:
    if stat == "count_above_mean":
        return int((score > lower).sum())
    if stat == "count_at_least":
        return int((score >= lower).sum())
    if stat == "count_below":
        return int((score < upper).sum())
    return int(((score >= lower) & (score < upper)).sum())


def _verdict(computed: float, stated: float, message: str):
    ok = abs(computed - stated) <= _TOLERANCE
    return (computed, "consistent" if ok else "contradiction", "" if ok else message)
