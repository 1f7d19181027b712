"""Who, where, when and how many: entity and date extraction for same-event linking.

Why: articles on one topic read alike, so lexical similarity alone cannot tell *the same event* from
*another event of the same kind*. Names, places, numbers and dates can. This module pulls them from a
sentence's English translation (names, places, numbers, dates) and from its original Persian/Arabic
text (digits and dates), and normalises them so that two outlets agree when they report the same thing:

- names get a transliteration-tolerant key ("Hassan Kazem al-Rashed", "al-Rashid" -> ``rshd``);
- dates in the Solar Hijri, lunar Hijri (tabular) and Gregorian calendars become Julian day numbers,
  with month names in Persian, Arabic and English; a date without a year keeps its calendar and month;
- Persian and Arabic-Indic digits become ASCII digits; number words ("five million") become values.

Calendars are converted through Julian day numbers (JDN), written here from the standard arithmetic:
Gregorian by Fliegel & Van Flandern; Solar Hijri by the 33-year arithmetic cycle (a year is leap when
``(25*y + 11) % 33 < 8``), which agrees with the official astronomical calendar for roughly 1244-1472 SH
(1865-2093 CE); lunar Hijri by the tabular (civil) calendar, which can differ from a sighted month by a
day or two — date comparisons therefore use a tolerance.

Example:
    >>> from hamta.align.entities import jalali_to_gregorian, extract_entities
    >>> jalali_to_gregorian(1394, 8, 6)
    (2015, 10, 28)
    >>> sorted(e.key for e in extract_entities("Mahmoud Vaezi met Hassan al-Rashed in Baghdad.").names)
    ['mhmd vz', 'rshd']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "DateMention",
    "Entity",
    "SentenceEntities",
    "extract_entities",
    "extract_dates",
    "extract_numbers",
    "extract_weekdays",
    "surname_key",
    "PLACES",
    "normalize_digits",
    "name_key",
    "gregorian_to_jdn",
    "jdn_to_gregorian",
    "jalali_to_jdn",
    "jdn_to_jalali",
    "hijri_to_jdn",
    "jdn_to_hijri",
    "jalali_to_gregorian",
    "gregorian_to_jalali",
    "hijri_to_gregorian",
    "WEEKDAYS",
]

# --------------------------------------------------------------------------------------------------
# Calendars (all through Julian day numbers; JDN 2451545 = 2000-01-01 Gregorian)


def gregorian_to_jdn(year: int, month: int, day: int) -> int:
    """Julian day number of a proleptic Gregorian date (Fliegel & Van Flandern, integer arithmetic)."""
    a = (14 - month) // 12
    y = year + 4800 - a
    m = month + 12 * a - 3
    return day + (153 * m + 2) // 5 + 365 * y + y // 4 - y // 100 + y // 400 - 32045


def jdn_to_gregorian(jdn: int) -> tuple[int, int, int]:
    """Inverse of `gregorian_to_jdn`."""
    a = jdn + 32044
    b = (4 * a + 3) // 146097
    c = a - 146097 * b // 4
    d = (4 * c + 3) // 1461
    e = c - 1461 * d // 4
    m = (5 * e + 2) // 153
    day = e - (153 * m + 2) // 5 + 1
    month = m + 3 - 12 * (m // 10)
    year = 100 * b + d - 4800 + m // 10
    return year, month, day


def _jalali_leap(year: int) -> bool:
    return (25 * year + 11) % 33 < 8


def _jalali_leaps_before(year: int) -> int:
    """Number of leap years among Solar Hijri years 1 .. year-1 (8 per 33-year cycle)."""
    n = year - 1
    full, rest = divmod(n, 33)
    return 8 * full + sum(1 for y in range(33 * full + 1, 33 * full + rest + 1) if _jalali_leap(y))


#: JDN of 1 Farvardin 1394 SH = 21 March 2015, the anchor for the arithmetic calendar
_JALALI_ANCHOR_YEAR = 1394
_JALALI_ANCHOR_JDN = 2457103


def _jalali_year_start(year: int) -> int:
    days = 365 * (year - _JALALI_ANCHOR_YEAR) + _jalali_leaps_before(year) - _jalali_leaps_before(
        _JALALI_ANCHOR_YEAR
    )
    return _JALALI_ANCHOR_JDN + days


def jalali_to_jdn(year: int, month: int, day: int) -> int:
    """JDN of a Solar Hijri date (months 1-6 have 31 days, 7-11 have 30, Esfand 29 or 30)."""
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise ValueError(f"not a Solar Hijri date: {year}-{month}-{day}")
    before = (month - 1) * 31 if month <= 7 else 6 * 31 + (month - 7) * 30
    return _jalali_year_start(year) + before + day - 1


def jdn_to_jalali(jdn: int) -> tuple[int, int, int]:
    """Inverse of `jalali_to_jdn`."""
    gy = jdn_to_gregorian(jdn)[0]
    year = gy - 621
    while _jalali_year_start(year + 1) <= jdn:
        year += 1
    while _jalali_year_start(year) > jdn:
        year -= 1
    offset = jdn - _jalali_year_start(year)
    if offset < 6 * 31:
        return year, offset // 31 + 1, offset % 31 + 1
    offset -= 6 * 31
    return year, min(offset // 30 + 7, 12), offset - (min(offset // 30 + 7, 12) - 7) * 30 + 1


#: JDN of 1 Muharram 1 AH (16 July 622 Julian) in the civil tabular calendar
_HIJRI_EPOCH = 1948440


def hijri_to_jdn(year: int, month: int, day: int) -> int:
    """JDN of a lunar Hijri date in the tabular calendar (30-year cycle, leap years 2,5,7,10,...)."""
    if not (1 <= month <= 12 and 1 <= day <= 30):
        raise ValueError(f"not a lunar Hijri date: {year}-{month}-{day}")
    return (day + (295 * (month - 1) + 9) // 10 + (year - 1) * 354 + (3 + 11 * year) // 30
            + _HIJRI_EPOCH - 1)


def jdn_to_hijri(jdn: int) -> tuple[int, int, int]:
    """Inverse of `hijri_to_jdn`."""
    year = (30 * (jdn - _HIJRI_EPOCH) + 10646) // 10631
    month = min(12, -(-(jdn - (29 + hijri_to_jdn(year, 1, 1))) // 29) + 1)
    month = max(1, month)
    while month > 1 and hijri_to_jdn(year, month, 1) > jdn:
        month -= 1
    while month < 12 and hijri_to_jdn(year, month + 1, 1) <= jdn:
        month += 1
    return year, month, jdn - hijri_to_jdn(year, month, 1) + 1


def jalali_to_gregorian(year: int, month: int, day: int) -> tuple[int, int, int]:
    """Solar Hijri -> Gregorian, e.g. 6 Aban 1394 -> (2015, 10, 28)."""
    return jdn_to_gregorian(jalali_to_jdn(year, month, day))


def gregorian_to_jalali(year: int, month: int, day: int) -> tuple[int, int, int]:
    """Gregorian -> Solar Hijri."""
    return jdn_to_jalali(gregorian_to_jdn(year, month, day))


def hijri_to_gregorian(year: int, month: int, day: int) -> tuple[int, int, int]:
    """Lunar Hijri (tabular) -> Gregorian."""
    return jdn_to_gregorian(hijri_to_jdn(year, month, day))


# --------------------------------------------------------------------------------------------------
# Digits and month / weekday names

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_ARABIC_LETTERS = str.maketrans({"ي": "ی", "ك": "ک", "ى": "ی", "ة": "ه", "أ": "ا", "إ": "ا", "آ": "ا",
                                 "\u200c": " ", "ـ": ""})


def normalize_digits(text: str) -> str:
    """Persian (۰-۹) and Arabic-Indic (٠-٩) digits -> ASCII; the Arabic decimal/thousands marks too."""
    return text.translate(_DIGITS).replace("٫", ".").replace("٬", ",")


def _fold(text: str) -> str:
    """Fold Arabic/Persian letter variants and spacing so month names match either spelling."""
    text = normalize_digits(text).translate(_ARABIC_LETTERS)
    text = re.sub(r"[\u064B-\u065F\u0670]", "", text)  # harakat
    return re.sub(r"\s+", " ", text).lower()


# (calendar, month number) for each spelling; Persian/Arabic forms are folded with `_fold`.
_MONTH_NAMES: dict[str, list[str]] = {
    "jalali": [
        "فروردین|farvardin", "اردیبهشت|ordibehesht", "خرداد|khordad", "تیر|tir", "مرداد|امرداد|mordad",
        "شهریور|shahrivar", "مهر|mehr", "آبان|aban", "آذر|azar", "دی|dey|dei", "بهمن|bahman",
        "اسفند|esfand",
    ],
    "hijri": [
        "محرم|muharram|moharram", "صفر|safar",
        "ربیع الاول|ربيع الأول|rabi al-awwal|rabi' al-awwal|rabi al-awal",
        "ربیع الثانی|ربیع الآخر|ربيع الثاني|ربيع الآخر|rabi al-thani|rabi' al-thani|rabi al-akhir",
        "جمادی الاول|جمادی الاولی|جمادى الأولى|jumada al-awwal|jumada al-ula",
        "جمادی الثانی|جمادی الآخر|جمادى الآخرة|جمادى الثانية|jumada al-thani|jumada al-akhirah",
        "رجب|rajab", "شعبان|sha'ban|shaban", "رمضان|ramadan|ramazan", "شوال|shawwal|shavval",
        "ذیقعده|ذی القعده|ذو القعدة|ذي القعدة|dhu al-qadah|dhu al-qa'dah|dhul-qadah",
        "ذیحجه|ذی الحجه|ذو الحجة|ذي الحجة|dhu al-hijjah|dhul-hijjah",
    ],
    "gregorian": [
        "january|jan|ژانویه|يناير|كانون الثاني", "february|feb|فوریه|فبراير|شباط",
        "march|mar|مارس|آذار", "april|apr|آوریل|أبريل|ابريل|نيسان", "may|مه|می|مايو|أيار",
        "june|jun|ژوئن|يونيو|حزيران", "july|jul|ژوئیه|جولای|يوليو|تموز",
        "august|aug|اوت|آگوست|أغسطس|اغسطس|آب", "september|sep|sept|سپتامبر|سبتمبر|أيلول",
        "october|oct|اکتبر|أكتوبر|اكتوبر|تشرين الأول", "november|nov|نوامبر|نوفمبر|تشرين الثاني",
        "december|dec|دسامبر|ديسمبر|كانون الأول",
    ],
}


def _build_month_table() -> dict[str, tuple[str, int]]:
    table: dict[str, tuple[str, int]] = {}
    for calendar, months in _MONTH_NAMES.items():
        for number, spellings in enumerate(months, 1):
            for spelling in spellings.split("|"):
                key = _fold(spelling)
                table.setdefault(key, (calendar, number))
    return table


_MONTHS = _build_month_table()
# Ambiguous English words that are month names only next to a number ("Tir", "Mehr", "May" etc.).
_MONTH_ALT = "|".join(sorted((re.escape(k) for k in _MONTHS), key=len, reverse=True))

#: weekday names -> ISO weekday (Monday=0); Persian, Arabic and English
WEEKDAYS: dict[str, int] = {}
for _names, _wd in (
    ("monday دوشنبه الاثنين الإثنين", 0), ("tuesday سه شنبه سهشنبه الثلاثاء", 1),
    ("wednesday چهارشنبه الأربعاء الاربعاء", 2), ("thursday پنجشنبه پنج شنبه الخميس", 3),
    ("friday جمعه الجمعة", 4), ("saturday شنبه السبت", 5), ("sunday یکشنبه یک شنبه الأحد الاحد", 6),
):
    for _n in re.findall(r"[a-z]+|[^\sa-z]+(?: شنبه)?", _names):
        WEEKDAYS[_fold(_n)] = _wd


@dataclass(frozen=True)
class DateMention:
    """A date found in text.

    Attributes:
        calendar: ``gregorian``, ``jalali`` (Solar Hijri) or ``hijri`` (lunar, tabular).
        year, month, day: as written (year or day may be missing).
        jdn: Julian day number when the date is complete, else None.
        text: the matched text.
    """

    calendar: str
    year: int | None
    month: int
    day: int | None
    jdn: int | None
    text: str

    @property
    def iso(self) -> str | None:
        """The Gregorian ISO date (YYYY-MM-DD) of a complete date, or None."""
        if self.jdn is None:
            return None
        y, m, d = jdn_to_gregorian(self.jdn)
        return f"{y:04d}-{m:02d}-{d:02d}"

    @property
    def key(self) -> str:
        """A comparable key: the ISO date if complete, else ``calendar:year-month`` or ``calendar:month``."""
        if self.iso:
            return self.iso
        if self.year:
            return f"{self.calendar}:{self.year}-{self.month:02d}"
        return f"{self.calendar}:{self.month:02d}"


def _year_calendar(year: int, calendar: str) -> str | None:
    """Which calendar a written year fits: guards against reading '1394 May' as Gregorian."""
    if calendar == "gregorian":
        return calendar if 1800 <= year <= 2200 else None
    if calendar == "jalali":
        return calendar if 1200 <= year <= 1600 else None
    return calendar if 1200 <= year <= 1600 else None


_DATE_RE = re.compile(
    rf"(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:of\s+)?)?(?<![^\W\d_])(?P<m>{_MONTH_ALT})(?![^\W\d_])"
    rf"(?:\s*(?P<d2>\d{{1,2}})(?!\d)(?:st|nd|rd|th)?)?(?:\s*,?\s*(?P<y>\d{{4}})(?!\d))?",
)
_NUMERIC_DATE_RE = re.compile(r"(?<!\d)(?P<a>\d{4})[/\-.](?P<b>\d{1,2})[/\-.](?P<c>\d{1,2})(?!\d)")


def _make_date(calendar: str, year: int | None, month: int, day: int | None, text: str) -> DateMention | None:
    if year is not None and _year_calendar(year, calendar) is None:
        if calendar == "gregorian":
            return None
        year = None
    jdn = None
    if year is not None and day is not None:
        try:
            jdn = {"gregorian": gregorian_to_jdn, "jalali": jalali_to_jdn, "hijri": hijri_to_jdn}[calendar](
                year, month, day
            )
        except ValueError:
            jdn = None
    return DateMention(calendar, year, month, day, jdn, text.strip())


def extract_dates(text: str) -> list[DateMention]:
    """Dates written with a month name (fa/ar/en, three calendars) or as YYYY/MM/DD.

    A month name alone counts only if a day or year is next to it (so "May" the verb or "Tir" the
    Persian word for arrow do not count). A bracketed conversion such as "6 Aban 1394 [28 October
    2015]" yields both dates (which agree once converted).
    """
    folded = _fold(text)
    out: list[DateMention] = []
    for match in _DATE_RE.finditer(folded):
        calendar, month = _MONTHS[match.group("m")]
        day_text = match.group("d1") or match.group("d2")
        year_text = match.group("y")
        if not day_text and not year_text:
            continue
        day = int(day_text) if day_text else None
        if day is not None and not 1 <= day <= 31:
            day = None
        year = int(year_text) if year_text else None
        if calendar == "gregorian" and year is not None and 1200 <= year <= 1600:
            continue  # a Hijri year next to an Arabic Gregorian month name: ambiguous, skip
        made = _make_date(calendar, year, month, day, match.group(0))
        if made is not None:
            out.append(made)
    for match in _NUMERIC_DATE_RE.finditer(folded):
        year, month, day = int(match.group("a")), int(match.group("b")), int(match.group("c"))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        calendar = "gregorian" if 1800 <= year <= 2200 else "jalali" if 1200 <= year <= 1600 else None
        if calendar:
            made = _make_date(calendar, year, month, day, match.group(0))
            if made is not None:
                out.append(made)
    return out


_WEEKDAY_RE = re.compile(
    r"(?<![^\W\d_])("
    + "|".join(sorted((re.escape(n) for n in WEEKDAYS), key=len, reverse=True))
    + r")(?![^\W\d_])"
)


def extract_weekdays(text: str) -> set[int]:
    """ISO weekdays (Monday=0) named in the text, in any of the three languages.

    Longest names are tried first, so "سه شنبه" (Tuesday) is not also read as "شنبه" (Saturday).
    """
    return {WEEKDAYS[m.group(1)] for m in _WEEKDAY_RE.finditer(_fold(text))}


# --------------------------------------------------------------------------------------------------
# Numbers

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUM_RE = re.compile(
    r"(?<![\w.])(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|"
    + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
    + r")(?![\w])(?:\s*(?:-|\s)?\s*(?P<s>thousand|million|billion|trillion))?(?P<pct>\s*(?:%|percent))?",
    re.IGNORECASE,
)
#: numbers too common to be evidence ("the two countries", "one of", ...)
TRIVIAL_NUMBERS = frozenset({0.0, 1.0, 2.0})


def extract_numbers(text: str) -> list[float]:
    """Numeric values in (English or digit-normalised) text: digits, number words, scale words.

    "five million" -> 5e6, "20 billion" -> 2e10, "1,250" -> 1250. Years inside dates are left to
    `extract_dates`, but a bare year (e.g. 2015) is returned too; callers drop what they do not want.
    """
    values: list[float] = []
    for match in _NUM_RE.finditer(normalize_digits(text)):
        raw = match.group("n").lower()
        value = float(_NUMBER_WORDS[raw]) if raw in _NUMBER_WORDS else float(raw.replace(",", ""))
        if match.group("s"):
            value *= _SCALES[match.group("s").lower()]
        values.append(value)
    return values


# --------------------------------------------------------------------------------------------------
# Names and places (from English)

#: places that locate events; the key is the lowercase name, the value its canonical form
PLACES: frozenset[str] = frozenset(
    """iran iraq syria lebanon turkey armenia azerbaijan russia china india brazil south africa
    afghanistan pakistan saudi arabia qatar kuwait bahrain oman yemen jordan egypt israel palestine
    europe asia africa america united states united kingdom britain france germany italy spain japan
    tehran baghdad basra mosul erbil najaf karbala kufa samarra kirkuk sulaymaniyah damascus beirut
    ankara istanbul moscow beijing delhi new delhi geneva paris london berlin washington new york
    vienna brussels doha riyadh mecca medina dubai abu dhabi kabul islamabad cairo amman mashhad isfahan
    shiraz tabriz qom ahvaz kermanshah""".split()
) | frozenset(
    {"south africa", "saudi arabia", "united states", "united kingdom", "new delhi", "new york",
     "abu dhabi", "united nations", "persian gulf"}
)
_ORG_WORDS = frozenset(
    """ministry minister ministers council company organization organisation authority agency bank
    university parliament assembly committee commission union group office department conference
    project program programme forum summit association corporation news website network embassy
    government republic state regulatory radio telecommunication telecommunications infrastructure
    hotel front movement party army forces court""".split()
)
#: titles and descriptive words that precede a name ("Prime Minister Haider al-Abadi")
_TITLES = frozenset(
    """mr mrs ms dr sir seyed seyyed sayyed sayed sheikh shaikh hojatoleslam ayatollah president prime
    deputy vice head chief speaker ambassador envoy spokesman spokesperson director secretary general
    minister ministers foreign interior defence defense oil communications information technology
    telecommunications islamic national iranian iraqi arab persian his her their its the a an our
    imam king prince emir sultan governor mayor commander colonel general lieutenant judge mp""".split()
)
#: capitalised words that are not names (sentence-initial words, demonyms, news furniture)
_NOT_NAMES = _TITLES | frozenset(
    """and or of in on at to for from by with as is was were he she it they we i you this that these
    those there here also but if when while after before during under over between about according
    international american russian russians chinese european japanese british french german turkish
    said says added stated announced news source email name comment comments submit search
    historical archive end message code monday tuesday wednesday thursday friday saturday sunday today
    yesterday tomorrow internet ict post postal mobile arbaeen isis daesh east west north south
    joint senior good given meanwhile towards toward better future new old first second third last
    artificial intelligence regarding following referring stating expressing outlining training
    discussion implementing efforts developing under his for one two three all some many most
    republic ministry government state city country province region""".split()
)
#: word endings that mark an ordinary English word (when capitalised only because it starts a sentence)
_COMMON_ENDINGS = ("ing", "ly", "ed", "tion", "sion", "ment", "ness", "ity", "ance", "ence", "ous", "ive",
                   "ful", "less", "able", "ible", "ism", "ist", "ists", "ers", "ies")
_PARTICLES = frozenset({"al", "el", "bin", "ibn", "bint", "abu", "abdul", "abd", "ul", "ad", "as", "ar",
                        "an", "at", "az", "ash", "de", "van", "von", "da", "di"})
_CAP_TOKEN = r"(?:[A-Z][\w'’]*(?:-[A-Z]?[\w'’]+)*|(?:al|el|bin|ibn|abu|abd)-[A-Z][\w'’]+)"
_NAME_RE = re.compile(rf"{_CAP_TOKEN}(?:\s+(?:(?:al|el|bin|ibn|abu|de|van|von)\s+)?{_CAP_TOKEN})*")


def name_key(name: str) -> str:
    """A transliteration-tolerant key for a person's name: consonant skeletons of its tokens.

    Vowels, particles (al-, bin, ...), possessive 's and hyphens go; w/v, q/k/gh, z/dh/th are merged,
    so "Hassan Kazem al-Rashed" and "Hasan Kadhim Al-Rashid" get nearby keys; the *last* token is the
    surname used for matching (see `surname_key`).
    """
    tokens = []
    for raw in re.split(r"[\s\-]+", name.lower().replace("’", "'")):
        raw = re.sub(r"'s$", "", raw).strip("'")
        if not raw or raw in _PARTICLES:
            continue
        tokens.append(_skeleton(raw))
    return " ".join(t for t in tokens if t)


def _skeleton(token: str) -> str:
    token = re.sub(r"[^a-z]", "", token)
    for src, dst in (("kh", "x"), ("gh", "k"), ("dh", "z"), ("th", "s"), ("sh", "$"), ("ch", "c"),
                     ("ph", "f"), ("w", "v"), ("q", "k"), ("j", "j"), ("y", "")):
        token = token.replace(src, dst)
    if not token:
        return ""
    first, rest = token[0], token[1:]
    skeleton = (first if first not in "aeiou" else "") + re.sub(r"[aeiou]", "", rest)
    return re.sub(r"(.)\1+", r"\1", skeleton)


def surname_key(name: str) -> str:
    """The consonant skeleton of a name's last token, the unit that names are matched on."""
    key = name_key(name)
    return key.split()[-1] if key else ""


@dataclass(frozen=True)
class Entity:
    """A name or place mention: its text, its kind (``person``, ``place``, ``org``) and match key."""

    text: str
    kind: str
    key: str


@dataclass(frozen=True)
class SentenceEntities:
    """What one sentence says about who, where, when and how many."""

    names: tuple[Entity, ...] = ()
    places: tuple[Entity, ...] = ()
    orgs: tuple[Entity, ...] = ()
    numbers: tuple[float, ...] = ()
    dates: tuple[DateMention, ...] = ()
    weekdays: frozenset[int] = field(default_factory=frozenset)

    @property
    def person_keys(self) -> frozenset[str]:
        return frozenset(e.key for e in self.names if e.key)

    @property
    def place_keys(self) -> frozenset[str]:
        return frozenset(e.key for e in self.places)

    @property
    def number_keys(self) -> frozenset[float]:
        return frozenset(n for n in self.numbers if n not in TRIVIAL_NUMBERS)

    @property
    def date_keys(self) -> frozenset[str]:
        return frozenset(d.key for d in self.dates)


def _classify(span: str, initial: bool) -> tuple[str, str] | None:
    """(kind, key) for a capitalised span, or None when it is not a name/place/organisation.

    `initial`: the span starts the sentence, so a single capitalised common word is not a name.
    """
    words = span.split()
    lowered = [re.sub(r"'s?$", "", w.lower().replace("’", "'")) for w in words]
    phrase = " ".join(lowered)
    if phrase in PLACES:
        return "place", phrase
    if len(words) == 1 and len(words[0]) >= 2 and words[0].isupper():
        return "org", phrase  # an acronym: IRNA, BRICS, FTTH
    while lowered and (lowered[0] in _TITLES or lowered[0] in _NOT_NAMES) and lowered[0] not in PLACES:
        lowered, words = lowered[1:], words[1:]
        initial = False
    if not lowered:
        return None
    phrase = " ".join(lowered)
    if phrase in PLACES:
        return "place", phrase
    if any(w in _ORG_WORDS for w in lowered):
        return "org", phrase
    if all(w in _NOT_NAMES or w in _MONTHS for w in lowered):
        return None
    if len(lowered) <= 2 and lowered[-1] in PLACES:
        return "place", lowered[-1]
    if len(lowered) == 1 and initial and "-" not in lowered[0] and (
        lowered[0].endswith(_COMMON_ENDINGS) or len(lowered[0]) <= 3
    ):
        return None
    key = surname_key(" ".join(words))
    if len(key) < 2:
        return None
    return "person", key


def _capitalised_spans(text: str) -> list[tuple[str, bool]]:
    """Runs of capitalised tokens, each with whether it starts the sentence (or a quote/clause)."""
    spans = []
    for match in _NAME_RE.finditer(text):
        before = text[: match.start()].rstrip(" \"'«“(")
        spans.append((match.group(0), not before or before[-1] in ".:;!?-–—/"))
    return spans


def extract_entities(en: str | None, original: str | None = None) -> SentenceEntities:
    """Names, places, organisations, numbers, dates and weekdays of one sentence.

    Names and places come from the English translation (`en`); dates and weekdays from both the
    English and the original text (so a Solar Hijri dateline is read even if the translation
    dropped it); numbers from the English (or the original's digits when there is no English).
    """
    en = en or ""
    names: list[Entity] = []
    places: list[Entity] = []
    orgs: list[Entity] = []
    for span, initial in _capitalised_spans(en):
        kind_key = _classify(span, initial)
        if kind_key is None:
            continue
        kind, key = kind_key
        entity = Entity(span, kind, key)
        (names if kind == "person" else places if kind == "place" else orgs).append(entity)
    dates = extract_dates(en)
    if original:
        seen = {d.key for d in dates}
        dates += [d for d in extract_dates(original) if d.key not in seen]
    # a bracketed conversion "6 Aban 1394 [28 October 2015]" gives the same JDN twice: dedupe by key
    unique: dict[str, DateMention] = {}
    for d in dates:
        unique.setdefault(d.key, d)
    date_years = {d.year for d in unique.values() if d.year}
    date_days = {d.day for d in unique.values() if d.day}
    source = en if en.strip() else normalize_digits(original or "")
    numbers = [n for n in extract_numbers(_strip_times(source))
               if not (n.is_integer() and (int(n) in date_years or int(n) in date_days))]
    weekdays = extract_weekdays(en) | (extract_weekdays(original) if original else set())
    return SentenceEntities(
        names=tuple(names), places=tuple(places), orgs=tuple(orgs), numbers=tuple(numbers),
        dates=tuple(unique.values()), weekdays=frozenset(weekdays),
    )


def _strip_times(text: str) -> str:
    """Remove clock times (15:27) so their parts are not read as quantities."""
    return re.sub(r"\d{1,2}:\d{2}", " ", normalize_digits(text))
