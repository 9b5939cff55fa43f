# The public API, for readers and type checkers alike: `parlib/__init__.py` attaches these
# names lazily (lazy_loader reads this file), so `import parlib` stays light and every name
# below is checked by mypy.

from .analysis.correlation import (
    compute_correlation as compute_correlation,
)
from .analysis.correlation import (
    compute_correlation_matrix as compute_correlation_matrix,
)
from .analysis.load import (
    clean_datasets as clean_datasets,
)
from .analysis.load import (
    load_aggregates as load_aggregates,
)
from .analysis.load import (
    load_disputed as load_disputed,
)
from .analysis.load import (
    load_quarantine as load_quarantine,
)
from .analysis.load import (
    load_report as load_report,
)
from .analysis.load import (
    load_scores as load_scores,
)
from .analysis.load import (
    load_sources as load_sources,
)
from .analysis.merger import (
    group_to_2025 as group_to_2025,
)
from .analysis.percentiles import (
    compute_percentiles as compute_percentiles,
)
from .analysis.select import (
    select_scores as select_scores,
)
from .analysis.trend import (
    compute_changes as compute_changes,
)
from .analysis.trend import (
    compute_trend as compute_trend,
)
from .clean.aggregates import (
    check_aggregates as check_aggregates,
)
from .clean.aggregates import (
    clean_aggregates as clean_aggregates,
)
from .clean.consistency import (
    check_rankings as check_rankings,
)
from .clean.defaults import (
    fill_defaults as fill_defaults,
)
from .clean.indices import (
    match_components as match_components,
)
from .clean.indices import (
    match_indices as match_indices,
)
from .clean.indices import (
    match_levels as match_levels,
)
from .clean.provinces import (
    match_provinces as match_provinces,
)
from .clean.provinces import (
    normalize_province as normalize_province,
)
from .clean.rows import (
    clean_scores as clean_scores,
)
from .clean.totals import (
    derive_totals as derive_totals,
)
from .clean.units import (
    match_unit_types as match_unit_types,
)
from .clean.validate import (
    validate_scores as validate_scores,
)
from .clean.values import (
    parse_numbers as parse_numbers,
)
from .clean.values import (
    parse_ranks as parse_ranks,
)
from .clean.values import (
    parse_scores as parse_scores,
)
from .clean.values import (
    parse_years as parse_years,
)
from .demo.panel import (
    write_demo_data as write_demo_data,
)
from .errors import (
    ArgumentTypeError as ArgumentTypeError,
)
from .errors import (
    ColumnError as ColumnError,
)
from .errors import (
    ConfigError as ConfigError,
)
from .errors import (
    HeaderError as HeaderError,
)
from .errors import (
    LockError as LockError,
)
from .errors import (
    OutputError as OutputError,
)
from .errors import (
    ParameterError as ParameterError,
)
from .errors import (
    ParlibError as ParlibError,
)
from .errors import (
    RawFileError as RawFileError,
)
from .errors import (
    ReportError as ReportError,
)
from .errors import (
    SelectionError as SelectionError,
)
from .errors import (
    UnknownNameError as UnknownNameError,
)
from .ingest.columns import (
    recognize_columns as recognize_columns,
)
from .ingest.config import (
    read_config as read_config,
)
from .ingest.melt import (
    melt_table as melt_table,
)
from .ingest.read import (
    read_raw as read_raw,
)
from .pipeline import (
    clean_all as clean_all,
)
from .pipeline import (
    clean_dataset as clean_dataset,
)
from .reference.definitions import (
    component_names as component_names,
)
from .reference.definitions import (
    components as components,
)
from .reference.definitions import (
    index_scale as index_scale,
)
from .reference.definitions import (
    indices as indices,
)
from .reference.units import (
    department_mergers as department_mergers,
)
from .reference.units import (
    former_provinces as former_provinces,
)
from .reference.units import (
    levels as levels,
)
from .reference.units import (
    province_aliases as province_aliases,
)
from .reference.units import (
    province_merger as province_merger,
)
from .reference.units import (
    provinces as provinces,
)
from .reference.units import (
    unit_type_aliases as unit_type_aliases,
)
from .reference.units import (
    unit_types as unit_types,
)
from .reports import (
    run_reports as run_reports,
)
from .reports.parameters import (
    check_parameters as check_parameters,
)
from .text import (
    clean_text as clean_text,
)
from .text import (
    match_key as match_key,
)
from .viz.correlation_plots import (
    plot_correlation as plot_correlation,
)
from .viz.correlation_plots import (
    plot_correlation_matrix as plot_correlation_matrix,
)
from .viz.figures import (
    read_sidecar as read_sidecar,
)
from .viz.figures import (
    save_figure as save_figure,
)
from .viz.figures import (
    slugify as slugify,
)
from .viz.footer import (
    source_line as source_line,
)
from .viz.rank_plots import (
    plot_changes as plot_changes,
)
from .viz.rank_plots import (
    plot_percentiles as plot_percentiles,
)
from .viz.rank_plots import (
    plot_ranking as plot_ranking,
)
from .viz.theme import (
    plot_theme as plot_theme,
)
from .viz.trend_plots import (
    plot_components as plot_components,
)
from .viz.trend_plots import (
    plot_trend as plot_trend,
)

__version__: str
