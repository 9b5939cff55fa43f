"""Hostile text: names, sources and parameters that try to run code or inject markup.

Raw tables and ``dataset.yaml`` come from outside (downloaded spreadsheets, pasted
titles), and so do report parameters. Every test here checks three things: no code
runs (a canary file is never created), every output stays under its output folder,
and every HTML page (``codebook.html``, ``report.html``, ``reports/index.html``) shows
the text escaped, while the data files keep it verbatim.
"""

from __future__ import annotations

import ast
import json
import shutil
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from parlib.cli import main
from parlib.errors import ConfigError
from parlib.pipeline import clean_all
from parlib.reports import read_reports_config, run_reports, slugify_report
from parlib.text import clean_text
from parlib.viz.figures import slugify

REPO = Path(__file__).resolve().parents[1]
CANARY_NAME = "pwned"


def payloads(canary: Path) -> list[str]:
    """Strings that would run code or inject markup if parlib mishandled them."""
    return [
        "</script><script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "{{ 7*7 }} {% for x in range(3) %}x{% endfor %}",
        f"$(touch {canary})",
        f"`touch {canary}`",
        f"'); import os; os.system('touch {canary}')#",
        f'"); import os; os.system("touch {canary}")#',
        f'"""\nimport os; os.system(\'touch {canary}\')\n"""',
        "Sở \"Trích dẫn\" và 'nháy đơn' & <b>đậm</b>",
        "dòng một\ndòng hai",
        "../../../etc/passwd",
        "..\\..\\windows\\system32",
        "javascript:alert(1)",
        "\u202eRTL override\u202c",
    ]


MARKUP = ("<script", "</script", "<img", "onerror=", "<b>")


class _Tags(HTMLParser):
    """Collect the tags, attributes and links of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)


def parse(html: str) -> _Tags:
    tags = _Tags()
    tags.feed(html)
    return tags


def assert_no_injected_markup(html: str) -> None:
    """No hostile tag, event handler or javascript: link made it into the page as markup."""
    tags = parse(html)
    assert "img" not in tags.tags or all(name != "onerror" for name, _ in tags.attrs), (
        "an <img onerror> was injected"
    )
    assert not any(name.startswith("on") for name, _ in tags.attrs), "an event handler attribute"
    assert not any(
        name in ("href", "src") and (value or "").strip().lower().startswith("javascript:")
        for name, value in tags.attrs
    ), "a javascript: link"
    for text in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<b>đậm</b>"):
        assert text not in html


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


# ----------------------------------------------------------------------------- clean


@pytest.fixture
def hostile_raw(tmp_path, monkeypatch) -> tuple[Path, Path, list[str]]:
    """A dataset whose units, notes, file name and dataset.yaml are all hostile text."""
    monkeypatch.chdir(tmp_path)
    canary = tmp_path / CANARY_NAME
    texts = payloads(canary)
    folder = tmp_path / "raw" / "hostile"
    folder.mkdir(parents=True)
    fname = "x$(touch pwned)'<img src=x onerror=alert(1)>.csv"
    rows = [
        {
            "Tên đơn vị": text,
            "Năm": year,
            "Điểm": f"{80 + i + year - 2021},5",
            "Ghi chú": texts[-1 - i],
        }
        for year in (2021, 2022)
        for i, text in enumerate(texts)
    ]
    pd.DataFrame(rows).to_csv(folder / fname, index=False, encoding="utf-8")
    title, description, url = texts[0], texts[5], "javascript:alert(1)"
    config = {
        "title": title,
        "kind": "compiled",
        "license": texts[1],
        "description": description,
        "sources": [
            {
                "id": "s1",
                "title": texts[2],
                "publisher": texts[3],
                "date": "2022-09-20",
                "url": url,
                "document": texts[4],
                "notes": texts[6],
            },
            {
                "id": "s2",
                "title": texts[1],
                "publisher": texts[0],
                "date": "2022",
                "url": 'https://example.org/?q=<script>alert(1)</script>&x="y"',
            },
        ],
        "files": [
            {
                "path": fname,
                "source": "s1",
                "index": "PAR",
                "province": "Bến Tre",
                "level": "department",
                "notes": texts[7],
            }
        ],
    }
    (folder / "dataset.yaml").write_text(
        yaml.safe_dump(config, allow_unicode=True), encoding="utf-8"
    )
    return tmp_path, canary, texts


def test_clean_runs_no_code_and_keeps_hostile_text_verbatim(hostile_raw, capsys):
    root, canary, texts = hostile_raw
    before = files_under(root / "raw")
    assert main(["clean", "--raw", "raw", "--out", "out", "--no-progress"]) == 0
    assert not canary.exists() and not list(root.rglob(CANARY_NAME))
    assert files_under(root / "raw") == before  # nothing written next to the raw files
    created = files_under(root) - before - {root / "raw"}
    assert all(p == root / "out" or (root / "out") in p.parents for p in created), created
    scores = pd.read_parquet(root / "out" / "hostile" / "scores.parquet")
    assert set(scores["unit"]) == {clean_text(t) for t in texts}  # data is data, kept as text
    assert len(scores) == 2 * len(texts)
    sources = pd.read_csv(root / "out" / "hostile" / "sources.csv", dtype=str)
    assert sources.loc[0, "url"] == "javascript:alert(1)"


def test_codebook_escapes_titles_sources_and_links(hostile_raw):
    root, canary, _texts = hostile_raw
    clean_all(root / "raw", root / "out", progress=False)
    html = (root / "out" / "hostile" / "codebook.html").read_text(encoding="utf-8")
    assert_no_injected_markup(html)
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the title
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # the licence
    assert "{{ 7*7 }}" in html and "49" not in html  # shown as text, never evaluated
    tags = parse(html)
    links = [value for name, value in tags.attrs if name == "href"]
    assert links and all(link.startswith(("https://", "http://", "#")) for link in links)
    assert not canary.exists()


def test_hostile_dataset_and_folder_names_are_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("x$(touch pwned)", "<script>", "..."):
        bad = tmp_path / "raw" / name
        bad.mkdir(parents=True)
        (bad / "dataset.yaml").write_text("title: x\n", encoding="utf-8")
        with pytest.raises(ConfigError, match="not a slug"):
            clean_all(tmp_path / "raw", tmp_path / "out", progress=False)
        shutil.rmtree(bad)
    with pytest.raises(ConfigError):
        clean_all(tmp_path / "raw", tmp_path / "out", datasets=["../../etc"], progress=False)
    assert not (tmp_path / CANARY_NAME).exists()
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


HOSTILE = st.one_of(
    st.sampled_from(payloads(Path("/tmp") / CANARY_NAME)),
    st.text(max_size=80),
    st.text(alphabet="./\\:~$`'\"<>{}%|&;*?", max_size=30),
)


@settings(max_examples=100, deadline=None)
@given(HOSTILE)
def test_slugs_are_safe_names_inside_their_folder(text):
    base = Path("/srv/reports/demo")
    for slug in (slugify(text), slugify_report(text) or "default"):
        assert slug and set(slug) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
        assert slug not in (".", "..") and not slug.startswith("-")
        assert (base / slug).resolve().parent == base.resolve()


# ----------------------------------------------------------------------------- reports

NOTEBOOK_REPORTS = """
timeout: 300
datasets:
  hostile:
    reports:
      - notebook: trend
        slug: units
        title: {title}
        parameters: {{level: department, provinces: [Bến Tre]}}
      - notebook: trend
        slug: bad-index
        parameters: {{level: department, index: {index}, unit_type: {unit_type}}}
"""


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory):
    """A tiny project: hostile clean data, a hostile title and hostile parameters, built once."""
    root = tmp_path_factory.mktemp("hostile-project")
    canary = root / CANARY_NAME
    texts = payloads(canary)
    raw = root / "data" / "raw" / "hostile"
    raw.mkdir(parents=True)
    units = [t for t in texts if "\n" not in t][:6]
    rows = [
        {"Tên đơn vị": unit, "Năm": year, "Điểm": f"{80 + i * 2 + (year - 2021) * (i - 2)},5"}
        for year in (2021, 2022, 2023)
        for i, unit in enumerate(units)
    ]
    pd.DataFrame(rows).to_csv(raw / "t.csv", index=False, encoding="utf-8")
    (raw / "dataset.yaml").write_text(
        yaml.safe_dump(
            {
                "title": texts[0],
                "kind": "compiled",
                "license": "CC-BY-4.0",
                "sources": [
                    {
                        "id": "s1",
                        "title": texts[1],
                        "publisher": texts[3],
                        "date": "2022-09-20",
                        "url": "javascript:alert(1)",
                    }
                ],
                "files": [
                    {
                        "path": "t.csv",
                        "source": "s1",
                        "index": "PAR",
                        "province": "Bến Tre",
                        "level": "department",
                    }
                ],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    clean_all(root / "data" / "raw", root / "data" / "clean", progress=False)
    (root / "notebooks").mkdir()
    shutil.copy(REPO / "notebooks" / "trend.ipynb", root / "notebooks")
    config = NOTEBOOK_REPORTS.format(
        title=json.dumps(texts[0] + " " + texts[1]),
        index=json.dumps(texts[5]),
        unit_type=json.dumps(texts[7]),
    )
    (root / "reports.yaml").write_text(config, encoding="utf-8")
    summary = run_reports(root=root, jobs=2, progress=False)
    return root, canary, texts, units, summary


@pytest.mark.slow
def test_reports_run_no_code_from_parameters_or_data(hostile_project):
    root, canary, texts, _, summary = hostile_project
    status = {r.id: r.status for r in summary.results}
    assert status == {"hostile/trend/units": "ok", "hostile/trend/bad-index": "failed"}
    assert not canary.exists() and not list(root.rglob(CANARY_NAME))
    # The hostile parameter reached the notebook as the literal string, nothing else.
    failed = root / "reports" / "hostile" / "trend" / "bad-index" / "report.failed.ipynb"
    nb = nbformat.read(failed, as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assigned = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in ast.parse(injected.source).body
        if isinstance(node, ast.Assign)
    }
    assert assigned["index"] == texts[5] and assigned["unit_type"] == texts[7]


@pytest.mark.slow
def test_report_outputs_stay_inside_the_reports_folder(hostile_project):
    root, *_ = hostile_project
    reports = (root / "reports").resolve()
    for path in (root / "reports").rglob("*"):
        assert path.resolve().is_relative_to(reports)
    outside = {p.relative_to(root).parts[0] for p in root.iterdir()}
    assert outside <= {"data", "notebooks", "reports", "reports.yaml"}, outside


@pytest.mark.slow
def test_reports_index_escapes_titles_parameters_and_errors(hostile_project):
    root, _, _texts, _, _ = hostile_project
    html = (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert_no_injected_markup(html)
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the title
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "import os; os.system(" in html  # the failing parameter is shown, as text


@pytest.mark.slow
def test_report_page_title_is_escaped(hostile_project):
    root, *_ = hostile_project
    html = (root / "reports" / "hostile" / "trend" / "units" / "report.html").read_text(
        encoding="utf-8"
    )
    head = html.split("</head>", 1)[0]
    assert "<title>" in head and "<script>alert(1)" not in head and "<img src=x" not in head


@pytest.mark.slow
def test_report_page_shows_unit_names_escaped(hostile_project):
    root, _, _, _units, _ = hostile_project
    html = (root / "reports" / "hostile" / "trend" / "units" / "report.html").read_text(
        encoding="utf-8"
    )
    body = html.split("<body", 1)[1]
    assert_no_injected_markup(body)
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


def test_unit_names_with_dollar_signs_do_not_break_figures(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from parlib.viz import trend_plots

    rows = [
        {
            "dataset": "d",
            "province_code": "83",
            "province": "Bến Tre",
            "province_code_2025": "86",
            "province_2025": "Vĩnh Long",
            "year": year,
            "level": "department",
            "unit": unit,
            "unit_type": None,
            "index": "PAR",
            "component": "total",
            "score": 80.0 + i + year - 2021,
            "scale_max": 100.0,
            "rank": None,
            "n_units": None,
            "synthetic": False,
        }
        for i, unit in enumerate(["Sở $\\undefined$ A", "Sở B $x^$", "Sở C"])
        for year in (2021, 2022)
    ]
    ax = trend_plots.plot_trend(
        pd.DataFrame(rows), index="PAR", component="total", level="department"
    )
    ax.figure.savefig(tmp_path / "trend.png")


def test_hostile_report_configuration_is_refused_before_anything_runs(tmp_path):
    (tmp_path / "notebooks").mkdir()
    shutil.copy(REPO / "notebooks" / "trend.ipynb", tmp_path / "notebooks")
    bad = {
        "slug: ../../outside": "a slug must be ASCII words",
        'slug: "x$(touch pwned)"': "a slug must be ASCII words",
        "notebook: ../notebooks/trend": None,
    }
    for line, message in bad.items():
        key, value = line.split(": ", 1)
        entry = {"notebook": "trend", key: yaml.safe_load(value)}
        text = yaml.safe_dump({"datasets": {"demo": {"reports": [entry]}}})
        (tmp_path / "reports.yaml").write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError, match=message or "notebook"):
            read_reports_config(tmp_path / "reports.yaml")
    (tmp_path / "reports.yaml").write_text(
        yaml.safe_dump({"datasets": {"../../x": {"reports": [{"notebook": "trend"}]}}}),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="must be a slug"):
        read_reports_config(tmp_path / "reports.yaml")
    title = payloads(tmp_path / CANARY_NAME)[0] + " ../../"
    (tmp_path / "reports.yaml").write_text(
        yaml.safe_dump(
            {"datasets": {"demo": {"reports": [{"notebook": "trend", "title": title}]}}},
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    spec = read_reports_config(tmp_path / "reports.yaml").reports[0]
    assert spec.slug == "script-script-alert-1-script"
    assert not (tmp_path / CANARY_NAME).exists()


def test_text_in_messages_is_one_paragraph(tmp_path):
    """A hostile value in an error message cannot forge extra lines of output."""
    folder = tmp_path / "raw" / "ds"
    folder.mkdir(parents=True)
    (folder / "t.csv").write_text("Tên đơn vị,Điểm\nSở Nội vụ,90\n", encoding="utf-8")
    (folder / "dataset.yaml").write_text(
        yaml.safe_dump(
            {
                "title": "t",
                "kind": "compiled",
                "license": "x",
                "sources": [{"id": "s1", "title": "t", "publisher": "p", "date": "2022"}],
                "files": [{"path": "t.csv", "source": "s1\nparlib clean: ok, 0 rows quarantined"}],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        clean_all(tmp_path / "raw", tmp_path / "out", progress=False)
    assert "\n" not in str(info.value) and "\\n" in str(info.value)
    assert unicodedata.is_normalized("NFC", str(info.value))
