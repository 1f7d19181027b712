"""Benchmark the translation checks (issue 16) on NTREX dev with seeded corruptions.

The human English of NTREX dev stands in for a translation of the Persian (fa->en) and Arabic (ar->en)
sentences. Each sentence is checked clean (false alarms) and, for every corruption that applies to it,
corrupted once (recall, precision):

* number_changed: one digit number of the English gets another value (a digit changed);
* number_dropped: one digit number is deleted;
* name_replaced: one name (a capitalised word that transliterates to a source word) becomes a name
  from another document; name_dropped: that name is deleted;
* clause_deleted: the longest comma/semicolon clause (or the second half of the words) is deleted;
* clause_appended: a clause from another document's sentence is appended;
* source_copy: the sentence is replaced by its source text; other_language: by the same sentence in the
  other of Persian/Arabic.

The documents are split in two halves (alternate documents, see fit_length_ratio.ntrex_split): the
length model was fitted on "dev", so "heldout" is the honest figure. Source names are learnt as
`hamta check` learns them from its whole input (`hamta.translate.checks.NameLexicon`): from all the
other (clean) sentence pairs of the half, plus the checked pair itself.

Usage:
    python benchmarks/qa_checks.py --data ../shared/data/ntrex-dev [--seed 16] [--parts dev,heldout]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_length_ratio import ntrex_split, read_ntrex  # noqa: E402

from hamta.text.translit import name_similarity  # noqa: E402
from hamta.translate import checks as qa  # noqa: E402

#: corruption -> the flag it must raise (other_language may also read as untranslated)
CORRUPTIONS = {
    "number_changed": {qa.FLAG_NUMBER_MISMATCH},
    "number_dropped": {qa.FLAG_NUMBER_MISMATCH},
    "name_replaced": {qa.FLAG_NAME_MISMATCH},
    "name_dropped": {qa.FLAG_NAME_MISMATCH},
    "clause_deleted": {qa.FLAG_OMISSION},
    "clause_appended": {qa.FLAG_ADDITION},
    "source_copy": {qa.FLAG_UNTRANSLATED},
    "other_language": {qa.FLAG_WRONG_LANGUAGE, qa.FLAG_UNTRANSLATED},
}
_DIGITS_RE = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")
_CLAUSE_RE = re.compile(r"[,;:]\s+")
#: a deleted/appended clause must have at least this many words to count as a clause
MIN_CLAUSE_WORDS = 4
#: a name to drop or replace has at least this many letters ("St", "Ho" are abbreviations, not names)
MIN_NAME_LETTERS = 3
#: ... and this name_similarity to a word of the source (so that dropping it loses a name of the source)
SOURCE_NAME_SIMILARITY = 0.9


def _change_number(text: str, rng: random.Random) -> str | None:
    found = [m for m in _DIGITS_RE.finditer(text) if len(m.group(0).replace(",", "")) >= 1]
    if not found:
        return None
    m = rng.choice(found)
    digits = [i for i, ch in enumerate(m.group(0)) if ch.isdigit()]
    pos = rng.choice(digits)
    old = m.group(0)[pos]
    new = rng.choice([d for d in "123456789" if d != old])
    return text[: m.start() + pos] + new + text[m.start() + pos + 1 :]


def _drop_number(text: str, rng: random.Random) -> str | None:
    found = list(_DIGITS_RE.finditer(text))
    if not found:
        return None
    m = rng.choice(found)
    return re.sub(r"\s{2,}", " ", text[: m.start()] + text[m.end() :]).strip()


def _source_names(source: str, english: str) -> list[str]:
    """Names of the English sentence that transliterate to a word of the source (so a dropped one is a
    real loss)."""
    words = re.findall(r"[^\W\d_]+", source)
    return [n for n in dict.fromkeys(qa.english_names(english))
            if len(n) >= MIN_NAME_LETTERS and "'" not in n
            and (any(name_similarity(n, w) >= SOURCE_NAME_SIMILARITY for w in words) or n in source)]


def _drop_name(english: str, name: str) -> str:
    return re.sub(r"\s{2,}", " ", re.sub(rf"\b{re.escape(name)}(?:'s|’s)?\b", "", english)).strip()


def _delete_clause(text: str) -> str | None:
    parts = _CLAUSE_RE.split(text)
    if len(parts) >= 2:
        longest = max(range(len(parts)), key=lambda k: len(parts[k]))
        if len(parts[longest].split()) >= MIN_CLAUSE_WORDS and len(parts[longest]) < 0.8 * len(text):
            return ", ".join(p for k, p in enumerate(parts) if k != longest)
    words = text.split()
    if len(words) < 2 * MIN_CLAUSE_WORDS:
        return None
    return " ".join(words[: len(words) // 2]) + "."


def _clause_from(other: str) -> str | None:
    parts = [p for p in _CLAUSE_RE.split(other.strip().rstrip(".")) if len(p.split()) >= MIN_CLAUSE_WORDS]
    return max(parts, key=len) if parts else None


def _implied(en: str, bad: str) -> set[str]:
    """Flags a corruption also makes right: a deleted clause that held a number or a name."""
    out = set()
    if sorted(_DIGITS_RE.findall(en)) != sorted(_DIGITS_RE.findall(bad)):
        out.add(qa.FLAG_NUMBER_MISMATCH)
    if set(qa.english_names(en)) - set(qa.english_names(bad)):
        out.add(qa.FLAG_NAME_MISMATCH)
    return out


def corrupt(kind, row, others, rng):
    """The corrupted English for ``kind``, or None when it does not apply to this sentence."""
    doc, src, en, alt = row
    if kind == "number_changed":
        return _change_number(en, rng)
    if kind == "number_dropped":
        return _drop_number(en, rng)
    if kind in ("name_replaced", "name_dropped"):
        names = _source_names(src, en)
        if not names:
            return None
        name = rng.choice(names)
        if kind == "name_dropped":
            return _drop_name(en, name)
        pool = [n for d, ns in others["names"].items() if d != doc for n in ns if n[0] != name[0]]
        return re.sub(rf"\b{re.escape(name)}\b", rng.choice(pool), en)
    if kind == "clause_deleted":
        return _delete_clause(en)
    if kind == "clause_appended":
        for _ in range(10):
            d, other = rng.choice(others["sentences"])
            clause = _clause_from(other) if d != doc else None
            if clause:
                return en.rstrip().rstrip(".") + ", " + clause[0].lower() + clause[1:] + "."
        return None
    if kind == "source_copy":
        return src
    if kind == "other_language":
        return alt
    raise ValueError(kind)


def evaluate(lang: str, part: str, data: Path, seed: int) -> dict:
    split = ntrex_split(data)
    other_lang = "ar" if lang == "fa" else "fa"
    alt = {(d, k): s for k, (d, s, _) in enumerate(read_ntrex(data, other_lang))}
    rows = [(d, s, e, alt[(d, k)]) for k, (d, s, e) in enumerate(read_ntrex(data, lang)) if split[d] == part]
    by_doc: dict[str, list[int]] = defaultdict(list)
    for k, (d, _, _, _) in enumerate(rows):
        by_doc[d].append(k)
    inventory = {d: qa.document_names(rows[k][2] for k in ks) for d, ks in by_doc.items()}
    others = {"names": {d: [n for n in names if n[0].isupper()] for d, names in inventory.items()},
              "sentences": [(d, e) for d, _, e, _ in rows]}
    # the name lexicon of the whole half, as `hamta check` learns it from its whole input; each sentence
    # is checked with the lexicon of the other (clean) sentences plus its own checked pair
    pairs = [(s, e) for _, s, e, _ in rows]
    named = qa.pair_names(pairs, lang, docs=[d for d, _, _, _ in rows])
    lexicon = qa.NameLexicon(lang=lang)
    for (s, e), n in zip(pairs, named, strict=True):
        lexicon.add(s, n, output=e)

    def check(k: int, output: str) -> set[str]:
        d, src = rows[k][0], rows[k][1]
        doc_pairs = [pairs[j] for j in by_doc[d] if j != k] + [(src, output)]
        own = qa.pair_names(doc_pairs, lang)[-1]
        clean = rows[k][2]
        lexicon.add(src, named[k], -1, output=clean)
        lexicon.add(src, own, output=output)
        names = lexicon.names()
        lexicon.add(src, own, -1, output=output)
        lexicon.add(src, named[k], output=clean)
        return {f.flag for f in qa.check_translation(src, output, lang, names=names)}

    rng = random.Random(seed)
    clean_flags: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    tried: Counter[str] = Counter()
    flagged: Counter[str] = Counter()  # flag -> sentences it was raised on (clean + corrupted)
    correct: Counter[str] = Counter()  # ... of which the flag was the injected one
    for k, row in enumerate(rows):
        en = row[2]
        clean = check(k, en)
        clean_flags.update(clean)
        flagged.update(clean)
        for kind, expected in CORRUPTIONS.items():
            bad = corrupt(kind, row, others, rng)
            if bad is None or bad == en:
                continue
            got = check(k, bad)
            tried[kind] += 1
            hits[kind] += bool(got & expected)
            flagged.update(got)
            correct.update(got & (expected | clean | _implied(en, bad)))
    return {"n": len(rows), "clean": clean_flags, "hits": hits, "tried": tried, "flagged": flagged,
            "correct": correct}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/ntrex-dev"))
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--parts", default="dev,heldout", help="document halves to run (default: both)")
    args = parser.parse_args(argv)
    print(f"translation checks on NTREX dev (seed {args.seed})")
    for part in args.parts.split(","):
        for lang in ("fa", "ar"):
            r = evaluate(lang, part, args.data, args.seed)
            print(f"\n{lang}->en, {part} documents, {r['n']} sentences")
            print("| check | false alarms on clean | precision |")
            print("|---|---|---|")
            for flag in qa.CHECK_FLAGS:
                prec = r["correct"][flag] / r["flagged"][flag] if r["flagged"][flag] else float("nan")
                print(f"| {flag} | {r['clean'][flag] / r['n']:.1%} ({r['clean'][flag]}) | {prec:.2f} |")
            print("| corruption | sentences | recall |")
            print("|---|---|---|")
            for kind in CORRUPTIONS:
                n = r["tried"][kind]
                print(f"| {kind} | {n} | {r['hits'][kind] / n if n else float('nan'):.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
