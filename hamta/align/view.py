"""The analyst's view of a coverage result: articles by outlet, events, and a fact × outlet table per event.

Why a module of its own: the HTML report, ``coverage.json`` and ``facts.csv`` must say the same thing
(one event grouping, one sentence count per article, each sentence in one place), so they all read it
from here. An *event* is a connected component of the document pairs the linker judged to report the same
event (``result.event_decisions`` where the linker gives them, else its ``events``; with neither, the
pairs that share a link). Within an event each fact cluster is one row and each article one column, so
"who did not report X" is an empty cell; sentences no other article reports are the event's unique facts.

Example:
    >>> view = coverage_view(result)  # doctest: +SKIP
    >>> [e.docs for e in view.events]  # doctest: +SKIP
    [('000_c9f47b2442972326', '001_4fe6c4b4a26e7727')]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from hamta.records import META_FIELDS, Sentence

__all__ = [
    "ArticleInfo",
    "Decision",
    "Event",
    "FactRow",
    "CoverageView",
    "coverage_view",
    "english_count",
    "FACTS_CSV_COLUMNS",
]

#: the columns of facts.csv, in order (docs/formats.md)
FACTS_CSV_COLUMNS: tuple[str, ...] = (
    "event", "fact", "doc", "outlet", "date", "title", "url", "idx", "lang", "sentence", "english", "flags",
)
#: a pair kept apart counts as a look-alike (shown with the linker's reasons) from this same-event score
#: up; below it the two articles share next to nothing
LOOKALIKE_MIN_SCORE = 0.05


def english_count(records: Iterable[Sentence]) -> int:
    """Content sentences (boilerplate excluded) that have English: the "translated" count everywhere."""
    return sum(1 for r in records if not r.boilerplate and r.text.strip() and r.en)


@dataclass(frozen=True)
class ArticleInfo:
    """One article as the analyst names it: outlet, title and date (the id is shown on hover)."""

    doc: str
    outlet: str | None
    title: str | None
    date: str | None
    url: str | None
    lang: str
    sentences: int
    content: int
    translated: int
    unique: int
    event: int | None

    @property
    def label(self) -> str:
        """Short column/row name: the outlet, else the document id."""
        return self.outlet or self.doc

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc, "outlet": self.outlet, "title": self.title, "date": self.date, "url": self.url,
            "lang": self.lang, "sentences": self.sentences, "content_sentences": self.content,
            "translated_sentences": self.translated, "unique_sentences": self.unique, "event": self.event,
        }


@dataclass(frozen=True)
class Decision:
    """The linker's same-event decision on one document pair (from EventDecision or EventMatch)."""

    doc_a: str
    doc_b: str
    same_event: bool
    score: float
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"doc_a": self.doc_a, "doc_b": self.doc_b, "same_event": self.same_event,
                "score": round(float(self.score), 4), "reasons": list(self.reasons)}


@dataclass(frozen=True)
class FactRow:
    """One fact cluster within an event: per document, the idx of its sentences reporting the fact."""

    fact: int
    cells: dict[str, tuple[int, ...]]

    def to_dict(self) -> dict[str, Any]:
        return {"fact": self.fact, "sentences": {d: list(idx) for d, idx in self.cells.items()}}


@dataclass(frozen=True)
class Event:
    """Articles that report one event, its fact × outlet table, unique facts and the decisions behind it."""

    id: int
    docs: tuple[str, ...]
    facts: tuple[FactRow, ...]
    unique: dict[str, tuple[int, ...]]
    evidence: tuple[Decision, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": self.id, "docs": list(self.docs), "facts": [f.to_dict() for f in self.facts],
            "unique_facts": {d: list(idx) for d, idx in self.unique.items()},
            "evidence": [d.to_dict() for d in self.evidence],
        }


@dataclass(frozen=True)
class CoverageView:
    """Everything the report and the exports show, derived once from a `CoverageResult`."""

    articles: dict[str, ArticleInfo]
    decisions: tuple[Decision, ...]
    events: tuple[Event, ...]
    lookalikes: tuple[Decision, ...]
    records: dict[tuple[str, int], Sentence] = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The ``coverage.json`` keys this view adds (docs/formats.md)."""
        return {
            "documents": [a.to_dict() for a in self.articles.values()],
            "event_decisions": [d.to_dict() for d in self.decisions],
            "events": [e.to_dict() for e in self.events],
            "kept_apart": [d.to_dict() for d in self.lookalikes],
        }

    def fact_rows(self) -> list[dict[str, Any]]:
        """facts.csv rows: one per sentence of a fact cluster or a unique fact, grouped by event."""
        rows: list[dict[str, Any]] = []

        def add(event: int, fact: str, doc: str, idx: int) -> None:
            rec = self.records.get((doc, idx))
            art = self.articles[doc]
            rows.append({
                "event": event, "fact": fact, "doc": doc, "outlet": art.outlet or "", "date": art.date or "",
                "title": art.title or "", "url": art.url or "", "idx": idx, "lang": rec.lang if rec else "",
                "sentence": rec.text if rec else "", "english": (rec.en or "") if rec else "",
                "flags": " ".join(rec.flags) if rec else "",
            })

        for event in self.events:
            for row in event.facts:
                for doc, idxs in row.cells.items():
                    for idx in idxs:
                        add(event.id, str(row.fact), doc, idx)
            for doc, idxs in event.unique.items():
                for idx in idxs:
                    add(event.id, "only", doc, idx)
        return rows


def decisions_of(result: Any) -> list[Decision]:
    """The linker's per-pair decisions: ``event_decisions`` (EventDecision) where present, else ``events``
    (EventMatch, whose ``evidence`` are its reasons)."""
    raw = list(getattr(result, "event_decisions", None) or []) or list(getattr(result, "events", ()) or ())
    out = []
    for d in raw:
        a, b = sorted((str(d.doc_a), str(d.doc_b)))
        reasons = getattr(d, "reasons", None)
        if reasons is None:
            reasons = getattr(d, "evidence", ())
        out.append(Decision(a, b, bool(d.same_event), float(getattr(d, "score", 0.0)), tuple(reasons)))
    return sorted(out, key=lambda d: (d.doc_a, d.doc_b))


def _components(docs: Iterable[str], pairs: Iterable[tuple[str, str]]) -> list[tuple[str, ...]]:
    """Connected components with two or more documents, each sorted, ordered by first document."""
    parent = {d: d for d in docs}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        if a in parent and b in parent:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = defaultdict(list)
    for d in parent:
        groups[find(d)].append(d)
    return sorted(tuple(sorted(g)) for g in groups.values() if len(g) > 1)


def coverage_view(result: Any) -> CoverageView:
    """Derive the analyst's view (articles, events, fact × outlet tables, look-alikes) from a result."""
    records = {(r.doc, r.idx): r for r in result.records}
    by_doc: dict[str, list[Sentence]] = defaultdict(list)
    for r in result.records:
        by_doc[r.doc].append(r)
    decisions = decisions_of(result)
    if decisions:
        same = [(d.doc_a, d.doc_b) for d in decisions if d.same_event]
    else:
        same = [(lk.doc_a, lk.doc_b) for lk in result.links]
    groups = _components(result.docs, same)
    event_of = {d: i for i, g in enumerate(groups) for d in g}

    events = []
    for i, docs in enumerate(groups):
        members = set(docs)
        facts = []
        for cluster in result.clusters:
            cells: dict[str, list[int]] = defaultdict(list)
            for doc, idx in cluster.members:
                if doc in members:
                    cells[doc].append(idx)
            if len(cells) > 1:
                facts.append(FactRow(cluster.id, {d: tuple(v) for d, v in sorted(cells.items())}))
        unique = {d: tuple(result.unique.get(d, ())) for d in docs}
        evidence = tuple(d for d in decisions if d.same_event and d.doc_a in members and d.doc_b in members)
        events.append(Event(i, docs, tuple(facts), unique, evidence))

    articles = {}
    for d in result.docs:
        recs = by_doc.get(d, [])
        meta = {name: next((getattr(r, name, None) for r in recs if getattr(r, name, None)), None)
                for name in META_FIELDS}
        content = [r for r in recs if not r.boilerplate] or recs
        langs = [r.lang for r in content]
        articles[d] = ArticleInfo(
            doc=d, **meta, lang=max(set(langs), key=langs.count) if langs else "",
            sentences=len(recs), content=result.content_counts.get(d, 0), translated=english_count(recs),
            unique=len(result.unique.get(d, ())), event=event_of.get(d),
        )
    lookalikes = tuple(
        sorted((d for d in decisions if not d.same_event and d.score >= LOOKALIKE_MIN_SCORE),
               key=lambda d: (-d.score, d.doc_a, d.doc_b))
    )
    return CoverageView(articles, tuple(decisions), tuple(events), lookalikes, records)
