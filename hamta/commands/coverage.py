"""Link sentences that report the same fact across articles and compare coverage across sources.

DOCS are hamta sentence-record JSONL files (from `hamta split --format jsonl` + `hamta translate`, or
`hamta run`), or folders of them; records need `en` (the English translation) for fa/ar text. Writes into
OUTDIR: links.tsv (doc_a idx_a doc_b idx_b score), links.jsonl (with evidence), coverage.json (fact
clusters, coverage matrix, facts only one source reports, document pairs that report the same event)
and report.html (self-contained).

Examples:
  hamta coverage out/translations/ -o out/coverage
  hamta coverage a.jsonl b.jsonl c.jsonl -o cov --threshold 0.5
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # no hamta.align import here: `hamta --help` must not load numpy; None = the linker's default
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("docs", nargs="+", metavar="DOCS", help="JSONL record files or folders of them")
    parser.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="output folder")
    parser.add_argument("--similarity", default="lexical",
                        help="'lexical' (default, no weights) or a sentence-transformers model id/folder")
    parser.add_argument("--threshold", type=float, default=None,
                        help="link probability at or above which two sentences are linked (default: the "
                        "shipped link model's cross-validated threshold; higher = fewer, surer links)")
    parser.add_argument("--event-threshold", type=float, default=None,
                        help="same-event probability of a document pair (default: the shipped event "
                        "model's threshold)")
    parser.add_argument("--link-model", default=None, metavar="JSON",
                        help="link model file (default: the shipped one, fit on events-dev by "
                        "benchmarks/fit_links.py; fit another with --similarity MODEL --output DIR)")
    parser.add_argument("--event-model", default=None, metavar="JSON",
                        help="event model file (default: the shipped one)")
    parser.add_argument("--max-gap-days", type=float, default=None,
                        help="event dates further apart than this rule two articles out (default: fitted)")
    parser.add_argument("-k", type=int, default=None, help="neighbours for margin scoring (default 3)")
    parser.add_argument("--no-report", action="store_true", help="skip report.html")


def run(args: argparse.Namespace) -> int:
    from hamta.align.coverage import compare_coverage, read_record_inputs, write_coverage

    records = read_record_inputs(args.docs)
    if not records:
        raise ValueError("no sentence records in " + ", ".join(args.docs))
    given = (("threshold", args.threshold), ("k", args.k), ("event_threshold", args.event_threshold),
             ("max_gap_days", args.max_gap_days), ("link_model", args.link_model),
             ("event_model", args.event_model))
    options = {name: value for name, value in given if value is not None}
    result = compare_coverage(records, similarity=args.similarity, progress=not getattr(args, "quiet", False),
                              **options)
    paths = write_coverage(result, args.output, report=not args.no_report)
    same = result.same_event_pairs()
    print(f"{len(result.docs)} documents, {len(result.links)} links, {len(result.clusters)} fact clusters; "
          f"same event: {', '.join(f'{a}–{b}' for a, b in same) or 'none'}", file=sys.stderr)
    for p in paths:
        print(p)
    return 0
