"""Coverage across sources: which facts each article reports, and which other articles report them too.

Why: an analyst comparing outlets asks "what did outlet A report that B did not?". Given sentence records
(original text + English) of several articles, `compare_coverage` links sentences that report the same
fact (`hamta.align.links`), groups the links into fact clusters, and measures coverage:

- ``coverage[a][b]``: the share of document a's content sentences (boilerplate excluded) that have a link
  to document b — how much of a's reporting b also carries (not symmetric);
- fact clusters: linked sentences grouped across all documents (connected components of the links);
- unique facts: content sentences of a document with no link to any other document;
- events: which document pairs report the same event (and the evidence).

`write_coverage` writes ``links.tsv``, ``links.jsonl``, ``coverage.json``, ``facts.csv`` and ``report.html``.

Example:
    >>> from hamta.align.coverage import compare_coverage, write_coverage
    >>> from hamta.translations import load_reference_records
    >>> result = compare_coverage(load_reference_records("seeds", "seeds/reference"))  # doctest: +SKIP
    >>> write_coverage(result, "out/")  # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hamta.align.base import Link
from hamta.align.events import EventDecision
from hamta.align.links import EventLinker
from hamta.errors import InputError
from hamta.records import Sentence

__all__ = [
    "FactCluster",
    "CoverageResult",
    "compare_coverage",
    "write_coverage",
    "read_record_inputs",
    "fact_clusters",
    "coverage_matrix",
]

log = logging.getLogger("hamta.align.coverage")

LINKS_TSV_HEADER = "doc_a\tidx_a\tdoc_b\tidx_b\tscore"
#: the files `write_coverage` writes (report.html aside); `read_record_inputs` skips them in a run folder
COVERAGE_OUTPUTS: tuple[str, ...] = ("links.tsv", "links.jsonl", "coverage.json", "facts.csv")


@dataclass(frozen=True)
class FactCluster:
    """Sentences of several documents that report one fact: ``members`` are sorted (doc, idx) pairs."""

    id: int
    members: tuple[tuple[str, int], ...]

    @property
    def docs(self) -> tuple[str, ...]:
        return tuple(sorted({d for d, _ in self.members}))

    def to_dict(self) -> dict[str, Any]:
        members = [{"doc": d, "idx": i} for d, i in self.members]
        return {"id": self.id, "docs": list(self.docs), "members": members}


@dataclass(frozen=True)
class CoverageResult:
    """Everything `hamta coverage` reports; `write_coverage` serialises it.

    Attributes:
        docs: document ids, sorted.
        records: all input records (boilerplate included, for the report).
        links: cross-document links (doc_a < doc_b) with evidence.
        events: one `EventDecision` per compared document pair (with its reasons).
        clusters: fact clusters (two or more documents each).
        coverage: ``coverage[a][b]`` = share of a's content sentences linked to b.
        unique: per document, the idx of content sentences no other document reports.
        content_counts: per document, its number of content (non-boilerplate) sentences.
        signature: the linker settings.
    """

    docs: tuple[str, ...]
    records: tuple[Sentence, ...]
    links: tuple[Link, ...]
    events: tuple[EventDecision, ...]
    clusters: tuple[FactCluster, ...]
    coverage: dict[str, dict[str, float]]
    unique: dict[str, tuple[int, ...]]
    content_counts: dict[str, int]
    signature: str = ""

    def same_event_pairs(self) -> list[tuple[str, str]]:
        """Document pairs judged to report the same event."""
        return [(e.doc_a, e.doc_b) for e in self.events if e.same_event]

    def to_dict(self) -> dict[str, Any]:
        """The ``coverage.json`` content."""
        return {
            "signature": self.signature,
            "documents": [
                {"doc": d, "content_sentences": self.content_counts.get(d, 0),
                 "unique_sentences": len(self.unique.get(d, ()))}
                for d in self.docs
            ],
            "same_event": [e.to_dict() for e in self.events if e.same_event],
            "document_pairs": [e.to_dict() for e in self.events],
            "coverage": {
                "description": "coverage[a][b]: share of document a's content sentences that document b "
                "also reports",
                "docs": list(self.docs),
                "matrix": [[round(self.coverage[a][b], 4) for b in self.docs] for a in self.docs],
                "by_doc": {a: {b: round(v, 4) for b, v in row.items() if b != a}
                           for a, row in self.coverage.items()},
            },
            "clusters": [c.to_dict() for c in self.clusters],
            "unique_facts": {d: list(idx) for d, idx in self.unique.items()},
            "links": len(self.links),
        }


# ---------------------------------------------------------------------------------------------------------
# Pure helpers


def fact_clusters(links: Iterable[Link]) -> list[FactCluster]:
    """Connected components of the link graph, largest first (ties: by first member)."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for link in links:
        a, b = find((link.doc_a, link.idx_a)), find((link.doc_b, link.idx_b))
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[tuple[str, int], list[tuple[str, int]]] = defaultdict(list)
    for node in list(parent):
        groups[find(node)].append(node)
    ordered = sorted((tuple(sorted(g)) for g in groups.values()), key=lambda g: (-len(g), g))
    return [FactCluster(i, members) for i, members in enumerate(ordered)]


def coverage_matrix(content: dict[str, set[int]], links: Iterable[Link]) -> dict[str, dict[str, float]]:
    """``out[a][b]``: share of a's content sentences with a link to b (1.0 on the diagonal)."""
    covered: dict[tuple[str, str], set[int]] = defaultdict(set)
    for link in links:
        covered[(link.doc_a, link.doc_b)].add(link.idx_a)
        covered[(link.doc_b, link.doc_a)].add(link.idx_b)
    out: dict[str, dict[str, float]] = {}
    for a, sents in content.items():
        out[a] = {}
        for b in content:
            if a == b:
                out[a][b] = 1.0 if sents else 0.0
            else:
                out[a][b] = len(covered[(a, b)] & sents) / len(sents) if sents else 0.0
    return out


# ---------------------------------------------------------------------------------------------------------
# Entry points


def compare_coverage(records: Iterable[Sentence], *, similarity=None, linker: EventLinker | None = None,
                     progress: bool = False, unlinked: Iterable[str] = (), **options) -> CoverageResult:
    """Link same-event sentences across documents and measure who covers what.

    Args:
        records: hamta sentence records of two or more documents (``en`` filled for fa/ar text).
        similarity: passed to `EventLinker` (``"lexical"`` default, or a sentence-transformers model).
        linker: a configured `EventLinker` (overrides `similarity` and `options`).
        progress: progress bar on stderr.
        unlinked: documents to keep in the result (and report) without linking them, e.g. documents
            `hamta run` has no translation for.
        **options: `EventLinker` keyword options (k, threshold, event_threshold, max_gap_days, ...).

    Raises:
        InputError: duplicate (doc, idx) records.
    """
    records = list(records)
    seen: set[tuple[str, int]] = set()
    for r in records:
        if not isinstance(r, Sentence):
            raise TypeError(f"compare_coverage: expected hamta Sentence records, got {type(r).__name__}")
        if (r.doc, r.idx) in seen:
            raise InputError(f"duplicate record: document {r.doc!r} has two sentences with idx {r.idx}")
        seen.add((r.doc, r.idx))
    records.sort(key=lambda r: (r.doc, r.idx))
    docs = tuple(sorted({r.doc for r in records}))
    if len(docs) < 2:
        log.warning("coverage needs two or more documents; got %d", len(docs))
    linker = linker or EventLinker(similarity, progress=progress, **options)
    unlinked = set(unlinked)
    result = linker.link([r for r in records if r.doc not in unlinked])
    content: dict[str, set[int]] = {d: set() for d in docs}
    for r in records:
        if not r.boilerplate and r.text.strip():
            content[r.doc].add(r.idx)
    linked: dict[str, set[int]] = defaultdict(set)
    for link in result.links:
        linked[link.doc_a].add(link.idx_a)
        linked[link.doc_b].add(link.idx_b)
    unique = {d: tuple(sorted(content[d] - linked[d])) for d in docs}
    return CoverageResult(
        docs=docs,
        records=tuple(records),
        links=result.links,
        events=result.events,
        clusters=tuple(fact_clusters(result.links)),
        coverage=coverage_matrix(content, result.links),
        unique=unique,
        content_counts={d: len(content[d]) for d in docs},
        signature=result.signature,
    )


def write_coverage(result: CoverageResult, outdir: str | Path, *, report: bool = True) -> list[Path]:
    """Write links.tsv, links.jsonl, coverage.json, facts.csv (and report.html) into `outdir`.

    Returns the paths written. Files are written atomically, so an interrupted run never leaves a
    half-written file. The formats are documented field by field in docs/formats.md.
    """
    import csv
    import io

    from hamta.align.view import FACTS_CSV_COLUMNS, coverage_view
    from hamta.io import write_text_atomic

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    view = coverage_view(result)
    tsv = [LINKS_TSV_HEADER]
    tsv += [f"{lk.doc_a}\t{lk.idx_a}\t{lk.doc_b}\t{lk.idx_b}\t{lk.score:.4f}" for lk in result.links]
    paths = [outdir / name for name in COVERAGE_OUTPUTS]
    write_text_atomic(paths[0], "\n".join(tsv) + "\n")
    jsonl = "".join(json.dumps(lk.to_dict(), ensure_ascii=False) + "\n" for lk in result.links)
    write_text_atomic(paths[1], jsonl)
    data = {**result.to_dict(), **view.to_dict()}
    write_text_atomic(paths[2], json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FACTS_CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(view.fact_rows())
    # a BOM, so that spreadsheet programs open the Persian/Arabic text as UTF-8
    write_text_atomic(paths[3], "\ufeff" + buffer.getvalue())
    if report:
        from hamta.align.report import render_report

        paths.append(outdir / "report.html")
        write_text_atomic(paths[-1], render_report(result, view=view))
    return paths


def read_record_inputs(inputs: Iterable[str | Path]) -> list[Sentence]:
    """Records from JSONL files and folders of them (``*.jsonl``, recursive, sorted).

    A folder may be a `hamta run` output folder: its ``links.jsonl`` is hamta's own output, not records,
    and is skipped. A missing path, an empty folder or a malformed line is a one-line `InputError`.
    """
    from hamta.records import read_records

    files: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.jsonl") if p.is_file() and p.name not in COVERAGE_OUTPUTS)
            if not found:
                raise InputError(f"{path}: no .jsonl record files in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    records: list[Sentence] = []
    for f in files:
        records.extend(read_records(f))
    return records
