"""The self-contained HTML coverage report (Jinja2, autoescaped).

Why a template with autoescaping: article text comes from the web and is never trusted; every piece of
it goes through Jinja2's HTML escaping, and the page loads nothing from outside (no external URLs; a
Content-Security-Policy forbids any), so it can be mailed or archived as one file.

Example:
    >>> from hamta.align.report import render_report
    >>> html = render_report(result)  # doctest: +SKIP
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from hamta.align.coverage import CoverageResult

__all__ = ["render_report", "heat_color"]

_RTL = {"fa", "ar"}


def heat_color(value: float) -> str:
    """A CSS colour for a share in [0, 1]: white (0) to deep blue (1); numbers only, safe to inline."""
    v = min(1.0, max(0.0, float(value)))
    r = round(255 - 200 * v)
    g = round(255 - 150 * v)
    b = round(255 - 40 * v)
    return f"rgb({r},{g},{b})"


def _context(result: CoverageResult, title: str) -> dict[str, Any]:
    by_key = {(r.doc, r.idx): r for r in result.records}
    cluster_of = {m: c.id for c in result.clusters for m in c.members}
    partners: dict[str, set[str]] = defaultdict(set)
    for a, b in result.same_event_pairs():
        partners[a].add(b)
        partners[b].add(a)

    def sent(doc: str, idx: int) -> dict[str, Any]:
        r = by_key.get((doc, idx))
        return {
            "doc": doc, "idx": idx, "text": r.text if r else "", "en": (r.en or "") if r else "",
            "dir": "rtl" if r and r.lang in _RTL else "auto", "lang": r.lang if r else "",
            "cluster": cluster_of.get((doc, idx)), "boilerplate": bool(r and r.boilerplate),
        }

    docs = []
    for d in result.docs:
        recs = [r for r in result.records if r.doc == d]
        docs.append({
            "doc": d, "lang": recs[0].lang if recs else "", "sentences": len(recs),
            "content": result.content_counts.get(d, 0), "unique": len(result.unique.get(d, ())),
            "translated": sum(1 for r in recs if r.en), "partners": sorted(partners[d]),
            "rows": [sent(d, r.idx) for r in recs],
        })
    def cell(a: str, b: str) -> dict[str, Any]:
        value = result.coverage[a][b]
        return {"doc": b, "value": value, "pct": f"{100 * value:.0f}", "color": heat_color(value),
                "diag": a == b}

    matrix = [{"doc": a, "cells": [cell(a, b) for b in result.docs]} for a in result.docs]
    pairs = []
    for e in result.events:
        if not e.same_event:
            continue
        links = sorted((lk for lk in result.links if lk.doc_a == e.doc_a and lk.doc_b == e.doc_b),
                       key=lambda lk: (lk.idx_a, lk.idx_b))
        rows = [
            {"a": sent(lk.doc_a, lk.idx_a), "b": sent(lk.doc_b, lk.idx_b), "score": f"{lk.score:.2f}",
             "evidence": [x for x in lk.evidence if not x.startswith(("similarity:", "margin:"))]}
            for lk in links
        ]
        pairs.append({"doc_a": e.doc_a, "doc_b": e.doc_b, "score": f"{e.score:.2f}",
                      "evidence": list(e.evidence), "links": rows})
    clusters = [{"id": c.id, "docs": list(c.docs), "members": [sent(d, i) for d, i in c.members]}
                for c in result.clusters]
    unique = [{"doc": d, "rows": [sent(d, i) for i in result.unique.get(d, ())]} for d in result.docs]
    return {
        "title": title, "docs": docs, "matrix": matrix, "pairs": pairs, "clusters": clusters,
        "unique": unique,
        "n_docs": len(result.docs), "n_links": len(result.links), "n_clusters": len(result.clusters),
        "signature": result.signature,
        "other_pairs": [e.to_dict() for e in result.events if not e.same_event],
    }


def render_report(result: CoverageResult, *, title: str = "hamta coverage report") -> str:
    """The report as one self-contained HTML page (every piece of article text escaped)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("hamta", "templates"),
        autoescape=select_autoescape(["html"], default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("coverage.html").render(**_context(result, title))
