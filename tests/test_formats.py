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
