"""Entities and dates for same-event linking: calendars, month names, digits, numbers, names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hamta.align.entities import (
    extract_dates,
    extract_entities,
    extract_numbers,
    extract_weekdays,
    gregorian_to_jalali,
    gregorian_to_jdn,
    hijri_to_gregorian,
    hijri_to_jdn,
    jalali_to_gregorian,
    jalali_to_jdn,
    jdn_to_gregorian,
    jdn_to_hijri,
    jdn_to_jalali,
    name_key,
    normalize_digits,
    surname_key,
)

# Published correspondences (Iranian official calendar; Nowruz dates; tabular Islamic calendar).
JALALI_CASES = [
    ((1394, 8, 6), (2015, 10, 28)),   # seed 001's dateline
    ((1394, 1, 1), (2015, 3, 21)),
    ((1403, 12, 30), (2025, 3, 20)),  # 1403 is a leap year
    ((1404, 1, 1), (2025, 3, 21)),
    ((1399, 12, 30), (2021, 3, 20)),
    ((1357, 11, 22), (1979, 2, 11)),  # 22 Bahman 1357
    ((1400, 7, 1), (2021, 9, 23)),
]


@pytest.mark.parametrize(("jalali", "gregorian"), JALALI_CASES)
def test_jalali_gregorian(jalali, gregorian) -> None:
    assert jalali_to_gregorian(*jalali) == gregorian
    assert gregorian_to_jalali(*gregorian) == jalali


@pytest.mark.parametrize(
    ("hijri", "gregorian"),
    [((1, 1, 1), (622, 7, 19)), ((1445, 9, 1), (2024, 3, 11)), ((1437, 2, 20), (2015, 12, 3))],
)
def test_hijri_tabular(hijri, gregorian) -> None:
    # 1/1/1 AH = 16 July 622 Julian = 19 July 622 proleptic Gregorian
    assert hijri_to_gregorian(*hijri) == gregorian


def test_gregorian_jdn_reference_point() -> None:
    assert gregorian_to_jdn(2000, 1, 1) == 2451545
    assert jdn_to_gregorian(2451545) == (2000, 1, 1)


@given(st.integers(min_value=2_300_000, max_value=2_600_000))
def test_calendars_round_trip(jdn: int) -> None:
    assert gregorian_to_jdn(*jdn_to_gregorian(jdn)) == jdn
    assert jalali_to_jdn(*jdn_to_jalali(jdn)) == jdn
    assert hijri_to_jdn(*jdn_to_hijri(jdn)) == jdn
    y, m, d = jdn_to_jalali(jdn)
    assert 1 <= m <= 12 and 1 <= d <= (31 if m <= 6 else 30)


def test_invalid_dates_raise() -> None:
    with pytest.raises(ValueError, match="Solar Hijri"):
        jalali_to_jdn(1400, 13, 1)
    with pytest.raises(ValueError, match="lunar Hijri"):
        hijri_to_jdn(1445, 0, 1)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("۱۵:۲۷ - ۰۶ آبان ۱۳۹۴", "2015-10-28"),            # Persian digits, Solar Hijri
        ("15:27 - 6 Aban 1394", "2015-10-28"),              # transliterated month
        ("on 28 October 2015 in Baghdad", "2015-10-28"),
        ("on October 28, 2015", "2015-10-28"),
        ("في ١ رمضان ١٤٤٥", "2024-03-11"),                  # Arabic-Indic digits, lunar Hijri
        ("۱ رمضان ۱۴۴۵", "2024-03-11"),
        ("في 28 تشرين الأول 2015", "2015-10-28"),           # Levantine month name
        ("في 28 أكتوبر 2015", "2015-10-28"),
        ("2015/10/28", "2015-10-28"),
        ("1394/08/06", "2015-10-28"),
    ],
)
def test_extract_dates_normalises_calendars(text: str, iso: str) -> None:
    assert iso in {d.iso for d in extract_dates(text)}


def test_month_word_without_day_or_year_is_not_a_date() -> None:
    assert extract_dates("He may come, and the arrow (tir) flew.") == []
    partial = extract_dates("in Azar 1394")
    assert [(d.calendar, d.year, d.month, d.iso) for d in partial] == [("jalali", 1394, 9, None)]


@pytest.mark.parametrize(
    ("text", "days"),
    [("روز چهارشنبه", {2}), ("عصر سه‌شنبه", {1}), ("روز شنبه", {5}), ("يوم الاثنين", {0}),
     ("on Wednesday night", {2}), ("no day here", set())],
)
def test_weekdays(text: str, days: set[int]) -> None:
    assert extract_weekdays(text) == days


def test_digits_and_numbers() -> None:
    assert normalize_digits("۱۲۳ ٤٥٦") == "123 456"
    numbers = extract_numbers("five million pilgrims, 20 billion dollars, 1,250 km, 3.5%")
    assert numbers == [5e6, 2e10, 1250, 3.5]


def test_names_match_across_spellings_and_titles() -> None:
    assert surname_key("Hassan Kazem al-Rashed") == surname_key("Al-Rashid") == surname_key("al-Rashed's")
    assert name_key("Mahmoud Vaezi") != name_key("Sattar Hashemi")
    ents = extract_entities("Prime Minister Haider al-Abadi met Mahmoud Vaezi in Baghdad on Wednesday.")
    assert {e.key for e in ents.names} == {surname_key("al-Abadi"), surname_key("Vaezi")}
    assert ents.place_keys == {"baghdad"}
    assert ents.weekdays == {2}


def test_sentence_initial_common_words_are_not_names() -> None:
    ents = extract_entities("Stating that the talks went well, Regarding this, he added: IRNA reported it.")
    assert not ents.names
    assert {o.key for o in ents.orgs} == {"irna"}


def test_entities_from_original_when_no_english() -> None:
    ents = extract_entities(None, "کد خبر: ۱۰۳۶۳۲ - ۰۶ آبان ۱۳۹۴")
    assert {d.iso for d in ents.dates} == {"2015-10-28"}
    assert 103632.0 in ents.number_keys
