"""The self-contained HTML report of `hamta score --report DIR`.

Why self-contained: reports are mailed around and opened offline, so plots are inline PNGs (base64), CSS
is inline and nothing is fetched from anywhere. Why autoescape: the report shows sources, references and
system outputs verbatim, and text is never trusted (an output containing ``<script>`` must stay text).

Sections: summary table (scores, 95 % CIs, paired-test p-values with marks), dataset statistics,
per-document bars, sentence-score histograms per system, scores by source-length bucket, and the
sentences with the largest score differences between the baseline and each system.

Example:
    >>> write_report("out", data, result)  # doctest: +SKIP
    PosixPath('out/report.html')
"""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["render_report", "write_report", "length_buckets", "largest_differences"]

log = logging.getLogger("hamta.eval.report")

#: upper bounds (inclusive, in words) of the source-length buckets; the last bucket is open
BUCKET_BOUNDS: tuple[int, ...] = (10, 20, 30, 40)
#: how many sentences the "largest differences" table lists per system pair
TOP_DIFFERENCES = 10
_SENTENCE_METRIC_PREFERENCE = ("chrf++", "chrf", "bleu", "ter")


@dataclass(frozen=True)
class Difference:
    """One segment where a system and the baseline differ most (sentence-level score)."""

    seg: int
    doc: str
    source: str
    reference: str
    hypotheses: tuple[tuple[str, str, float], ...]  # (system, text, score)
    delta: float
    references: tuple[str, ...] = ()  # every reference of the segment (first = `reference`)


def length_buckets(
    lengths: Sequence[int], bounds: Sequence[int] = BUCKET_BOUNDS
) -> list[tuple[str, list[int]]]:
    """Segments grouped by length in words: ``[("1-10", [rows]), ("11-20", ...), ..., ("41+", ...)]``."""
    labels, lo = [], 1
    for b in bounds:
        labels.append(f"{lo}-{b}" if lo != b else str(b))
        lo = b + 1
    labels.append(f"{lo}+")
    rows: list[list[int]] = [[] for _ in labels]
    for i, n in enumerate(lengths):
        k = next((j for j, b in enumerate(bounds) if n <= b), len(bounds))
        rows[k].append(i)
    return [(label, r) for label, r in zip(labels, rows, strict=True) if r]


def _sentence_metric(metrics: Sequence[str]) -> str:
    return next(m for m in _SENTENCE_METRIC_PREFERENCE if m in metrics)


def largest_differences(data: Any, result: Any, metric: str, top: int = TOP_DIFFERENCES) -> list[Difference]:
    """The `top` segments with the largest |system - baseline| sentence score over all other systems."""
    base = result.systems[0]
    base_scores = result.get(base, metric).sentence_scores
    if not base_scores or len(result.systems) < 2:
        return []
    best: dict[int, float] = {}
    for name in result.systems[1:]:
        for i, (a, b) in enumerate(zip(base_scores, result.get(name, metric).sentence_scores, strict=True)):
            d = b - a
            if abs(d) > abs(best.get(i, 0.0)):
                best[i] = d
    rows = sorted(best, key=lambda i: (-abs(best[i]), i))[:top]
    texts = {s.name: s.hypotheses for s in data.systems}
    out = []
    for i in rows:
        hyps = tuple(
            (name, texts[name][i], result.get(name, metric).sentence_scores[i]) for name in result.systems
        )
        out.append(
            Difference(
                seg=i,
                doc=data.docs[i] if data.docs is not None else "",
                source=data.sources[i] if data.sources is not None else "",
                reference=data.references[i],
                hypotheses=hyps,
                delta=best[i],
                references=tuple(r[i] for r in _all_references(data)),
            )
        )
    return out


def _all_references(data: Any) -> list[Any]:
    return list(getattr(data, "all_references", None) or [data.references])


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure  # no pyplot: no global backend state, safe in threads and tests

    return Figure(figsize=(width, height))


def _doc_plot(result: Any, metric: str) -> str | None:
    docs = list(result.documents)
    if not docs:
        return None
    import numpy as np

    n_sys = len(result.systems)
    fig = _figure(9, max(2.5, 0.22 * len(docs) * max(1, n_sys) ** 0.5 + 1))
    ax = fig.add_subplot()
    y = np.arange(len(docs))
    h = 0.8 / n_sys
    for k, name in enumerate(result.systems):
        vals = [result.get(name, metric).doc_scores[d] for d in docs]
        ax.barh(y + k * h - 0.4 + h / 2, vals, height=h, label=name)
    ax.set_yticks(y, [d if len(d) <= 28 else d[:25] + "..." for d in docs], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(result.get(result.systems[0], metric).name)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def _histograms(result: Any, metric: str) -> str | None:
    if not result.get(result.systems[0], metric).sentence_scores:
        return None
    n = len(result.systems)
    cols = min(n, 3)
    rows = (n + cols - 1) // cols
    fig = _figure(3.2 * cols, 2.4 * rows)
    name = result.get(result.systems[0], metric).name
    for k, system in enumerate(result.systems):
        ax = fig.add_subplot(rows, cols, k + 1)
        scores = result.get(system, metric).sentence_scores
        ax.hist(scores, bins=20, range=(0, max(100.0, max(scores))), color=f"C{k}")
        ax.set_title(system if len(system) <= 30 else system[:27] + "...", fontsize=9)
        ax.set_xlabel(f"sentence {name}", fontsize=8)
        ax.tick_params(labelsize=7)
    fig.tight_layout()
    return _png(fig)


def _bucket_table(data: Any, result: Any, metric: str) -> tuple[str, list[dict[str, Any]], str | None]:
    """Per length bucket: segment count and each system's corpus score on those segments (+ a plot)."""
    basis = "source" if data.sources is not None else "reference"
    texts = data.sources if data.sources is not None else data.references
    buckets = length_buckets([len(t.split()) for t in texts])
    rows = []
    for label, idx in buckets:
        rows.append(
            {
                "label": label,
                "n": len(idx),
                "scores": [result.subset_score(s, metric, idx) for s in result.systems],
            }
        )
    plot = None
    if rows:
        import numpy as np

        fig = _figure(7, 2.8)
        ax = fig.add_subplot()
        x = np.arange(len(rows))
        w = 0.8 / len(result.systems)
        for k, name in enumerate(result.systems):
            ax.bar(x + k * w - 0.4 + w / 2, [r["scores"][k] for r in rows], width=w, label=name)
        ax.set_xticks(x, [f"{r['label']}\n(n={r['n']})" for r in rows], fontsize=8)
        ax.set_xlabel(f"{basis} length (words)")
        ax.set_ylabel(result.get(result.systems[0], metric).name)
        ax.legend(fontsize=8)
        ax.grid(axis="y", alpha=0.3)
        plot = _png(fig)
    return basis, rows, plot


def _dataset_stats(data: Any) -> dict[str, Any]:
    ref_words = [len(r.split()) for r in data.references]
    total = sum(ref_words) or 1
    systems = []
    for s in data.systems:
        hyp_words = sum(len(h.split()) for h in s.hypotheses)
        systems.append(
            {
                "name": s.name,
                "path": s.path,
                "empty": s.n_empty,
                "words": hyp_words,
                "ratio": hyp_words / total,
                "resegmented": len(s.resegmented),
            }
        )
    return {
        "segments": len(data.references),
        "documents": len(set(data.docs)) if data.docs is not None else None,
        "ref_words": sum(ref_words),
        "ref_avg": sum(ref_words) / max(1, len(ref_words)),
        "ref_empty": data.ref_empty,
        "src_words": sum(len(t.split()) for t in data.sources) if data.sources is not None else None,
        "systems": systems,
        "resegmented": list(data.resegmented),
    }


def _summary(result: Any) -> list[dict[str, Any]]:
    rows = []
    for k, name in enumerate(result.systems):
        cells = []
        for m in result.metrics:
            r = result.get(name, m)
            tests = [t for t in (r.paired_bs, r.paired_ar) if t is not None]
            cells.append(
                {
                    "score": r.score,
                    "ci": r.ci,
                    "tests": [{"test": t.test, "p": t.p_value, "mark": _marks(t.p_value)} for t in tests],
                    "lower_is_better": m == "ter",
                }
            )
        rows.append({"name": name, "baseline": k == 0 and len(result.systems) > 1, "cells": cells})
    return rows


def _marks(p: float) -> str:
    return "**" if p < 0.01 else "*" if p < 0.05 else ""


def render_report(
    data: Any, result: Any, *, notes: Sequence[str] = (), title: str = "hamta score report"
) -> str:
    """The report as one HTML string (Jinja2 with autoescaping; plots inline)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from hamta import __version__

    env = Environment(
        loader=FileSystemLoader(str(Path(__file__).resolve().parent.parent / "templates")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    primary = result.metrics[0]
    sent_metric = _sentence_metric(result.metrics)
    basis, buckets, bucket_plot = _bucket_table(data, result, primary)
    context = {
        "title": title,
        "version": __version__,
        "reference": data.ref_path,
        "references": list(getattr(data, "ref_paths", ()) or (data.ref_path,)),
        "metric_names": [result.get(result.systems[0], m).name for m in result.metrics],
        "signatures": [
            (result.get(result.systems[0], m).name, result.get(result.systems[0], m).signature)
            for m in result.metrics
        ],
        "systems": list(result.systems),
        "summary": _summary(result),
        "stats": _dataset_stats(data),
        "notes": list(notes),
        "primary_name": result.get(result.systems[0], primary).name,
        "sentence_name": result.get(result.systems[0], sent_metric).name,
        "doc_plot": _doc_plot(result, primary),
        "doc_rows": [
            (d, [result.get(s, primary).doc_scores[d] for s in result.systems]) for d in result.documents
        ],
        "histograms": _histograms(result, sent_metric),
        "bucket_basis": basis,
        "buckets": buckets,
        "bucket_plot": bucket_plot,
        "differences": largest_differences(data, result, sent_metric),
        "has_tests": any(r.paired_bs or r.paired_ar for r in result.results),
    }
    return env.get_template("score_report.html").render(**context)


def write_report(out_dir: str | Path, data: Any, result: Any, *, notes: Sequence[str] = ()) -> Path:
    """Render the report into ``out_dir/report.html`` (atomically) and return its path."""
    from hamta.io import write_text_atomic

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "report.html"
    write_text_atomic(path, render_report(data, result, notes=notes))
    return path
