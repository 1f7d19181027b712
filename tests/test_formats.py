"""Every writer against docs/formats.md: each JSONL record has every field of its kind, in order."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from hamta.cli import main
from hamta.records import META_FIELDS

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def documented(section: str) -> list[str]:
    """The field names of a section's table in docs/formats.md (rows that start with "| `name`")."""
    text = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z_]+)`", body, flags=re.MULTILINE)


@pytest.fixture(scope="module")
def run_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("formats") / "out"
    assert main(["-q", "run", str(SEEDS), "--translations", str(SEEDS / "reference"), "-o", str(out)]) == 0
    return out


def test_sentence_records_of_run_have_every_field_in_order(run_out: Path) -> None:
    fields = documented("Sentence records (`X.jsonl`, `hamta split -f jsonl`)")
    assert fields[:3] == ["doc", "idx", "text"] and set(META_FIELDS) <= set(fields)
    for path in sorted(run_out.glob("0*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            assert list(record) == fields, path
            assert isinstance(record["en"], str) and isinstance(record["flags"], list)


def test_split_jsonl_has_every_field_with_manifest_metadata(capsys) -> None:
    fields = documented("Sentence records (`X.jsonl`, `hamta split -f jsonl`)")
    assert main(["split", "-f", "jsonl", str(SEEDS / "001_4fe6c4b4a26e7727.txt")]) == 0
    records = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert records and all(list(r) == fields for r in records)
    assert all(r["en"] == "" for r in records)
    assert {r["date"] for r in records} == {"2015-10-28"}  # from seeds/manifest.tsv
    assert {r["outlet"] for r in records} == {"Shia News (شیعه نیوز), citing IRNA"}
    assert {r["url"] for r in records} == {None}


def test_links_jsonl_and_tsv(run_out: Path) -> None:
    fields = documented("Links (`links.jsonl`, `links.tsv`)")
    links = [json.loads(x) for x in (run_out / "links.jsonl").read_text(encoding="utf-8").splitlines()]
    assert links and all(list(link) == fields for link in links)
    header = (run_out / "links.tsv").read_text(encoding="utf-8").splitlines()[0].split("\t")
    assert header == [f for f in fields if f != "evidence"]


def test_coverage_json_keys(run_out: Path) -> None:
    data = json.loads((run_out / "coverage.json").read_text(encoding="utf-8"))
    assert set(data) == set(documented("coverage.json"))
    for doc in data["documents"]:
        assert set(META_FIELDS) <= set(doc)
        assert {"doc", "content_sentences", "translated_sentences", "unique_sentences", "event"} <= set(doc)
    for decision in data["event_decisions"]:
        assert list(decision) == ["doc_a", "doc_b", "same_event", "score", "reasons"]


def test_facts_csv_opens_as_a_spreadsheet_table(run_out: Path) -> None:
    raw = (run_out / "facts.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read the Arabic script as UTF-8
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert list(rows[0]) == documented("facts.csv")
    coverage = json.loads((run_out / "coverage.json").read_text(encoding="utf-8"))
    in_events = sum(len(v) for e in coverage["events"] for f in e["facts"] for v in f["sentences"].values())
    in_events += sum(len(v) for e in coverage["events"] for v in e["unique_facts"].values())
    assert len(rows) == in_events
    assert {r["outlet"] for r in rows if r["doc"] == "001_4fe6c4b4a26e7727"} == {
        "Shia News (شیعه نیوز), citing IRNA"}
    assert all(r["sentence"] and r["english"] for r in rows)


def test_translate_writer_has_every_field(tmp_path: Path) -> None:
    from hamta.records import Document
    from hamta.segment import segment_document
    from hamta.translate.job import write_document

    doc = Document("x", "Hello there. How are you?", outlet="Daily", date="2021-05-06")
    records = segment_document(doc, "en")
    write_document(tmp_path, "x", [records[0].with_translation("Hi."), records[1]])
    rows = [json.loads(x) for x in (tmp_path / "x.jsonl").read_text("utf-8").splitlines()]
    assert [list(r) for r in rows] == [documented("Sentence records (`X.jsonl`, `hamta split -f jsonl`)")] * 2
    assert [r["en"] for r in rows] == ["Hi.", ""] and {r["outlet"] for r in rows} == {"Daily"}


def test_align_jsonl_beads(tmp_path: Path, capsys) -> None:
    src, tgt = tmp_path / "a.txt", tmp_path / "b.txt"
    src.write_text("One cat sat.\nTwo dogs ran.\n", encoding="utf-8")
    tgt.write_text("One cat sat.\nTwo dogs ran.\n", encoding="utf-8")
    assert main(["-q", "align", str(src), str(tgt), "-f", "jsonl"]) == 0
    beads = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert beads and all(list(b) == documented("Beads (`hamta align -f jsonl`)") for b in beads)


def test_score_segments_have_every_field(tmp_path: Path) -> None:
    ref, hyp = tmp_path / "ref.en", tmp_path / "sys.en"
    ref.write_text("the cat sat on the mat\na dog ran\n", encoding="utf-8")
    hyp.write_text("the cat sat on a mat\na dog ran\n", encoding="utf-8")
    out = tmp_path / "seg.jsonl"
    assert main(["-q", "score", "-r", str(ref), str(hyp), "--segments", str(out)]) == 0
    fields = documented("Segment scores (`hamta score --segments FILE.jsonl`)")
    rows = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert len(rows) == 2 and all(list(r)[: len(fields)] == fields for r in rows)
    assert all(r["doc"] is None and len(r) > len(fields) for r in rows)  # metric keys follow
