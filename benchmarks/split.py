"""Sentence-splitting benchmark: boundary F1 on NTREX news documents, hamta beside its peers.

Each NTREX document (``dev.docids`` groups the line-aligned sentences) becomes running text:

    headline (the document's first line) + "\\n" + the other sentences joined

with two joins of the other sentences:

* ``space``: one space between sentences;
* ``nospace``: a sentence is glued directly to the one before when that one's last character is
  ``. ! ? ؟ …`` (``...شود.محمود``); otherwise (no final punctuation, or a closing quote/bracket after
  it, ``.»`` / ``."``) one space is kept;
* ``nospace+q`` (extra, not a target): also glued after closing quotes/brackets (``."Next``).

Gold boundaries are the offsets where each sentence after the first starts; a system's boundaries are
the starts of its sentences after the first. Boundary precision/recall/F1 are micro-averaged over
documents. NTREX lines that hold two sentences (found as lines hamta splits alone, then read; see
``ntrex_two_sentence_lines.tsv``) add their inner boundary to the gold; ``F1 strict`` leaves them out.

Peers (each optional; "n/a (not installed)" when missing): hazm's SentenceTokenizer (fa, ar),
sentence-splitter (Moses rules; it has no fa/ar prefix list, so fa/ar use the English non-breaking
prefixes, as NLLB's tooling falls back to), pysbd (its fa/ar/en rules, ``clean=False``). Peers get the
same text, paragraph by paragraph (split at line breaks, as hamta treats them), and their sentences are
mapped back to offsets by counting non-space characters.

Usage:
    python benchmarks/split.py [--data ../shared/data/ntrex-dev] [--show-internal] [--errors N]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hamta.text.split import split  # noqa: E402

_FINAL = ".!?؟…"
TWO_SENTENCE_LINES = Path(__file__).resolve().with_name("ntrex_two_sentence_lines.tsv")
_CLOSING = "»”’\"')]}"

Splitter = Callable[[str], list[str]]


def default_data() -> Path:
    shared = os.environ.get("HAMTA_SHARED")
    root = Path(shared) if shared else Path(__file__).resolve().parents[2] / "shared"
    return root / "data" / "ntrex-dev"


def load_documents(data: Path, lang: str) -> list[list[tuple[int, str]]]:
    """The documents of ``dev.<lang>``: lists of (1-based line number, stripped sentence)."""
    ids = (data / "dev.docids").read_text(encoding="utf-8").splitlines()
    lines = (data / f"dev.{lang}").read_text(encoding="utf-8").splitlines()
    if len(ids) != len(lines):
        raise SystemExit(f"{data}: dev.docids has {len(ids)} lines but dev.{lang} has {len(lines)}")
    docs: list[list[tuple[int, str]]] = []
    prev = None
    for lineno, (doc_id, line) in enumerate(zip(ids, lines, strict=True), 1):
        if doc_id != prev:
            docs.append([])
            prev = doc_id
        if line.strip():
            docs[-1].append((lineno, line.strip()))
    return [d for d in docs if d]


def load_two_sentence_lines(lang: str) -> dict[int, list[int]]:
    """Inspected gold lines holding two sentences: line number -> offsets of the extra sentence starts."""
    extra: dict[int, list[int]] = {}
    for row in TWO_SENTENCE_LINES.read_text(encoding="utf-8").splitlines():
        if row.startswith("#") or not row.strip():
            continue
        row_lang, lineno, offset, _ = row.split("\t", 3)
        if row_lang == lang:
            extra.setdefault(int(lineno), []).append(int(offset))
    return extra


def ends_with_final(sentence: str, closers: bool = False) -> bool:
    """Is the sentence's last character final punctuation (``closers``: or closing quotes after it)?"""
    if closers:
        sentence = sentence.rstrip(_CLOSING)
    return sentence[-1:] in tuple(_FINAL)


def join_document(
    doc: list[tuple[int, str]], join: str, extra: dict[int, list[int]] | None = None
) -> tuple[str, list[int], list[int]]:
    """Running text of one document, its strict gold boundaries and the inspected extra ones.

    Boundaries are the start offsets of sentences 2..n; ``extra`` adds the second sentence of gold
    lines that hold two (from ``ntrex_two_sentence_lines.tsv``).
    """
    sentences = [text for _, text in doc]
    text = ""
    gold: list[int] = []
    added: list[int] = []
    for k, (lineno, sentence) in enumerate(doc):
        if k == 1:
            text += "\n"
        elif k > 1 and (join == "space" or not ends_with_final(sentences[k - 1], join == "nospace+q")):
            text += " "
        if k:
            gold.append(len(text))
        added.extend(len(text) + off for off in (extra or {}).get(lineno, []))
        text += sentence
    return text, gold, added


def starts_from_strings(text: str, sentences: list[str]) -> list[int]:
    """Start offsets in ``text`` of a peer's sentences, found by counting non-space characters.

    Peers return strings, not offsets; they keep every non-space character in order (checked), so the
    n-th non-space character of the text starts the sentence that the counts say it starts.
    """
    positions = [i for i, ch in enumerate(text) if not ch.isspace()]
    starts = []
    count = 0
    for sentence in sentences:
        size = sum(1 for ch in sentence if not ch.isspace())
        if size == 0:
            continue
        if count < len(positions):
            starts.append(positions[count])
        count += size
    if count != len(positions):
        raise RuntimeError(f"peer changed the text ({count} vs {len(positions)} non-space characters)")
    return starts


def boundaries(text: str, splitter: Splitter) -> set[int]:
    """Sentence starts (after the first) predicted by a string splitter, run paragraph by paragraph."""
    out: set[int] = set()
    offset = 0
    for paragraph in text.split("\n"):
        out.update(offset + s for s in starts_from_strings(paragraph, splitter(paragraph)))
        offset += len(paragraph) + 1
    first = next((i for i, ch in enumerate(text) if not ch.isspace()), 0)
    out.discard(first)
    return out


def hamta_splitter(lang: str) -> Callable[[str], set[int]]:
    def run(text: str) -> set[int]:
        return {s.start for s in split(text, lang)[1:]}

    return run


def peer_splitters(lang: str) -> dict[str, Splitter | str]:
    """Peers for ``lang``: a callable, or a string saying why the cell is empty."""
    peers: dict[str, Splitter | str] = {}
    try:
        from hazm import SentenceTokenizer

        peers["hazm"] = SentenceTokenizer().tokenize if lang in ("fa", "ar") else "n/a (fa/ar only)"
    except ImportError:
        peers["hazm"] = "n/a (not installed)"
    try:
        from sentence_splitter import SentenceSplitter

        peers["moses (sentence-splitter)"] = SentenceSplitter(language="en").split
    except ImportError:
        peers["moses (sentence-splitter)"] = "n/a (not installed)"
    try:
        import pysbd

        segmenter = pysbd.Segmenter(language=lang, clean=False)
        peers["pysbd"] = segmenter.segment
    except ImportError:
        peers["pysbd"] = "n/a (not installed)"
    except ValueError:
        peers["pysbd"] = f"n/a (no {lang} rules)"
    return peers


Doc = tuple[str, list[int], list[int]]


def score(docs: list[Doc], predict: Callable[[str], set[int]], strict: bool = False) -> tuple[float, ...]:
    """Micro boundary P/R/F1 (+ counts); gold = the lines' boundaries, plus the inspected extra ones
    unless ``strict``."""
    tp = fp = fn = 0
    for text, gold, extra in docs:
        pred = predict(text)
        gold_set = set(gold) if strict else set(gold) | set(extra)
        tp += len(pred & gold_set)
        fp += len(pred - gold_set)
        fn += len(gold_set - pred)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, tp, fp, fn


def internal_lines(documents: list[list[tuple[int, str]]], lang: str) -> list[tuple[int, str]]:
    """Gold lines in which hamta finds a sentence boundary when the line is split on its own."""
    return [(n, line) for doc in documents for n, line in doc if len(split(line, lang)) > 1]


def show_errors(docs: list[Doc], lang: str, limit: int) -> None:
    shown = 0
    for text, gold, extra in docs:
        pred = {s.start for s in split(text, lang)[1:]}
        for pos in sorted(pred ^ (set(gold) | set(extra))):
            kind = "FP" if pos in pred else "FN"
            print(f"  {kind} {text[max(0, pos - 50) : pos]!r} | {text[pos : pos + 30]!r}")
            shown += 1
            if shown >= limit:
                return


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=default_data(), help="NTREX dev folder")
    parser.add_argument("--langs", nargs="+", default=["fa", "ar", "en"])
    parser.add_argument("--show-internal", action="store_true", help="list gold lines with 2 sentences")
    parser.add_argument("--errors", type=int, default=0, help="print up to N hamta errors per cell")
    args = parser.parse_args(argv)
    if not (args.data / "dev.docids").is_file():
        print(f"NTREX dev data not found at {args.data} (set --data or HAMTA_SHARED)", file=sys.stderr)
        return 2

    rows = []
    notes = []
    for lang in args.langs:
        documents = load_documents(args.data, lang)
        extra = load_two_sentence_lines(lang)
        joins = ["space", "nospace", "nospace+q"] if lang in ("fa", "ar") else ["space"]
        internal = internal_lines(documents, lang)
        notes.append(
            f"{lang}: {len(documents)} documents, {sum(map(len, documents))} lines, "
            f"{sum(len(d) - 1 for d in documents)} line boundaries; hamta splits {len(internal)} lines "
            f"alone, {len(extra)} of them checked to hold two sentences "
            f"(+{sum(map(len, extra.values()))} gold boundaries)"
        )
        if args.show_internal:
            notes.extend(f"    [{lang} {n}{' two' if n in extra else ''}] {line}" for n, line in internal)
        peers = peer_splitters(lang)
        for join in joins:
            docs = [join_document(d, join, extra) for d in documents]
            systems: dict[str, Callable[[str], set[int]] | str] = {"hamta": hamta_splitter(lang)}
            for name, peer in peers.items():
                systems[name] = peer if isinstance(peer, str) else (lambda t, p=peer: boundaries(t, p))
            for name, system in systems.items():
                if isinstance(system, str):
                    rows.append((lang, join, name, system))
                    continue
                start = time.perf_counter()
                p, r, f, tp, fp, fn = score(docs, system)
                strict_f = score(docs, system, strict=True)[2]
                secs = time.perf_counter() - start
                rows.append(
                    (
                        lang,
                        join,
                        name,
                        f"{f:.3f}",
                        f"{p:.3f}",
                        f"{r:.3f}",
                        str(tp),
                        str(fp),
                        str(fn),
                        f"{strict_f:.3f}",
                        f"{secs:.2f}",
                    )
                )
            if args.errors:
                print(f"hamta errors, {lang}/{join}:")
                show_errors(docs, lang, args.errors)

    header = ("lang", "join", "system", "F1", "P", "R", "TP", "FP", "FN", "F1 strict", "sec")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        cells = list(row) + [""] * (len(header) - len(row))
        print("| " + " | ".join(cells) + " |")
    print()
    print("F1/P/R: gold = NTREX line breaks + the second sentence of inspected two-sentence lines;")
    print("F1 strict: NTREX line breaks only. sec: time for both scorings.")
    for note in notes:
        print(note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
