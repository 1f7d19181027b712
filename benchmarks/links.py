"""Benchmark same-event linking (hamta.align.links) on events-dev and the seeds, with baselines and at scale.

Dev sets:
  events-dev  ../shared/data/events-dev: 23 fa/ar articles, 6 events + 6 look-alike events, graded gold links
              (read its README). Measured with the shipped models (fit on this same set by
              benchmarks/fit_links.py: an in-sample figure) and under leave-one-event-out: each event family
              (an event and its look-alike) is held out in turn, both models and every fitted constant are
              refit on the other five, and the held-out family's pairs and links are scored.
  seeds       the five seed articles with the reference English; 000-001 must be the one same event; gold
              links in benchmarks/data/seed_links.tsv (sure + possible).
Baselines: plain word TF-IDF cosine over the English with the best threshold chosen on the gold afterwards
(an oracle), for sentence links over all cross-document pairs, and for document pairs.
Robustness: each constant of the linker halved and doubled (models fixed), with the F1 change.
Scale: a synthetic collection (default 50,000 sentences in 500 documents): wall time and peak memory.

Usage:
  python benchmarks/links.py                      # events-dev + seeds + baselines + leave-one-event-out
  python benchmarks/links.py --robustness         # also the halve/double table
  python benchmarks/links.py --scale 50000        # also the scale run
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import fit_links  # noqa: E402
from events_dev import EventsDev, load_dev_sets  # noqa: E402

import hamta.align.entities as entities_mod  # noqa: E402
import hamta.align.events as events_mod  # noqa: E402
import hamta.align.links as links_mod  # noqa: E402
from hamta.align.links import EventLinker  # noqa: E402
from hamta.align.neighbours import cosine_block, word_tfidf  # noqa: E402
from hamta.align.similarity import resolve_similarity  # noqa: E402
from hamta.records import Sentence  # noqa: E402
from hamta.translations import load_reference_records  # noqa: E402

SEED_PAIR = ("000_c9f47b2442972326", "001_4fe6c4b4a26e7727")


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def key(a, ia, b, ib):
    return (a, ia, b, ib) if (a, ia) <= (b, ib) else (b, ib, a, ia)


# -- scoring ----------------------------------------------------------------------------------------------


def score(result, dev: EventsDev, docs: set[str] | None = None) -> dict:
    """Pair and link figures of a LinkResult, restricted to pairs touching `docs` (all when None)."""
    def touches(a, b):
        return docs is None or a in docs or b in docs

    gold_pairs = {p for p in dev.same_event_pairs() if touches(*p)}
    pred_pairs = {(e.doc_a, e.doc_b) for e in result.events if e.same_event and touches(e.doc_a, e.doc_b)}
    gold = {k: g for k, g in dev.links.items() if touches(k[0], k[2])}
    pred = {key(lk.doc_a, lk.idx_a, lk.doc_b, lk.idx_b) for lk in result.links if touches(lk.doc_a, lk.doc_b)}
    sure = {k for k, g in gold.items() if g == 2}
    lookalike = {d for d, e in dev.event_of.items() if e.startswith("hn-")}
    return {
        "pairs": prf(len(pred_pairs & gold_pairs), len(pred_pairs), len(gold_pairs)),
        "wrong_pairs": sorted(pred_pairs - gold_pairs),
        "missed_pairs": sorted(gold_pairs - pred_pairs),
        "links": prf(len(pred & set(gold)), len(pred), len(gold)),
        "links_grade2": prf(len(pred & sure), len(pred), len(sure)),
        "lookalike_links": sum(1 for k in pred if k[0] in lookalike or k[2] in lookalike),
        "n_links": len(pred),
        "tp": len(pred & set(gold)), "n_pred": len(pred), "n_gold": len(gold),
        "pair_tp": len(pred_pairs & gold_pairs), "pair_pred": len(pred_pairs), "pair_gold": len(gold_pairs),
    }


def tfidf_baselines(dev: EventsDev) -> tuple[tuple, tuple]:
    """Best-threshold word TF-IDF cosine: (links P, R, F1, threshold), (pairs P, R, F1, threshold)."""
    content = [r for r in dev.records if not r.boilerplate]
    m = word_tfidf([r.en or r.text for r in content])
    sim = cosine_block(m, np.arange(len(content)), np.arange(len(content)))
    scored = []
    for i in range(len(content)):
        for j in range(i + 1, len(content)):
            a, b = content[i], content[j]
            if a.doc != b.doc:
                scored.append((sim[i, j], key(a.doc, a.idx, b.doc, b.idx) in dev.links))
    links = _best(scored, len(dev.links))
    docs = sorted(dev.event_of)
    texts = [" ".join(r.en for r in content if r.doc == d) for d in docs]
    dm = word_tfidf(texts)
    dsim = cosine_block(dm, np.arange(len(docs)), np.arange(len(docs)))
    gold_pairs = dev.same_event_pairs()
    scored = [(dsim[i, j], (docs[i], docs[j]) in gold_pairs)
              for i in range(len(docs)) for j in range(i + 1, len(docs))]
    return links, _best(scored, len(gold_pairs))


def _best(scored, n_gold):
    scored.sort(key=lambda x: -x[0])
    best = (0.0, 0.0, 0.0, 0.0)
    tp = 0
    for n, (s, ok) in enumerate(scored, 1):
        tp += ok
        p, r, f = prf(tp, n, n_gold)
        if f > best[2]:
            best = (p, r, f, s)
    return best


# -- leave one event out ----------------------------------------------------------------------------------


def leave_one_event_out(dev_sets: list[EventsDev], report: EventsDev) -> dict:
    """Refit everything without each event family and score that family in its own collection; counts
    pooled over the families of `report` (the other sets' families still serve as training data)."""
    pairs, blocks = fit_links.prepare(dev_sets, resolve_similarity("lexical"))
    counts = ("tp", "n_pred", "n_gold", "pair_tp", "pair_pred", "pair_gold", "lookalike_links")
    totals = dict.fromkeys(counts, 0)
    wrong, per_family = [], {}
    for dev in dev_sets:
        for fam in sorted(set(dev.family_of.values())):
            train_pairs = [p for p in pairs if fam not in p.families]
            train_blocks = [b for b in blocks if b.family != fam]
            event, link, gap = fit_links.fit_models(train_pairs, train_blocks)
            result = EventLinker(link_model=link, event_model=event, max_gap_days=gap).link(dev.records)
            docs = {d for d, f in dev.family_of.items() if f == fam}
            s = score(result, dev, docs)
            per_family[fam] = (s["pairs"][2], s["links"][2])
            if dev is not report:
                continue
            for k in totals:
                totals[k] += s[k]
            wrong += s["wrong_pairs"]
    return {
        "pairs": prf(totals["pair_tp"], totals["pair_pred"], totals["pair_gold"]),
        "links": prf(totals["tp"], totals["n_pred"], totals["n_gold"]),
        "wrong_pairs": sorted(set(wrong)),
        "lookalike_links": totals["lookalike_links"],
        "per_family": per_family,
    }


# -- robustness -------------------------------------------------------------------------------------------

#: (label, module, attribute) of every constant that shapes the features or decisions; the two model
#: thresholds and max_gap_days are linker options and are varied through them
CONSTANTS = [
    ("LEAD_SENTENCES", (events_mod, links_mod), "LEAD_SENTENCES"),
    ("HEADER_LINES", (events_mod,), "HEADER_LINES"),
    ("FOOTER_LINES", (events_mod,), "FOOTER_LINES"),
    ("BEST_SENTENCE_PAIRS", (events_mod, links_mod), "BEST_SENTENCE_PAIRS"),
    ("ROUNDING_TOLERANCE", (entities_mod,), "ROUNDING_TOLERANCE"),
    ("_MAX_SHARED_FIGURES", (links_mod,), "_MAX_SHARED_FIGURES"),
    ("_MIN_CONTENT_CHARS", (links_mod,), "_MIN_CONTENT_CHARS"),
]


@contextmanager
def patched(modules, attr, value):
    old = [getattr(m, attr) for m in modules]
    for m in modules:
        setattr(m, attr, value)
    try:
        yield
    finally:
        for m, v in zip(modules, old, strict=True):
            setattr(m, attr, v)


def robustness(dev: EventsDev, base: dict) -> list[tuple]:
    rows = []
    default = EventLinker()
    options = {"k": default.k, "threshold": default.threshold, "event_threshold": default.event_threshold,
               "max_gap_days": default.max_gap_days, "candidate_docs": default.candidate_docs}
    for name, value in options.items():
        for factor in (0.5, 2.0):
            new = value * factor
            if name in ("k", "candidate_docs"):
                new = max(1, int(round(new)))
            if name.endswith("threshold"):
                new = min(new, 1.0)
            s = score(EventLinker(**{name: new}).link(dev.records), dev)
            rows.append((name, value, new, *_changes(s, base)))
    for label, modules, attr in CONSTANTS:
        value = getattr(modules[0], attr)
        for factor in (0.5, 2.0):
            new = value * factor if isinstance(value, float) else max(1, int(round(value * factor)))
            with patched(modules, attr, new):
                s = score(EventLinker().link(dev.records), dev)
            rows.append((label, value, new, *_changes(s, base)))
    return rows


# -- seeds and scale --------------------------------------------------------------------------------------


def seeds_check() -> tuple:
    records = load_reference_records(ROOT / "seeds", ROOT / "seeds" / "reference")
    sure, possible = set(), set()
    for line in (ROOT / "benchmarks" / "data" / "seed_links.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(("#", "doc_a")):
            continue
        a, ia, b, ib, kind = line.split("\t")[:5]
        (sure if kind == "sure" else possible).add(key(a, int(ia), b, int(ib)))
    result = EventLinker().link(records)
    same = [(e.doc_a, e.doc_b) for e in result.events if e.same_event]
    pred = {key(lk.doc_a, lk.idx_a, lk.doc_b, lk.idx_b) for lk in result.links}
    p = len(pred & (sure | possible)) / len(pred) if pred else 0.0
    r = len(pred & sure) / len(sure) if sure else 0.0
    return same, (p, r, 2 * p * r / (p + r) if p + r else 0.0), len(pred)


def seed_pair_in_company() -> list[tuple[str, float]]:
    """The event score of the seed pair 000-001 alone and beside each third seed article: how much a
    collection's document frequencies add to two articles."""
    records = load_reference_records(ROOT / "seeds", ROOT / "seeds" / "reference")
    docs = sorted({r.doc for r in records})
    pair, others = set(docs[:2]), docs[2:]
    out = []
    for third in [None, *others]:
        chosen = pair | ({third} if third else set())
        result = EventLinker().link([r for r in records if r.doc in chosen])
        score = next(e.score for e in result.events if {e.doc_a, e.doc_b} == pair)
        out.append((third or "", score))
    return out


#: content sentences that make an article's lead for `lead_place_check`
LEAD_PLACE_SENTENCES = 2


def lead_place_check(dev: EventsDev) -> tuple[int, list[tuple[str, str, set, set]]]:
    """Would "the leads name different places" be safe evidence against a pair? Count the gold
    same-event pairs it would wrongly rule out."""
    col = links_mod.build_collection(dev.records, resolve_similarity(None))
    lead = {d: set().union(*(col.entities[i].places for i in col.rows_by_doc[d][:LEAD_PLACE_SENTENCES]))
            for d in col.docs}
    same = sorted(dev.same_event_pairs())
    disjoint = [(a, b, lead[a], lead[b]) for a, b in same if lead[a] and lead[b] and not lead[a] & lead[b]]
    return len(same), disjoint


def scale_run(n_sent: int, n_docs: int) -> tuple[float, float, int, tuple[float, float, float]]:
    """Link a synthetic collection: (seconds, peak RSS MiB of this process, links, link P/R/F1)."""
    records = synthetic(n_sent, n_docs)
    t0 = time.perf_counter()
    result = EventLinker().link(records)
    elapsed = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    gold = {key(f"doc{d:04d}", i, f"doc{d + 1:04d}", i) for d in range(0, n_docs, 2)
            for i in range(n_sent // n_docs)}
    pred = {key(lk.doc_a, lk.idx_a, lk.doc_b, lk.idx_b) for lk in result.links}
    return elapsed, rss, len(result.links), prf(len(pred & gold), len(pred), len(gold))


# A letter-for-letter Persian rendering of the synthetic English (not a transliteration: just another
# script, so that the originals differ from the translations).
_PERSIAN_LETTERS = str.maketrans("abcdefghiklmnoprstuvwzABCDEFGHIKLMNOPRSTUVWZ0123456789",
                                 "ابکدیفگهیکلمنوپرستوویزابکدیفگهیکلمنوپرستوویز۰۱۲۳۴۵۶۷۸۹")


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
                english = f"{actor} said " + " ".join(words) + "."
                # The original in Persian script (letter by letter), so the originals are encoded and read
                # for figures and names as in a real fa/ar collection, not skipped as a copy of the English.
                original = english.translate(_PERSIAN_LETTERS)
                records.append(Sentence(doc, i, original, 0, len(original), "fa", en=english))
    return records


def _changes(s: dict, base: dict) -> tuple[float, float]:
    return s["pairs"][2] - base["pairs"][2], s["links"][2] - base["links"][2]


def _fmt(t):
    return f"{t[0]:.3f} | {t[1]:.3f} | {t[2]:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=0, help="also run a synthetic collection of N sentences")
    parser.add_argument("--docs", type=int, default=500, help="documents in the scale run")
    parser.add_argument("--robustness", action="store_true", help="also halve and double each constant")
    parser.add_argument("--no-cv", action="store_true", help="skip leave-one-event-out")
    parser.add_argument("--seed-company", action="store_true",
                        help="also score the seed pair 000-001 alone and with each third seed article")
    parser.add_argument("--lead-places", action="store_true",
                        help="also count gold same-event pairs whose leads name disjoint gazetteer places")
    args = parser.parse_args()

    dev = load_dev_sets()[0]
    t0 = time.perf_counter()
    base = score(EventLinker().link(dev.records), dev)
    elapsed = time.perf_counter() - t0
    (lp, lr, lf, lt), (dp, dr, df, dt_) = tfidf_baselines(dev)
    print("## events-dev (shipped models, fit on events-dev: in-sample)\n")
    print("| what | method | P | R | F1 |\n| --- | --- | --- | --- | --- |")
    print(f"| same-event pairs | hamta | {_fmt(base['pairs'])} |")
    print(f"| same-event pairs | TF-IDF cosine, best threshold ({dt_:.3f}) | {_fmt((dp, dr, df))} |")
    print(f"| links, grade >= 1 | hamta | {_fmt(base['links'])} |")
    print(f"| links, grade 2 (recall of grade-2 links; P counts any gold link) | hamta | "
          f"{base['links'][0]:.3f} | {base['links_grade2'][1]:.3f} | - |")
    print(f"| links, grade >= 1 | TF-IDF cosine, best threshold ({lt:.3f}) | {_fmt((lp, lr, lf))} |")
    print(f"\nwrong pairs: {base['wrong_pairs'] or 'none'}; missed pairs: {base['missed_pairs'] or 'none'}; "
          f"links into look-alike documents: {base['lookalike_links']}; {base['n_links']} links; "
          f"{elapsed:.1f} s")
    print(f"links F1 minus the TF-IDF baseline: {base['links'][2] - lf:+.3f}")
    if not args.no_cv:
        dev_sets = load_dev_sets()
        cv = leave_one_event_out(dev_sets, dev_sets[0])
        print("\n## events-dev, leave one event family out (everything refit without it; the seeds are a 7th "
              "family, always in training when an events-dev family is held out)\n")
        print("| what | P | R | F1 |\n| --- | --- | --- | --- |")
        print(f"| same-event pairs | {_fmt(cv['pairs'])} |")
        print(f"| links, grade >= 1 | {_fmt(cv['links'])} |")
        print(f"\nwrong pairs: {cv['wrong_pairs'] or 'none'}; "
              f"links into look-alikes: {cv['lookalike_links']}")
        print("per family (pairs F1, links F1): " + "; ".join(
            f"{f}: {p:.2f}, {lk:.2f}" for f, (p, lk) in cv["per_family"].items()))
    same, (sp, sr, sf), n = seeds_check()
    verdict = "OK" if same == [SEED_PAIR] else "NOT the expected 000-001"
    print(f"\n## seeds\n\nsame-event pairs: {same}; {verdict}")
    print(f"links: P {sp:.3f} R {sr:.3f} F1 {sf:.3f} ({n} links; P against sure+possible, R against sure)")
    if args.seed_company:
        print("\n## the seed pair in company\n")
        for company, pair_score in seed_pair_in_company():
            print(f"000-001 with {company or 'no other article'}: score {pair_score:.3f} "
                  f"(threshold {EventLinker().event_threshold:.3f})")
    if args.lead_places:
        n_pairs, disjoint = lead_place_check(dev)
        print(f"\n## lead places\n\n{len(disjoint)} of {n_pairs} gold same-event pairs have leads (first "
              f"{LEAD_PLACE_SENTENCES} content sentences) naming gazetteer places with none in common: "
              + "; ".join(f"{a}-{b} {sorted(pa)} vs {sorted(pb)}" for a, b, pa, pb in disjoint))
    if args.robustness:
        print("\n## robustness: each constant halved and doubled (models fixed)\n")
        print("| constant | value | tried | pairs F1 change | links F1 change |")
        print("| --- | --- | --- | --- | --- |")
        for name, value, new, dpair, dlink in robustness(dev, base):
            print(f"| {name} | {value:g} | {new:g} | {dpair:+.3f} | {dlink:+.3f} |")
    if args.scale:
        # A fresh process, so the peak memory is the linking's own (plus imports), not this run's.
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            elapsed, rss, n_links, (p, r, f) = pool.apply(scale_run, (args.scale, args.docs))
        print(f"\n## scale\n\n{args.scale} sentences, {args.docs} documents: {elapsed:.1f} s, peak RSS "
              f"{rss:.0f} MiB (a fresh process: imports, synthetic records and linking), {n_links} links, "
              f"P {p:.3f} R {r:.3f} F1 {f:.3f}; load average at end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
