"""Fit the same-event linker's models on the events-dev gold and write them as hamta/data/*.json.

What is fit (nothing in the linker is set by hand):
  max_gap_days   event dates further apart rule a document pair out: the midpoint, on a log(1 + days)
                 scale, of the widest gap inside a gold event and the next wider gap between different
                 events (so halving or doubling it keeps the same side of both, where the data allow).
  event model    logistic regression over hamta.align.events.EVENT_FEATURES, on the document pairs that no
                 contradiction rules out; label = same event label.
  link model     logistic regression over hamta.align.links.SENTENCE_FEATURES, on every sentence pair of
                 every gold same-event document pair; label = a gold link of grade >= 1.
  thresholds     each model's decision threshold is the one that maximises F1 on its leave-one-event-out
                 (out-of-fold) probabilities: an event family (an event and its look-alike) is held out,
                 the model is fit on the others and scores the held-out pairs.

Usage:
  python benchmarks/fit_links.py            # fit on events-dev + seeds, write hamta/data/*_model.json
  python benchmarks/fit_links.py --dry-run  # print, write nothing
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from events_dev import EventsDev, load_dev_sets  # noqa: E402

from hamta.align.events import EVENT_FEATURES, days_apart  # noqa: E402
from hamta.align.links import (  # noqa: E402
    SENTENCE_FEATURES,
    Collection,
    build_collection,
    document_pair_features,
    sentence_pair_features,
)
from hamta.align.model import LinearModel  # noqa: E402
from hamta.align.neighbours import DEFAULT_K, cosine_block  # noqa: E402
from hamta.align.similarity import resolve_similarity  # noqa: E402

DATA = ROOT / "hamta" / "data"
#: inverse regularisation strength of both logistic regressions (scikit-learn's default)
REGULARISATION_C = 1.0


@dataclass
class DocPair:
    col: Collection  # the collection it was computed in: features are computed per collection, as at run time
    a: str
    b: str
    cosine: float
    same: bool
    gap: int | None
    families: frozenset[str]
    lookalike: bool  # different events of one family (an event and the look-alike written for it)


@dataclass
class SentBlock:
    a: str
    b: str
    ra: np.ndarray
    rb: np.ndarray
    x: np.ndarray
    y: np.ndarray
    family: str


def prepare(dev_sets: list[EventsDev], similarity) -> tuple[list[DocPair], list[SentBlock]]:
    """Document pairs and gold same-event sentence blocks of each dev set, each in its own collection."""
    pairs, blocks = [], []
    for dev in dev_sets:
        col = build_collection(dev.records, similarity)
        pairs += doc_pairs(col, dev)
        blocks += sentence_blocks(col, dev, dev.same_event_pairs())
    return pairs, blocks


def doc_pairs(col: Collection, dev: EventsDev) -> list[DocPair]:
    n = len(col.docs)
    cos = cosine_block(col.doc_vectors, np.arange(n), np.arange(n))
    out = []
    for i, a in enumerate(col.docs):
        for j in range(i + 1, n):
            b = col.docs[j]
            out.append(DocPair(col, a, b, float(cos[i, j]), dev.event_of[a] == dev.event_of[b],
                               days_apart(col.profiles[a], col.profiles[b]),
                               frozenset({dev.family_of[a], dev.family_of[b]}),
                               dev.family_of[a] == dev.family_of[b] and dev.event_of[a] != dev.event_of[b]))
    return out


def sentence_blocks(col: Collection, dev: EventsDev, pairs, k: int = DEFAULT_K) -> list[SentBlock]:
    blocks = []
    for a, b in sorted(pairs):
        ra, rb, x = sentence_pair_features(col, a, b, k)
        y = np.array([(a, col.content[i].idx, b, col.content[j].idx) in dev.links for i in ra for j in rb],
                     dtype=bool)
        blocks.append(SentBlock(a, b, ra, rb, x, y, dev.family_of[a]))
    return blocks


def fit_gap(pairs: list[DocPair]) -> float:
    """Midpoint (log scale) between the widest gap inside an event and the narrowest gap between an event
    and its look-alike (the different events that read most alike)."""
    lo = max((p.gap for p in pairs if p.same and p.gap is not None), default=0)
    hi = min((p.gap for p in pairs if p.lookalike and p.gap is not None and p.gap > lo), default=4 * lo + 4)
    return round(math.exp((math.log1p(lo) + math.log1p(hi)) / 2) - 1, 2)


def event_training_pairs(pairs: list[DocPair], gap: float) -> list[DocPair]:
    return [p for p in pairs if not (p.lookalike and p.gap is not None and p.gap > gap)]


def fit_logistic(x: np.ndarray, y: np.ndarray, features, threshold: float = 0.5, *,
                 balanced: bool = False) -> LinearModel:
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    clf = LogisticRegression(C=REGULARISATION_C, max_iter=5000, class_weight="balanced" if balanced else None)
    clf.fit((x - mean) / scale, y.astype(int))
    return LinearModel(tuple(features), mean, scale, clf.coef_[0].astype(np.float64),
                       float(clf.intercept_[0]), threshold)


def best_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The probability threshold with the best F1 (midpoint between neighbouring scores)."""
    order = np.argsort(-p)
    ps, ys = p[order], y[order].astype(bool)
    tp = np.cumsum(ys)
    f1 = 2 * tp / (np.arange(1, len(ps) + 1) + ys.sum())
    best = int(np.argmax(f1))
    below = ps[best + 1] if best + 1 < len(ps) else 0.0
    return float((ps[best] + below) / 2)


def event_x(pair: DocPair) -> np.ndarray:
    """The pair's event features, computed in its own collection."""
    x, _ = document_pair_features(pair.col, pair.a, pair.b, pair.cosine)
    return x


def fit_models(pairs: list[DocPair], blocks: list[SentBlock],
               max_gap: float | None = None) -> tuple[LinearModel, LinearModel, float]:
    """Link and event models (thresholds chosen in-sample) from the given training pairs/blocks."""
    xs = np.concatenate([b.x for b in blocks])
    ys = np.concatenate([b.y for b in blocks])
    link = fit_logistic(xs, ys, SENTENCE_FEATURES)
    link = _with_threshold(link, best_threshold(link.probability(xs), ys))
    gap = fit_gap(pairs) if max_gap is None else max_gap
    # The similarity evidence must separate unrelated articles (dated or not) and the look-alikes that no
    # contradiction rules out; the look-alikes that the dates already rule out are not its job.
    train = event_training_pairs(pairs, gap)
    xe = np.stack([event_x(p) for p in train])
    ye = np.array([p.same for p in train])
    event = fit_logistic(xe, ye, EVENT_FEATURES, balanced=True)
    event = _with_threshold(event, best_threshold(event.probability(xe), ye))
    return event, link, gap


def _with_threshold(model: LinearModel, threshold: float) -> LinearModel:
    return LinearModel(model.features, model.mean, model.scale, model.coef, model.intercept, threshold,
                       dict(model.constants), dict(model.provenance))


def out_of_fold(pairs, blocks, families) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Leave-one-family-out probabilities for every usable document pair and every sentence pair."""
    pe = np.zeros(len(pairs))
    ps = [np.zeros(len(b.y)) for b in blocks]
    for fam in families:
        train_pairs = [p for p in pairs if fam not in p.families]
        train_blocks = [b for b in blocks if b.family != fam]
        event, link, _ = fit_models(train_pairs, train_blocks)
        for n, p in enumerate(pairs):
            if fam in p.families:
                pe[n] = event.probability(event_x(p))[0]
        for n, b in enumerate(blocks):
            if b.family == fam:
                ps[n] = link.probability(b.x)
    ye = np.array([p.same for p in pairs])
    return pe, ye, np.concatenate(ps), np.concatenate([b.y for b in blocks])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print the models, write nothing")
    parser.add_argument("--similarity", default="lexical",
                        help="the pluggable similarity: 'lexical' (default) or a sentence-transformers "
                        "model; "
                        "models fit for another similarity go to --output and are passed to hamta with "
                        "--link-model / --event-model")
    parser.add_argument("--output", type=Path, default=DATA, help="folder for the two model files "
                        "(default: hamta/data, the shipped models)")
    args = parser.parse_args(argv)
    dev_sets = load_dev_sets()
    similarity = resolve_similarity(args.similarity)
    pairs, blocks = prepare(dev_sets, similarity)
    families = sorted({f for dev in dev_sets for f in dev.family_of.values()})
    event, link, gap = fit_models(pairs, blocks)
    pe, ye, ps, ys = out_of_fold(pairs, blocks, families)
    kept = np.array([p in event_training_pairs(pairs, gap) for p in pairs])
    event_t = best_threshold(pe[kept], ye[kept])
    link_t = best_threshold(ps, ys)
    stamp = {
        "made_by": f"python benchmarks/fit_links.py --similarity {args.similarity}",
        "data": "../shared/data/events-dev (23 articles, 6 events + 6 look-alikes, links.tsv grade >= 1) "
                "and the "
                "five seeds (000-001 one event; benchmarks/data/seed_links.tsv)",
        "date": dt.date.today().isoformat(),
        "threshold": "maximises F1 of leave-one-event-family-out probabilities",
        "regularisation_C": REGULARISATION_C,
        "similarity": similarity.signature(),
    }
    event = LinearModel(event.features, event.mean, event.scale, event.coef, event.intercept, event_t,
                        {"max_gap_days": gap}, {**stamp, "training_pairs": int(kept.sum()),
                                                "positives": int(ye[kept].sum())})
    link = LinearModel(link.features, link.mean, link.scale, link.coef, link.intercept, link_t, {},
                       {**stamp, "training_pairs": int(len(ys)), "positives": int(ys.sum())})
    print(f"max_gap_days {gap}; event threshold {event_t:.3f}; link threshold {link_t:.3f}")
    for name, model in (("event", event), ("link", link)):
        print(name, {f: round(float(c), 3) for f, c in zip(model.features, model.coef, strict=True)})
    if not args.dry_run:
        for name, model in (("event_model.json", event), ("link_model.json", link)):
            args.output.mkdir(parents=True, exist_ok=True)
            (args.output / name).write_text(json.dumps(model.to_dict(), indent=1) + "\n", encoding="utf-8")
            print("wrote", args.output / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
