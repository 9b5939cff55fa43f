# The public names of parlib.reports, attached lazily by lazy_loader (see __init__.py).

from .build import (
    ReportResult as ReportResult,
)
from .config import (
    ReportsConfig as ReportsConfig,
)
from .config import (
    ReportSpec as ReportSpec,
)
from .config import (
    read_reports_config as read_reports_config,
)
from .config import (
    slugify_report as slugify_report,
)
from .notebook import (
    apply_boundaries as apply_boundaries,
)
from .notebook import (
    filter_units as filter_units,
)
from .notebook import (
    resolve_project_path as resolve_project_path,
)
from .notebook import (
    start_report as start_report,
)
from .report import (
    Report as Report,
)
from .runner import (
    RunSummary as RunSummary,
)
from .runner import (
    run_reports as run_reports,
)
from .site import (
    write_site as write_site,
)
