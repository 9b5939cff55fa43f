from __future__ import annotations

import numpy as np
import pandas as pd

import parlib
import pytest
from scipy import stats as st

from parlib.analysis.stats import (compute_changes, compute_correlation, compute_correlation_matrix,
                          compute_percentiles, compute_trend, describe_by_year, group_to_2025,
                          select_scores)


def _par(scores: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    rows = ((scores["index"] == "PAR") & (scores["component"] == "total")
            & (scores["level"] == "province"))
    if year is not None:
        rows &= scores["year"] == year
    return scores.loc[rows]


# -- select_scores ---------------------------------------------------------------------------

def test_select_scores_filters_without_mutating(scores):
    before = scores.copy()
    out = select_scores(scores, index="PAR", provinces=["ben tre", "84"], years=range(2019, 2022))
    assert sorted(out["province"].unique()) == ["Bến Tre", "Trà Vinh"]
    assert sorted(out["year"].unique()) == [2019, 2020, 2021]
    assert set(out["component"]) == {"total"}
    assert list(out.columns) == list(scores.columns)
    pd.testing.assert_frame_equal(scores, before)


@pytest.mark.parametrize(("options", "message"), [
    ({"index": "PARX"}, r"No rows for index='PARX'; available: \['PAR', 'SIPAS'\]\."),
    ({"index": "PAR", "level": "commune"},
     r"No rows for level='commune' \(index='PAR'\); available: \['department', 'province'\]"),
    ({"index": "SIPAS", "component": "procedures"}, r"component='procedures'.*\['total'\]"),
    ({"index": "PAR", "provinces": ["Atlantis"]},
     r"provinces=\['Atlantis'\] \(index='PAR', level='province'\); available: .*Bến Tre"),
    ({"index": "PAR", "years": [2030]}, r"year=\[2030\].*2018, 2019"),
    ({"index": "PAR", "level": "department", "unit_type": "y_tếx"},
     r"unit_type='y_tếx'.*'y_te'.* Did you mean 'y_te'"),
])
def test_select_scores_names_the_bad_value_and_the_available_ones(scores, options, message):
    with pytest.raises(ValueError, match=message):
        select_scores(scores, **options)


def test_select_scores_names_missing_columns(scores):
    with pytest.raises(KeyError, match=r"Columns \['score'\] not found"):
        select_scores(scores.drop(columns="score"), index="PAR")


# -- compute_trend ---------------------------------------------------------------------------

def test_compute_trend_mean_is_over_all_units_not_the_chosen_ones(scores):
    trend = compute_trend(scores, index="PAR", provinces=["Bến Tre"])
    assert trend["unit"].unique().tolist() == ["Bến Tre"]
    expected = _par(scores).groupby("year")["score"].agg(["mean", "std", "count"])
    got = trend.set_index("year")
    np.testing.assert_allclose(got["mean"], expected["mean"])
    np.testing.assert_allclose(got["sd"], expected["std"])
    assert got.loc[2020, "n"] == 5 and got.loc[2021, "n"] == 6
    assert set(got["reference"]) == {"dataset"} and set(got["n_expected"]) == {63}
    assert got["q25"].isna().all()  # 6 of 63 provinces: no band that passes for a national one


def _national_mean(year: int, value: float) -> pd.DataFrame:
    return pd.DataFrame({"province": ["Toàn quốc"], "province_code": [pd.NA], "year": [year],
                         "level": ["province"], "index": ["PAR"], "component": ["total"],
                         "statistic": ["mean"], "value": [value], "source_id": ["bnv"]})


def test_compute_trend_uses_the_published_national_average_where_there_is_one(scores):
    trend = compute_trend(scores, index="PAR", provinces=["Bến Tre"],
                          aggregates=_national_mean(2021, 84.5)).set_index("year")
    assert trend.loc[2021, "mean"] == 84.5 and trend.loc[2021, "reference"] == "national"
    assert trend.loc[2021, "reference_source"] == "bnv" and trend.loc[2021, "n"] == 63
    assert trend.loc[2020, "reference"] == "dataset" and trend.loc[2020, "n"] == 5


def test_compute_trend_band_only_for_every_province():
    legacy = parlib.provinces()
    legacy = legacy.loc[legacy["era"] == "legacy"]
    codes, names = legacy["code"].tolist(), legacy["name"].tolist()
    scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "province",
                           "province_code": codes, "province": names, "unit": names,
                           "year": 2021, "score": np.linspace(70, 95, 63)})
    trend = compute_trend(scores, index="PAR", provinces=[names[0]])
    assert trend["n"].item() == 63 and trend["q25"].item() < trend["q75"].item()


def test_compute_trend_sets_departments_only_against_their_own_province(scores):
    trend = compute_trend(scores, index="PAR", level="department", provinces=["Bến Tre"])
    dept = scores.loc[(scores["level"] == "department") & (scores["index"] == "PAR")
                      & (scores["component"] == "total")]
    own = dept.loc[dept["province"] == "Bến Tre"].groupby("year")["score"].mean()
    got = trend.drop_duplicates("year").set_index("year")["mean"].dropna()
    np.testing.assert_allclose(got, own.loc[got.index])
    assert set(trend["reference"].dropna()) == {"province"}
    assert dept["province"].nunique() > 1  # the fixture has other provinces' departments


def test_compute_trend_prefers_the_province_published_mean_of_its_units(scores):
    dept = scores.loc[(scores["level"] == "department") & (scores["province"] == "Bến Tre")]
    code, year = dept["province_code"].iloc[0], int(dept["year"].iloc[0])
    agg = _national_mean(year, 91.0).assign(province="Bến Tre", province_code=code,
                                           level="department", source_id="ubnd")
    trend = compute_trend(scores, index="PAR", level="department", provinces=["Bến Tre"],
                          aggregates=agg).set_index("year")
    row = trend.loc[[year]].iloc[0]
    assert row["mean"] == 91.0 and row["reference"] == "province_published"
    assert row["reference_source"] == "ubnd"


def test_compute_trend_change_is_nan_after_a_missing_year(scores):
    trend = compute_trend(scores, index="PAR", provinces="Trà Vinh").set_index("year")
    assert trend.index.tolist() == list(range(2018, 2024))
    assert np.isnan(trend.loc[2020, "score"])
    assert np.isnan(trend.loc[2020, "change"]) and np.isnan(trend.loc[2021, "change"])
    assert trend.loc[2019, "change"] == pytest.approx(trend.loc[2019, "score"]
                                                      - trend.loc[2018, "score"])
    assert np.isnan(trend.loc[2018, "change"])


def test_compute_trend_treats_a_missing_marker_row_as_a_gap(scores):
    marker = scores.loc[(scores["province"] == "Trà Vinh") & (scores["year"] == 2021)].assign(
        year=2020, score=np.nan, missing_marker="KĐG")
    with_marker = pd.concat([scores, marker], ignore_index=True)
    pd.testing.assert_frame_equal(compute_trend(with_marker, index="PAR", provinces="84"),
                                  compute_trend(scores, index="PAR", provinces="84"))


def test_compute_trend_years_keeps_the_change_from_the_year_before(scores):
    full = compute_trend(scores, index="PAR", provinces="83")
    part = compute_trend(scores, index="PAR", provinces="83", years=[2022, 2023])
    assert part["year"].tolist() == [2022, 2023]
    assert part["change"].tolist() == full["change"].tolist()[-2:]


def test_describe_by_year_counts_units(scores):
    table = describe_by_year(scores, index="SIPAS")
    assert table["n"].tolist() == [6, 6, 5, 6, 6, 6]
    assert (table["min"] <= table["median"]).all() and (table["median"] <= table["max"]).all()


def test_conflicting_duplicates_warn_and_keep_the_official_figure(scores):
    first = scores.iloc[[0]]
    dup = pd.concat([scores, first.assign(score=1.0, dataset_kind="official")], ignore_index=True)
    with pytest.warns(UserWarning, match=r"another score for a unit and year.*'Bến Tre' in 2018"):
        trend = compute_trend(dup, index="PAR", provinces="83")
    assert trend.loc[trend["year"] == 2018, "score"].item() == 1.0


# -- compute_changes -------------------------------------------------------------------------

def test_compute_changes_orders_risers_then_fallers(scores):
    changes = compute_changes(scores, index="PAR", start=2018, end=2023, n=2)
    first, last = _par(scores, 2018).set_index("unit")["score"], _par(scores, 2023).set_index(
        "unit")["score"]
    expected = (last - first).sort_values(ascending=False)
    risers = changes.loc[changes["direction"] == "riser"]
    assert risers["unit"].tolist() == expected.index[:2].tolist()
    assert risers["change"].tolist() == pytest.approx(expected.iloc[:2].tolist())
    assert (changes.loc[changes["direction"] == "faller", "change"] < 0).all()
    assert {"start_score", "end_score", "province"} <= set(changes.columns)


def test_compute_changes_leaves_out_units_missing_a_year(scores):
    changes = compute_changes(scores, index="PAR", start=2020, end=2021, n=10)
    assert "Trà Vinh" not in changes["unit"].tolist()
    assert len(changes) == 5


@pytest.mark.parametrize(("options", "message"), [
    ({"start": 2010}, r"No rows for start=2010; available: \[2018, "),
    ({"start": 2022, "end": 2020}, r"`start` must be before `end`, but start=2022 and end=2020"),
    ({"n": 0}, r"The value for `n` must be a positive integer, but 0 was passed"),
])
def test_compute_changes_errors(scores, options, message):
    with pytest.raises(ValueError, match=message):
        compute_changes(scores, index="PAR", **options)


# -- compute_correlation ---------------------------------------------------------------------

def test_compute_correlation_matches_scipy_pooled_over_years(scores):
    result = compute_correlation(scores, x="PAR", y="SIPAS")
    wide = (scores.loc[(scores["component"] == "total") & (scores["level"] == "province")]
            .pivot_table(index=["province", "year"], columns="index", values="score"))
    r, p = st.pearsonr(wide["PAR"], wide["SIPAS"])
    rho, rho_p = st.spearmanr(wide["PAR"], wide["SIPAS"])
    fit = st.linregress(wide["PAR"], wide["SIPAS"])
    assert result.n == len(wide) == 35
    assert result.pooled and result.years == tuple(range(2018, 2024))
    assert result.pearson_r == pytest.approx(r) and result.pearson_p == pytest.approx(p)
    assert result.spearman_rho == pytest.approx(rho) and result.spearman_p == pytest.approx(rho_p)
    assert result.slope == pytest.approx(fit.slope)
    assert result.intercept == pytest.approx(fit.intercept)
    # pooled pairs repeat provinces: the interval resamples provinces, not pairs
    assert result.ci_method == "cluster_bootstrap"
    assert result.n_clusters == wide.index.get_level_values("province").nunique()
    assert result.pearson_ci_low < r < result.pearson_ci_high
    assert result.message == ""
    by_year = result.by_year.set_index("year")
    for year, part in wide.groupby(level="year"):
        assert by_year.loc[year, "n"] == len(part)
        assert by_year.loc[year, "pearson_r"] == pytest.approx(
            st.pearsonr(part["PAR"], part["SIPAS"]).statistic)
    residual = result.pairs["y"] - (fit.intercept + fit.slope * result.pairs["x"])
    np.testing.assert_allclose(result.pairs["residual"], residual)
    assert {"unit", "province", "year", "x", "y", "outlier"} <= set(result.pairs.columns)


def test_cluster_bootstrap_is_wider_than_fisher_when_provinces_repeat(rng):
    # 8 provinces, 6 years each, a province effect on both indices: 48 pairs, 8 independent
    base = rng.normal(0, 5, 8)
    rows = []
    for year in range(2018, 2024):
        noise = rng.normal(0, 1, (2, 8))
        for i in range(8):
            rows += [{"index": "PAR", "year": year, "unit": f"P{i}", "score": 80 + base[i]
                      + noise[0, i]},
                     {"index": "SIPAS", "year": year, "unit": f"P{i}", "score": 80 + base[i]
                      + noise[1, i]}]
    scores = pd.DataFrame(rows).assign(component="total", level="province")
    pooled = compute_correlation(scores, x="PAR", y="SIPAS")
    z, se = np.arctanh(pooled.pearson_r), 1 / np.sqrt(pooled.n - 3)
    fisher = np.tanh(z + 1.959964 * se) - np.tanh(z - 1.959964 * se)
    assert pooled.n == 48 and pooled.n_clusters == 8
    assert pooled.pearson_ci_high - pooled.pearson_ci_low > fisher
    one = compute_correlation(scores, x="PAR", y="SIPAS", years=2020)
    assert one.ci_method == "fisher_z" and one.by_year.empty


def test_compute_correlation_of_a_component_in_one_year(scores):
    result = compute_correlation(scores, x="PAR:procedures", y="SIPAS", years=2021)
    assert result.n == 6 and not result.pooled
    summary = result.to_frame()
    assert summary.shape[0] == 1
    assert summary.loc[0, "x"] == "PAR:procedures" and summary.loc[0, "years"] == "2021"


def test_compute_correlation_with_too_few_pairs_returns_a_message(scores):
    two = scores.loc[scores["province"].isin(["Bến Tre", "Trà Vinh"])]
    result = compute_correlation(two, x="PAR", y="SIPAS", years=2021)
    assert result.n == 2
    assert result.message == ("Only 2 pairs of PAR and SIPAS in 2021; at least 3 are needed "
                              "for a correlation.")
    assert np.isnan(result.pearson_r) and np.isnan(result.slope)
    assert len(result.pairs) == 2


def test_compute_correlation_without_variation_returns_a_message(scores):
    flat = scores.assign(score=np.where(scores["index"] == "SIPAS", 80.0, scores["score"]))
    result = compute_correlation(flat, x="PAR", y="SIPAS", years=2021)
    assert "SIPAS is 80 for all 6 pairs in 2021" in result.message
    assert np.isnan(result.pearson_r)


def test_compute_correlation_flags_an_outlier(scores):
    odd = (scores["province"] == "Bắc Kạn") & (scores["year"] == 2022) & (
        scores["index"] == "SIPAS")
    result = compute_correlation(scores.assign(score=scores["score"].mask(odd, 40.0)),
                                 x="PAR", y="SIPAS")
    flagged = result.pairs.loc[result.pairs["outlier"]]
    assert ("Bắc Kạn", 2022) in set(zip(flagged["unit"], flagged["year"]))
    assert (flagged["studentized_residual"].abs() > 2).all()


def test_compute_correlation_names_a_bad_variable(scores):
    with pytest.raises(ValueError, match=r"No rows for index='PCI' \(from 'PCI:x'\)"):
        compute_correlation(scores, x="PCI:x", y="PAR")


# -- compute_correlation_matrix --------------------------------------------------------------

def test_correlation_matrix_is_symmetric_with_ones_on_the_diagonal(scores):
    matrix = compute_correlation_matrix(scores, index="PAR")
    assert matrix.columns.tolist() == ["PAR", "PAR:procedures", "PAR:civil_service",
                                       "PAR:e_government"]
    np.testing.assert_allclose(matrix.to_numpy(), matrix.to_numpy().T)
    np.testing.assert_allclose(np.diag(matrix), 1.0)
    assert matrix.attrs["n"]["PAR"]["PAR:procedures"] == 35
    assert matrix.loc["PAR", "PAR:procedures"] == pytest.approx(compute_correlation(
        scores, x="PAR", y="PAR:procedures").pearson_r)


def test_correlation_matrix_of_totals_and_named_components(scores):
    assert compute_correlation_matrix(scores).columns.tolist() == ["PAR", "SIPAS"]
    matrix = compute_correlation_matrix(scores, components=["SIPAS", "PAR:procedures"],
                                        years=2021, method="spearman")
    assert matrix.columns.tolist() == ["SIPAS", "PAR:procedures"]
    assert matrix.attrs == {"method": "spearman", "synthetic": False,
                            "n": {c: {r: 6 for r in matrix.index} for c in matrix.columns}}


def test_correlation_matrix_errors(scores):
    with pytest.raises(ValueError, match=r"`method` must be one of \['kendall', 'pearson', "
                                         r"'spearman'\], but 'pearsn' was passed"):
        compute_correlation_matrix(scores, method="pearsn")
    with pytest.raises(ValueError, match=r"Component 'procedures' needs an index"):
        compute_correlation_matrix(scores, components=["procedures"])


# -- compute_percentiles ---------------------------------------------------------------------

def test_percentiles_are_100_for_rank_1_and_0_for_the_last(scores):
    pct = compute_percentiles(scores, index="PAR", year=2021)
    assert len(pct) == 8
    assert set(pct.loc[pct["rank"] == 1, "percentile"]) == {100.0}
    last = pct.loc[pct["rank"] == pct["n_units"]]
    assert set(last["percentile"]) == {0.0} and len(last) == 2
    ben_tre_2nd = pct.loc[(pct["province"] == "Bến Tre") & (pct["rank"] == 2), "percentile"]
    assert ben_tre_2nd.item() == 75.0
    assert set(pct["rank_source"]) == {"published"}


def test_percentiles_rank_from_scores_across_the_whole_ranking(scores):
    unranked = scores.assign(rank=pd.NA, n_units=pd.NA).astype({"rank": "Int64",
                                                                "n_units": "Int64"})
    derived = compute_percentiles(unranked, index="PAR", year=2021, unit_type="cong_thuong")
    published = compute_percentiles(scores, index="PAR", year=2021, unit_type="cong_thuong")
    assert set(derived["rank_source"]) == {"score"}
    assert derived["n_units"].tolist() == published["n_units"].tolist()
    assert derived["percentile"].tolist() == published["percentile"].tolist()


def test_percentiles_ties_share_the_lowest_rank_and_one_unit_is_nan():
    scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "department",
                           "province": ["A", "A", "A", "B"], "unit": ["x", "y", "z", "x"],
                           "year": 2021, "score": [90.0, 90.0, 80.0, 70.0]})
    pct = compute_percentiles(scores, index="PAR").set_index(["province", "unit"])
    assert pct["rank"].tolist() == [1, 1, 3, 1]
    assert pct.loc[("A", "y"), "percentile"] == 100.0
    assert np.isnan(pct.loc[("B", "x"), "percentile"])


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
    assert bool(row.loc["Vĩnh Long", "derived"]) and pd.isna(row.loc["Vĩnh Long",
                                                                     "province_code"])
    year_2020 = _par(grouped, 2020).set_index("province").loc["Vĩnh Long"]
    assert year_2020["n_members"] == 2 and not year_2020["complete"]
    departments = grouped.loc[grouped["level"] == "department"]
    assert len(departments) == 16 and set(departments["province_2025"]) == {"Vĩnh Long",
                                                                             "Thái Nguyên"}
    assert description.set_index("province_2025").loc["Thái Nguyên", "members"] == (
        "Bắc Kạn (06), Thái Nguyên (19)")
    assert set(description["how"]) == {"mean"}


def test_group_to_2025_passes_2025_rows_through_and_prefers_them(scores):
    new = _par(scores, 2023).iloc[[0]].assign(province_code=pd.NA, province="Vĩnh Long",
                                              unit="Vĩnh Long", score=50.0)
    with pytest.warns(UserWarning, match="1 aggregates of legacy provinces were dropped"):
        grouped, _ = group_to_2025(pd.concat([scores, new], ignore_index=True))
    row = _par(grouped, 2023).set_index("province").loc["Vĩnh Long"]
    assert row["score"] == 50.0 and pd.isna(row["n_members"])


def test_group_to_2025_names_a_bad_how(scores):
    with pytest.raises(ValueError, match=r"`how` must be one of \['mean', 'median'\], but "
                                         r"'sum' was passed"):
        group_to_2025(scores, how="sum")


def test_percentiles_never_infer_n_from_the_largest_rank(scores):
    no_count = scores.assign(n_units=pd.NA).astype({"n_units": "Int64"})
    pct = compute_percentiles(no_count, index="PAR", year=2022)
    assert pct["n_units"].isna().all() and pct["percentile"].isna().all()
    assert set(pct["rank_kind"]) == {"published"}


def test_percentiles_label_computed_ranks_and_use_only_the_published_n():
    scores = pd.DataFrame({"index": "PAR", "component": "total", "level": "province",
                           "unit": ["A", "B", "C"], "province": ["A", "B", "C"], "year": 2023,
                           "score": [92.0, 91.0, 90.0], "rank": [1, pd.NA, pd.NA],
                           "n_units": [63, pd.NA, pd.NA]})
    pct = compute_percentiles(scores, index="PAR", level="province", year=2023).set_index("unit")
    assert pct.loc["A", ["rank", "n_units", "rank_kind"]].tolist() == [1, 63, "published"]
    assert pct.loc["A", "percentile"] == 100.0
    assert pct.loc["C", ["rank", "n_units", "rank_kind"]].tolist() == [3, 3, "computed"]
    assert np.isnan(pct.loc["C", "percentile"])  # 3rd of 3 shown is not 3rd of 63
