"""Translate Persian/Arabic documents into English.

For each input document X, writes OUTDIR/X.en.txt (one translated paragraph per input paragraph) and
OUTDIR/X.jsonl (one record per sentence, with `en` and `flags`). Inputs: .txt files, directories (their
.txt files, recursively), `-` for stdin, and .jsonl files (hamta sentence records, or one document per line
with its text under --field). Translations are cached in SQLite: an interrupted run resumes where it
stopped and a repeated run translates nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["add_arguments", "run", "load_inputs", "paragraph_text"]

#: documents are translated in chunks of about this many sentences, and written after each chunk
CHUNK_SENTENCES = 512


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `hamta translate` options (defaults mirror `hamta.translate.Translator`)."""
    from hamta.translate.base import DEFAULT_BEAM_SIZE, DEFAULT_MAX_BATCH_TOKENS, DEFAULT_MODEL

    parser.add_argument(
        "inputs", nargs="+", metavar="INPUT", help=".txt/.jsonl files, directories, or - (stdin)"
    )
    parser.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="output directory")
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
        help=f"source tokens per batch, padding included (default: {DEFAULT_MAX_BATCH_TOKENS})",
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
    parser.add_argument(
        "--field", default="text", metavar="NAME", help="text field of .jsonl document inputs (default: text)"
    )
    parser.add_argument("--encoding", default=None, help="input encoding (default: detect)")
    from hamta.translate.distributed import add_ray_arguments

    add_ray_arguments(parser)  # --ray [ADDRESS], --ray-actors, --ray-gpus-per-actor


def _jsonl_documents(path: Path, field: str) -> list[tuple[str, list[Any] | str]]:
    """(doc id, records) for a hamta-records JSONL, or (doc id, text) per line for any other JSONL."""
    from hamta.errors import InputError
    from hamta.records import Sentence

    out: list[tuple[str, list[Any] | str]] = []
    grouped: dict[str, list[Any]] = {}
    with path.open(encoding="utf-8-sig") as handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None
            if not isinstance(data, dict):
                raise InputError(f"{path}:{lineno}: expected a JSON object")
            if "doc" in data and "idx" in data and "text" in data:  # a hamta sentence record
                rec = Sentence.from_dict(data, where=f"{path}:{lineno}")
                if rec.doc not in grouped:
                    grouped[rec.doc] = []
                    out.append((rec.doc, grouped[rec.doc]))
                grouped[rec.doc].append(rec)
                continue
            if field not in data or not isinstance(data[field], str):
                raise InputError(f"{path}:{lineno}: no text field {field!r} (choose it with --field)")
            doc_id = data.get("doc", data.get("id"))
            out.append((str(doc_id) if doc_id is not None else f"{path.stem}-{lineno}", data[field]))
    return out


def load_inputs(
    inputs: list[str], src: str, field: str = "text", encoding: str | None = None
) -> list[tuple[str, list[Any]]]:
    """Read and segment every input: ``[(doc id, sentence records)]`` in input order.

    .jsonl files are read here (records as they are; documents segmented); everything else goes through
    `hamta.io.read_documents`. Duplicate document ids are an error (their outputs would collide).
    """
    from hamta.errors import InputError
    from hamta.io import read_documents
    from hamta.records import Document
    from hamta.segment import segment_document

    seg_lang = src if src in ("fa", "ar", "en") else "auto"
    docs: list[tuple[str, list[Any]]] = []
    plain: list[str] = []

    def flush() -> None:
        if plain:
            for document in read_documents(list(plain), encoding=encoding):
                docs.append((document.doc, segment_document(document, lang=seg_lang)))
            plain.clear()

    for item in inputs:
        if item != "-" and Path(item).suffix.lower() == ".jsonl" and Path(item).is_file():
            flush()
            for doc_id, content in _jsonl_documents(Path(item), field):
                records = (
                    content
                    if isinstance(content, list)
                    else segment_document(Document(doc=doc_id, text=content, path=item), lang=seg_lang)
                )
                docs.append((doc_id, records))
        else:
            plain.append(item)
    flush()
    seen: set[str] = set()
    for doc_id, _ in docs:
        if doc_id in seen:
            raise InputError(f"two inputs give document id {doc_id!r}; their outputs would collide")
        seen.add(doc_id)
    return docs


def paragraph_text(records: list[Any]) -> str:
    """The English text of one document: sentences joined by spaces, paragraphs by blank lines.

    Boilerplate and untranslatable sentences keep their original text, so every input paragraph has a
    paragraph in the output and nothing is silently dropped.
    """
    paragraphs: dict[int, list[str]] = {}
    for rec in records:
        text = rec.en if rec.en is not None else rec.text
        paragraphs.setdefault(rec.para, []).append(" ".join(text.split()))
    return "\n\n".join(" ".join(t for t in parts if t) for _, parts in sorted(paragraphs.items())) + "\n"


def _output_path(outdir: Path, doc_id: str, suffix: str) -> Path:
    from hamta.errors import InputError

    safe = doc_id.replace("\\", "/").lstrip("/")
    if safe in ("", ".") or any(part == ".." for part in safe.split("/")):
        raise InputError(f"document id {doc_id!r} cannot be used as an output file name")
    return outdir / f"{safe}{suffix}"


def run(args: argparse.Namespace) -> int:
    """Translate all inputs; print a one-line summary. Exit 0 on success."""
    from tqdm import tqdm

    from hamta.io import write_text_atomic
    from hamta.records import records_to_jsonl
    from hamta.translate import Translator

    started = time.perf_counter()
    cache: Any = False if args.no_cache else args.cache
    translator = Translator(
        model=args.model,
        engine=args.engine,
        device=args.device,
        beam_size=args.beam,
        max_batch_tokens=args.batch_tokens,
        cache=cache,
        max_new_tokens=args.max_new_tokens,
        no_repeat_ngram_size=args.no_repeat_ngram,
    )
    src_lang = None if args.src == "auto" else args.src
    # Fail fast, before reading anything: model present, family supported, languages known.
    family = translator.family
    family.target_code(translator.tgt_lang)
    if src_lang is not None:
        family.source_code(src_lang)

    docs = load_inputs(args.inputs, args.src, args.field, args.encoding)
    outdir = Path(args.output)
    total = sum(1 for _, recs in docs for r in recs if not r.boilerplate)
    quiet = bool(getattr(args, "quiet", False))
    from hamta.translate.distributed import prefill_cache, ray_options_from_args

    if (ray_options := ray_options_from_args(args)) is not None:  # model work on Ray; loop reads the cache
        prefill_cache(
            translator,
            [r for _, recs in docs for r in recs],
            src_lang,
            options=ray_options,
            progress=not quiet,
        )
    bar = tqdm(
        total=total,
        unit="sent",
        desc="translating",
        disable=quiet or total == 0,
        file=sys.stderr,
        dynamic_ncols=True,
    )
    try:
        with translator:
            start = 0
            while start < len(docs):
                end, size = start, 0
                while end < len(docs) and (size == 0 or size + len(docs[end][1]) <= CHUNK_SENTENCES):
                    size += len(docs[end][1])
                    end += 1
                chunk = docs[start:end]
                flat = [r for _, recs in chunk for r in recs]
                translated = translator.translate_records(flat, src_lang=src_lang, on_progress=bar.update)
                pos = 0
                for doc_id, recs in chunk:
                    mine = translated[pos : pos + len(recs)]
                    pos += len(recs)
                    write_text_atomic(_output_path(outdir, doc_id, ".en.txt"), paragraph_text(mine))
                    write_text_atomic(_output_path(outdir, doc_id, ".jsonl"), records_to_jsonl(mine))
                start = end
    finally:
        bar.close()
    stats = translator.stats
    flags = ", ".join(f"{k}={v}" for k, v in sorted(stats.flag_counts.items()))
    if not quiet:
        print(
            f"hamta translate: {len(docs)} documents, {stats.sentences} sentences, "
            f"{stats.from_cache} from cache, "
            f"{stats.translated} translated, {stats.flagged} flagged{f' ({flags})' if flags else ''}, "
            f"{time.perf_counter() - started:.1f} s -> {outdir}",
            file=sys.stderr,
        )
    return 0
