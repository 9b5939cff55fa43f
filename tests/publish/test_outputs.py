"""Tests for parlib.publish.outputs: the atomic swap of a dataset's output folder.

Killing a run at each stage of the swap is tested in tests/test_interrupts.py.
"""

from __future__ import annotations

import pandas as pd
import pytest

from parlib.publish import outputs
from parlib.publish.outputs import dataset_lock, json_text, records, recover_outputs, write_dataset


def write(out, value: str):
    return write_dataset(
        out, "ds", {"scores": pd.DataFrame({"v": [value]})}, {"report.json": {"v": value}}
    )


@pytest.mark.parametrize("exchange", ["1", "0"])
def test_write_dataset_replaces_the_folder_and_leaves_nothing_behind(
    tmp_path, monkeypatch, exchange
):
    if exchange == "0":  # as on a system without renameat2: two renames
        monkeypatch.setattr(outputs, "_exchange", lambda a, b: False)
    with dataset_lock(tmp_path):
        write(tmp_path, "old")
        (tmp_path / "ds" / "stale.csv").write_text("from an older parlib\n")
        target = write(tmp_path, "new")
    assert sorted(p.name for p in target.iterdir()) == [
        ".parlib-output",
        "report.json",
        "scores.csv",
        "scores.parquet",
    ]
    assert (target / "scores.csv").read_text(encoding="utf-8-sig") == '"v"\n"new"\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == [".parlib.lock", "ds"]


def test_exchange_swaps_two_folders_in_one_step(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x").write_text("a")
    (tmp_path / "b").mkdir()
    if not outputs._exchange(tmp_path / "a", tmp_path / "b"):
        pytest.skip("renameat2(RENAME_EXCHANGE) is not available here")
    assert (tmp_path / "b" / "x").read_text() == "a" and not list((tmp_path / "a").iterdir())


def test_recover_outputs_puts_back_a_folder_a_killed_swap_left_aside(tmp_path):
    (tmp_path / ".old-my-ds-123").mkdir()
    (tmp_path / ".old-my-ds-123" / "scores.csv").write_text("good\n")
    (tmp_path / ".tmp-my-ds-123").mkdir()
    recover_outputs(tmp_path)
    assert (tmp_path / "my-ds" / "scores.csv").read_text(encoding="utf-8-sig") == "good\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my-ds"]


@pytest.mark.parametrize("exchange", [True, False])
def test_on_stage_hears_each_stage_of_the_write_in_order(tmp_path, monkeypatch, exchange):
    stages = []
    monkeypatch.setattr(outputs, "on_stage", stages.append)
    if not exchange:
        monkeypatch.setattr(outputs, "_exchange", lambda a, b: False)
    with dataset_lock(tmp_path):
        write(tmp_path, "old")
        assert stages == ["write", "written", "swapped"]  # nothing to swap out
        stages.clear()
        write(tmp_path, "new")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    in_one_step = exchange and outputs._exchange(tmp_path / "a", tmp_path / "b")
    assert stages == (
        ["write", "written", "swapped"] if in_one_step else ["write", "written", "swap", "swapped"]
    )


def _mixed_frame(rows: int) -> pd.DataFrame:
    import numpy as np

    rng = np.random.default_rng(3)
    text = np.array(
        ["Hà Nội", "a,b", 'say "x"', "line\nbreak", "", " lead", "Sở Y tế"], dtype=object
    )
    frame = pd.DataFrame(
        {
            "const": "bench",
            "flag": rng.random(rows) < 0.5,
            "cat": pd.Categorical(rng.choice(text, rows)),
            "cat_na": pd.Categorical(rng.choice(np.array(["x", None], dtype=object), rows)),
            "year": rng.integers(2015, 2025, rows),
            "score": np.round(rng.uniform(-1, 100, rows), 2),
            "odd": rng.choice(np.array([np.nan, -0.0, 0.0, 1e-20, 1e20, 85.0]), rows),
            "rank": pd.array(rng.integers(1, 60, rows), dtype="Int64"),
            "obj": rng.choice(np.array(["u", None, 3, 2.5, "v,w"], dtype=object), rows),
            "string": pd.array(
                rng.choice(np.array(["p", "q", None], dtype=object), rows), dtype="string"
            ),
            "row": np.arange(rows),
            "tail": pd.Categorical(["Điểm"] * rows),
        }
    )
    frame.loc[rng.random(rows) < 0.2, "rank"] = pd.NA
    return frame


def test_write_csv_reads_back_as_the_frame(tmp_path):
    import csv

    import numpy as np

    frame = _mixed_frame(3000)
    outputs.write_csv(frame, tmp_path / "t.csv")
    with open(tmp_path / "t.csv", encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert header == list(frame.columns) and len(rows) == len(frame)
    back = dict(zip(header, map(list, zip(*rows))))

    def text(column):  # a missing cell is written as nothing
        return [
            str(v) if v is not None and v is not pd.NA and v == v else ""
            for v in frame[column].astype(object)
        ]

    for column in (
        "const",
        "flag",
        "cat",
        "cat_na",
        "year",
        "rank",
        "obj",
        "string",
        "row",
        "tail",
    ):
        assert back[column] == text(column), column
    for column in ("score", "odd"):  # numbers as Arrow writes them, the same values
        written = np.array([float(v) if v else np.nan for v in back[column]])
        np.testing.assert_array_equal(written, frame[column].to_numpy())
        assert np.array_equal(np.signbit(written), np.signbit(frame[column].to_numpy()))


def test_write_parquet_reads_back_as_to_parquet_of_the_plain_text(tmp_path):
    import numpy as np
    import pyarrow.parquet as pq

    frame = _mixed_frame(500).drop(columns="obj")  # mixed objects: no parquet type
    frame["unit"] = pd.Categorical(np.where(np.arange(500) % 3, "Sở Y tế", "Sở Nội vụ"))
    frame["note"] = pd.Categorical([None] * 500, categories=["never used"])  # no value at all
    frame["numbers"] = pd.Categorical(np.arange(500) % 4)  # categories that are not text
    text = {
        col: object if col in outputs._OBJECT_TEXT else "str"
        for col, dtype in frame.dtypes.items()
        if isinstance(dtype, pd.CategoricalDtype)
    }
    frame.astype(text).to_parquet(tmp_path / "plain.parquet", index=False, compression="zstd")
    outputs._write_parquet(frame, tmp_path / "fast.parquet")
    plain, fast = (pq.read_table(tmp_path / f"{n}.parquet") for n in ("plain", "fast"))
    assert fast.equals(plain, check_metadata=True)
    # Categorical text is written as text: pandas' str, or Python objects (_OBJECT_TEXT)
    assert [str(fast.schema.field(c).type) for c in ("tail", "unit")] == ["large_string", "string"]
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "fast.parquet"), pd.read_parquet(tmp_path / "plain.parquet")
    )


def test_records_are_what_to_dict_gives_with_missing_as_none():
    import json

    import numpy as np

    frame = pd.DataFrame(
        {
            "text": pd.array(["x", None], dtype="str"),
            "int": [1, 2],
            "obj": np.array([np.int64(3), None], dtype=object),
            "float": [1.5, np.nan],
            "nullable": pd.array([1, None], dtype="Int64"),
            "cat": pd.Categorical(["u", None]),
        }
    )
    for part in (frame, frame.iloc[:0]):
        got, want = records(part), part.to_dict("records")
        assert [{k: (None if v is None else repr(v)) for k, v in r.items()} for r in got] == [
            {k: (None if pd.isna(v) else repr(v)) for k, v in r.items()} for r in want
        ]
    # Missing text is null in report.json, not NaN, which strict JSON readers refuse.
    text = json_text({"warnings": records(frame)})
    assert json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in JSON")) == {
        "warnings": [
            {"text": "x", "int": 1, "obj": 3, "float": 1.5, "nullable": 1, "cat": "u"},
            {"text": None, "int": 2, "obj": None, "float": None, "nullable": None, "cat": None},
        ]
    }


def test_a_frame_in_a_document_is_written_as_its_records_are():
    import numpy as np

    frame = pd.DataFrame(
        {
            "check": ["rank_order", "size", "rank_order", "size"],
            "text": pd.array(['say "x"\n{a}', None, "Sở Y tế", "tab\there"], dtype="str"),
            "float": [-0.0, 0.0, np.nan, 1e20],
            "int": [1, 2, 1, 3],
            "obj": np.array([True, 1, None, [1, 2]], dtype=object),
            "nullable": pd.array([2021, None, 2021, 2022], dtype="Int64"),
            "cat": pd.Categorical(["u", None, "u", "v"]),
        }
    )
    for part in (frame, frame.iloc[:0]):
        doc = {"title": "t", "warnings": part, "files": []}
        assert json_text(doc) == json_text({**doc, "warnings": records(part)})


def test_csv_files_start_with_a_bom_for_excel(tmp_path):
    frame = pd.DataFrame({"unit": ["Sở Tư pháp", "Đắk Lắk"], "score": [90.5, 88.0]})
    outputs.write_csv(frame, tmp_path / "a.csv")
    outputs.write_csv(frame[["unit"]], tmp_path / "b.csv")  # one column
    for name in ("a.csv", "b.csv"):
        data = (tmp_path / name).read_bytes()
        assert data.startswith(b'\xef\xbb\xbf"unit"') and data.count(b"\xef\xbb\xbf") == 1
        assert pd.read_csv(tmp_path / name)["unit"].tolist() == ["Sở Tư pháp", "Đắk Lắk"]


HOSTILE = [
    "=cmd|' /C calc'!A0",
    "+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "'=1",
    "Sở Y tế",
    "a=b",
    None,
]


@pytest.mark.parametrize("kind", ["object", "category", "string", "one-column"])
def test_write_csv_neutralises_formulas_in_text_and_leaves_numbers(tmp_path, kind):
    import csv

    frame = pd.DataFrame(
        {"text": HOSTILE, "score": [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, -10.0]}
    )
    if kind == "category":
        frame["text"] = frame["text"].astype("category")
    elif kind == "string":
        frame["text"] = frame["text"].astype("string")
    elif kind == "one-column":
        frame = frame[["text"]]
    outputs.write_csv(frame, tmp_path / "t.csv")
    with open(tmp_path / "t.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    cells = [row[0] for row in rows[1:]]
    assert cells == [
        "'=cmd|' /C calc'!A0",
        "'+1",
        "'-2+3",
        "'@SUM(A1)",
        "'\t=1",
        "'\r=1",
        "''=1",
        "Sở Y tế",
        "a=b",
        "",
    ]
    if kind != "one-column":
        assert [row[1] for row in rows[1:]][:3] == ["-1.5", "2", "-3"]  # numbers as they are


def test_clean_outputs_are_excel_safe_and_parquet_and_loaders_keep_the_text(tmp_path):
    from parlib.analysis.load import load_scores, load_sources

    raw = tmp_path / "raw" / "bt"
    raw.mkdir(parents=True)
    (raw / "dataset.yaml").write_text(
        "title: T\nkind: compiled\nlicense: CC-BY-4.0\n"
        "sources: [{id: s1, title: '=HYPERLINK(\"http://x\")', publisher: '@P', "
        "date: 2022-09-20}]\nfiles: [{path: t.csv, source: s1, index: PAR, year: 2021, "
        "province: Bến Tre, level: department}]\n",
        encoding="utf-8",
    )
    (raw / "t.csv").write_text(
        'Tên đơn vị,Điểm,Ghi chú\n"=cmd|\' /C calc\'!A0","90,5",+note\nSở Y tế,"=1+1",-x\n',
        encoding="utf-8",
    )
    from parlib.pipeline import clean_all

    clean_all(tmp_path / "raw", tmp_path / "clean", progress=False)
    out = tmp_path / "clean" / "bt"

    def cells(name):
        return set(pd.read_csv(out / name, dtype=str, keep_default_na=False).to_numpy().ravel())

    assert {"'=cmd|' /C calc'!A0", "'+note"} <= cells("scores.csv")
    quarantine = cells("quarantine.csv")
    assert "'=1+1" in quarantine and not any(c.startswith(("=", "+", "@")) for c in quarantine)
    assert {'\'=HYPERLINK("http://x")', "'@P"} <= cells("sources.csv")
    scores = pd.read_parquet(out / "scores.parquet")
    assert scores["unit"].tolist() == ["=cmd|' /C calc'!A0"]  # parquet keeps the exact text
    assert scores["note"].tolist() == ["+note"]
    assert scores["score"].tolist() == [90.5]
    loaded = load_sources("bt", clean_dir=tmp_path / "clean")
    assert loaded["title"].tolist() == ['=HYPERLINK("http://x")']
    assert loaded["publisher"].tolist() == ["@P"]
    assert load_scores("bt", clean_dir=tmp_path / "clean")["unit"].tolist() == [
        "=cmd|' /C calc'!A0"
    ]


def test_a_failed_write_removes_its_temporary_folder(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device", "scores.csv")

    monkeypatch.setattr(outputs, "write_csv", full)
    with pytest.raises(OSError, match="No space left"):
        write(tmp_path, "new")
    assert list(tmp_path.iterdir()) == []
