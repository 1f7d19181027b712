"""Article inputs as analysts collect them: saved web pages, JSONL/CSV exports, manifest.tsv metadata."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamta.cli import main
from hamta.errors import InputError
from hamta.io import ExportFields, iso_date, read_documents, read_manifest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "tests" / "fixtures" / "html"
SEEDS = ROOT / "seeds"
REFERENCE = SEEDS / "reference"
SAME_EVENT = ("000_c9f47b2442972326", "001_4fe6c4b4a26e7727")


def seed_lines(stem: str) -> list[str]:
    return [x.strip() for x in (SEEDS / f"{stem}.txt").read_text("utf-8").splitlines() if x.strip()]


@pytest.fixture(scope="module")
def pages() -> dict[str, object]:
    pytest.importorskip("trafilatura")
    return {d.doc: d for d in read_documents([str(PAGES)])}


def test_fixture_pages_are_what_the_generator_makes() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_pages", PAGES / "make_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for seed in sorted(SEEDS.glob("0*.txt")):
        name, data = module.make_page(seed)
        assert (PAGES / name).read_bytes() == data


def test_cp1256_page_declares_and_decodes() -> None:
    raw = (PAGES / "003_a4b7b554dd5e6850.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert b"charset=windows-1256" in raw


def test_pages_give_the_article_text_without_furniture(pages) -> None:
    assert sorted(pages) == sorted(p.stem for p in SEEDS.glob("0*.txt"))
    for doc_id, doc in pages.items():
        lines = seed_lines(doc_id)
        body = " ".join(doc.text.split())
        found = sum(1 for line in lines if " ".join(line.split()) in body)
        assert found >= len(lines) - 2, doc_id  # the article, minus at most a furniture line or two
        for furniture in ("dataLayer", "ads.js", "font-family", "تماس با ما", "اتصل بنا", "نتمنى التنفيذ",
                          "امیدوارم عملی شود", "جميع الحقوق محفوظة", "قیمت دلار"):
            assert furniture not in doc.text, (doc_id, furniture)
        assert "\n\n" in doc.text  # paragraphs kept


def test_pages_give_outlet_title_date_url(pages) -> None:
    shia = pages["001_4fe6c4b4a26e7727"]
    assert shia.outlet == "شیعه نیوز"
    assert shia.title == "اعلام آمادگی ایران برای همکاری با عراق در جنگ نرم علیه داعش"
    assert shia.date == "2015-10-28"
    assert shia.url == "https://shia-news.example/fa/news/103632"
    vefagh = pages["003_a4b7b554dd5e6850"]  # the Windows-1256 page
    assert vefagh.outlet == "الوفاق" and vefagh.title.startswith("طهران وبغداد")
    assert vefagh.date is None  # the page declares none; nothing is guessed


def test_readability_is_the_fallback(monkeypatch) -> None:
    pytest.importorskip("readability")
    from hamta import webpage

    monkeypatch.setattr(webpage, "_with_trafilatura", lambda html, name: None)
    doc = next(iter(read_documents([str(PAGES / "002_9c37bb48d742c947.html")])))
    assert "ستار هاشمي" in doc.text and "dataLayer" not in doc.text
    assert doc.title


def test_page_without_article_is_one_line_error(tmp_path) -> None:
    pytest.importorskip("trafilatura")
    page = tmp_path / "empty.html"
    page.write_text("<html><head><title>x</title></head><body><script>x()</script></body></html>")
    errors: list[InputError] = []
    assert list(read_documents([str(page)], on_error=errors.append)) == []
    assert len(errors) == 1 and str(errors[0]).startswith(f"{page}: ")


def test_manifest_fills_what_files_lack(tmp_path) -> None:
    table = read_manifest(SEEDS / "manifest.tsv")
    assert table["001_4fe6c4b4a26e7727"]["date"] == "2015-10-28"  # not the Solar Hijri 1394-08-06
    assert table["001"] is table["001_4fe6c4b4a26e7727.txt"]
    (tmp_path / "a.txt").write_text("Text one.", encoding="utf-8")
    (tmp_path / "manifest.tsv").write_text("doc\toutlet\tdate\ttitle\turl\na\tDaily\t2020-02-03\tT\thttp://x\n")
    doc = next(iter(read_documents([str(tmp_path)])))
    assert (doc.outlet, doc.date, doc.title, doc.url) == ("Daily", "2020-02-03", "T", "http://x")
    (tmp_path / "manifest.tsv").write_text("outlet\tdate\nDaily\t2020\n")
    with pytest.raises(InputError, match="manifest.tsv:1: manifest header needs a doc, id or file column"):
        list(read_documents([str(tmp_path)]))


@pytest.mark.parametrize(("value", "expected"), [("2015-10-28T15:27:00+03:30", "2015-10-28"),
                                                 ("1394-08-06 (2015-10-28)", "2015-10-28"),
                                                 ("2015-13-01", None), (None, None), ("", None)])
def test_iso_date(value, expected) -> None:
    assert iso_date(value) == expected


def write_export(path: Path, rows: list[dict]) -> None:
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    else:
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def seed_rows() -> list[dict]:
    rows = []
    for seed in sorted(SEEDS.glob("0*.txt")):
        rows.append({"key": seed.stem, "body": seed.read_text("utf-8"), "source": f"Outlet {seed.name[:3]}",
                     "published": "2015-10-28 10:00", "headline": f"Headline {seed.name[:3]}",
                     "link": f"https://example.org/{seed.name[:3]}"})
    return rows


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_exports_with_chosen_fields(tmp_path, suffix) -> None:
    path = tmp_path / f"feed{suffix}"
    write_export(path, seed_rows())
    fields = ExportFields(text="body", title="headline", date="published", outlet="source", url="link",
                          id="key")
    docs = list(read_documents([str(path)], fields=fields))
    assert [d.doc for d in docs] == [p.stem for p in sorted(SEEDS.glob("0*.txt"))]
    assert docs[1].outlet == "Outlet 001" and docs[1].date == "2015-10-28" and docs[1].title == "Headline 001"
    assert docs[1].url == "https://example.org/001" and docs[1].text.startswith("۰")
    line = 2 if suffix == ".csv" else 1  # the header is line 1 of a CSV
    with pytest.raises(InputError, match=rf"feed{suffix}:{line}: no text field 'text' \(choose it with"):
        list(read_documents([str(path)]))


def test_run_reads_an_export_as_articles_not_as_text(tmp_path, capsys) -> None:
    path = tmp_path / "feed.jsonl"
    write_export(path, seed_rows())
    out = tmp_path / "out"
    assert main(["-q", "run", str(path), "--translations", str(REFERENCE), "-o", str(out),
                 "--text-field", "body", "--id-field", "key", "--outlet-field", "source",
                 "--title-field", "headline", "--date-field", "published", "--url-field", "link"]) == 0
    coverage = json.loads((out / "coverage.json").read_text("utf-8"))
    assert [(p["doc_a"], p["doc_b"]) for p in coverage["same_event"]] == [SAME_EVENT]
    outlets = {d["doc"]: d["outlet"] for d in coverage["documents"]}
    assert outlets["000_c9f47b2442972326"] == "Outlet 000"
    record = json.loads((out / "001_4fe6c4b4a26e7727.jsonl").read_text("utf-8").splitlines()[0])
    assert (record["outlet"], record["date"], record["url"]) == ("Outlet 001", "2015-10-28",
                                                                 "https://example.org/001")


def test_run_reads_records_jsonl_and_coverage_reads_a_run_folder(tmp_path) -> None:
    first = tmp_path / "first"
    assert main(["-q", "run", str(SEEDS), "--translations", str(REFERENCE), "-o", str(first)]) == 0
    again = tmp_path / "again"
    records = [str(p) for p in sorted(first.glob("0*.jsonl"))]
    assert main(["-q", "run", *records, "--translations", str(REFERENCE), "-o", str(again)]) == 0
    one = json.loads((first / "coverage.json").read_text("utf-8"))
    two = json.loads((again / "coverage.json").read_text("utf-8"))
    assert two["same_event"] == one["same_event"] and two["links"] == one["links"]
    assert main(["-q", "coverage", str(first), "-o", str(first / "coverage")]) == 0  # skips links.jsonl
    three = json.loads((first / "coverage" / "coverage.json").read_text("utf-8"))
    assert three["links"] == one["links"] and three["documents"] == one["documents"]


def test_run_on_saved_pages_names_articles_by_outlet(tmp_path) -> None:
    pytest.importorskip("trafilatura")
    out = tmp_path / "out"
    assert main(["-q", "run", str(PAGES), "--translations", str(REFERENCE), "-o", str(out)]) == 0
    coverage = json.loads((out / "coverage.json").read_text("utf-8"))
    assert [(p["doc_a"], p["doc_b"]) for p in coverage["same_event"]] == [SAME_EVENT]
    assert all(d["translated_sentences"] == d["content_sentences"] > 0 for d in coverage["documents"])
    html = (out / "report.html").read_text("utf-8")
    for outlet in ("شیعه نیوز", "الوفاق", "Persian Tech Wire (fixture)"):
        assert outlet in html
    assert "Who reported what" in html and "2015-10-28" in html


_meta = st.one_of(st.none(), st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
                                      min_size=1, max_size=20).filter(lambda s: s.strip() == s and s.strip()))
_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60).filter(
    lambda s: s.strip())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries({"text": _text, "outlet": _meta, "title": _meta}), min_size=1,
                     max_size=5), suffix=st.sampled_from([".jsonl", ".csv"]))
def test_export_rows_round_trip(tmp_path, rows, suffix) -> None:
    path = tmp_path / f"rows{suffix}"
    write_export(path, [{k: ("" if v is None else v) for k, v in r.items()} for r in rows])
    docs = list(read_documents([str(path)]))
    assert [d.text for d in docs] == [r["text"] for r in rows]
    def clean(value: str | None) -> str | None:
        return " ".join(value.split()) or None if value else None

    assert [(d.outlet, d.title) for d in docs] == [(clean(r["outlet"]), clean(r["title"])) for r in rows]
    assert [d.doc for d in docs] == [f"rows-{i}" for i in _start_lines(path, len(rows))]


def _start_lines(path: Path, n: int) -> list[int]:
    """Line each row starts on: JSONL one per line; CSV after the header, a quoted field may span lines."""
    if path.suffix == ".jsonl":
        return list(range(1, n + 1))
    reader = csv.reader(path.read_text(encoding="utf-8").splitlines(keepends=True))
    next(reader)
    starts, start = [], 2
    for _ in reader:
        starts.append(start)
        start = reader.line_num + 1
    return starts


@settings(max_examples=60, deadline=None)
@given(outlet=_meta, title=_meta, date=st.one_of(st.none(), st.dates().map(lambda d: d.isoformat())),
       url=_meta, en=st.one_of(st.none(), _text))
def test_sentence_record_round_trips_with_metadata(outlet, title, date, url, en) -> None:
    from hamta.records import Sentence

    rec = Sentence("d", 0, "x", 0, 1, "fa", en=en, outlet=outlet, title=title, date=date, url=url)
    data = json.loads(json.dumps(rec.to_dict(), ensure_ascii=False))
    assert data["en"] == (en or "") and Sentence.from_dict(data) == rec


ARTICLE = "وقال الوزير إن المشروع سيكتمل في العام المقبل. وأضاف أن العمل مستمر في بغداد والبصرة."


@pytest.mark.parametrize(
    ("head", "encoding"),
    [
        ('<meta charset="windows-1256">', "cp1256"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">', "utf-8"),
        ("", "cp1256"),  # nothing declared: detected as for text files
        ('<meta charset="no-such-charset">', "utf-8"),  # unknown: warned, then detected
        ('<meta charset="utf-8">', "cp1256"),  # a page that lies about its charset: detected
    ],
)
def test_page_encodings(tmp_path, head, encoding) -> None:
    pytest.importorskip("trafilatura")
    page = tmp_path / "p.htm"
    html = (f"<html><head>{head}<title>خبر</title></head><body><nav>الرئيسية</nav>"
            f"<article><p>{ARTICLE}</p><p>{ARTICLE[:45]}</p></article></body></html>")
    page.write_bytes(html.encode(encoding))
    doc = next(iter(read_documents([str(tmp_path)])))
    assert doc.doc == "p" and ARTICLE in doc.text


def test_export_id_falls_back_to_doc_then_line(tmp_path) -> None:
    path = tmp_path / "items.jsonl"
    write_export(path, [{"doc": "first", "text": "One."}, {"id": "second", "text": "Two."},
                        {"text": "Three."}])
    assert [d.doc for d in read_documents([str(path)])] == ["first", "second", "items-3"]
