"""Score a sentence alignment against gold: strict and lax P/R/F1 of beads, or P/R/F1 of links.

Beads (default): GOLD and PRED are bead files (`[i, j]:[k]` per line, as `hamta align` writes and
Vecalign/Bertalign read); scoring follows Sennrich & Volk (2011) as in Vecalign's score.py.
Links (--links): GOLD and PRED are TSVs with header `doc_a idx_a doc_b idx_b` (+ score, grade, ...);
links are undirected; --min-grade keeps only gold links whose `grade` column is at least that value.

Examples:
  hamta score-align doc0.gold doc0.beads
  hamta score-align --links --min-grade 2 gold_links.tsv out/links.tsv
"""

from __future__ import annotations

import argparse
import json
import sys

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("gold", metavar="GOLD", help="gold beads (or links TSV with --links)")
    parser.add_argument("pred", metavar="PRED", help="predicted beads (or links TSV with --links)")
    parser.add_argument("--links", action="store_true", help="score link TSVs instead of beads")
    parser.add_argument(
        "--min-grade",
        type=float,
        default=None,
        metavar="G",
        help="with --links: only gold links with grade >= G count",
    )
    from hamta.commands.common import add_format_argument

    add_format_argument(parser, ["text", "json"], "text")


def run(args: argparse.Namespace) -> int:
    from hamta.eval.align_metrics import read_beads, read_links, score_beads, score_links

    if args.min_grade is not None and not args.links:
        raise ValueError("--min-grade applies to --links only")
    if args.links:
        scores = score_links(read_links(args.gold, min_grade=args.min_grade), read_links(args.pred))
        if args.format == "json":
            print(json.dumps(scores.to_dict()))
        else:
            print(
                f"links  P {scores.precision:.3f}  R {scores.recall:.3f}  F1 {scores.f1:.3f}  "
                f"(gold {scores.n_gold}, predicted {scores.n_pred}, correct {scores.true_positives})"
            )
        return 0
    result = score_beads(read_beads(args.gold), read_beads(args.pred))
    if args.format == "json":
        print(json.dumps(result.to_dict()))
        return 0
    out = sys.stdout
    out.write("           strict    lax\n")
    out.write(f"precision  {result.precision_strict:.3f}    {result.precision_lax:.3f}\n")
    out.write(f"recall     {result.recall_strict:.3f}    {result.recall_lax:.3f}\n")
    out.write(f"F1         {result.f1_strict:.3f}    {result.f1_lax:.3f}\n")
    out.write(f"(gold beads {result.n_gold}, predicted {result.n_pred})\n")
    return 0
