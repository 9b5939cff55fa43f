"""The report a notebook writes: its data, and each figure saved, cited and shown once.

:func:`parlib.reports.notebook.start_report` returns a :class:`Report`. Each figure goes
through :meth:`Report.publish`: saved once with :func:`parlib.viz.figures.save_figure`
(caption, source line, citation, synthetic label), closed, and shown as the
saved PNG, so the inline backend never draws it a second time. What the report
says about its results (:mod:`parlib.reports.prose`) is written in its language.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

from parlib.reports.prose import ReportProse
from parlib.reports.texts import say
from parlib.viz.labels import has_label, label

__all__ = ["Report", "data_hash", "figure_title"]


@dataclass
class Report(ReportProse):
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

        title = (
            say(f"title_{self.notebook}", self.lang)
            if has_label(f"title_{self.notebook}")
            else self.notebook
        )
        if self.cited:  # named by its headline figure: index, place or unit, years
            title = f"{title}: {self.cited[0].title}"
        elif self.release is not None:
            title = f"{title}: {self.release.title}"
        return cite_report(
            self.cited, release=self.release, key=self.key, title=title, lang=self.lang
        ).forms()

    def publish(
        self,
        fig: Any,
        name: str,
        *,
        caption: str,
        title: str | None = None,
        data: pd.DataFrame | None = None,
        width: int = 760,
    ) -> None:
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
        title = title or figure_title(figure) or name
        rows = None if data is None else figure_rows(data)
        sources = self.sources_of(rows)
        note = _computed_note(rows, self.lang)
        if rows is None:  # nothing says which rows are drawn: the dataset's documents
            citation = cite_documents(
                sources, key=f"{self.key}-{name}", title=title, release=self.release, lang=self.lang
            )
        else:
            citation = cite_figure(
                rows,
                sources=self.sources,
                release=self.release,
                key=f"{self.key}-{name}",
                title=title,
                data_hash=data_hash(rows),
                lang=self.lang,
            )
        files = save_figure(
            figure,
            self.figures_dir / name,
            title=title,
            caption=caption,
            source=sources,
            synthetic=self.synthetic,
            lang=self.lang,
            citation=citation,
            data_hash=citation.data_hash,
            data=rows,
            note=note,
        )
        plt.close(figure)
        self.cited.append(citation)
        if note:
            caption = f"{caption} {note}."
        self.figures.append(
            {
                "name": name,
                "title": title,
                "caption": caption,
                **{
                    k: _rel(getattr(files, k), self.output_dir)
                    for k in ("png", "svg", "pdf", "csv", "json")
                },
            }
        )
        self._write_meta()
        display(
            Image(filename=str(files.png), width=width, metadata={"alt": caption}),
            Markdown(f"*{caption}*"),
            Markdown(self._file_links(files)),
        )

    def _file_links(self, files: Any) -> str:
        """Markdown links to a figure's files and to the dataset's workbook and codebook."""
        names = {
            "png": "PNG",
            "svg": "SVG",
            "pdf": "PDF",
            "csv": say("link_data", self.lang),
            "json": say("link_citation", self.lang),
        }
        links = [
            f"[{text}](figures/{quote(getattr(files, ext).name)})"
            for ext, text in names.items()
            if getattr(files, ext, None) is not None
        ]
        line = f"{say('link_files', self.lang)}: " + " · ".join(links)
        files_of_dataset = [
            (say(key, self.lang), self.clean_dir / self.dataset / name)
            for key, name in (("link_xlsx", "scores.xlsx"), ("link_codebook", "codebook.html"))
        ]
        data = [
            f"[{text}]({quote(Path(os.path.relpath(path, self.output_dir)).as_posix())})"
            for text, path in files_of_dataset
            if path.is_file()
        ]
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

    def _write_meta(self) -> None:
        meta = {
            "notebook": self.notebook,
            "dataset": self.dataset,
            "lang": self.lang,
            "synthetic": self.synthetic,
            "citation": self.citation.get("text"),
            "citation_forms": self.citation,
            "figures": self.figures,
        }
        path = self.output_dir / "figures.json"
        path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def figure_title(figure: Any) -> str | None:
    """Return a figure's title: its suptitle, else its first Axes title (first line), or None.

    parlib's charts title on the left, so a left title counts as well as a centred one;
    :meth:`Report.publish` names a figure by it when no ``title`` is given.
    """
    suptitle = getattr(figure, "_suptitle", None)
    if suptitle is not None and suptitle.get_text():
        return suptitle.get_text()
    for ax in figure.axes:
        for loc in ("center", "left"):  # parlib's charts title on the left
            if ax.get_title(loc=loc):
                return ax.get_title(loc=loc).split("\n")[0]
    return None


def data_hash(data: pd.DataFrame | None) -> str | None:
    """Return 16 hex digits of the SHA-256 of a figure's rows, read as text (None without rows).

    The hash goes into the figure's citation and sidecar, so a reader can check that the
    CSV beside a figure holds the rows it was drawn from.
    """
    if data is None:
        return None
    values = pd.util.hash_pandas_object(data.astype("string"), index=False).to_numpy()
    return hashlib.sha256(values.tobytes()).hexdigest()[:16]


def _computed_note(rows: pd.DataFrame | None, lang: str) -> str | None:
    """Say which values parlib computed from former provinces (2025 boundaries), if any."""
    if rows is None or "members" not in rows:
        return None
    merged = rows.loc[
        rows["members"]
        .astype("string")
        .str.contains(",", regex=False)
        .fillna(False)
        .to_numpy(dtype=bool)
    ]
    if merged.empty:
        return None
    how = "mean"
    if "derivation" in merged and merged["derivation"].notna().any():
        how = str(merged["derivation"].dropna().iloc[0]).split(" of ")[0]
    groups = merged.drop_duplicates("unit")
    members = "; ".join(f"{u} = {m}" for u, m in zip(groups["unit"], groups["members"]))
    return label("computed_2025", lang, how=say(how, lang), members=members)


def _rel(path: Path | None, base: Path) -> str | None:
    if path is None:
        return None
    return Path(os.path.relpath(path, base)).as_posix()
