"""Saved web pages (.html/.htm) -> the article's text and metadata.

Why a module of its own: analysts collect news as saved pages, where the article sits among navigation,
comments, scripts and "most read" boxes. trafilatura finds the main text and the page's title, date,
site name and URL; where it finds nothing, readability-lxml is the fallback. Both are optional (the
``html`` extra) and imported only when a page is read. The page bytes are never changed: the extracted
text is what later stages split, with one paragraph per block element (blank lines between them).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from hamta.errors import InputError
from hamta.io import iso_date

__all__ = ["PageText", "declared_charset", "extract_page"]

log = logging.getLogger("hamta.webpage")

#: how far into the page a <meta charset> declaration is looked for (HTML5 says within 1024 bytes; old
#: pages put it later, after long <title>s and comments)
_CHARSET_SNIFF_BYTES = 4096
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
#: block elements whose text becomes one paragraph in the readability fallback
#: the page's own date declarations only: no guessing from URLs or from dates in the text, which would
#: give the linker a wrong "today"
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
_BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "li", "blockquote")


@dataclass(frozen=True)
class PageText:
    """What a page yields: the main text (paragraphs separated by blank lines) and its metadata."""

    text: str
    title: str | None = None
    date: str | None = None
    outlet: str | None = None
    url: str | None = None


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a <meta> tag near its start (``windows-1256`` -> ``cp1256``)."""
    import codecs

    match = _CHARSET_RE.search(data[:_CHARSET_SNIFF_BYTES])
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        log.warning("page declares unknown charset %r; detecting instead", match.group(1).decode("ascii"))
        return None


def _paragraphs(lines: list[str]) -> str:
    return "\n\n".join(line.strip() for line in lines if line.strip())


def _with_trafilatura(html: str, name: str) -> PageText | None:
    try:
        import trafilatura
    except ImportError:
        return None
    found = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False,
        date_extraction_params=_DATE_PARAMS,
    )
    found = found.as_dict() if found is not None and hasattr(found, "as_dict") else found
    if not found or not (found.get("text") or "").strip():
        return None
    return PageText(
        text=_paragraphs(found["text"].splitlines()),
        title=found.get("title") or None,
        date=iso_date(found.get("date")),
        outlet=found.get("sitename") or None,
        url=found.get("url") or None,
    )


def _with_readability(html: str, name: str) -> PageText | None:
    try:
        import lxml.html
        from readability import Document as Readable
    except ImportError:
        return None
    page = Readable(html)
    tree = lxml.html.fromstring(page.summary(html_partial=True))
    lines = [" ".join(el.text_content().split()) for el in tree.iter(*_BLOCK_TAGS)]
    text = _paragraphs(lines)
    if not text:
        return None
    return PageText(text=text, title=page.short_title() or None)


def extract_page(html: str, name: str) -> PageText:
    """The article in a page: trafilatura first, readability-lxml where trafilatura finds nothing.

    Raises:
        InputError: neither extractor is installed, or neither finds any article text in the page.
    """
    for extractor in (_with_trafilatura, _with_readability):
        page = extractor(html, name)
        if page is not None:
            return page
    try:
        import trafilatura  # noqa: F401
    except ImportError:
        raise InputError(f"{name}: reading web pages needs trafilatura: pip install 'hamta[html]'") from None
    raise InputError(f"{name}: no article text found in this page; skipped")
