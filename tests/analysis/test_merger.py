from __future__ import annotations

import pandas as pd
import pytest

from parlib.analysis.merger import group_to_2025


def _par(scores: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    rows = (
        (scores["index"] == "PAR")
        & (scores["component"] == "total")
        & (scores["level"] == "province")
    )
    if year is not None:
        rows &= scores["year"] == year
    return scores.loc[rows]


# -- group_to_2025 ---------------------------------------------------------------------------


def test_group_to_2025_takes_the_mean_of_the_members(scores):
    grouped, description = group_to_2025(scores)
    members = _par(scores, 2021)
    vinh_long = members.loc[members["province_code_2025"] == "86", "score"].mean()
    row = _par(grouped, 2021).set_index("province")
    assert sorted(row.index) == ["Thái Nguyên", "Vĩnh Long", "Đồng Tháp"]
    assert row.loc["Vĩnh Long", "score"] == pytest.approx(vinh_long)
    assert row.loc["Vĩnh Long", "n_members"] == 3
    assert row.loc["Vĩnh Long", "members"] == "Bến Tre, Trà Vinh, Vĩnh Long"
    assert bool(row.loc["Vĩnh Long", "derived"]) and pd.isna(row.loc["Vĩnh Long", "province_code"])
    year_2020 = _par(grouped, 2020).set_index("province").loc["Vĩnh Long"]
    assert year_2020["n_members"] == 2 and not year_2020["complete"]
    departments = grouped.loc[grouped["level"] == "department"]
    assert len(departments) == 16 and set(departments["province_2025"]) == {
        "Vĩnh Long",
        "Thái Nguyên",
    }
    assert description.set_index("province_2025").loc["Thái Nguyên", "members"] == (
        "Bắc Kạn (06), Thái Nguyên (19)"
    )
    assert set(description["how"]) == {"mean"}


def test_group_to_2025_passes_2025_rows_through_and_prefers_them(scores):
    new = (
        _par(scores, 2023)
        .iloc[[0]]
        .assign(province_code=pd.NA, province="Vĩnh Long", unit="Vĩnh Long", score=50.0)
    )
    with pytest.warns(UserWarning, match="1 aggregates of legacy provinces were dropped"):
        grouped, _ = group_to_2025(pd.concat([scores, new], ignore_index=True))
    row = _par(grouped, 2023).set_index("province").loc["Vĩnh Long"]
    assert row["score"] == 50.0 and pd.isna(row["n_members"])


def test_group_to_2025_names_a_bad_how(scores):
    with pytest.raises(
        ValueError,
        match=r"`how` must be one of \['mean', 'median'\], but "
        r"'sum' was passed",
    ):
        group_to_2025(scores, how="sum")
