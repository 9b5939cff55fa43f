"""Correlations between indices or components of the clean ``scores`` table.

:func:`compute_correlation` correlates two score series matched on (province,
unit, year), with intervals that account for a unit's pairs in several years;
:func:`compute_correlation_matrix` gives every pairwise correlation of an
index's components, or of the indices' totals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as st

from parlib.analysis.hints import did_you_mean, suggest_names
from parlib.analysis.resolve import resolve_name
from parlib.analysis.select import (
    Years,
    as_list,
    dedupe_scores,
    pick_rows,
    prepare_scores,
    select_prepared,
    years_list,
)
from parlib.errors import ParameterError, SelectionError
from parlib.viz.labels import component_rank

__all__ = ["CorrelationResult", "compute_correlation", "compute_correlation_matrix"]

_METHODS = ["kendall", "pearson", "spearman"]
_Z95 = st.norm.ppf(0.975)


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
        row = {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("pairs", "by_year")
        }
        row["years"] = _years_text(self.years)
        return pd.DataFrame([row])


def compute_correlation(
    scores: pd.DataFrame, *, x: str, y: str, years: Years = None, level: str = "province"
) -> CorrelationResult:
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
        side = dedupe_scores(select_prepared(data, index=index, component=component, level=level))
        if years is not None:
            side = side.loc[side["year"].isin(years_list(years))]
        sides.append(side.dropna(subset=["score"]))
    pairs = sides[0][["_key", "unit", "province", "province_code", "year", "score", "synthetic"]]
    pairs = pairs.merge(sides[1][["_key", "year", "score", "synthetic"]], on=["_key", "year"])
    pairs = pairs.assign(
        x=pairs.pop("score_x"),
        y=pairs.pop("score_y"),
        synthetic=pairs.pop("synthetic_x") | pairs.pop("synthetic_y"),
    )
    pairs = pairs.drop(columns="_key").sort_values(["year", "province", "unit"], kind="stable")
    pairs = pairs.reset_index(drop=True)
    found = sorted(int(v) for v in pairs["year"].unique())
    shown = found or (sorted(years_list(years)) if years is not None else [])
    where = f" in {_years_text(shown)}" if shown else ""
    base: dict[str, Any] = {"x": x, "y": y, "years": tuple(found), "level": level, "n": len(pairs)}
    flat = [(s, v.iloc[0]) for s, v in ((x, pairs["x"]), (y, pairs["y"])) if v.nunique() == 1]
    if len(pairs) < 3 or flat:
        head = (
            "No pairs"
            if len(pairs) == 0
            else f"Only {len(pairs)} pair" + ("s" if len(pairs) > 1 else "")
        )
        msg = (
            f"{head} of {x} and {y}{where}; at least 3 are needed for a correlation."
            if len(pairs) < 3
            else f"{flat[0][0]} is {flat[0][1]:g} for all {len(pairs)} "
            f"pairs{where}; a correlation needs scores that vary."
        )
        return CorrelationResult(**base, pairs=_with_residuals(pairs, np.nan, np.nan), message=msg)
    pearson = st.pearsonr(pairs["x"], pairs["y"])
    spearman = st.spearmanr(pairs["x"], pairs["y"])
    fit = st.linregress(pairs["x"], pairs["y"])
    r = float(pearson.statistic)
    low, high = _fisher_ci(r, len(pairs))
    clusters = pairs["province"].astype("string").fillna("") + "|" + pairs["unit"].astype(str)
    extra: dict[str, Any] = {"n_clusters": int(clusters.nunique())}
    if len(found) > 1:  # a unit's pairs in different years are not independent
        low, high = _cluster_bootstrap_ci(
            pairs["x"].to_numpy(float), pairs["y"].to_numpy(float), clusters.to_numpy()
        )
        extra.update(ci_method="cluster_bootstrap", by_year=_by_year(pairs, x=x, y=y, level=level))
    return CorrelationResult(
        **base,
        **extra,
        pearson_r=r,
        pearson_ci_low=low,
        pearson_ci_high=high,
        pearson_p=float(pearson.pvalue),
        spearman_rho=float(spearman.statistic),
        spearman_p=float(spearman.pvalue),
        slope=float(fit.slope),
        intercept=float(fit.intercept),
        pairs=_with_residuals(pairs, fit.slope, fit.intercept),
    )


def compute_correlation_matrix(
    scores: pd.DataFrame,
    *,
    index: str | None = None,
    components: Iterable[str] | None = None,
    years: Years = None,
    level: str = "province",
    method: str = "pearson",
) -> pd.DataFrame:
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
        raise ParameterError(
            f"The value for `method` must be one of {_METHODS}, but {method!r} was passed."
        )
    data = pick_rows(prepare_scores(scores), "level", level)
    if years is not None:
        data = pick_rows(data, "year", years)
    specs = _matrix_specs(data, index=index, components=components)
    columns = {
        spec: dedupe_scores(
            select_prepared(data, index=idx, component=comp, level=level)
        ).set_index(["_key", "year"])["score"]
        for spec, (idx, comp) in ((s, _parse_spec(s, data)) for s in specs)
    }
    wide = pd.concat(columns, axis=1).astype(float)
    matrix = wide.corr(method=method, min_periods=3)
    present = wide.notna().astype(int)
    counts = present.T @ present
    matrix.attrs = {
        "method": method,
        "synthetic": bool(data["synthetic"].any()),
        "n": {c: {r: int(counts.loc[r, c]) for r in specs} for c in specs},
    }
    return matrix


def _parse_spec(spec: str, data: pd.DataFrame) -> tuple[str, str]:
    if not isinstance(spec, str) or not spec.strip():
        raise ParameterError(
            f"A variable must be 'INDEX' or 'INDEX:component', but {spec!r} was passed."
        )
    index, _, component = spec.partition(":")
    available = sorted(data["index"].dropna().unique().tolist())
    index = index.strip()
    if index not in available:
        index = resolve_name("index", index) or index
    if index not in available:
        close = suggest_names(index, available)
        raise SelectionError(
            f"No rows for index={index!r} (from {spec!r}); available: "
            f"{available}.{did_you_mean(close)}"
        )
    return index, component.strip() or "total"


def _matrix_specs(data, *, index, components) -> list[str]:
    if components is not None:
        specs = []
        for comp in as_list(components):
            if ":" in comp or (index is None and comp in set(data["index"])):
                specs.append(comp)
            elif index is None:
                raise ParameterError(
                    f"Component {comp!r} needs an index: pass index='PAR' or "
                    f"write it as 'PAR:{comp}'."
                )
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
        sse = (residual**2).sum()
        s2 = (sse - residual**2 / (1 - leverage)) / (n - 3) if n > 3 else np.full(n, np.nan)
        student = residual / np.sqrt(s2 * (1 - leverage))
    student = np.where(residual == 0, 0.0, student) if n > 3 else student
    return pairs.assign(
        residual=residual,
        studentized_residual=student,
        outlier=np.abs(np.nan_to_num(student, nan=0.0)) > 2,
    )


def _cluster_bootstrap_ci(
    x: np.ndarray, y: np.ndarray, clusters: np.ndarray, *, resamples: int = 2000, seed: int = 0
) -> tuple[float, float]:
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
        r = (n * sxy - sx * sy) / np.sqrt((n * sxx - sx**2) * (n * syy - sy**2))
    r = r[np.isfinite(r)]
    if len(r) < resamples / 2:
        return np.nan, np.nan
    low, high = np.percentile(r, [2.5, 97.5])
    return float(low), float(high)


def _by_year(pairs: pd.DataFrame, *, x: str, y: str, level: str) -> pd.DataFrame:
    """One Pearson r (Fisher interval) and Spearman rho per year of the pooled pairs."""
    rows = []
    for year, part in pairs.groupby("year", sort=True):
        row = {
            "year": int(year),
            "n": len(part),
            "pearson_r": np.nan,
            "pearson_ci_low": np.nan,
            "pearson_ci_high": np.nan,
            "pearson_p": np.nan,
            "spearman_rho": np.nan,
            "spearman_p": np.nan,
        }
        if len(part) >= 3 and part["x"].nunique() > 1 and part["y"].nunique() > 1:
            pearson = st.pearsonr(part["x"], part["y"])
            spearman = st.spearmanr(part["x"], part["y"])
            low, high = _fisher_ci(float(pearson.statistic), len(part))
            row.update(
                pearson_r=float(pearson.statistic),
                pearson_ci_low=low,
                pearson_ci_high=high,
                pearson_p=float(pearson.pvalue),
                spearman_rho=float(spearman.statistic),
                spearman_p=float(spearman.pvalue),
            )
        rows.append(row)
    return pd.DataFrame(rows)


def _fisher_ci(r: float, n: int) -> tuple[float, float]:
    if n <= 3 or np.isnan(r):
        return np.nan, np.nan
    if abs(r) >= 1:
        return r, r
    z, se = np.arctanh(r), 1 / np.sqrt(n - 3)
    return float(np.tanh(z - _Z95 * se)), float(np.tanh(z + _Z95 * se))


def _years_text(years) -> str:
    years = sorted(int(y) for y in years)
    if not years:
        return ""
    if len(years) == 1:
        return str(years[0])
    if years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(y) for y in years)
