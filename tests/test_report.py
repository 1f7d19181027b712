"""The coverage report and its view: events from the linker's decisions, fact × outlet tables, flags."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from hamta.align.base import Link
from hamta.align.coverage import CoverageResult, FactCluster, write_coverage
from hamta.align.report import render_report
from hamta.align.view import coverage_view
from hamta.records import Sentence

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class EventDecision:
    """What the linker's per-pair decision carries (INTERFACES.md); built here, not imported."""

    doc_a: str
    doc_b: str
    same_event: bool
    score: float
    reasons: tuple[str, ...]


def sentence(doc: str, idx: int, text: str, en: str, **extra) -> Sentence:
    meta = {"outlet": f"Outlet {doc.upper()}", "date": f"2020-01-0{ord(doc) - 96}", "title": f"Title {doc}"}
    return Sentence(doc, idx, text, 0, len(text), "fa", en=en, **{**meta, **extra})


def result_with(decisions: list[EventDecision]) -> CoverageResult:
    records = [
        sentence("a", 0, "وزیر به بغداد رفت", "The minister went to Baghdad."),
        sentence("a", 1, "قرارداد امضا شد", "A contract was signed.", flags=("number_mismatch",)),
        sentence("a", 2, "<script>alert(1)</script>", "Only a says this."),
        sentence("b", 0, "وزیر در بغداد است", "The minister is in Baghdad."),
        sentence("b", 1, "قرارداد", "The contract.", boilerplate=False),
        sentence("c", 0, "وزیر در بغداد بود", "The minister was in Baghdad."),
        sentence("d", 0, "خبر دیگر", "Another story.", flags=("untranslated",)),
    ]
    links = (Link("a", 0, "b", 0, 1.5, ("name:Baghdad",)), Link("a", 0, "c", 0, 1.4),
             Link("a", 1, "b", 1, 1.3))
    clusters = (FactCluster(0, (("a", 0), ("b", 0), ("c", 0))), FactCluster(1, (("a", 1), ("b", 1))))
    docs = ("a", "b", "c", "d")
    result = CoverageResult(
        docs=docs, records=tuple(records), links=links, events=(), clusters=clusters,
        coverage={x: {y: 1.0 if x == y else 0.5 for y in docs} for x in docs},
        unique={"a": (2,), "b": (), "c": (), "d": (0,)}, content_counts={"a": 3, "b": 2, "c": 1, "d": 1},
        signature="test",
    )
    object.__setattr__(result, "event_decisions", decisions)  # as the linker's CoverageResult will carry
    return result


DECISIONS = [
    EventDecision("a", "b", True, 0.9, ("actor: the minister", "place: Baghdad")),
    EventDecision("b", "c", True, 0.8, ("same day",)),
    EventDecision("a", "d", False, 0.4, ("dates differ: 2020-01-01 vs 2020-01-04",)),
    EventDecision("c", "d", False, 0.0, ()),
]


def test_events_are_components_of_same_event_decisions() -> None:
    view = coverage_view(result_with(DECISIONS))
    assert [e.docs for e in view.events] == [("a", "b", "c")]
    event = view.events[0]
    assert [f.fact for f in event.facts] == [0, 1]
    assert event.facts[1].cells == {"a": (1,), "b": (1,)}  # c did not report fact 1: no key
    assert event.unique == {"a": (2,), "b": (), "c": ()}
    assert [(d.doc_a, d.doc_b) for d in event.evidence] == [("a", "b"), ("b", "c")]
    assert [(d.doc_a, d.doc_b, d.reasons) for d in view.lookalikes] == [
        ("a", "d", ("dates differ: 2020-01-01 vs 2020-01-04",))]
    assert view.articles["d"].event is None and view.articles["a"].event == 0
    assert view.articles["a"].outlet == "Outlet A" and view.articles["a"].date == "2020-01-01"


def test_without_decisions_linked_documents_are_one_event() -> None:
    result = result_with([])
    view = coverage_view(result)
    assert [e.docs for e in view.events] == [("a", "b", "c")]
    assert view.decisions == () and view.events[0].evidence == ()


def test_report_fact_table_each_sentence_once_and_escaped() -> None:
    html = render_report(result_with(DECISIONS))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    event = html.split('id="event-0"', 1)[1].split("</section>", 1)[0]
    facts = event.split("Who reported what", 1)[1].split("Reported by one outlet only", 1)[0]
    for text in ("وزیر به بغداد رفت", "قرارداد امضا شد", "وزیر در بغداد است", "وزیر در بغداد بود"):
        assert facts.count(f">{text}<") == 1
    assert facts.count('class="missing"') == 1  # c did not report the contract
    assert re.search(r"<th[^>]*>.*Outlet C", facts)
    assert "actor: the minister" in event and "same day" in event
    kept = html.split('id="kept-apart"', 1)[1].split("</ul>", 1)[0]
    assert "dates differ: 2020-01-01 vs 2020-01-04" in kept and "Outlet D" in kept
    assert 'dir="rtl"' in facts and 'lang="fa"' in facts
    assert 'title="Title a · 2020-01-01 · id a"' in html  # the id on hover


def test_report_flag_filter_lists_every_flag_with_counts() -> None:
    html = render_report(result_with(DECISIONS))
    options = re.findall(r'<option value="([a-z_]+)">\1 \((\d+)\)</option>', html)
    assert options == [("number_mismatch", "1"), ("untranslated", "1")]
    assert 'data-flags="number_mismatch"' in html and '<span class="flag">untranslated</span>' in html


def test_no_flag_no_filter() -> None:
    result = result_with(DECISIONS)
    plain = replace(result, records=tuple(replace(r, flags=()) for r in result.records))
    assert 'id="flag-filter"' not in render_report(plain)


def test_facts_csv_rows_per_event(tmp_path) -> None:
    write_coverage(result_with(DECISIONS), tmp_path)
    rows = list(csv.DictReader((tmp_path / "facts.csv").read_text("utf-8-sig").splitlines()))
    assert [(r["event"], r["fact"], r["doc"], r["idx"]) for r in rows] == [
        ("0", "0", "a", "0"), ("0", "0", "b", "0"), ("0", "0", "c", "0"),
        ("0", "1", "a", "1"), ("0", "1", "b", "1"), ("0", "only", "a", "2")]
    assert rows[0]["outlet"] == "Outlet A" and rows[0]["english"] == "The minister went to Baghdad."
    assert rows[3]["flags"] == "number_mismatch"


@pytest.mark.parametrize("width", [1400, 900])
def test_seeds_report_in_chromium_at_both_widths(tmp_path, width) -> None:
    browser = pytest.importorskip("browser", reason="tests/browser.py helper not importable")
    browser.require_browser()
    from hamta.cli import main

    out = tmp_path / "out"
    assert main(["-q", "run", str(ROOT / "seeds"), "--translations", str(ROOT / "seeds" / "reference"),
                 "-o", str(out)]) == 0
    dom = browser.dump_dom(out / "report.html")
    assert re.search(r'id="n-docs">5<', dom) and re.search(r'id="n-events">1<', dom)
    translated = re.findall(r'class="n-translated">(\d+)<', dom)
    assert translated == ["18", "13", "15", "15", "12"]  # as the terminal table's "translated" column
    png = browser.screenshot(out / "report.html", tmp_path / f"report-{width}.png", width, 1200)
    assert browser.png_size(png) == (width, 1200)


def test_flag_filter_runs_in_chromium(tmp_path) -> None:
    browser = pytest.importorskip("browser", reason="tests/browser.py helper not importable")
    browser.require_browser()
    page = tmp_path / "report.html"
    page.write_text(render_report(result_with(DECISIONS)), encoding="utf-8")
    proc = browser._run(["--dump-dom", page.resolve().as_uri() + "#flag=number_mismatch"])
    dom = proc.stdout
    assert '<body class="filtering">' in dom
    matched = re.findall(r'<div class="s[^"]*\bmatch\b[^"]*"[^>]*data-flags="([^"]*)"', dom)
    assert matched and all("number_mismatch" in flags for flags in matched)
    rows = re.findall(r'<tr class="sent-row( match)?">', dom)
    assert rows.count(" match") == 1 and len(rows) == 7  # only a's flagged sentence stays visible
