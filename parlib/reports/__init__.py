"""Run the parameterised report notebooks and publish them as a static site.

``run_reports`` builds every report of ``reports.yaml`` whose inputs changed,
in parallel, on pre-started kernels; the notebooks call ``start_report`` and
the other helpers of :mod:`parlib.reports.notebook`.
"""

from __future__ import annotations

from .config import ReportSpec, ReportsConfig, read_reports_config, slugify_report
from .notebook import Report, apply_boundaries, filter_units, resolve_project_path, start_report
from .runner import ReportResult, RunSummary, run_reports
from .site import write_site

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
