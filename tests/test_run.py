"""`hamta run`: the README main job offline, a tiny model end to end, resumable re-runs, clear errors."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hamta.cli import main
from hamta.pipeline import run_pipeline

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
REFERENCE = SEEDS / "reference"
SAME_EVENT = ("000_c9f47b2442972326", "001_4fe6c4b4a26e7727")
FAST = ["--engine", "hf", "--beam", "1", "--max-new-tokens", "8", "--device", "cpu"]


@pytest.fixture(scope="module")
def offline_run(tmp_path_factory) -> Path:
    """The README main job: `hamta run seeds/ --translations seeds/reference -o out/`."""
    out = tmp_path_factory.mktemp("run") / "out"
    assert main(["run", str(SEEDS), "--translations", str(REFERENCE), "-o", str(out)]) == 0
    return out


def test_main_job_writes_every_output(offline_run: Path) -> None:
    stems = sorted(p.stem for p in SEEDS.glob("0*.txt"))
    for stem in stems:
        records = [json.loads(x) for x in (offline_run / f"{stem}.jsonl").read_text("utf-8").splitlines()]
        reference = (REFERENCE / f"{stem}.en.txt").read_text("utf-8").split("\n")
        assert [r["en"] for r in records] == [line.strip() for line in reference if line.strip()]
        assert (offline_run / f"{stem}.en.txt").read_text("utf-8").strip()
    for name in ("links.tsv", "links.jsonl", "coverage.json", "report.html"):
        assert (offline_run / name).stat().st_size > 0


def test_main_job_finds_the_same_event_and_only_it(offline_run: Path) -> None:
    coverage = json.loads((offline_run / "coverage.json").read_text("utf-8"))
    assert [(e["doc_a"], e["doc_b"]) for e in coverage["same_event"]] == [SAME_EVENT]
    rows = (offline_run / "links.tsv").read_text("utf-8").splitlines()
    assert rows[0] == "doc_a\tidx_a\tdoc_b\tidx_b\tscore"
    pairs = {tuple(r.split("\t")[0:3:2]) for r in rows[1:]}
    assert pairs == {SAME_EVENT}  # links only between the two reports of the same visit
    shared = [json.loads(x) for x in (offline_run / "links.jsonl").read_text("utf-8").splitlines()]
    assert all(link["evidence"] for link in shared)  # each link says why


def test_report_opens_in_chromium(offline_run: Path, tmp_path: Path) -> None:
    browser = pytest.importorskip("browser", reason="tests/browser.py helper not importable")
    browser.require_browser()
    dom = browser.dump_dom(offline_run / "report.html")
    assert re.search(r"<title>[^<]*hamta[^<]*</title>", dom)
    assert re.search(r'id="n-docs">5<', dom)
    n_links = len((offline_run / "links.tsv").read_text("utf-8").splitlines()) - 1
    assert re.search(rf'id="n-links">{n_links}<', dom)
    png = browser.screenshot(offline_run / "report.html", tmp_path / "report.png", 1280, 1800)
    assert browser.png_size(png) == (1280, 1800)


def test_document_without_translation_warns_and_stays_unlinked(tmp_path: Path, caplog) -> None:
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles, ignore=shutil.ignore_patterns("reference", "*.tsv"))
    (articles / "extra.txt").write_text("وزیر ارتباطات روز چهارشنبه در بغداد بود. او با همتای خود دیدار کرد.",
                                        encoding="utf-8")
    result = run_pipeline([str(articles)], tmp_path / "out", translations=REFERENCE)
    assert result.untranslated == ("extra",)
    assert "no translation of extra" in caplog.text
    assert all("extra" not in (lk.doc_a, lk.doc_b) for lk in result.coverage.links)
    assert result.coverage.same_event_pairs() == [SAME_EVENT]
    assert "extra" in (tmp_path / "out" / "report.html").read_text("utf-8")
    records = [json.loads(x) for x in (tmp_path / "out" / "extra.jsonl").read_text("utf-8").splitlines()]
    assert len(records) == 2 and all(r["en"] == "" for r in records)


def test_tiny_model_end_to_end_then_all_from_cache(tiny_nllb: Path, tmp_path: Path, capsys) -> None:
    args = ["run", str(SEEDS), "-o", str(tmp_path / "out"), "--model", str(tiny_nllb),
            "--cache", str(tmp_path / "cache.sqlite"), *FAST]
    assert main(args) == 0
    first = capsys.readouterr().err
    assert re.search(r"\[2/4\] translate: 5 documents, (\d+) sentences, 0 from cache, \1 translated", first)
    for name in ("links.tsv", "coverage.json", "report.html", "000_c9f47b2442972326.jsonl"):
        assert (tmp_path / "out" / name).is_file()
    assert main(args) == 0
    second = capsys.readouterr().err
    assert re.search(r"\[2/4\] translate: 5 documents, (\d+) sentences, \1 from cache, 0 translated", second)


def test_offline_default_model_fails_in_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf"),
           "HAMTA_CACHE_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "hamta", "run", str(SEEDS), "-o", str(tmp_path / "out")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert "facebook/nllb-200-distilled-600M" in lines[0] and "--translations" in lines[0]
    assert not (tmp_path / "out").exists()  # failed before doing anything


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--translations", "no/such/dir"], "--translations no/such/dir: not a directory"),
        (["--src", "xx", "--model", "no/such/model"], "model directory 'no/such/model' does not exist"),
    ],
)
def test_bad_options_are_one_line_errors(extra: list[str], message: str, tmp_path: Path, capsys) -> None:
    assert main(["run", str(SEEDS), "-o", str(tmp_path / "out"), *extra]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
