from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from parlib import reference
from parlib.demo.panel import DEFAULT_SEED, write_demo_data
from parlib.demo.writers import spell, to_cp1258_form
from parlib.ingest.config import read_config
from parlib.text import match_key

# The file keys that data/raw/README.md lists.
FILE_KEYS = {
    "path",
    "source",
    "index",
    "year",
    "province",
    "level",
    "component",
    "max_points",
    "sheet",
    "header_row",
    "encoding",
    "delimiter",
    "table",
    "boundaries",
    "notes",
}
VIETNAMESE = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return write_demo_data(tmp_path_factory.mktemp("demo") / "demo-synthetic")[-1].parent


@pytest.fixture(scope="module")
def config(demo) -> dict:
    return yaml.safe_load((demo / "dataset.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def province_codes() -> dict[str, str]:
    """Map the match key of every legacy province spelling to its code."""
    p = reference.provinces("legacy")
    aliases = reference.province_aliases()
    aliases = aliases.loc[aliases["era"] == "legacy"]
    pairs = [
        *zip(p["name"], p["code"]),
        *zip(p["full_name"], p["code"]),
        *zip(aliases["alias"], aliases["code"]),
    ]
    return {match_key(name): code for name, code in pairs}


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _number(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.replace(r"\s*(điểm|%)$", "", regex=True)
    return pd.to_numeric(text.str.replace(",", "."), errors="coerce")


def _year(header: str) -> int:
    return int(re.search(r"\d{4}", header).group())


def test_write_demo_data_is_byte_identical_for_one_seed(demo, tmp_path):
    paths = write_demo_data(tmp_path / "again")
    assert _digests(tmp_path / "again") == _digests(demo)
    assert [p.name for p in paths] == [
        *dict.fromkeys(e["path"] for e in yaml.safe_load(paths[-1].read_text("utf-8"))["files"]),
        "dataset.yaml",
    ]


def test_write_demo_data_changes_with_the_seed(demo, tmp_path):
    write_demo_data(tmp_path / "other", seed=DEFAULT_SEED + 1)
    base, other = _digests(demo), _digests(tmp_path / "other")
    assert base.keys() == other.keys()
    changed = {name for name in base if base[name] != other[name]}
    assert changed >= {
        "provinces-par-2017-2024.csv",
        "provinces-sipas-wide.csv",
        "provinces-papi-2018-2024.csv",
        "ben-tre-departments-2017-2024.xlsx",
        "ha-tinh-departments-2018-2024.csv",
        "districts-2018-2024.csv",
    }


def test_write_demo_data_names_a_bad_seed(tmp_path):
    with pytest.raises(ValueError, match="`seed` must be a non-negative integer, but -1"):
        write_demo_data(tmp_path, seed=-1)
    with pytest.raises(ValueError, match="but '7' was passed"):
        write_demo_data(tmp_path, seed="7")
    assert not any(tmp_path.iterdir())


def test_dataset_yaml_says_synthetic_and_names_the_seed(config):
    assert config["kind"] == "synthetic"
    assert "synthetic" in config["title"].lower()
    assert "NOT real" in config["description"]
    [source] = config["sources"]
    assert source["id"] == "parlib-demo"
    assert source["publisher"] == "parlib (synthetic data generator)"
    assert source["date"] == "2025-07-01"
    assert "url" not in source
    assert str(DEFAULT_SEED) in source["notes"] and "write_demo_data" in source["notes"]


def test_every_listed_file_exists_and_every_file_is_listed(demo, config):
    for entry in config["files"]:
        assert set(entry) <= FILE_KEYS, entry
        assert entry["source"] == "parlib-demo"
    listed = {entry["path"] for entry in config["files"]}
    assert listed == {p.name for p in demo.iterdir()} - {"dataset.yaml"}
    assert len(read_config(demo).files) == len(config["files"])


def test_demo_folder_is_small(demo):
    assert sum(p.stat().st_size for p in demo.iterdir()) < 3_000_000


def test_cp1258_file_decodes_to_the_nfc_text(demo):
    raw = (demo / "ha-tinh-departments-2018-2024.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = unicodedata.normalize("NFC", raw.decode("cp1258"))
    assert "Cải cách thủ tục hành chính (13 điểm)" in text
    assert "Sở Lao động - Thương binh và Xã hội" in text
    assert "Sở Văn hoá, Thể thao và Du lịch" in text  # old tone placement kept


@pytest.mark.parametrize("text", [VIETNAMESE, VIETNAMESE.upper(), "Thừa Thiên Huế; Ủy ban"])
def test_to_cp1258_form_round_trips_every_vietnamese_letter(text):
    decoded = to_cp1258_form(text).encode("cp1258").decode("cp1258")
    assert unicodedata.normalize("NFC", decoded) == text


def test_one_file_is_written_in_nfd(demo):
    text = (demo / "dong-thap-departments-2021.csv").read_text(encoding="utf-8")
    assert text == unicodedata.normalize("NFD", text) != unicodedata.normalize("NFC", text)
    assert "Sở Tài nguyên và Môi trường" in unicodedata.normalize("NFC", text)


def test_spell_names_an_unknown_style():
    with pytest.raises(ValueError, match=r"`style` must be one of .*'nfd'.*'shouting'"):
        spell("Sở Y tế", "shouting")


def test_xlsx_has_merged_title_rows_and_a_notes_row(demo, config):
    wb = load_workbook(demo / "ben-tre-departments-2017-2024.xlsx")
    entries = [e for e in config["files"] if e["path"].endswith(".xlsx")]
    assert [e["year"] for e in entries] == list(range(2017, 2025))
    for entry in entries:
        ws = wb[entry["sheet"]]
        merged = {str(r) for r in ws.merged_cells.ranges}
        last = get_column_letter(ws.max_column)
        assert ws["A1"].value == "UBND TỈNH BẾN TRE"
        assert ws["A2"].value.startswith(f"BẢNG TỔNG HỢP KẾT QUẢ CHỈ SỐ CCHC NĂM {entry['year']}")
        assert {f"A1:{last}1", f"A2:{last}2"} <= merged
        header = [c.value for c in ws[entry["header_row"]]]
        assert header[:2] == ["STT", "Tên đơn vị"] and "PAR INDEX" in header
        assert ws.cell(ws.max_row, 1).value.startswith("Ghi chú: dữ liệu tổng hợp giả lập")
        assert f"A{ws.max_row}:{last}{ws.max_row}" in merged


def test_xlsx_does_not_carry_the_clock(demo):
    with zipfile.ZipFile(demo / "ben-tre-departments-2017-2024.xlsx") as z:
        assert {info.date_time for info in z.infolist()} == {(2025, 7, 1, 0, 0, 0)}
        assert z.namelist() == sorted(z.namelist())
        core = z.read("docProps/core.xml").decode()
    assert core.count("2025-07-01T00:00:00Z") == 2


def test_province_tables_cover_63_provinces_and_their_years(demo, province_codes):
    par = pd.read_csv(demo / "provinces-par-2017-2024.csv", dtype=str)
    codes = par["Tỉnh/thành phố"].map(lambda n: province_codes.get(match_key(n)))
    assert codes.notna().all() and codes.nunique() == 63
    assert sorted(par["Năm"].astype(int).unique()) == list(range(2017, 2025))
    assert (par.groupby("Năm").size() >= 61).all()
    assert (par["Chỉ số CCHC (%)"] == "KĐG").sum() == 1
    sipas = pd.read_csv(demo / "provinces-sipas-wide.csv", dtype=str, encoding="utf-8-sig")
    assert [_year(c) for c in sipas.columns[2:]] == list(range(2018, 2025))
    assert sipas["Địa phương"].map(lambda n: province_codes.get(match_key(n))).nunique() == 63
    assert sipas.isin(["-", "KĐG"]).sum().sum() == 3
    papi = pd.read_csv(demo / "provinces-papi-2018-2024.csv", dtype=str)
    assert sorted(papi["Năm"].astype(int).unique()) == list(range(2018, 2025))


def test_papi_2024_is_regrouped_into_the_34_provinces_of_2025(demo, config):
    table = pd.read_csv(demo / "provinces-papi-2024-boundaries-2025.csv")
    assert set(table["Tỉnh/thành phố"]) == set(reference.provinces("2025")["name"])
    assert len(table) == 34
    merged = table.loc[table["Cách tính"].notna()]
    assert len(merged) == 23 and merged["Cách tính"].str.startswith("Trung bình").all()
    papi = pd.read_csv(demo / "provinces-papi-2018-2024.csv")
    hcm = papi.loc[
        (papi["Năm"] == 2024)
        & papi["Tỉnh/thành phố"].isin(["Thành phố Hồ Chí Minh", "Bình Dương", "Bà Rịa – Vũng Tàu"]),
        "Tổng điểm",
    ]
    stated = table.loc[table["Tỉnh/thành phố"] == "Hồ Chí Minh", "Tổng điểm"].item()
    assert stated == pytest.approx(_number(hcm).mean(), abs=1e-4)
    [entry] = [e for e in config["files"] if e["path"] == "provinces-papi-2024-boundaries-2025.csv"]
    assert entry["boundaries"] == "2025" and entry["year"] == 2024


def test_scores_rise_and_stay_within_their_scales(demo):
    par = pd.read_csv(demo / "provinces-par-2017-2024.csv", dtype=str)
    scores = par.iloc[:, 3:12].apply(_number)
    assert scores.stack().between(0, 100).all()
    mean = scores["Chỉ số CCHC (%)"].groupby(par["Năm"]).mean()
    assert 74 < mean["2017"] < 80 and 84 < mean["2023"] < 90 and mean.is_monotonic_increasing
    papi = pd.read_csv(demo / "provinces-papi-2018-2024.csv", dtype=str)
    dims = papi.filter(like="(10 điểm)").apply(_number)
    assert dims.stack().between(1, 10).all()
    assert _number(papi["Tổng điểm"]).dropna().between(8, 80).all()
    factors = pd.read_csv(demo / "provinces-sipas-factors-2018-2024.csv", sep=";", dtype=str)
    assert factors.iloc[:, 2:].apply(_number).stack().between(0, 100).all()


def test_ranks_have_ties_written_as_rank_over_count(demo):
    par = pd.read_csv(demo / "provinces-par-2017-2024.csv", dtype=str)
    ranks = par.loc[par["Xếp hạng Chỉ số CCHC"].notna(), ["Năm", "Xếp hạng Chỉ số CCHC"]]
    ranks = ranks.set_axis(["year", "rank"], axis=1)
    assert ranks["rank"].str.fullmatch(r"\d{2}/6[123]").all()
    assert ranks.groupby("year")["rank"].apply(lambda r: r.duplicated().any()).all()


def test_sipas_correlates_with_par_index_at_about_one_half(demo, province_codes):
    par = pd.read_csv(demo / "provinces-par-2017-2024.csv", dtype=str)
    par = pd.DataFrame(
        {
            "code": par["Tỉnh/thành phố"].map(lambda n: province_codes[match_key(n)]),
            "year": par["Năm"].astype(int),
            "par": _number(par["Chỉ số CCHC (%)"]),
        }
    )
    wide = pd.read_csv(demo / "provinces-sipas-wide.csv", dtype=str, encoding="utf-8-sig")
    wide = wide.assign(code=wide["Địa phương"].map(lambda n: province_codes[match_key(n)]))
    sipas = wide.melt(id_vars="code", value_vars=list(wide.columns[2:-1]), var_name="year")
    sipas = sipas.assign(year=sipas["year"].map(_year), sipas=_number(sipas["value"]))
    both = par.merge(sipas, on=["code", "year"]).dropna(subset=["par", "sipas"])
    for year, group in both.groupby("year"):
        pearson = group["par"].corr(group["sipas"])
        spearman = group["par"].rank().corr(group["sipas"].rank())
        assert 0.3 < pearson < 0.7 and 0.3 < spearman < 0.7, (year, pearson, spearman)


def _nfc(table: pd.DataFrame) -> pd.DataFrame:
    def nfc(value):
        return unicodedata.normalize("NFC", value) if isinstance(value, str) else value

    return table.map(nfc).rename(columns=nfc)


@pytest.fixture(scope="module")
def departments(demo) -> dict[str, pd.DataFrame]:
    """Each province's department file(s), as NFC text, with a ``year`` column."""
    book = pd.read_excel(
        demo / "ben-tre-departments-2017-2024.xlsx", sheet_name=None, header=3, engine="openpyxl"
    )
    frames = {
        "ben-tre": pd.concat(
            [
                t.loc[t["STT"].notna() & ~t["STT"].astype(str).str.startswith("Ghi chú")].assign(
                    year=_year(name)
                )
                for name, t in book.items()
            ]
        ),
        "thai-nguyen": pd.read_csv(
            demo / "thai-nguyen-departments-2018-2024.csv", encoding="utf-8-sig"
        ),
        "dong-thap": pd.concat(
            [
                _nfc(pd.read_csv(p, sep=";")).assign(year=_year(p.name))
                for p in sorted(demo.glob("dong-thap-departments-*.csv"))
            ]
        ),
        "quang-ninh": pd.read_csv(
            demo / "quang-ninh-departments-components-2019-2024.csv", sep="\t"
        ),
        "ha-tinh": pd.read_csv(demo / "ha-tinh-departments-2018-2024.csv", encoding="cp1258"),
    }
    return {k: _nfc(t).rename(columns={"Năm": "year"}) for k, t in frames.items()}


def test_departments_are_17_to_20_per_province_and_year(departments):
    for name, table in departments.items():
        sizes = table.groupby("year").size()
        assert sizes.between(17, 20).all(), (name, sizes.to_dict())
    assert departments["ben-tre"]["year"].unique().tolist() == list(range(2017, 2025))
    assert 2020 not in set(departments["ha-tinh"]["year"])


def test_department_sipas_starts_in_2018(departments):
    ben_tre = departments["ben-tre"]
    assert ben_tre.loc[ben_tre["year"] == 2017, "SIPAS (%)"].isna().all()
    assert ben_tre.loc[ben_tre["year"] == 2018, "SIPAS (%)"].notna().all()
    dong_thap = departments["dong-thap"]
    assert dong_thap.loc[dong_thap["year"] == 2017, "Chỉ số hài lòng (%)"].isna().all()
    assert departments["ha-tinh"]["year"].min() == 2018


def test_department_component_maxima_differ_by_province(departments):
    maxima = {}
    for name, table in departments.items():
        if name == "dong-thap":
            cells = table.iloc[0, 2:9]
            maxima[name] = tuple(int(c.split("/")[1]) for c in cells)
        else:
            maxima[name] = tuple(
                int(m) for c in table.columns for m in re.findall(r"\((\d+) điểm\)", c)
            )
    assert all(len(m) == 7 and sum(m) == 100 for m in maxima.values()), maxima
    assert len(set(maxima.values())) == 5
    assert {m[0] for m in maxima.values()} == {6, 7}  # direction
    assert {m[2] for m in maxima.values()} == {12, 13}  # procedures


def test_department_points_stay_within_their_maxima(departments):
    table = departments["ha-tinh"]
    parts = table.filter(like="điểm)")
    limits = [int(re.search(r"\((\d+) điểm\)", c).group(1)) for c in parts.columns]
    assert (parts.apply(_number).le(limits).all()).all()
    assert (parts.apply(_number).sum(axis=1) - _number(table["Tổng điểm"])).abs().max() < 0.02


def test_headers_and_canonical_names_are_known_to_the_reference(demo, departments):
    lookup = reference.component_lookup()
    headers = [
        *pd.read_csv(demo / "provinces-par-2017-2024.csv", nrows=0).columns[3:11],
        *pd.read_csv(demo / "provinces-sipas-factors-2018-2024.csv", sep=";", nrows=0).columns[2:],
        *departments["quang-ninh"].columns[2:],
    ]
    unknown = [h for h in headers if match_key(re.sub(r"\s*\([^)]*\)$", "", h)) not in lookup]
    assert unknown == []
    types = reference.unit_types()
    aliases = reference.unit_type_aliases()
    known = {match_key(n) for n in [*types["name_vi"], *aliases["alias"]]}
    units = pd.read_csv(demo / "dong-thap-departments-2017.csv", sep=";")["Cơ quan"]
    assert [u for u in units if match_key(u) not in known] == []


def test_aggregates_match_their_rankings_except_the_planted_one(demo, departments):
    table = pd.read_csv(demo / "aggregates.csv", dtype=str)
    assert set(table["statistic"]) >= {
        "mean",
        "max",
        "min",
        "spread",
        "n_units",
        "count_above_mean",
        "count_at_least",
    }
    ranking = departments["thai-nguyen"]
    scores = _number(ranking.loc[ranking["year"] == 2022, "Chỉ số CCHC"]).dropna()
    stated = table.loc[(table["province"] == "Thái Nguyên") & (table["year"] == "2022")]
    stated = stated.set_index("statistic")["value"]
    assert _number(pd.Series([stated["mean"]])).item() == pytest.approx(scores.mean(), abs=0.01)
    assert _number(pd.Series([stated["spread"]])).item() == pytest.approx(
        scores.max() - scores.min(), abs=0.01
    )
    planted = table.loc[table["note"].notna()]
    assert planted[["province", "year", "statistic"]].values.tolist() == [
        ["Thái Nguyên", "2021", "spread"]
    ]
