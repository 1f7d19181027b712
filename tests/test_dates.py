"""Dates in three calendars and three languages (hamta.text.dates)."""

from __future__ import annotations

import datetime as dt

import pytest

from hamta.text.dates import (
    extract_dates,
    extract_relative_days,
    extract_weekdays,
    publication_date,
    resolve_weekday,
    to_gregorian,
)

D = dt.date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("۱۷ بهمن ۱۴۰۱، ۲۱:۴۳", D(2023, 2, 6)),  # Solar Hijri, Persian digits
        ("۱۵ امرداد ۱۴۰۲", D(2023, 8, 6)),  # the older spelling of Mordad
        ("۱۳ مهرماه ۱۴۰۱", D(2022, 10, 5)),  # month glued to ماه
        ("بكين ١٨ شعبان ١٤٤٤ هـ", D(2023, 3, 10)),  # lunar Hijri, Arabic-Indic digits
        ("الخميس - 16 ذو الحجة 1441 هـ", D(2020, 8, 6)),
        ("الثلاثاء 04 آب 2020 الساعة 23:41", D(2020, 8, 4)),  # Levantine month name
        ("06 أغسطس 2020 م", D(2020, 8, 6)),
        ("الخميس - 06 أكتوبر 2022 مـ", D(2022, 10, 6)),
        ("20.02.2023 21:47", D(2023, 2, 20)),  # day first
        ("نشر في 6/2/2023", D(2023, 2, 6)),
        ("2021-10-11 19:42", D(2021, 10, 11)),  # ISO, year first
        ("Published on February 6, 2023", D(2023, 2, 6)),
        ("17 Bahman 1401", D(2023, 2, 6)),  # transliterated Persian month in English
    ],
)
def test_absolute_dates(text: str, expected: dt.date) -> None:
    mentions = extract_dates(text)
    assert mentions and mentions[0].date == expected
    m = mentions[0]
    assert text[m.start:m.end] == m.text


def test_day_and_month_without_year_take_the_nearest_year() -> None:
    ref = D(2023, 3, 10)
    (m,) = extract_dates("مذاکرات از ۱۵ اسفند آغاز شده بود", ref)
    assert m.date == D(2023, 3, 6) and not m.has_year
    assert extract_dates("مذاکرات از ۱۵ اسفند آغاز شده بود") == []  # no reference: skipped


def test_month_and_year_only() -> None:
    (m,) = extract_dates("قطعت علاقاتها في يناير/كانون الثاني 2016")
    assert m.date is None and (m.year, m.month) == (2016, 1)


@pytest.mark.parametrize("text", ["۲ میلیون بشکه", "سال 2023 بود", "version 10.3.2023x", "12/13/2023"])
def test_non_dates(text: str) -> None:
    assert all(m.date is None for m in extract_dates(text))


def test_weekdays_and_relative_days() -> None:
    text = "انفجار مهیب عصر دیروز (سه‌شنبه) در بندر بیروت"
    assert [w for w, _, _ in extract_weekdays(text)] == [1]
    assert [o for o, _, _ in extract_relative_days(text)] == [-1]
    assert [w for w, _, _ in extract_weekdays("مساء الاثنين، ولاية هطاي")] == [0]
    assert [o for o, _, _ in extract_relative_days("الذي عُقد أمس في فيينا")] == [-1]
    # "Tuesday" seen from Thursday 6 Aug 2020 is 4 Aug 2020
    assert resolve_weekday(1, D(2020, 8, 6)) == D(2020, 8, 4)
    assert resolve_weekday(3, D(2020, 8, 6)) == D(2020, 8, 6)


def test_publication_date_is_the_first_complete_date() -> None:
    header = ["زلزله ۷.۸ ریشتری", "کد خبر ۸۵۰۱۷۹۰۶", "۱۷ بهمن ۱۴۰۱، ۲۱:۴۳"]
    assert publication_date(header) == D(2023, 2, 6)
    assert publication_date(["no date here"]) is None


def test_impossible_dates_and_unknown_calendar() -> None:
    assert to_gregorian("gregorian", 2023, 2, 30) is None
    assert to_gregorian("jalali", 1401, 12, 31) is None  # 1401 is not a leap year
    with pytest.raises(ValueError, match="unknown calendar"):
        to_gregorian("julian", 2023, 1, 1)


@pytest.mark.parametrize("line", ["۱۵ امرداد ۱۴۰۲", "١٤:٣٠ - ٠٣ أكتوبر ٢٠٢١", "سه‌شنبه ۱۸ بهمن ۱۴۰۱ - ۰۹:۳۵"])
def test_date_lines_are_timestamps_to_the_boilerplate_flagger_too(line: str) -> None:
    """One calendar vocabulary: what the linker reads as a date, the flagger sees as a date line."""
    from hamta.text.boilerplate import boilerplate_kind

    assert extract_dates(line)
    assert boilerplate_kind(line, "fa" if "۱" in line else "ar") == "timestamp"
