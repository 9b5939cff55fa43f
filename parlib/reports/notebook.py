"""What a report notebook calls first: its folders, its data, its units and boundaries.

A notebook starts with :func:`start_report`, which finds the clean data from
wherever the kernel runs, loads the scores and sources, and returns the
:class:`parlib.reports.report.Report` its figures and prose go through.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from parlib.analysis.load import find_project_root
from parlib.errors import ParameterError
from parlib.reports.report import Report
from parlib.reports.texts import escape_md, say
from parlib.viz.labels import check_lang

__all__ = ["adhoc_slug", "apply_boundaries", "filter_units", "resolve_project_path", "start_report"]

BOUNDARIES = ("legacy", "2025")
ADHOC = "_adhoc"
_RUNNER_SET = ("clean_dir", "output_dir")


def adhoc_slug(parameters: dict[str, Any]) -> str:
    """Return the folder name of a run by hand: its parameters as ``name-value`` words.

    Examples
    --------
    >>> adhoc_slug({"provinces": ["Bến Tre", "Trà Vinh"], "dataset": "vn-published"})
    'dataset-vn-published-provinces-ben-tre-tra-vinh'
    >>> adhoc_slug({})
    'defaults'
    """
    from parlib.reports.config import slugify_report

    words = []
    for name in sorted(set(parameters) - set(_RUNNER_SET)):
        value = parameters[name]
        if isinstance(value, (list, tuple)):
            value = "-".join(str(v) for v in value) or "all"
        words += [name, str(value)]
    return slugify_report("-".join(words)) or "defaults"


def resolve_project_path(
    path: str | os.PathLike, *, start: str | os.PathLike | None = None
) -> Path:
    """Return ``path`` as a folder that works from the kernel's working directory.

    An absolute path, or a relative one that exists from ``start`` (default the
    working directory), is returned as is. Otherwise it is taken relative to
    the project root: the nearest folder above ``start`` holding
    ``pyproject.toml`` or ``reports.yaml``. So ``clean_dir="data/clean"`` works
    whether papermill or Jupyter starts the kernel in the project root or in
    ``notebooks/``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "pyproject.toml").write_text("")
    >>> (root / "data" / "clean").mkdir(parents=True)
    >>> (root / "notebooks").mkdir()
    >>> resolve_project_path("data/clean", start=root / "notebooks") == root / "data" / "clean"
    True
    """
    path = Path(path)
    base = Path(start) if start is not None else Path.cwd()
    if path.is_absolute():
        return path
    if (base / path).exists():
        return path if start is None else base / path
    root = find_project_root(base)
    if root is not None:
        return root / path
    return path if start is None else base / path


def filter_units(
    scores: pd.DataFrame,
    *,
    provinces: list[str] | str | None = None,
    unit_type: list[str] | str | None = None,
) -> pd.DataFrame:
    """Keep the rows of some provinces (names or codes, any spelling) and unit types.

    Names go through the one resolver, :mod:`parlib.analysis.resolve`: aliases, English
    names, names without diacritics and GSO codes; under 2025 boundaries a
    legacy name selects its 2025 province (with a note). Empty or None filters
    keep everything.

    Raises
    ------
    SelectionError
        When a province or unit type matches no row; the message lists what
        exists and the closest names.
    """
    from parlib.analysis.resolve import select_provinces, select_values

    out = scores
    wanted = [provinces] if isinstance(provinces, (str, int)) else list(provinces or [])
    if wanted:
        out = select_provinces(out, wanted, everything=scores)
    types = [unit_type] if isinstance(unit_type, str) else list(unit_type or [])
    types = [t for t in types if t]
    if types:
        out = select_values(out, "unit_type", types)
    return out


def apply_boundaries(
    scores: pd.DataFrame, boundaries: str = "legacy", *, how: str = "mean", lang: str = "vi"
) -> tuple[pd.DataFrame, Any]:
    """Return the scores in the chosen province boundaries and a note saying what was done.

    Parameters
    ----------
    boundaries
        "legacy" keeps the provinces as published; "2025" groups legacy
        provinces into the province they form from 1 July 2025 with
        :func:`parlib.analysis.merger.group_to_2025`.
    how
        "mean" or "median" of the former provinces' scores.

    Returns
    -------
    tuple
        The scores and an ``IPython.display.Markdown`` naming the merged
        provinces and the aggregate.

    Raises
    ------
    ParameterError
        When ``boundaries`` is not "legacy" or "2025".
    """
    from IPython.display import Markdown

    check_lang(lang)
    if boundaries not in BOUNDARIES:
        raise ParameterError(
            "unknown boundaries",
            column="boundaries",
            value=boundaries,
            fix=f"use one of {list(BOUNDARIES)}",
        )
    if boundaries == "legacy":
        if "boundaries" in scores:  # tables regrouped into 2025 provinces are another ranking
            scores = scores.loc[
                scores["boundaries"].astype("string").ne("2025").fillna(True).to_numpy(dtype=bool)
            ]
        return scores, Markdown(say("legacy", lang))
    from parlib.analysis.merger import group_to_2025

    grouped, description = group_to_2025(scores, how=how)
    merged = description.loc[description["n_members"] > 1]
    lines = [say("grouped", lang, how=say(how, lang))]
    lines += [
        f"- **{escape_md(row.province_2025)}** ({escape_md(row.province_code_2025)}): "
        f"{escape_md(row.members)}"
        for row in merged.itertuples()
    ]
    if merged.empty:
        lines.append(say("grouped_none", lang))
    return grouped, Markdown("\n".join(lines))


def start_report(
    notebook: str,
    dataset: str,
    *,
    clean_dir: str | os.PathLike = "data/clean",
    output_dir: str | os.PathLike = "reports/_adhoc",
    lang: str = "vi",
) -> Report:
    """Check the parameters, resolve the folders, load the data, and return a :class:`Report`.

    It is a report notebook's first parlib call. Run by papermill, it first
    compares the injected parameters with the notebook's ``parameters`` cell and
    coerces them to their defaults' types in the notebook's namespace
    (:func:`parlib.reports.parameters.check_injected`), and makes parlib errors
    show as one paragraph. An ``output_dir`` named ``_adhoc`` (the notebooks'
    default) becomes ``_adhoc/<notebook>/<parameters>``, so runs by hand with
    other parameters do not overwrite each other.

    Raises
    ------
    ParameterError
        When a parameter was injected that the notebook does not define, a
        value cannot be read as its parameter's type, or ``lang`` is not "vi"
        or "en".
    ParlibError
        When the dataset has not been cleaned (from :func:`parlib.analysis.load.load_scores`).
    """
    from parlib.analysis.load import load_aggregates, load_disputed, load_scores, load_sources
    from parlib.publish.citations import Release, read_release
    from parlib.reports.parameters import check_injected, show_errors_briefly

    show_errors_briefly()
    injected = check_injected()
    dataset, lang = injected.get("dataset", dataset), injected.get("lang", lang)
    output_dir = injected.get("output_dir", output_dir)
    if lang not in ("vi", "en"):
        raise ParameterError("unknown language", column="lang", value=lang, fix="use 'vi' or 'en'")
    clean = resolve_project_path(clean_dir)
    out = resolve_project_path(output_dir)
    if out.name == ADHOC:  # papermill by hand: a folder of its own per notebook and parameters
        out = out / notebook / adhoc_slug(injected)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    scores = load_scores(dataset, clean_dir=clean, boundaries="all")  # apply_boundaries picks
    sources = load_sources(dataset, clean_dir=clean)
    aggregates = load_aggregates(dataset, clean_dir=clean)
    disputed = load_disputed(dataset, clean_dir=clean)
    synthetic = bool(scores["synthetic"].any()) if "synthetic" in scores else False
    if synthetic:  # every report of synthetic data says so first, whatever it shows next
        from IPython.display import Markdown, display

        display(Markdown(say("synthetic", lang)))
    try:
        release = read_release(dataset, clean_dir=clean)
    except FileNotFoundError:  # cleaned by hand, without a data package: no release known
        release = Release(dataset=dataset, title=dataset, synthetic=synthetic)
    return Report(
        notebook=notebook,
        dataset=dataset,
        lang=lang,
        clean_dir=clean,
        output_dir=out,
        scores=scores,
        sources=sources,
        synthetic=synthetic,
        release=release,
        aggregates=aggregates if len(aggregates) else None,
        disputed=disputed if len(disputed) else None,
    )
