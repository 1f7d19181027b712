"""Hostile inputs through the CLI, each in a subprocess: exit status, exactly one line on stderr, no
traceback, and finished outputs intact (issue 15). docs/reliability.md lists the same cases.

Every case runs ``python -m hamta`` with ``-q`` (no progress bars, no summary) so that stderr holds only
the error or skip lines; the summary line is checked where it matters, without ``-q``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamta.errors import InputError
from hamta.records import Document, Sentence, read_records, records_to_jsonl
from hamta.translate.cache import TranslationCache

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "000_c9f47b2442972326.txt"
REFERENCE = REPO / "seeds" / "reference"
#: exact batching: interrupted and whole runs are compared byte for byte
FAST = ["--engine", "hf", "--beam", "1", "--max-new-tokens", "8", "--device", "cpu", "--batching", "exact"]
#: runs hamta with SQLite connections capped at their current size: the cache's disk is "full"
FULL_DISK = """
import runpy, sqlite3, sys
_connect = sqlite3.connect
def connect(*args, **kwargs):
    db = _connect(*args, **kwargs)
    db.execute("PRAGMA max_page_count = 1")  # never below the current size: the file cannot grow
    return db
sqlite3.connect = connect
sys.argv = ["hamta", *sys.argv[1:]]
runpy.run_module("hamta", run_name="__main__")
"""


def hamta(
    *args: str, cwd: Path, script: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """``python -m hamta ARGS`` (or ``python SCRIPT ARGS``) with this checkout first on the path."""
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "HAMTA_CACHE_DIR": str(cwd / "default-cache"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "OMP_NUM_THREADS": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    head = [str(script)] if script else ["-m", "hamta"]
    return subprocess.run([sys.executable, *head, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)


def one_line(proc: subprocess.CompletedProcess, status: int) -> str:
    """The single stderr line of a run that must end with ``status``."""
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert proc.returncode == status, proc.stderr
    return lines[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def persian_lines(numbers: range) -> str:
    return "".join(f"جمله شماره {i} درباره موضوع {i * 7} در این گزارش آمده است.\n" for i in numbers)


# ---------------------------------------------------------------------------------------------------------
# 1. document ids that name the same output files


#: pairs of ids that differ in form only; each pair's second document must be refused
SAME_FILES = [("x", "./x"), ("y", "/y"), ("a/b", "a//b"), ("c/d", "c\\d")]


def test_ids_equal_after_normalisation_are_refused_not_overwritten(tiny_nllb, tmp_path):
    rows = [row for i, (first, second) in enumerate(SAME_FILES)
            for row in ({"doc": first, "text": f"سلام دنیا {i}."}, {"doc": second, "text": "خداحافظ."})]
    write_jsonl(tmp_path / "docs.jsonl", rows)
    proc = hamta("-q", "translate", "docs.jsonl", "-o", "out", "--model", str(tiny_nllb), "--no-cache", *FAST,
                 cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == len(SAME_FILES), proc.stderr  # one line per refused document
    for line, (first, second) in zip(lines, SAME_FILES, strict=True):
        assert line.startswith("hamta: error: docs.jsonl: ") and "skipped" in line
        assert f"{second!r} names the same output files as {first!r}" in line
    out = tmp_path / "out"
    for i, (first, _) in enumerate(SAME_FILES):  # the first document's outputs, not the second's
        records = list(read_records(out / f"{first}.jsonl"))
        assert [(r.doc, r.text) for r in records] == [(first, f"سلام دنیا {i}.")]
    assert len([p for p in out.rglob("*") if p.is_file()]) == 2 * len(SAME_FILES)


@pytest.mark.parametrize("doc_id, key", [
    ("x", "x"), ("./x", "x"), ("/x", "x"), ("a//b", "a/b"), ("a\\b", "a/b"), ("./a/./b/", "a/b"),
    ("..", None), ("a/../b", None), ("", None), ("/", None), ("x\0y", None), ("a" * 226, None),
    ("ب" * 112, "ب" * 112),
])
def test_output_key_is_the_file_name_or_a_refusal(doc_id, key):
    from hamta.translate.job import output_key

    if key is None:
        with pytest.raises(InputError, match="document id"):
            output_key(doc_id)
    else:
        assert output_key(doc_id) == key


def test_document_named_links_cannot_overwrite_the_runs_links(tmp_path):
    shutil.copy(SEED, tmp_path / "links.txt")
    shutil.copy(SEED, tmp_path / "other.txt")
    proc = hamta("-q", "run", "links.txt", "other.txt", "--translations", str(tmp_path), "-o", "out",
                 cwd=tmp_path)
    assert "'links'" in one_line(proc, 1)
    assert (tmp_path / "out" / "links.jsonl").read_text(encoding="utf-8") == ""  # the link file, no records
    assert (tmp_path / "out" / "other.jsonl").is_file()


# ---------------------------------------------------------------------------------------------------------
# 2. one line, never a traceback: caches, record types, --max-bead


@pytest.fixture(scope="module")
def finished_job(tiny_nllb, tmp_path_factory) -> Path:
    """A finished translate job: its cache file c.sqlite and its outputs in out/."""
    work = tmp_path_factory.mktemp("job")
    (work / "a.txt").write_text(persian_lines(range(3)), encoding="utf-8")
    proc = hamta("-q", "translate", "a.txt", "-o", "out", "--model", str(tiny_nllb), "--cache", "c.sqlite",
                 *FAST, cwd=work)
    assert proc.returncode == 0, proc.stderr
    return work


@pytest.fixture
def cached_job(finished_job, tmp_path) -> tuple[Path, Path, dict[str, bytes]]:
    """A copy of `finished_job`: its cache, and its outputs (which later failures must not touch)."""
    shutil.copytree(finished_job, tmp_path, dirs_exist_ok=True)
    return tmp_path / "c.sqlite", tmp_path / "out", snapshot(tmp_path / "out")


def _garbage_pages(cache: Path) -> None:
    with sqlite3.connect(cache) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(cache.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = b"Z" * (len(data) - page)  # every page but the first (the header and schema)
    cache.write_bytes(bytes(data))


def _other_schema(cache: Path) -> None:
    cache.unlink()
    with sqlite3.connect(cache) as db:
        db.execute("CREATE TABLE settings (id INTEGER PRIMARY KEY, name TEXT)")


@pytest.mark.parametrize("damage, advice", [
    (_garbage_pages, "delete it or use --no-cache"),
    (_other_schema, "delete it or use --no-cache"),
    (lambda cache: cache.write_bytes(b"not a database at all" * 50), "delete it or use --no-cache"),
    ("full", "free disk space, or use --no-cache"),
])
def test_cache_failures_are_one_line_naming_the_file(tiny_nllb, cached_job, damage, advice):
    cache, out, before = cached_job
    work = cache.parent
    (work / "b.txt").write_text(persian_lines(range(100, 160)), encoding="utf-8")
    args = ["-q", "translate", "a.txt", "b.txt", "-o", "out", "--model", str(tiny_nllb),
            "--cache", "c.sqlite", *FAST]
    if damage == "full":
        script = work / "full_disk.py"
        script.write_text(FULL_DISK, encoding="utf-8")
        proc = hamta(*args, cwd=work, script=script)
    else:
        damage(cache)
        proc = hamta(*args, cwd=work)
    line = one_line(proc, 2)
    assert line.startswith("hamta: error: c.sqlite: ") and line.endswith(advice)
    assert snapshot(out) == before  # finished outputs intact; no half file, no temp file


#: runs hamta with a per-file size limit (the effect of a full disk on the next file to be written)
FILE_SIZE_LIMIT = """
import resource, runpy, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # then a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000))
sys.argv = ["hamta", *sys.argv[1:]]
runpy.run_module("hamta", run_name="__main__")
"""


def test_output_disk_full_is_one_line_and_keeps_finished_documents(tmp_path):
    shutil.copy(SEED, tmp_path / SEED.name)
    (tmp_path / "zzz_long.txt").write_text(SEED.read_text(encoding="utf-8") * 12, encoding="utf-8")
    script = tmp_path / "limit.py"
    script.write_text(FILE_SIZE_LIMIT, encoding="utf-8")
    proc = hamta("-q", "run", SEED.name, "zzz_long.txt", "--translations", str(REFERENCE), "-o", "out",
                 cwd=tmp_path, script=script)
    assert one_line(proc, 2).startswith(f"hamta: error: {Path('out/zzz_long')}.")
    out = tmp_path / "out"
    records = list(read_records(out / f"{SEED.stem}.jsonl"))  # the finished document: whole
    assert records and all(r.en for r in records if not r.boilerplate)
    assert not list(out.glob(".*.tmp"))


@pytest.mark.parametrize("bad, message", [
    ('"lang": 5', "field 'lang' must be a string, got 5"),
    ('"idx": "3"', "field 'idx' must be an integer, got \"3\""),
    ('"text": null', "field 'text' must be a string, got null"),
    ('"flags": 7', "field 'flags' must be a list of strings, got 7"),
    ('"boilerplate": 1', "field 'boilerplate' must be true or false, got 1"),
    ('"start": NaN', "NaN is not a JSON number"),
    ('"start": Infinity', "Infinity is not a JSON number"),
    ('"start": 1e999', "number 1e999 is out of range"),
    ('"en": "\\ud800 x"', "lone surrogate \\ud800"),
    ('"idx": -1', "field 'idx' must not be negative"),
])
def test_untyped_jsonl_is_one_line_with_file_and_line_and_no_partial_output(tmp_path, bad, message):
    good = {"doc": "a", "idx": 0, "text": "Vaezi visited Baghdad.", "en": "Vaezi visited Baghdad."}
    text = json.dumps(good) + "\n" + '{"doc": "b", "idx": 0, "text": "x", "en": "x", ' + bad + "}\n"
    (tmp_path / "r.jsonl").write_text(text, encoding="utf-8")
    proc = hamta("-q", "coverage", "r.jsonl", "-o", "out", cwd=tmp_path)
    line = one_line(proc, 2)
    assert line.startswith("hamta: error: r.jsonl:2: ") and message in line
    assert not (tmp_path / "out").exists()  # validated where read: nothing written before the error


def test_invalid_utf8_in_jsonl_names_file_and_line(tmp_path):
    (tmp_path / "r.jsonl").write_bytes(
        b'{"doc": "a", "idx": 0, "text": "ok"}\n{"doc": "b", "idx": 0, "text": "\xff"}\n')
    line = one_line(hamta("-q", "coverage", "r.jsonl", "-o", "out", cwd=tmp_path), 2)
    assert line.startswith("hamta: error: r.jsonl:2: not valid UTF-8")


@pytest.mark.parametrize("value", ["1", "17", "1000", "-3"])
def test_max_bead_outside_the_supported_range_is_one_line(tmp_path, value):
    (tmp_path / "s.txt").write_text("".join(f"Sentence {i}.\n" for i in range(50)), encoding="utf-8")
    proc = hamta("-q", "align", "s.txt", "s.txt", "--max-bead", value, cwd=tmp_path, timeout=60)
    assert one_line(proc, 2) == f"hamta: error: --max-bead {value}: must be between 2 (1-1 beads only) and 16"


def test_largest_max_bead_runs(tmp_path):
    (tmp_path / "s.txt").write_text("".join(f"Sentence {i}.\n" for i in range(50)), encoding="utf-8")
    proc = hamta("-q", "align", "s.txt", "s.txt", "--max-bead", "16", cwd=tmp_path, timeout=120)
    assert proc.returncode == 0 and proc.stdout.splitlines()[7] == "[7]:[7]", proc.stderr


# ---------------------------------------------------------------------------------------------------------
# 3. one bad file never sinks a translate or run job


def test_translate_skips_bad_files_and_finishes_the_rest(tiny_nllb, tmp_path):
    (tmp_path / "good.txt").write_text(persian_lines(range(3)), encoding="utf-8")
    (tmp_path / "blob.txt").write_bytes(bytes(range(256)) * 8)
    write_jsonl(tmp_path / "bad.jsonl", [{"doc": "r", "idx": 0, "text": "سلام", "lang": 5}])
    proc = hamta("translate", "blob.txt", "good.txt", "bad.jsonl", "-o", "out", "--model", str(tiny_nllb),
                 "--no-cache", *FAST, cwd=tmp_path)
    assert "Traceback" not in proc.stderr and proc.returncode == 1, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("hamta: error: ")]
    assert len(errors) == 2 and all("skipped" in line for line in errors)
    assert "blob.txt: looks like a binary file" in errors[0] and "bad.jsonl:1: field 'lang'" in errors[1]
    summary = proc.stderr.splitlines()[-1]
    assert summary.startswith("hamta translate: 1 document,") and summary.endswith(
        "; skipped 2: blob.txt, bad.jsonl")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["good.en.txt", "good.jsonl"]
    assert len(list(read_records(tmp_path / "out" / "good.jsonl"))) == 3


def test_translate_with_every_input_bad_is_an_error(tiny_nllb, tmp_path):
    (tmp_path / "blob.txt").write_bytes(bytes(range(256)) * 8)
    proc = hamta("-q", "translate", "blob.txt", "-o", "out", "--model", str(tiny_nllb), "--no-cache", *FAST,
                 cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.splitlines()[-1] == (
        "hamta: error: no documents to translate: every input was skipped")


def test_run_skips_bad_files_and_finishes_the_rest(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    # three articles: document frequencies need a third article to tell the event's names from the beat's
    for seed in sorted((REPO / "seeds").glob("00[012]_*.txt")):
        shutil.copy(seed, docs / seed.name)
    (docs / "blob.txt").write_bytes(bytes(range(256)) * 8)
    args = ["run", "docs", "--translations", str(REFERENCE), "-o", "out"]
    line = one_line(hamta("-q", *args, cwd=tmp_path), 1)
    assert "blob.txt: looks like a binary file" in line
    out = tmp_path / "out"
    coverage = json.loads((out / "coverage.json").read_text(encoding="utf-8"))
    assert [d["doc"] for d in coverage["documents"]] == [
        "000_c9f47b2442972326", "001_4fe6c4b4a26e7727", "002_9c37bb48d742c947"]
    assert coverage["same_event"] and (out / "report.html").is_file()
    summary = hamta(*args, cwd=tmp_path).stderr.splitlines()[-1]
    assert summary.endswith(f"; skipped 1: {Path('docs/blob.txt')}")


# ---------------------------------------------------------------------------------------------------------
# 4. existing translations are checked, per document


def _translation_folder(tmp_path: Path, records: list[Sentence]) -> Path:
    folder = tmp_path / "tr"
    folder.mkdir()
    write_jsonl(folder / f"{SEED.stem}.jsonl", [r.to_dict() for r in records])
    for reference in REFERENCE.glob("001_*"):
        shutil.copy(reference, folder / reference.name)
    shutil.copy(REPO / "seeds" / "001_4fe6c4b4a26e7727.txt", tmp_path / "001_4fe6c4b4a26e7727.txt")
    shutil.copy(SEED, tmp_path / SEED.name)
    return folder


def _seed_records() -> list[Sentence]:
    from hamta.translations import load_translations

    doc = Document(SEED.stem, SEED.read_text(encoding="utf-8"), str(SEED))
    records = load_translations(doc, REFERENCE)
    assert records
    return records


@pytest.mark.parametrize("tamper, message", [
    (lambda r: Sentence(**{**r.to_dict(), "doc": "someone_else", "flags": ()}),
     "records belong to document 'someone_else'"),
    (lambda r: Sentence(**{**r.to_dict(), "text": r.text + " (edited)", "flags": ()}) if r.idx == 2 else r,
     "sentence idx 2 is not in"),
])
def test_run_refuses_translations_of_another_document_or_text(tmp_path, tamper, message):
    folder = _translation_folder(tmp_path, [tamper(r) for r in _seed_records()])
    # a warning, not a skip: the article stays in the report, untranslated (-q would hide it)
    proc = hamta("run", SEED.name, "001_4fe6c4b4a26e7727.txt", "--translations", str(folder), "-o", "out",
                 cwd=tmp_path)
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("hamta: ")]
    assert proc.returncode == 0 and "Traceback" not in proc.stderr and len(warnings) == 1, proc.stderr
    assert message in warnings[0] and warnings[0].endswith(f"{SEED.stem} stays untranslated and unlinked")
    records = list(read_records(tmp_path / "out" / f"{SEED.stem}.jsonl"))
    assert records and not any(r.en for r in records)  # none of the wrong English was used


def test_run_reanchors_translations_whose_offsets_are_off_with_a_warning(tmp_path):
    shifted = [Sentence(**{**r.to_dict(), "start": r.start + 1, "end": r.end + 1, "flags": ()})
               for r in _seed_records()]
    folder = _translation_folder(tmp_path, shifted)
    proc = hamta("-q", "run", SEED.name, "001_4fe6c4b4a26e7727.txt", "--translations", str(folder),
                 "-o", "out", cwd=tmp_path)
    # -q hides warnings: the run is clean, and the records point at their text again
    assert proc.returncode == 0 and proc.stderr == ""
    original = SEED.read_text(encoding="utf-8")
    records = list(read_records(tmp_path / "out" / f"{SEED.stem}.jsonl"))
    assert records and all(original[r.start : r.end] == r.text and r.en for r in records if not r.boilerplate)
    loud = hamta("run", SEED.name, "001_4fe6c4b4a26e7727.txt", "--translations", str(folder), "-o", "out2",
                 cwd=tmp_path)
    assert "offsets do not match" in loud.stderr


# ---------------------------------------------------------------------------------------------------------
# 6. encodings; 9. terminal safety


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read(tmp_path, codec):
    text = "سلام دنیا. این یک آزمایش است.\nخط دوم ۱۲۳.\n"
    (tmp_path / "a.txt").write_bytes(text.encode(codec))
    proc = hamta("-q", "split", "a.txt", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.splitlines() == ["سلام دنیا.", "این یک آزمایش است.", "خط دوم ۱۲۳."]


def test_control_characters_never_reach_the_terminal_raw(tmp_path):
    text = "Hello \x1b[2J\x1b[31mred\x1b[0m world. Next\x07 one.\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    proc = hamta("-q", "split", "a.txt", cwd=tmp_path)
    assert proc.returncode == 0 and "\x1b" not in proc.stdout and "\x07" not in proc.stdout
    assert proc.stdout.splitlines() == ["Hello \\x1b[2J\\x1b[31mred\\x1b[0m world.", "Next\\x07 one."]
    jsonl = hamta("-q", "split", "--format", "jsonl", "a.txt", cwd=tmp_path).stdout
    assert json.loads(jsonl.splitlines()[0])["text"].startswith("Hello \x1b[2J")  # JSONL keeps the exact text
    line = one_line(hamta("-q", "split", "no\x1b[2Jfile.txt", cwd=tmp_path), 2)
    assert "\x1b" not in line and "no\\x1b[2Jfile.txt" in line


# ---------------------------------------------------------------------------------------------------------
# 7. concurrent jobs on one cache; 8. summary counts


def _open_and_write(path: str, barrier, results) -> None:  # noqa: ANN001 (multiprocessing objects)
    barrier.wait()
    try:
        TranslationCache(path).put_many("sig", "fa", [(f"{os.getpid()}-{i}", "x", (), 1) for i in range(20)])
        results.put("ok")
    except Exception as exc:  # noqa: BLE001 - the test reports whatever went wrong
        results.put(str(exc))


def test_jobs_opening_a_new_cache_at_once_all_get_it(tmp_path):
    """Switching a new file to WAL makes SQLite answer "database is locked" at once, without its busy
    timeout; before the retry, about one trial in three lost a job here."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    for trial in range(10):
        path = str(tmp_path / f"c{trial}.sqlite")
        barrier, results = ctx.Barrier(4), ctx.Queue()
        procs = [ctx.Process(target=_open_and_write, args=(path, barrier, results)) for _ in range(4)]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.join(60)
        assert [results.get(timeout=10) for _ in procs] == ["ok"] * 4
        assert TranslationCache(path).count() == 80


def test_two_jobs_share_one_cache_without_losing_an_entry(tiny_nllb, tmp_path):
    for name, numbers in (("d1", range(0, 150)), ("d2", range(100, 250)), ("d3", range(200, 350))):
        (tmp_path / f"{name}.txt").write_text(persian_lines(numbers), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    jobs = [
        subprocess.Popen([sys.executable, "-m", "hamta", "-q", "translate", *inputs, "-o", out, "--model",
                          str(tiny_nllb), "--cache", "shared.sqlite", "--batch-tokens", "256", *FAST],
                         cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
        for inputs, out in ((["d1.txt", "d2.txt"], "out1"), (["d2.txt", "d3.txt"], "out2"))
    ]
    for job in jobs:
        _, err = job.communicate(timeout=600)
        assert job.returncode == 0 and err == "", err
    with sqlite3.connect(tmp_path / "shared.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    cache = TranslationCache(tmp_path / "shared.sqlite")
    assert cache.count() == 350  # every distinct sentence of both jobs, once
    cache.close()
    outputs = {(out, name): [r.en for r in read_records(tmp_path / out / f"{name}.jsonl")]
               for out, name in (("out1", "d1"), ("out1", "d2"), ("out2", "d2"), ("out2", "d3"))}
    assert all(len(v) == 150 and all(v) for v in outputs.values())
    again = hamta("translate", "d1.txt", "d2.txt", "-o", "out3", "--model", str(tiny_nllb), "--cache",
                  "shared.sqlite", *FAST, cwd=tmp_path)
    # nothing was lost: all of it is cached (d2's first 50 sentences repeat the end of d1)
    assert " 300 sentences, 250 from cache, 0 translated," in again.stderr, again.stderr


def test_the_first_translation_stored_wins(tmp_path):
    first, second = TranslationCache(tmp_path / "c.sqlite"), TranslationCache(tmp_path / "c.sqlite")
    first.put_many("sig", "fa", [("سلام", "Hello", (), 2)])
    second.put_many("sig", "fa", [("سلام", "Hi", ("repetition",), 1), ("دنیا", "world", (), 1)])
    stored = first.get_many("sig", "fa", ["سلام", "دنیا"])
    assert stored == {"سلام": ("Hello", (), 2), "دنیا": ("world", (), 1)}
    first.close()
    second.close()


def test_summary_counts_repeats_apart_from_the_cache(tiny_nllb, tmp_path):
    # two documents of 300 identical sentences: more than one chunk (512), so the second document's
    # sentences are in the cache by the time it is translated; they are repeats, not cache hits
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text(persian_lines(range(300)), encoding="utf-8")
    args = ["translate", "a.txt", "b.txt", "-o", "out", "--model", str(tiny_nllb), "--cache", "c.sqlite",
            *FAST]
    counts = re.compile(
        r"(\d+) sentences, (\d+) from cache, (\d+) translated, .* (\d+) repeated within this job")
    fresh = counts.search(hamta(*args, cwd=tmp_path).stderr)
    assert fresh and fresh.groups() == ("600", "0", "300", "300")
    again = counts.search(hamta(*args, cwd=tmp_path).stderr)
    assert again and again.groups() == ("600", "300", "0", "300")


# ---------------------------------------------------------------------------------------------------------
# 5. every reader, random JSON in every field: a record, or one InputError naming the file

FIELDS = ("doc", "idx", "text", "start", "end", "lang", "boilerplate", "para", "en", "flags",
          "boilerplate_kind", "outlet", "title", "date", "url")
_ANY_CHAR = st.characters(codec=None, categories=None, exclude_categories=())
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(_ANY_CHAR, max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=6,
)


def _no_constant(name: str) -> None:
    pytest.fail(f"a reader accepted a record that serialises with {name}")


def _readers(path: Path, article: Document):
    from hamta.align.coverage import read_record_inputs
    from hamta.eval.inputs import read_jsonl_segments
    from hamta.translate.job import load_inputs
    from hamta.translations import load_translations

    yield "read_records", lambda: list(read_records(path))
    yield "read_record_inputs", lambda: read_record_inputs([path])
    yield "load_inputs", lambda: load_inputs([str(path)], "auto")
    yield "load_translations", lambda: load_translations(article, path.parent)
    yield "read_jsonl_segments", lambda: read_jsonl_segments(path, ["en", "text"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(FIELDS), value=JSON_VALUES)
def test_every_reader_takes_any_json_in_any_field(tmp_path, name, value):
    article = Document("d", "سلام دنیا. Hello.", "d.txt")
    record = {"doc": "d", "idx": 0, "text": "سلام دنیا.", "start": 0, "end": 10, "lang": "fa",
              "en": "Hello world."}
    record[name] = value
    path = tmp_path / "d.jsonl"
    line = json.dumps(record, ensure_ascii=True, allow_nan=True)  # NaN, Infinity, \udXXX escapes as written
    path.write_text(line + "\n", encoding="utf-8")
    for reader, read in _readers(path, article):
        try:
            result = read()
        except InputError as exc:
            assert str(exc).startswith(str(path)), (reader, str(exc))
            assert "\n" not in str(exc)
            continue
        # whatever a reader accepts can be written back as strict JSON
        if reader in ("read_records", "read_record_inputs", "load_translations") and result:
            for out_line in records_to_jsonl(result).splitlines():
                assert json.loads(out_line, parse_constant=_no_constant)
        if reader == "read_jsonl_segments":
            assert all(isinstance(text, str) and isinstance(idx, int) for _, idx, text in result)
