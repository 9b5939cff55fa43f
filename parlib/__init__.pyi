# The public API, for readers and type checkers alike: `parlib/__init__.py` attaches these
# names lazily (lazy_loader reads this file), so `import parlib` stays light and every name
# below is checked by mypy.

from .analysis.load import (
    load_scores as load_scores, load_sources as load_sources, load_quarantine as load_quarantine,
    load_aggregates as load_aggregates, load_disputed as load_disputed,
    load_report as load_report, clean_datasets as clean_datasets,
)
from .reference.units import (
    provinces as provinces, province_merger as province_merger,
    province_aliases as province_aliases, former_provinces as former_provinces,
    unit_types as unit_types, unit_type_aliases as unit_type_aliases,
    department_mergers as department_mergers, levels as levels,
)
from .reference.definitions import (
    indices as indices, components as components, index_scale as index_scale,
    component_names as component_names,
)
from .text import (
    match_key as match_key, clean_text as clean_text,
)
from .clean.provinces import (
    match_provinces as match_provinces, normalize_province as normalize_province,
)
from .clean.units import (
    match_unit_types as match_unit_types,
)
from .clean.indices import (
    match_indices as match_indices, match_levels as match_levels,
    match_components as match_components,
)
from .clean.values import (
    parse_scores as parse_scores, parse_ranks as parse_ranks, parse_years as parse_years,
    parse_numbers as parse_numbers,
)
from .ingest.config import (
    read_config as read_config,
)
from .ingest.read import (
    read_raw as read_raw,
)
from .ingest.headers import (
    recognize_columns as recognize_columns, melt_table as melt_table,
)
from .clean.rows import (
    fill_defaults as fill_defaults, clean_scores as clean_scores,
)
from .clean.aggregates import (
    clean_aggregates as clean_aggregates, check_aggregates as check_aggregates,
)
from .clean.validate import (
    validate_scores as validate_scores,
)
from .clean.consistency import (
    check_rankings as check_rankings,
)
from .clean.totals import (
    derive_totals as derive_totals,
)
from .pipeline import (
    clean_dataset as clean_dataset, clean_all as clean_all,
)
from .analysis.stats import (
    select_scores as select_scores, compute_trend as compute_trend,
    compute_changes as compute_changes, compute_correlation as compute_correlation,
    compute_correlation_matrix as compute_correlation_matrix,
    compute_percentiles as compute_percentiles, group_to_2025 as group_to_2025,
)
from .viz.trend_plots import (
    plot_trend as plot_trend, plot_components as plot_components,
)
from .viz.rank_plots import (
    plot_changes as plot_changes, plot_ranking as plot_ranking,
    plot_percentiles as plot_percentiles,
)
from .viz.correlation_plots import (
    plot_correlation as plot_correlation, plot_correlation_matrix as plot_correlation_matrix,
)
from .viz.theme import (
    plot_theme as plot_theme,
)
from .viz.figures import (
    save_figure as save_figure, source_line as source_line, read_sidecar as read_sidecar,
    slugify as slugify,
)
from .reports import (
    run_reports as run_reports,
)
from .reports.parameters import (
    check_parameters as check_parameters,
)
from .demo.panel import (
    write_demo_data as write_demo_data,
)
from .errors import (
    ParlibError as ParlibError, ConfigError as ConfigError, RawFileError as RawFileError,
    HeaderError as HeaderError, UnknownNameError as UnknownNameError, ReportError as ReportError,
    ParameterError as ParameterError, LockError as LockError, OutputError as OutputError,
    ArgumentTypeError as ArgumentTypeError, ColumnError as ColumnError,
    SelectionError as SelectionError,
)

__version__: str
