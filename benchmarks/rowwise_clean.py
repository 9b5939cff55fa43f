"""A straightforward row-by-row cleaning of the benchmark CSV, for comparison only.

It applies the same per-value rules parlib uses to each row in turn, as a first
implementation would, and writes the clean rows and the quarantine as CSV. Every
cell goes through parlib's scalar parsers (``parse_score`` and the one-cell rank,
province, unit and component resolvers that parlib's column functions call once
per distinct value), so the baseline pays for no pandas object per cell. parlib
instead parses each distinct value once and works on whole columns.

Usage: python benchmarks/rowwise_clean.py RAW.csv
"""

from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

from parlib.clean import values
from parlib.clean.cells import parse_rank_cell
from parlib.clean.indices import index_lookup, resolve_component
from parlib.clean.provinces import province_tables, resolve_province
from parlib.clean.units import resolve_unit, unit_tables
from parlib.reference import index_scale
from parlib.text import match_key


def main(path: str) -> int:
    provinces = province_tables()
    units = unit_tables()
    indices = index_lookup()
    out = Path(tempfile.mkdtemp())
    with (
        open(path, encoding="utf-8", newline="") as raw,
        open(out / "scores.csv", "w", encoding="utf-8", newline="") as good,
        open(out / "quarantine.csv", "w", encoding="utf-8", newline="") as bad,
    ):
        reader = csv.DictReader(raw)
        clean_writer = csv.writer(good)
        bad_writer = csv.writer(bad)
        for line, row in enumerate(reader, start=2):
            prov = resolve_province(row["Tỉnh/thành phố"], "legacy", provinces)
            if prov[6] != "ok":
                bad_writer.writerow([line, "province", row["Tỉnh/thành phố"], prov[7]])
                continue
            unit, unit_type, _ = resolve_unit(row["Tên đơn vị"], "department", prov[1], units)
            index = indices.get(match_key(row["Chỉ số"]))
            component = resolve_component(row["Lĩnh vực"], index)
            score = values.parse_score(row["Điểm"])
            rank, n_units, _, _, rank_error = parse_rank_cell(row["Xếp hạng"])
            value = (
                score["percent"]
                if score["percent"] is not None
                else (score["points"] if score["points"] is not None else score["number"])
            )
            scale = index_scale(index, year=int(row["Năm"]), component=component)
            if score["error"] is not None or value is None or not 0 <= value <= scale:
                bad_writer.writerow([line, "score", row["Điểm"], score["error"] or "scale"])
                continue
            if rank_error is not None or (rank and n_units and rank > n_units):
                bad_writer.writerow([line, "rank", row["Xếp hạng"], rank_error or "rank above n"])
                continue
            clean_writer.writerow(
                [
                    prov[0],
                    prov[1],
                    prov[2],
                    prov[3],
                    row["Năm"],
                    unit,
                    unit_type,
                    index,
                    component,
                    value,
                    scale,
                    rank,
                    n_units,
                    line,
                ]
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
