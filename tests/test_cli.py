"""The CLI as a user meets it: fast help, `hamta split` on real seeds, one-line errors, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hamta import __version__

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("0*.txt"))


def hamta(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would; stdin is raw bytes (any encoding), output decoded as UTF-8."""
    done = subprocess.run(
        [sys.executable, "-m", "hamta", *args], input=stdin or b"", capture_output=True, cwd=ROOT, timeout=120
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    )


def test_help_and_version_load_no_heavy_modules() -> None:
    code = (
        "import sys, time; t=time.perf_counter(); from hamta.cli import build_parser; build_parser();"
        "heavy=[m for m in ('torch','transformers','ctranslate2','sacrebleu','matplotlib')"
        " if m in sys.modules];"
        "print(time.perf_counter()-t, heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    seconds, heavy = out.split(" ", 1)
    assert heavy.strip() == "[]"
    assert float(seconds) < 0.5
    start = time.perf_counter()
    result = hamta("--version")
    assert result.stdout.strip() == f"hamta {__version__}"
    assert time.perf_counter() - start < 5  # includes interpreter start-up


def test_help_lists_split() -> None:
    result = hamta("--help")
    assert result.returncode == 0 and "split" in result.stdout


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_split_jsonl_records_slice_the_original(seed: Path) -> None:
    result = hamta("split", "--format", "jsonl", str(seed))
    assert result.returncode == 0, result.stderr
    text = seed.read_text(encoding="utf-8")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records, "no sentences"
    assert [r["idx"] for r in records] == list(range(len(records)))
    for r in records:
        assert set(r) >= {"doc", "idx", "text", "start", "end", "lang", "boilerplate"}
        assert text[r["start"] : r["end"]] == r["text"]
        assert r["doc"] == seed.stem
    expected_lang = "fa" if seed.name[:3] in {"000", "001"} else "ar"
    content = [r for r in records if not r["boilerplate"]]
    assert all(r["lang"] == expected_lang for r in content if len(r["text"].split()) >= 3)


def test_split_text_format_matches_reference_count() -> None:
    seed = SEEDS[0]
    result = hamta("split", "--lang", "fa", str(seed))
    assert result.returncode == 0, result.stderr
    reference = ROOT / "seeds" / "reference" / f"{seed.stem}.seg.txt"
    assert result.stdout.splitlines() == reference.read_text(encoding="utf-8").splitlines()


def test_split_stdin_and_cp1256() -> None:
    text = "وقال الراشد إن المشروع لم يكلف الدولة شيئا. وأضاف أن العمل مستمر."
    result = hamta("split", "--lang", "ar", "-", stdin=text.encode("cp1256"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "وقال الراشد إن المشروع لم يكلف الدولة شيئا.",
        "وأضاف أن العمل مستمر.",
    ]


def test_split_bad_inputs_give_one_line_and_keep_going(tmp_path: Path) -> None:
    good = tmp_path / "a.txt"
    good.write_text("One sentence here. And another one.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02binary")
    result = hamta("split", "--lang", "en", str(tmp_path))
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["One sentence here.", "And another one."]
    assert "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if line.strip()] == [
        f"hamta: error: {tmp_path / 'b.txt'}: looks like a binary file, not text; skipped"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("split", "missing.txt"), "hamta: error: missing.txt: no such file or directory"),
        (("split", "--encoding", "nope", "seeds"), "hamta: error: unknown encoding 'nope'"),
    ],
)
def test_errors_are_one_line(args: tuple[str, ...], message: str) -> None:
    result = hamta(*args)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(message), result.stderr


def test_empty_file_warns_and_prints_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = hamta("split", str(empty))
    assert result.returncode == 0 and result.stdout == ""
    assert "empty input" in result.stderr
