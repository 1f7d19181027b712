"""Load ../shared/data/events-dev (see its README) as hamta records plus the gold: events and graded links.

Shared by benchmarks/fit_links.py (fits the linking models) and benchmarks/links.py (measures them).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from hamta.records import Sentence

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("HAMTA_SHARED", ROOT.parent / "shared"))
EVENTS_DEV = SHARED / "data" / "events-dev"
#: look-alike (hard negative) labels start with this; each is grouped with the event it resembles
HARD_NEGATIVE_PREFIX = "hn-"


@dataclass
class EventsDev:
    records: list[Sentence]
    event_of: dict[str, str]  # doc -> event label
    family_of: dict[str, str]  # doc -> the real event it is or resembles (for leave-one-event-out)
    links: dict[tuple[str, int, str, int], int]  # (doc_a, idx_a, doc_b, idx_b) -> grade, doc_a < doc_b

    def same_event_pairs(self) -> set[tuple[str, str]]:
        docs = sorted(self.event_of)
        return {(a, b) for i, a in enumerate(docs) for b in docs[i + 1:]
                if self.event_of[a] == self.event_of[b]}


def _family(label: str, events: list[str]) -> str:
    """The real event a look-alike resembles: the one sharing the longest label prefix."""
    if not label.startswith(HARD_NEGATIVE_PREFIX):
        return label
    core = label[len(HARD_NEGATIVE_PREFIX):]

    def common(x: str) -> int:
        n = 0
        for p, q in zip(core, x, strict=False):
            if p != q:
                break
            n += 1
        return n

    return max((e for e in events if not e.startswith(HARD_NEGATIVE_PREFIX)), key=common)


def load_events_dev(folder: Path = EVENTS_DEV) -> EventsDev:
    if not folder.is_dir():
        raise SystemExit(f"events-dev not found at {folder} (set HAMTA_SHARED)")
    rows = [line.split("\t") for line in (folder / "docs.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    lang = {r[0]: r[1] for r in rows}
    event_of = {r[0]: r[3] for r in rows}
    labels = sorted(set(event_of.values()))
    family_of = {d: _family(e, labels) for d, e in event_of.items()}
    boiler: dict[tuple[str, int], str] = {}
    for line in (folder / "boilerplate.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip():
            d, i, kind = line.split("\t")
            boiler[(d, int(i))] = kind
    records: list[Sentence] = []
    for doc in sorted(event_of):
        segs = (folder / "seg" / f"{doc}.txt").read_text(encoding="utf-8").splitlines()
        ens = (folder / "en" / f"{doc}.txt").read_text(encoding="utf-8").splitlines()
        pos = 0
        for i, (text, en) in enumerate(zip(segs, ens, strict=True)):
            kind = boiler.get((doc, i))
            records.append(Sentence(doc, i, text, pos, pos + len(text), lang[doc],
                                    boilerplate=kind is not None, en=en, boilerplate_kind=kind))
            pos += len(text) + 1
    links = {}
    for line in (folder / "links.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        a, ia, b, ib, grade = line.split("\t")[:5]
        links[(a, int(ia), b, int(ib))] = int(grade)
    return EventsDev(records, event_of, family_of, links)


#: the seeds as one more event family: 000-001 report one event (Vaezi in Baghdad, October 2015), 002, 003
#: and 004 other events of the same topic (Iran-Iraq telecommunications); gold links from
#: benchmarks/data/seed_links.tsv (sure = grade 2, possible = grade 1)
SEED_FAMILY = "seeds-iran-iraq-telecom"
SEED_GRADES = {"sure": 2, "possible": 1}


def load_seeds() -> EventsDev:
    from hamta.translations import load_reference_records

    records = load_reference_records(ROOT / "seeds", ROOT / "seeds" / "reference")
    docs = sorted({r.doc for r in records})
    same = docs[:2]
    event_of = {d: SEED_FAMILY if d in same else f"{HARD_NEGATIVE_PREFIX}{SEED_FAMILY}-{d[:3]}"
                for d in docs}
    links = {}
    for line in (ROOT / "benchmarks" / "data" / "seed_links.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith(("#", "doc_a")):
            a, ia, b, ib, kind = line.split("\t")[:5]
            links[(a, int(ia), b, int(ib))] = SEED_GRADES[kind]
    return EventsDev(records, event_of, dict.fromkeys(docs, SEED_FAMILY), links)


def load_dev_sets() -> list[EventsDev]:
    """events-dev and the seeds: the two collections the linker's models are fit on."""
    return [load_events_dev(), load_seeds()]
