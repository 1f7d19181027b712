"""The HTML report of `hamta score --report`: contents, escaping, self-containment, and a real browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import dump_dom, png_size, require_browser, screenshot

from hamta.cli import main
from hamta.eval.inputs import load_eval_data
from hamta.eval.report import largest_differences, length_buckets, render_report
from hamta.eval.scoring import score_systems

REF = [
    "The minister arrived in Baghdad on Monday for a two-day visit.",
    "He met his Iraqi counterpart and discussed telecom cooperation.",
    "Both sides signed a memorandum of understanding.",
    "The agreement covers fibre-optic links and mobile networks.",
    "Officials said the next meeting would be held in Tehran.",
    "Prices rose by 3 percent in the last quarter, the report said.",
]
SRC = [f"جمله {i} « نقل قول »" for i in range(len(REF))]
DOCS = ["d1", "d1", "d1", "d2", "d2", "d2"]
EVIL = "<script>alert('x')</script> & <b>bold</b>"


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture()
def report_inputs(tmp_path: Path) -> dict:
    ref = _write(tmp_path / "ref.en", REF)
    src = _write(tmp_path / "src.fa", SRC)
    ids = _write(tmp_path / "ids", DOCS)
    base = _write(tmp_path / "base.en", [r.replace("the", "a") for r in REF])
    new = _write(tmp_path / "new<sys>.en", [EVIL if i == 2 else r for i, r in enumerate(REF)])
    return {"ref": ref, "src": src, "ids": ids, "systems": [base, new], "dir": tmp_path}


def test_length_buckets() -> None:
    assert length_buckets([1, 10, 11, 45, 20, 0]) == [("1-10", [0, 1, 5]), ("11-20", [2, 4]), ("41+", [3])]


def test_report_contents_and_escaping(report_inputs: dict) -> None:
    data = load_eval_data(
        report_inputs["ref"],
        report_inputs["systems"],
        docids=report_inputs["ids"],
        source=report_inputs["src"],
    )
    result = score_systems(
        data.references,
        {s.name: s.hypotheses for s in data.systems},
        metrics=["bleu", "chrf", "ter"],
        docs=data.docs,
        sentence_scores=True,
        n_bootstrap=50,
        n_ar=50,
    )
    html = render_report(data, result, notes=["a note with <tags>"])
    # every section is there
    for section in (
        "summary-table",
        "dataset-table",
        "systems-table",
        "documents-table",
        "histograms",
        "buckets-table",
        "differences",
    ):
        assert f'id="{section}"' in html
    # scores, CIs and p-values as computed
    bleu_new = result.get("new<sys>.en", "bleu")
    assert f"{bleu_new.score:.2f}" in html
    assert f"{bleu_new.ci.mean:.2f} &plusmn; {bleu_new.ci.halfwidth:.2f}" in html
    assert f"p<sub>ar</sub> = {bleu_new.paired_ar.p_value:.4f}" in html
    # the segment where the systems differ most is the one with the markup, shown as text
    diffs = largest_differences(data, result, "chrf")
    assert diffs[0].seg == 2
    assert "<script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "new&lt;sys&gt;.en" in html and "a note with &lt;tags&gt;" in html
    assert "« نقل قول »" in html  # the source is shown with the differences
    # self-contained: plots inline, nothing fetched from anywhere
    assert len(re.findall(r'src="data:image/png;base64,', html)) == 3
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', html)
    assert "url(" not in html and "@import" not in html


def test_report_from_cli_renders_in_headless_chromium(report_inputs: dict, capsys) -> None:
    d = report_inputs["dir"]
    out = d / "out"
    args = [
        "score",
        "-r",
        str(report_inputs["ref"]),
        *map(str, report_inputs["systems"]),
        "--docids",
        str(report_inputs["ids"]),
        "--source",
        str(report_inputs["src"]),
        "--report",
        str(out),
        "--confidence-n",
        "50",
        "--paired-ar-n",
        "50",
    ]
    assert main(args) == 0
    assert "report written to" in capsys.readouterr().err
    html_path = out / "report.html"
    assert html_path.is_file()
    require_browser()
    dom = dump_dom(html_path)
    assert 'id="summary-table"' in dom
    assert "<script" not in dom.lower()  # the hypothesis with a script tag stayed text
    # the rendered table has one row per system with the scores the CLI computed
    assert dom.count("<tr") >= 10
    png = screenshot(html_path, d / "report.png", 1280, 1600)
    assert png_size(png) == (1280, 1600)
    assert png.stat().st_size > 20_000  # a blank page compresses to a few kB; this one has plots and tables
