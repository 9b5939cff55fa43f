from __future__ import annotations

import pandas as pd
import pytest

from parlib.analysis.select import select_scores

# -- select_scores ---------------------------------------------------------------------------


def test_select_scores_filters_without_mutating(scores):
    before = scores.copy()
    out = select_scores(scores, index="PAR", provinces=["ben tre", "84"], years=range(2019, 2022))
    assert sorted(out["province"].unique()) == ["Bến Tre", "Trà Vinh"]
    assert sorted(out["year"].unique()) == [2019, 2020, 2021]
    assert set(out["component"]) == {"total"}
    assert list(out.columns) == list(scores.columns)
    pd.testing.assert_frame_equal(scores, before)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"index": "PARX"}, r"No rows for index='PARX'; available: \['PAR', 'SIPAS'\]\."),
        (
            {"index": "PAR", "level": "commune"},
            r"No rows for level='commune' \(index='PAR'\); available: \['department', 'province'\]",
        ),
        ({"index": "SIPAS", "component": "procedures"}, r"component='procedures'.*\['total'\]"),
        (
            {"index": "PAR", "provinces": ["Atlantis"]},
            r"provinces=\['Atlantis'\] \(index='PAR', level='province'\); available: .*Bến Tre",
        ),
        ({"index": "PAR", "years": [2030]}, r"year=\[2030\].*2018, 2019"),
        (
            {"index": "PAR", "level": "department", "unit_type": "y_tếx"},
            r"unit_type='y_tếx'.*'y_te'.* Did you mean 'y_te'",
        ),
    ],
)
def test_select_scores_names_the_bad_value_and_the_available_ones(scores, options, message):
    with pytest.raises(ValueError, match=message):
        select_scores(scores, **options)


def test_select_scores_names_missing_columns(scores):
    with pytest.raises(KeyError, match=r"Columns \['score'\] not found"):
        select_scores(scores.drop(columns="score"), index="PAR")
