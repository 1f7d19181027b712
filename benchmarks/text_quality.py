"""Benchmark: language identification accuracy and boilerplate precision/recall (issue 3, items 4-5).

Usage:
    python benchmarks/text_quality.py [--shared ../shared]

Prints markdown tables:

1. langid accuracy on NTREX-128 dev sentences of three or more words (fa / ar / en, and overall), plus
   two stress rows that swap the yeh/kaf convention (Persian typed with Arabic ي ك, Arabic typed with
   Persian ی ک) and the share of Text+Berg German/French sentences labelled ``other``;
2. boilerplate precision/recall per line against seeds/reference/boilerplate.tsv, for
   ``boilerplate_kind`` (line alone) and ``flag_boilerplate`` (document context); "any kind" counts a
   flagged line as right when the reference flags it at all, "exact kind" also needs the same kind;
3. the same on tests/fixtures/boilerplate_invented.tsv, and false alarms on NTREX news sentences.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hamta.text.boilerplate import boilerplate_kind, flag_boilerplate  # noqa: E402
from hamta.text.langid import detect_language  # noqa: E402

SWAP = {"fa": str.maketrans("یک", "يك"), "ar": str.maketrans("يك", "یک")}


def _lines(path: Path, min_words: int = 3) -> list[str]:
    return [s for s in path.read_text(encoding="utf-8").splitlines() if len(s.split()) >= min_words]


def langid_table(shared: Path) -> list[tuple[str, int, int, float]]:
    """Rows (set, correct, total, seconds)."""
    ntrex = shared / "data" / "ntrex-dev"
    rows = []
    total_ok = total_n = 0
    total_s = 0.0
    for lang in ("fa", "ar", "en"):
        lines = _lines(ntrex / f"dev.{lang}")
        t0 = time.perf_counter()
        ok = sum(detect_language(s) == lang for s in lines)
        secs = time.perf_counter() - t0
        rows.append((f"NTREX dev {lang}", ok, len(lines), secs))
        total_ok, total_n, total_s = total_ok + ok, total_n + len(lines), total_s + secs
    rows.append(("NTREX dev overall", total_ok, total_n, total_s))
    for lang, label in (
        ("fa", "fa typed with Arabic ي ك (stress)"),
        ("ar", "ar typed with Persian ی ک (stress)"),
    ):
        lines = [s.translate(SWAP[lang]) for s in _lines(ntrex / f"dev.{lang}")]
        t0 = time.perf_counter()
        ok = sum(detect_language(s) == lang for s in lines)
        rows.append((label, ok, len(lines), time.perf_counter() - t0))
    textberg = shared / "data" / "textberg-dev"
    for lang in ("de", "fr"):
        path = textberg / f"doc0.{lang}"
        if path.is_file():
            lines = _lines(path)
            t0 = time.perf_counter()
            ok = sum(detect_language(s) == "other" for s in lines)
            rows.append((f"Text+Berg {lang} -> other", ok, len(lines), time.perf_counter() - t0))
    return rows


def _prf(predicted: set, gold: set) -> tuple[float, float, int, int, int]:
    tp = len(predicted & gold)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(gold) if gold else 1.0
    return precision, recall, tp, len(predicted), len(gold)


def _score(pred: Iterable[tuple[str, int, str]], gold: set[tuple[str, int, str]]) -> dict[str, tuple]:
    pred = set(pred)
    return {
        "any kind": _prf({p[:2] for p in pred}, {g[:2] for g in gold}),
        "exact kind": _prf(pred, gold),
    }


def seeds_table() -> dict[str, dict[str, tuple]]:
    ref = ROOT / "seeds" / "reference"
    gold = set()
    for row in (ref / "boilerplate.tsv").read_text(encoding="utf-8").splitlines():
        if row.strip():
            doc, idx, kind = row.split("\t")
            gold.add((doc, int(idx), kind))
    per_line, in_context = [], []
    for path in sorted(ref.glob("*.seg.txt")):
        doc = path.name[:3]
        lines = path.read_text(encoding="utf-8").splitlines()
        lang = detect_language("\n".join(lines))
        for idx, line in enumerate(lines):
            kind = boilerplate_kind(line, lang)
            if kind:
                per_line.append((doc, idx, kind))
        for idx, kind in enumerate(flag_boilerplate(lines, lang)):
            if kind:
                in_context.append((doc, idx, kind))
    return {"boilerplate_kind": _score(per_line, gold), "flag_boilerplate": _score(in_context, gold)}


def invented_table() -> dict[str, tuple]:
    gold, pred = set(), set()
    for i, row in enumerate(
        (ROOT / "tests" / "fixtures" / "boilerplate_invented.tsv").read_text("utf-8").splitlines()
    ):
        if not row or row.startswith("#"):
            continue
        lang, kind, line = row.split("\t")
        if kind != "-":
            gold.add(("inv", i, kind))
        got = boilerplate_kind(line, lang)
        if got:
            pred.add(("inv", i, got))
    return _score(pred, gold)


def ntrex_false_alarms(shared: Path) -> tuple[int, int, int]:
    """(lines flagged alone, lines flagged in document context, lines) over all NTREX dev lines."""
    ntrex = shared / "data" / "ntrex-dev"
    docids = (ntrex / "dev.docids").read_text(encoding="utf-8").splitlines()
    alone = context = n = 0
    for lang in ("fa", "ar", "en"):
        lines = (ntrex / f"dev.{lang}").read_text(encoding="utf-8").splitlines()
        n += len(lines)
        alone += sum(boilerplate_kind(s, lang) is not None for s in lines)
        docs: dict[str, list[str]] = {}
        for doc, line in zip(docids, lines, strict=True):
            docs.setdefault(doc, []).append(line)
        context += sum(
            k is not None for doc_lines in docs.values() for k in flag_boilerplate(doc_lines, lang)
        )
    return alone, context, n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the shared data folder")
    args = parser.parse_args()
    if not (args.shared / "data" / "ntrex-dev").is_dir():
        print(f"benchmark: {args.shared}/data/ntrex-dev not found (use --shared)", file=sys.stderr)
        return 2

    print("### Language identification (sentences of >= 3 words)\n")
    print("| set | correct | total | accuracy | sentences/s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, ok, n, secs in langid_table(args.shared):
        print(f"| {name} | {ok} | {n} | {100 * ok / n:.2f} % | {n / max(secs, 1e-9):,.0f} |")

    print("\n### Boilerplate, five seeds (seeds/reference/boilerplate.tsv, per line)\n")
    print("| function | match | precision | recall | TP / predicted / gold |")
    print("| --- | --- | ---: | ---: | --- |")
    for fn, scores in seeds_table().items():
        for match, (p, r, tp, npred, ngold) in scores.items():
            print(f"| {fn} | {match} | {p:.3f} | {r:.3f} | {tp} / {npred} / {ngold} |")

    print("\n### Boilerplate, invented fa/ar/en furniture (tests/fixtures/boilerplate_invented.tsv)\n")
    print("| function | match | precision | recall | TP / predicted / gold |")
    print("| --- | --- | ---: | ---: | --- |")
    for match, (p, r, tp, npred, ngold) in invented_table().items():
        print(f"| boilerplate_kind | {match} | {p:.3f} | {r:.3f} | {tp} / {npred} / {ngold} |")

    alone, context, n = ntrex_false_alarms(args.shared)
    print("\n### Boilerplate false alarms on NTREX dev news lines (all content)\n")
    print("| function | flagged | lines |")
    print("| --- | ---: | ---: |")
    print(f"| boilerplate_kind | {alone} | {n} |")
    print(f"| flag_boilerplate (per document) | {context} | {n} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
