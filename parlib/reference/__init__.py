"""Versioned reference data: provinces, department types and index definitions.

Every table is a UTF-8 CSV file beside this module (see ``README.md`` here for
columns and sources). Files are read lazily on first use, validated, cached,
and handed out as copies, so callers can never change the cache.

The files are read and checked by :mod:`parlib.reference.tables`; the loaders of
provinces, unit types and levels live in :mod:`parlib.reference.units`, those of
indices and components in :mod:`parlib.reference.definitions`.

Examples
--------
>>> from parlib import reference
>>> len(reference.provinces("legacy")), len(reference.provinces("2025"))
(63, 34)
>>> reference.index_scale("PAPI", year=2017)
60.0
"""

from __future__ import annotations

from parlib.reference.definitions import (
    component_lookup,
    component_names,
    component_spellings,
    components,
    index_aliases,
    index_scale,
    indices,
)
from parlib.reference.tables import ERAS, LEVELS, REGIONS, ReferenceDataError
from parlib.reference.units import (
    department_mergers,
    former_provinces,
    levels,
    province_aliases,
    province_merger,
    provinces,
    unit_type_aliases,
    unit_types,
)

__all__ = [
    "ERAS",
    "LEVELS",
    "REGIONS",
    "ReferenceDataError",
    "component_lookup",
    "component_names",
    "component_spellings",
    "components",
    "department_mergers",
    "former_provinces",
    "index_aliases",
    "index_scale",
    "indices",
    "levels",
    "province_aliases",
    "province_merger",
    "provinces",
    "unit_type_aliases",
    "unit_types",
]
