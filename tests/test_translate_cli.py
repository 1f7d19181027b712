"""`hamta translate` end to end on tiny random models: outputs, cache, resume after SIGKILL, errors."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hamta.cli import main
from hamta.records import read_records
from hamta.segment import paragraph_spans
from hamta.testing.tiny_model import sample_sentences

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "seeds").glob("*.txt"))
SUMMARY = re.compile(
    r"hamta translate: (\d+) documents?, (\d+) sentences?, (\d+) from cache, (\d+) translated, (\d+) flagged"
)
#: exact batching: resumed and single runs are compared byte for byte
FAST = ["--engine", "hf", "--beam", "1", "--max-new-tokens", "8", "--device", "cpu", "--batching", "exact"]


def summary(stderr: str) -> tuple[int, int, int, int, int]:
    match = SUMMARY.search(stderr)
    assert match, f"no summary line in: {stderr[-500:]}"
    return tuple(int(x) for x in match.groups())  # type: ignore[return-value]


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    """The five seed articles (without seeds/reference)."""
    assert len(SEEDS) == 5
    folder = tmp_path / "seeds"
    folder.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    return folder


def test_translate_seeds_writes_both_outputs_then_all_from_cache(tiny_nllb, seed_dir, tmp_path, capsys):
    out, cache = tmp_path / "out", tmp_path / "cache.sqlite"
    args = [
        "translate",
        str(seed_dir),
        "-o",
        str(out),
        "--model",
        str(tiny_nllb),
        "--cache",
        str(cache),
        *FAST,
    ]
    assert main(args) == 0
    docs, sentences, cached, translated, _ = summary(capsys.readouterr().err)
    assert (docs, cached) == (5, 0) and translated == sentences > 0
    for seed in SEEDS:
        original = seed.read_text(encoding="utf-8")
        en_text = (out / f"{seed.stem}.en.txt").read_text(encoding="utf-8")
        assert len([p for p in en_text.split("\n\n") if p.strip()]) == len(paragraph_spans(original))
        records = list(read_records(out / f"{seed.stem}.jsonl"))
        assert records and [r.idx for r in records] == list(range(len(records)))
        for rec in records:
            assert rec.doc == seed.stem and rec.text == original[rec.start : rec.end]
            assert (rec.en is None) == rec.boilerplate
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    assert main(args) == 0
    docs2, sentences2, cached2, translated2, _ = summary(capsys.readouterr().err)
    assert (docs2, sentences2, cached2, translated2) == (5, sentences, sentences, 0)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first
    assert not list(out.glob(".*.tmp"))


def test_jsonl_inputs_records_and_documents(tiny_nllb, tmp_path, capsys):
    out, cache = tmp_path / "out", tmp_path / "c.sqlite"
    docs = tmp_path / "docs.jsonl"
    fa = sample_sentences("fa")
    lines = [{"id": "a1", "body": fa[3]}, {"body": fa[4] + "\n\n" + fa[5]}]
    docs.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    base = ["--model", str(tiny_nllb), "--cache", str(cache), *FAST]
    assert main(["translate", str(docs), "-o", str(out), "--field", "body", *base]) == 0
    assert (out / "a1.jsonl").is_file() and (out / "docs-2.jsonl").is_file()
    assert (out / "docs-2.en.txt").read_text(encoding="utf-8").count("\n\n") == 1
    capsys.readouterr()
    # hamta records (e.g. a previous run's output) are translated record by record, from cache here
    out2 = tmp_path / "out2"
    assert main(["translate", str(out / "a1.jsonl"), "-o", str(out2), *base]) == 0
    _, n, cached, translated, _ = summary(capsys.readouterr().err)
    assert cached == n and translated == 0
    assert [r.en for r in read_records(out2 / "a1.jsonl")] == [r.en for r in read_records(out / "a1.jsonl")]
    assert main(["translate", str(docs), "-o", str(out), *base]) == 2
    assert "no text field 'text'" in capsys.readouterr().err


def test_stdin_input(tiny_nllb, tmp_path, monkeypatch, capsys):
    text = sample_sentences("ar", 1)[0]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    assert (
        main(
            [
                "translate",
                "-",
                "-o",
                str(tmp_path),
                "--src",
                "ar",
                "--model",
                str(tiny_nllb),
                "--no-cache",
                *FAST,
            ]
        )
        == 0
    )
    records = list(read_records(tmp_path / "stdin.jsonl"))
    assert records and all(r.lang == "ar" and r.en for r in records)


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--model", "./missing/model"], r"hamta: error: model directory './missing/model' does not exist"),
        (
            ["--model", "someorg/some-model"],
            r"hamta: error: model 'someorg/some-model' is not a local directory.*--model DIR",
        ),
        (["--src", "xx"], r"hamta: error: unknown language 'xx'"),
        (["--beam", "0"], r"hamta: error: beam_size must be a positive integer"),
    ],
)
def test_errors_are_one_line(tiny_nllb, seed_dir, tmp_path, monkeypatch, capsys, extra, message):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    args = [
        "translate",
        str(seed_dir),
        "-o",
        str(tmp_path / "out"),
        "--model",
        str(tiny_nllb),
        "--no-cache",
        *extra,
    ]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert re.match(message, err), err
    assert "\n" not in err
    assert not (tmp_path / "out").exists()


def test_resume_after_sigkill(tiny_nllb, tmp_path, capsys):
    lines = sample_sentences("fa") + sample_sentences("ar")
    source = tmp_path / "news.txt"
    source.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    out, cache = tmp_path / "out", tmp_path / "cache.sqlite"
    args = [
        "translate",
        str(source),
        "-o",
        str(out),
        "--model",
        str(tiny_nllb),
        "--cache",
        str(cache),
        "--batch-tokens",
        "40",
        *FAST,
    ]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hamta", "-q", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    rows = 0
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if cache.exists():
                try:
                    with sqlite3.connect(cache, timeout=1) as db:
                        rows = db.execute("SELECT COUNT(*) FROM translations").fetchone()[0]
                except sqlite3.OperationalError:  # schema not created yet
                    rows = 0
                if rows:
                    proc.send_signal(signal.SIGKILL)
                    break
            time.sleep(0.02)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the job finished before it could be killed"
    assert not (out / "news.en.txt").exists() or (out / "news.jsonl").exists()
    assert not list(out.glob(".*.tmp")) if out.exists() else True
    with sqlite3.connect(cache) as db:
        kept = db.execute("SELECT COUNT(*) FROM translations").fetchone()[0]
    assert kept >= rows > 0
    assert main(args) == 0
    _, sentences, cached, translated, _ = summary(capsys.readouterr().err)
    assert cached >= kept and translated == sentences - cached and translated > 0
    with sqlite3.connect(cache) as db:
        total_rows = db.execute("SELECT COUNT(*) FROM translations").fetchone()[0]
    assert total_rows == kept + translated  # every remaining sentence translated exactly once (all distinct)
    assert len(list(read_records(out / "news.jsonl"))) == sentences


def test_command_module_imports_nothing_heavy():
    code = (
        "import sys, hamta.commands.translate, hamta.translate; "
        "print('torch' in sys.modules, 'transformers' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert result.stdout.split() == ["False", "False"]
