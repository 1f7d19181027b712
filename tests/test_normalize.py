"""Tests for hamta.text.normalize: the language rules, the offset map, idempotence."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hamta.text.normalize import fold, matching_view, normalize

ZWNJ = "\u200c"

# Text drawn from the characters the rules are about: Arabic/Persian letters and variants, digits of
# three scripts, diacritics, tatweel, quotes, ZWNJ/ZWJ, NBSP and other spaces, controls, line breaks.
ALPHABET = (
    "ابپتجچدرزژسشکگلمنوهیيكىةأإآؤئۀ"
    "0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٫"
    "\u064b\u064e\u064f\u0650\u0651\u0652\u0670\u0640"
    "\"'«».,:؛،؟!- \t\u00a0\u2009\u200c\u200d\u200e\u200f\ufeff\x00\x07\n\r"
    "abcXYZé\ufefb\ufe8d"
)
texts = st.text(alphabet=ALPHABET, max_size=60)
langs = st.sampled_from(["fa", "ar", "en", "other"])


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("علي كتاب مصطفى", "fa", "علی کتاب مصطفی"),  # Persian: ي ك ى -> ی ک ی
        ("علي كتاب مصطفى مدرسة", "ar", "علي كتاب مصطفى مدرسة"),  # Arabic keeps ي ك ى ة
        ("مدرسة", "fa", "مدرسة"),  # ة is not touched in Persian either
        ("می\u200cشود", "fa", "می\u200cشود"),  # ZWNJ never becomes a space
        ("می\u200cشود", "ar", "می\u200cشود"),
        ("محمـــد", "ar", "محمد"),  # decorative tatweel dropped
        ("بـ 1-0", "fa", "بـ 1-0"),  # tatweel tying a letter to a digit is kept
        ("بـ«الف»", "fa", "بـ«الف»"),  # ... or to a quote
        ('بـ"x"', "ar", 'بـ"x"'),
        ("ـــ 1", "ar", " 1"),  # no letter before: decorative
        ("a\u00a0\u00a0b   c\td", "en", "a b c d"),  # NBSP, tabs, space runs -> one space
        ("a\u200fb\u202ac\x00d\ufeff", "other", "abcd"),  # bidi marks, NUL, BOM stripped
        ("a\u200db", "fa", "a\u200db"),  # ZWJ kept
        ("x\ny\r\nz", "en", "x\ny\r\nz"),  # line breaks kept
        ("۱۲٫۵ ١٢ 12", "fa", "۱۲٫۵ ١٢ 12"),  # digits kept as written
        ("مُحَمَّدٌ", "ar", "مُحَمَّدٌ"),  # diacritics kept
        ("\ufefb", "ar", "لا"),  # presentation form -> letters
    ],
)
def test_normalize_rules(text: str, lang: str, expected: str) -> None:
    assert normalize(text, lang).text == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("مُحَمَّدٌ", "محمد"),  # harakat, shadda, tanwin
        ("رحمٰن", "رحمن"),  # superscript alef
        ("أإآٱا", "ااااا"),
        ("يىی", "ییی"),
        ("كک", "کک"),
        ("مدرسة", "مدرسه"),
        ("می\u200cشود", "می شود"),
        ("محمـــد", "محمد"),
        ("Café  ABC", "cafe abc"),
        ("۲٫۵", "2.5"),
    ],
)
def test_matching_view(text: str, expected: str) -> None:
    assert matching_view(text).text == expected


def test_offsets_point_into_original() -> None:
    original = "\ufeffعلي\u00a0\u00a0كتاب"
    n = normalize(original, "fa")
    assert n.text == "علی کتاب"
    assert n.offsets[0] == 1  # BOM dropped: first char comes from index 1
    assert n.span_to_original(4, 8) == (6, 10)
    assert original[slice(*n.span_to_original(4, 8))] == "كتاب"
    assert n.span_to_original(3, 4) == (4, 6)  # the collapsed space covers both NBSPs
    assert n.to_original(len(n.text)) == len(original)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unknown language 'de'"):
        normalize("x", "de")
    with pytest.raises(TypeError, match="text must be str"):
        normalize(b"x", "fa")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="outside the normalized text"):
        normalize("abc", "en").span_to_original(2, 5)


@settings(max_examples=300, deadline=None)
@given(texts, langs)
def test_normalize_is_idempotent(text: str, lang: str) -> None:
    once = normalize(text, lang).text
    assert normalize(once, lang).text == once


@settings(max_examples=200, deadline=None)
@given(texts)
def test_matching_view_is_idempotent(text: str) -> None:
    once = matching_view(text).text
    assert matching_view(once).text == once


@settings(max_examples=300, deadline=None)
@given(texts, langs)
@example("\tـ ", "fa")  # a decorative tatweel inside a run of spaces collapses with it (found by hypothesis)
def test_normalize_offsets_map_to_source_chars(text: str, lang: str) -> None:
    n = normalize(text, lang)
    assert len(n.offsets) == len(n.text) == len(n.ends)
    assert list(n.offsets) == sorted(n.offsets)
    to_persian = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"}) if lang == "fa" else {}
    for i, ch in enumerate(n.text):
        source = text[n.offsets[i] : n.ends[i]]
        if ch == " ":
            # a collapsed run: spaces, and what was dropped between them (controls, decorative tatweel)
            assert source[:1].isspace() and source[-1:].isspace()
            dropped = ("Cc", "Cf")
            assert all(c.isspace() or unicodedata.category(c) in dropped or c == "\u0640" for c in source)
        else:
            assert ch in unicodedata.normalize("NFKC", source).translate(to_persian)
    # nothing but spaces, controls, format characters and tatweel is ever dropped
    sources = set(n.offsets)
    for j, c in enumerate(text):
        if j not in sources:
            assert c.isspace() or unicodedata.category(c) in ("Cc", "Cf") or c == "\u0640"


@settings(max_examples=200, deadline=None)
@given(texts)
def test_matching_view_spans_cover_sources(text: str) -> None:
    m = matching_view(text)
    for start in range(len(m.text) + 1):
        s, e = m.span_to_original(start, len(m.text))
        assert 0 <= s <= e <= len(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(texts, st.text(max_size=40)))
@example("\u0130\u03a3\u00a0\u2003\n \u200c ۀ")  # dotted capital I, sigma, spaces around a ZWNJ
def test_fold_is_the_matching_view_text(text: str) -> None:
    assert fold(text) == matching_view(text).text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("كتابة‌ها ١٢", "کتابه ها 12"),
        ("إِنَّ  أمّة\tمؤمنة", "ان امه مومنه"),
        ("Café ۳٫۵\n\nNews", "cafe 3.5\n\nnews"),
        ("مـــحمد\u200d", "محمد"),
    ],
)
def test_fold_examples(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_fold_rejects_non_text() -> None:
    with pytest.raises(TypeError, match="text must be str"):
        fold(b"abc")  # type: ignore[arg-type]
