"""Translate Persian/Arabic documents into English.

For each input document X, writes OUTDIR/X.en.txt (one translated paragraph per input paragraph) and
OUTDIR/X.jsonl (one record per sentence, with `en` and `flags`). Inputs: .txt files, directories (their
.txt files, recursively), `-` for stdin, and .jsonl files (hamta sentence records, or one document per line
with its text under --field). Translations are cached in SQLite: an interrupted run resumes where it
stopped and a repeated run translates nothing.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["add_arguments", "add_model_arguments", "translator_settings", "run", "SkipReporter"]

def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `hamta translate` options (defaults mirror `hamta.translate.Translator`)."""
    parser.add_argument(
        "inputs", nargs="+", metavar="INPUT", help=".txt/.jsonl files, directories, or - (stdin)"
    )
    parser.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="output directory")
    from hamta.commands.common import add_export_arguments

    add_export_arguments(parser)
    parser.add_argument("--field", dest="text_field", help=argparse.SUPPRESS)  # the old --text-field
    parser.add_argument("--encoding", default=None, help="input encoding (default: detect)")
    add_model_arguments(parser)


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """Model, decoding, cache and Ray options, shared by `hamta translate` and `hamta run`."""
    from hamta.translate.base import (
        DEFAULT_BATCHING,
        DEFAULT_BEAM_SIZE,
        DEFAULT_MAX_BATCH_TOKENS,
        DEFAULT_MODEL,
    )
    from hamta.translate.batching import BATCHING
    from hamta.translate.distributed import add_ray_arguments

    parser.add_argument(
        "--src",
        default="auto",
        help="source language: auto (per paragraph), fa, ar, or a "
        "model code such as pes_Arab (default: auto)",
    )
    parser.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        metavar="ID|DIR",
        help=f"hub id or local checkpoint directory (default: {DEFAULT_MODEL})",
    )
    parser.add_argument(
        "--engine",
        default="auto",
        choices=("auto", "hf", "ct2"),
        help="auto: CTranslate2 when it can run the model, else transformers (default: auto)",
    )
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda (default: auto)")
    parser.add_argument(
        "--beam",
        type=int,
        default=DEFAULT_BEAM_SIZE,
        metavar="N",
        help=f"beam size; 1 = greedy (default: {DEFAULT_BEAM_SIZE})",
    )
    parser.add_argument(
        "--batch-tokens",
        type=int,
        default=DEFAULT_MAX_BATCH_TOKENS,
        metavar="N",
        help=f"source tokens per batch (default: {DEFAULT_MAX_BATCH_TOKENS})",
    )
    parser.add_argument(
        "--batching",
        default=DEFAULT_BATCHING,
        choices=BATCHING,
        help="padded: sources sorted by length and batched like raw CTranslate2 (default; fastest, but a "
        "sentence's output can differ in a word now and then with the sentences that share its batch); "
        "exact: every sentence padded to a width fixed by its own length (ct2: its length bucket; hf: "
        "none), so its output never depends on the rest of the job (byte-identical alone, together, "
        "resumed or on Ray; 10-20%% slower)",
    )
    parser.add_argument(
        "--no-repeat-ngram",
        type=int,
        default=0,
        metavar="N",
        help="forbid repeated n-grams of this size in outputs (default: 0 = off)",
    )
    parser.add_argument(
        "--max-new-tokens",
        type=int,
        default=None,
        metavar="N",
        help="output limit per sentence (default: 2 x source tokens + 16)",
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--cache",
        metavar="PATH",
        help="SQLite translation cache (default: $HAMTA_CACHE_DIR or ~/.cache/hamta/translations.sqlite)",
    )
    group.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    add_ray_arguments(parser)


def translator_settings(args: argparse.Namespace) -> dict[str, Any]:
    """`hamta.translate.Translator` keyword arguments from the options of `add_model_arguments`."""
    from hamta.translate.base import DEFAULT_BATCHING

    return {
        "model": args.model,
        "engine": args.engine,
        "device": args.device,
        "beam_size": args.beam,
        "max_batch_tokens": args.batch_tokens,
        "batching": getattr(args, "batching", DEFAULT_BATCHING),
        "cache": False if args.no_cache else args.cache,
        "max_new_tokens": args.max_new_tokens,
        "no_repeat_ngram_size": args.no_repeat_ngram,
    }


def run(args: argparse.Namespace) -> int:
    """Translate all inputs; print a one-line summary. Exit 0 on success."""
    from hamta.commands.common import export_fields, show_progress
    from hamta.translate import Translator
    from hamta.translate.distributed import ray_options_from_args
    from hamta.translate.job import load_inputs, translate_documents

    translator = Translator(**translator_settings(args))
    src_lang = None if args.src == "auto" else args.src
    # Fail fast, before reading anything: model present, family supported, languages known.
    family = translator.family
    family.target_code(translator.tgt_lang)
    if src_lang is not None:
        family.source_code(src_lang)
    ray_options = ray_options_from_args(args)
    skipped = SkipReporter("hamta.translate")
    docs = load_inputs(args.inputs, args.src, args.text_field, args.encoding, on_error=skipped,
                       fields=export_fields(args))
    if not docs and skipped.names:
        from hamta.errors import InputError

        raise InputError("no documents to translate: every input was skipped")
    quiet = bool(getattr(args, "quiet", False))
    with translator:
        summary = translate_documents(translator, docs, args.output, src_lang=src_lang,
                                      progress=show_progress(args), ray_options=ray_options)
    summary.skipped[:0] = skipped.names  # inputs skipped while reading, then any the job skipped
    if not quiet:
        print(f"hamta translate: {summary.line(args.output)}", file=sys.stderr)
    return 1 if summary.skipped else 0


class SkipReporter:
    """An ``on_error`` callback for batch jobs: one error line per skipped input, and their names.

    Why: one bad input must never sink a batch (as in `hamta split`): the job goes on, exits 1, and its
    summary lists what it left out.
    """

    def __init__(self, logger: str) -> None:
        import logging

        self.log = logging.getLogger(logger)
        self.names: list[str] = []

    def __call__(self, error: Exception) -> None:
        self.names.append(str(getattr(error, "path", None) or "?"))
        message = str(error)
        self.log.error("%s", message if "skipped" in message else f"{message}; skipped")
