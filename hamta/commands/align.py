"""Align a document with its translation, sentence by sentence (monotonic beads, up to N-to-M).

SRC and TGT hold one sentence per line. Give --src-trans (SRC translated into TGT's language, line by
line) for the best results, or both --src-trans and --tgt-trans (both sides in a pivot language); with
neither, length, numbers, names and shared words guide the alignment.

Output: Vecalign's bead format, one bead per line, 0-based: `[i, j]:[k]`, `[]:[k]` for a target sentence
with no counterpart, `[i]:[]` for a source sentence with none; --format jsonl adds each bead's score.

Examples:
  hamta align doc.de doc.fr --src-trans doc.de-fr > doc.beads
  hamta align doc.fa doc.ar --format jsonl -o beads.jsonl
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_arguments", "run", "read_lines", "MAX_BEAD_LIMIT"]

#: the largest --max-bead accepted. The bead shapes grow with its square and the time with them (16:
#: 122 shapes, about ten times the default's time); 1000 would take hours for nothing.
MAX_BEAD_LIMIT = 16


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from hamta.commands.common import add_format_argument, add_similarity_argument

    parser.add_argument("src", metavar="SRC", help="source document, one sentence per line")
    parser.add_argument("tgt", metavar="TGT", help="target document, one sentence per line")
    parser.add_argument("--src-trans", metavar="FILE", help="SRC translated into TGT's (or a pivot) language")
    parser.add_argument("--tgt-trans", metavar="FILE", help="TGT translated into the pivot language")
    add_format_argument(parser, ["beads", "jsonl"], "beads")
    parser.add_argument(
        "--max-bead",
        type=int,
        default=None,
        metavar="N",
        help=f"largest bead in sentences, both sides together, 2..{MAX_BEAD_LIMIT} "
        "(default 5: up to 1-4/2-3)",
    )
    add_similarity_argument(parser)
    parser.add_argument("-o", "--output", metavar="FILE", help="write here (atomically) instead of stdout")


def read_lines(path: str) -> list[str]:
    """One sentence per line (BOM, UTF-8 or Windows-1256 as `hamta.io` decodes them)."""
    from pathlib import Path

    from hamta.io import decode_bytes

    return decode_bytes(Path(path).read_bytes(), path).splitlines()


def run(args: argparse.Namespace) -> int:
    from hamta.align.base import beads_to_jsonl, format_bead
    from hamta.align.parallel import align_sentences
    from hamta.commands.common import show_progress
    from hamta.io import write_text_atomic

    if args.max_bead is not None and not 2 <= args.max_bead <= MAX_BEAD_LIMIT:
        raise ValueError(f"--max-bead {args.max_bead}: must be between 2 (1-1 beads only) and "
                         f"{MAX_BEAD_LIMIT}")
    src, tgt = read_lines(args.src), read_lines(args.tgt)
    for name, lines in ((args.src, src), (args.tgt, tgt)):
        if not any(line.strip() for line in lines):
            raise ValueError(f"{name}: document is empty: nothing to align")
    src_trans = read_lines(args.src_trans) if args.src_trans else None
    tgt_trans = read_lines(args.tgt_trans) if args.tgt_trans else None
    if src_trans is not None and len(src_trans) != len(src):
        raise ValueError(f"{args.src_trans} has {len(src_trans)} lines but {args.src} has {len(src)}")
    if tgt_trans is not None and len(tgt_trans) != len(tgt):
        raise ValueError(f"{args.tgt_trans} has {len(tgt_trans)} lines but {args.tgt} has {len(tgt)}")
    beads = align_sentences(
        src,
        tgt,
        src_trans=src_trans,
        tgt_trans=tgt_trans,
        similarity=args.similarity,
        max_bead=args.max_bead,
        show_progress=show_progress(args),
    )
    if args.format == "jsonl":
        text = beads_to_jsonl(beads)
    else:
        text = "".join(format_bead(b) + "\n" for b in beads)
    if args.output:
        write_text_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 0
