"""The whole job in one call: read -> detect language -> split -> translate -> link -> report.

Why one function: it is what a newcomer runs first (`hamta run seeds/ -o out/`), and what a notebook
user wants as well. Each stage is the stage module's own entry point; this only wires them in order,
keeps the per-document counts for the summary, and leaves every output in ``outdir``:
``X.en.txt``/``X.jsonl`` per document, then ``links.tsv``, ``links.jsonl``, ``coverage.json`` and
``report.html``. With ``translations=DIR`` no model is loaded at all (fully offline).

Example:
    >>> result = run_pipeline(["seeds"], "out", translations="seeds/reference")  # doctest: +SKIP
    >>> result.coverage.same_event_pairs()  # doctest: +SKIP
    [('000_c9f47b2442972326', '001_4fe6c4b4a26e7727')]
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hamta.errors import HamtaError, InputError
from hamta.records import Sentence
from hamta.translate.job import DocumentCounts, JobSummary
from hamta.wording import plural

__all__ = ["run_pipeline", "PipelineResult", "STAGES"]

log = logging.getLogger("hamta.pipeline")

#: the stages, in order, as progress reports name them
STAGES: tuple[str, ...] = ("read and split", "translate", "link and cluster", "report")
#: what `run` writes beside the documents' X.en.txt/X.jsonl: a document whose outputs would be one of
#: these (id ``links``) is refused rather than overwritten by the link stage
RUN_FILES: tuple[str, ...] = ("links.tsv", "links.jsonl", "coverage.json", "report.html")
OnError = Callable[[InputError], None]


@dataclass(frozen=True)
class PipelineResult:
    """What `run_pipeline` produced: per-document records and counts, the coverage result, the files."""

    records: dict[str, list[Sentence]]
    summary: JobSummary
    untranslated: tuple[str, ...]
    coverage: Any  # hamta.align.coverage.CoverageResult
    paths: tuple[Path, ...]
    skipped: tuple[str, ...] = ()  # inputs left out (each reported to `on_error`)

    def table(self) -> list[dict[str, Any]]:
        """One row per document for the terminal summary (``translated`` counts as the report does)."""
        from hamta.align.view import english_count

        rows = []
        for doc, recs in self.records.items():
            counts = self.summary.documents.get(doc, DocumentCounts())
            content = [r for r in recs if not r.boilerplate]
            langs = Counter(r.lang for r in content) or Counter(r.lang for r in recs)
            covered = {
                other: share
                for other, share in self.coverage.coverage.get(doc, {}).items()
                if other != doc and share > 0
            }
            rows.append(
                {
                    "doc": doc,
                    "lang": langs.most_common(1)[0][0] if langs else "-",
                    "sentences": len(recs),
                    "boilerplate": len(recs) - len(content),
                    "translated": english_count(recs),
                    "new": counts.translated,
                    "from_cache": counts.from_cache,
                    "given": counts.given,
                    "covered_by": covered,
                    "untranslated": doc in self.untranslated,
                }
            )
        return rows


def _own_outputs(docs: dict[str, list[Sentence]], on_error: OnError | None) -> dict[str, list[Sentence]]:
    """``docs`` without those whose output files would be the run's own (`RUN_FILES`)."""
    from hamta.translate.job import output_key, skip_or_raise

    kept = {}
    for doc_id, recs in docs.items():
        if any(f"{output_key(doc_id)}{sfx}" in RUN_FILES for sfx in (".jsonl", ".en.txt")):
            skip_or_raise(InputError(f"document id {doc_id!r} would overwrite the run's own "
                               f"{output_key(doc_id)}.jsonl; skipped (rename the input)"), doc_id, on_error)
            continue
        kept[doc_id] = recs
    return kept


def _given_records(
    paths: Sequence[str], docs: dict[str, list[Sentence]], untranslated: set[str], summary: JobSummary,
    owners: dict[str, str], on_error: OnError | None,
) -> None:
    """Record files given to a run with ``translations``: used as they are; without `en`, untranslated."""
    from hamta.records import read_records
    from hamta.translate.job import claim_output, skip_or_raise

    for path in paths:
        grouped: dict[str, list[Sentence]] = {}
        try:
            for rec in read_records(path):
                grouped.setdefault(rec.doc, []).append(rec)
        except InputError as exc:
            skip_or_raise(exc, str(path), on_error)
            continue
        for doc_id, recs in grouped.items():
            try:
                claim_output(owners, doc_id)
            except InputError as exc:
                skip_or_raise(InputError(f"{path}: {exc}; skipped"), str(path), on_error)
                continue
            docs[doc_id] = recs
            content = [r for r in recs if not r.boilerplate]
            if not any(r.en for r in content):
                log.warning("%s: records of %s carry no English; it stays untranslated and unlinked",
                            path, doc_id)
                untranslated.add(doc_id)
            summary.documents[doc_id] = DocumentCounts(
                sentences=len(recs), boilerplate=len(recs) - len(content),
                given=sum(1 for r in content if r.en),
            )


def _segment_all(
    inputs: Sequence[str], src: str, encoding: str | None, translations: str | Path | None,
    on_error: OnError | None = None,
    fields: Any = None,
) -> tuple[dict[str, list[Sentence]], set[str], JobSummary]:
    """Stage 1 (and, with ``translations``, stage 2): records per document."""
    from hamta.io import is_record_file
    from hamta.translate.job import claim_output, load_inputs, skip_or_raise

    summary = JobSummary()
    docs: dict[str, list[Sentence]] = {}
    untranslated: set[str] = set()
    if translations is None:
        loaded = load_inputs(list(inputs), src, encoding=encoding, on_error=on_error, fields=fields)
        for doc_id, recs in loaded:
            docs[doc_id] = recs
        return _own_outputs(docs, on_error), untranslated, summary

    from hamta.io import read_documents
    from hamta.segment import segment_document
    from hamta.translations import load_translations

    folder = Path(translations)
    if not folder.is_dir():
        raise InputError(f"--translations {translations}: not a directory")
    lang = src if src in ("fa", "ar", "en") else "auto"
    owners: dict[str, str] = {}
    record_files = [i for i in inputs if i != "-" and is_record_file(i)]
    _given_records(record_files, docs, untranslated, summary, owners, on_error)
    articles = [i for i in inputs if i not in record_files]
    found_documents = read_documents(articles, encoding=encoding, fields=fields, on_error=on_error)
    for doc in found_documents if articles else ():
        try:
            claim_output(owners, doc.doc)
        except InputError as exc:
            skip_or_raise(InputError(f"{doc.path}: {exc}; skipped"), doc.path, on_error)
            continue
        try:
            found = load_translations(doc, folder, lang=lang)
            if found is None:
                log.warning("no translation of %s in %s; it stays untranslated and unlinked", doc.doc, folder)
        except InputError as exc:
            log.warning("%s; %s stays untranslated and unlinked", exc, doc.doc)
            found = None
        if found is None:
            untranslated.add(doc.doc)
            found = segment_document(doc, lang)
        found = [r.with_metadata(doc.metadata()) for r in found]
        docs[doc.doc] = found
        content = [r for r in found if not r.boilerplate]
        summary.documents[doc.doc] = DocumentCounts(
            sentences=len(found), boilerplate=len(found) - len(content),
            given=0 if doc.doc in untranslated else sum(1 for r in content if r.en),
        )
    docs = _own_outputs(docs, on_error)
    summary.documents = {d: c for d, c in summary.documents.items() if d in docs}
    return docs, untranslated & set(docs), summary


def run_pipeline(
    inputs: Sequence[str],
    outdir: str | Path,
    *,
    translations: str | Path | None = None,
    model: str | None = None,
    engine: str = "auto",
    device: str = "auto",
    src: str = "auto",
    encoding: str | None = None,
    translator_options: dict[str, Any] | None = None,
    ray_options: Any = None,
    similarity: str | None = None,
    progress: bool = False,
    on_stage: Callable[[int, str, str], None] | None = None,
    on_error: OnError | None = None,
    fields: Any = None,
    coverage_options: dict[str, Any] | None = None,
    report: bool = True,
) -> PipelineResult:
    """Run every stage on ``inputs`` and write all outputs into ``outdir``.

    Args:
        inputs: .txt files, folders (recursive), ``-`` (stdin) or .jsonl (see `hamta translate`).
        outdir: output folder (created).
        translations: a folder of existing English (``X.jsonl`` records, ``X.seg.txt`` + ``X.en.txt``,
            or ``X.en.txt`` line-aligned with hamta's split); no model is loaded. A document without
            a translation there gets a warning and stays untranslated and unlinked.
        model, engine, device, translator_options: the `hamta.translate.Translator` settings.
        src: ``auto`` or a source language forced for all documents.
        ray_options: `hamta.translate.distributed.RayOptions` to translate on Ray.
        similarity: sentence similarity for linking (default lexical; or a sentence-transformers model).
        progress: progress bars on stderr.
        on_stage: called as ``on_stage(number, name, detail)`` when a stage finishes.
        on_error: without it, the first bad input raises `InputError`; with it, each bad input (an
            unreadable file or .jsonl, a document whose outputs would collide with another's) is passed
            to it and left out, and the run goes on (`PipelineResult.skipped` lists them).
        fields: a `hamta.io.ExportFields` naming the fields of JSONL/CSV article exports.
        coverage_options: `hamta.align.coverage.compare_coverage` options (threshold, k, ...).
        report: write report.html.
    """
    from hamta.align.coverage import compare_coverage, write_coverage
    from hamta.translate.job import translate_documents, write_document

    def stage(number: int, detail: str) -> None:
        if on_stage is not None:
            on_stage(number, STAGES[number - 1], detail)

    outdir = Path(outdir)
    translator = None
    if translations is None:  # fail fast, before reading anything: the model must be usable
        translator = _open_translator(model, engine, device, src, translator_options or {})
    skipped: list[str] = []

    def skip(error: InputError) -> None:
        skipped.append(str(error.path or "?"))
        on_error(error)

    docs, untranslated, summary = _segment_all(inputs, src, encoding, translations,
                                               skip if on_error is not None else None, fields)
    if not docs:
        raise InputError("no documents to process" + (": every input was skipped" if skipped else ""))
    n_sent = sum(len(r) for r in docs.values())
    stage(1, f"{plural(len(docs), 'document')}, {plural(n_sent, 'sentence')}")

    if translator is not None:
        with translator:
            src_lang = None if src == "auto" else src
            summary = translate_documents(
                translator, list(docs.items()), outdir, src_lang=src_lang, progress=progress,
                ray_options=ray_options,
                on_document=lambda doc_id, recs: docs.__setitem__(doc_id, recs),
            )
        summary.skipped[:0] = skipped
        stage(2, summary.line(outdir))
    else:
        for doc_id, recs in docs.items():
            write_document(outdir, doc_id, recs)
        stage(2, f"existing translations from {translations}; untranslated: {len(untranslated)}")

    all_records = [r for recs in docs.values() for r in recs]
    coverage = compare_coverage(all_records, similarity=similarity, progress=progress, unlinked=untranslated,
                                **(coverage_options or {}))
    stage(3, f"{plural(len(coverage.links), 'link')}, {plural(len(coverage.clusters), 'fact cluster')}, "
             f"same event: {', '.join('–'.join(p) for p in coverage.same_event_pairs()) or 'none'}")
    paths = tuple(write_coverage(coverage, outdir, report=report))
    stage(4, str(paths[-1]))
    return PipelineResult(
        records=docs, summary=summary, untranslated=tuple(sorted(untranslated)), coverage=coverage,
        paths=paths, skipped=tuple(skipped),
    )


def _open_translator(model: str | None, engine: str, device: str, src: str, options: dict[str, Any]) -> Any:
    """A `Translator` whose model is known to be usable; otherwise one line that says what to do."""
    from hamta.translate import Translator
    from hamta.translate.base import DEFAULT_MODEL

    translator = Translator(model=model or DEFAULT_MODEL, engine=engine, device=device, **options)
    try:
        family = translator.family
        family.target_code(translator.tgt_lang)
        if src not in ("auto",):
            family.source_code(src)
    except HamtaError as exc:
        raise HamtaError(
            f"{exc}. To run offline from existing English instead, pass --translations DIR "
            f"(e.g. --translations seeds/reference for the seeds)"
        ) from None
    return translator
