"""Statistics on the clean ``scores`` table: trends, changes, correlations, percentiles.

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

import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd
from scipy import stats as st

from parlib.errors import ArgumentTypeError, ColumnError, ParameterError, SelectionError
from parlib.viz.labels import component_rank
from parlib.analysis.resolve import (did_you_mean, resolve_name, select_provinces, select_values,
                      suggest_names)

__all__ = ["CorrelationResult", "compute_changes", "compute_correlation",
           "compute_correlation_matrix", "compute_percentiles", "compute_trend",
           "count_provinces", "describe_by_year", "group_to_2025", "reference_rows",
           "select_scores"]

Names = str | Iterable[str] | None
Years = int | Iterable[int] | None

_REQUIRED = ["index", "component", "level", "unit", "year", "score"]
_OPTIONAL = {"province": pd.NA, "province_code": pd.NA, "province_code_2025": pd.NA,
             "province_2025": pd.NA, "unit_type": pd.NA, "synthetic": False,
             "dataset_kind": pd.NA, "rank": pd.NA, "n_units": pd.NA}
_KIND_ORDER = {"official": 0, "compiled": 1, "synthetic": 2}
_UNIT_COLS = ["province_code", "province", "province_code_2025", "province_2025", "unit",
              "unit_type"]
_REFERENCE_COLS = ["mean", "sd", "q25", "q75", "n", "n_expected", "reference",
                   "reference_source"]
_METHODS = ["kendall", "pearson", "spearman"]
_HOWS = ["mean", "median"]
_Z95 = st.norm.ppf(0.975)


def select_scores(scores: pd.DataFrame, *, index: str, component: str = "total",
                  level: str = "province", provinces: Names = None, unit_type: Names = None,
                  years: Years = None) -> pd.DataFrame:
    """Return the rows of one index, component and level, optionally of some units and years.

    Parameters
    ----------
    scores
        The clean long-form scores table.
    index, component, level
        The ranking to select, e.g. ``index="PAR", component="procedures"``.
    provinces
        Province codes ("83") or names ("Bến Tre", "ben tre"); None keeps all.
    unit_type
        Department type key(s) such as "cong_thuong"; None keeps all.
    years
        A year or years (``range(2019, 2024)``); years without rows are ignored.

    Returns
    -------
    DataFrame
        The matching rows, with the columns of ``scores``.

    Raises
    ------
    ValueError
        When a filter matches nothing; the message lists the available values.

    Examples
    --------
    >>> scores = pd.DataFrame({"index": ["PAR", "SIPAS"], "component": "total",
    ...     "level": "province", "unit": "Bến Tre", "year": 2021, "score": [85.0, 82.0]})
    >>> select_scores(scores, index="SIPAS")["score"].tolist()
    [82.0]
    >>> select_scores(scores, index="PARX")
    Traceback (most recent call last):
    ...
    parlib.errors.SelectionError: No rows for index='PARX'; available: ['PAR', 'SIPAS']. Did you mean 'PAR'?
    """
    data = _select(scores, index=index, component=component, level=level, provinces=provinces,
                   unit_type=unit_type, years=years)
    return data[list(scores.columns)]


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
    data = _dedupe(_select(scores, index=index, component=component, level=level,
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
    base = _dedupe(_select(scores, index=index, component=component, level=level,
                           unit_type=unit_type))
    chosen = base if provinces is None else _pick_provinces(
        base, provinces, f"index={index!r}, level={level!r}", scores)
    summary = _reference_summary(base, chosen, level=level, index=index, component=component,
                                 aggregates=aggregates)
    if level != "province":  # the years of the chosen units' own provinces
        summary = summary.loc[summary["province_code"].isin(chosen["province_code"].dropna()
                                                            .unique()).to_numpy(dtype=bool)]
    present = pd.concat([chosen["year"], summary["year"]]).dropna().astype(int)
    span = range(int(present.min()), int(present.max()) + 1)
    frame = (chosen.drop_duplicates("_key")[["_key", *_UNIT_COLS]]
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
    return frame[[*_UNIT_COLS, "year", "score", "change", *_REFERENCE_COLS,
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
        group = _dedupe(_select(scores, index=index, component=component, level=level,
                                provinces=provinces, unit_type=unit_type))
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
    base = _dedupe(_select(scores, index=index, component=component, level=level,
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
    data = _dedupe(_select(scores, index=index, component=component, level=level,
                           provinces=provinces, unit_type=unit_type)).dropna(subset=["score"])
    present = sorted(int(y) for y in data["year"].unique())
    start = present[0] if start is None else start
    end = present[-1] if end is None else end
    for name, year in (("start", start), ("end", end)):
        if year not in present:
            raise SelectionError(f"No rows for {name}={year!r}; available: {present}.")
    if start >= end:
        raise ParameterError(f"`start` must be before `end`, but start={start} and end={end} "
                             "were passed.")
    first = data.loc[data["year"] == start, ["_key", *_UNIT_COLS, "score", "synthetic"]]
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


@dataclass(frozen=True, eq=False)
class CorrelationResult:
    """The correlation of two score series matched on (province, unit, year).

    ``message`` is non-empty (and the statistics NaN) when fewer than 3 pairs
    remain or one side does not vary. ``pairs`` has one row per matched pair with
    the fitted ``residual``, the externally studentised residual and ``outlier``
    (|studentised residual| > 2).
    """

    x: str
    y: str
    years: tuple[int, ...]
    level: str
    n: int
    pearson_r: float = np.nan
    pearson_ci_low: float = np.nan
    pearson_ci_high: float = np.nan
    pearson_p: float = np.nan
    spearman_rho: float = np.nan
    spearman_p: float = np.nan
    slope: float = np.nan
    intercept: float = np.nan
    pairs: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    message: str = ""
    ci_method: str = "fisher_z"
    n_clusters: int = 0
    by_year: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    @property
    def pooled(self) -> bool:
        """Whether the pairs come from more than one year."""
        return len(self.years) > 1

    def to_frame(self) -> pd.DataFrame:
        """Return the result as a one-row DataFrame (without the pairs)."""
        row = {f.name: getattr(self, f.name) for f in fields(self)
               if f.name not in ("pairs", "by_year")}
        row["years"] = _years_text(self.years)
        return pd.DataFrame([row])


def compute_correlation(scores: pd.DataFrame, *, x: str, y: str, years: Years = None,
                        level: str = "province") -> CorrelationResult:
    """Correlate two indices or components across units, pooled over the years given.

    Parameters
    ----------
    x, y
        "PAR", "SIPAS", "PAPI" (the total) or "INDEX:component", e.g. "PAR:procedures".
    years
        A year or years; None pools every year. Pooling treats a unit's figures
        in different years as independent pairs, which overstates certainty.

    Returns
    -------
    CorrelationResult
        Pearson r with its 95% interval and p-value, Spearman rho and p-value,
        the least-squares slope and intercept, and the pairs. In one year the
        interval is Fisher's z (``ci_method`` "fisher_z"). Pooled over years, a
        unit (province) gives one pair a year, so its pairs are not independent:
        the interval is then a percentile bootstrap that resamples whole units
        (2,000 resamples, fixed seed; ``ci_method`` "cluster_bootstrap",
        ``n_clusters`` units), and ``by_year`` holds one coefficient per year
        with its own Fisher interval. The p-values still treat pairs as
        independent. With fewer than 3 pairs no exception is raised:
        ``message`` says why.

    Examples
    --------
    >>> scores = pd.DataFrame({"index": ["PAR"] * 4 + ["SIPAS"] * 4, "component": "total",
    ...     "level": "province", "unit": list("ABCD") * 2, "year": 2021,
    ...     "score": [80.0, 85.0, 90.0, 95.0, 70.0, 74.0, 79.0, 83.0]})
    >>> result = compute_correlation(scores, x="PAR", y="SIPAS")
    >>> result.n, round(result.pearson_r, 3), round(result.slope, 2)
    (4, 0.999, 0.88)
    >>> compute_correlation(scores.iloc[[0, 1, 4, 5]], x="PAR", y="SIPAS").message
    'Only 2 pairs of PAR and SIPAS in 2021; at least 3 are needed for a correlation.'
    """
    data = prepare_scores(scores)
    sides = []
    for spec in (x, y):
        index, component = _parse_spec(spec, data)
        side = _dedupe(_select(data, index=index, component=component, level=level))
        if years is not None:
            side = side.loc[side["year"].isin(_years_list(years))]
        sides.append(side.dropna(subset=["score"]))
    pairs = sides[0][["_key", "unit", "province", "province_code", "year", "score", "synthetic"]]
    pairs = pairs.merge(sides[1][["_key", "year", "score", "synthetic"]], on=["_key", "year"])
    pairs = pairs.assign(x=pairs.pop("score_x"), y=pairs.pop("score_y"),
                         synthetic=pairs.pop("synthetic_x") | pairs.pop("synthetic_y"))
    pairs = pairs.drop(columns="_key").sort_values(["year", "province", "unit"], kind="stable")
    pairs = pairs.reset_index(drop=True)
    found = sorted(int(v) for v in pairs["year"].unique())
    shown = found or (sorted(_years_list(years)) if years is not None else [])
    where = f" in {_years_text(shown)}" if shown else ""
    base = {"x": x, "y": y, "years": tuple(found), "level": level, "n": len(pairs)}
    flat = [(s, v.iloc[0]) for s, v in ((x, pairs["x"]), (y, pairs["y"])) if v.nunique() == 1]
    if len(pairs) < 3 or flat:
        head = "No pairs" if len(pairs) == 0 else f"Only {len(pairs)} pair" + (
            "s" if len(pairs) > 1 else "")
        msg = (f"{head} of {x} and {y}{where}; at least 3 are needed for a correlation."
               if len(pairs) < 3 else f"{flat[0][0]} is {flat[0][1]:g} for all {len(pairs)} "
               f"pairs{where}; a correlation needs scores that vary.")
        return CorrelationResult(**base, pairs=_with_residuals(pairs, np.nan, np.nan), message=msg)
    pearson = st.pearsonr(pairs["x"], pairs["y"])
    spearman = st.spearmanr(pairs["x"], pairs["y"])
    fit = st.linregress(pairs["x"], pairs["y"])
    r = float(pearson.statistic)
    low, high = _fisher_ci(r, len(pairs))
    clusters = pairs["province"].astype("string").fillna("") + "|" + pairs["unit"].astype(str)
    extra = {"n_clusters": int(clusters.nunique())}
    if len(found) > 1:  # a unit's pairs in different years are not independent
        low, high = _cluster_bootstrap_ci(pairs["x"].to_numpy(float), pairs["y"].to_numpy(float),
                                          clusters.to_numpy())
        extra.update(ci_method="cluster_bootstrap",
                     by_year=_by_year(pairs, x=x, y=y, level=level))
    return CorrelationResult(**base, **extra, pearson_r=r, pearson_ci_low=low,
                             pearson_ci_high=high,
                             pearson_p=float(pearson.pvalue),
                             spearman_rho=float(spearman.statistic),
                             spearman_p=float(spearman.pvalue), slope=float(fit.slope),
                             intercept=float(fit.intercept),
                             pairs=_with_residuals(pairs, fit.slope, fit.intercept))


def compute_correlation_matrix(scores: pd.DataFrame, *, index: str | None = None,
                               components: Iterable[str] | None = None, years: Years = None,
                               level: str = "province", method: str = "pearson") -> pd.DataFrame:
    """Return the square matrix of pairwise correlations between components or indices.

    Variables are named like :func:`compute_correlation` specs: "PAR" for the
    PAR total, "PAR:procedures" for a component. With ``index`` alone: its total
    then its components (in the reference order); with ``components``: those (bare keys need
    ``index``); with neither: the totals of every index at the level. Pairs are
    matched on (province, unit, year); a cell needs at least 3 pairs, else NaN.

    Returns
    -------
    DataFrame
        Square, symmetric, ones on the diagonal. ``.attrs["n"]`` holds the
        number of pairs of every cell as ``{column: {row: n}}``,
        ``.attrs["method"]`` the method and ``.attrs["synthetic"]`` whether any
        row was synthetic.

    Examples
    --------
    >>> scores = pd.DataFrame({"index": ["PAR"] * 4 + ["SIPAS"] * 4, "component": "total",
    ...     "level": "province", "unit": list("ABCD") * 2, "year": 2021,
    ...     "score": [80.0, 85.0, 90.0, 95.0, 70.0, 74.0, 79.0, 83.0]})
    >>> matrix = compute_correlation_matrix(scores, method="spearman")
    >>> matrix
           PAR  SIPAS
    PAR    1.0    1.0
    SIPAS  1.0    1.0
    >>> matrix.attrs["n"]["PAR"]["SIPAS"]
    4
    """
    if method not in _METHODS:
        raise ParameterError(f"The value for `method` must be one of {_METHODS}, but {method!r} "
                             "was passed.")
    data = pick_rows(prepare_scores(scores), "level", level)
    if years is not None:
        data = pick_rows(data, "year", years)
    specs = _matrix_specs(data, index=index, components=components)
    columns = {spec: _dedupe(_select(data, index=idx, component=comp, level=level))
               .set_index(["_key", "year"])["score"]
               for spec, (idx, comp) in ((s, _parse_spec(s, data)) for s in specs)}
    wide = pd.concat(columns, axis=1).astype(float)
    matrix = wide.corr(method=method, min_periods=3)
    present = wide.notna().astype(int)
    counts = present.T @ present
    matrix.attrs = {"method": method, "synthetic": bool(data["synthetic"].any()),
                    "n": {c: {r: int(counts.loc[r, c]) for r in specs} for c in specs}}
    return matrix


def compute_percentiles(scores: pd.DataFrame, *, index: str, component: str = "total",
                        level: str = "department", year: int | None = None,
                        unit_type: Names = None) -> pd.DataFrame:
    """Turn each unit's rank among ``n_units`` into a percentile comparable across provinces.

    ``percentile = (n_units - rank) / (n_units - 1) * 100``: 100 is the best unit
    of its ranking, 0 the last; NaN when only one unit was ranked. A ranking is
    one province's units at one level (all provinces together at province
    level). Where a rank is missing but the score is present, the rank is taken
    from the scores of the same ranking (ties share the lowest rank);
    ``rank_source`` ("published" or "score") and ``rank_kind`` ("published" or
    "computed") say which. A published rank keeps the n it was published with
    (never the largest rank seen); a computed rank's ``n_units`` is the number
    of units with a figure, and it gets a percentile only when no n was
    published for its ranking (a rank among the few units shown places no unit
    among the n ranked).

    Returns
    -------
    DataFrame
        ``province_code, province, province_code_2025, province_2025, unit,
        unit_type, year, score, rank, n_units, rank_source, percentile,
        synthetic``, best percentile first.

    Examples
    --------
    >>> scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "department",
    ...     "province": ["Bến Tre"] * 3 + ["Trà Vinh"] * 2, "year": 2021,
    ...     "unit": ["Sở Tài chính", "Sở Nội vụ", "Sở Y tế", "Sở Tài chính", "Sở Nội vụ"],
    ...     "score": [91.0, 88.0, 85.0, 80.0, 90.0]})
    >>> compute_percentiles(scores, index="PAR", unit_type=None)[
    ...     ["province", "unit", "rank", "n_units", "percentile"]]
       province          unit  rank  n_units  percentile
    0   Bến Tre  Sở Tài chính     1        3       100.0
    1  Trà Vinh     Sở Nội vụ     1        2       100.0
    2   Bến Tre     Sở Nội vụ     2        3        50.0
    3   Bến Tre       Sở Y tế     3        3         0.0
    4  Trà Vinh  Sở Tài chính     2        2         0.0
    """
    data = _dedupe(_select(scores, index=index, component=component, level=level))
    scored = sorted(int(v) for v in data.loc[data["score"].notna(), "year"].unique())
    year = (scored[-1] if scored else int(data["year"].max())) if year is None else year
    data = pick_rows(data, "year", year).copy()
    group = data["_key"].str.rpartition("|")[0] if level != "province" else pd.Series(
        "all", index=data.index)
    by_score = data.groupby(group)["score"].rank(ascending=False, method="min")
    n_scored = data["score"].notna().groupby(group).transform("sum")
    published = pd.to_numeric(data["rank"], errors="coerce").notna()
    data["rank_source"] = np.where(published, "published",
                                   np.where(data["score"].notna(), "score", pd.NA))
    data["rank_kind"] = np.where(published, "published",
                                 np.where(data["score"].notna(), "computed", pd.NA))
    data["rank"] = pd.to_numeric(data["rank"], errors="coerce").fillna(by_score).astype("Int64")
    n_units = pd.to_numeric(data["n_units"], errors="coerce").astype(float)
    known_n = n_units.where(published).groupby(group).transform("max")
    # A computed rank is among the units with a figure: its n is their number. Where the
    # ranking's n was published, a rank among fewer units places no unit in it.
    computed = ~published.to_numpy() & data["score"].notna().to_numpy()
    data["n_units"] = n_units.where(published, np.where(computed, n_scored, np.nan)
                                    ).astype("Int64")
    n = data["n_units"].astype(float)
    usable = published.to_numpy() | (computed & known_n.isna().to_numpy())
    data["percentile"] = ((n - data["rank"].astype(float)) / (n - 1) * 100).where(
        (n > 1) & usable)
    if unit_type is not None:
        data = pick_rows(data, "unit_type", unit_type)
    data = data.sort_values(["percentile", "score", "province", "unit"],
                            ascending=[False, False, True, True], kind="stable")
    keep = [*_UNIT_COLS, "year", "score", "rank", "n_units", "rank_source", "rank_kind",
            "percentile", "synthetic",
            *(c for c in ("source_id", "members", "derivation", "corrected", "published_value",
                          "correction_source") if c in data)]
    return data[keep].reset_index(drop=True)


def group_to_2025(scores: pd.DataFrame, *, how: str = "mean") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Aggregate legacy provinces' province-level scores into the 2025 province they form.

    For each 2025 province, index, component and year, the members' scores are
    combined with ``how`` ("mean" or "median", unweighted); ``n_members`` counts
    the members with a score that year, ``members`` names them, and ``complete``
    says whether every member seen for that index and component has one. Rows
    of other levels, and rows already in 2025 boundaries (no legacy
    ``province_code``), pass through unchanged. A published 2025 figure wins
    over an aggregate of the same province, index, component and year (with a
    warning).

    Returns
    -------
    tuple of DataFrame
        ``(grouped, description)``: the rows with ``n_members``, ``members`` and
        ``complete`` added, and one row per 2025 province: ``province_code_2025,
        province_2025, members, n_members, how``.

    Examples
    --------
    >>> scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "province",
    ...     "province_code": ["83", "84", "86"], "province": ["Bến Tre", "Trà Vinh", "Vĩnh Long"],
    ...     "province_code_2025": "86", "province_2025": "Vĩnh Long", "year": 2021,
    ...     "score": [85.0, 80.0, 90.0]}).assign(unit=lambda d: d["province"])
    >>> grouped, description = group_to_2025(scores)
    >>> grouped[["province", "score", "n_members", "members"]]
        province  score  n_members                       members
    0  Vĩnh Long   85.0          3  Bến Tre, Trà Vinh, Vĩnh Long
    """
    if how not in _HOWS:
        raise ParameterError(f"The value for `how` must be one of {_HOWS}, but {how!r} was passed.")
    data = prepare_scores(scores)
    legacy = ((data["level"] == "province") & data["province_code"].notna()
              & data["province_code_2025"].notna())
    if "boundaries" in data:  # rows published in 2025 boundaries are already grouped
        legacy &= data["boundaries"].astype("string").ne("2025").fillna(True)
    legacy = legacy.to_numpy(dtype=bool)
    rest, keys = data.loc[~legacy], ["province_code_2025", "province_2025", "index", "component"]
    members = _dedupe(data.loc[legacy], by=["_key", "index", "component", "year"])
    members = members.sort_values(["province_code", "year"], kind="stable")
    expected = members.groupby(keys)["province"].nunique().rename("_expected")
    scored = members.dropna(subset=["score"])
    named = {"score": ("score", how), "n_members": ("province", "nunique"),
             "synthetic": ("synthetic", "any"),
             **({"scale_max": ("scale_max", "max")} if "scale_max" in data else {})}
    by_year = scored.groupby([*keys, "year"], sort=True)
    grouped = by_year.agg(**named).reset_index()
    joined = ["province", *(c for c in ("dataset", "dataset_kind", "source_id") if c in data)]
    grouped = grouped.assign(**{"members" if c == "province" else c:
                                _join_groups(scored[c], by_year.ngroup(), len(grouped))
                                for c in joined})
    grouped = grouped.join(expected, on=keys)
    grouped["complete"] = grouped["n_members"] == grouped.pop("_expected")
    grouped = grouped.assign(province_code=pd.NA, province=grouped["province_2025"],
                             **({"boundaries": "2025"} if "boundaries" in data else {}),
                             unit=grouped["province_2025"], level="province", derived=True,
                             derivation=how + " of " + grouped["members"])
    published = rest.loc[rest["level"] == "province", [*keys, "year"]].drop_duplicates()
    clash = grouped.merge(published, on=[*keys, "year"], how="left", indicator=True)["_merge"]
    if (clash == "both").any():
        warnings.warn(f"{int((clash == 'both').sum())} aggregates of legacy provinces were "
                      "dropped because a 2025 province already has a published figure for "
                      "the same index, component and year.", stacklevel=2)
        grouped = grouped.loc[(clash != "both").to_numpy()]
    columns = [*scores.columns, "n_members", "members", "complete"]
    grouped = grouped.reindex(columns=columns)
    for column in scores.columns:
        values = grouped[column]
        if pd.api.types.is_bool_dtype(scores[column].dtype):
            values = values.astype("boolean").fillna(False)
        try:
            grouped[column] = values.astype(scores[column].dtype)
        except (TypeError, ValueError):
            pass
    frames = [f for f in (rest.reindex(columns=columns), grouped) if len(f)]
    out = pd.concat(frames, ignore_index=True) if frames else grouped
    out = out.astype({"n_members": "Int64", "complete": "boolean"})
    by_province = members.groupby(["province_code_2025", "province_2025"], sort=True)
    description = by_province.agg(n_members=("province_code", "nunique")).reset_index()
    labels = members["province"] + " (" + members["province_code"].astype("string") + ")"
    description.insert(2, "members", pd.array(
        _join_groups(labels, by_province.ngroup(), len(description)), dtype="string"))
    description = description.assign(how=how)
    return out, description


# -- helpers -------------------------------------------------------------------------------

def prepare_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Check a scores table and add the columns the statistics work on (a no-op when done).

    Raises ArgumentTypeError for a non-DataFrame and ColumnError naming missing columns.
    """
    if not isinstance(scores, pd.DataFrame):
        raise ArgumentTypeError(f"`scores` must be a DataFrame, but a {type(scores).__name__} "
                                "was passed.")
    if "_key" in scores.columns:
        return scores
    missing = [c for c in _REQUIRED if c not in scores.columns]
    if missing:
        raise ColumnError(f"Columns {missing} not found; the scores table needs {_REQUIRED}, and "
                          f"its columns are {list(scores.columns)}.")
    out = scores.copy()
    for column, default in _OPTIONAL.items():
        if column not in out.columns:
            out[column] = default
    if scores.get("province") is None:
        out["province"] = out["unit"].where(out["level"] == "province")
    out["year"] = pd.to_numeric(out["year"]).astype("Int64")
    out["score"] = pd.to_numeric(out["score"]).astype(float)
    out["synthetic"] = out["synthetic"].fillna(False).astype(bool)
    key = [out[c].astype("string").fillna("")
           for c in ("province_code", "province_code_2025", "province", "unit")]
    out["_key"] = key[0] + "|" + key[1] + "|" + key[2] + "|" + key[3]
    return out


def _select(scores, *, index, component, level, provinces=None, unit_type=None, years=None):
    by_index = pick_rows(prepare_scores(scores), "index", index)
    data = pick_rows(by_index, "level", level, f"index={index!r}")
    data = pick_rows(data, "component", component, f"index={index!r}, level={level!r}")
    if provinces is not None:
        data = _pick_provinces(data, provinces, f"index={index!r}, level={level!r}", by_index)
    if unit_type is not None:
        data = pick_rows(data, "unit_type", unit_type, f"index={index!r}, level={level!r}")
    if years is not None:
        data = pick_rows(data, "year", years, f"index={index!r}, level={level!r}")
    return data


def pick_rows(data: pd.DataFrame, column: str, wanted, context: str = "") -> pd.DataFrame:
    """Return the rows whose ``column`` holds one of ``wanted``; SelectionError if none do."""
    if column == "year":
        values = _years_list(wanted)
        available = sorted(data["year"].dropna().unique().tolist())
        if values and all(v not in available for v in values):
            where = f" ({context})" if context else ""
            shown = wanted if not isinstance(wanted, (list, tuple, range, set)) else values
            raise SelectionError(f"No rows for year={shown!r}{where}; available: {available}.")
        return data.loc[data["year"].isin(values).to_numpy(dtype=bool)]
    return select_values(data, column, wanted, context=context)


def _pick_provinces(data: pd.DataFrame, provinces, context: str = "",
                    everything: pd.DataFrame | None = None) -> pd.DataFrame:
    return select_provinces(data, _as_list(provinces), context=context, everything=everything)


def _dedupe(data: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """Keep one row per unit and year: a score over none, then official, compiled, synthetic."""
    by = by or ["_key", "year"]
    order = data["dataset_kind"].map(_KIND_ORDER).astype(float).fillna(3)
    ranked = data.assign(_nan=data["score"].isna(), _order=order)
    ranked = ranked.sort_values(["_nan", "_order"], kind="stable")
    dup = ranked.duplicated(by, keep="first")
    if dup.any():
        kept = ranked.loc[~dup].set_index(by)["score"]
        dropped = ranked.loc[dup & ranked["score"].notna()]
        other = kept.reindex(pd.MultiIndex.from_frame(dropped[by])).to_numpy()
        differ = ~np.isclose(dropped["score"].to_numpy(), other, equal_nan=True)
        if differ.any():
            first = dropped.loc[differ].iloc[0]
            warnings.warn(f"{int(differ.sum())} row(s) give another score for a unit and year "
                          f"already scored (e.g. {first['unit']!r} in {first['year']}); keeping "
                          "the official, then the compiled, figure.", stacklevel=3)
    return ranked.loc[~dup].drop(columns=["_nan", "_order"]).sort_index()


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


def _parse_spec(spec: str, data: pd.DataFrame) -> tuple[str, str]:
    if not isinstance(spec, str) or not spec.strip():
        raise ParameterError(f"A variable must be 'INDEX' or 'INDEX:component', but {spec!r} was "
                             "passed.")
    index, _, component = spec.partition(":")
    available = sorted(data["index"].dropna().unique().tolist())
    index = index.strip()
    if index not in available:
        index = resolve_name("index", index) or index
    if index not in available:
        close = suggest_names(index, available)
        raise SelectionError(f"No rows for index={index!r} (from {spec!r}); available: "
                             f"{available}.{did_you_mean(close)}")
    return index, component.strip() or "total"


def _matrix_specs(data, *, index, components) -> list[str]:
    if components is not None:
        specs = []
        for comp in _as_list(components):
            if ":" in comp or (index is None and comp in set(data["index"])):
                specs.append(comp)
            elif index is None:
                raise ParameterError(f"Component {comp!r} needs an index: pass index='PAR' or "
                                     f"write it as 'PAR:{comp}'.")
            else:
                specs.append(index if comp == "total" else f"{index}:{comp}")
        return list(dict.fromkeys(specs))
    if index is not None:
        comps = pick_rows(data, "index", index)["component"].dropna().unique().tolist()
        comps = sorted(comps, key=lambda c: component_rank(index, c))
        return [index] + [f"{index}:{c}" for c in comps if c != "total"]
    totals = data.loc[data["component"] == "total", "index"].dropna().unique().tolist()
    return sorted(totals)


def _with_residuals(pairs: pd.DataFrame, slope: float, intercept: float) -> pd.DataFrame:
    x, y = pairs["x"].to_numpy(float), pairs["y"].to_numpy(float)
    n = len(x)
    residual = y - (intercept + slope * x)
    with np.errstate(divide="ignore", invalid="ignore"):
        sxx = ((x - x.mean()) ** 2).sum() if n else np.nan
        leverage = 1 / n + (x - x.mean()) ** 2 / sxx if n else x
        sse = (residual ** 2).sum()
        s2 = (sse - residual ** 2 / (1 - leverage)) / (n - 3) if n > 3 else np.full(n, np.nan)
        student = residual / np.sqrt(s2 * (1 - leverage))
    student = np.where(residual == 0, 0.0, student) if n > 3 else student
    return pairs.assign(residual=residual, studentized_residual=student,
                        outlier=np.abs(np.nan_to_num(student, nan=0.0)) > 2)


def _cluster_bootstrap_ci(x: np.ndarray, y: np.ndarray, clusters: np.ndarray, *,
                          resamples: int = 2000, seed: int = 0) -> tuple[float, float]:
    """Percentile 95% interval of Pearson r when whole clusters are resampled.

    Each resample draws the clusters with replacement; r is computed from the
    drawn clusters' sums (n, Σx, Σy, Σx², Σy², Σxy), so no pair is copied.
    """
    codes, uniques = pd.factorize(clusters)
    k = len(uniques)
    if k < 3:
        return np.nan, np.nan
    parts = np.column_stack([np.ones_like(x), x, y, x * x, y * y, x * y])
    sums = np.zeros((k, 6))
    np.add.at(sums, codes, parts)
    counts = np.random.default_rng(seed).multinomial(k, np.full(k, 1 / k), size=resamples)
    n, sx, sy, sxx, syy, sxy = (counts @ sums).T
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (n * sxy - sx * sy) / np.sqrt((n * sxx - sx ** 2) * (n * syy - sy ** 2))
    r = r[np.isfinite(r)]
    if len(r) < resamples / 2:
        return np.nan, np.nan
    low, high = np.percentile(r, [2.5, 97.5])
    return float(low), float(high)


def _by_year(pairs: pd.DataFrame, *, x: str, y: str, level: str) -> pd.DataFrame:
    """One Pearson r (Fisher interval) and Spearman rho per year of the pooled pairs."""
    rows = []
    for year, part in pairs.groupby("year", sort=True):
        row = {"year": int(year), "n": len(part), "pearson_r": np.nan, "pearson_ci_low": np.nan,
               "pearson_ci_high": np.nan, "pearson_p": np.nan, "spearman_rho": np.nan,
               "spearman_p": np.nan}
        if len(part) >= 3 and part["x"].nunique() > 1 and part["y"].nunique() > 1:
            pearson = st.pearsonr(part["x"], part["y"])
            spearman = st.spearmanr(part["x"], part["y"])
            low, high = _fisher_ci(float(pearson.statistic), len(part))
            row.update(pearson_r=float(pearson.statistic), pearson_ci_low=low,
                       pearson_ci_high=high, pearson_p=float(pearson.pvalue),
                       spearman_rho=float(spearman.statistic), spearman_p=float(spearman.pvalue))
        rows.append(row)
    return pd.DataFrame(rows)


def _fisher_ci(r: float, n: int) -> tuple[float, float]:
    if n <= 3 or np.isnan(r):
        return np.nan, np.nan
    if abs(r) >= 1:
        return r, r
    z, se = np.arctanh(r), 1 / np.sqrt(n - 3)
    return float(np.tanh(z - _Z95 * se)), float(np.tanh(z + _Z95 * se))


def _join_groups(values: pd.Series, groups: pd.Series, n_groups: int) -> list[str]:
    """Join each group's distinct non-missing values, in order of appearance, with ", ".

    ``groups`` numbers each row's group (``GroupBy.ngroup``; -1 for rows in no
    group). One pass over plain Python lists: a ``GroupBy.agg`` with a Python
    function builds a Series per group, which costs seconds on ten thousand groups.
    """
    seen: list[dict[str, None]] = [{} for _ in range(n_groups)]
    present = values.notna().to_numpy(dtype=bool)
    for group, value in zip(groups.to_numpy()[present].tolist(),
                            values[present].astype(str).tolist()):
        if group >= 0:
            seen[group][value] = None
    return [", ".join(names) for names in seen]


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def _years_list(years) -> list[int]:
    return [int(y) for y in _as_list(years)]


def _years_text(years) -> str:
    years = sorted(int(y) for y in years)
    if not years:
        return ""
    if len(years) == 1:
        return str(years[0])
    if years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(y) for y in years)
