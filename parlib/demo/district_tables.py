"""District layout of parlib's synthetic demo files: one long CSV for five provinces."""

from __future__ import annotations

import pandas as pd

from parlib.demo.formats import Output, file_entry, rank_rows, ranked_rows
from parlib.demo.writers import csv_bytes, fmt_number, spell

_DISTRICT_STYLE = {
    ("83", 2018): "short_types",
    ("83", 2019): "short_types",
    ("83", 2020): "short_types",
    ("19", 2023): "old_tones",
}


def district_file(districts: pd.DataFrame) -> Output:
    """Return one long CSV of district PAR Index and SIPAS for the five provinces."""
    path = "districts-2018-2024.csv"
    names = [
        spell(r.unit, _DISTRICT_STYLE.get((r.code, r.year), "canonical"))
        for r in districts.itertuples()
    ]
    data = districts.assign(name=names, marker=None, sipas_marker=None)
    by = ("code", "year")
    sipas_rank = rank_rows(data, "sipas", "sipas_marker", by=by)
    header = [
        "STT",
        "Tỉnh",
        "Năm",
        "Đơn vị",
        "Chỉ số CCHC (%)",
        "Xếp hạng Chỉ số CCHC",
        "SIPAS (%)",
        "Xếp hạng SIPAS",
    ]
    rows = [
        [
            stt,
            r.province,
            r.year,
            r.name,
            fmt_number(r.total),
            int(rank),
            fmt_number(r.sipas),
            int(sipas_rank[r.Index]),
        ]
        for stt, rank, r in ranked_rows(data, by=by)
    ]
    return path, csv_bytes(header, rows), [file_entry(path, index="PAR", level="district")]
