"""Coverage: fact clusters, the coverage matrix, output files, the HTML report, the CLI, the seeds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hamta.align.base import Link
from hamta.align.coverage import compare_coverage, coverage_matrix, fact_clusters, write_coverage
from hamta.cli import main
from hamta.records import Sentence, write_records
from hamta.translations import load_reference_records

ROOT = Path(__file__).resolve().parents[1]
SEED_A, SEED_B = "000_c9f47b2442972326", "001_4fe6c4b4a26e7727"


def rec(doc: str, idx: int, en: str, *, text: str | None = None, boilerplate: bool = False) -> Sentence:
    text = text if text is not None else en  # an English article: the original is its own "translation"
    return Sentence(doc, idx, text, 0, len(text), "en", boilerplate=boilerplate, en=en)


def visit(doc: str, extra: str, *, text0: str | None = None) -> list[Sentence]:
    return [
        rec(doc, 0, "Foreign minister Karim Tavassoli arrived in Baghdad for an official visit.", text=text0),
        rec(doc, 1, "Tavassoli and Jafar al-Mosawi signed an electricity memorandum worth 750 million "
            "dollars."),
        rec(doc, 2, "Tavassoli said a power line would be built across the border near Mehran."),
        rec(doc, 3, extra),
        rec(doc, 4, "News code: 4411", boilerplate=True),
    ]


def test_fact_clusters_are_connected_components() -> None:
    links = [Link("a", 1, "b", 1, 2.0), Link("b", 1, "c", 4, 2.0), Link("a", 7, "c", 0, 2.0)]
    clusters = fact_clusters(links)
    assert [c.members for c in clusters] == [(("a", 1), ("b", 1), ("c", 4)), (("a", 7), ("c", 0))]
    assert clusters[0].docs == ("a", "b", "c")
    assert fact_clusters([]) == []


def test_coverage_matrix_shares() -> None:
    content = {"a": {0, 1, 2, 3}, "b": {0, 1}, "c": set()}
    links = [Link("a", 0, "b", 0, 2.0), Link("a", 1, "b", 0, 2.0)]
    m = coverage_matrix(content, links)
    assert m["a"]["b"] == pytest.approx(0.5)  # 2 of a's 4 sentences are in b
    assert m["b"]["a"] == pytest.approx(0.5)  # 1 of b's 2 sentences is in a
    assert m["a"]["c"] == 0.0 and m["c"]["a"] == 0.0 and m["c"]["c"] == 0.0
    assert m["a"]["a"] == 1.0


def test_compare_and_write_coverage(tmp_path: Path) -> None:
    records = (visit("a", "Tavassoli also laid a wreath at the war memorial in the city centre.")
               + visit("b", "The Iraqi side praised growing trade between the two neighbours.",
                       text0="<script>alert('x')</script> & <b>bold</b>"))
    result = compare_coverage(records)
    assert result.same_event_pairs() == [("a", "b")]
    assert result.content_counts == {"a": 4, "b": 4}
    linked_a = {lk.idx_a for lk in result.links}
    assert {1, 2} <= linked_a and 4 not in linked_a
    assert 3 in result.unique["a"] and 3 in result.unique["b"]
    assert result.coverage["a"]["b"] == pytest.approx(len(linked_a) / 4)

    paths = write_coverage(result, tmp_path / "out")
    names = sorted(p.name for p in paths)
    assert names == ["coverage.json", "facts.csv", "links.jsonl", "links.tsv", "report.html"]
    tsv = (tmp_path / "out" / "links.tsv").read_text(encoding="utf-8").splitlines()
    assert tsv[0] == "doc_a\tidx_a\tdoc_b\tidx_b\tscore"
    rows = [line.split("\t") for line in tsv[1:]]
    assert len(rows) == len(result.links) and all(r[0] < r[2] for r in rows)
    jl = [json.loads(x) for x in (tmp_path / "out" / "links.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(set(j) == {"doc_a", "idx_a", "doc_b", "idx_b", "score", "evidence"} for j in jl)
    cov = json.loads((tmp_path / "out" / "coverage.json").read_text(encoding="utf-8"))
    assert cov["coverage"]["docs"] == ["a", "b"]
    assert cov["same_event"][0]["doc_a"] == "a"
    assert cov["unique_facts"]["a"] == list(result.unique["a"])

    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert(" in html
    assert "<b>bold</b>" not in html
    assert len(re.findall(r"<script>", html)) == 1  # only the report's own hover script
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)  # self-contained
    assert "Content-Security-Policy" in html
    assert f'<span id="n-links">{len(result.links)}</span>' in html


def test_duplicate_records_are_one_clear_error() -> None:
    with pytest.raises(Exception, match="duplicate record: document 'a'"):
        compare_coverage([rec("a", 0, "x"), rec("a", 0, "y")])


def test_single_document_gives_empty_coverage(tmp_path: Path) -> None:
    result = compare_coverage(visit("a", "Something else happened."))
    assert result.links == () and result.clusters == ()
    assert result.unique["a"] == (0, 1, 2, 3)
    write_coverage(result, tmp_path)
    assert (tmp_path / "report.html").is_file()


def test_cli_coverage(tmp_path: Path, capsys) -> None:
    write_records(tmp_path / "in" / "a.jsonl", visit("a", "Tavassoli laid a wreath."))
    write_records(tmp_path / "in" / "b.jsonl", visit("b", "Trade between the neighbours grows."))
    (tmp_path / "in" / "empty.jsonl").write_text("", encoding="utf-8")  # an empty document file is fine
    assert main(["-q", "coverage", str(tmp_path / "in"), "-o", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "report.html").is_file()
    assert "links.tsv" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: None, "no such file or folder"),
        (lambda d: d.mkdir(), "no .jsonl record files"),
        (lambda d: d.write_text("{not json\n", encoding="utf-8"), "not valid JSON"),
        (lambda d: d.write_text('{"doc": "a"}\n', encoding="utf-8"), "missing field"),
        (lambda d: d.write_text("", encoding="utf-8"), "no sentence records"),
    ],
)
def test_cli_bad_inputs_are_one_line(tmp_path: Path, capsys, setup, message) -> None:
    target = tmp_path / "docs.jsonl"
    setup(target)
    assert main(["coverage", str(target), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("hamta: error:") and message in err[0]


def test_seeds_reference_records_show_the_shared_visit(tmp_path: Path) -> None:
    records = load_reference_records(ROOT / "seeds", ROOT / "seeds" / "reference")
    assert len({r.doc for r in records}) == 5
    assert all(r.en for r in records)
    result = compare_coverage(records)
    assert result.same_event_pairs() == [(SEED_A, SEED_B)]
    assert result.links and all((lk.doc_a, lk.doc_b) == (SEED_A, SEED_B) for lk in result.links)
    boiler = {(r.doc, r.idx) for r in records if r.boilerplate}
    assert not any((lk.doc_b, lk.idx_b) in boiler for lk in result.links)
    write_coverage(result, tmp_path)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "واعظی" in html and "Vaezi" in html


def test_unlinked_documents_stay_in_the_result_without_links() -> None:
    from hamta.translations import load_reference_records

    records = load_reference_records(ROOT / "seeds", ROOT / "seeds" / "reference")
    linked = compare_coverage(records)
    assert linked.links, "the reference seeds must give links (000-001)"
    first = linked.docs[0]
    result = compare_coverage(records, unlinked=[first])
    assert result.docs == linked.docs
    assert all(first not in (lk.doc_a, lk.doc_b) for lk in result.links)
    assert all(first not in (e.doc_a, e.doc_b) for e in result.events)
    assert all(v == 0.0 for b, v in result.coverage[first].items() if b != first)
    assert len(result.unique[first]) == result.content_counts[first] > 0
