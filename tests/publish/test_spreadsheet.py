from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from parlib.publish.xlsx import XLSX_MAX_ROWS, xlsx_bytes


def test_workbook_keeps_types_text_and_frozen_headers():
    scores = pd.DataFrame(
        {
            "unit": ["=1+1", "Sở Y tế"],
            "rank_text": ["01/18", "2/18"],
            "score": [90.5, None],
            "rank": pd.array([1, None], "Int64"),
            "synthetic": [False, True],
        }
    )
    codebook = pd.DataFrame(
        {"table": ["scores"], "column": ["unit"], "type": ["string"], "description": ["Unit"]}
    )
    data = xlsx_bytes({"scores": scores, "sources": scores.iloc[:0]}, codebook=codebook)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["scores", "sources", "codebook"]
    sheet = book["scores"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == list(scores.columns)
    row = [(c.value, c.data_type) for c in sheet[2]]
    assert row == [("=1+1", "s"), ("01/18", "s"), (90.5, "n"), (1, "n"), (False, "b")]
    assert [c.value for c in sheet[3]][2:4] == [None, None]
    assert xlsx_bytes({"scores": scores}) == xlsx_bytes({"scores": scores})  # no timestamps


def test_workbook_refuses_too_many_rows():
    big = pd.DataFrame({"a": range(XLSX_MAX_ROWS + 1)})
    with pytest.raises(ValueError, match="use the CSV or parquet"):
        xlsx_bytes({"scores": big})


def test_workbook_shows_control_characters_it_cannot_hold():
    data = xlsx_bytes({"scores": pd.DataFrame({"unit": ["Sở\x01 Y tế", "ok"]})})
    sheet = openpyxl.load_workbook(io.BytesIO(data))["scores"]
    assert sheet["A2"].value == "Sở\ufffd Y tế" and sheet["A3"].value == "ok"
