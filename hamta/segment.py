"""The segment stage: one document's text -> sentence records (language, offsets, boilerplate flags).

Why here and not in the CLI: `split`, `translate` and `run` all need the same records, and every
later stage reports offsets into the *original* text, so this is the one place that turns a document
into records. Language is detected per paragraph (mixed documents exist: a Persian article quoting an
Arabic statement), falling back to the document's language where a paragraph is too short to tell.
"""

from __future__ import annotations

import re

from hamta.records import Document, Sentence

__all__ = ["segment_document", "paragraph_spans", "LANGUAGES"]

#: languages the splitter and translator know; "auto" detects them
LANGUAGES: tuple[str, ...] = ("fa", "ar", "en", "other")
#: a paragraph needs this many words before its own language guess overrides the document's
_MIN_WORDS_FOR_PARAGRAPH_LANG = 3
_BLANK_LINES = re.compile(r"\n[^\S\n]*\n\s*")


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: blocks of text separated by blank lines, blank blocks dropped."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in _BLANK_LINES.finditer(text):
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _check_lang(lang: str) -> None:
    if lang != "auto" and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: choose one of auto, {', '.join(LANGUAGES)}")


def segment_document(doc: Document, lang: str = "auto") -> list[Sentence]:
    """Split a document into sentence records.

    Args:
        doc: the document (its ``text`` is the original; offsets point into it).
        lang: ``auto`` (detect per paragraph) or one of `LANGUAGES` for the whole document.

    Returns:
        Records with ``doc``, ``idx`` (0-based over the document), ``para``, ``text``
        (== ``doc.text[start:end]``), ``lang``, and ``boilerplate``/``boilerplate_kind``.

    Example:
        >>> from hamta.records import Document
        >>> [s.text for s in segment_document(Document("d", "Hello there. How are you?"), "en")]
        ['Hello there.', 'How are you?']
    """
    from hamta.text.boilerplate import flag_boilerplate
    from hamta.text.langid import detect_language
    from hamta.text.split import split

    _check_lang(lang)
    text = doc.text
    doc_lang = detect_language(text) if lang == "auto" else lang
    pieces: list[tuple[int, int, int, str]] = []  # (para, start, end, lang)
    for para, (p_start, p_end) in enumerate(paragraph_spans(text)):
        para_text = text[p_start:p_end]
        para_lang = doc_lang
        if lang == "auto" and len(para_text.split()) >= _MIN_WORDS_FOR_PARAGRAPH_LANG:
            guess = detect_language(para_text)
            para_lang = guess if guess != "other" else doc_lang
        for span in split(para_text, para_lang):
            pieces.append((para, p_start + span.start, p_start + span.end, para_lang))
    kinds = flag_boilerplate([text[s:e] for _, s, e, _ in pieces], doc_lang)
    return [
        Sentence(
            doc=doc.doc,
            idx=idx,
            text=text[start:end],
            start=start,
            end=end,
            lang=s_lang,
            boilerplate=kind is not None,
            para=para,
            boilerplate_kind=kind,
            **doc.metadata(),
        )
        for idx, ((para, start, end, s_lang), kind) in enumerate(zip(pieces, kinds, strict=True))
    ]
