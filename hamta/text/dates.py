"""Dates in Persian, Arabic and English news text, in the Solar Hijri, lunar Hijri and Gregorian calendars.

Why: whether two articles report the same event depends first on *when*: a quake a year later in the
same town, or the same ministers meeting a month later, read alike. Articles give time in three calendars
("۱۷ بهمن ۱۴۰۱", "١٨ شعبان ١٤٤٤ هـ", "6/2/2023") and relative to their own date line ("yesterday
(Tuesday)", أمس, دیروز). This module finds those mentions and turns them into Gregorian dates; the
calendar arithmetic is done by maintained libraries (jdatetime for the Solar Hijri calendar, hijridate
for the Umm al-Qura lunar Hijri calendar), the vocabulary is a data file (``hamta/data/calendar_words.tsv``).

Text is matched on `hamta.text.normalize.matching_view`, so digits, letter variants and ZWNJ spellings
need no extra patterns, and every mention keeps offsets into the original string.

Numeric dates: ``YYYY-MM-DD`` (ISO) is read year first; ``D/M/YYYY``, ``D.M.YYYY`` and ``D-M-YYYY`` are
read day first, the convention of the Persian and Arabic press (``6/2/2023`` is 6 February).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from hamta.text.normalize import matching_view

__all__ = [
    "DateMention",
    "extract_dates",
    "extract_weekdays",
    "extract_relative_days",
    "resolve_weekday",
    "to_gregorian",
    "publication_date",
    "calendar_vocabulary",
]

#: years a four-digit number may take in each calendar for it to be read as a year of a date
_YEAR_RANGE = {"gregorian": (1900, 2100), "jalali": (1280, 1480), "hijri": (1320, 1520)}
#: the word after a lunar Hijri year (هـ / ه.ق) or a Solar Hijri one (ه.ش), folded
_ERA_MARKS = {"هـ": "hijri", "ه ق": "hijri", "ه.ق": "hijri", "ق": "hijri", "ه ش": "jalali", "ه.ش": "jalali"}


@dataclass(frozen=True)
class DateMention:
    """A calendar date found in text.

    Attributes:
        date: the Gregorian date (``None`` when only a month and year were given).
        year, month: the Gregorian year and month (always set).
        calendar: the calendar the text used (``jalali``, ``hijri``, ``gregorian``).
        start, end: offsets of the mention in the original text.
        text: the original spelling.
        has_year: False when the year was inferred from a reference date.
    """

    date: dt.date | None
    year: int
    month: int
    calendar: str
    start: int
    end: int
    text: str
    has_year: bool = True


@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, dict[str, tuple[str, int]]]:
    """kind -> folded word -> (calendar, value), from the shipped data file."""
    table: dict[str, dict[str, tuple[str, int]]] = {"month": {}, "weekday": {}, "relative": {}}
    text = resources.files("hamta.data").joinpath("calendar_words.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("kind\t"):
            continue
        kind, calendar, value, word = line.split("\t")
        table[kind].setdefault(matching_view(word).text, (calendar, int(value)))
    return table


def calendar_vocabulary() -> frozenset[str]:
    """Every single word of the month, weekday and relative-day names (folded), e.g. for recognising a
    line that is only a date: one vocabulary for the linker and the boilerplate flagger."""
    return frozenset(w for table in _vocabulary().values() for word in table for w in word.split())


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    vocab = _vocabulary()
    month = _alternation(list(vocab["month"]))
    # Persian glues "ماه" (month) to the name ("مهرماه"); the day may carry an ordinal suffix ("ام").
    named = (
        rf"(?<![\w.])(?P<day>\d{{1,2}})(?:ام|th|st|nd|rd)?\s*(?:[-/،,]\s*)?(?P<month>{month})(?:\s*ماه)?(?!\w)"
        rf"(?:\s*(?:[-/،,]\s*)?(?:سال\s*)?(?P<year>\d{{4}})(?!\d)(?:\s*(?P<era>هـ|ه\.?\s?[قش]|ق|م)(?!\w))?)?"
    )
    # English "February 6, 2023".
    month_first = rf"(?<!\w)(?P<month>{month})(?!\w)\s*(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})(?!\d)"
    # "يناير/كانون الثاني 2016", "January 2016", "دی‌ماه ۱۳۹۴": a month without a day.
    month_year = (
        rf"(?<![\w\d])(?P<month>{month})(?:\s*ماه)?(?!\w)(?:\s*/\s*(?:{month}))?"
        rf"\s+(?:سال\s*)?(?P<year>\d{{4}})(?!\d)"
    )
    return {
        "named": re.compile(named),
        "month_first": re.compile(month_first),
        "month_year": re.compile(month_year),
        "iso": re.compile(r"(?<![\d.])(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?!\w)"),
        "dmy": re.compile(
            r"(?<![\d.])(?P<day>\d{1,2})(?P<sep>[/.\-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4})(?!\w)"
        ),
        "weekday": re.compile(rf"(?<!\w)(?:{_alternation(list(vocab['weekday']))})(?!\w)"),
        "relative": re.compile(rf"(?<!\w)(?:{_alternation(list(vocab['relative']))})(?!\w)"),
    }


def to_gregorian(calendar: str, year: int, month: int, day: int) -> dt.date | None:
    """Convert a date of `calendar` to a Gregorian `datetime.date`; None if it does not exist."""
    try:
        if calendar == "gregorian":
            return dt.date(year, month, day)
        if calendar == "jalali":
            import jdatetime

            return jdatetime.date(year, month, day).togregorian()
        if calendar == "hijri":
            from hijridate import Hijri

            return Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        return None
    raise ValueError(f"unknown calendar {calendar!r}; expected gregorian, jalali or hijri")


def _gregorian_month(calendar: str, year: int, month: int) -> tuple[int, int] | None:
    """The Gregorian (year, month) in which the middle of a month of `calendar` falls."""
    mid = to_gregorian(calendar, year, month, 15)
    return (mid.year, mid.month) if mid else None


def _calendar_of(month_word: str, era: str | None) -> tuple[str, int]:
    calendar, number = _vocabulary()["month"][month_word]
    if era and era.strip() == "م":
        calendar = "gregorian" if calendar == "gregorian" else calendar
    return calendar, number


def _infer_year(calendar: str, month: int, day: int, reference: dt.date) -> dt.date | None:
    """The date with this month and day that is nearest to `reference` (news speaks of recent days)."""
    if calendar == "gregorian":
        years = [reference.year - 1, reference.year, reference.year + 1]
    elif calendar == "jalali":
        import jdatetime

        base = jdatetime.date.fromgregorian(date=reference).year
        years = [base - 1, base, base + 1]
    else:
        from hijridate import Gregorian

        base = Gregorian(reference.year, reference.month, reference.day).to_hijri().year
        years = [base - 1, base, base + 1]
    options = [d for y in years if (d := to_gregorian(calendar, y, month, day))]
    return min(options, key=lambda d: abs((d - reference).days), default=None)


def extract_dates(text: str, reference: dt.date | None = None) -> list[DateMention]:
    """Absolute dates in `text` (any script, any of the three calendars), in text order.

    A day and month without a year ("روز ۱۳ مهرماه") gets the year that puts it nearest to `reference`,
    or is skipped when no reference is given. Month-and-year mentions ("January 2016") have ``date=None``.

    >>> [str(m.date) for m in extract_dates("بكين ١٨ شعبان ١٤٤٤ هـ الموافق ١٠ مارس ٢٠٢٣ م")]
    ['2023-03-10', '2023-03-10']
    >>> [str(m.date) for m in extract_dates("۱۷ بهمن ۱۴۰۱، ۲۱:۴۳ - Published 6/2/2023")]
    ['2023-02-06', '2023-02-06']
    """
    view = matching_view(text)
    folded = view.text
    pats = _patterns()
    found: list[tuple[int, int, DateMention]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, calendar: str, year: int | None, month: int, day: int | None) -> None:
        if any(s < end and start < e for s, e in taken):
            return
        has_year = year is not None
        if year is not None:
            low, high = _YEAR_RANGE[calendar]
            if not low <= year <= high:
                return
        if day is None:
            if year is None:
                return
            ym = _gregorian_month(calendar, year, month)
            if ym is None:
                return
            date, g_year, g_month = None, ym[0], ym[1]
        else:
            if year is None:
                if reference is None:
                    return
                date = _infer_year(calendar, month, day, reference)
            else:
                date = to_gregorian(calendar, year, month, day)
            if date is None:
                return
            g_year, g_month = date.year, date.month
        o_start, o_end = view.span_to_original(start, end)
        taken.append((start, end))
        mention = DateMention(date, g_year, g_month, calendar, o_start, o_end, text[o_start:o_end], has_year)
        found.append((o_start, o_end, mention))

    for m in pats["iso"].finditer(folded):
        add(m.start(), m.end(), "gregorian", int(m["year"]), int(m["month"]), int(m["day"]))
    for m in pats["dmy"].finditer(folded):
        if 1 <= int(m["month"]) <= 12:
            add(m.start(), m.end(), "gregorian", int(m["year"]), int(m["month"]), int(m["day"]))
    for name in ("named", "month_first"):
        for m in pats[name].finditer(folded):
            calendar, month = _calendar_of(m["month"], m.groupdict().get("era"))
            era = (m.groupdict().get("era") or "").replace(" ", "")
            if era in ("هـ", "هق", "ق", "ه.ق") and calendar != "hijri":
                continue
            year = int(m["year"]) if m["year"] else None
            add(m.start(), m.end(), calendar, year, month, int(m["day"]))
    for m in pats["month_year"].finditer(folded):
        calendar, month = _calendar_of(m["month"], None)
        add(m.start(), m.end(), calendar, int(m["year"]), month, None)
    found.sort(key=lambda x: (x[0], x[1]))
    return [m for _, _, m in found]


def extract_weekdays(text: str) -> list[tuple[int, int, int]]:
    """Weekday names in `text` as (weekday 0=Monday..6=Sunday, start, end) with original offsets."""
    view = matching_view(text)
    table = _vocabulary()["weekday"]
    out = []
    for m in _patterns()["weekday"].finditer(view.text):
        start, end = view.span_to_original(m.start(), m.end())
        out.append((table[m.group()][1], start, end))
    return out


def extract_relative_days(text: str) -> list[tuple[int, int, int]]:
    """Relative-day words ("yesterday", دیروز, أمس, اليوم) as (day offset, start, end)."""
    view = matching_view(text)
    table = _vocabulary()["relative"]
    out = []
    for m in _patterns()["relative"].finditer(view.text):
        start, end = view.span_to_original(m.start(), m.end())
        out.append((table[m.group()][1], start, end))
    return out


def resolve_weekday(weekday: int, reference: dt.date) -> dt.date:
    """The most recent `weekday` on or before `reference`: news reports what has happened."""
    return reference - dt.timedelta(days=(reference.weekday() - weekday) % 7)


def publication_date(header_texts: list[str]) -> dt.date | None:
    """An article's own date: the first complete date (with a year) in its header lines.

    Date lines are short ("۱۷ بهمن ۱۴۰۱، ۲۱:۴۳", "Published 6/2/2023"); pass the first few sentences and the
    last few (some outlets print the date at the foot).
    """
    for text in header_texts:
        for mention in extract_dates(text):
            if mention.date is not None and mention.has_year:
                return mention.date
    return None
