from __future__ import annotations

import pandas as pd
import pytest

from parlib.viz.footer import source_line


def test_source_line_cites_each_document_once_and_counts_the_rest(sources):
    line = source_line(sources)
    assert line.startswith(
        "Nguồn: Bộ Nội vụ, Báo cáo SIPAS 2021 (2022-05-10); UBND tỉnh Bến Tre, "
        "Quyết định 2094/QĐ-UBND (2022-09-20); "
    )
    assert line.count("2094/QĐ-UBND") == 1
    assert line.endswith("; và 2 nguồn khác")
    english = source_line(sources, lang="en", max_documents=10)
    assert english.startswith("Sources: ") and "Report 15/BC-UBND (2023-01-05)" in english
    assert "more" not in english


def test_source_line_says_when_data_is_synthetic(sources):
    assert source_line(sources.iloc[:1], synthetic=True, lang="en") == (
        "Synthetic data — not real figures. Source: UBND tỉnh Bến Tre, Decision 2094/QĐ-UBND "
        "(2022-09-20)"
    )
    assert source_line(sources.iloc[:0], synthetic=True) == (
        "Dữ liệu giả lập — không phải số liệu thực"
    )
    with pytest.raises(ValueError, match="No sources to cite"):
        source_line(sources.iloc[:0])
    with pytest.raises(ValueError, match=r"`lang` must be one of \['en', 'vi'\], but 'fr'"):
        source_line(sources, lang="fr")


def test_sources_table_with_dates_as_timestamps(sources):
    dated = sources.assign(date=pd.to_datetime(["2022-09-20"] * 6))
    assert source_line(dated.iloc[:1]).endswith("(2022-09-20)")
