# The public names of parlib.reports, attached lazily by lazy_loader (see __init__.py).

from .build import (
    ReportResult as ReportResult,
)
from .config import (
    ReportSpec as ReportSpec, ReportsConfig as ReportsConfig,
    read_reports_config as read_reports_config, slugify_report as slugify_report,
)
from .notebook import (
    apply_boundaries as apply_boundaries, filter_units as filter_units,
    resolve_project_path as resolve_project_path, start_report as start_report,
)
from .report import (
    Report as Report,
)
from .runner import (
    RunSummary as RunSummary, run_reports as run_reports,
)
from .site import (
    write_site as write_site,
)
