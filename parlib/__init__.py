"""parlib: clean, validate and report Vietnam's public-administration indices.

The public API is listed in ``__all__``; each name is imported from its module
on first use, so ``import parlib`` stays fast and has no side effects.

Examples
--------
>>> import parlib
>>> parlib.provinces().shape[0]
63
>>> parlib.match_key("Hoà Bình") == parlib.match_key("HOA BINH")
True
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API: dict[str, str] = {
    # loading the clean data
    "load_scores": "load", "load_sources": "load", "load_quarantine": "load",
    "load_aggregates": "load", "load_disputed": "load", "load_report": "load",
    "clean_datasets": "load",
    # reference data
    "provinces": "reference", "province_merger": "reference", "province_aliases": "reference",
    "former_provinces": "reference", "unit_types": "reference", "unit_type_aliases": "reference",
    "department_mergers": "reference", "indices": "reference", "components": "reference",
    "levels": "reference", "index_scale": "reference", "component_names": "reference",
    # names and values
    "match_key": "text", "clean_text": "text",
    "match_provinces": "names", "normalize_province": "names", "match_unit_types": "names",
    "match_indices": "names", "match_levels": "names", "match_components": "names",
    "parse_scores": "values", "parse_ranks": "values", "parse_years": "values",
    "parse_numbers": "values",
    # reading and cleaning, step by step
    "read_config": "config", "read_raw": "read", "recognize_columns": "headers",
    "melt_table": "headers", "fill_defaults": "clean", "clean_scores": "clean",
    "clean_aggregates": "aggregates", "check_aggregates": "aggregates",
    "validate_scores": "validate", "check_rankings": "consistency", "derive_totals": "totals",
    "clean_dataset": "pipeline", "clean_all": "pipeline",
    # statistics
    "select_scores": "stats", "compute_trend": "stats", "compute_changes": "stats",
    "compute_correlation": "stats", "compute_correlation_matrix": "stats",
    "compute_percentiles": "stats", "group_to_2025": "stats",
    # plots and figures
    "plot_trend": "plots", "plot_changes": "plots", "plot_components": "plots",
    "plot_correlation": "plots", "plot_correlation_matrix": "plots",
    "plot_ranking": "plots", "plot_percentiles": "plots", "plot_theme": "plots",
    "save_figure": "figures", "source_line": "figures", "read_sidecar": "figures",
    "slugify": "figures",
    # reports and demo data
    "run_reports": "reports", "check_parameters": "reports.parameters",
    "write_demo_data": "demo",
    # errors
    "ParlibError": "errors", "ConfigError": "errors", "RawFileError": "errors",
    "HeaderError": "errors", "UnknownNameError": "errors", "ReportError": "errors",
    "ParameterError": "errors", "LockError": "errors", "OutputError": "errors",
    "ArgumentTypeError": "errors", "ColumnError": "errors", "SelectionError": "errors",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'parlib' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"parlib.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
