"""Run the whole pipeline: read, detect language, split, translate, link across articles, report.

Writes into OUTDIR: X.en.txt and X.jsonl per document, links.tsv, links.jsonl, coverage.json, facts.csv
and report.html (per event, which outlet reported which fact; see docs/formats.md). Inputs may be text,
saved web pages (.html, the `html` extra), JSONL/CSV exports with one article per row, or hamta records.

Examples:
  hamta run seeds/ --translations seeds/reference -o out/   # offline, with the shipped translations
  hamta run seeds/ -o out/                                  # translates with the default NLLB model
  hamta run news/ -o out/ --model ./opus-mt-ar-en --engine ct2
  hamta run feed.jsonl --text-field body --outlet-field source -o out/
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from hamta.commands.common import add_coverage_arguments, add_export_arguments
    from hamta.commands.translate import add_model_arguments

    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help=".txt files, saved web pages (.html), JSONL/CSV article exports, hamta JSONL "
                        "records, folders (.txt and .html; a manifest.tsv there adds metadata), or - (stdin)")
    parser.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="output directory")
    parser.add_argument(
        "--translations", metavar="DIR", default=None,
        help="use existing English from DIR (X.jsonl records, X.seg.txt + X.en.txt, or X.en.txt aligned "
        "with hamta's split) instead of a model; runs fully offline",
    )
    parser.add_argument("--encoding", default=None, help="input encoding (default: detect)")
    add_coverage_arguments(parser)
    add_export_arguments(parser)
    add_model_arguments(parser)


def _covered(shares: dict[str, float]) -> str:
    return ", ".join(f"{doc} {100 * share:.0f}%" for doc, share in sorted(shares.items())) or "-"


def _sources(row: dict) -> str:
    """Where the English came from: ``12 new, 3 cached`` / ``13 given``."""
    names = (("new", "new"), ("from_cache", "cached"), ("given", "given"))
    parts = [f"{row[key]} {name}" for key, name in names if row[key]]
    return ", ".join(parts) or "-"


def _print_table(rows: list[dict], out) -> None:
    """A plain fixed-width table: it must read well in any terminal and in a CI log."""
    from hamta.io import printable

    head = ("document", "lang", "sent", "boiler", "translated", "from", "covered by")
    body = [
        (
            printable(r["doc"]) + (" (untranslated)" if r["untranslated"] else ""),
            r["lang"],
            str(r["sentences"]),
            str(r["boilerplate"]),
            str(r["translated"]),
            _sources(r),
            _covered(r["covered_by"]),
        )
        for r in rows
    ]
    widths = [max(len(x) for x in col) for col in zip(head, *body, strict=True)]
    for line in (head, *body):
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip(), file=out)


def run(args: argparse.Namespace) -> int:
    from hamta.commands.common import coverage_options, export_fields, show_progress
    from hamta.commands.translate import SkipReporter, translator_settings
    from hamta.pipeline import STAGES, run_pipeline
    from hamta.translate.distributed import ray_options_from_args
    from hamta.wording import plural

    quiet = bool(getattr(args, "quiet", False))

    def on_stage(number: int, name: str, detail: str) -> None:
        if not quiet:
            print(f"[{number}/{len(STAGES)}] {name}: {detail}", file=sys.stderr)

    skipped = SkipReporter("hamta.run")
    settings = translator_settings(args)
    model = settings.pop("model")
    engine, device = settings.pop("engine"), settings.pop("device")
    result = run_pipeline(
        args.inputs,
        args.output,
        translations=args.translations,
        model=model,
        engine=engine,
        device=device,
        src=args.src,
        encoding=args.encoding,
        translator_options=settings,
        ray_options=ray_options_from_args(args),
        similarity=args.similarity,
        progress=show_progress(args),
        on_stage=on_stage,
        on_error=skipped,
        fields=export_fields(args),
        coverage_options=coverage_options(args),
        report=not args.no_report,
    )
    if not quiet:
        _print_table(result.table(), sys.stderr)
        pairs = result.coverage.same_event_pairs()
        target = result.paths[-1] if result.paths else Path(args.output)
        print(
            f"hamta run: {plural(len(result.records), 'document')}, "
            f"{plural(len(result.coverage.links), 'link')}; same event: "
            f"{', '.join(' & '.join(p) for p in pairs) or 'none'} -> {target}"
            + (f"; skipped {len(skipped.names)}: {', '.join(skipped.names)}" if skipped.names else ""),
            file=sys.stderr,
        )
    return 1 if skipped.names else 0
