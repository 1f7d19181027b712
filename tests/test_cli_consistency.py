"""The CLI behaves the same everywhere: defaults as values, -q/-v anywhere, shared options, wording."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from hamta.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def help_text(command: str) -> str:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sub.choices[command].format_help()


@pytest.mark.parametrize("command", ["coverage", "run"])
def test_help_shows_linker_defaults_as_values(command: str) -> None:
    text = " ".join(help_text(command).split())
    assert "hamta.align.links" not in text and "DEFAULT_" not in text
    for option in ("--threshold P", "--event-threshold P", "--max-gap-days DAYS", "-k N"):
        assert re.search(rf"{re.escape(option)} .*?\(default: \d+(\.\d+)?(, fitted)?\)", text), option


def test_help_defaults_shown_for_every_valued_option() -> None:
    text = " ".join(help_text("split").split())
    assert "--lang {auto,fa,ar,en,other}" in text and "(default: detect per paragraph)" in text
    assert "-f FORMAT, --format FORMAT output format: text, jsonl (default: text)" in text
    assert "--text-field NAME field holding the article's text (default: text)" in text


def test_shared_options_have_one_placeholder_and_meaning() -> None:
    similarity = set()
    for command in ("align", "coverage", "run"):
        text = " ".join(help_text(command).split())
        similarity.add(re.search(r"--similarity NAME (.*?\(default: lexical\))", text).group(1))
    assert len(similarity) == 1
    for command in ("split", "align", "score-align"):
        assert "-f FORMAT, --format FORMAT output format:" in " ".join(help_text(command).split())


def test_run_takes_every_coverage_option() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")

    def options(command: str) -> set[str]:
        return {o for a in sub.choices[command]._actions for o in a.option_strings}

    assert options("coverage") - {"-h", "--help"} <= options("run")


@pytest.mark.parametrize("argv", [["-q", "run"], ["run", "-q"], ["-v", "run", "-q"]])
def test_quiet_before_or_after_the_subcommand(tmp_path, capsys, argv) -> None:
    out = tmp_path / "out"
    args = [*argv, str(SEEDS), "--translations", str(SEEDS / "reference"), "-o", str(out)]
    assert main(args) == 0
    assert capsys.readouterr().err == ""


def test_verbose_after_the_subcommand_counts(monkeypatch) -> None:
    seen = {}
    parser = build_parser()
    args = parser.parse_args(["-v", "split", "-v", "x.txt"])
    monkeypatch.setattr("hamta.commands.split.run", lambda a: seen.setdefault("v", a.verbose) and 0)
    assert args.verbose + args.verbose_sub == 2
    assert main(["split", "-vv", str(SEEDS / "000_c9f47b2442972326.txt")]) == 0
    assert seen["v"] == 2


def test_wording_counts_and_paths(tmp_path, capsys) -> None:
    (tmp_path / "in").mkdir()
    article = SEEDS / "001_4fe6c4b4a26e7727.txt"
    (tmp_path / "in" / article.name).write_bytes(article.read_bytes())
    assert main(["run", str(tmp_path / "in"), "--translations", str(SEEDS / "reference"),
                 "-o", str(tmp_path / "out") + "/"]) == 0
    err = capsys.readouterr().err
    assert "1 document, " in err and "1 documents" not in err and "documents(s)" not in err
    assert "//" not in err
    assert f"-> {tmp_path / 'out' / 'report.html'}" in err


def test_terminal_table_counts_agree_with_the_report(tmp_path, capsys) -> None:
    out = tmp_path / "out"
    assert main(["run", str(SEEDS), "--translations", str(SEEDS / "reference"), "-o", str(out)]) == 0
    lines = capsys.readouterr().err.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("document "))
    columns = lines[head].split()
    table = {}
    for line in lines[head + 1: head + 6]:
        cells = line.split()
        table[cells[0]] = dict(zip(columns[1:6], cells[1:6], strict=True))
    html = (out / "report.html").read_text("utf-8")
    report = dict(re.findall(r'<tr class="doc-row" data-doc="([^"]+)">.*?class="n-translated">(\d+)<', html))
    assert report and {d: t["translated"] for d, t in table.items()} == report


def test_no_third_party_output_without_verbose(tmp_path) -> None:
    code = ("import warnings, logging, sys; from hamta.cli import main;"
            "import hamta.commands.split as s;"
            "s.run = lambda a: (warnings.warn('lib says hi'),"
            " logging.getLogger('trafilatura').warning('noise'), 0)[-1];"
            "sys.exit(main(sys.argv[1:]))")
    quiet = subprocess.run([sys.executable, "-c", code, "split", "x"], capture_output=True, text=True,
                           cwd=ROOT)
    assert quiet.returncode == 0 and quiet.stderr == ""
    loud = subprocess.run([sys.executable, "-c", code, "split", "x", "-v"], capture_output=True, text=True,
                          cwd=ROOT)
    assert "lib says hi" in loud.stderr and "noise" in loud.stderr


def test_progress_bars_only_on_a_terminal() -> None:
    from argparse import Namespace

    from hamta.commands.common import show_progress

    assert show_progress(Namespace(quiet=False)) is sys.stderr.isatty()
    assert show_progress(Namespace(quiet=True)) is False
