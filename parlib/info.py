"""What is there: the cleaned datasets, their indices, levels, components and coverage.

``parlib info`` prints these; ``parlib info --json`` gives the same as JSON for
scripts. Everything is read from ``data/clean/`` (``scores.parquet``,
``datapackage.json``, ``sources.csv``) and ``reports.yaml``; nothing is written.

Examples
--------
>>> scores = pd.DataFrame({"index": "PAR", "level": "province", "boundaries": "legacy",
...     "province": ["Bến Tre", "Bến Tre", "Trà Vinh"],
...     "unit": ["Bến Tre", "Bến Tre", "Trà Vinh"], "component": "total", "year": [2022, 2023, 2023], "score": [85.0, 86.0, 80.0]})
>>> compute_coverage(scores)["PAR province"]  # doctest: +NORMALIZE_WHITESPACE
year      2022  2023
province
Bến Tre      1     1
Trà Vinh     0     1
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from parlib.analysis.load import clean_datasets, default_clean_dir, load_scores, load_sources

__all__ = ["compute_coverage", "describe_dataset", "describe_datasets", "format_info"]


def compute_coverage(scores: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Return, per index and level, a province × year table of the units with a score.

    At province level a cell is 1 when the province has a score that year;
    below it, the number of units (departments, districts) scored. Rows in 2025
    boundaries get tables of their own ("PAPI province, 2025 boundaries").

    Returns
    -------
    dict
        ``"<index> <level>[, 2025 boundaries]"`` -> DataFrame (provinces × years).
    """
    scored = scores.dropna(subset=["score"])
    if "boundaries" not in scored:
        scored = scored.assign(boundaries="legacy")
    scored = scored.assign(
        _province=scored["province"]
        .astype("string")
        .fillna(scored["province_2025"].astype("string") if "province_2025" in scored else "—")
    )
    out = {}
    keys = ["index", "level", "boundaries"]
    groups = sorted(
        scored.groupby(keys, observed=True),
        key=lambda g: (str(g[0][0]), str(g[0][1]), str(g[0][2]) == "2025"),
    )
    for (index, level, era), rows in groups:
        name = f"{index} {level}" + (", 2025 boundaries" if str(era) == "2025" else "")
        table = (
            rows.groupby(["_province", "year"], observed=True)["unit"]
            .nunique()
            .unstack("year", fill_value=0)
            .astype(int)
        )
        table.index.name, table.columns.name = "province", "year"
        table.columns = [int(c) for c in table.columns]
        table.columns.name = "year"
        out[name] = table.sort_index()
    return out


def describe_dataset(
    dataset: str, *, clean_dir: str | Path | None = None, coverage: bool = True
) -> dict[str, Any]:
    """Return one cleaned dataset's kind, licence, sources, indices, levels and coverage.

    Raises
    ------
    ParlibError
        When the dataset has not been cleaned (from :func:`parlib.load_scores`).
    """
    root = Path(clean_dir) if clean_dir is not None else default_clean_dir()
    scores = load_scores(dataset, clean_dir=root, boundaries="all")
    sources = load_sources(dataset, clean_dir=root)
    package = _read_json(root / dataset / "datapackage.json")
    kinds = (
        sorted(scores["dataset_kind"].dropna().astype(str).unique())
        if "dataset_kind" in scores
        else []
    )
    indices: dict[str, Any] = {}
    for index, rows in scores.groupby("index", observed=True, sort=True):
        years = sorted(int(y) for y in rows["year"].dropna().unique())
        indices[str(index)] = {
            "levels": sorted(rows["level"].dropna().astype(str).unique()),
            "components": sorted(
                rows["component"].dropna().astype(str).unique(), key=lambda c: (c != "total", c)
            ),
            "years": [years[0], years[-1]] if years else [],
            "figures": int(rows["score"].notna().sum()),
        }
    info: dict[str, Any] = {
        "dataset": dataset,
        "title": package.get("title"),
        "kind": kinds[0] if len(kinds) == 1 else kinds,
        "synthetic": bool(scores["synthetic"].any()) if "synthetic" in scores else False,
        "licence": [lic.get("name") for lic in package.get("licenses", [])],
        "sources": len(sources),
        "figures": int(scores["score"].notna().sum()),
        "boundaries": sorted(scores["boundaries"].dropna().astype(str).unique())
        if "boundaries" in scores
        else ["legacy"],
        "indices": indices,
    }
    if coverage:
        info["coverage"] = {
            name: {
                str(p): {str(y): int(n) for y, n in row.items() if n} for p, row in table.iterrows()
            }
            for name, table in compute_coverage(scores).items()
        }
    return info


def describe_datasets(
    *,
    clean_dir: str | Path | None = None,
    config: str | Path | None = "reports.yaml",
    root: str | Path = ".",
) -> dict[str, Any]:
    """Return every cleaned dataset (without coverage tables) and the reports of ``reports.yaml``.

    A missing ``reports.yaml`` gives no reports; a malformed one raises its error.
    """
    root_path = Path(root)
    clean = Path(clean_dir) if clean_dir is not None else default_clean_dir()
    datasets = [
        describe_dataset(name, clean_dir=clean, coverage=False) for name in clean_datasets(clean)
    ]
    reports: list[dict[str, Any]] = []
    if config is not None and (root_path / config).is_file():
        from parlib.reports.runner import report_states

        reports = report_states(config, root=root_path)
    return {"clean_dir": str(clean), "datasets": datasets, "reports": reports}


def format_info(info: dict[str, Any]) -> str:
    """Return what :func:`describe_datasets` or :func:`describe_dataset` gave, as text."""
    if "datasets" in info:
        lines = (
            [f"Datasets in {info['clean_dir']}:"]
            if info["datasets"]
            else [
                f"No cleaned dataset in {info['clean_dir']}: run `parlib clean` (or `make reports`)."
            ]
        )
        for ds in info["datasets"]:
            lines += _dataset_lines(ds)
        if info["reports"]:
            lines.append("")
            lines.append(f"Reports of reports.yaml ({len(info['reports'])}):")
            width = max(len(r["id"]) for r in info["reports"])
            for r in info["reports"]:
                lines.append(f"  {r['id']:<{width}}  {r['state']}")
        return "\n".join(lines)
    lines = _dataset_lines(info)
    for name, table in info.get("coverage", {}).items():
        years = sorted({int(y) for row in table.values() for y in row})
        lines.append("")
        lines.append(f"Coverage, {name} (units with a score):")
        frame = pd.DataFrame(
            [[row.get(str(y), 0) for y in years] for row in table.values()],
            index=list(table),
            columns=years,
        )
        text = frame.replace(0, "·").to_string()
        lines += ["  " + line for line in text.splitlines()]
    return "\n".join(lines)


def _dataset_lines(ds: dict[str, Any]) -> list[str]:
    kind = ds["kind"] if isinstance(ds["kind"], str) else "/".join(ds["kind"])
    licence = ", ".join(x for x in ds["licence"] if x) or "no licence given"
    flag = ", SYNTHETIC" if ds["synthetic"] and kind != "synthetic" else ""
    lines = [
        f"  {ds['dataset']}  ({kind}{flag}; "
        f"licence {licence}; {ds['sources']} source{'s' if ds['sources'] != 1 else ''}; "
        f"{ds['figures']:,} figures; boundaries {', '.join(ds['boundaries'])})"
    ]
    for index, item in ds["indices"].items():
        span = "–".join(str(y) for y in dict.fromkeys(item["years"]))
        comps = item["components"]
        shown = ", ".join(comps[:8]) + (f" and {len(comps) - 8} more" if len(comps) > 8 else "")
        lines.append(f"    {index} {span}: levels {', '.join(item['levels'])}; components {shown}")
    return lines


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
