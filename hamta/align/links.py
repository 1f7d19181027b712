"""Same-event linking: which sentences of *different* articles report the same fact.

Why not plain similarity: articles about one topic ("Iran-Iraq telecom cooperation") all read alike,
so the nearest sentence of another article is usually on-topic but about something else. The linker
therefore works in two steps, both driven by evidence that survives rewording:

1. **Events (document pairs).** Each article gets a who/where/when profile (`DocProfile`): the people it
   names (pronouns and titles such as "he", "the minister" count for the article's main actor), places,
   dates normalised across the Solar Hijri, lunar Hijri and Gregorian calendars, and weekdays. Two articles
   report the same event when their actors agree (cosine of mention counts), their dates do not
   contradict each other, or when they are close to translations of each other (many near-duplicate
   sentences). Only such pairs are linked.
2. **Sentences.** Within a same-event pair, each sentence pair is scored by a *margin*: its similarity
   divided by the average similarity of both sentences to their k nearest neighbours in the other
   article, which suppresses "hub" sentences that resemble everything. The similarity mixes the pluggable
   `hamta.align.similarity` view (character n-grams of the translation, by default) with a content-word
   view that drops news framing words ("said", "stressed", "referring to") and words present in most
   sentences of the collection. Shared specific entities (numbers, dates, people other than the main
   actors, organisations) add to the score; a person or number that the other article never mentions
   takes from it. A pair is linked when its score passes `threshold` and it is among the `k` best
   partners of one of its two sentences. Every link carries its evidence.

Large collections (more than `ann_above` sentences) find candidate document pairs and neighbours with
approximate nearest neighbours (faiss when installed — extra ``ann`` — else blocked numpy), so memory
stays O(n·k).

Example:
    >>> from hamta.align.links import link_records
    >>> result = link_records(records)  # doctest: +SKIP
    >>> [(e.doc_a, e.doc_b) for e in result.events if e.same_event]  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from hamta.align.base import Link
from hamta.align.entities import SentenceEntities, extract_entities
from hamta.records import Sentence

__all__ = [
    "DocProfile",
    "EventMatch",
    "LinkResult",
    "EventLinker",
    "link_records",
    "margin_scores",
    "DEFAULT_K",
    "DEFAULT_THRESHOLD",
    "DEFAULT_EVENT_THRESHOLD",
]

log = logging.getLogger("hamta.align.links")

#: neighbours used for margin scoring and the top-k condition
DEFAULT_K = 3
#: minimum link score (margin + entity evidence); a margin of 1 means "as similar as an average neighbour"
DEFAULT_THRESHOLD = 1.1
#: minimum document-pair event score to link two articles at all
DEFAULT_EVENT_THRESHOLD = 0.5
#: above this many content sentences candidate pairs come from approximate nearest neighbours
DEFAULT_ANN_ABOVE = 3000
#: weight of a non-lexical similarity (sentence embeddings) in the mixed sentence similarity; the rest
#: is the content-word view. With the default lexical similarity only the content-word view is used:
#: on the seed dev set the character n-gram view added topic noise (see docs/benchmarks.md).
EMBEDDING_WEIGHT = 0.5
#: sentences with fewer content words than this are never linked (kickers such as "He said:")
_MIN_CONTENT_WORDS = 3

_STOP = frozenset(
    """the a an and or of in on at to for from by with as is are was were be been being he she it they we
    i you his her its their our this that these those there here also but if when while after before
    during under over between about according which who whom whose what will would can could should may
    might must has have had do does did not no so such than then other others another into out up down
    both each all any some more most very well one two new us him them me my your itself himself this
    year years today yesterday day days""".split()
)
#: news framing: how a fact is reported, not what it is
_FRAMING = frozenset(
    """said says saying say added adding stated stating state announced announcing announce reported
    report reporting told tell noted noting stressed stressing emphasized emphasised emphasizing pointed
    pointing point referred referring refer regarding regard expressed expressing express hope hoped
    described describing describe outlined outlining went continued continuing explained explaining
    further including among mentioned mentioning spoke speaking asked asking according news agency
    believes believed considered considering called calling""".split()
)
#: news-event vocabulary: reporters vary these words freely, so each class is compared as one word
_EVENT_CLASSES = {
    "talks": "talks negotiations negotiation negotiate negotiated discussions discussion discuss discussed "
             "consultations consultation consult consulted conferred",
    "meeting": "meeting meetings met meet session sessions",
    "team": "team teams delegation delegations",
    "agreement": "agreement agreements memorandum memorandums accord accords deal deals pact treaty",
    "sign": "sign signed signing signs inked",
    "visit": "visit visits visited visiting trip trips travel travelled traveled arrived arrival",
    "cooperation": "cooperation cooperate cooperating collaboration collaborate partnership",
    "journalists": "journalists reporters press",
    "committee": "committee committees commission panel",
    "killed": "killed dead died deaths death",
    "attack": "attack attacks attacked assault strike strikes bombing",
}
_EVENT_WORD = {w: cls for cls, words in _EVENT_CLASSES.items() for w in words.split()}
_PRONOUN_RE = re.compile(r"\b(?:he|she|his|her|him)\b|^(?:the|this|that)\s", re.IGNORECASE)
_TITLE_RE = re.compile(
    r"\b(?:minister|president|ambassador|spokesman|spokesperson|official|envoy|chief|head)\b", re.IGNORECASE
)
_WORD_RE = re.compile(r"\w+")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# ---------------------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class DocProfile:
    """Who, where and when of one article.

    Attributes:
        doc: document id.
        actors: person key -> weight (explicit mentions, plus pronoun/title mentions of the main actor).
        names: person key -> the longest surface form seen (for display and evidence).
        main_actor: the most mentioned person (the referent of "he", "the minister"), or None.
        places: place names mentioned.
        dates: complete dates as Julian day numbers.
        orgs: organisation names / acronyms mentioned.
        sentences: number of content sentences.
        numbers: specific quantities mentioned (>= 10, not years): shared ones tie reports together.
        roles: nationality -> person key, learned from "his Iraqi counterpart Hassan al-Rashed" and the
            like, so "Iraq's minister" later in the article resolves to that person.
    """

    doc: str
    actors: dict[str, float]
    names: dict[str, str]
    main_actor: str | None
    places: frozenset[str]
    dates: tuple[int, ...]
    orgs: frozenset[str]
    sentences: int
    numbers: frozenset[float] = frozenset()
    roles: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EventMatch:
    """Whether two documents report the same event, with the score and what supports it."""

    doc_a: str
    doc_b: str
    score: float
    same_event: bool
    evidence: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"doc_a": self.doc_a, "doc_b": self.doc_b, "score": round(self.score, 4),
                "same_event": self.same_event, "evidence": list(self.evidence)}


@dataclass(frozen=True)
class LinkResult:
    """Links (doc_a < doc_b, sorted), document-pair event decisions, profiles and the settings used."""

    links: tuple[Link, ...]
    events: tuple[EventMatch, ...]
    profiles: dict[str, DocProfile] = field(default_factory=dict)
    signature: str = ""


# ---------------------------------------------------------------------------------------------------------
# Pure numeric helpers


def margin_scores(sim: np.ndarray, k: int = DEFAULT_K) -> np.ndarray:
    """Ratio margin of a block of similarities (rows: sentences of A, columns: sentences of B).

    ``margin[i, j] = sim[i, j] / ((knn_a[i] + knn_b[j]) / 2)`` where ``knn_a[i]`` is the mean of row i's
    `k` largest values and ``knn_b[j]`` that of column j's (Artetxe & Schwenk 2019). A sentence that is
    similar to everything (a hub) has a large denominator and so a small margin. With fewer than `k`
    candidates the missing neighbours count as similarity 0.

    >>> m = margin_scores(np.array([[0.9, 0.1], [0.2, 0.3]]), k=1)
    >>> bool(m[0, 0] > m[0, 1])
    True
    """
    sim = np.asarray(sim, dtype=np.float64)
    if sim.size == 0:
        return sim.copy()
    # Mean of the k best; a side with fewer than k sentences pads with similarity 0 ("no alternative"),
    # so a short article is not penalised for offering few competitors.
    ka = min(k, sim.shape[1])
    kb = min(k, sim.shape[0])
    knn_a = np.sort(sim, axis=1)[:, -ka:].sum(axis=1) / k
    knn_b = np.sort(sim, axis=0)[-kb:, :].sum(axis=0) / k
    denom = (knn_a[:, None] + knn_b[None, :]) / 2.0
    return np.where(denom > 1e-9, sim / np.maximum(denom, 1e-9), 0.0)


ACTOR_CONFLICT = 0.15


def _cosine_profile(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(w * b.get(k, 0.0) for k, w in a.items())
    na = math.sqrt(sum(w * w for w in a.values()))
    nb = math.sqrt(sum(w * w for w in b.values()))
    return dot / (na * nb) if na and nb else 0.0


# ---------------------------------------------------------------------------------------------------------
# Content-word vectors (sparse, numpy only)


def _content_tokens(text: str) -> list[str]:
    from hamta.align.similarity import normalize_for_matching

    words = []
    for word in _WORD_RE.findall(normalize_for_matching(text)):
        if len(word) < 3 or word.isdigit() or word in _STOP or word in _FRAMING:
            continue
        word = _EVENT_WORD.get(word, word)
        words.append(word[:6] if word.isascii() else word)  # prefix stemming for Latin script
    return words


def _content_vectors(texts: Sequence[str], max_df: float = 0.3):
    """Unit-norm sparse TF-IDF rows over content words and word bigrams; very common words dropped."""
    from hamta.align.similarity import SparseVectors

    token_lists = [_content_tokens(t) for t in texts]
    df: Counter[str] = Counter()
    for toks in token_lists:
        df.update(set(toks))
    n = max(1, len(texts))
    common = {w for w, c in df.items() if n >= 10 and c > max_df * n}
    feats_per_row: list[Counter[str]] = []
    for toks in token_lists:
        toks = [t for t in toks if t not in common]
        feats = Counter(toks)
        feats.update(f"{a}_{b}" for a, b in zip(toks, toks[1:], strict=False))
        feats_per_row.append(feats)
    bigram_df: Counter[str] = Counter()
    for feats in feats_per_row:
        bigram_df.update(k for k in feats if "_" in k)
    vocab: dict[str, int] = {}
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for feats in feats_per_row:
        row = []
        for feat, count in feats.items():
            d = bigram_df[feat] if "_" in feat else df[feat]
            idf = math.log((1.0 + n) / (1.0 + d)) + 1.0
            row.append((vocab.setdefault(feat, len(vocab)), (1.0 + math.log(count)) * idf))
        row.sort()
        norm = math.sqrt(sum(w * w for _, w in row)) or 1.0
        indices.extend(i for i, _ in row)
        data.extend(w / norm for _, w in row)
        indptr.append(len(indices))
    counts = [len(t) - sum(1 for w in t if w in common) for t in token_lists]
    return SparseVectors(np.array(indptr), np.array(indices, dtype=np.int64), np.array(data)), counts


def _normalized(vectors):
    """Unit-norm rows of any `SentenceVectors` (sparse or dense)."""
    from hamta.align.similarity import DenseVectors, SparseVectors

    if isinstance(vectors, DenseVectors):
        m = vectors.matrix
        return DenseVectors(m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12))
    if isinstance(vectors, SparseVectors):
        rows = np.repeat(np.arange(len(vectors)), np.diff(vectors.indptr))
        sq = np.bincount(rows, weights=vectors.data.astype(np.float64) ** 2, minlength=len(vectors))
        scale = 1.0 / np.maximum(np.sqrt(sq), 1e-12)
        return SparseVectors(vectors.indptr, vectors.indices, vectors.data * scale[rows])
    raise TypeError(f"unsupported vectors type {type(vectors).__name__}")


def _take(vectors, rows: np.ndarray):
    """The given rows of a `SentenceVectors`, in order."""
    from hamta.align.similarity import DenseVectors, SparseVectors

    rows = np.asarray(rows, dtype=np.int64)
    if isinstance(vectors, DenseVectors):
        return DenseVectors(vectors.matrix[rows])
    starts, ends = vectors.indptr[rows], vectors.indptr[rows + 1]
    lengths = ends - starts
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    if len(rows):
        take = np.concatenate([np.arange(s, e) for s, e in zip(starts, ends, strict=True)]).astype(np.int64)
    else:
        take = np.zeros(0, dtype=np.int64)
    return SparseVectors(indptr, vectors.indices[take], vectors.data[take])


def _block(vectors, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
    """Dot products of rows_a x rows_b (dense block)."""
    a, b = _take(vectors, rows_a), _take(vectors, rows_b)
    if len(rows_a) == 0 or len(rows_b) == 0:
        return np.zeros((len(rows_a), len(rows_b)))
    return a.dot_band(b, np.zeros(len(rows_a), dtype=np.int64), len(rows_b))


def _sketch(vectors, dim: int = 256, seed: int = 0) -> np.ndarray:
    """Dense float32 sketch of sparse rows (signed feature hashing), for approximate neighbour search."""
    from hamta.align.similarity import DenseVectors

    if isinstance(vectors, DenseVectors):
        return np.ascontiguousarray(vectors.matrix, dtype=np.float32)
    rng = np.random.default_rng(seed)
    nfeat = int(vectors.indices.max(initial=0)) + 1
    bucket = rng.integers(0, dim, size=nfeat)
    sign = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), size=nfeat)
    out = np.zeros((len(vectors), dim), dtype=np.float32)
    rows = np.repeat(np.arange(len(vectors)), np.diff(vectors.indptr))
    np.add.at(out, (rows, bucket[vectors.indices]), vectors.data * sign[vectors.indices])
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
    return out


def _knn(matrix: np.ndarray, k: int, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """k nearest rows by inner product, excluding rows of the same group (document): (scores, ids).

    Uses faiss when installed (IVF index for large inputs), else a blocked numpy search; memory O(n·k).
    """
    n = matrix.shape[0]
    want = min(n, k * 4 + 8)  # extra room: same-document hits are filtered out afterwards
    try:
        import faiss  # type: ignore[import-not-found]
    except ImportError:
        faiss = None
    if faiss is not None:
        dim = matrix.shape[1]
        if n > 20000:
            nlist = int(math.sqrt(n))
            quant = faiss.IndexFlatIP(dim)
            index = faiss.IndexIVFFlat(quant, dim, nlist, faiss.METRIC_INNER_PRODUCT)
            index.train(matrix)
            index.nprobe = 8
        else:
            index = faiss.IndexFlatIP(dim)
        index.add(matrix)
        scores, ids = index.search(matrix, want)
    else:
        scores = np.empty((n, want), dtype=np.float32)
        ids = np.empty((n, want), dtype=np.int64)
        step = 256  # rows per block: a block is step x n floats
        for r0 in range(0, n, step):
            block = matrix[r0 : r0 + step] @ matrix.T
            part = np.argpartition(-block, want - 1, axis=1)[:, :want]
            vals = np.take_along_axis(block, part, axis=1)
            order = np.argsort(-vals, axis=1)
            ids[r0 : r0 + step] = np.take_along_axis(part, order, axis=1)
            scores[r0 : r0 + step] = np.take_along_axis(vals, order, axis=1)
    valid = (ids >= 0) & (groups[np.clip(ids, 0, n - 1)] != groups[:, None])
    out_s = np.full((n, k), -1.0, dtype=np.float32)
    out_i = np.full((n, k), -1, dtype=np.int64)
    for r in range(n):
        keep = np.nonzero(valid[r])[0][:k]
        out_s[r, : len(keep)] = scores[r, keep]
        out_i[r, : len(keep)] = ids[r, keep]
    return out_s, out_i


# ---------------------------------------------------------------------------------------------------------
# The linker


class EventLinker:
    """Link sentences that report the same fact across articles (see the module docstring).

    Args:
        similarity: ``"lexical"`` (default), a sentence-transformers model id/directory, or a
            `hamta.align.similarity.Similarity`.
        k: neighbours for the margin and the top-k condition.
        threshold: minimum link score.
        event_threshold: minimum document-pair event score.
        ann_above: use approximate neighbour search above this many content sentences.
        similarity_weight: weight of `similarity` against the content-word view (default: 0 for the
            lexical similarity, `EMBEDDING_WEIGHT` for sentence embeddings).
        progress: show a progress bar (stderr).
    """

    def __init__(
        self,
        similarity=None,
        *,
        k: int = DEFAULT_K,
        threshold: float = DEFAULT_THRESHOLD,
        event_threshold: float = DEFAULT_EVENT_THRESHOLD,
        ann_above: int = DEFAULT_ANN_ABOVE,
        similarity_weight: float | None = None,
        progress: bool = False,
    ) -> None:
        from hamta.align.similarity import LexicalSimilarity, resolve_similarity

        if k < 1:
            raise ValueError(f"EventLinker: k must be >= 1, got {k}")
        self.similarity = resolve_similarity(similarity)
        self.k = int(k)
        self.threshold = float(threshold)
        self.event_threshold = float(event_threshold)
        self.ann_above = int(ann_above)
        if similarity_weight is None:
            similarity_weight = 0.0 if isinstance(self.similarity, LexicalSimilarity) else EMBEDDING_WEIGHT
        if not 0.0 <= similarity_weight <= 1.0:
            raise ValueError(f"EventLinker: similarity_weight must be in [0, 1], got {similarity_weight}")
        self.similarity_weight = float(similarity_weight)
        self.progress = progress

    def signature(self) -> str:
        """Settings string printed with results, e.g. ``links|sim:lexical(...)|k:3|thr:1.35|event:0.5``."""
        from hamta import __version__

        sim = "content-words" if self.similarity_weight == 0 else (
            f"{self.similarity.signature()}*{self.similarity_weight:g}+content-words")
        return (f"links|sim:{sim}|k:{self.k}|thr:{self.threshold:g}"
                f"|event:{self.event_threshold:g}|hamta:{__version__}")

    # -- public entry -----------------------------------------------------------------------------------

    def link(self, records: Iterable[Sentence]) -> LinkResult:
        """Links between sentences of different documents, with evidence; boilerplate is skipped."""
        records = list(records)
        for r in records:
            if not isinstance(r, Sentence):
                raise TypeError(f"link: expected hamta Sentence records, got {type(r).__name__}")
        content = [r for r in records if not r.boilerplate and (r.en or r.text or "").strip()]
        docs = sorted({r.doc for r in records})
        missing_en = sorted({r.doc for r in content if not r.en})
        if missing_en:
            log.warning("%d document(s) have sentences without English ('en'); those are compared on their "
                        "original text: %s", len(missing_en), ", ".join(missing_en[:5]))
        if len(docs) < 2 or len(content) < 2:
            return LinkResult((), (), {}, self.signature())
        entities = [extract_entities(r.en, r.text) for r in content]
        texts = [r.en or r.text for r in content]
        profiles = _profiles(content, entities)
        sent_actors = [
            _sentence_actors(r, e, profiles[r.doc]) for r, e in zip(content, entities, strict=True)
        ]

        words, n_words = _content_vectors(texts)
        base = _normalized(self.similarity.encode(texts, [])[0]) if self.similarity_weight > 0 else None
        doc_rows: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(0, dtype=np.int64))
        by_doc: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(content):
            by_doc[r.doc].append(i)
        for d, rows in by_doc.items():
            doc_rows[d] = np.array(rows, dtype=np.int64)

        pairs = self._candidate_pairs(content, base if base is not None else words, by_doc)
        events: list[EventMatch] = []
        links: list[Link] = []
        iterator = pairs
        if self.progress:
            from tqdm import tqdm

            iterator = tqdm(pairs, desc="linking", unit="doc pair", leave=False, disable=None)
        for da, db in iterator:
            ra, rb = doc_rows[da], doc_rows[db]
            sim = _block(words, ra, rb)
            if base is not None:
                sim = self.similarity_weight * _block(base, ra, rb) + (1 - self.similarity_weight) * sim
            event = _event_match(profiles[da], profiles[db], sim)
            same = event[0] >= self.event_threshold and not event[2]
            events.append(EventMatch(da, db, round(event[0], 4), same, tuple(event[1])))
            if not same:
                continue
            links.extend(self._link_pair(content, entities, sent_actors, profiles, ra, rb, sim, n_words))
        links.sort(key=lambda lk: (lk.doc_a, lk.doc_b, lk.idx_a, lk.idx_b))
        events.sort(key=lambda e: (e.doc_a, e.doc_b))
        return LinkResult(tuple(links), tuple(events), profiles, self.signature())

    # -- steps ------------------------------------------------------------------------------------------

    def _candidate_pairs(self, content, base, by_doc) -> list[tuple[str, str]]:
        docs = sorted(by_doc)
        if len(content) <= self.ann_above:
            return [(a, b) for i, a in enumerate(docs) for b in docs[i + 1 :]]
        groups = np.array([docs.index(r.doc) for r in content])
        sketch = _sketch(base)
        _, ids = _knn(sketch, self.k, groups)
        hits: Counter[tuple[str, str]] = Counter()
        for i, row in enumerate(ids):
            for j in row:
                if j < 0:
                    continue
                a, b = sorted((content[i].doc, content[int(j)].doc))
                hits[(a, b)] += 1
        # two documents are compared only when several of their sentences are mutual neighbours
        pairs = sorted(p for p, c in hits.items() if c >= 2)
        log.info("ann: %d candidate document pairs out of %d", len(pairs), len(docs) * (len(docs) - 1) // 2)
        return pairs

    def _link_pair(self, content, entities, sent_actors, profiles, ra, rb, sim, n_words) -> list[Link]:
        margin = margin_scores(sim, self.k)
        kk = min(self.k, sim.shape[1])
        top_a = np.argsort(-sim, axis=1)[:, :kk]
        kb = min(self.k, sim.shape[0])
        top_b = np.argsort(-sim, axis=0)[:kb, :]
        in_top = np.zeros(sim.shape, dtype=bool)
        np.put_along_axis(in_top, top_a, True, axis=1)
        np.put_along_axis(in_top, top_b, True, axis=0)
        da, db = content[ra[0]].doc, content[rb[0]].doc
        pa, pb = profiles[da], profiles[db]
        out = []
        candidates = np.argwhere(in_top & (margin >= self.threshold - 0.6) & (sim > 0.05))
        for x, y in candidates:
            i, j = int(ra[x]), int(rb[y])
            if n_words[i] < _MIN_CONTENT_WORDS or n_words[j] < _MIN_CONTENT_WORDS:
                continue
            bonus, evidence = _entity_evidence(
                entities[i], entities[j], sent_actors[i], sent_actors[j], pa, pb
            )
            score = float(margin[x, y]) + bonus
            if score < self.threshold:
                continue
            evidence.append(f"similarity:{sim[x, y]:.3f}")
            evidence.append(f"margin:{margin[x, y]:.3f}")
            a, b = content[i], content[j]
            if (a.doc, a.idx) > (b.doc, b.idx):
                a, b = b, a
            out.append(Link(a.doc, a.idx, b.doc, b.idx, round(score, 4), tuple(sorted(evidence))))
        return out


def link_records(records: Iterable[Sentence], *, similarity=None, **options) -> LinkResult:
    """Convenience wrapper: ``EventLinker(similarity, **options).link(records)``."""
    return EventLinker(similarity, **options).link(records)


# ---------------------------------------------------------------------------------------------------------
# Document profiles and event matching


def _profiles(content: list[Sentence], entities: list[SentenceEntities]) -> dict[str, DocProfile]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, dict[str, str]] = defaultdict(dict)
    places: dict[str, set[str]] = defaultdict(set)
    orgs: dict[str, set[str]] = defaultdict(set)
    dates: dict[str, set[int]] = defaultdict(set)
    n_sent: Counter[str] = Counter()
    numbers: dict[str, set[float]] = defaultdict(set)
    implicit: Counter[str] = Counter()
    roles: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for r, e in zip(content, entities, strict=True):
        n_sent[r.doc] += 1
        for nat, key in _nationality_roles(r.en or "", e):
            roles[r.doc][(nat, key)] += 1
        for ent in e.names:
            counts[r.doc][ent.key] += 1
            shown = names[r.doc].get(ent.key, "")
            surface = re.sub(r"['’]s$", "", ent.text)
            if len(surface) > len(shown):
                names[r.doc][ent.key] = surface
        places[r.doc].update(e.place_keys)
        orgs[r.doc].update(o.key for o in e.orgs)
        dates[r.doc].update(d.jdn for d in e.dates if d.jdn is not None)
        numbers[r.doc].update(
            x for x in e.number_keys if x >= 10 and not (1300 <= x <= 2100 and x.is_integer())
        )
        if not e.names and r.en and (_PRONOUN_RE.search(r.en) or _TITLE_RE.search(r.en)):
            implicit[r.doc] += 1
    out = {}
    for doc in n_sent:
        c = counts[doc]
        main = None
        if c:
            best = max(c.values())
            main = next(k for k in c if c[k] == best)  # first-mentioned among the most frequent
        actors = {k: float(v) for k, v in c.items()}
        if main is not None:
            actors[main] += implicit[doc]  # "he", "the minister": the article's main actor
        out[doc] = DocProfile(doc, actors, dict(names[doc]), main, frozenset(places[doc]),
                              tuple(sorted(dates[doc])), frozenset(orgs[doc]), n_sent[doc],
                              frozenset(numbers[doc]), _resolve_roles(roles[doc]))
    return out


_NATIONALITIES = {
    "iran": "iran", "iranian": "iran", "iraq": "iraq", "iraqi": "iraq", "syria": "syria", "syrian": "syria",
    "turkey": "turkey", "turkish": "turkey", "russia": "russia", "russian": "russia", "china": "china",
    "chinese": "china", "saudi": "saudi arabia", "lebanon": "lebanon", "lebanese": "lebanon",
    "egypt": "egypt",
    "egyptian": "egypt", "jordan": "jordan", "jordanian": "jordan", "qatar": "qatar", "qatari": "qatar",
    "kuwait": "kuwait", "kuwaiti": "kuwait", "afghan": "afghanistan", "afghanistan": "afghanistan",
    "pakistan": "pakistan", "pakistani": "pakistan", "armenia": "armenia", "armenian": "armenia",
    "india": "india", "indian": "india", "american": "united states", "us": "united states",
    "french": "france", "france": "france", "german": "germany", "germany": "germany",
    "british": "united kingdom",
}
_NAT_RE = re.compile(
    r"\b(" + "|".join(sorted(_NATIONALITIES, key=len, reverse=True)) + r")(?:['’]s)?\b", re.IGNORECASE
)
_OFFICE_RE = re.compile(r"\b(?:minister|ministers|counterpart|ambassador|president|envoy|official|side)\b",
                        re.IGNORECASE)
_TWO_RE = re.compile(r"\b(?:the two|both) (?:ministers|officials|sides|leaders)\b", re.IGNORECASE)


def _nationality_roles(en: str, e: SentenceEntities) -> list[tuple[str, str]]:
    """(nationality, person) from "<nationality> ... counterpart/minister ... <Name>" within a few words."""
    out = []
    for ent in e.names:
        pos = en.find(ent.text)
        if pos < 0:
            continue
        window = en[max(0, pos - 45) : pos]
        nats = _NAT_RE.findall(window)
        if nats and _OFFICE_RE.search(window):
            out.append((_NATIONALITIES[nats[-1].lower()], ent.key))
    return out


def _resolve_roles(votes: Counter[tuple[str, str]]) -> dict[str, str]:
    roles: dict[str, str] = {}
    for (nat, key), _ in votes.most_common():
        roles.setdefault(nat, key)
    return roles


def _sentence_actors(r: Sentence, e: SentenceEntities, profile: DocProfile) -> frozenset[str]:
    """People a sentence is about: names it gives, office holders it names by nationality ("Iraq's
    minister", resolved through the article's roles), "the two ministers" (the article's two main
    actors), or the article's main actor for "he" / "the minister"."""
    actors = set(e.person_keys)
    en = r.en or ""
    if en:
        for match in _NAT_RE.finditer(en):
            tail = en[match.end() : match.end() + 40]
            if _OFFICE_RE.match(tail.strip()) or re.match(r"\s+and\s+\w+\s+(?:ministers|officials)", tail):
                nat = _NATIONALITIES[match.group(1).lower()]
                if nat in profile.roles:
                    actors.add(profile.roles[nat])
                elif profile.main_actor and profile.main_actor not in profile.roles.values():
                    actors.add(profile.main_actor)
        if _TWO_RE.search(en):
            top = sorted(profile.actors, key=lambda k: -profile.actors[k])[:2]
            actors.update(top)
    if not actors and profile.main_actor and en and (_PRONOUN_RE.search(en) or _TITLE_RE.search(en)):
        actors.add(profile.main_actor)
    return frozenset(actors)


def _event_match(pa: DocProfile, pb: DocProfile, sim: np.ndarray) -> tuple[float, list[str], bool]:
    """(score, evidence, vetoed) for "documents a and b report the same event"."""
    evidence: list[str] = []
    actor = _cosine_profile(pa.actors, pb.actors)
    shared = sorted(set(pa.actors) & set(pb.actors))
    for key in shared:
        evidence.append(f"actor:{pa.names.get(key) or pb.names.get(key) or key}")
    # near-translations: share of the smaller document's sentences with a near-duplicate in the other
    if sim.size:
        smaller_best = sim.max(axis=1) if sim.shape[0] <= sim.shape[1] else sim.max(axis=0)
        parallel = float((smaller_best >= 0.5).mean())
    else:
        parallel = 0.0
    if parallel > 0:
        evidence.append(f"near-duplicate sentences:{parallel:.2f}")
    shared_numbers = sorted(pa.numbers & pb.numbers)
    for x in shared_numbers[:5]:
        evidence.append(f"number:{_fmt_number(x)}")
    score = max(actor, parallel * 1.5)
    if shared_numbers:  # a specific quantity both report ("750 million dollars") ties them together
        score += 0.25 + 0.25 * min(2, len(shared_numbers))
    vetoed = False
    if pa.dates and pb.dates:
        gap = min(abs(x - y) for x in pa.dates for y in pb.dates)
        if gap <= 3:
            evidence.append(f"dates within {gap} day(s)")
            score += 0.1
        elif gap > 30 and parallel < 0.3:
            evidence.append(f"dates {gap} days apart")
            vetoed = True
    if pa.main_actor and pb.main_actor and pa.main_actor != pb.main_actor and parallel < 0.3:
        # each article is about someone else: at most a related event
        if pa.main_actor not in pb.actors and pb.main_actor not in pa.actors:
            score = min(score, 0.3)
    return score, evidence, vetoed


# ---------------------------------------------------------------------------------------------------------
# Sentence-level entity evidence


def _fmt_number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _entity_evidence(ea: SentenceEntities, eb: SentenceEntities, actors_a: frozenset[str],
                     actors_b: frozenset[str], pa: DocProfile, pb: DocProfile) -> tuple[float, list[str]]:
    """(score adjustment, evidence strings) from what two sentences say about who/what/when/how many."""
    bonus = 0.0
    evidence: list[str] = []
    mains = {pa.main_actor, pb.main_actor}
    if actors_a and actors_b and not actors_a & actors_b:
        bonus -= ACTOR_CONFLICT
        evidence.append("different actors")
    for key in sorted(actors_a & actors_b):
        evidence.append(f"actor:{pa.names.get(key) or pb.names.get(key) or key}")
        if key not in mains:
            bonus += 0.15
    # a named person the other article never mentions: this fact is probably not in it
    for own, other_doc in ((ea.person_keys, pb), (eb.person_keys, pa)):
        absent = [k for k in own if k not in other_doc.actors and k not in mains]
        bonus -= 0.1 * min(2, len(absent))
    na, nb = ea.number_keys, eb.number_keys
    shared_numbers = na & nb
    for x in sorted(shared_numbers):
        evidence.append(f"number:{_fmt_number(x)}")
    bonus += 0.3 * min(2, len(shared_numbers))
    if na and nb and not shared_numbers:
        bonus -= 0.2
    shared_dates = ea.date_keys & eb.date_keys
    for d in sorted(shared_dates):
        evidence.append(f"date:{d}")
    bonus += 0.3 * min(1, len(shared_dates))
    shared_days = ea.weekdays & eb.weekdays
    for wd in sorted(shared_days):
        evidence.append(f"weekday:{_WEEKDAY_NAMES[wd]}")
    shared_orgs = {o.key for o in ea.orgs} & {o.key for o in eb.orgs}
    for o in sorted(shared_orgs):
        evidence.append(f"org:{o}")
    bonus += 0.1 * min(2, len(shared_orgs))
    for p in sorted(ea.place_keys & eb.place_keys):
        evidence.append(f"place:{p}")
    return bonus, evidence
