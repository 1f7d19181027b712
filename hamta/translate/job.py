"""The translate stage as a job: documents in, ``X.en.txt`` + ``X.jsonl`` out, chunked and resumable.

Why apart from the CLI: `hamta translate` and `hamta run` do the same job (read and segment inputs,
translate in chunks, write each document's outputs atomically as soon as its chunk is done), and a
Python user should be able to run it too. Work is committed to the translation cache batch by batch, so
an interrupted job resumes where it stopped.
"""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hamta.errors import InputError
from hamta.io import read_documents, write_text_atomic
from hamta.records import Document, Sentence, iter_jsonl, records_to_jsonl
from hamta.segment import segment_document

__all__ = [
    "CHUNK_SENTENCES",
    "DocumentCounts",
    "JobSummary",
    "load_inputs",
    "paragraph_text",
    "output_path",
    "write_document",
    "translate_documents",
]

log = logging.getLogger("hamta.translate")
#: skipped documents named in the warning; the rest are counted
_NAMED_SKIPS = 5

#: documents are translated in chunks of about this many sentences, and written after each chunk
CHUNK_SENTENCES = 512


@dataclass
class DocumentCounts:
    """Per-document counts for summaries: sentences, boilerplate, translated by the model, from cache,
    and translations given by the user (`hamta run --translations`)."""

    sentences: int = 0
    boilerplate: int = 0
    translated: int = 0
    from_cache: int = 0
    flagged: int = 0
    given: int = 0


@dataclass
class JobSummary:
    """What a translate job did, overall and per document."""

    documents: dict[str, DocumentCounts] = field(default_factory=dict)
    flag_counts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    #: documents in a language the model cannot translate (not written)
    skipped: list[str] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(c, name) for c in self.documents.values())

    def line(self, outdir: str | Path) -> str:
        """The one-line summary the CLI prints."""
        flags = ", ".join(f"{k}={v}" for k, v in sorted(self.flag_counts.items()))
        boilerplate = self.total("boilerplate")
        return (
            f"{len(self.documents)} documents, {self.total('sentences') - boilerplate} sentences, "
            f"{self.total('from_cache')} from cache, {self.total('translated')} translated, "
            f"{self.total('flagged')} flagged{f' ({flags})' if flags else ''}, "
            f"{boilerplate} boilerplate lines kept untranslated"
            + (f", {len(self.skipped)} skipped (a language the model lacks)" if self.skipped else "")
            + f", {self.seconds:.1f} s -> {outdir}"
        )


def _jsonl_documents(path: Path, field: str) -> list[tuple[str, list[Any] | str]]:
    """(doc id, records) for a hamta-records JSONL, or (doc id, text) per line for any other JSONL."""
    out: list[tuple[str, list[Any] | str]] = []
    grouped: dict[str, list[Any]] = {}
    for lineno, data in iter_jsonl(path):
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


def output_path(outdir: Path, doc_id: str, suffix: str) -> Path:
    """``OUTDIR/<doc id><suffix>``; a document id that would escape OUTDIR is an error."""

    safe = doc_id.replace("\\", "/").lstrip("/")
    if safe in ("", ".") or any(part == ".." for part in safe.split("/")):
        raise InputError(f"document id {doc_id!r} cannot be used as an output file name")
    return outdir / f"{safe}{suffix}"


def write_document(outdir: Path, doc_id: str, records: Sequence[Sentence]) -> None:
    """Write ``X.en.txt`` (paragraphs kept) and ``X.jsonl`` (records) for one document, atomically."""
    write_text_atomic(output_path(outdir, doc_id, ".en.txt"), paragraph_text(list(records)))
    write_text_atomic(output_path(outdir, doc_id, ".jsonl"), records_to_jsonl(records))


def translate_documents(
    translator: Any,
    docs: Sequence[tuple[str, list[Sentence]]],
    outdir: str | Path,
    *,
    src_lang: str | None = None,
    progress: bool = False,
    ray_options: Any = None,
    on_document: Callable[[str, list[Sentence]], None] | None = None,
) -> JobSummary:
    """Translate ``[(doc id, records)]`` with ``translator`` and write every document's outputs.

    Args:
        translator: a `hamta.translate.Translator` (its cache makes the job resumable).
        docs: documents as `load_inputs` returns them.
        outdir: where ``X.en.txt`` and ``X.jsonl`` go.
        src_lang: force a source language (None: each record's ``lang``).
        progress: a tqdm bar on stderr.
        ray_options: `hamta.translate.distributed.RayOptions` to do the model work on Ray first.
        on_document: called with each document's translated records once they are written.
    """
    from tqdm import tqdm

    started = time.perf_counter()
    outdir = Path(outdir)
    summary = JobSummary()
    for doc_id, recs in docs:
        summary.documents[doc_id] = DocumentCounts(
            sentences=len(recs), boilerplate=sum(1 for r in recs if r.boilerplate)
        )
    if ray_options is not None:  # the model work runs on Ray; the loop below then reads the cache
        from hamta.translate.distributed import prefill_cache

        fresh = prefill_cache(translator, [r for _, recs in docs for r in recs], src_lang,
                              options=ray_options, progress=progress).fresh
    else:
        fresh = frozenset()
    total = sum(c.sentences - c.boilerplate for c in summary.documents.values())
    bar = tqdm(total=total, unit="sent", desc="translating", disable=not progress or total == 0,
               file=sys.stderr, dynamic_ncols=True)
    try:
        start = 0
        while start < len(docs):
            end, size = start, 0
            while end < len(docs) and (size == 0 or size + len(docs[end][1]) <= CHUNK_SENTENCES):
                size += len(docs[end][1])
                end += 1
            chunk = docs[start:end]
            flat = [r for _, recs in chunk for r in recs]

            def count(i: int, result: Any, flat: list[Sentence] = flat) -> None:
                counts = summary.documents[flat[i].doc]
                if result.from_cache and (flat[i].doc, flat[i].idx) not in fresh:  # fresh: done on Ray now
                    counts.from_cache += 1
                else:
                    counts.translated += 1
                if result.flags:
                    counts.flagged += 1
                    summary.flag_counts.update(result.flags)

            translated = translator.translate_records(flat, src_lang=src_lang, on_progress=bar.update,
                                                      on_result=count)
            pos = 0
            for doc_id, recs in chunk:
                mine = translated[pos : pos + len(recs)]
                pos += len(recs)
                if _untranslatable(mine):
                    summary.skipped.append(doc_id)
                    del summary.documents[doc_id]
                    continue
                write_document(outdir, doc_id, mine)
                if on_document is not None:
                    on_document(doc_id, mine)
            start = end
    finally:
        bar.close()
    if summary.skipped:
        named = ", ".join(summary.skipped[:_NAMED_SKIPS])
        extra = len(summary.skipped) - _NAMED_SKIPS
        more = f" and {extra} more" if extra > 0 else ""
        log.warning("skipped %d document(s) in a language model %s does not translate: %s%s",
                    len(summary.skipped), getattr(translator, "model_name", "?"), named, more)
    summary.seconds = time.perf_counter() - started
    return summary


def _untranslatable(records: Sequence[Sentence]) -> bool:
    """A document the model cannot take: some text in an unsupported language and nothing translated."""
    from hamta.translate.flags import FLAG_LANG_UNSUPPORTED

    content = [r for r in records if not r.boilerplate]
    return any(FLAG_LANG_UNSUPPORTED in r.flags for r in content) and all(r.en is None for r in content)
