"""Same-event linking: which sentences of *different* articles report the same fact.

Why two steps: articles about one topic read alike, and articles about look-alike events (a quake two
weeks later in the same region, the opening match of the same tournament) read alike too. So the linker

1. decides, for each pair of articles, whether they report the same **event** (`hamta.align.events`:
   dates, phases, shared names, places and figures, text similarity; contradictions rule a pair out;
   the evidence is weighed by a logistic model fit on gold data), and only then
2. links **sentences** of same-event pairs when a second fitted model, over a handful of features
   (similarity of the translations — the pluggable `hamta.align.similarity` view — and of word TF-IDF,
   their neighbourhood margins, mutual rank, shared names and figures, a figure conflict, similarity of
   the folded originals, position), says they report the same fact.

Both models are ``hamta/data/*.json`` files written by ``benchmarks/fit_links.py``; pass other files
with `link_model` / `event_model`. Every decision and link carries its reasons.

Example:
    >>> from hamta.align.links import link_records
    >>> result = link_records(records)  # doctest: +SKIP
    >>> [(e.doc_a, e.doc_b) for e in result.events if e.same_event]  # doctest: +SKIP
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hamta.align.base import Link
from hamta.align.entities import SentenceEntities, extract_entities, figure_matches, shared_figures
from hamta.align.events import (
    BEST_SENTENCE_PAIRS,
    EVENT_FEATURES,
    LEAD_SENTENCES,
    DocProfile,
    EventDecision,
    build_profile,
    contradictions,
    event_features,
    name_weights,
)
from hamta.align.model import LinearModel, load_model
from hamta.align.neighbours import DEFAULT_K, as_matrix, cosine_block, margin_scores, mutual_rank, word_tfidf
from hamta.records import Sentence

__all__ = [
    "EventLinker",
    "LinkResult",
    "Collection",
    "link_records",
    "margin_scores",
    "SENTENCE_FEATURES",
    "DEFAULT_K",
    "DEFAULT_CANDIDATE_DOCS",
    "LINK_MODEL",
    "EVENT_MODEL",
]

log = logging.getLogger("hamta.align.links")

#: shipped model files (hamta/data/)
LINK_MODEL = "link_model.json"
EVENT_MODEL = "event_model.json"
#: each article is compared in full with this many most similar articles (by document TF-IDF); a pair
#: outside every such list is a different event without further work, which keeps large collections fast
DEFAULT_CANDIDATE_DOCS = 10
#: features of a sentence pair, in the order the link model expects them
SENTENCE_FEATURES = (
    "sim", "word_cos", "sim_margin", "word_margin", "mutual_rank", "name_share", "figures_shared",
    "figure_conflict", "orig_cos", "position_gap", "in_lead",
)
#: shared figures beyond this many add nothing more
_MAX_SHARED_FIGURES = 3
#: sentences with fewer word characters than this are not linked (kickers, bylines)
_MIN_CONTENT_CHARS = 12


@dataclass(frozen=True)
class LinkResult:
    """Links (doc_a < doc_b, sorted), document-pair event decisions, profiles and the settings used."""

    links: tuple[Link, ...]
    events: tuple[EventDecision, ...]
    profiles: dict[str, DocProfile] = field(default_factory=dict)
    signature: str = ""


@dataclass
class Collection:
    """Everything computed once per collection: content sentences, their vectors, entities, profiles."""

    content: list[Sentence]
    row_of: dict[tuple[str, int], int]
    rows_by_doc: dict[str, np.ndarray]
    sim: object  # row-normalised matrix of the pluggable similarity (English)
    words: object  # row-normalised word TF-IDF (English)
    orig: object  # row-normalised character n-grams of the folded originals
    doc_vectors: object
    docs: list[str]
    entities: list[SentenceEntities]
    profiles: dict[str, DocProfile]
    name_weight: dict[str, float]
    name_matrix: object  # CSR, content sentences x names (binary)
    name_weights_vector: np.ndarray  # weight of each name column


def _is_content(r: Sentence) -> bool:
    text = r.en if r.en else r.text
    return not r.boilerplate and sum(ch.isalnum() for ch in text) >= _MIN_CONTENT_CHARS


def build_collection(records: Sequence[Sentence], similarity) -> Collection:
    """Vectors, entities and profiles of every content sentence and document of `records`."""
    from hamta.align.similarity import LexicalSimilarity

    by_doc: dict[str, list[Sentence]] = defaultdict(list)
    for r in sorted(records, key=lambda r: (r.doc, r.idx)):
        by_doc[r.doc].append(r)
    content = [r for doc in sorted(by_doc) for r in by_doc[doc] if _is_content(r)]
    english = [r.en if r.en else r.text for r in content]
    sim_a, _ = similarity.encode(english, [])
    originals = [r.text for r in content]
    # The folded originals add what the translations lose (names and numbers in Arabic script shared by
    # Persian and Arabic); English-only collections need not encode the same text twice.
    orig_a = sim_a if originals == english and isinstance(similarity, LexicalSimilarity) else (
        LexicalSimilarity().encode(originals, [])[0])
    entities = [extract_entities(r.en, r.text, r.lang) for r in content]
    docs = sorted(by_doc)
    grouped: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(content):
        grouped[r.doc].append(i)
    rows_by_doc = {d: np.array(grouped[d], dtype=np.int64) for d in docs}
    per_doc_entities: dict[str, dict[int, SentenceEntities]] = defaultdict(dict)
    for r, e in zip(content, entities, strict=True):
        per_doc_entities[r.doc][r.idx] = e
    profiles = {d: build_profile(by_doc[d], per_doc_entities[d]) for d in docs}
    doc_texts = [" ".join(english[i] for i in rows_by_doc[d]) for d in docs]
    weights = name_weights(list(profiles.values()))
    name_matrix, weight_vector = _name_matrix(entities, weights)
    return Collection(
        content=content,
        row_of={(r.doc, r.idx): i for i, r in enumerate(content)},
        rows_by_doc=rows_by_doc,
        sim=as_matrix(sim_a),
        words=word_tfidf(english),
        orig=as_matrix(orig_a),
        doc_vectors=word_tfidf(doc_texts),
        docs=docs,
        entities=entities,
        profiles=profiles,
        name_weight=weights,
        name_matrix=name_matrix,
        name_weights_vector=weight_vector,
    )


def _name_matrix(entities: Sequence[SentenceEntities], weights: dict[str, float]):
    from scipy import sparse

    column = {name: i for i, name in enumerate(sorted(weights))}
    rows, cols = [], []
    for r, e in enumerate(entities):
        for name in e.names:
            rows.append(r)
            cols.append(column[name])
    matrix = sparse.csr_matrix((np.ones(len(rows), dtype=np.float64), (rows, cols)),
                               shape=(len(entities), max(1, len(column))))
    vector = np.zeros(max(1, len(column)))
    for name, i in column.items():
        vector[i] = weights[name]
    return matrix, vector


def candidate_pairs(col: Collection, per_doc: int = DEFAULT_CANDIDATE_DOCS) -> list[tuple[str, str, float]]:
    """Document pairs worth a full comparison: each document with its `per_doc` most similar ones."""
    sim = cosine_block(col.doc_vectors, np.arange(len(col.docs)), np.arange(len(col.docs)))
    np.fill_diagonal(sim, -1.0)
    keep: dict[tuple[int, int], float] = {}
    for i in range(len(col.docs)):
        for j in np.argsort(-sim[i])[:per_doc]:
            if sim[i, j] >= 0:
                a, b = min(i, int(j)), max(i, int(j))
                keep[(a, b)] = float(sim[i, j])
    return [(col.docs[a], col.docs[b], s) for (a, b), s in sorted(keep.items())]


@dataclass(frozen=True)
class PairBlock:
    """Sentence-pair features of one document pair and the link model's probabilities for them."""

    rows_a: np.ndarray
    rows_b: np.ndarray
    features: np.ndarray
    probability: np.ndarray  # shape (len(rows_a), len(rows_b))


def pair_block(col: Collection, a: str, b: str, link_model: LinearModel, k: int = DEFAULT_K) -> PairBlock:
    ra, rb, x = sentence_pair_features(col, a, b, k)
    p = link_model.probability(x).reshape(len(ra), len(rb)) if len(x) else np.zeros((len(ra), len(rb)))
    return PairBlock(ra, rb, x, p)


def document_pair_features(
    col: Collection, a: str, b: str, doc_cosine: float
) -> tuple[np.ndarray, list[str]]:
    """Event features of one document pair (see `hamta.align.events.EVENT_FEATURES`) and reasons."""
    words = cosine_block(col.words, col.rows_by_doc[a], col.rows_by_doc[b])
    if words.size:
        best = np.sort(np.maximum(words.max(axis=1), 0))[::-1][:BEST_SENTENCE_PAIRS]
        best_sentences = float(best.mean())
    else:
        best_sentences = 0.0
    return event_features(col.profiles[a], col.profiles[b], doc_cosine=doc_cosine,
                          best_sentences=best_sentences, idf=col.name_weight)


def sentence_pair_features(
    col: Collection, a: str, b: str, k: int = DEFAULT_K
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features of every (content sentence of a, content sentence of b): (rows_a, rows_b, X).

    X has one row per pair in row-major order (``i * len(rows_b) + j``), columns `SENTENCE_FEATURES`.
    """
    ra, rb = col.rows_by_doc[a], col.rows_by_doc[b]
    na, nb = len(ra), len(rb)
    if not na or not nb:
        return ra, rb, np.zeros((0, len(SENTENCE_FEATURES)))
    sim = cosine_block(col.sim, ra, rb)
    words = cosine_block(col.words, ra, rb)
    orig = cosine_block(col.orig, ra, rb)
    # Weighted Jaccard of the two sentences' names: shared weight over the weight of their union.
    na_m, nb_m = col.name_matrix[ra], col.name_matrix[rb]
    shared = np.asarray((na_m.multiply(col.name_weights_vector) @ nb_m.T).todense(), dtype=np.float64)
    own_a = np.asarray(na_m @ col.name_weights_vector).ravel()
    own_b = np.asarray(nb_m @ col.name_weights_vector).ravel()
    union = own_a[:, None] + own_b[None, :] - shared
    names = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)  # names all use weigh 0
    figs_a = [col.entities[i].figures for i in ra]
    figs_b = [col.entities[j].figures for j in rb]
    matched = figure_matches(figs_a, figs_b)
    shared_figs = np.minimum(matched, _MAX_SHARED_FIGURES)
    both = np.array([bool(f) for f in figs_a])[:, None] & np.array([bool(f) for f in figs_b])[None, :]
    conflict = (both & (matched == 0)).astype(np.float64)
    pos_a = np.arange(na) / max(na - 1, 1)
    pos_b = np.arange(nb) / max(nb - 1, 1)
    lead = (np.arange(na)[:, None] < LEAD_SENTENCES) & (np.arange(nb)[None, :] < LEAD_SENTENCES)
    columns = [
        sim, words, margin_scores(sim, k), margin_scores(words, k), mutual_rank(sim + words), names,
        shared_figs, conflict, orig, np.abs(pos_a[:, None] - pos_b[None, :]), lead.astype(np.float64),
    ]
    return ra, rb, np.stack([c.ravel() for c in columns], axis=1)


def _link_evidence(col: Collection, i: int, j: int, features: np.ndarray) -> tuple[str, ...]:
    """Why two sentences are linked: shared names and figures, and how alike they read."""
    x, y = col.entities[i], col.entities[j]
    named = dict(zip(SENTENCE_FEATURES, features, strict=True))
    out = [f"similarity {named['sim']:.2f} (margin {named['sim_margin']:.2f})"]
    shared = sorted(x.names & y.names, key=lambda t: -col.name_weight.get(t, 1.0))
    if shared:
        out.append("names: " + ", ".join(x.surface.get(t, t) for t in shared[:5]))
    figs = sorted(set(shared_figures(x.figures, y.figures)))
    if figs:
        out.append("figures: " + ", ".join(f"{v:g}" for v in figs[:5]))
    return tuple(out)


class EventLinker:
    """Links sentences that report the same fact across articles of the same event.

    Args:
        similarity: ``"lexical"`` (default), a sentence-transformers model id/path, or a `Similarity`.
        k: neighbours in the margin denominators.
        threshold: link probability at or above which two sentences are linked (default: the link
            model's cross-validated threshold).
        event_threshold: same-event probability for a document pair (default: the event model's).
        max_gap_days: event dates further apart than this rule a pair out (default: fitted, in the event
            model file).
        candidate_docs: each article is compared in full with this many most similar articles.
        link_model, event_model: paths of model files (default: the shipped ones).
        progress: progress bar on stderr.
    """

    def __init__(
        self,
        similarity=None,
        *,
        k: int = DEFAULT_K,
        threshold: float | None = None,
        event_threshold: float | None = None,
        max_gap_days: float | None = None,
        candidate_docs: int = DEFAULT_CANDIDATE_DOCS,
        link_model: str | Path | LinearModel | None = None,
        event_model: str | Path | LinearModel | None = None,
        progress: bool = False,
    ) -> None:
        from hamta.align.similarity import resolve_similarity

        if not isinstance(k, int) or k < 1:
            raise ValueError(f"k must be a positive integer, got {k!r}")
        if not isinstance(candidate_docs, int) or candidate_docs < 1:
            raise ValueError(f"candidate_docs must be a positive integer, got {candidate_docs!r}")
        self.similarity = resolve_similarity(similarity)
        self.k = k
        self.candidate_docs = candidate_docs
        self.link_model = (link_model if isinstance(link_model, LinearModel)
                           else load_model(link_model, LINK_MODEL))
        self.event_model = (event_model if isinstance(event_model, LinearModel)
                            else load_model(event_model, EVENT_MODEL))
        self.link_model.require(SENTENCE_FEATURES, "link model")
        self.event_model.require(EVENT_FEATURES, "event model")
        self.threshold = self.link_model.threshold if threshold is None else float(threshold)
        self.event_threshold = (self.event_model.threshold if event_threshold is None
                                else float(event_threshold))
        gap = self.event_model.constants.get("max_gap_days") if max_gap_days is None else max_gap_days
        self.max_gap_days = float(gap) if gap is not None else float("inf")
        for name, value in (("threshold", self.threshold), ("event_threshold", self.event_threshold)):
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} is a probability between 0 and 1, got {value!r}")
        self.progress = progress
        fitted_with = self.link_model.provenance.get("similarity")
        if fitted_with and fitted_with != self.similarity.signature():
            log.warning("the link model was fit with similarity %s, not %s: its probabilities may be "
                        "off; fit one with `python benchmarks/fit_links.py --similarity ... --output DIR` "
                        "and pass it as link_model", fitted_with, self.similarity.signature())

    def signature(self) -> str:
        return (f"linker:events+links|sim:{self.similarity.signature()}|k:{self.k}|"
                f"threshold:{self.threshold:.3f}|event_threshold:{self.event_threshold:.3f}|"
                f"max_gap_days:{self.max_gap_days:g}")

    def decide_events(self, col: Collection) -> tuple[list[EventDecision], list[Link]]:
        """Same-event decisions for every candidate document pair, with reasons, and the sentence links of
        the same-event pairs. Each pair's feature block is dropped once its links are taken: kept, they
        cost about 1 MB per pair of 100-sentence articles."""
        decisions, links = [], []
        pairs = candidate_pairs(col, self.candidate_docs)
        if self.progress and len(pairs) > 1:
            from tqdm import tqdm

            pairs = tqdm(pairs, desc="compare", unit="pair", leave=False)
        for a, b, cosine in pairs:
            x, reasons = document_pair_features(col, a, b, cosine)
            against = contradictions(col.profiles[a], col.profiles[b], self.max_gap_days)
            p = float(self.event_model.probability(x)[0])
            same = p >= self.event_threshold and not against
            if same:
                links.extend(self._links_of(col, pair_block(col, a, b, self.link_model, self.k)))
            decisions.append(EventDecision(a, b, same, p, tuple(against + reasons)))
        return decisions, links

    def _links_of(self, col: Collection, block: PairBlock) -> list[Link]:
        """The sentence pairs of one same-event block at or above the link threshold, with evidence."""
        ra, rb, p = block.rows_a, block.rows_b, block.probability
        out = []
        for i, j in zip(*np.nonzero(p >= self.threshold), strict=True):
            sa, sb = col.content[ra[i]], col.content[rb[j]]
            evidence = _link_evidence(col, int(ra[i]), int(rb[j]), block.features[i * len(rb) + j])
            out.append(Link(sa.doc, sa.idx, sb.doc, sb.idx, float(p[i, j]), evidence))
        return out

    def link(self, records: Iterable[Sentence]) -> LinkResult:
        """Event decisions and sentence links for `records` (several documents, ``en`` filled)."""
        records = list(records)
        col = build_collection(records, self.similarity)
        decisions, links = self.decide_events(col) if len(col.docs) > 1 else ([], [])
        links.sort(key=lambda lk: (lk.doc_a, lk.idx_a, lk.doc_b, lk.idx_b))
        return LinkResult(tuple(links), tuple(decisions), col.profiles, self.signature())


def link_records(records: Iterable[Sentence], *, similarity=None, **options) -> LinkResult:
    """`EventLinker(similarity, **options).link(records)`."""
    return EventLinker(similarity, **options).link(records)
