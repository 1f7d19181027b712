"""Benchmark same-event linking (hamta.align.links) on two dev sets, with naive baselines, and at scale.

Dev sets:
  seeds      the five seed articles with the reference English (seeds/reference); gold links between 000 and
             001 in benchmarks/data/seed_links.tsv (sure + possible, see its header); every link between any
             other pair of documents is wrong.
  textberg   ../shared/data/textberg-dev: doc0.de (compared through its Google translation doc0.google.fr)
             and doc0.fr with the French order shuffled and 30 % of the sentences dropped on each side
             (seeded); gold = the gold beads' sentence pairs that survive.
Baselines: TF-IDF cosine (hamta's lexical similarity, no margin, no entities) with the best threshold chosen
on the gold itself (an oracle), over all cross-document pairs and, for the seeds, also told which pair of
articles reports the same event.
Scale: synthetic collection (default 50,000 sentences in 500 documents), wall time and peak memory.

Usage:
  python benchmarks/links.py                 # both dev sets + baselines
  python benchmarks/links.py --scale 50000   # also the scale run
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hamta.align.links import EventLinker  # noqa: E402
from hamta.records import Sentence  # noqa: E402
from hamta.translations import load_reference_records  # noqa: E402

SHARED = Path(os.environ.get("HAMTA_SHARED", ROOT.parent / "shared"))


def prf(pred: set, sure: set, possible: set = frozenset()) -> tuple[float, float, float]:
    """Precision against sure+possible, recall against sure (word-alignment convention)."""
    tp_p = len(pred & (sure | possible))
    tp_r = len(pred & sure)
    p = tp_p / len(pred) if pred else 0.0
    r = tp_r / len(sure) if sure else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def key(doc_a, idx_a, doc_b, idx_b):
    return (doc_a, idx_a, doc_b, idx_b) if (doc_a, idx_a) <= (doc_b, idx_b) else (doc_b, idx_b, doc_a, idx_a)


# -- dev sets ---------------------------------------------------------------------------------------------


def seeds_set():
    records = load_reference_records(ROOT / "seeds", ROOT / "seeds" / "reference")
    sure, possible = set(), set()
    for line in (ROOT / "benchmarks" / "data" / "seed_links.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(("#", "doc_a")):
            continue
        a, ia, b, ib, kind = line.split("\t")[:5]
        (sure if kind == "sure" else possible).add(key(a, int(ia), b, int(ib)))
    return records, sure, possible


def textberg_set(seed: int = 13, drop: float = 0.3):
    folder = SHARED / "data" / "textberg-dev"
    if not folder.is_dir():
        return None
    de = (folder / "doc0.de").read_text(encoding="utf-8").splitlines()
    fr = (folder / "doc0.fr").read_text(encoding="utf-8").splitlines()
    google = (folder / "doc0.google.fr").read_text(encoding="utf-8").splitlines()
    from hamta.align.base import parse_beads

    beads = parse_beads((folder / "doc0.gold").read_text(encoding="utf-8").splitlines())
    rng = random.Random(seed)
    keep_de = sorted(rng.sample(range(len(de)), round(len(de) * (1 - drop))))
    keep_fr = rng.sample(range(len(fr)), round(len(fr) * (1 - drop)))  # shuffled order
    new_de = {old: new for new, old in enumerate(keep_de)}
    new_fr = {old: new for new, old in enumerate(keep_fr)}
    records = [Sentence("a_de", new_de[i], de[i], 0, len(de[i]), "other", en=google[i]) for i in keep_de]
    records += [Sentence("b_fr", new_fr[j], fr[j], 0, len(fr[j]), "other", en=fr[j]) for j in keep_fr]
    sure = set()
    for bead in beads:
        for i in bead.src:
            for j in bead.tgt:
                if i in new_de and j in new_fr:
                    sure.add(key("a_de", new_de[i], "b_fr", new_fr[j]))
    return records, sure, set()


# -- naive baseline ---------------------------------------------------------------------------------------


def naive_best(records, sure, possible, only_pair=None):
    """Best F1 over thresholds of plain TF-IDF cosine between content sentences of different documents."""
    from hamta.align.links import _block, _normalized
    from hamta.align.similarity import LexicalSimilarity

    content = [r for r in records if not r.boilerplate]
    vecs, _ = LexicalSimilarity().encode([r.en or r.text for r in content], [])
    vecs = _normalized(vecs)
    rows = np.arange(len(content))
    sim = _block(vecs, rows, rows)
    scored = []
    for i in range(len(content)):
        for j in range(i + 1, len(content)):
            a, b = content[i], content[j]
            if a.doc == b.doc:
                continue
            if only_pair and {a.doc, b.doc} != set(only_pair):
                continue
            scored.append((sim[i, j], key(a.doc, a.idx, b.doc, b.idx)))
    scored.sort(key=lambda x: -x[0])
    best = (0.0, 0.0, 0.0, 0.0)
    pred: set = set()
    for s, k in scored:
        pred.add(k)
        p, r, f = prf(pred, sure, possible)
        if f > best[2]:
            best = (p, r, f, s)
    return best


def run_linker(records, sure, possible, **options):
    t0 = time.perf_counter()
    result = EventLinker(**options).link(records)
    dt = time.perf_counter() - t0
    pred = {key(lk.doc_a, lk.idx_a, lk.doc_b, lk.idx_b) for lk in result.links}
    return (*prf(pred, sure, possible), len(pred), dt, result)


# -- scale ------------------------------------------------------------------------------------------------


def synthetic(n_sent: int, n_docs: int, seed: int = 0) -> list[Sentence]:
    """Documents in pairs reporting the same synthetic event (shared actor, numbers, reworded facts)."""
    rng = random.Random(seed)
    vocab = [f"w{rng.randrange(10**6):06d}" for _ in range(20000)]
    topic = [f"t{k}" for k in range(200)]
    per_doc = n_sent // n_docs
    records = []
    def word(n: int) -> str:
        return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(n))

    for d in range(0, n_docs, 2):
        actor = f"{word(3).title()} {word(4).title()}"
        facts = [[rng.choice(vocab) for _ in range(6)] + [str(rng.randrange(100, 10**6))]
                 for _ in range(per_doc)]
        for side in (0, 1):
            doc = f"doc{d + side:04d}"
            for i, fact in enumerate(facts):
                words = fact + [rng.choice(topic) for _ in range(6)]
                if side:
                    words = words[:]
                    rng.shuffle(words)
                text = f"{actor} said " + " ".join(words) + "."
                records.append(Sentence(doc, i, text, 0, len(text), "en", en=text))
    return records


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=int, default=0, help="also run a synthetic collection of N sentences")
    parser.add_argument("--docs", type=int, default=500, help="documents in the scale run")
    args = parser.parse_args()

    rows = []
    seeds = seeds_set()
    tb = textberg_set()
    for name, data in (("seeds", seeds), ("textberg-dev (shuffled, 30% dropped)", tb)):
        if data is None:
            print(f"{name}: skipped (../shared/data/textberg-dev not found)")
            continue
        records, sure, possible = data
        p, r, f, n, dt, result = run_linker(records, sure, possible)
        rows.append((name, "hamta EventLinker (default)", p, r, f, n, f"{dt:.2f}s"))
        bp, br, bf, bt = naive_best(records, sure, possible)
        rows.append((name, f"TF-IDF cosine, best threshold ({bt:.2f})", bp, br, bf, "", ""))
        if name == "seeds":
            same = [(e.doc_a, e.doc_b) for e in result.events if e.same_event]
            print(f"seeds: same-event document pairs: {same}")
            pair = ("000_c9f47b2442972326", "001_4fe6c4b4a26e7727")
            bp, br, bf, bt = naive_best(records, sure, possible, only_pair=pair)
            rows.append((name, f"TF-IDF cosine, told the pair, best thr ({bt:.2f})", bp, br, bf, "", ""))
    print("\n| set | method | P | R | F1 | links | time |\n| --- | --- | --- | --- | --- | --- | --- |")
    for name, method, p, r, f, n, t in rows:
        print(f"| {name} | {method} | {p:.3f} | {r:.3f} | {f:.3f} | {n} | {t} |")

    if args.scale:
        records = synthetic(args.scale, args.docs)
        sure = set()
        by = {}
        for rec in records:
            by.setdefault(rec.doc, []).append(rec)
        for d in range(0, args.docs, 2):
            for i in range(len(by.get(f"doc{d:04d}", []))):
                sure.add(key(f"doc{d:04d}", i, f"doc{d + 1:04d}", i))
        try:
            import faiss  # noqa: F401

            ann = "faiss"
        except ImportError:
            ann = "numpy"
        t0 = time.perf_counter()
        result = EventLinker().link(records)
        dt = time.perf_counter() - t0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        pred = {key(lk.doc_a, lk.idx_a, lk.doc_b, lk.idx_b) for lk in result.links}
        p, r, f = prf(pred, sure)
        print(f"\nscale: {len(records)} sentences, {args.docs} documents, ann={ann}: {dt:.1f} s, "
              f"peak RSS {rss:.0f} MiB, {len(result.links)} links, P {p:.3f} R {r:.3f} F1 {f:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
