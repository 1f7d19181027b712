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
from hamta.wording import plural

__all__ = [
    "CHUNK_SENTENCES",
    "DocumentCounts",
    "JobSummary",
    "load_inputs",
    "paragraph_text",
    "output_path",
    "output_key",
    "claim_output",
    "skip_or_raise",
    "write_document",
    "translate_documents",
]

#: longest file name a document id may give: 255 bytes (most file systems) less the temp file's
#: ``.`` + ``.en.txt`` + ``.XXXXXXXX.tmp`` that `hamta.io.write_text_atomic` adds around it
MAX_NAME_BYTES = 225

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
    repeated: int = 0  # sentences met earlier in this job (in any document): not counted as from cache


@dataclass
class JobSummary:
    """What a translate job did, overall and per document."""

    documents: dict[str, DocumentCounts] = field(default_factory=dict)
    flag_counts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    skipped: list[str] = field(default_factory=list)  # inputs and documents left out, each named

    def total(self, name: str) -> int:
        return sum(getattr(c, name) for c in self.documents.values())

    def line(self, outdir: str | Path) -> str:
        """The one-line summary the CLI prints."""
        flags = ", ".join(f"{k}={v}" for k, v in sorted(self.flag_counts.items()))
        boilerplate = self.total("boilerplate")
        return (
            f"{plural(len(self.documents), 'document')}, "
            f"{plural(self.total('sentences') - boilerplate, 'sentence')}, "
            f"{self.total('from_cache')} from cache, {self.total('translated')} translated, "
            f"{self.total('flagged')} flagged{f' ({flags})' if flags else ''}, "
            f"{self.total('repeated')} repeated within this job, "
            f"{boilerplate} boilerplate lines kept untranslated, {self.seconds:.1f} s -> {outdir}"
            + (f"; skipped {len(self.skipped)}: {', '.join(self.skipped)}" if self.skipped else "")
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
        if doc_id is not None and (not isinstance(doc_id, str | int) or isinstance(doc_id, bool)):
            raise InputError(f"{path}:{lineno}: document id must be a string or an integer, got {doc_id!r}")
        out.append((str(doc_id) if doc_id is not None else f"{path.stem}-{lineno}", data[field]))
    return out


def load_inputs(
    inputs: list[str],
    src: str,
    field: str = "text",
    encoding: str | None = None,
    *,
    on_error: Callable[[InputError], None] | None = None,
    fields: Any = None,
) -> list[tuple[str, list[Any]]]:
    """Read and segment every input: ``[(doc id, sentence records)]`` in input order.

    JSONL files of hamta sentence records are read here, as they are; everything else (text, web pages,
    JSONL/CSV exports whose fields `fields` names, a `hamta.io.ExportFields`) goes through
    `hamta.io.read_documents`. A document id that cannot name an output file, or whose output files
    would be another document's (ids equal after `output_key`: ``x``, ``./x``, ``/x``), is refused.

    Args:
        on_error: without it, the first bad input raises `InputError`; with it, each bad input (an
            unreadable file, a .jsonl with a bad line, a refused document) is passed to it and left
            out, and the job goes on with the others. The error's ``path`` names what was left out.
    """
    from hamta.io import ExportFields, is_record_file

    fields = fields or ExportFields(text=field)

    seg_lang = src if src in ("fa", "ar", "en") else "auto"
    docs: list[tuple[str, list[Any]]] = []
    sources: list[str] = []  # the input each document came from, for error lines
    plain: list[str] = []

    def flush() -> None:
        if plain:
            for document in read_documents(list(plain), encoding=encoding, on_error=on_error, fields=fields):
                docs.append((document.doc, segment_document(document, lang=seg_lang)))
                sources.append(document.path)
            plain.clear()

    for item in inputs:
        if item != "-" and is_record_file(item):
            flush()
            try:
                found = _jsonl_documents(Path(item), field)
            except InputError as exc:
                skip_or_raise(exc, item, on_error)
                continue
            except OSError as exc:
                skip_or_raise(InputError(f"{item}: {exc.strerror or exc}"), item, on_error)
                continue
            for doc_id, content in found:
                records = (
                    content
                    if isinstance(content, list)
                    else segment_document(Document(doc=doc_id, text=content, path=item), lang=seg_lang)
                )
                docs.append((doc_id, records))
                sources.append(item)
        else:
            plain.append(item)
    flush()
    kept: list[tuple[str, list[Any]]] = []
    owners: dict[str, str] = {}
    for (doc_id, records), source in zip(docs, sources, strict=True):
        try:
            claim_output(owners, doc_id)
        except InputError as exc:
            skip_or_raise(InputError(f"{source}: {exc}; skipped"), doc_id, on_error)
            continue
        kept.append((doc_id, records))
    return kept


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


def output_key(doc_id: str) -> str:
    """The relative path, without suffix, that a document's output files get: ``./x``, ``/x``, ``x`` and
    ``a\\b``/``a//b``/``a/b`` each give one key, so two ids with the same key would overwrite each other.

    Raises:
        InputError: an id that names no file or would escape the output folder (``..``).
    """
    parts = [p for p in doc_id.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or ".." in parts or "\0" in doc_id:
        raise InputError(f"document id {doc_id!r} cannot be used as an output file name")
    if max(len(p.encode("utf-8")) for p in parts) > MAX_NAME_BYTES:
        raise InputError(f"document id {doc_id[:40]!r}... is too long for a file name "
                         f"(at most {MAX_NAME_BYTES} bytes between slashes)")
    return "/".join(parts)


def skip_or_raise(error: InputError, what: str, on_error: Callable[[InputError], None] | None) -> None:
    """Raise ``error``; or, in a batch job (``on_error`` given), mark ``what`` as left out and report it."""
    if on_error is None:
        raise error
    error.path = error.path or what
    on_error(error)


def claim_output(owners: dict[str, str], doc_id: str) -> None:
    """Record that ``doc_id`` owns its output files in ``owners`` (output key -> doc id).

    Raises:
        InputError: the id names no file, or the files of a document claimed before.
    """
    key = output_key(doc_id)
    if key in owners:
        raise InputError(f"document id {doc_id!r} names the same output files as {owners[key]!r} "
                         f"(give the documents distinct ids)")
    owners[key] = doc_id


def output_path(outdir: Path, doc_id: str, suffix: str) -> Path:
    """``OUTDIR/<output_key(doc id)><suffix>``; a document id that would escape OUTDIR is an error."""
    return outdir / f"{output_key(doc_id)}{suffix}"


def write_document(outdir: Path, doc_id: str, records: Sequence[Sentence]) -> None:
    """Write ``X.en.txt`` (paragraphs kept) and ``X.jsonl`` (records) for one document, atomically."""
    write_text_atomic(output_path(outdir, doc_id, ".en.txt"), paragraph_text(list(records)))
    write_text_atomic(output_path(outdir, doc_id, ".jsonl"), records_to_jsonl(records))


def _add_check_flags(records: list[Sentence], summary: JobSummary) -> list[Sentence]:
    """Run the translation checks (hamta.translate.checks) on one document and count their flags."""
    from hamta.translate.checks import flag_records

    checked = flag_records(records)
    for before, after in zip(records, checked, strict=True):
        new = after.flags[len(before.flags) :]
        if new:
            if not before.flags:
                summary.documents[after.doc].flagged += 1
            summary.flag_counts.update(new)
    return checked


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

    from hamta.translate.batching import normalize_source

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
    seen: set[tuple[str, str]] = set()
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
                lang = src_lang or flat[i].lang
                key = (lang, normalize_source(flat[i].text, lang))
                if key in seen:  # met earlier in this job: neither new work nor found in the cache
                    counts.repeated += 1
                elif result.from_cache and (flat[i].doc, flat[i].idx) not in fresh:  # fresh: done on Ray now
                    counts.from_cache += 1
                else:
                    counts.translated += 1
                seen.add(key)
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
                mine = _add_check_flags(mine, summary)
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
