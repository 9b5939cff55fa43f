"""What the report notebooks call: paths, loading, boundaries, figures, prose and tables.

A notebook starts with :func:`start_report`, which finds the clean data from
wherever the kernel runs and loads the scores and sources. Each figure goes
through :meth:`Report.publish`: saved once with :func:`parlib.viz.figures.save_figure`
(caption, source line, citation, synthetic label), closed, and shown as the
saved PNG, so the inline backend never draws it a second time.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

from parlib.errors import ParameterError
from parlib.viz.labels import check_lang, label
from parlib.analysis.load import find_project_root
from parlib.reports.texts import TEXTS, say

__all__ = ["Report", "start_report", "resolve_project_path", "apply_boundaries",
           "filter_units", "adhoc_slug"]

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


def resolve_project_path(path: str | os.PathLike, *, start: str | os.PathLike | None = None
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


def filter_units(scores: pd.DataFrame, *, provinces: list[str] | str | None = None,
                 unit_type: list[str] | str | None = None) -> pd.DataFrame:
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


def apply_boundaries(scores: pd.DataFrame, boundaries: str = "legacy", *, how: str = "mean",
                     lang: str = "vi") -> tuple[pd.DataFrame, Any]:
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
        raise ParameterError("unknown boundaries", column="boundaries", value=boundaries,
                             fix=f"use one of {list(BOUNDARIES)}")
    if boundaries == "legacy":
        if "boundaries" in scores:  # tables regrouped into 2025 provinces are another ranking
            scores = scores.loc[scores["boundaries"].astype("string").ne("2025").fillna(True)
                                .to_numpy(dtype=bool)]
        return scores, Markdown(say("legacy", lang))
    from parlib.analysis.merger import group_to_2025

    grouped, description = group_to_2025(scores, how=how)
    merged = description.loc[description["n_members"] > 1]
    lines = [say("grouped", lang, how=say(how, lang))]
    lines += [f"- **{_md(row.province_2025)}** ({_md(row.province_code_2025)}): "
              f"{_md(row.members)}" for row in merged.itertuples()]
    if merged.empty:
        lines.append(say("grouped_none", lang))
    return grouped, Markdown("\n".join(lines))


@dataclass
class Report:
    """One report being written: its data, where figures go, and its language."""

    notebook: str
    dataset: str
    lang: str
    clean_dir: Path
    output_dir: Path
    scores: pd.DataFrame
    sources: pd.DataFrame
    synthetic: bool
    figures: list[dict[str, Any]] = field(default_factory=list)
    aggregates: pd.DataFrame | None = None
    disputed: pd.DataFrame | None = None
    release: Any = None  # the parlib.publish.citations.Release of the dataset
    cited: list[Any] = field(default_factory=list)  # each figure's Citation

    @property
    def key(self) -> str:
        """The report's citation key: dataset, notebook and report folder name (its slug)."""
        name = self.output_dir.resolve().name
        if name.startswith(".") and ".tmp-" in name:  # the runner's folder for the slug
            name = name[1:].split(".tmp-")[0]
        return f"{self.dataset}-{self.notebook}-{name}"

    @property
    def figures_dir(self) -> Path:
        """``<output_dir>/figures``."""
        return self.output_dir / "figures"

    @property
    def citation(self) -> dict[str, Any]:
        """Return the report's citation in every form: the union of its figures' documents."""
        from parlib.publish.citations import cite_report

        title = say(f"title_{self.notebook}", self.lang) if f"title_{self.notebook}" in TEXTS \
            else self.notebook
        if self.cited:  # named by its headline figure: index, place or unit, years
            title = f"{title}: {self.cited[0].title}"
        elif self.release is not None:
            title = f"{title}: {self.release.title}"
        return cite_report(self.cited, release=self.release, key=self.key, title=title,
                           lang=self.lang).forms()

    def publish(self, fig: Any, name: str, *, caption: str, title: str | None = None,
                data: pd.DataFrame | None = None, width: int = 760) -> None:
        """Save ``fig`` once (PNG, SVG, PDF, sidecar), close it, and show the saved PNG.

        The figure is closed before the cell ends, so the inline backend does not
        draw it again; the notebook shows the PNG file and the caption under it.

        Parameters
        ----------
        fig
            A Figure or an Axes of it.
        name
            The file name stem under ``figures/``.
        caption
            What the figure shows, for the sidecar and the report.
        title
            Default: the figure's own title.
        data
            The rows drawn (a :mod:`parlib.viz.figure_data` function's answer): written
            as ``figures/<name>.csv`` beside the figure, hashed into its citation,
            and the only rows whose documents the figure cites.
        """
        import matplotlib.pyplot as plt
        from IPython.display import Image, Markdown, display

        from parlib.publish.citations import cite_documents, cite_figure
        from parlib.viz.figure_data import figure_rows
        from parlib.viz.figures import save_figure

        figure = getattr(fig, "figure", fig)
        title = title or _figure_title(figure) or name
        rows = None if data is None else figure_rows(data)
        sources = self.sources_of(rows)
        note = _computed_note(rows, self.lang)
        if rows is None:  # nothing says which rows are drawn: the dataset's documents
            citation = cite_documents(sources, key=f"{self.key}-{name}", title=title,
                                      release=self.release, lang=self.lang)
        else:
            citation = cite_figure(rows, sources=self.sources, release=self.release,
                                   key=f"{self.key}-{name}", title=title,
                                   data_hash=_data_hash(rows), lang=self.lang)
        files = save_figure(figure, self.figures_dir / name, title=title, caption=caption,
                            source=sources, synthetic=self.synthetic, lang=self.lang,
                            citation=citation, data_hash=citation.data_hash, data=rows,
                            note=note)
        plt.close(figure)
        self.cited.append(citation)
        if note:
            caption = f"{caption} {note}."
        self.figures.append({"name": name, "title": title, "caption": caption,
                             **{k: _rel(getattr(files, k), self.output_dir)
                                for k in ("png", "svg", "pdf", "csv", "json")}})
        self._write_meta()
        display(Image(filename=str(files.png), width=width, metadata={"alt": caption}),
                Markdown(f"*{caption}*"), Markdown(self._file_links(files)))

    def _file_links(self, files: Any) -> str:
        """Markdown links to a figure's files and to the dataset's workbook and codebook."""
        names = {"png": "PNG", "svg": "SVG", "pdf": "PDF", "csv": say("link_data", self.lang),
                 "json": say("link_citation", self.lang)}
        links = [f"[{text}](figures/{quote(getattr(files, ext).name)})"
                 for ext, text in names.items() if getattr(files, ext, None) is not None]
        line = f"{say('link_files', self.lang)}: " + " · ".join(links)
        data = [(say(key, self.lang), self.clean_dir / self.dataset / name)
                for key, name in (("link_xlsx", "scores.xlsx"), ("link_codebook", "codebook.html"))]
        data = [f"[{text}]({quote(Path(os.path.relpath(path, self.output_dir)).as_posix())})"
                for text, path in data if path.is_file()]
        if data:  # relative links: the report folder keeps its depth when moved into place
            line += f"  \n{say('link_dataset', self.lang)}: " + " · ".join(data)
        return line

    def sources_of(self, rows: pd.DataFrame | None) -> pd.DataFrame:
        """Return the documents behind ``rows`` (a figure's rows, with ``source_id``).

        A corrected row cites its correction's evidence too; without rows, every
        document of the dataset.
        """
        from parlib.publish.citations import sources_of_rows

        if rows is None:
            return self.sources
        return sources_of_rows(rows, self.sources)

    def note(self, key: str, **fields: object) -> Any:
        """Return the sentence ``key`` of :mod:`parlib.reports.texts` as Markdown."""
        from IPython.display import Markdown

        return Markdown(say(key, self.lang, **fields))

    def describe(self, trend: pd.DataFrame, *, index: str, component: str, level: str,
                 unit_type: str | None = None) -> Any:
        """Return Markdown naming the selection, the synthetic warning and missing years."""
        from IPython.display import Markdown

        units = sorted(_md(u) for u in trend["unit"].dropna().unique())
        shown = ", ".join(units) if len(units) <= 8 else say("all_units", self.lang,
                                                               n=len(units))
        years = sorted(int(y) for y in trend["year"].dropna().unique())
        kind = say("unit_type", self.lang, name=label(unit_type, self.lang)) if unit_type else ""
        parts = [say("selection", self.lang, dataset=self.dataset, index=label(index, self.lang),
                     component=_component_text(index, component, self.lang),
                     level=label(f"level_{level}", self.lang), unit_type=kind, units=shown,
                     years=_span(years))]
        gaps = trend.loc[trend["score"].isna()]
        disputed = self._disputed_keys(index=index, component=component, level=level)
        if len(gaps) and disputed:
            hit = [(u, int(y)) in disputed for u, y in zip(gaps["unit"], gaps["year"])]
            argued = gaps.loc[hit]
            if len(argued):
                listed = [f"{_md(u)} {', '.join(str(int(y)) for y in g['year'])}"
                          for u, g in argued.groupby("unit", sort=True)]
                parts.append(say("disputed", self.lang, figures="; ".join(listed)))
                gaps = gaps.loc[[not h for h in hit]]
        if len(gaps):
            listed = [f"{_md(u)} {', '.join(str(int(y)) for y in g['year'])}"
                      for u, g in gaps.groupby("unit", sort=True)]
            parts.append(say("gaps", self.lang, gaps="; ".join(listed)))
        else:
            parts.append(say("no_gaps", self.lang))
        return Markdown("\n\n".join(parts))

    def disputed_note(self, *, index: str, component: str = "total", level: str = "province",
                      year: int | None = None) -> Any:
        """Return Markdown naming the selection's figures whose published versions disagree."""
        from IPython.display import Markdown

        keys = sorted(k for k in self._disputed_keys(index=index, component=component,
                                                     level=level)
                      if year is None or k[1] == int(year))
        if not keys:
            return Markdown("")
        return Markdown(say("disputed", self.lang, figures="; ".join(
            f"{_md(u)} {y}" for u, y in keys)))

    def _disputed_keys(self, *, index: str, component: str, level: str) -> set[tuple[str, int]]:
        rows = self.disputed
        if rows is None or rows.empty:
            return set()
        hit = ((rows["index"].astype("string") == index)
               & (rows["component"].astype("string") == component)
               & (rows["level"].astype("string") == level)).fillna(False)
        rows = rows.loc[hit.to_numpy(dtype=bool)]
        return {(str(u), int(y)) for u, y in zip(rows["unit"], rows["year"])}

    def trend_caption(self, trend: pd.DataFrame) -> str:
        """Return the trend figure's caption, saying what the reference line is and is not."""
        parts = [say("trend_caption_lines", self.lang)]
        ref = trend.dropna(subset=["mean"])
        kinds = set(ref["reference"].dropna()) if "reference" in ref else set()
        local = kinds & {"province", "province_published"}
        if local and ref["province_code"].nunique() > 1:
            return " ".join([*parts, say("trend_caption_no_reference", self.lang)])
        for kind in ("national", "dataset", "province_published", "province"):
            rows = ref.loc[ref["reference"] == kind].drop_duplicates("year")
            if rows.empty:
                continue
            counts = rows["n"].dropna().astype(int)
            expected = rows["n_expected"].dropna()
            expected = int(expected.iloc[0]) if len(expected) else 0
            key = f"trend_caption_{kind}"
            if kind == "dataset" and len(counts) and counts.min() >= expected:
                key = "trend_caption_dataset_all"
            parts.append(say(key, self.lang, years=_span(rows["year"]),
                             n=_count_span(counts), expected=expected,
                             province=_md(rows["province"].iloc[0])))
        return " ".join(parts)

    def describe_correlation(self, result: Any) -> Any:
        """Return Markdown with r, its 95% interval, p, Spearman's rho and n, or why not."""
        from IPython.display import Markdown

        if result.message:
            return Markdown(say("pairs_too_few", self.lang, n=result.n) + f" ({result.message})")
        num = self.number
        text = say("correlation_result", self.lang, x=_spec_text(result.x, self.lang),
                   y=_spec_text(result.y, self.lang),
                   years=_span(result.years), n=result.n, r=num(result.pearson_r),
                   low=num(result.pearson_ci_low), high=num(result.pearson_ci_high),
                   p=num(result.pearson_p, 3), rho=num(result.spearman_rho),
                   p_rho=num(result.spearman_p, 3))
        if result.pooled:
            text += " " + say("pooled_caveat", self.lang, clusters=result.n_clusters)
        odd = result.pairs.loc[result.pairs["outlier"]]
        names = [_md(f"{r.unit} {r.year}" if result.pooled else r.unit) for r in odd.itertuples()]
        text += "\n\n" + (say("outliers", self.lang, names=", ".join(names)) if names
                          else say("no_outliers", self.lang))
        return Markdown(text)

    def table(self, frame: pd.DataFrame, columns: list[str]) -> Any:
        """Return ``frame``'s ``columns`` as a styled table with headers in the language.

        Columns without any value are left out.
        """
        shown = frame[list(columns)].dropna(axis="columns", how="all")
        if "year" in shown:  # a year is a label, never "2.019"
            shown = shown.assign(year=shown["year"].astype("string"))
        shown = shown.rename(columns={c: self.header(c) for c in shown.columns})
        decimal, thousands = (",", ".") if self.lang == "vi" else (".", ",")
        return (shown.style.hide(axis="index")
                .format(precision=2, decimal=decimal, thousands=thousands, na_rep="—",
                        escape="html")
                .format_index(escape="html", axis="columns"))

    def header(self, column: str) -> str:
        """Return the table header of ``column`` in the report's language."""
        key = f"col_{column}"
        return say(key, self.lang) if key in TEXTS else label(str(column), self.lang)

    def say(self, key: str, **fields: object) -> str:
        """Return the sentence ``key`` of :mod:`parlib.reports.texts` in the report's language."""
        return say(key, self.lang, **fields)

    def year_table(self, trend: pd.DataFrame, *, values: str = "change") -> Any:
        """Return ``values`` of :func:`parlib.analysis.trend.compute_trend` as a units × years table."""
        wide = trend.pivot_table(index="unit", columns="year", values=values, observed=True,
                                 dropna=False, sort=True)
        wide.columns = [str(int(c)) for c in wide.columns]
        wide = wide.rename_axis(label("unit", self.lang)).reset_index()
        return self.table(wide, list(wide.columns))

    def components_of(self, scores: pd.DataFrame, *, index: str, level: str) -> list[str]:
        """Return the component keys (not "total") that ``index`` has at ``level``."""
        rows = scores.loc[(scores["index"] == index) & (scores["level"] == level)]
        return sorted(set(rows["component"].dropna().astype(str)) - {"total"})

    def year_span(self, trend: pd.DataFrame) -> tuple[int, int] | None:
        """Return the first and last year with a score, or None when there is one year only."""
        years = sorted(int(y) for y in trend.loc[trend["score"].notna(), "year"].unique())
        return (years[0], years[-1]) if len(years) > 1 else None

    def latest_year(self, scores: pd.DataFrame, *, index: str, component: str,
                    level: str) -> int:
        """Return the latest year with a score of ``index``/``component`` at ``level``."""
        from parlib.analysis.select import select_scores

        rows = select_scores(scores, index=index, component=component, level=level)
        return int(rows.dropna(subset=["score"])["year"].max())

    def count_rankings(self, scores: pd.DataFrame, *, level: str) -> int:
        """Return how many separate rankings (one per province below province level) there are."""
        if level == "province":
            return 1
        return int(scores.loc[scores["level"] == level, "province"].nunique())

    def number(self, value: float, digits: int = 2) -> str:
        """Return ``value`` with ``digits`` decimals and the language's decimal mark."""
        if value is None or pd.isna(value):
            return "—"
        text = f"{value:.{digits}f}"
        return text.replace(".", ",") if self.lang == "vi" else text

    def _write_meta(self) -> None:
        meta = {"notebook": self.notebook, "dataset": self.dataset, "lang": self.lang,
                "synthetic": self.synthetic, "citation": self.citation.get("text"),
                "citation_forms": self.citation,
                "figures": self.figures}
        path = self.output_dir / "figures.json"
        path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def start_report(notebook: str, dataset: str, *, clean_dir: str | os.PathLike = "data/clean",
                 output_dir: str | os.PathLike = "reports/_adhoc", lang: str = "vi") -> Report:
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
    from parlib.publish.citations import Release, read_release
    from parlib.analysis.load import load_aggregates, load_disputed, load_scores, load_sources
    from parlib.reports.parameters import check_injected, show_errors_briefly

    show_errors_briefly()
    injected = check_injected()
    dataset, lang = injected.get("dataset", dataset), injected.get("lang", lang)
    output_dir = injected.get("output_dir", output_dir)
    if lang not in ("vi", "en"):
        raise ParameterError("unknown language", column="lang", value=lang,
                             fix="use 'vi' or 'en'")
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
    return Report(notebook=notebook, dataset=dataset, lang=lang, clean_dir=clean,
                  output_dir=out, scores=scores, sources=sources, synthetic=synthetic,
                  release=release, aggregates=aggregates if len(aggregates) else None,
                  disputed=disputed if len(disputed) else None)


def _md(value: object) -> str:
    """Escape data text (a unit's name) for Markdown: no HTML, no emphasis or links."""
    text = html.escape(str(value), quote=False)
    return re.sub(r"([\\`*_{}\[\]#|!])", r"\\\1", text)


def _component_text(index: str, component: str, lang: str) -> str:
    return label("total", lang) if component == "total" else label(f"{index}:{component}", lang)


def _spec_text(spec: str, lang: str) -> str:
    index, _, component = spec.partition(":")
    if not component or component == "total":
        return label(index, lang)
    return f"{label(index, lang)} – {label(spec, lang)}"


def _figure_title(figure: Any) -> str | None:
    suptitle = getattr(figure, "_suptitle", None)
    if suptitle is not None and suptitle.get_text():
        return suptitle.get_text()
    for ax in figure.axes:
        for loc in ("center", "left"):  # parlib's charts title on the left
            if ax.get_title(loc=loc):
                return ax.get_title(loc=loc).split("\n")[0]
    return None


def _data_hash(data: pd.DataFrame | None) -> str | None:
    if data is None:
        return None
    values = pd.util.hash_pandas_object(data.astype("string"), index=False).to_numpy()
    return hashlib.sha256(values.tobytes()).hexdigest()[:16]


def _computed_note(rows: pd.DataFrame | None, lang: str) -> str | None:
    """Say which values parlib computed from former provinces (2025 boundaries), if any."""
    if rows is None or "members" not in rows:
        return None
    merged = rows.loc[rows["members"].astype("string").str.contains(",", regex=False)
                      .fillna(False).to_numpy(dtype=bool)]
    if merged.empty:
        return None
    how = "mean"
    if "derivation" in merged and merged["derivation"].notna().any():
        how = str(merged["derivation"].dropna().iloc[0]).split(" of ")[0]
    groups = merged.drop_duplicates("unit")
    members = "; ".join(f"{u} = {m}" for u, m in zip(groups["unit"], groups["members"]))
    return label("computed_2025", lang, how=say(how, lang), members=members)


def _count_span(counts: Any) -> str:
    counts = sorted({int(c) for c in counts})
    if not counts:
        return "0"
    return str(counts[0]) if len(counts) == 1 else f"{counts[0]}–{counts[-1]}"


def _rel(path: Path | None, base: Path) -> str | None:
    if path is None:
        return None
    return Path(os.path.relpath(path, base)).as_posix()


def _span(years: Any) -> str:
    years = sorted(int(y) for y in years)
    if not years:
        return "—"
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(y) for y in years)
