"""Run the whole pipeline: read, detect language, split, translate, link across articles, report.

Writes into OUTDIR: X.en.txt and X.jsonl per document, links.tsv, links.jsonl, coverage.json and
report.html (articles side by side with their English, the coverage matrix, fact clusters, links).

Examples:
  hamta run seeds/ --translations seeds/reference -o out/   # offline, with the shipped translations
  hamta run seeds/ -o out/                                  # translates with the default NLLB model
  hamta run news/ -o out/ --model ./opus-mt-ar-en --engine ct2
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from hamta.commands.translate import add_model_arguments

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help=".txt files, directories, or - (stdin)")
    parser.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="output directory")
    parser.add_argument(
        "--translations", metavar="DIR", default=None,
        help="use existing English from DIR (X.jsonl records, X.seg.txt + X.en.txt, or X.en.txt aligned "
        "with hamta's split) instead of a model; runs fully offline",
    )
    parser.add_argument("--encoding", default=None, help="input encoding (default: detect)")
    parser.add_argument(
        "--similarity", default=None, metavar="MODEL",
        help="sentence-transformers model id or directory to add to the lexical linking similarity",
    )
    add_model_arguments(parser)


def _covered(shares: dict[str, float]) -> str:
    return ", ".join(f"{doc} {100 * share:.0f}%" for doc, share in sorted(shares.items())) or "-"


def _print_table(rows: list[dict], out) -> None:
    """A plain fixed-width table: it must read well in any terminal and in a CI log."""
    from hamta.io import printable

    head = ("document", "lang", "sent", "boiler", "translated", "cache/given", "covered by")
    body = [
        (
            printable(r["doc"]) + (" (untranslated)" if r["untranslated"] else ""),
            r["lang"],
            str(r["sentences"]),
            str(r["boilerplate"]),
            str(r["translated"]),
            str(r["from_cache"] or r["given"]),
            _covered(r["covered_by"]),
        )
        for r in rows
    ]
    widths = [max(len(x) for x in col) for col in zip(head, *body, strict=True)]
    for line in (head, *body):
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip(), file=out)


def run(args: argparse.Namespace) -> int:
    from hamta.commands.translate import SkipReporter, translator_settings
    from hamta.pipeline import STAGES, run_pipeline
    from hamta.translate.distributed import ray_options_from_args

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
        progress=not quiet,
        on_stage=on_stage,
        on_error=skipped,
    )
    if not quiet:
        _print_table(result.table(), sys.stderr)
        pairs = result.coverage.same_event_pairs()
        print(
            f"hamta run: {len(result.records)} documents, {len(result.coverage.links)} links; same event: "
            f"{', '.join(' & '.join(p) for p in pairs) or 'none'} -> {args.output}/report.html"
            + (f"; skipped {len(skipped.names)}: {', '.join(skipped.names)}" if skipped.names else ""),
            file=sys.stderr,
        )
    return 1 if skipped.names else 0
