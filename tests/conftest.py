"""Shared, generic fixtures: a seeded rng and a tiny clean ``scores`` table.

The table has six legacy provinces (three of them form 2025 Vĩnh Long, two
2025 Thái Nguyên), years 2018–2023 with Trà Vinh missing 2020, PAR and SIPAS
totals, three PAR components, and a ranked department level for Bến Tre
(5 units) and Thái Nguyên (3 units).
"""

from __future__ import annotations

import os
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import settings

os.environ.setdefault("MPLBACKEND", "Agg")

# The test suite is a gate: the same commit passes or fails every time, so property tests
# draw the same examples on every run ("repeatable"). `make fuzz` draws fresh random examples
# each time; a failure it finds becomes an @example in the test.
# No deadline: CI machines are shared, and a slow example is not a wrong one (speed is
# measured by benchmarks/).
settings.register_profile(
    "repeatable", derandomize=True, database=None, print_blob=True, deadline=None
)
settings.register_profile(
    "explore", derandomize=False, database=None, print_blob=True, deadline=None
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

PROVINCES = [  # legacy code, name, 2025 code, 2025 name
    ("83", "Bến Tre", "86", "Vĩnh Long"),
    ("84", "Trà Vinh", "86", "Vĩnh Long"),
    ("86", "Vĩnh Long", "86", "Vĩnh Long"),
    ("19", "Thái Nguyên", "19", "Thái Nguyên"),
    ("06", "Bắc Kạn", "19", "Thái Nguyên"),
    ("87", "Đồng Tháp", "82", "Đồng Tháp"),
]
YEARS = range(2018, 2024)
MISSING = ("Trà Vinh", 2020)
PAR_COMPONENTS = ["procedures", "civil_service", "e_government"]
DEPARTMENTS = {
    "Bến Tre": [
        ("Sở Công Thương", "cong_thuong"),
        ("Sở Tài chính", "tai_chinh"),
        ("Sở Nội vụ", "noi_vu"),
        ("Sở Tư pháp", "tu_phap"),
        ("Sở Y tế", "y_te"),
    ],
    "Thái Nguyên": [
        ("Sở Công Thương", "cong_thuong"),
        ("Sở Tài chính", "tai_chinh"),
        ("Sở Nội vụ", "noi_vu"),
    ],
}
SCORE_COLUMNS = [
    "dataset",
    "dataset_kind",
    "synthetic",
    "province_code",
    "province",
    "province_code_2025",
    "province_2025",
    "year",
    "level",
    "unit",
    "unit_type",
    "index",
    "component",
    "score",
    "scale_max",
    "points",
    "max_points",
    "rank",
    "n_units",
    "tied",
    "derived",
    "derivation",
    "missing_marker",
    "note",
    "source_id",
    "raw_file",
    "raw_row",
    "raw_column",
]


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20240601)


@pytest.fixture
def scores(rng) -> pd.DataFrame:
    rows = []
    base = dict(zip([p[1] for p in PROVINCES], rng.normal(84, 3, len(PROVINCES))))
    for code, name, code_2025, name_2025 in PROVINCES:
        where = {
            "province_code": code,
            "province": name,
            "province_code_2025": code_2025,
            "province_2025": name_2025,
        }
        for year in YEARS:
            if (name, year) == MISSING:
                continue
            parts = np.clip(base[name] + 0.8 * (year - 2018) + rng.normal(0, 2.5, 3), 0, 100)
            par = float(np.round(parts.mean(), 2))
            sipas = float(np.round(np.clip(30 + 0.6 * par + rng.normal(0, 1.5), 0, 100), 2))
            for index, component, score in [("PAR", "total", par), ("SIPAS", "total", sipas)] + [
                ("PAR", c, float(np.round(v, 2))) for c, v in zip(PAR_COMPONENTS, parts)
            ]:
                rows.append(
                    {
                        **where,
                        "year": year,
                        "level": "province",
                        "unit": name,
                        "unit_type": pd.NA,
                        "index": index,
                        "component": component,
                        "score": score,
                        "n_units": 63,
                    }
                )
        for year in (2021, 2022):
            for unit, unit_type in DEPARTMENTS.get(name, []):
                rows.append(
                    {
                        **where,
                        "year": year,
                        "level": "department",
                        "unit": unit,
                        "unit_type": unit_type,
                        "index": "PAR",
                        "component": "total",
                        "score": float(np.round(rng.uniform(75, 95), 2)),
                        "n_units": len(DEPARTMENTS[name]),
                    }
                )
    df = pd.DataFrame(rows)
    # Published ranks: of 63 provinces nationally, within the province for departments.
    national = df["level"] == "province"
    group = np.where(national, "national", df["province"])
    order = df.groupby([group, df["year"], df["index"], df["component"], df["level"]])["score"]
    df["rank"] = order.rank(ascending=False, method="min").astype(int)
    df.loc[national, "rank"] = df.loc[national, "rank"] * 9 - 4  # 5, 14, 23, ... of 63
    n = len(df)
    df = df.assign(
        dataset="test-scores",
        dataset_kind="compiled",
        synthetic=False,
        scale_max=100.0,
        points=np.nan,
        max_points=np.nan,
        tied=False,
        derived=False,
        derivation=pd.NA,
        missing_marker=pd.NA,
        note=pd.NA,
        source_id=np.where(df["index"] == "PAR", "src-par", "src-sipas"),
        raw_file="test.csv",
        raw_row=np.arange(2, n + 2),
        raw_column="score",
    )
    df = df.astype({"year": "Int64", "rank": "Int64", "n_units": "Int64", "raw_row": "Int64"})
    return df[SCORE_COLUMNS]


@pytest.fixture
def sources() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "dataset": ["test-scores"] * 6,
            "source_id": ["src-par", "src-par", "src-sipas", "src-4", "src-5", "src-6"],
            "title": ["Quyết định công bố Chỉ số CCHC năm 2021"] * 2
            + ["Báo cáo SIPAS 2021", "Báo cáo A", "Báo cáo B", "Báo cáo C"],
            "publisher": ["UBND tỉnh Bến Tre"] * 2
            + ["Bộ Nội vụ", "UBND tỉnh Trà Vinh", "UBND tỉnh Vĩnh Long", "UBND tỉnh Đồng Tháp"],
            "date": ["2022-09-20", "2022-09-20", "2022-05-10", "2023-01-05", "2023-02", "2023"],
            "url": [pd.NA] * 6,
            "document": ["2094/QĐ-UBND", "2094/QĐ-UBND", pd.NA, "15/BC-UBND", pd.NA, pd.NA],
        }
    )


@pytest.fixture(autouse=True)
def close_figures():
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
