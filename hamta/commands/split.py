"""Split Persian, Arabic or English text into sentences.

Text format prints one sentence per line (a blank line between documents); jsonl prints one hamta
sentence record per line: {"doc", "idx", "text", "start", "end", "lang", "boilerplate", ...}, the
interchange format of every hamta stage. Offsets are character offsets into the original text.

Examples:
  hamta split seeds/000_c9f47b2442972326.txt
  hamta split --format jsonl seeds/ > seeds.jsonl
  cat article.txt | hamta split --lang ar -
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from hamta.commands.common import add_export_arguments, add_format_argument

    parser.add_argument("inputs", nargs="*", default=["-"], metavar="FILE",
                        help="text files, saved web pages, JSONL/CSV article exports or folders (recursive, "
                        "sorted); '-' or nothing = stdin")
    parser.add_argument("--lang", default="auto", choices=["auto", "fa", "ar", "en", "other"],
                        help="language of the text (default: detect per paragraph)")
    parser.add_argument("--encoding", default=None,
                        help="input encoding (default: BOM, else UTF-8, else Windows-1256 "
                        "if it reads as Arabic)")
    add_format_argument(parser, ["text", "jsonl"], "text")
    add_export_arguments(parser)


def run(args: argparse.Namespace) -> int:
    import logging

    from hamta.io import printable, read_documents
    from hamta.records import records_to_jsonl
    from hamta.segment import segment_document

    log = logging.getLogger("hamta.split")
    failures: list[str] = []

    def report(error: Exception) -> None:
        failures.append(str(error))
        log.error("%s", error)

    out = sys.stdout
    first = True
    from hamta.commands.common import export_fields

    fields = export_fields(args)
    for doc in read_documents(args.inputs, encoding=args.encoding, on_error=report, fields=fields):
        records = segment_document(doc, args.lang)
        if args.format == "jsonl":
            out.write(records_to_jsonl(records))
        else:
            if not first and records:
                out.write("\n")
            out.write("".join(printable(r.text) + "\n" for r in records))
        first = first and not records
        out.flush()
    return 1 if failures else 0
