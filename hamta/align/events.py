"""Event identity: do two articles report the same event? Document profiles and pair decisions.

Why: sentences of look-alike events read alike ("a 6.4 quake struck Hatay on Monday" vs "a 7.8 quake
struck Pazarcık on Monday"), so sentence similarity alone merges them. What separates them is evidence
about the *event*: when it happened (the article's own date line, and the dates, weekdays and relative
days of its lead resolved against it), which phase of a staged event it is (final vs opening match,
first round vs runoff; a data file), and how much the articles share in names, places and figures.

A pair is ruled out when its evidence contradicts (event dates further apart than `max_gap_days`, or
different phases of one group); otherwise a small logistic model (`hamta.align.model.LinearModel`, its
weights fit by ``benchmarks/fit_links.py`` on the events-dev gold and shipped in
``hamta/data/event_model.json``) weighs the similarity evidence. Every decision carries its reasons.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from hamta.align.entities import Figure, SentenceEntities, shared_figures
from hamta.records import Sentence
from hamta.text.dates import (
    extract_dates,
    extract_relative_days,
    extract_weekdays,
    publication_date,
    resolve_weekday,
)
from hamta.text.normalize import matching_view

__all__ = [
    "DocProfile",
    "EventDecision",
    "build_profile",
    "event_features",
    "EVENT_FEATURES",
    "HEADER_LINES",
    "FOOTER_LINES",
    "LEAD_SENTENCES",
]

#: sentences at the top of an article searched for its date line (headline, kicker, date, news code...)
HEADER_LINES = 6
#: sentences at the foot searched too (some outlets print the date after the body)
FOOTER_LINES = 3
#: content sentences that make the lead: headline plus the first sentences, which state the event
LEAD_SENTENCES = 4
#: features of a document pair, in the order the event model expects them
EVENT_FEATURES = ("doc_cosine", "name_overlap", "shared_names", "figure_overlap", "best_sentences")
#: the top of wordfreq's Zipf scale (log10 of frequency per billion words): a word with frequency 1 has
#: Zipf 9, so 9 - zipf is a word's self-information in decimal digits
ZIPF_MAX = 9.0
#: how many best sentence pairs are averaged for the ``best_sentences`` feature
BEST_SENTENCE_PAIRS = 3


@dataclass(frozen=True)
class DocProfile:
    """What one article says about its event.

    Attributes:
        doc: document id.
        published: the article's own date (record ``date`` field, else its date line), or None.
        event_dates: dates the lead refers to (absolute dates, weekdays and "yesterday"/"today" resolved
            against `published`), plus `published` itself.
        names: name key -> number of content sentences naming it.
        surface: name key -> a surface form (for reasons).
        figures: specific figures of the whole article.
        phases: (group, phase) pairs named in the lead.
        content: indices (record idx) of the content sentences, in order.
    """

    doc: str
    published: dt.date | None
    event_dates: tuple[dt.date, ...]
    names: Counter
    surface: dict[str, str]
    figures: tuple[Figure, ...]
    phases: frozenset[tuple[str, str]]
    content: tuple[int, ...]


@dataclass(frozen=True)
class EventDecision:
    """Whether two documents report the same event, how sure, and why (doc_a < doc_b)."""

    doc_a: str
    doc_b: str
    same_event: bool
    score: float
    reasons: tuple[str, ...] = ()

    @property
    def evidence(self) -> tuple[str, ...]:
        """The reasons (the name used for link evidence elsewhere)."""
        return self.reasons

    def to_dict(self) -> dict:
        return {"doc_a": self.doc_a, "doc_b": self.doc_b, "same_event": self.same_event,
                "score": round(float(self.score), 4), "reasons": list(self.reasons)}


@lru_cache(maxsize=1)
def _phase_patterns() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    text = resources.files("hamta.data").joinpath("event_phases.tsv").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("group\t"):
            continue
        group, phase, pattern = line.split("\t")
        rows.append((group, phase, re.compile(pattern, re.IGNORECASE)))
    return tuple(rows)


def find_phases(texts: Sequence[str]) -> frozenset[tuple[str, str]]:
    """(group, phase) pairs named in any of `texts` (English, or originals via their matching view)."""
    found = set()
    for text in texts:
        view = text if text.isascii() else matching_view(text).text
        for group, phase, pattern in _phase_patterns():
            if pattern.search(view):
                found.add((group, phase))
    return frozenset(found)


def _record_date(records: Sequence[Sentence]) -> dt.date | None:
    for r in records:
        value = getattr(r, "date", None)
        if isinstance(value, str) and value:
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                return None
    return None


def _lead_dates(texts: Sequence[str], published: dt.date) -> set[dt.date]:
    dates: set[dt.date] = set()
    for text in texts:
        dates.update(m.date for m in extract_dates(text, published) if m.date is not None)
        dates.update(resolve_weekday(wd, published) for wd, _, _ in extract_weekdays(text))
        dates.update(published + dt.timedelta(days=off) for off, _, _ in extract_relative_days(text))
    return {d for d in dates if abs((d - published).days) <= 366}


def build_profile(records: Sequence[Sentence], entities: dict[int, SentenceEntities]) -> DocProfile:
    """The profile of one document from its records (in order) and its content sentences' entities."""
    doc = records[0].doc
    # The date line: a line the segmenter flagged as a timestamp, wherever it is; else the header and
    # footer lines (a date line the flagger missed).
    stamped = [r for r in records if r.boilerplate_kind == "timestamp"]
    header_records = stamped + list(records[:HEADER_LINES]) + list(records[-FOOTER_LINES:])
    header = [t for r in header_records for t in (r.text, r.en) if t]
    published = _record_date(records) or publication_date(header)
    content = [r for r in records if r.idx in entities]
    lead = content[:LEAD_SENTENCES]
    lead_texts = [r.text for r in lead] + [r.en for r in lead if r.en]
    event_dates: set[dt.date] = set()
    if published is not None:
        lead_dates = _lead_dates([r.text for r in lead] + [r.en for r in lead if r.en], published)
        event_dates = lead_dates | {published}
    names: Counter = Counter()
    surface: dict[str, str] = {}
    figures: list[Figure] = []
    for r in content:
        e = entities[r.idx]
        names.update(e.names)
        for k, v in e.surface.items():
            surface.setdefault(k, v)
        figures.extend(e.figures)
    return DocProfile(
        doc=doc,
        published=published,
        event_dates=tuple(sorted(event_dates)),
        names=names,
        surface=surface,
        figures=tuple(figures),
        phases=find_phases(lead_texts),
        content=tuple(r.idx for r in content),
    )


def days_apart(a: DocProfile, b: DocProfile) -> int | None:
    """The smallest distance in days between the two articles' event dates; None when one has none."""
    if not a.event_dates or not b.event_dates:
        return None
    return min(abs((x - y).days) for x in a.event_dates for y in b.event_dates)


def phase_conflict(a: DocProfile, b: DocProfile) -> tuple[str, str] | None:
    """The first group in which the two leads name different phases only, as (phase_a, phase_b)."""
    for group in sorted({g for g, _ in a.phases} & {g for g, _ in b.phases}):
        pa = {p for g, p in a.phases if g == group}
        pb = {p for g, p in b.phases if g == group}
        if not pa & pb:
            return ", ".join(sorted(pa)), ", ".join(sorted(pb))
    return None


def name_overlap(a: DocProfile, b: DocProfile, idf: dict[str, float]) -> tuple[float, list[str]]:
    """IDF-weighted Jaccard of the names the two articles use, and the shared names, rarest first."""
    keys_a, keys_b = set(a.names), set(b.names)
    shared = keys_a & keys_b
    union = keys_a | keys_b
    total = sum(idf.get(k, 1.0) for k in union)
    if total <= 0:  # no names, or only names every article uses
        return 0.0, sorted(shared)
    weight = sum(idf.get(k, 1.0) for k in shared) / total
    return weight, sorted(shared, key=lambda k: (-idf.get(k, 1.0), k))


def figure_overlap(a: DocProfile, b: DocProfile) -> tuple[float, list[float]]:
    """Share of the smaller article's distinct figures that the other also reports (up to rounding)."""
    fa = {f.value: f for f in a.figures}
    fb = {f.value: f for f in b.figures}
    if not fa or not fb:
        return 0.0, []
    small, large = (fa, fb) if len(fa) <= len(fb) else (fb, fa)
    shared = sorted(shared_figures(small.values(), large.values()))
    return len(shared) / len(small), shared


def event_features(
    a: DocProfile, b: DocProfile, *, doc_cosine: float, best_sentences: float, idf: dict[str, float]
) -> tuple[np.ndarray, list[str]]:
    """The pair's feature vector (in `EVENT_FEATURES` order) and its supporting reasons."""
    names, shared_names = name_overlap(a, b, idf)
    figures, shared_figures = figure_overlap(a, b)
    reasons = []
    if shared_names:
        shown = [a.surface.get(k, k) for k in shared_names[:6]]
        reasons.append(f"shared names: {', '.join(shown)}")
    if shared_figures:
        reasons.append(f"shared figures: {', '.join(_fmt(v) for v in shared_figures[:6])}")
    reasons.append(f"text similarity {doc_cosine:.2f}, best sentence pairs {best_sentences:.2f}")
    # How much rare-name evidence the pair shares, not diluted by how many names each article has.
    shared_weight = math.log1p(sum(idf.get(k, 0.0) for k in shared_names))
    x = np.array([doc_cosine, names, shared_weight, figures, best_sentences], dtype=np.float64)
    return x, reasons


def contradictions(a: DocProfile, b: DocProfile, max_gap_days: float) -> list[str]:
    """Evidence that rules the pair out: event dates too far apart, different phases."""
    out = []
    gap = days_apart(a, b)
    if gap is not None and gap > max_gap_days:
        da = min(a.event_dates, key=lambda d: min(abs((d - e).days) for e in b.event_dates))
        db = min(b.event_dates, key=lambda d: abs((d - da).days))
        out.append(f"dates differ: {da.isoformat()} vs {db.isoformat()} ({gap} days apart)")
    conflict = phase_conflict(a, b)
    if conflict:
        out.append(f"phases differ: {conflict[0]} vs {conflict[1]}")
    return out


def _fmt(value: float) -> str:
    return f"{int(value):,}" if value == int(value) else f"{value:g}"


def name_weights(profiles: Sequence[DocProfile]) -> dict[str, float]:
    """How much sharing each name says about two articles being one event, in [0, log(n)].

    The product of the name's inverse document frequency in the collection (unsmoothed: a name every
    article uses weighs nothing, so the beat's own words such as "Ministry" do not make two articles
    one event) and its rarity in English at large (the self-information of its frequency in the
    ``wordfreq`` package, scaled to [0, 1]: "Vaezi" is 1, "Information" about 0.4). Rarity matters
    most in small collections about one beat, where the collection alone cannot tell a minister's name
    from a topic word.
    """
    from wordfreq import zipf_frequency

    df: Counter = Counter()
    for p in profiles:
        df.update(p.names.keys())
    n = len(profiles)
    surface = {}
    for p in profiles:
        for k, v in p.surface.items():
            surface.setdefault(k, v)
    def rarity(key: str) -> float:
        return max(0.0, ZIPF_MAX - zipf_frequency(surface.get(key, key), "en")) / ZIPF_MAX

    return {k: math.log((1 + n) / (1 + c)) * rarity(k) for k, c in df.items()}
