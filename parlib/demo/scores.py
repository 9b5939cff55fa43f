"""The figures of parlib's synthetic demo panel, drawn from a seeded generator.

Province PAR Index, SIPAS and PAPI scores, and the department and district scores of
the five provinces in :mod:`parlib.demo.units`, each as a long DataFrame with the
missing markers, ties and outliers that published tables carry. Not real data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parlib.demo import formats as fmt
from parlib.demo.units import CORE_DEPARTMENTS, PROVINCES

YEARS = tuple(range(2017, 2025))
_SURVEY_YEARS = YEARS[1:]  # SIPAS and PAPI tables start in 2018
_ABSENT = fmt.ABSENT

_PAR_KEYS = tuple(fmt.PAR_NAMES)
_DEPT_KEYS = _PAR_KEYS[:7]  # departments are not scored on impact
_PAR_WEIGHTS = np.array([7, 7, 12, 8, 12, 10, 14, 30]) / 100
_PAR_OFFSETS = np.array([6.0, 2.0, 4.0, 5.0, 1.0, 3.0, -3.0, -3.5])
_PAR_MEAN = dict(zip(YEARS, (77.0, 79.4, 81.2, 82.6, 84.1, 85.5, 86.8, 87.6)))
_SIPAS_KEYS = tuple(fmt.SIPAS_NAMES)
_SIPAS_OFFSETS = np.array([1.5, 0.5, 1.0, 0.2, -3.2])
_SIPAS_MEAN = dict(zip(_SURVEY_YEARS, (80.0, 81.3, 82.1, 82.9, 83.6, 84.2, 84.8)))
_PAPI_KEYS = fmt.PAPI_KEYS
_PAPI_MEAN = np.array([5.1, 5.2, 5.8, 6.9, 7.2, 7.3, 3.7, 2.1])  # 2018, then a yearly slope
_PAPI_SLOPE = np.array([0.05, 0.04, 0.03, 0.02, 0.02, 0.03, 0.01, 0.22])
_PAPI_SD = np.array([0.30, 0.30, 0.30, 0.35, 0.25, 0.25, 0.35, 0.50])

_DEPT_OFFSETS = np.array([6.0, 2.0, 3.0, 5.0, 0.0, 2.0, -5.0])
# (province code, year) -> (column, marker) of one random department
_DEPT_MISSING = {
    ("19", 2020): ("marker", _ABSENT),
    ("87", 2018): ("sipas_marker", "x"),
    ("42", 2022): ("sipas_marker", "-"),
}


def _standardize(values: np.ndarray) -> np.ndarray:
    return (values - values.mean()) / values.std()


def _closest_pair(values: np.ndarray, scored: np.ndarray) -> tuple[int, int]:
    """Return the positions (higher, lower) of the two nearest distinct scored values."""
    order = np.flatnonzero(scored)[np.argsort(-values[scored], kind="stable")]
    gaps = values[order[:-1]] - values[order[1:]]
    k = int(np.argmin(np.where(gaps > 0, gaps, np.inf)))
    return int(order[k]), int(order[k + 1])


def _markers(rng: np.random.Generator, n: int, spec: tuple[str, int] | None) -> np.ndarray:
    """Return ``n`` missing markers: None, or ``spec``'s text on ``spec``'s count of rows."""
    out = np.full(n, None, dtype=object)
    if spec is not None:
        text, count = spec
        out[rng.choice(n, size=count, replace=False)] = text
    return out


def par_provinces(rng: np.random.Generator, codes: np.ndarray) -> pd.DataFrame:
    """Return province PAR Index percents: 8 components and their weighted total.

    Parameters
    ----------
    rng
        The seeded generator; each call draws from it in a fixed order.
    codes
        The legacy province codes, one row each per year.

    Returns
    -------
    pandas.DataFrame
        Components, ``total``, ``marker``, ``code`` and ``year``.
    """
    n = len(codes)
    offsets = _PAR_OFFSETS - _PAR_WEIGHTS @ _PAR_OFFSETS
    effect = rng.standard_normal(n)
    frames = []
    for i, year in enumerate(YEARS):
        z = _standardize(0.8 * effect + 0.6 * rng.standard_normal(n))
        if year in (2019, 2022):  # an outlier: one province far below the others
            z[rng.integers(n)] -= 3.5
        sd = 4.2 - 0.17 * i
        noise = rng.standard_normal((n, len(_PAR_KEYS)))
        comps = np.clip(
            _PAR_MEAN[year] + offsets + sd * (0.8 * z[:, None] + 0.6 * noise), 40, 99.5
        ).round(2)
        total = (comps @ _PAR_WEIGHTS).round(2)
        marker = _markers(rng, n, {2017: (_ABSENT, 2), 2020: ("KĐG", 1)}.get(year))
        high, low = _closest_pair(total, pd.isna(marker))
        total[low] = total[high]  # a tie in rank
        frame = pd.DataFrame(comps, columns=_PAR_KEYS).assign(total=total, marker=marker)
        frames.append(frame.assign(code=codes, year=year))
    return pd.concat(frames, ignore_index=True)


def sipas_provinces(rng: np.random.Generator, par: pd.DataFrame) -> pd.DataFrame:
    """Return province SIPAS percents, correlated at 0.5 with the PAR Index of the year.

    Parameters
    ----------
    rng
        The seeded generator; each call draws from it in a fixed order.
    par
        Province PAR Index figures from :func:`par_provinces`.

    Returns
    -------
    pandas.DataFrame
        Five factors, ``total``, ``marker``, ``code`` and ``year``.
    """
    frames = []
    for year in _SURVEY_YEARS:
        this = par.loc[par["year"] == year]
        zp = _standardize(this["total"].to_numpy())
        e = rng.standard_normal(len(zp))
        e = _standardize(e - (e @ zp) / (zp @ zp) * zp)
        level = _SIPAS_MEAN[year] + 3.0 * (0.5 * zp + np.sqrt(0.75) * e)
        noise = rng.normal(0.0, 1.6, (len(zp), len(_SIPAS_KEYS)))
        noise -= noise.mean(axis=1, keepdims=True)
        factors = np.clip(level[:, None] + _SIPAS_OFFSETS + noise, 50, 99.5).round(2)
        frame = pd.DataFrame(factors, columns=_SIPAS_KEYS)
        frame["total"] = factors.mean(axis=1).round(2)
        frame["marker"] = _markers(rng, len(zp), {2018: ("-", 2), 2021: ("KĐG", 1)}.get(year))
        frames.append(frame.assign(code=this["code"].to_numpy(), year=year))
    return pd.concat(frames, ignore_index=True)


def papi_provinces(rng: np.random.Generator, codes: np.ndarray) -> pd.DataFrame:
    """Return province PAPI dimension scores (1-10) and their sum (scale 80).

    Parameters
    ----------
    rng
        The seeded generator; each call draws from it in a fixed order.
    codes
        The legacy province codes, one row each per year.

    Returns
    -------
    pandas.DataFrame
        ``D1``-``D8``, ``total``, ``marker``, ``code`` and ``year``.
    """
    n = len(codes)
    effect = rng.standard_normal(n)
    frames = []
    for i, year in enumerate(_SURVEY_YEARS):
        z = _standardize(0.8 * effect + 0.6 * rng.standard_normal(n))
        noise = rng.standard_normal((n, len(_PAPI_KEYS)))
        dims = np.clip(
            _PAPI_MEAN + _PAPI_SLOPE * i + _PAPI_SD * (0.6 * z[:, None] + 0.8 * noise), 1, 10
        ).round(4)
        frame = pd.DataFrame(dims, columns=_PAPI_KEYS).assign(total=dims.sum(axis=1).round(4))
        frame["marker"] = _markers(rng, n, {2019: (_ABSENT, 1), 2022: ("-", 1)}.get(year))
        frames.append(frame.assign(code=codes, year=year))
    return pd.concat(frames, ignore_index=True)


def departments(rng: np.random.Generator) -> pd.DataFrame:
    """Return department PAR points (7 components, total of 100) and SIPAS percents.

    SIPAS starts in 2018, as at province level. A department added after the province's
    first year is not scored in its first year.

    Parameters
    ----------
    rng
        The seeded generator; each call draws from it in a fixed order.

    Returns
    -------
    pandas.DataFrame
        One row per department and year of the provinces in
        :data:`parlib.demo.units.PROVINCES`, with ``marker`` and ``sipas_marker``.
    """
    frames = []
    for code, spec in PROVINCES.items():
        units = np.array(CORE_DEPARTMENTS + tuple(unit for unit, _ in spec.extra))
        first = np.array([0] * len(CORE_DEPARTMENTS) + [year for _, year in spec.extra])
        effect = rng.standard_normal(len(units))
        maxima = np.array(spec.maxima)
        for year in spec.years:
            active = first <= year
            n = int(active.sum())
            z = _standardize(0.7 * effect[active] + 0.7 * rng.standard_normal(n))
            noise = rng.standard_normal((n, len(_DEPT_KEYS)))
            pct = np.clip(
                83 + (year - 2017) + _DEPT_OFFSETS + 6 * (0.7 * z[:, None] + 0.7 * noise), 35, 100
            )
            points = (maxima * pct / 100).round(2)
            total = points.sum(axis=1).round(2)
            sipas = np.clip(
                91 + 0.5 * (year - 2017) + 2.5 * (0.4 * z + 0.9 * rng.standard_normal(n)), 70, 99.8
            ).round(2)
            if year < _SURVEY_YEARS[0]:
                sipas[:] = np.nan
            # numpy's stubs reject None, which np.where takes as an object scalar
            marker = np.where((first[active] == year) & (year > spec.years[0]), "KĐG", None)  # type: ignore[call-overload]
            column, text = _DEPT_MISSING.get((code, year), (None, None))
            if column == "marker":
                marker[rng.choice(np.flatnonzero(pd.isna(marker)))] = text
            sipas_marker = marker.copy()
            if column == "sipas_marker":
                sipas_marker[rng.choice(np.flatnonzero(pd.isna(marker)))] = text
            high, low = _closest_pair(total, pd.isna(marker))  # a tie in rank
            k = int(np.argmax(maxima - points[low]))  # kept consistent with the parts
            points[low, k] = round(points[low, k] + total[high] - total[low], 2)
            total[low] = total[high]
            frame = pd.DataFrame(points, columns=_DEPT_KEYS).assign(
                total=total, sipas=sipas, marker=marker, sipas_marker=sipas_marker
            )
            frames.append(
                frame.assign(code=code, province=spec.name, year=year, unit=units[active])
            )
    return pd.concat(frames, ignore_index=True)


def districts(rng: np.random.Generator) -> pd.DataFrame:
    """Return district PAR Index and SIPAS percents for the five provinces.

    Parameters
    ----------
    rng
        The seeded generator; each call draws from it in a fixed order.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``province``, ``year``, ``unit``, ``total`` and ``sipas``.
    """
    frames = []
    for code, spec in PROVINCES.items():
        first, names = spec.districts
        effect = rng.standard_normal(len(names))
        for year in range(first, 2025):
            z = _standardize(0.75 * effect + 0.65 * rng.standard_normal(len(names)))
            total = np.clip(80 + 1.1 * (year - 2017) + 4 * z, 50, 99.5).round(2)
            sipas = np.clip(
                84 + 0.8 * (year - 2017) + 3 * (0.5 * z + 0.85 * rng.standard_normal(len(names))),
                60,
                99.8,
            )
            frames.append(
                pd.DataFrame(
                    {
                        "code": code,
                        "province": spec.name,
                        "year": year,
                        "unit": names,
                        "total": total,
                        "sipas": sipas.round(2),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)
