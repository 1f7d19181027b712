"""Link sentences that report the same fact across articles and compare coverage across sources.

DOCS are hamta sentence-record JSONL files (from `hamta split --format jsonl` + `hamta translate`, or
`hamta run`), or folders of them; records need `en` (the English translation) for fa/ar text. Writes into
OUTDIR: links.tsv (doc_a idx_a doc_b idx_b score), links.jsonl (with evidence), coverage.json (fact
clusters, coverage matrix, events, facts only one source reports, document pairs that report the same
event), facts.csv (event, fact, outlet, date, sentence, English) and report.html (self-contained). The
formats are in docs/formats.md.

Examples:
  hamta coverage out/ -o out/coverage          # the output folder of `hamta run`
  hamta coverage a.jsonl b.jsonl c.jsonl -o cov --threshold 0.5
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # no hamta.align import here: `hamta --help` must not load numpy
    from hamta.commands.common import add_coverage_arguments

    parser.add_argument("docs", nargs="+", metavar="DOCS",
                        help="JSONL record files or folders of them (a `hamta run` output folder works)")
    parser.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="output folder")
    add_coverage_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from hamta.align.coverage import compare_coverage, read_record_inputs, write_coverage
    from hamta.commands.common import coverage_options, show_progress
    from hamta.wording import plural

    records = read_record_inputs(args.docs)
    if not records:
        raise ValueError("no sentence records in " + ", ".join(args.docs))
    result = compare_coverage(records, similarity=args.similarity, progress=show_progress(args),
                              **coverage_options(args))
    paths = write_coverage(result, args.output, report=not args.no_report)
    same = result.same_event_pairs()
    if not getattr(args, "quiet", False):
        print(f"{plural(len(result.docs), 'document')}, {plural(len(result.links), 'link')}, "
              f"{plural(len(result.clusters), 'fact cluster')}; "
              f"same event: {', '.join(f'{a}–{b}' for a, b in same) or 'none'}", file=sys.stderr)
    for p in paths:
        print(p)
    return 0
