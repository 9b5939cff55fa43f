"""One error hierarchy: every error parlib raises on purpose is a ParlibError, and an error
about a bad argument is also the built-in exception Python code expects."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import parlib
from parlib.errors import (
    ArgumentTypeError,
    ColumnError,
    ParameterError,
    ParlibError,
    SelectionError,
    UnknownNameError,
)


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (ParameterError, ValueError),
        (SelectionError, ValueError),
        (ArgumentTypeError, TypeError),
        (ColumnError, KeyError),
        (UnknownNameError, KeyError),
    ],
)
def test_argument_errors_are_parlib_errors_and_builtins(error, builtin):
    assert issubclass(error, ParlibError) and issubclass(error, builtin)
    assert getattr(parlib, error.__name__) is error


def test_a_column_error_reads_as_its_message_not_a_quoted_key():
    err = ColumnError("Columns ['score'] not found.")
    assert str(err) == "Columns ['score'] not found."


def test_a_parameter_error_keeps_where_and_fix():
    err = ParameterError(
        "parameter 'year' must be a whole number", value="last", fix="pass it as e.g. -p year 0"
    )
    assert str(err) == (
        "parameter 'year' must be a whole number (value 'last'). Fix: pass it as e.g. -p year 0."
    )


def test_stats_and_plots_raise_parlib_errors(scores):
    from parlib.viz.correlation_plots import plot_correlation_matrix
    from parlib.viz.figures import save_figure
    from parlib.viz.trend_plots import plot_trend

    calls = [
        (lambda: parlib.compute_correlation_matrix(scores, method="x"), ParameterError),
        (lambda: parlib.group_to_2025(scores, how="mode"), ParameterError),
        (lambda: parlib.compute_changes(scores, index="PAR", n=0), ParameterError),
        (lambda: parlib.compute_trend("scores", index="PAR"), ArgumentTypeError),
        (lambda: parlib.compute_trend(scores.drop(columns="score"), index="PAR"), ColumnError),
        (lambda: parlib.compute_trend(scores, index="PCI"), SelectionError),
        (lambda: plot_correlation_matrix(pd.DataFrame({"a": [1.0]})), ParameterError),
        (lambda: plot_trend(scores, index="PAR", lang="fr"), ParameterError),
        (lambda: save_figure("fig", "x", title="T", caption="C", source="S"), ArgumentTypeError),
    ]
    for call, error in calls:
        with pytest.raises(error) as caught:
            call()
        assert isinstance(caught.value, ParlibError)
    plt.close("all")
