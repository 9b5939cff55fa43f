"""The shipped real dataset: every seed figure is in the clean data, with its source."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from parlib.pipeline import clean_dataset

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw" / "vn-published"
SEEDS = ROOT.parent / "shared" / "seeds"

# A decimal number with a comma or point, optionally a percent or "điểm"; or a rank r/n.
_FIGURE = re.compile(r"(?<![\d/.,])(\d{1,3}(?:[.,]\d{1,2})?)\s*(%|điểm)")
_RANK = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])")
# Figures in the articles that are not index results (they describe other work).
NOT_INDEX = {
    ("001_26dc7e35133dbc6e.txt", "57%"),  # "cắt giảm từ 30 - 57% thời gian" for 13 procedures
}


@pytest.fixture(scope="module")
def result():
    return clean_dataset(RAW)


def _numbers(result) -> set[float]:
    scores, agg = result.scores, result.aggregates
    found = set(scores["score"].dropna().round(2)) | set(scores["points"].dropna().round(2))
    for col in ("value", "lower", "upper"):
        found |= set(agg[col].dropna().round(2))
    for text in pd.concat([scores["derivation"], agg["note"], scores["note"]]).dropna():
        found |= {
            round(float(x.replace(",", ".")), 2) for x in re.findall(r"\d+(?:[.,]\d+)?", str(text))
        }
    return found


def _ranks(result) -> set[tuple[int, int]]:
    scores, agg = result.scores, result.aggregates
    pairs = {
        (int(r), int(n))
        for r, n in zip(scores["rank"], scores["n_units"])
        if pd.notna(r) and pd.notna(n)
    }
    pairs |= {
        (int(v), int(n))
        for v, n in zip(agg["value"], agg["n_units"])
        if pd.notna(v) and pd.notna(n)
    }
    return pairs


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside the repository")
def test_every_figure_of_the_seed_articles_is_in_the_clean_data(result):
    numbers, ranks = _numbers(result), _ranks(result)
    missing = []
    for seed in sorted(SEEDS.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        for value, unit in _FIGURE.findall(text):
            if (
                round(float(value.replace(",", ".")), 2) not in numbers
                and (seed.name, value + unit) not in NOT_INDEX
            ):
                missing.append((seed.name, value + unit))
        for r, n in _RANK.findall(text):
            if (int(r), int(n)) not in ranks:
                missing.append((seed.name, f"{r}/{n}"))
    assert missing == []


@pytest.mark.parametrize(
    ("unit", "year", "index", "level", "score", "rank", "n_units", "source"),
    [
        ("Sở Công Thương", 2022, "PAR", "department", 98.56, 1, 18, "baodongkhoi-2023-07-05"),
        ("Sở Công Thương", 2022, "SIPAS", "department", 97.94, 4, 19, "sct-bentre-2023-05-18"),
        (
            "Văn phòng UBND tỉnh",
            2021,
            "PAR",
            "department",
            99.17,
            None,
            None,
            "chinhphu-2022-09-20-bentre",
        ),
        (
            "Huyện Chợ Lách",
            2021,
            "PAR",
            "district",
            89.21,
            None,
            None,
            "chinhphu-2022-09-20-bentre",
        ),
        (
            "Sở Công Thương",
            2024,
            "PAR",
            "department",
            90.9,
            1,
            19,
            "congthuong-thai-nguyen-sct-2024",
        ),
        (
            "Sở Khoa học và Công nghệ",
            2022,
            "PAR",
            "department",
            89.85,
            3,
            17,
            "dongthap-skhcn-2023",
        ),
        (
            "Sở Khoa học và Công nghệ",
            2022,
            "SIPAS",
            "department",
            100.0,
            None,
            None,
            "dongthap-skhcn-2023",
        ),
    ],
)
def test_seed_figures_keep_their_source(
    result, unit, year, index, level, score, rank, n_units, source
):
    s = result.scores
    rows = s.loc[
        (s["unit"] == unit)
        & (s["year"] == year)
        & (s["index"] == index)
        & (s["level"] == level)
        & (s["component"] == "total")
        & (s["score"].round(2) == score)
    ]
    assert len(rows) == 1, rows
    row = rows.iloc[0]
    assert source in row["source_id"].split(";")
    if rank is not None:
        assert (row["rank"], row["n_units"]) == (rank, n_units)
    assert source in set(result.sources["source_id"])


def test_figures_given_as_a_change_are_derived_with_their_derivation(result):
    s = result.scores
    derived = s.loc[s["derived"] & (s["year"] == 2021)].set_index(["unit", "index"])
    assert derived.loc[("Sở Khoa học và Công nghệ", "PAR"), "score"] == pytest.approx(88.09)
    assert "1,76" in derived.loc[("Sở Khoa học và Công nghệ", "PAR"), "derivation"]
    assert derived.loc[("Sở Công Thương", "SIPAS"), "score"] == pytest.approx(91.73)


def test_ben_tre_2021_district_spread_contradiction_is_flagged(result):
    report = result.report()
    messages = [w["message"] for w in report["warnings"] if w["check"] == "aggregate"]
    assert any("4.75" in m and "4.15" in m and "Bến Tre" in m for m in messages)
    agg = result.aggregates
    spread = agg.loc[
        (agg["statistic"] == "spread") & (agg["level"] == "district") & (agg["year"] == 2021)
    ].iloc[0]
    assert spread["check"] == "contradiction" and spread["value"] == 4.75


def test_every_source_has_publisher_date_and_every_row_a_known_source(result):
    sources = result.sources
    assert sources["publisher"].notna().all() and sources["date"].notna().all()
    used = set(result.scores["source_id"].str.split(";").explode())
    assert used <= set(sources["source_id"])
    assert not result.scores["synthetic"].any()


def test_the_workbook_opens_with_every_sheet(result, tmp_path):
    import io

    import openpyxl

    from parlib.pipeline import write_result

    folder = write_result(result, tmp_path)
    book = openpyxl.load_workbook(io.BytesIO((folder / "scores.xlsx").read_bytes()))
    assert book.sheetnames == [
        "scores",
        "sources",
        "quarantine",
        "disputed",
        "corrections",
        "codebook",
    ]
    assert book["scores"].max_row == len(result.scores) + 1
    assert book["sources"].max_row == len(result.sources) + 1
    assert book["disputed"].max_row == len(result.disputed) + 1  # header, then each
    assert book["corrections"].max_row == len(result.corrections) + 1
    assert all(book[name].freeze_panes == "A2" for name in book.sheetnames)
    assert (folder / "scores.csv").read_bytes().startswith(b"\xef\xbb\xbf")


# -- corrections, disputes and ranks on the real data -----------------------------------------


def _row(result, province: str, year: int, index: str = "PAR") -> pd.Series:
    s = result.scores
    rows = s.loc[
        (s["province"] == province)
        & (s["year"] == year)
        & (s["index"] == index)
        & (s["level"] == "province")
        & (s["component"] == "total")
    ]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.mark.parametrize(
    ("province", "year", "index", "score", "rank", "evidence"),
    [
        ("Quảng Ninh", 2018, "PAR", 89.06, 1, "quangninh-snv-2020-par2019"),
        ("Hà Nội", 2018, "PAR", 83.98, 2, "vietnamplus-en-2019-danang-par2018"),
        ("Bến Tre", 2019, "PAR", 73.87, 63, "thanhtra-2020-par2019"),
        ("Bình Dương", 2019, "SIPAS", 88.02, 13, "baobinhduong-en-2020-06-06-sipas2019"),
        ("Hải Phòng", 2023, "PAR", 91.87, 2, "kinhtedothi-2025-hp-par2024"),
        ("Quảng Ninh", 2020, "PAPI", 48.811, 1, "papi-2020-provincial-dimensions"),
    ],
)
def test_every_correction_shows_in_the_clean_data_with_its_evidence(
    result, province, year, index, score, rank, evidence
):
    row = _row(result, province, year, index)
    assert row["score"] == score and row["rank"] == rank and row["n_units"] == 63
    assert row["corrected"] and evidence in row["correction_source"].split(";")
    assert row["published_value"]  # the value as published stays on record
    assert evidence in set(result.sources["source_id"])
    url = result.sources.set_index("source_id").loc[evidence, "url"]
    assert str(url).startswith("http")


def test_every_correction_is_listed_with_a_source_in_the_dataset(result):
    fixes = result.report()["corrections"]
    assert len(fixes) == len(result.config.corrections) == 9
    known = set(result.sources["source_id"])
    assert all(f["source_id"] in known and f["reason"] for f in fixes)


def test_the_2018_national_par_mean_is_recorded(result):
    agg = result.aggregates
    mean = agg.loc[(agg["year"] == 2018) & (agg["statistic"] == "mean") & (agg["index"] == "PAR")]
    assert mean["value"].tolist() == [76.92]


def test_quang_ninh_papi_2020_misprint_is_corrected_to_the_sum_of_its_dimensions(result):
    s = result.scores
    row = s.loc[(s["province"] == "Quảng Ninh") & (s["index"] == "PAPI") & (s["year"] == 2020)]
    assert row["score"].tolist() == [48.811]
    fixed = s.loc[s["corrected"].astype(bool) & (s["raw_file"] == "papi-provinces.csv")]
    assert fixed["correction_source"].tolist() == ["papi-2020-provincial-dimensions"]
    assert result.disputed.empty  # the correction settles the only dispute


def test_quang_ninh_papi_2020_correction_matches_the_official_panel():
    raw = Path(__file__).resolve().parents[1] / "data/raw/papi-official/papi-2020.csv"
    dims = pd.read_csv(raw)
    row = dims.loc[dims.iloc[:, 0] == "Quảng Ninh"]
    assert len(row) == 1 and row.shape[1] == 9  # the province and its eight dimensions
    assert round(float(row.iloc[0, 1:].sum()), 3) == 48.811


def test_every_province_rank_carries_its_published_n(result):
    s = result.scores
    ranked = s.loc[(s["level"] == "province") & s["rank"].notna()]
    assert len(ranked) > 40 and (ranked["n_units"] == 63).all()
    assert (ranked["rank"] <= ranked["n_units"]).all()
