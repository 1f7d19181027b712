"""The self-contained HTML coverage report (Jinja2, autoescaped): per event, which outlet reported what.

Why a template with autoescaping: article text comes from the web and is never trusted; every piece of
it goes through Jinja2's HTML escaping, and the page loads nothing from outside (no external URLs; a
Content-Security-Policy forbids any), so it can be mailed or archived as one file. What it shows comes
from `hamta.align.view`, the same view ``coverage.json`` and ``facts.csv`` are written from, so the
numbers agree everywhere.

Example:
    >>> from hamta.align.report import render_report
    >>> html = render_report(result)  # doctest: +SKIP
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from hamta.align.coverage import CoverageResult
from hamta.align.view import ArticleInfo, CoverageView, coverage_view
from hamta.records import Sentence
from hamta.wording import plural

__all__ = ["render_report", "heat_color"]

_RTL = {"fa", "ar"}
#: look-alike pairs listed in the report (the most similar first); coverage.json has them all
MAX_LOOKALIKES = 30


def heat_color(value: float) -> str:
    """A CSS colour for a share in [0, 1]: white (0) to deep blue (1); numbers only, safe to inline."""
    v = min(1.0, max(0.0, float(value)))
    r = round(255 - 200 * v)
    g = round(255 - 150 * v)
    b = round(255 - 40 * v)
    return f"rgb({r},{g},{b})"


#: words of the first sentence shown where an article has no known title
_LEAD_WORDS = 12


def _article(a: ArticleInfo, records: list[Sentence]) -> dict[str, Any]:
    hover = " · ".join(x for x in (a.title, a.date, a.url, f"id {a.doc}") if x)
    first = next((r for r in records if not r.boilerplate and r.text.strip()), None)
    words = ((first.en or first.text) if first else "").split()
    lead = " ".join(words[:_LEAD_WORDS]) + (" …" if len(words) > _LEAD_WORDS else "")
    return {**a.to_dict(), "label": a.label, "hover": hover, "lead": lead,
            "dir": "rtl" if a.lang in _RTL else "auto"}


def _context(result: CoverageResult, view: CoverageView, title: str) -> dict[str, Any]:
    cluster_of = {m: c.id for c in result.clusters for m in c.members}
    by_doc: dict[str, list[Sentence]] = defaultdict(list)
    for r in result.records:
        by_doc[r.doc].append(r)
    articles = {d: _article(a, by_doc[d]) for d, a in view.articles.items()}

    def sent(doc: str, idx: int) -> dict[str, Any]:
        r = view.records.get((doc, idx))
        return {
            "doc": doc, "idx": idx, "text": r.text if r else "", "en": (r.en or "") if r else "",
            "dir": "rtl" if r and r.lang in _RTL else "auto", "lang": r.lang if r else "",
            "cluster": cluster_of.get((doc, idx)), "boilerplate": bool(r and r.boilerplate),
            "flags": list(r.flags) if r else [],
        }

    events = []
    for e in view.events:
        rows = [{"fact": f.fact, "cells": [[sent(d, i) for i in f.cells.get(d, ())] for d in e.docs]}
                for f in e.facts]
        events.append({
            "id": e.id, "number": e.id + 1, "docs": [articles[d] for d in e.docs], "rows": rows,
            "unique": [{"article": articles[d], "rows": [sent(d, i) for i in e.unique.get(d, ())]}
                       for d in e.docs],
            "evidence": [{**x.to_dict(), "a": articles[x.doc_a], "b": articles[x.doc_b]} for x in e.evidence],
        })
    alone = [articles[d] for d, a in view.articles.items() if a.event is None]
    apart = [{**x.to_dict(), "a": articles[x.doc_a], "b": articles[x.doc_b]}
             for x in view.lookalikes[:MAX_LOOKALIKES]]

    def cell(a: str, b: str) -> dict[str, Any]:
        value = result.coverage[a][b]
        return {"doc": b, "value": value, "pct": f"{100 * value:.0f}", "color": heat_color(value),
                "diag": a == b}

    matrix = [{"article": articles[a], "cells": [cell(a, b) for b in result.docs]} for a in result.docs]
    full = [{"article": articles[d], "rows": [sent(r.doc, r.idx) for r in by_doc[d]]} for d in result.docs]
    flags = Counter(f for r in result.records for f in r.flags)
    return {
        "title": title, "articles": list(articles.values()), "events": events, "alone": alone,
        "apart": apart, "n_apart_more": len(view.lookalikes) - len(apart),
        "n_apart_other": sum(1 for x in view.decisions if not x.same_event) - len(view.lookalikes),
        "matrix": matrix, "full": full, "flags": sorted(flags.items()),
        "n_docs": len(result.docs), "n_events": len(view.events), "n_links": len(result.links),
        "n_clusters": len(result.clusters),
        "signature": result.signature,
    }


def render_report(result: CoverageResult, *, title: str = "hamta coverage report",
                  view: CoverageView | None = None) -> str:
    """The report as one self-contained HTML page (every piece of article text escaped)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("hamta", "templates"),
        autoescape=select_autoescape(["html"], default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["plural"] = plural
    env.filters["noun"] = lambda count, noun: plural(count, noun).split(" ", 1)[1]
    view = view or coverage_view(result)
    return env.get_template("coverage.html").render(**_context(result, view, title))
