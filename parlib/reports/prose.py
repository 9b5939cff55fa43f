"""What a report says about its results, in its language: selections, gaps, captions, tables.

:class:`ReportProse` holds the methods :class:`parlib.reports.report.Report` writes
its prose with; the sentences themselves are in :mod:`parlib.reports.texts`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from parlib.reports.texts import escape_md, say
from parlib.viz.labels import has_label, label

__all__ = ["ReportProse"]


class ReportProse:
    """The sentences, captions and tables of a report, in its language (``lang``).

    A base of :class:`parlib.reports.report.Report`, which holds the attributes below.
    """

    dataset: str
    lang: str
    disputed: pd.DataFrame | None

    def note(self, key: str, **fields: object) -> Any:
        """Return the sentence ``key`` of :mod:`parlib.reports.texts` as Markdown."""
        from IPython.display import Markdown

        return Markdown(say(key, self.lang, **fields))

    def describe(
        self,
        trend: pd.DataFrame,
        *,
        index: str,
        component: str,
        level: str,
        unit_type: str | None = None,
    ) -> Any:
        """Return Markdown naming the selection, the synthetic warning and missing years."""
        from IPython.display import Markdown

        units = sorted(escape_md(u) for u in trend["unit"].dropna().unique())
        shown = ", ".join(units) if len(units) <= 8 else say("all_units", self.lang, n=len(units))
        years = sorted(int(y) for y in trend["year"].dropna().unique())
        kind = say("unit_type", self.lang, name=label(unit_type, self.lang)) if unit_type else ""
        parts = [
            say(
                "selection",
                self.lang,
                dataset=self.dataset,
                index=label(index, self.lang),
                component=_component_text(index, component, self.lang),
                level=label(f"level_{level}", self.lang),
                unit_type=kind,
                units=shown,
                years=_span(years),
            )
        ]
        gaps = trend.loc[trend["score"].isna()]
        disputed = self._disputed_keys(index=index, component=component, level=level)
        if len(gaps) and disputed:
            hit = [(u, int(y)) in disputed for u, y in zip(gaps["unit"], gaps["year"])]
            argued = gaps.loc[hit]
            if len(argued):
                listed = [
                    f"{escape_md(u)} {', '.join(str(int(y)) for y in g['year'])}"
                    for u, g in argued.groupby("unit", sort=True)
                ]
                parts.append(say("disputed", self.lang, figures="; ".join(listed)))
                gaps = gaps.loc[[not h for h in hit]]
        if len(gaps):
            listed = [
                f"{escape_md(u)} {', '.join(str(int(y)) for y in g['year'])}"
                for u, g in gaps.groupby("unit", sort=True)
            ]
            parts.append(say("gaps", self.lang, gaps="; ".join(listed)))
        else:
            parts.append(say("no_gaps", self.lang))
        return Markdown("\n\n".join(parts))

    def disputed_note(
        self,
        *,
        index: str,
        component: str = "total",
        level: str = "province",
        year: int | None = None,
    ) -> Any:
        """Return Markdown naming the selection's figures whose published versions disagree."""
        from IPython.display import Markdown

        keys = sorted(
            k
            for k in self._disputed_keys(index=index, component=component, level=level)
            if year is None or k[1] == int(year)
        )
        if not keys:
            return Markdown("")
        return Markdown(
            say("disputed", self.lang, figures="; ".join(f"{escape_md(u)} {y}" for u, y in keys))
        )

    def _disputed_keys(self, *, index: str, component: str, level: str) -> set[tuple[str, int]]:
        rows = self.disputed
        if rows is None or rows.empty:
            return set()
        hit = (
            (rows["index"].astype("string") == index)
            & (rows["component"].astype("string") == component)
            & (rows["level"].astype("string") == level)
        ).fillna(False)
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
            parts.append(
                say(
                    key,
                    self.lang,
                    years=_span(rows["year"]),
                    n=_count_span(counts),
                    expected=expected,
                    province=escape_md(rows["province"].iloc[0]),
                )
            )
        return " ".join(parts)

    def describe_correlation(self, result: Any) -> Any:
        """Return Markdown with r, its 95% interval, p, Spearman's rho and n, or why not."""
        from IPython.display import Markdown

        if result.message:
            return Markdown(say("pairs_too_few", self.lang, n=result.n) + f" ({result.message})")
        num = self.number
        text = say(
            "correlation_result",
            self.lang,
            x=_spec_text(result.x, self.lang),
            y=_spec_text(result.y, self.lang),
            years=_span(result.years),
            n=result.n,
            r=num(result.pearson_r),
            low=num(result.pearson_ci_low),
            high=num(result.pearson_ci_high),
            p=num(result.pearson_p, 3),
            rho=num(result.spearman_rho),
            p_rho=num(result.spearman_p, 3),
        )
        if result.pooled:
            text += " " + say("pooled_caveat", self.lang, clusters=result.n_clusters)
        odd = result.pairs.loc[result.pairs["outlier"]]
        names = [
            escape_md(f"{r.unit} {r.year}" if result.pooled else r.unit) for r in odd.itertuples()
        ]
        text += "\n\n" + (
            say("outliers", self.lang, names=", ".join(names))
            if names
            else say("no_outliers", self.lang)
        )
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
        return (
            shown.style.hide(axis="index")
            .format(precision=2, decimal=decimal, thousands=thousands, na_rep="—", escape="html")
            .format_index(escape="html", axis="columns")
        )

    def header(self, column: str) -> str:
        """Return the table header of ``column`` in the report's language."""
        key = f"col_{column}"
        return say(key, self.lang) if has_label(key) else label(str(column), self.lang)

    def say(self, key: str, **fields: object) -> str:
        """Return the sentence ``key`` of :mod:`parlib.reports.texts` in the report's language."""
        return say(key, self.lang, **fields)

    def year_table(self, trend: pd.DataFrame, *, values: str = "change") -> Any:
        """Return ``values`` of :func:`parlib.analysis.trend.compute_trend` as a units × years table."""
        wide = trend.pivot_table(
            index="unit", columns="year", values=values, observed=True, dropna=False, sort=True
        )
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

    def latest_year(self, scores: pd.DataFrame, *, index: str, component: str, level: str) -> int:
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


def _component_text(index: str, component: str, lang: str) -> str:
    return label("total", lang) if component == "total" else label(f"{index}:{component}", lang)


def _spec_text(spec: str, lang: str) -> str:
    index, _, component = spec.partition(":")
    if not component or component == "total":
        return label(index, lang)
    return f"{label(index, lang)} – {label(spec, lang)}"


def _count_span(counts: Any) -> str:
    counts = sorted({int(c) for c in counts})
    if not counts:
        return "0"
    return str(counts[0]) if len(counts) == 1 else f"{counts[0]}–{counts[-1]}"


def _span(years: Any) -> str:
    years = sorted(int(y) for y in years)
    if not years:
        return "—"
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(y) for y in years)
