"""Numbers in fa/ar/en text: digits in three scripts, separators, number words, units, offsets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hamta.text.numbers import NumberMention, extract_numbers, score_sides

FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
AR_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def values(text: str, lang: str) -> list[tuple[float, str]]:
    return [(m.value, m.kind) for m in extract_numbers(text, lang)]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # Persian: digits, separators, words, mixes
        ("۴۰۷ نفر کشته شدند", "fa", [(407, "count")]),
        ("۳ هزار و ۸۲۳ نفر", "fa", [(3823, "count")]),
        ("۳ هزار نفر", "fa", [(3000, "count")]),
        ("دویست و پنجاه هزار نفر", "fa", [(250000, "count")]),
        ("بیست و پنج نفر", "fa", [(25, "count")]),
        ("۲/۵ میلیون دلار", "fa", [(2500000, "money")]),
        ("۳٫۵ درصد", "fa", [(3.5, "percent")]),
        ("۱۲٬۵۰۰ تومان", "fa", [(12500, "money")]),
        ("۵۰درصد", "fa", [(50, "percent")]),
        ("دوازدهمین دوره و ۱۲ام", "fa", [(12, "ordinal"), (12, "ordinal")]),
        ("سال ۱۳۹۷", "fa", [(1397, "year")]),
        ("۱۳۹۷/۰۷/۱۲", "fa", [(1397, "year")]),
        ("سه‌شنبه و یک شنبه", "fa", []),  # weekdays, not numbers
        ("نه، او نیامد", "fa", []),  # نه = "no"
        ("ده‌ها هزار نفر", "fa", []),  # tens of thousands: no number
        ("صدها هزار نفر", "fa", []),
        # Arabic
        ("قتل ٤٠٧ أشخاص", "ar", [(407, "count")]),
        ("٣ آلاف جريح", "ar", [(3000, "count")]),
        ("ثلاثة آلاف وخمسمائة", "ar", [(3500, "count")]),
        ("خمسة وعشرون شخصا", "ar", [(25, "count")]),
        ("مائة وخمسة وعشرون", "ar", [(125, "count")]),
        ("ثلاثة عشر", "ar", [(13, "count")]),
        ("مليونين", "ar", [(2000000, "count")]),
        ("3،500 دولار", "ar", [(3500, "money")]),
        ("نمو بنسبة 3،5 بالمئة", "ar", [(3.5, "percent")]),
        ("٥٠ في المائة", "ar", [(50, "percent")]),
        ("٢٥٪", "ar", [(25, "percent")]),
        ("فاز ٣-٢", "ar", [(3002, "score")]),
        ("عام ١٤٤٠ هـ", "ar", [(1440, "year")]),
        # English
        ("407 killed", "en", [(407, "count")]),
        ("2,000,000 people", "en", [(2000000, "count")]),
        ("two million people", "en", [(2000000, "count")]),
        ("2 million people", "en", [(2000000, "count")]),
        ("three thousand eight hundred and twenty-three", "en", [(3823, "count")]),
        ("$5m and £2bn", "en", [(5000000, "money"), (2000000000, "money")]),
        ("a million dollars", "en", [(1000000, "money")]),
        ("25 per cent", "en", [(25, "percent")]),
        ("the 12th round", "en", [(12, "ordinal")]),
        ("at 4:17 pm", "en", [(16 * 60 + 17, "time")]),
        ("at 04:17", "en", [(4 * 60 + 17, "time")]),
        ("in the 1990s", "en", [(1990, "year")]),
        ("between 2010 and 2015", "en", [(2010, "year"), (2015, "year")]),
        ("F-35 jets and flight MH17 on 4G", "en", []),  # codes, not quantities
        ("on 2018-10-04", "en", [(2018, "year")]),
    ],
)
def test_extract_numbers(text: str, lang: str, expected: list[tuple[float, str]]) -> None:
    assert values(text, lang) == [(float(v), k) for v, k in expected]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("نزدیک به ۴۰۰ نفر", "fa"),
        ("بیش از ۴۰۰ نفر", "fa"),
        ("أكثر من ٤٠٠ شخص", "ar"),
        ("حوالي ٤٠٠ شخص", "ar"),
        ("more than 400 people", "en"),
        ("about 400 people", "en"),
        ("~400 people", "en"),
    ],
)
def test_approx(text: str, lang: str) -> None:
    (mention,) = extract_numbers(text, lang)
    assert mention.value == 400 and mention.approx


def test_not_approx() -> None:
    (mention,) = extract_numbers("400 people", "en")
    assert not mention.approx


def test_offsets_point_into_original() -> None:
    text = "گزارش: ۳ هزار و ۸۲۳ نفر و ۲۵ درصد"
    mentions = extract_numbers(text, "fa")
    assert [m.text for m in mentions] == ["۳ هزار و ۸۲۳", "۲۵ درصد"]
    assert all(text[m.start : m.end] == m.text for m in mentions)


def test_score_sides() -> None:
    (mention,) = extract_numbers("won 3-2", "en")
    assert score_sides(mention) == (3, 2)


def test_bad_language() -> None:
    with pytest.raises(ValueError, match="unknown language 'de'"):
        extract_numbers("1", "de")


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["en", "fa", "ar"]))
def test_digits_in_every_script_read_alike(n: int, lang: str) -> None:
    """The same integer written in ASCII, Persian or Arabic-Indic digits has one value."""
    for table in (None, FA_DIGITS, AR_DIGITS):
        digits = str(n) if table is None else str(n).translate(table)
        found = extract_numbers(f"x {digits} x", lang)
        assert [m.value for m in found] == [float(n)]


@given(st.text(alphabet="۰۱۲۳۴۵۶۷۸۹0123456789 ,.٫٬،/:-%هزارو میلیونtwo hundred", max_size=40))
def test_mentions_are_spans_of_the_text(text: str) -> None:
    for lang in ("fa", "ar", "en"):
        for m in extract_numbers(text, lang):
            assert isinstance(m, NumberMention)
            assert text[m.start : m.end] == m.text and m.start < m.end
