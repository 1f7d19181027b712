"""Existing English translations as sentence records: the offline alternative to running a model.

Why: analysts often already have translations (a professional one, or an earlier hamta run), and the
pipeline must run fully offline from them (`hamta run --translations DIR`). A translation folder may hold,
for a document ``X``:

1. ``X.jsonl``: hamta sentence records with ``en`` (the output of `hamta translate`), used as they are;
2. ``X.seg.txt`` + ``X.en.txt``: a reference sentence split (each line an exact substring of the
   article, in order) and its line-aligned English, as in ``seeds/reference/``; offsets are found in the
   original text and ``boilerplate.tsv`` (``NNN<TAB>line<TAB>kind``, NNN the 3-digit prefix of X) is
   honoured, else hamta's own boilerplate rules apply;
3. ``X.en.txt`` alone: line-aligned with hamta's own split of X.

Anything that does not fit is a one-line `InputError` naming the file, so the caller can warn and go on.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from hamta.errors import InputError
from hamta.records import Document, Sentence, read_records

__all__ = ["records_from_split", "load_translations", "load_reference_records", "read_boilerplate_tsv"]

log = logging.getLogger("hamta.translations")

_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")


def read_boilerplate_tsv(path: str | Path) -> dict[tuple[str, int], str]:
    """``NNN<TAB>line<TAB>kind`` rows -> {(NNN, line): kind}; a missing file gives an empty mapping."""
    path = Path(path)
    out: dict[tuple[str, int], str] = {}
    if not path.is_file():
        return out
    for lineno, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        parts = line.split("\t")
        if not line.strip() or len(parts) < 2:
            continue
        try:
            out[(parts[0].strip(), int(parts[1]))] = parts[2].strip() if len(parts) > 2 else "boilerplate"
        except ValueError:
            raise InputError(f"{path}:{lineno}: expected 'NNN<TAB>line index<TAB>kind'") from None
    return out


def _read_lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip()]


def _find_loose(text: str, sentence: str, pos: int) -> tuple[int, int]:
    """(start, end) of `sentence` in `text` from `pos`, or (-1, -1); where the exact string is missing,
    any run of whitespace matches any other (a web page's extracted text collapses double spaces)."""
    start = text.find(sentence, pos)
    if start >= 0:
        return start, start + len(sentence)
    words = sentence.split()
    if not words:
        return -1, -1
    match = re.compile(r"\s+".join(map(re.escape, words))).search(text, pos)
    return (match.start(), match.end()) if match else (-1, -1)


def records_from_split(
    doc: Document,
    sentences: Sequence[str],
    english: Sequence[str] | None = None,
    boilerplate: dict[int, str] | None = None,
    *,
    where: str = "split",
) -> list[Sentence]:
    """Records for a document split elsewhere: each sentence must occur in ``doc.text``, in order.

    Args:
        doc: the original document (offsets point into ``doc.text``).
        sentences: the sentences, in order.
        english: line-aligned English, or None.
        boilerplate: {sentence index: kind}; None means "use hamta's boilerplate rules".
        where: the name used in error messages (e.g. the split file's path).
    """
    from hamta.text.boilerplate import flag_boilerplate
    from hamta.text.langid import detect_language

    if english is not None and len(english) != len(sentences):
        raise InputError(f"{where}: {len(english)} English lines for {len(sentences)} sentences")
    doc_lang = detect_language(doc.text)
    if boilerplate is None:
        kinds = flag_boilerplate(list(sentences), doc_lang)
        boilerplate = {i: k for i, k in enumerate(kinds) if k is not None}
    records: list[Sentence] = []
    pos = 0
    for idx, sentence in enumerate(sentences):
        start, end = _find_loose(doc.text, sentence, pos)
        if start < 0:
            raise InputError(f"{where}:{idx + 1}: line is not found in {doc.path} (after offset {pos})")
        sentence = doc.text[start:end]
        kind = boilerplate.get(idx)
        records.append(
            Sentence(
                doc=doc.doc, idx=idx, text=sentence, start=start, end=end, lang=doc_lang,
                boilerplate=kind is not None, para=len(_PARAGRAPH_BREAK.findall(doc.text, 0, start)),
                en=english[idx] if english is not None else None, boilerplate_kind=kind,
            )
        )
        pos = end
    return records


def load_translations(doc: Document, directory: str | Path, *, lang: str = "auto") -> list[Sentence] | None:
    """Records with ``en`` for ``doc`` from a translation folder, or None if it holds none for it.

    Raises:
        InputError: the folder has files for the document that do not fit it (one line, naming them).
    """
    directory = Path(directory)
    base = directory / doc.doc
    jsonl, seg, en = (base.parent / f"{base.name}{sfx}" for sfx in (".jsonl", ".seg.txt", ".en.txt"))
    if jsonl.is_file():
        records = list(read_records(jsonl))
        if records and not any(r.en for r in records):
            raise InputError(f"{jsonl}: records carry no 'en' field")
        return _matched_records(doc, records, jsonl)
    if seg.is_file():
        english = _read_lines(en) if en.is_file() else None
        prefix = Path(doc.doc).name.split("_", 1)[0]
        table = read_boilerplate_tsv(directory / "boilerplate.tsv")
        kinds = {i: k for (d, i), k in table.items() if d == prefix} if table else None
        return records_from_split(doc, _read_lines(seg), english, kinds, where=str(seg))
    if en.is_file():
        from hamta.segment import segment_document

        records = segment_document(doc, lang)
        english = en.read_text(encoding="utf-8-sig").splitlines()
        while english and not english[-1].strip():
            english.pop()
        if len(english) != len(records):
            raise InputError(
                f"{en}: {len(english)} lines, but hamta splits {doc.path} into {len(records)} sentences "
                f"(give X.seg.txt with the split the translation follows, or hamta JSONL records)"
            )
        return [r.with_translation(e.strip()) for r, e in zip(records, english, strict=True)]
    return None


def _matched_records(doc: Document, records: list[Sentence], where: Path) -> list[Sentence]:
    """``records`` if they are this document's: same id, and each text where its offsets say.

    Why: a translation folder is trusted with nothing; records of another document, or of another
    version of the article, would put wrong English beside the text. Records whose offsets are off but
    whose sentences all occur in the article in order are re-anchored by their text (with a warning).

    Raises:
        InputError: records of another document, duplicate ``idx``, or a sentence not in the article.
    """
    if not records and doc.text.strip():
        raise InputError(f"{where}: holds no records for {doc.path}")
    strangers = sorted({r.doc for r in records} - {doc.doc})
    if strangers:
        raise InputError(f"{where}: records belong to document {strangers[0]!r}, not {doc.doc!r}")
    idx = [r.idx for r in records]
    if len(set(idx)) != len(idx):
        raise InputError(f"{where}: two records share an idx")
    if all(doc.text[r.start : r.end] == r.text for r in records):
        return records
    anchored: list[Sentence] = []
    pos = 0
    for rec in records:
        start = doc.text.find(rec.text, pos)
        if start < 0:
            raise InputError(
                f"{where}: sentence idx {rec.idx} is not in {doc.path} (translations of another text?)"
            )
        pos = start + len(rec.text)
        anchored.append(replace(rec, start=start, end=pos))
    log.warning("%s: offsets do not match %s; sentences found by their text", where, doc.path)
    return anchored


def load_reference_records(article_dir: str | Path, translation_dir: str | Path) -> list[Sentence]:
    """Records (with ``en``) of every article in `article_dir` that `translation_dir` translates.

    Example: ``load_reference_records("seeds", "seeds/reference")`` gives the seeds' reference records.
    Articles without a translation are skipped with a warning.
    """
    from hamta.io import read_documents

    records: list[Sentence] = []
    for doc in read_documents([str(article_dir)]):
        found = load_translations(doc, translation_dir)
        if found is None:
            log.warning("%s: no translation in %s; skipped", doc.path, translation_dir)
            continue
        records.extend(found)
    return records
