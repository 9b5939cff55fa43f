from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

from parlib.analysis.correlation import compute_correlation, compute_correlation_matrix

# -- compute_correlation ---------------------------------------------------------------------


def test_compute_correlation_matches_scipy_pooled_over_years(scores):
    result = compute_correlation(scores, x="PAR", y="SIPAS")
    wide = scores.loc[
        (scores["component"] == "total") & (scores["level"] == "province")
    ].pivot_table(index=["province", "year"], columns="index", values="score")
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
            st.pearsonr(part["PAR"], part["SIPAS"]).statistic
        )
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
            rows += [
                {
                    "index": "PAR",
                    "year": year,
                    "unit": f"P{i}",
                    "score": 80 + base[i] + noise[0, i],
                },
                {
                    "index": "SIPAS",
                    "year": year,
                    "unit": f"P{i}",
                    "score": 80 + base[i] + noise[1, i],
                },
            ]
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
    assert result.message == (
        "Only 2 pairs of PAR and SIPAS in 2021; at least 3 are needed for a correlation."
    )
    assert np.isnan(result.pearson_r) and np.isnan(result.slope)
    assert len(result.pairs) == 2


def test_compute_correlation_without_variation_returns_a_message(scores):
    flat = scores.assign(score=np.where(scores["index"] == "SIPAS", 80.0, scores["score"]))
    result = compute_correlation(flat, x="PAR", y="SIPAS", years=2021)
    assert "SIPAS is 80 for all 6 pairs in 2021" in result.message
    assert np.isnan(result.pearson_r)


def test_compute_correlation_flags_an_outlier(scores):
    odd = (
        (scores["province"] == "Bắc Kạn") & (scores["year"] == 2022) & (scores["index"] == "SIPAS")
    )
    result = compute_correlation(
        scores.assign(score=scores["score"].mask(odd, 40.0)), x="PAR", y="SIPAS"
    )
    flagged = result.pairs.loc[result.pairs["outlier"]]
    assert ("Bắc Kạn", 2022) in set(zip(flagged["unit"], flagged["year"]))
    assert (flagged["studentized_residual"].abs() > 2).all()


def test_compute_correlation_names_a_bad_variable(scores):
    with pytest.raises(ValueError, match=r"No rows for index='PCI' \(from 'PCI:x'\)"):
        compute_correlation(scores, x="PCI:x", y="PAR")


# -- compute_correlation_matrix --------------------------------------------------------------


def test_correlation_matrix_is_symmetric_with_ones_on_the_diagonal(scores):
    matrix = compute_correlation_matrix(scores, index="PAR")
    assert matrix.columns.tolist() == [
        "PAR",
        "PAR:procedures",
        "PAR:civil_service",
        "PAR:e_government",
    ]
    np.testing.assert_allclose(matrix.to_numpy(), matrix.to_numpy().T)
    np.testing.assert_allclose(np.diag(matrix), 1.0)
    assert matrix.attrs["n"]["PAR"]["PAR:procedures"] == 35
    assert matrix.loc["PAR", "PAR:procedures"] == pytest.approx(
        compute_correlation(scores, x="PAR", y="PAR:procedures").pearson_r
    )


def test_correlation_matrix_of_totals_and_named_components(scores):
    assert compute_correlation_matrix(scores).columns.tolist() == ["PAR", "SIPAS"]
    matrix = compute_correlation_matrix(
        scores, components=["SIPAS", "PAR:procedures"], years=2021, method="spearman"
    )
    assert matrix.columns.tolist() == ["SIPAS", "PAR:procedures"]
    assert matrix.attrs == {
        "method": "spearman",
        "synthetic": False,
        "n": {c: {r: 6 for r in matrix.index} for c in matrix.columns},
    }


def test_correlation_matrix_errors(scores):
    with pytest.raises(
        ValueError,
        match=r"`method` must be one of \['kendall', 'pearson', "
        r"'spearman'\], but 'pearsn' was passed",
    ):
        compute_correlation_matrix(scores, method="pearsn")
    with pytest.raises(ValueError, match=r"Component 'procedures' needs an index"):
        compute_correlation_matrix(scores, components=["procedures"])
