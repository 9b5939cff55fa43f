from __future__ import annotations

import hashlib

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from parlib.publish.citations import Release, cite_documents
from parlib.viz.figures import FigureFiles, read_sidecar, save_figure, slugify
from parlib.viz.footer import source_line
from parlib.viz.trend_plots import plot_trend


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _save(scores, sources, path, **options):
    ax = plot_trend(scores, index="PAR", provinces=["Bến Tre", "Trà Vinh"])
    options = {
        "title": "Chỉ số CCHC 2018–2023",
        "caption": "Điểm PAR của hai tỉnh.",
        "source": sources,
        "data_hash": "sha256:abc123",
        **options,
    }
    return ax.figure, save_figure(ax.figure, path, **options)


# -- slugify ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("../../etc/passwd", "etc-passwd"),
        ("</script>", "script"),
        ("Bà Rịa – Vũng Tàu", "ba-ria-vung-tau"),
        ("Đắk Lắk / PAR", "dak-lak-par"),
        ("", "figure"),
        ("..", "figure"),
        (None, "figure"),
        ("CON", "figure-con"),
        ("C:\\Windows\\system32", "c-windows-system32"),
    ],
)
def test_slugify_returns_safe_names(text, slug):
    assert slugify(text) == slug


def test_slugify_truncates_without_trailing_dash():
    slug = slugify("a b " * 50, max_length=9)
    assert slug == "a-b-a-b-a" and len(slug) <= 9


# -- save_figure -----------------------------------------------------------------------------


def test_save_figure_is_byte_identical_when_remade(scores, sources, tmp_path):
    _, first = _save(scores, sources, tmp_path / "a" / "trend")
    _, again = _save(scores, sources, tmp_path / "b" / "trend")
    for fmt in ("png", "svg", "pdf"):
        assert _sha(getattr(first, fmt)) == _sha(getattr(again, fmt)), fmt
    assert first.json.read_text(encoding="utf-8") == again.json.read_text(encoding="utf-8")
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [
        "trend.json",
        "trend.pdf",
        "trend.png",
        "trend.svg",
    ]  # no temporary files left


def test_save_figure_draws_the_source_line_once(scores, sources, tmp_path):
    fig, files = _save(scores, sources, tmp_path / "trend", formats=["svg"])
    first = _sha(files.svg)
    save_figure(fig, tmp_path / "trend", title="t", caption="c", source=sources, formats=["svg"])
    notes = [t.get_text() for t in fig.texts]
    assert len(notes) == 1 and notes[0].startswith("Nguồn: ")
    assert _sha(files.svg) == first


def test_save_figure_labels_synthetic_data(scores, sources, tmp_path):
    fig, files = _save(
        scores, sources, tmp_path / "fake", synthetic=True, lang="vi", formats=["png"], dpi=50
    )
    texts = [t.get_text() for t in fig.texts]
    assert "Dữ liệu giả lập — không phải số liệu thực" in texts
    assert read_sidecar(files.png)["synthetic"] is True


def test_save_figure_writes_the_sidecar(scores, sources, tmp_path):
    _, files = _save(
        scores,
        sources,
        tmp_path / "Bà Rịa – Vũng Tàu.png",
        lang="en",
        formats=["png", "pdf"],
        dpi=50,
    )
    assert isinstance(files, FigureFiles) and files.svg is None
    assert files.png == tmp_path / "ba-ria-vung-tau.png"
    assert [p.suffix for p in files.paths] == [".png", ".pdf", ".json"]
    sidecar = read_sidecar(files.json)
    assert sidecar["title"] == "Chỉ số CCHC 2018–2023"
    assert sidecar["caption"] == "Điểm PAR của hai tỉnh."
    assert sidecar["source"] == source_line(sources, lang="en")
    assert sidecar["synthetic"] is False and sidecar["lang"] == "en"
    assert sidecar["data_hash"] == "sha256:abc123" and sidecar["parlib_version"]
    assert sidecar["files"]["png"] == {"path": "ba-ria-vung-tau.png", "sha256": _sha(files.png)}
    assert set(sidecar["files"]) == {"png", "pdf"}
    citation = sidecar["citation"]
    assert citation["key"] == "ba-ria-vung-tau"  # by default the file name
    assert citation["bibtex"].startswith("@misc{ba-ria-vung-tau,")
    assert "sha256:abc123" in citation["bibtex"] and "Bộ Nội vụ" in citation["text"]
    assert set(citation) >= {"text", "bibtex", "ris", "csl_json", "documents"}


def test_save_figure_keeps_the_citation_it_is_given(tmp_path):
    _fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    release = Release(dataset="ben-tre", title="Bến Tre", version="2.0", released="2024-01-02")
    cite = cite_documents(None, key="ben-tre-trend-x", title="T", release=release)
    files = save_figure(
        ax,
        tmp_path / "x",
        title="T",
        caption="C",
        source="Nguồn: tự tính",
        citation=cite,
        formats=["svg"],
    )
    sidecar = read_sidecar(files.svg)
    assert sidecar["source"] == "Nguồn: tự tính"
    assert sidecar["citation"]["key"] == "ben-tre-trend-x"
    assert "Bộ dữ liệu: Bến Tre, phiên bản 2.0 (2024-01-02)" in sidecar["citation"]["text"]


def test_save_figure_errors(tmp_path):
    fig, _ = plt.subplots()
    with pytest.raises(
        ValueError,
        match=r"`formats` must be a non-empty list of \['png', 'svg', "
        r"'pdf'\], but \['jpg'\] was passed",
    ):
        save_figure(fig, tmp_path / "x", title="t", caption="c", source="s", formats=["jpg"])
    with pytest.raises(TypeError, match="must be a matplotlib Figure or Axes, but a str"):
        save_figure("fig", tmp_path / "x", title="t", caption="c", source="s")
    with pytest.raises(FileNotFoundError, match="No sidecar"):
        read_sidecar(tmp_path / "missing.png")
    assert not list(tmp_path.iterdir())


def _embedded_font_tables(pdf: bytes) -> list[set[bytes]]:
    """The table tags of each TrueType font program embedded in a PDF."""
    import re
    import struct
    import zlib

    fonts = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            data = zlib.decompress(stream)
        except zlib.error:
            continue
        if data[:4] in (b"\x00\x01\x00\x00", b"true"):
            count = struct.unpack(">H", data[4:6])[0]
            fonts.append({data[12 + 16 * k : 16 + 16 * k] for k in range(count)})
    return fonts


def test_save_figure_embeds_pdf_fonts_with_glyphs_and_cmap(scores, sources, tmp_path):
    ax = plot_trend(scores, index="PAR", level="department")
    files = save_figure(
        ax, tmp_path / "t", title="T", caption="C", source=sources, formats=("pdf",)
    )
    plt.close(ax.figure)
    fonts = _embedded_font_tables(files.pdf.read_bytes())
    assert fonts and all(b"glyf" in tags and b"cmap" in tags for tags in fonts)  # text copies


def test_save_figure_checks_the_labels_as_the_png_draws_them(tmp_path):
    fig, axes = plt.subplots(2, 1, layout="constrained")
    for k, ax in enumerate(axes):
        ax.plot([1, 2], [k, k + 1], label=f"line {k}")
    fig.legend(loc="outside lower center", ncol=2)  # anchored to the figure: a crop moves it
    files = save_figure(
        fig,
        tmp_path / "legend",
        title="t",
        caption="c",
        source="Nguồn: một dòng nguồn dài " * 4,
        synthetic=True,
        formats=["png"],
        dpi=60,
    )
    layout = read_sidecar(files.json)["layout"]
    assert layout["overlaps"] == [] and layout["fits_a4"]
    assert layout["width_px"] <= 2480 and layout["height_px"] <= 3508


def test_figure_data_csv_is_excel_safe(tmp_path):
    fig, ax = plt.subplots()
    ax.plot([2020, 2021], [1, 2])
    data = pd.DataFrame({"unit": ['=HYPERLINK("x")', "Sở Y tế"], "score": [-1.5, 2.0]})
    files = save_figure(
        fig, tmp_path / "t", title="T", caption="C", source="S", formats=["png"], dpi=30, data=data
    )
    text = files.csv.read_text(encoding="utf-8-sig")
    assert text == '"unit","score"\n"\'=HYPERLINK(""x"")",-1.5\n"Sở Y tế",2\n'
    assert (
        read_sidecar(files.json)["data_hash"]
        == hashlib.sha256(files.csv.read_bytes()).hexdigest()[:16]
    )
