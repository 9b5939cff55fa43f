from __future__ import annotations

import warnings

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure

from parlib.analysis.correlation import compute_correlation_matrix
from parlib.analysis.trend import compute_trend
from parlib.viz.correlation_plots import plot_correlation, plot_correlation_matrix
from parlib.viz.layout import check_layout
from parlib.viz.rank_plots import plot_changes, plot_percentiles, plot_ranking
from parlib.viz.theme import PALETTE, plot_theme
from parlib.viz.trend_plots import plot_components, plot_trend

VIETNAMESE = "Bà Rịa - Vũng Tàu, Đắk Lắk, Thừa Thiên Huế"


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def _ticks(labels) -> list[str]:
    return [t.get_text() for t in labels]


# -- plot_trend ------------------------------------------------------------------------------


def _named(ax) -> list[str]:
    return [line.get_label() for line in ax.lines if not line.get_label().startswith("_")]


def test_plot_trend_colours_the_chosen_units_over_the_rest_in_grey(scores):
    ax = plot_trend(scores, index="PAR", provinces=["Bến Tre", "Trà Vinh"], lang="vi")
    assert _named(ax)[1:] == ["Bến Tre", "Trà Vinh"]
    assert _named(ax)[0].replace("\n", " ") == (
        "Trung bình của 5–6 tỉnh có số liệu trong bộ dữ liệu "
        "(5–6/63 tỉnh: không phải trung bình toàn quốc)"
    )
    grey = [line for line in ax.lines if line.get_label().startswith("_")]
    assert len(grey) == 4 and {line.get_color() for line in grey} == {"#C9C9C9"}
    assert ax.get_xlabel() == "Năm" and ax.get_ylabel() == "Điểm (%)"
    assert ax.get_title(loc="left") == "Chỉ số CCHC (PAR Index)"
    assert _ticks(ax.get_xticklabels()) == [str(y) for y in range(2018, 2024)]
    assert ax.get_legend() is None  # names stand at the lines' ends instead
    ends = {t.get_text().replace("\u00a0", " ").replace("\n", " "): t for t in ax.texts}
    assert {"Bến Tre", "Trà Vinh"} <= set(ends)
    assert ends["Bến Tre"].xyann[0] > 1  # right of the axes
    assert check_layout(ax.figure)["overlaps"] == []
    assert not [c for c in ax.collections if c.get_label().startswith("Interquartile")]


def test_plot_trend_colours_at_most_eight_units(scores):
    ax = plot_trend(scores, index="PAR", lang="en")  # all six provinces chosen: fine
    assert len(_named(ax)) == 7
    many = pd.concat([scores.assign(unit=scores["unit"] + f" {k}") for k in range(3)])
    ax = plot_trend(many, index="PAR", lang="en")
    assert len(_named(ax)) == 1 + 8  # the mean and eight units
    assert "4 highest and 4 lowest" in ax.get_title(loc="left")
    assert check_layout(ax.figure)["overlaps"] == []


def test_plot_trend_draws_a_one_year_unit_as_a_point_on_the_years_with_data(scores):
    one = scores.loc[(scores["level"] == "department") & (scores["year"] == 2021)]
    ax = plot_trend(one, index="PAR", level="department", provinces="Bến Tre", lang="en")
    assert _ticks(ax.get_xticklabels()) == ["2021"]
    unit = next(line for line in ax.lines if line.get_label() == "Sở Y tế")
    assert unit.get_linewidth() == 0 and unit.get_marker() == "o"


def test_plot_trend_draws_no_reference_for_departments_of_several_provinces(scores):
    ax = plot_trend(scores, index="PAR", level="department", lang="en")
    assert all(line.get_color() != "#555555" for line in ax.lines)
    one = plot_trend(scores, index="PAR", level="department", provinces=["Bến Tre"], lang="en")
    assert _named(one)[0].startswith("Mean of Bến Tre's units in this dataset")


def test_plot_trend_leaves_a_gap_at_the_missing_year(scores):
    ax = plot_trend(scores, index="PAR", provinces="Trà Vinh", lang="en")
    line = next(line for line in ax.lines if line.get_label() == "Trà Vinh")
    x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata(), dtype=float)
    assert x.tolist() == list(range(2018, 2024))
    assert np.isnan(y[x == 2020]).all() and np.isfinite(y[x != 2020]).all()
    mean = next(line for line in ax.lines if line.get_label().startswith("Mean")).get_ydata()
    expected = compute_trend(scores, index="PAR").drop_duplicates("year")["mean"]
    np.testing.assert_allclose(mean, expected)


def test_plot_trend_with_a_component_and_years_in_english(scores):
    ax = plot_trend(
        scores,
        index="PAR",
        component="procedures",
        provinces="83",
        years=range(2020, 2024),
        lang="en",
    )
    assert ax.get_title(loc="left") == "PAR Index: Administrative procedure reform"
    assert _ticks(ax.get_xticklabels()) == ["2020", "2021", "2022", "2023"]
    assert ax.get_ylabel() == "Score (%)"


def test_plot_trend_uses_the_axes_it_is_given(scores):
    fig, ax = plt.subplots()
    assert plot_trend(scores, index="SIPAS", ax=ax) is ax
    assert len(fig.axes) == 1


def test_plot_trend_marks_synthetic_data(scores):
    ax = plot_trend(scores.assign(synthetic=True), index="PAR", provinces="83")
    assert "DỮ LIỆU GIẢ LẬP" in _texts(ax)
    assert "DỮ LIỆU GIẢ LẬP" not in _texts(plot_trend(scores, index="PAR", provinces="83"))


def test_plot_functions_name_a_bad_lang(scores):
    with pytest.raises(ValueError, match=r"`lang` must be one of \['en', 'vi'\], but 'fr'"):
        plot_trend(scores, index="PAR", lang="fr")
    with pytest.raises(ValueError, match=r"No rows for index='PARX'"):
        plot_trend(scores, index="PARX")


# -- other plots -----------------------------------------------------------------------------


def test_plot_changes_draws_one_bar_per_unit(scores):
    ax = plot_changes(scores, index="PAR", start=2018, end=2023, n=2, lang="en")
    bars = ax.patches
    assert 1 <= len(bars) <= 4
    widths = [bar.get_width() for bar in bars]
    assert widths == sorted(widths, reverse=True)
    assert ax.get_xlabel() == "Change 2018–2023 (points)"
    assert len(_ticks(ax.get_yticklabels())) == len(bars)
    rising = [mpl.colors.to_hex(b.get_facecolor()) for b in bars if b.get_width() > 0]
    assert set(rising) <= {PALETTE[0].lower()}


def test_plot_components_draws_one_panel_per_component(scores):
    fig = plot_components(scores, index="PAR", provinces="83", lang="en")
    assert isinstance(fig, Figure)
    assert [ax.get_title().replace("\n", " ") for ax in fig.axes] == [
        "Administrative procedure reform",
        "Civil service reform",
        "E-government and digital government",
    ]
    assert all(len(_named(ax)) == 2 for ax in fig.axes)  # the mean and Bến Tre in colour
    assert fig.axes[0].get_shared_x_axes().joined(fig.axes[0], fig.axes[2])
    assert fig.axes[0].get_shared_y_axes().joined(fig.axes[0], fig.axes[2])
    assert check_layout(fig)["overlaps"] == []
    assert fig.get_suptitle() == "PAR Index: components"


def test_plot_components_needs_components(scores):
    with pytest.raises(ValueError, match=r"No components for index='SIPAS'"):
        plot_components(scores, index="SIPAS")


def test_plot_correlation_shows_statistics_and_labels_outliers(scores):
    odd = (
        (scores["province"] == "Bắc Kạn") & (scores["year"] == 2022) & (scores["index"] == "SIPAS")
    )
    ax = plot_correlation(
        scores.assign(score=scores["score"].mask(odd, 40.0)), x="PAR", y="SIPAS", lang="en"
    )
    assert ax.get_title() == "PAR Index and Satisfaction index (SIPAS)"
    box = next(t for t in _texts(ax) if t.startswith("Pearson"))
    assert "95% CI" in box and "Spearman ρ" in box and "n = 35 pairs" in box
    assert "Bắc Kạn 2022" in _texts(ax)  # pooled: the year is named
    assert check_layout(ax.figure)["overlaps"] == []
    legend = ax.get_legend().get_window_extent()
    assert legend.y1 < ax.get_window_extent().y0  # under the axes, clear of the data
    assert [line.get_label() for line in ax.lines] == ["Regression line"]


def test_plot_correlation_with_too_few_pairs_draws_the_message(scores):
    two = scores.loc[scores["province"].isin(["Bến Tre", "Trà Vinh"])]
    ax = plot_correlation(two, x="PAR", y="SIPAS", years=2021, lang="en")
    assert any("Only 2 pairs of PAR and SIPAS in 2021" in t.replace("\n", " ") for t in _texts(ax))
    assert not ax.collections and not ax.lines
    ax = plot_correlation(two, x="PAR", y="SIPAS", years=2021, lang="vi")
    assert any("Chỉ có 2 cặp" in t for t in _texts(ax))


def test_plot_correlation_matrix_is_a_centred_annotated_heatmap(scores):
    matrix = compute_correlation_matrix(scores, index="PAR")
    ax = plot_correlation_matrix(matrix, lang="en")
    mesh = ax.collections[0]
    assert (mesh.norm.vmin, mesh.norm.vmax) == (-1.0, 1.0)
    middle = mesh.cmap(mesh.norm(0.0))
    assert min(middle[:3]) > 0.9  # white at 0
    assert len(_texts(ax)) == 16 and _texts(ax)[0] == "1.00"
    assert _ticks(ax.get_yticklabels())[0] == "Total"
    assert ax.get_title() == "Pearson correlation (n = 35 pairs)"
    synthetic = compute_correlation_matrix(scores.assign(synthetic=True), index="PAR")
    assert "SYNTHETIC DATA" in _texts(plot_correlation_matrix(synthetic, lang="en"))


def test_plot_correlation_matrix_needs_a_square_matrix(scores):
    matrix = compute_correlation_matrix(scores, index="PAR")
    with pytest.raises(ValueError, match=r"must be a square DataFrame.*a 4×3 DataFrame"):
        plot_correlation_matrix(matrix.iloc[:, :3])


def test_plot_ranking_sorts_by_score_with_rank_labels(scores):
    ax = plot_ranking(scores, index="PAR", year=2021, lang="vi")
    labels = _ticks(ax.get_yticklabels())
    year = scores.loc[
        (scores["year"] == 2021)
        & (scores["index"] == "PAR")
        & (scores["component"] == "total")
        & (scores["level"] == "province")
    ]
    best = year.sort_values("score", ascending=False).iloc[0]
    assert labels[0] == f"{best['province']}  {best['rank']:02d}/63"
    assert len(labels) == 6 and ax.yaxis_inverted()
    assert f"{best['score']:.2f}".replace(".", ",") in _texts(ax)
    assert ax.get_title(loc="left") == "Chỉ số CCHC (PAR Index): xếp hạng năm 2021"
    assert not ax.collections[1:]  # dots only: no stems


def test_plot_ranking_of_63_units_fits_a_page_in_two_columns(scores):
    many = pd.concat(
        [
            scores.assign(
                unit=scores["unit"] + f" {k}", province_code=scores["province_code"] + f"{k}"
            )
            for k in range(11)
        ]
    )  # 66 units
    ax = plot_ranking(many, index="PAR", year=2021, lang="en")
    fig = ax.figure
    assert len(fig.axes) == 2
    assert sum(len(a.get_yticklabels()) for a in fig.axes) == 66
    layout = check_layout(fig)
    assert layout["fits_a4"] and layout["overlaps"] == []


def test_plot_ranking_of_departments_needs_one_province(scores):
    with pytest.raises(ValueError, match=r"draws one ranking.*2 provinces.*pass provinces"):
        plot_ranking(scores, index="PAR", year=2021, level="department")
    ax = plot_ranking(scores, index="PAR", year=2021, level="department", provinces="Bến Tre")
    assert all(label.endswith("/5") for label in _ticks(ax.get_yticklabels()))


def test_plot_percentiles_compares_one_department_type(scores):
    ax = plot_percentiles(scores, index="PAR", year=2021, unit_type="cong_thuong", lang="en")
    labels = _ticks(ax.get_yticklabels())
    assert sorted(label.split("  ")[0] for label in labels) == ["Bến Tre", "Thái Nguyên"]
    assert ax.get_xlim() == (-3, 103)
    assert ax.get_title().endswith("Department of Industry and Trade")
    x = ax.collections[0].get_offsets()[:, 0]
    assert list(x) == sorted(x, reverse=True)


# -- theme and fonts -------------------------------------------------------------------------


def test_plot_theme_changes_no_global_state(scores):
    before = dict(mpl.rcParams)
    with plot_theme():
        assert mpl.rcParams["font.sans-serif"][0] == "DejaVu Sans"
        assert mpl.rcParams["axes.prop_cycle"].by_key()["color"][0] == PALETTE[0]
    plot_trend(scores, index="PAR", provinces="83")
    assert dict(mpl.rcParams) == before


def test_vietnamese_text_renders_without_missing_glyphs(scores):
    ax = plot_trend(scores, index="PAR", provinces="83")
    ax.set_title(VIETNAMESE)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax.figure.canvas.draw()
    assert not [w for w in caught if "Glyph" in str(w.message)]
    font = font_manager.findfont(ax.title.get_fontproperties(), fallback_to_default=False)
    assert font.endswith("DejaVuSans.ttf")


def test_plot_ranking_says_once_that_no_total_was_published():
    scores = pd.DataFrame(
        {
            "index": "PAR",
            "component": "total",
            "level": "district",
            "province": "Hà Tĩnh",
            "unit": ["Huyện Kỳ Anh", "Huyện Lộc Hà"],
            "year": 2023,
            "score": [93.9, 92.5],
            "rank": [1, 2],
        }
    )
    ax = plot_ranking(scores, index="PAR", year=2023, level="district", lang="en")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Huyện Kỳ Anh  1", "Huyện Lộc Hà  2"]
    assert "number of units ranked was not published" in ax.get_title(loc="left")
    plt.close(ax.figure)
