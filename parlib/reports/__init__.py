"""Run the parameterised report notebooks and publish them as a static site.

``run_reports`` builds every report of ``reports.yaml`` whose inputs changed,
in parallel, on pre-started kernels; the notebooks call ``start_report`` and
the other helpers of :mod:`parlib.reports.notebook`.
"""

from __future__ import annotations

import importlib

# Imported on first use: ``parlib clean`` reads this package for its command line
# and must not pay for Jupyter's imports.
_HOMES = {
    "ReportSpec": "config", "ReportsConfig": "config", "read_reports_config": "config",
    "slugify_report": "config", "Report": "notebook", "apply_boundaries": "notebook",
    "filter_units": "notebook", "resolve_project_path": "notebook", "start_report": "notebook",
    "ReportResult": "runner", "RunSummary": "runner", "run_reports": "runner",
    "write_site": "site",
}

__all__ = [
    "run_reports",
    "RunSummary",
    "ReportResult",
    "read_reports_config",
    "ReportsConfig",
    "ReportSpec",
    "slugify_report",
    "write_site",
    "start_report",
    "Report",
    "resolve_project_path",
    "apply_boundaries",
    "filter_units",
]


def __getattr__(name: str):
    if name in _HOMES:
        value = getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
