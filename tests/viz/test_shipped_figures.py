"""Every figure of the shipped reports: fits an A4 page, no two labels overlap, cites its rows.

The reports of ``reports.yaml`` are built on the shipped datasets in a fresh folder, as
``make reports`` builds them; each figure's sidecar holds the layout ``save_figure``
measured from matplotlib's text extents and the citation made from the rows drawn.
"""

from __future__ import annotations

import json
import shutil
import struct
import warnings
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from parlib.pipeline import clean_all
from parlib.reports import run_reports
from parlib.viz.layout import A4_INCHES

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("kernels")]


@pytest.fixture(scope="module")
def figures(tmp_path_factory) -> list[tuple[Path, dict]]:
    root = tmp_path_factory.mktemp("shipped")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clean_all(REPO / "data" / "raw", root / "data" / "clean", progress=False)
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    shutil.copy(REPO / "reports.yaml", root / "reports.yaml")
    summary = run_reports(root=root, jobs=2, progress=False)
    assert summary.exit_code == 0, [r.describe() for r in summary.failed]
    found = sorted((root / "reports").glob("*/*/*/figures/*.json"))
    assert len(found) >= 30
    return [(p, json.loads(p.read_text(encoding="utf-8"))) for p in found]


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_every_figure_fits_an_a4_page_at_300_dpi(figures):
    page = sorted(round(v * 300) for v in A4_INCHES)
    for path, sidecar in figures:
        width, height = _png_size(path.with_suffix(".png"))
        assert sorted((width, height))[0] <= page[0] and max(width, height) <= page[1], (
            path.name,
            width,
            height,
        )
        assert width <= page[0], (path, width)  # portrait: no figure needs a landscape page
        assert sidecar["layout"]["fits_a4"], path


def test_no_two_labels_of_any_figure_overlap(figures):
    overlapping = {
        str(p.relative_to(p.parents[4])): s["layout"]["overlaps"]
        for p, s in figures
        if s["layout"]["overlaps"]
    }
    assert overlapping == {}


def test_citation_keys_are_unique_across_the_site(figures):
    keys = Counter(s["citation"]["key"] for _, s in figures)
    assert [k for k, n in keys.items() if n > 1] == []


def test_each_figure_cites_only_documents_of_its_dataset(figures):
    for path, sidecar in figures:
        dataset = path.parents[3].name
        sources = pd.read_csv(path.parents[5] / "data" / "clean" / dataset / "sources.csv")
        cited = sidecar["citation"]["documents"]
        assert cited and set(cited) <= set(sources["source_id"]), path
        if dataset == "vn-published":
            assert "consulate" not in sidecar["citation"]["text"].lower()


def test_synthetic_figures_say_so_in_every_form(figures):
    for path, sidecar in figures:
        if path.parents[3].name != "demo-synthetic":
            continue
        cite = sidecar["citation"]
        forms = [
            cite["text"],
            cite["bibtex"],
            cite["ris"],
            json.dumps(cite["csl_json"], ensure_ascii=False),
        ]
        for form in forms:
            assert "synthetic data, not real figures" in form.lower(), path
            assert "dữ liệu giả lập" in form.lower(), path
