"""Language-scoped normalization of Persian/Arabic/English text, with an offset map to the original.

Why scoped: rules that suit one language damage the other (turning Arabic ة into ه, or Persian ZWNJ into
a space, changes words), so `normalize` applies only what is safe for the given language. Why offsets:
every later stage reports character offsets into the *original* text, so each normalized character
remembers where it came from.

Two views:

* `normalize(text, lang)` -- the text hamta translates: still faithful to the source (digits and
  diacritics kept), only encoding noise removed.
* `matching_view(text)` -- a deliberately lossy view for comparing strings (digits unified, diacritics
  and letter variants folded, Latin lowercased), used by the aligner.
* `fold(text)` -- the same text as ``matching_view(text).text`` without the offset map: the one
  folding for code that only compares strings (word lists, boilerplate rules, language evidence).

Example:
    >>> n = normalize("علي\u00a0\u00a0كتاب", "fa")
    >>> n.text
    'علی کتاب'
    >>> n.span_to_original(4, 8)
    (5, 9)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = ["NormalizedText", "normalize", "matching_view", "fold", "LANGS"]

#: languages `normalize` accepts; ``other`` gets the language-neutral cleanup only.
LANGS = ("fa", "ar", "en", "other")

ZWNJ = "\u200c"
ZWJ = "\u200d"
TATWEEL = "\u0640"

#: Persian writes yeh and kaf with its own code points; Arabic ي ك ى typed on Arabic keyboards -> Persian.
_PERSIAN_LETTERS = {"\u064a": "\u06cc", "\u0643": "\u06a9", "\u0649": "\u06cc"}

#: Format characters that carry meaning in Arabic-script text and are kept (ZWNJ/ZWJ shape words; the
#: Arabic number signs and end-of-ayah mark enclose digits).
_KEEP_FORMAT = frozenset(
    [ZWNJ, ZWJ] + [chr(c) for c in range(0x0600, 0x0606)] + ["\u06dd", "\u070f", "\u08e2"]
)
#: Line separators are structure (paragraphs, headlines), not controls: kept as they are.
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_QUOTES = frozenset("\"'«»“”‘’„‹›")
#: a run of horizontal space (any Unicode space except the line separators above)
_HSPACE_RUN_RE = re.compile("[^\\S" + "".join(sorted(_LINE_BREAKS)) + "]+")

#: Letter folding for the matching view and `fold` (after diacritics are gone): one code point per letter.
_MATCH_LETTERS = {
    "\u064a": "\u06cc",  # ي -> ی
    "\u0649": "\u06cc",  # ى -> ی
    "\u0643": "\u06a9",  # ك -> ک
    "\u0629": "\u0647",  # ة -> ه
    "\u06c0": "\u0647",  # ۀ -> ه
    "\u06d5": "\u0647",  # ە -> ه
    "\u0623": "\u0627",  # أ -> ا
    "\u0625": "\u0627",  # إ -> ا
    "\u0622": "\u0627",  # آ -> ا
    "\u0671": "\u0627",  # ٱ -> ا
    "\u0624": "\u0648",  # ؤ -> و
    "\u0626": "\u06cc",  # ئ -> ی
    "\u066b": ".",  # Arabic decimal separator
    "\u066c": ",",  # Arabic thousands separator
    TATWEEL: "",
    ZWJ: "",
    ZWNJ: " ",  # spelling varies between ZWNJ, space and nothing; space keeps the parts as tokens
}


@dataclass(frozen=True)
class NormalizedText:
    """A normalized string that remembers, for each of its characters, where it came from.

    Attributes:
        text: the normalized text.
        offsets: ``offsets[i]`` is the index in ``original`` of the character that produced ``text[i]``.
        ends: ``ends[i]`` is the end (exclusive) of that source; wider than one character when a run
            (several spaces collapsed into one) produced ``text[i]``.
        original: the text before normalization.
    """

    text: str
    offsets: tuple[int, ...]
    ends: tuple[int, ...] = field(repr=False)
    original: str = field(repr=False)

    def __len__(self) -> int:
        return len(self.text)

    def to_original(self, i: int) -> int:
        """Original index of normalized position ``i`` (``len(text)`` maps to ``len(original)``)."""
        if not 0 <= i <= len(self.text):
            raise ValueError(f"position {i} outside the normalized text (length {len(self.text)})")
        return len(self.original) if i == len(self.text) else self.offsets[i]

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the normalized span ``text[start:end]``.

        The result covers every original character that produced the span (and what was dropped
        between them), so ``original[s:e]`` is what the user sees for that span.
        """
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span ({start}, {end}) outside the normalized text (length {len(self.text)})")
        if start == end:
            pos = self.to_original(start)
            return pos, pos
        return self.offsets[start], self.ends[end - 1]


# One normalized piece: (output string, original start, original end).
_Piece = tuple[str, int, int]


def _is_presentation_form(ch: str) -> bool:
    """Arabic presentation forms (legacy PDFs, cp1256 pages): shaped glyphs, not letters."""
    o = ord(ch)
    return 0xFB50 <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFE


def _is_control(ch: str) -> bool:
    cat = unicodedata.category(ch)
    if cat == "Cc":
        return ch not in _LINE_BREAKS and ch != "\t"
    return cat == "Cf" and ch not in _KEEP_FORMAT


def _is_hspace(ch: str) -> bool:
    return ch.isspace() and ch not in _LINE_BREAKS


def _map_chars(text: str, lang: str) -> list[_Piece]:
    """Pass 1: drop controls, unshape presentation forms, apply the language's letter rules."""
    letters = _PERSIAN_LETTERS if lang == "fa" else {}
    pieces: list[_Piece] = []
    for i, ch in enumerate(text):
        if _is_control(ch):
            continue
        out = unicodedata.normalize("NFKC", ch) if _is_presentation_form(ch) else ch
        for o in out:
            pieces.append((letters.get(o, o), i, i + 1))
    return pieces


def _drop_tatweel(pieces: list[_Piece]) -> list[_Piece]:
    """Pass 2: drop decorative tatweel; keep it where it ties a letter to a digit or quote (`بـ 1-0`)."""
    out: list[_Piece] = []
    n = len(pieces)
    i = 0
    while i < n:
        if pieces[i][0] != TATWEEL:
            out.append(pieces[i])
            i += 1
            continue
        j = i
        while j < n and pieces[j][0] == TATWEEL:
            j += 1
        k = j
        while k < n and _is_hspace(pieces[k][0]):
            k += 1
        after_letter = bool(out) and out[-1][0].isalpha() and out[-1][0] != TATWEEL
        before = pieces[k][0] if k < n else ""
        if after_letter and before and (before.isdigit() or before in _QUOTES):
            out.extend(pieces[i:j])
        i = j
    return out


def _collapse_spaces(pieces: list[_Piece]) -> list[_Piece]:
    """Pass 3: NBSP, tabs and other horizontal spaces -> one ASCII space per run."""
    out: list[_Piece] = []
    for piece in pieces:
        ch, start, end = piece
        if not _is_hspace(ch):
            out.append(piece)
        elif out and out[-1][0] == " ":
            out[-1] = (" ", out[-1][1], max(out[-1][2], end))
        else:
            out.append((" ", start, end))
    return out


def _build(original: str, pieces: Iterable[_Piece]) -> NormalizedText:
    chars: list[str] = []
    offsets: list[int] = []
    ends: list[int] = []
    for ch, start, end in pieces:
        for c in ch:
            chars.append(c)
            offsets.append(start)
            ends.append(end)
    return NormalizedText("".join(chars), tuple(offsets), tuple(ends), original)


def _check(text: object, lang: str | None = None) -> None:
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if lang is not None and lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")


def normalize(text: str, lang: str) -> NormalizedText:
    """Normalize ``text`` by the rules of ``lang`` (fa, ar, en, other), keeping an offset map.

    All languages: control and invisible format characters are removed except ZWNJ/ZWJ (ZWNJ is
    never turned into a space: it is part of Persian spelling); Arabic presentation forms become plain
    letters; decorative tatweel is dropped, but kept where it ties a letter to a following digit or
    quote (``بـ 1-0``); NBSP, tabs and runs of spaces become one space; line breaks, digits and
    diacritics are kept. Persian only: Arabic ي ك ى become Persian ی ک ی. Arabic keeps ي ك ة ى.

    The result is idempotent: ``normalize(normalize(t, l).text, l).text == normalize(t, l).text``.

    Example:
        >>> normalize("مـــحمد بـ 1-0", "ar").text
        'محمد بـ 1-0'
    """
    _check(text, lang)
    pieces = _collapse_spaces(_drop_tatweel(_map_chars(text, lang)))
    return _build(text, pieces)


@lru_cache(maxsize=4096)
def _match_char(ch: str) -> str:
    """The matching form of one character, iterated to a fixed point so the view is idempotent."""
    for _ in range(4):
        out = []
        for c in unicodedata.normalize("NFKD", ch.lower()):
            if unicodedata.category(c) in ("Mn", "Me") or _is_control(c):
                continue
            c = _MATCH_LETTERS.get(c, c)
            if c.isdigit() and not c.isascii():
                value = unicodedata.digit(c, None)
                c = str(value) if value is not None else c
            out.append(c)
        new = "".join(out)
        if new == ch:
            break
        ch = new
    return ch


def _map_matching(text: str) -> list[_Piece]:
    pieces: list[_Piece] = []
    for i, ch in enumerate(text):
        for c in _match_char(ch):
            pieces.append((c, i, i + 1))
    return pieces


def matching_view(text: str) -> NormalizedText:
    """A lossy view of ``text`` for matching strings across spellings, with offsets to ``text``.

    Digits are unified (Persian ۰-۹ and Arabic-Indic ٠-٩ -> 0-9), diacritics removed (harakat, tanwin,
    shadda, superscript alef, Quranic marks, Latin accents), letter variants folded (ي ى ئ -> ی, ك -> ک,
    أ إ آ ٱ -> ا, ؤ -> و, ة ۀ -> ه), compatibility forms unfolded (NFKD), tatweel and ZWJ dropped,
    ZWNJ and all horizontal spaces -> one space, Latin lowercased. Never show this text to users.

    Example:
        >>> matching_view("مُحَمَّد ۱۲ كتابة").text
        'محمد 12 کتابه'
    """
    _check(text)
    return _build(text, _collapse_spaces(_map_matching(text)))


class _FoldTable(dict[int, str]):
    """``str.translate`` table for `fold`: filled on first sight of each code point from `_match_char`,
    so every character gets exactly its matching-view form, at the speed of a dict lookup afterwards."""

    def __missing__(self, code: int) -> str:
        out = self[code] = _match_char(chr(code))
        return out


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """The matching form of ``text``, without offsets: ``fold(t) == matching_view(t).text`` for every ``t``.

    Use it wherever strings are only compared (word lists, rules, keys); use `matching_view` when the
    position of a match in the original text is needed. Same folding: digits unified, diacritics
    dropped, letter variants folded towards Persian (ي -> ی, ك -> ک, أ -> ا, ة -> ه ...), Latin
    lowercased and unaccented, ZWNJ and runs of horizontal space -> one space; line breaks are kept.

    Example:
        >>> fold("كتابة‌ها ١٢")
        'کتابه ها 12'
    """
    _check(text)
    return _HSPACE_RUN_RE.sub(" ", text.translate(_FOLD_TABLE))
