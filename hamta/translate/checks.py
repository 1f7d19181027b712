"""Model-free checks on a translation: wrong language, untranslated, numbers and names changed, omissions.

Why: machine translation fails silently -- output in the wrong language or left in the source script, a
number changed ("407 killed" -> "470 killed"), a name dropped, half a sentence missing, or a fluent
sentence the source never said. For an analyst a changed number is worse than no translation, so every
translation gets these checks, and each failure becomes a flag on its record:

* ``untranslated``: the output copies the source, or is (partly) in the source's script/language;
* ``wrong_language``: the output is in a language that is neither English nor the source's;
* ``number_mismatch``: a number of the source is missing from the output, or the output has a new one
  (`hamta.text.numbers` reads both sides; see `compare_numbers` for the calendar rules);
* ``name_mismatch``: a name of the source has no counterpart in the output; the names are learnt from
  the input's own pairs (`source_names`, `NameLexicon`), see `compare_names`;
* ``omission`` / ``addition``: the output is much shorter / longer than translations of that language
  pair are, measured against a length model fitted on human translations (NTREX dev, by
  benchmarks/fit_length_ratio.py) and shipped in ``hamta/data/length_ratio.json``.

Each check returns `Finding`s that say what is wrong ("source 407 not in output; output 470 not in
source", "3.1 sd shorter than usual"), so a flag can be explained in the report.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from difflib import SequenceMatcher
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from hamta.text.clitics import readings
from hamta.text.langid import guess_language
from hamta.text.normalize import matching_view
from hamta.text.numbers import NumberMention, extract_numbers, score_sides
from hamta.text.translit import consonants, name_similarity, skeleton

__all__ = [
    "FLAG_WRONG_LANGUAGE",
    "FLAG_UNTRANSLATED",
    "FLAG_NUMBER_MISMATCH",
    "FLAG_NAME_MISMATCH",
    "FLAG_OMISSION",
    "FLAG_ADDITION",
    "CHECK_FLAGS",
    "Finding",
    "LengthModel",
    "check_language",
    "compare_numbers",
    "compare_names",
    "check_length",
    "check_translation",
    "check_pairs",
    "english_names",
    "document_names",
    "NameLexicon",
    "source_words",
    "pair_names",
    "name_lexicon",
    "source_names",
    "length_model",
    "flag_records",
]

FLAG_WRONG_LANGUAGE = "wrong_language"
FLAG_UNTRANSLATED = "untranslated"
FLAG_NUMBER_MISMATCH = "number_mismatch"
FLAG_NAME_MISMATCH = "name_mismatch"
FLAG_OMISSION = "omission"
FLAG_ADDITION = "addition"
#: every flag these checks can set, in report order
CHECK_FLAGS = (
    FLAG_WRONG_LANGUAGE,
    FLAG_UNTRANSLATED,
    FLAG_NUMBER_MISMATCH,
    FLAG_NAME_MISMATCH,
    FLAG_OMISSION,
    FLAG_ADDITION,
)
#: source languages the checks know
SOURCE_LANGS = ("fa", "ar")

# Language.
#: share of the output's letters in Arabic script from which it is (partly) not translated
ARABIC_SHARE_UNTRANSLATED = 0.2
#: share of letters in scripts other than Latin/Arabic from which the output is another language
OTHER_SCRIPT_SHARE = 0.5
#: character similarity of output and source (matching views) from which the output copies the source
COPY_SIMILARITY = 0.6
#: fewer letters than this in the source: nothing to translate (a number, a dateline), no language check
MIN_SOURCE_LETTERS = 4
#: a Latin-script output needs this many words before "not English" is trusted
MIN_WORDS_OTHER_LATIN = 4

# Numbers.
#: Solar Hijri year + 621 or 622 = Gregorian year (Nowruz falls on 20/21 March)
SOLAR_HIJRI_OFFSETS = (621, 622)
#: lunar Hijri years are 354/355 days: Gregorian ~ H * 0.970224 + 621.5774 (one year either side accepted)
LUNAR_YEAR_RATIO = 0.970224
LUNAR_YEAR_OFFSET = 621.5774
#: years of the Hijri calendars that are converted (both calendars are in their 14th/15th century now)
HIJRI_YEAR_MIN, HIJRI_YEAR_MAX = 1250, 1500
#: relative tolerance when comparing values ("2.5 million" = 2,500,000)
VALUE_TOLERANCE = 1e-6
#: unmatched values up to this are not reported ("a man" = یک مرد, Arabic duals = "two", "No.1")
MAX_IGNORED_VALUE = 2
#: numbers written only in words are reported when unmatched from this value ("two million", "سه هزار")
MIN_SALIENT_WORD_NUMBER = 1000
#: times are compared as minutes on a 12-hour clock shifted by this, so they never equal a count
TIME_OFFSET = 1_000_000
MINUTES_PER_HOUR = 60
HALF_DAY_HOURS = 12
MINUTES_HALF_DAY = HALF_DAY_HOURS * MINUTES_PER_HOUR
#: imperial unit (after a number of the output) -> metric factors: translators convert units
UNIT_FACTORS = {
    "mile": (1.609344,), "mph": (1.609344,), "pound": (0.45359237,), "lb": (0.45359237,),
    "inch": (25.4, 2.54), "foot": (0.3048, 30.48), "feet": (0.3048, 30.48), "ft": (0.3048,),
    "yard": (0.9144,), "acre": (0.404686, 4046.86), "gallon": (3.78541,), "ounce": (28.3495,),
}
_UNIT_RE = re.compile(r"\s*-?\s*(mile|mph|pound|lb|inch|foot|feet|ft|yard|acre|gallon|ounce|degrees? f|°f)",
                      re.IGNORECASE)
#: the rest of a range after its first number: "2 to 4", "2-4", "2 or 3" (a unit after it is both ends')
_RANGE_END_RE = re.compile(r"\s*(?:-|–|to|or|and)\s*\d[\d.,]*", re.IGNORECASE)
#: "1950-53": the second year of a range written with its last two digits
_SHORT_YEAR_RANGE_RE = re.compile(r"(\d{4})\s?[-–]\s?$")
YEAR_RANGE_END_DIGITS = 100
#: digit runs of at least this length are matched digit by digit when one side groups them with spaces
#: ("0800 555 111" / "۰۸۰۰۵۵۵۱۱۱": phone numbers)
MIN_DIGIT_RUN = 5
_DIGIT_GROUP_GAP_RE = re.compile(r"[ \-]")
#: relative tolerance of a rounded unit conversion
UNIT_TOLERANCE = 0.06
FAHRENHEIT_ZERO, FAHRENHEIT_SCALE = 32.0, 5.0 / 9.0

# Names.
#: name_similarity from which an output word counts as the counterpart of a source name
NAME_MATCH = 0.75
#: name_similarity from which a source word is taken for a name of the document's English
NAME_CANDIDATE = 0.9
#: shortest consonant skeleton that identifies a name by similarity (shorter ones collide with ordinary
#: words: کرد); a shorter one, down to MIN_SHORT_SKELETON, must equal the name's and be written with a long
#: vowel letter, as transliterated foreign names are (ويلز, كيم, جونس, لی) and most short native words are
#: not; one of a single consonant must also write the same consonant letters (`consonants`)
MIN_SKELETON = 4
MIN_SHORT_SKELETON = 1
_LONG_VOWELS = frozenset("اآویيى")
#: ... and be rarer than this Zipf frequency (wordfreq: log10 per billion words) in the source language,
#: since كان, قال, بود, بین have vowel letters and short skeletons too (names: كيم 4.6, چین 5.4); a short
#: word without a long vowel letter must be rarer still (ولز 4.2, برت 4.2; کرد "did" 6.4)
MAX_SHORT_NAME_ZIPF = 5.5
MAX_SHORT_NO_VOWEL_ZIPF = 4.5
#: an English name this frequent as an English word is an ordinary word in a name ("White House"): its
#: source counterpart (البيضاء "white") is left out
MAX_ENGLISH_NAME_ZIPF = 5.4
#: name_similarity from which an output word is one of the input's English spellings of a source name
#: ("Thompson" / "Thomson"); below it a lookalike passes ("CNN" ~ Kavanaugh at 0.8)
RENDERING_MATCH = 0.85
#: skeleton classes that English demonym endings add to a place name (-n/-an/-ian, -ese, -ish)
DEMONYM_SUFFIXES = ("N", "S", "X")
#: shortest source skeleton found inside an output word's skeleton (یانگ in Pyongyang)
MIN_CONTAINED_SKELETON = 2
#: shortest capitalised output word accepted as the short form of a source name ("Livi"); shorter
#: English names are abbreviations ("St", "AZ"), not transliterations, and teach no source name
MIN_SHORT_FORM = 3
#: letters by which two Latin spellings of a name may differ in length ("Jake"/"Jack", not "Figures"/Fox)
SPELLING_LENGTH_SLACK = 1
#: longest all-capital output word taken for the abbreviation of a name the input spells out ("AZ")
MAX_ABBREVIATION = 4
#: the article with which a title stands for a name ("The President said" for Trump)
TITLE_ARTICLE = "the"
#: a line with more capitalised words than this share is in title case: its capitals say nothing
TITLE_CASE_SHARE = 0.6
#: share of the pairs a source word occurs in that must show its English name for it to be a name
#: (`NameLexicon`)
MIN_NAMED_SHARE = 0.5

# Length.
#: fewer letters than this on either side: the length ratio is noise, no omission/addition check
MIN_LENGTH_LETTERS = 20


@dataclass(frozen=True)
class Finding:
    """One failed check: its flag and a short reason an analyst can read."""

    flag: str
    detail: str


def _letters(text: str) -> int:
    """Letters and digits: the length measure of the length model (spaces and punctuation vary)."""
    return sum(ch.isalpha() or ch.isdigit() for ch in text)


def _script_counts(text: str) -> tuple[int, int, int]:
    """(Arabic-script, Latin, other) letters."""
    arabic = latin = other = 0
    for ch in text:
        if not ch.isalpha():
            continue
        o = ord(ch)
        if 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0x08A0 <= o <= 0x08FF or 0xFB50 <= o <= 0xFEFF:
            arabic += 1
        elif o < 0x250 or 0x1E00 <= o <= 0x1EFF:
            latin += 1
        else:
            other += 1
    return arabic, latin, other


def check_language(source: str, output: str, src_lang: str) -> list[Finding]:
    """``untranslated`` / ``wrong_language`` findings for one output.

    Untranslated: empty output, output that copies the source (character similarity of the matching
    views), or output with a sizeable share of Arabic-script letters in the source's language (or in no
    clear language). Wrong language: Arabic-script output in the other of fa/ar, output mostly in
    another script (Cyrillic, CJK ...), or Latin-script text that langid reads as not English.
    """
    if sum(ch.isalpha() for ch in source) < MIN_SOURCE_LETTERS:
        return []
    if not output.strip():
        return [Finding(FLAG_UNTRANSLATED, "empty output")]
    similarity = SequenceMatcher(None, matching_view(source).text, matching_view(output).text,
                                 autojunk=False).ratio()
    if similarity >= COPY_SIMILARITY:
        return [Finding(FLAG_UNTRANSLATED, f"output copies the source ({similarity:.0%} alike)")]
    arabic, latin, other = _script_counts(output)
    letters = arabic + latin + other
    if letters == 0:
        return []
    if arabic / letters >= ARABIC_SHARE_UNTRANSLATED:
        guess = guess_language(output)
        if guess.lang in SOURCE_LANGS and guess.lang != src_lang and not guess.uncertain:
            return [Finding(FLAG_WRONG_LANGUAGE, f"output is in {guess.lang}, source in {src_lang}")]
        return [Finding(FLAG_UNTRANSLATED, f"{arabic / letters:.0%} of the output is in Arabic script")]
    if other / letters >= OTHER_SCRIPT_SHARE:
        return [Finding(FLAG_WRONG_LANGUAGE, "output is mostly in a script that is neither Latin nor Arabic")]
    guess = guess_language(output)
    if guess.lang == "other" and guess.words >= MIN_WORDS_OTHER_LATIN and not guess.uncertain:
        return [Finding(FLAG_WRONG_LANGUAGE, "output is not English")]
    return []


# Numbers.


def _is_word_number(m: NumberMention) -> bool:
    return not any(ch.isdigit() for ch in m.text)


def _salient(m: NumberMention) -> bool:
    """Whether a mention left unmatched is worth a flag.

    Not: values up to two (articles, "a man" for یک مرد, Arabic duals, "No.1"), numbers written only as
    words below a thousand (translators write them either way, or not at all: "foursomes"), decades
    ("the 1980s" is a word in Persian/Arabic), and digit runs that start with 0 (phone numbers, codes).
    """
    if m.kind in ("time", "score"):
        return True
    if m.kind == "ordinal":  # "19th-century" is a word in Persian/Arabic (القرن التاسع عشر)
        return False
    if m.value <= MAX_IGNORED_VALUE:
        return False
    if _is_word_number(m):
        return m.value >= MIN_SALIENT_WORD_NUMBER
    if m.kind == "year" and m.text.endswith("s"):
        return False
    return not (m.text[:1] in "0۰٠" and len(m.text) > 2)


def _year_variants(value: float) -> set[float]:
    """A value, and if it can be a Hijri year, the Gregorian years it may become."""
    out = {value}
    if value == int(value) and HIJRI_YEAR_MIN <= value <= HIJRI_YEAR_MAX:
        out |= {value + off for off in SOLAR_HIJRI_OFFSETS}
        lunar = math.floor(value * LUNAR_YEAR_RATIO + LUNAR_YEAR_OFFSET)
        out |= {float(lunar - 1), float(lunar), float(lunar + 1)}
    return out


def _atoms(m: NumberMention, text: str) -> list[set[float]]:
    """The values a mention must find on the other side: a score is its two sides, a year its variants,
    the "53" of "1950-53" also 1953."""
    if m.kind == "score":
        return [{float(side)} for side in score_sides(m)]
    if m.kind == "time":  # also as hours.minutes: "7.55 صباحا" is read as a decimal
        hours, minutes = divmod(int(m.value) % MINUTES_HALF_DAY, MINUTES_PER_HOUR)
        return [{m.value % MINUTES_HALF_DAY + TIME_OFFSET, hours + minutes / 100,
                 hours + HALF_DAY_HOURS + minutes / 100}]
    values = _year_variants(m.value)
    before = _SHORT_YEAR_RANGE_RE.search(text, 0, m.start)
    if before and m.kind == "count" and m.value == int(m.value) and m.value < YEAR_RANGE_END_DIGITS:
        first = int(before.group(1))
        end = first - first % YEAR_RANGE_END_DIGITS + int(m.value)
        if end > first:
            values.add(float(end))
    return [values]


def _digits(m: NumberMention) -> str:
    """The digits of a mention written in digits only (any script), else ''."""
    text = matching_view(m.text).text
    return text if text.isdigit() else ""


def _match_digit_groups(
    left: list[tuple[NumberMention, set[float]]], source: str,
    out_atoms: list[tuple[NumberMention, set[float]]], output: str, used: list[bool],
) -> list[tuple[NumberMention, set[float]]]:
    """Pair digit runs that one side writes whole and the other in space-separated groups ("0800 555 111"
    / "۰۸۰۰۵۵۵۱۱۱", phone numbers and codes): the digits must agree one by one."""
    def runs(mentions: list[NumberMention], text: str) -> list[tuple[list[int], str]]:
        """(indices into ``mentions``, digits) of each run of adjacent digit groups, in text order."""
        order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
        out = []
        for a, i in enumerate(order):
            digits = _digits(mentions[i])
            for b in range(a + 1, len(order)):
                prev, cur = mentions[order[b - 1]], mentions[order[b]]
                gap = text[prev.end : cur.start]
                if not digits or not _DIGIT_GROUP_GAP_RE.fullmatch(gap) or not _digits(cur):
                    break
                digits += _digits(cur)
                if len(digits) >= MIN_DIGIT_RUN:
                    out.append((order[a : b + 1], digits))
        return out

    free = [k for k, u in enumerate(used) if not u]
    out_free = [out_atoms[k][0] for k in free]
    src_left = [m for m, _ in left]
    matched_src: set[int] = set()
    for idx, digits in runs(out_free, output):  # one source number, grouped in the output
        for i, m in enumerate(src_left):
            if i not in matched_src and _digits(m) == digits and not any(used[free[k]] for k in idx):
                matched_src.add(i)
                for k in idx:
                    used[free[k]] = True
                break
    for idx, digits in runs(src_left, source):  # grouped in the source, one number in the output
        if any(i in matched_src for i in idx):
            continue
        for k in free:
            if not used[k] and _digits(out_atoms[k][0]) == digits:
                used[k] = True
                matched_src.update(idx)
                break
    return [a for i, a in enumerate(left) if i not in matched_src]


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= VALUE_TOLERANCE * max(1.0, abs(a), abs(b))


def _unit_after(output: str, m: NumberMention) -> str | None:
    """The imperial unit written right after an output number ("550 pound", "85 miles"), or after the
    range it starts ("2 to 4 inches": the unit is said once for both ends), lower case."""
    found = _UNIT_RE.match(output, m.end)
    if not found:
        rest = _RANGE_END_RE.match(output, m.end)
        found = _UNIT_RE.match(output, rest.end()) if rest else None
    return found.group(1).lower() if found else None


def _converted(src: float, out: float, unit: str | None) -> bool:
    """Whether ``src`` is ``out`` converted from the imperial ``unit`` that follows it in the output."""
    if unit is None or src <= 0 or out <= 0 or src >= TIME_OFFSET or out >= TIME_OFFSET:
        return False
    if unit.endswith("f"):
        return abs(src - (out - FAHRENHEIT_ZERO) * FAHRENHEIT_SCALE) <= 1
    return any(abs(src / (out * factor) - 1) <= UNIT_TOLERANCE for factor in UNIT_FACTORS.get(unit, ()))


def _match(
    src_atoms: list[tuple[NumberMention, set[float]]],
    out_atoms: list[tuple[NumberMention, set[float]]],
    same: Callable[[float, float, NumberMention], bool],
    used: list[bool],
) -> list[tuple[NumberMention, set[float]]]:
    """Pair each source atom with an unused output atom under ``same`` (one of the same kind first: the
    1 of a score "4-1" goes to the score, not to "first"); return the unpaired ones."""
    left = []
    for m, allowed in src_atoms:
        order = sorted(range(len(out_atoms)), key=lambda k: out_atoms[k][0].kind != m.kind)
        for k in order:
            out_m, other = out_atoms[k]
            if not used[k] and any(same(x, y, out_m) for x in allowed for y in other):
                used[k] = True
                break
        else:
            left.append((m, allowed))
    return left


def compare_numbers(source: str, output: str, src_lang: str) -> list[Finding]:
    """``number_mismatch`` when a source number is missing from the output or the output adds one.

    Numbers match by value whatever their form (digits in any script, words, scale words, separators);
    a score "3-2" needs both 3 and 2; a time compares on a 12-hour clock. Calendars: a Solar Hijri year
    (1250-1500) in the source also matches its Gregorian year (+621 or +622, as Nowruz falls in March),
    and a lunar Hijri year matches the Gregorian years it overlaps (H * 0.970224 + 621.58, +-1); the
    reverse is not needed, as the output is English. A value converted from miles, pounds, inches, feet,
    yards or Fahrenheit (6 %) matches too. Only salient numbers are reported when unmatched (`_salient`).
    Day numbers of dates are compared like any number, so a Solar Hijri date converted to a Gregorian
    one in the output is flagged: the check cannot tell a converted day from a changed one.
    """
    # digits before words, so that یک ("a") does not take the 1 of a score "1-0"
    src_mentions = sorted(extract_numbers(source, src_lang), key=_is_word_number)
    src_atoms = [(m, a) for m in src_mentions for a in _atoms(m, source)]
    out_atoms = [(m, a) for m in extract_numbers(output, "en") for a in _atoms(m, output)]
    used = [False] * len(out_atoms)
    left = _match(src_atoms, out_atoms, lambda x, y, m: _same(x, y), used)
    left = _match(left, out_atoms, lambda x, y, m: _converted(x, y, _unit_after(output, m)), used)
    left = _match_digit_groups(left, source, out_atoms, output, used)
    missing = [m.text for m, _ in left if _salient(m)]
    added = [m.text for (m, _), u in zip(out_atoms, used, strict=True) if not u and _salient(m)]
    if not missing and not added:
        return []
    parts = []
    if missing:
        parts.append(f"source {', '.join(dict.fromkeys(missing))} not in output")
    if added:
        parts.append(f"output {', '.join(dict.fromkeys(added))} not in source")
    return [Finding(FLAG_NUMBER_MISMATCH, "; ".join(parts))]


# Names.

#: an English word; a possessive 's is not part of it ("Yuan's" -> "Yuan"), an inner apostrophe is (O'Brien)
_EN_WORD_RE = re.compile(r"[A-Za-z]+(?:['’](?![sS]\b)[A-Za-z]+)*")
_SRC_WORD_RE = re.compile(r"[^\W\d_]+")
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?:;\"“«(\-–—]\s*|['‘]\s*)$")


def english_names(text: str, *, initial: bool = False) -> list[str]:
    """Capitalised words of an English text that are names: not in a title-case line, and not
    sentence-initial unless ``initial`` (then the caller must weed out common words, see `document_names`).

    Single words: a multi-word name is matched word by word, as transliterations split words differently
    ("Abu Dhabi" / "ابوظبی").
    """
    words = list(_EN_WORD_RE.finditer(text))
    capitalised = [w for w in words if w.group(0)[0].isupper()]
    if len(words) > 2 and len(capitalised) > TITLE_CASE_SHARE * len(words):
        return []
    out = []
    for w in capitalised:
        if (not initial and _SENTENCE_START_RE.search(text[: w.start()])) or len(w.group(0)) == 1:
            continue
        out.append(w.group(0))
    return out


def document_names(outputs: Iterable[str]) -> list[str]:
    """The names of a document's English translation: `english_names` of every output (sentence-initial
    words too), less the words that also occur in lower case there ("The"/"the", "Senate"/"senate").
    """
    outputs = list(outputs)
    lower = {w for text in outputs for w in _EN_WORD_RE.findall(text) if w[0].islower()}
    names = (n for text in outputs for n in english_names(text, initial=True))
    return [n for n in dict.fromkeys(names) if n.lower() not in lower]


def _best(word: str, candidates: Iterable[str], lang: str | None) -> float:
    return max((name_similarity(v, c) for v in readings(word, lang or "") for c in candidates), default=0.0)


@cache
def _zipf(word: str, lang: str) -> float | None:
    """Zipf frequency of a word from `wordfreq` (None when wordfreq is not installed)."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        return None
    return zipf_frequency(word, lang)


def _flat(text: str) -> str:
    """A skeleton without spaces: names are compared across word boundaries (ابوظبی / Abu Dhabi)."""
    return skeleton(text).replace(" ", "")


def _is_candidate(word: str, names: Sequence[str], lang: str | None) -> bool:
    """Whether a source word transliterates to one of the pair's English names (see MIN_SKELETON)."""
    own = _flat(word)
    if len(own) >= MIN_SKELETON:
        return _best(word, names, lang) >= NAME_CANDIDATE
    if len(own) < MIN_SHORT_SKELETON or lang is None:
        return False
    zipf = _zipf(word, lang)
    # a Persian final ه writes a vowel too (کره, Korea), as in hamta.text.translit
    vowel = _LONG_VOWELS & set(word[1:]) or (lang == "fa" and word.endswith("ه"))
    limit = MAX_SHORT_NAME_ZIPF if vowel else MAX_SHORT_NO_VOWEL_ZIPF
    if zipf is None or zipf >= limit:
        return False
    variants = {_flat(v) for v in readings(word, lang)}
    # one consonant leaves nothing else to disagree: its letters must be the name's, on the word itself
    # (لی / Lee, آیر / Ayr; not پاهای / Pep, nor الة of وكالة / Lee)
    return any(consonants(word) == consonants(n) if len(_flat(n)) == 1 else _flat(n) in variants
               for n in names)


def _bare(skel: str) -> str:
    """A skeleton without spaces and y-glides (ی writes the y of یانگ, English hides it in "Pyongyang")."""
    return skel.replace(" ", "").replace("Y", "")


def _name_words(output: str) -> list[str]:
    """The output words that can render a name: the capitalised ones (all, in an output without case)."""
    words = _EN_WORD_RE.findall(output)
    if not any(ch.isupper() for ch in output):  # lower-cased output: every word may be the name
        return words
    return [w for w in words if w[0].isupper()]


def _has_counterpart(word: str, out_words: Sequence[str], lang: str | None) -> bool:
    """Some output word transliterates to ``word``, contains it (پیونگ یانگ / Pyongyang), shares all
    but its last consonant (ولز / Welsh: demonyms), or is its clipped form (لیوینگستون / "Livi")."""
    if _best(word, out_words, lang) >= NAME_MATCH:
        return True
    out_skeletons = [(_bare(skeleton(w)), len(w)) for w in out_words]
    for variant in readings(word, lang or ""):
        sk = _bare(skeleton(variant))
        if len(sk) < MIN_CONTAINED_SKELETON:
            continue
        for o, letters in out_skeletons:
            if not o:
                continue
            if sk in o or (len(sk) > 2 and o.startswith(sk[:-1]) and len(o) <= len(sk) + 1):
                return True
            if letters >= MIN_SHORT_FORM and len(o) >= MIN_CONTAINED_SKELETON \
                    and sk.startswith(o):
                return True
    return False


@dataclass
class NameLexicon:
    """Source words, and how often their transliterated English name stood in the translation.

    ``seen[w]``: pairs whose source has the word ``w``; ``named[w]``: pairs of those whose output has
    ``w``'s English counterpart (`pair_names`); ``renderings[(w, name)]``: pairs that wrote it ``name``.
    A word is a name of the input when it is named in at least MIN_NAMED_SHARE of the pairs it occurs in:
    a name keeps its counterpart in most translations, while an ordinary word that once looked like a name
    (چنین "such" / "Chinese") does not.
    """

    seen: Counter[str] = field(default_factory=Counter)
    named: Counter[str] = field(default_factory=Counter)
    renderings: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: the (word, name) sets of pairs where one English name matched several source words
    shared: Counter[frozenset[tuple[str, str]]] = field(default_factory=Counter)
    #: (capitalised word, the capitalised word right after it) in the outputs ("President", "Trump")
    titles: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: words the outputs write in lower case (common nouns: "president")
    common: Counter[str] = field(default_factory=Counter)
    lang: str | None = None

    def add(
        self, source: str, named: Iterable[tuple[str, str]], count: int = 1, *, output: str | None = None
    ) -> None:
        """Count one pair (``count=-1`` takes it out again): its source text, its (word, name) pairs and,
        when given, its output (for the titles of names)."""
        named = frozenset(named)
        self.seen.update(dict.fromkeys(source_words(source), count))
        self.named.update(dict.fromkeys({w for w, _ in named}, count))
        self.renderings.update(dict.fromkeys(named, count))
        if len({n for _, n in named}) < len(named):
            self.shared[named] += count
        if output:
            words = list(_EN_WORD_RE.finditer(output))
            self.common.update(dict.fromkeys({w.group(0) for w in words if w.group(0)[0].islower()}, count))
            self.titles.update(dict.fromkeys(
                {(a.group(0), b.group(0)) for a, b in zip(words, words[1:], strict=False)
                 if a.group(0)[0].isupper() and b.group(0)[0].isupper()
                 and output[a.end() : b.start()] == " "},
                count))

    def _explained_away(self) -> tuple[Counter[str], Counter[tuple[str, str]]]:
        """(named, renderings) less the pairs where a word got its name only by a chance likeness.

        One English name renders one source word: when several words of a pair match the same name
        (باريس and البارزة "prominent" both look like "Paris"), it goes to the word(s) named most often in
        the whole input, and to the other readings of that word (المكسيك, بالمكسيك)."""
        named, renderings = self.named.copy(), self.renderings.copy()
        for pair, count in self.shared.items():
            if count <= 0:
                continue
            by_name: dict[str, list[str]] = {}
            for word, name in pair:
                by_name.setdefault(name, []).append(word)
            lost = {(w, n) for n, words in by_name.items() for w in words if self._outranked(w, words)}
            renderings.subtract(dict.fromkeys(lost, count))
            kept = {w for w, _ in pair - lost}
            named.subtract(dict.fromkeys({w for w, _ in lost} - kept, count))
        return named, renderings

    def _outranked(self, word: str, rivals: Sequence[str]) -> bool:
        """Whether a rival for the same English name is named more often than ``word`` in the input and
        is not another reading of it."""
        own = set(readings(word, self.lang or ""))
        return any(self.named[r] > self.named[word] and not own & set(readings(r, self.lang or ""))
                   for r in rivals)

    def names(self) -> dict[str, frozenset[str]]:
        """The source words that are names of the input, each with the English names it was written as."""
        named, renderings = self._explained_away()
        out: dict[str, set[str]] = {}
        for (word, name), n in renderings.items():
            if n > 0 and named[word] >= MIN_NAMED_SHARE * self.seen[word]:
                out.setdefault(word, set()).add(name)
        titled = self._titled()
        return {w: frozenset(names | {f"{TITLE_ARTICLE} {t}" for t, after in titled.items()
                                      if after <= names})
                for w, names in out.items()}

    def _titled(self) -> dict[str, set[str]]:
        """Titles, each with the names it precedes: a capitalised word that the outputs also write in lower
        case, so a common noun ("President", "the president"), before a capitalised word ("Trump").

        A title that the input puts before one person's name only ("President Trump") stands for that name
        in a translation that writes it with the article ("The President said", `TITLE_ARTICLE`); one it
        puts before several ("Mr") stands for none."""
        out: dict[str, set[str]] = {}
        for (title, after), n in self.titles.items():
            if n > 0 and len(title) >= MIN_SHORT_FORM and self.common[title.lower()] > 0:
                out.setdefault(title, set()).add(after)
        return out


def source_words(source: str) -> list[str]:
    """The Persian/Arabic-script words of a source text, once each."""
    return [w for w in dict.fromkeys(_SRC_WORD_RE.findall(source)) if not w.isascii()]


def pair_names(
    pairs: Sequence[tuple[str, str]], src_lang: str | None = None, *, docs: Sequence[str] | None = None
) -> list[frozenset[tuple[str, str]]]:
    """For each pair, the (source word, English name) of the pair that transliterate to each other.

    The English names of a pair are its capitalised words that its document (``docs``; all pairs when
    None) never writes in lower case (`document_names`) and that are not common English words.
    """
    doc_ids = list(docs) if docs is not None else [""] * len(pairs)
    if len(doc_ids) != len(pairs):
        raise ValueError("docs must give one entry per pair")
    outputs: dict[str, list[str]] = {}
    for (_, output), doc in zip(pairs, doc_ids, strict=True):
        outputs.setdefault(doc, []).append(output)
    known = {doc: set(document_names(texts)) for doc, texts in outputs.items()}
    out = []
    for (source, output), doc in zip(pairs, doc_ids, strict=True):
        names = tuple(n for n in dict.fromkeys(english_names(output, initial=True))
                      if n in known[doc] and len(n) >= MIN_SHORT_FORM
                      and (_zipf(n.lower(), "en") or 0.0) < MAX_ENGLISH_NAME_ZIPF)
        out.append(_pair_names(source, names, src_lang) if names else frozenset())
    return out


def name_lexicon(
    pairs: Sequence[tuple[str, str]], src_lang: str | None = None, *, docs: Sequence[str] | None = None
) -> NameLexicon:
    """The `NameLexicon` of all ``pairs`` (one input: a file, a collection)."""
    lexicon = NameLexicon(lang=src_lang)
    for (source, output), named in zip(pairs, pair_names(pairs, src_lang, docs=docs), strict=True):
        lexicon.add(source, named, output=output)
    return lexicon


def source_names(
    pairs: Sequence[tuple[str, str]], src_lang: str | None = None, *, docs: Sequence[str] | None = None
) -> dict[str, frozenset[str]]:
    """The source words that are names, learnt from the input's own pairs (`NameLexicon`), each with the
    English names the input writes it as.

    A Persian/Arabic word is a name when it transliterates to a name of the output in most of the pairs
    where it occurs. So a name dropped from one sentence's output is still known from the other sentences
    of the input, and an ordinary word is not taken for a name by a chance likeness with some name of
    another sentence.
    """
    return name_lexicon(pairs, src_lang, docs=docs).names()


@lru_cache(maxsize=2**16)
def _pair_names(source: str, names: tuple[str, ...], src_lang: str | None) -> frozenset[tuple[str, str]]:
    """The (word, name) of one source sentence and ``names`` (of its own output) that transliterate to
    each other."""
    names = tuple(n for n in names if len(_flat(n)) >= MIN_SHORT_SKELETON)
    return frozenset((word, name) for word in source_words(source) for name in names
                     if _is_candidate(word, (name,), src_lang))


def _written_as(out_words: Sequence[str], renderings: Collection[str]) -> bool:
    """Some output word is one of the English names the input wrote a source name as: that name, with a
    suffix ("Korean"), spelt alike (name_similarity >= RENDERING_MATCH: "Thompson" / "Thomson"), its
    demonym ("Chinese", "Mexican": one more consonant of DEMONYM_SUFFIXES; "Welsh" for Wales: all but
    the last consonant, and one more) or its clipped form ("Livi"). All but the first start with the
    name's first letter: a lookalike with another initial is another name ("Browne" / Paris)."""
    for word in out_words:
        lower, o = word.lower(), _bare(skeleton(word))
        for r in renderings:
            if lower.startswith(r.lower()) or _abbreviates(word, r):
                return True
            if lower[:1] != r[:1].lower():
                continue
            if name_similarity(word, r) >= RENDERING_MATCH:
                return True
            rb = _bare(skeleton(r))
            if len(o) < MIN_CONTAINED_SKELETON:
                continue
            if (len(rb) > 2 and o.startswith(rb[:-1]) and len(o) <= len(rb) + 1) \
                    or (o.startswith(rb) and o[len(rb):] in DEMONYM_SUFFIXES) \
                    or (len(word) >= MIN_SHORT_FORM and rb.startswith(o)):
                return True
    return False


def _spelt_alike(word: str, name: str) -> bool:
    """Two Latin-script spellings of one name ("Jake" / "Jack"): the same first letter, lengths within a
    letter of each other, and name_similarity >= RENDERING_MATCH."""
    return word[:1] == name[:1] and abs(len(word) - len(name)) <= SPELLING_LENGTH_SLACK \
        and name_similarity(word, name) >= RENDERING_MATCH


def _abbreviates(word: str, name: str) -> bool:
    """Whether ``word`` is a capital-letter abbreviation of ``name``: its first letter, then other letters
    of it in order ("AZ" for Arizona, "NSW" for "NewSouthWales"), at most MAX_ABBREVIATION letters."""
    if not (2 <= len(word) <= MAX_ABBREVIATION and word.isupper() and word[0] == name[:1].upper()):
        return False
    rest = iter(name[1:].upper())
    return all(ch in rest for ch in word[1:])


def _counterpart(
    word: str, output: str, out_words: Sequence[str], known: Collection[str], lang: str | None
) -> bool:
    """Whether the output renders the source name ``word``: as the input wrote it elsewhere, when
    ``known`` says (`source_names`; a phrase such as "the President" is a title the input gives that name
    alone), else by transliteration (`_has_counterpart`)."""
    renderings = known.get(word) if isinstance(known, Mapping) else None
    if not renderings:
        return _has_counterpart(word, out_words, lang)
    phrases = {r for r in renderings if " " in r}
    if any(re.search(rf"\b{re.escape(p)}\b", output, re.IGNORECASE) for p in phrases):
        return True
    # an output word the input writes for another name is that name, not a variant of this one
    # ("Rosa" is not a clipped "Arizona", "John" not a clipped "Johnson")
    own = renderings - phrases
    taken = {r for w, rs in known.items() if w != word for r in rs} - own
    return _written_as([w for w in out_words if w not in taken], own)


def compare_names(
    source: str, output: str, known: Collection[str] = (), *, src_lang: str | None = None
) -> list[Finding]:
    """``name_mismatch`` when a name of the source has no counterpart in the output.

    Names of the source come from the text: capitalised Latin-script words in the source (acronyms,
    brands), and the Persian/Arabic words of ``known``, the input's names (`source_names`). A Latin name
    is matched when the output has it. A Persian/Arabic name is matched by a capitalised output word
    (names are capitalised in English): one of the English names the input wrote it as, when ``known``
    maps it to them (`_written_as`: also an abbreviation "AZ", or "the President" when the input gives
    that title to this name alone; a word the input writes for another name is not a loose variant of
    this one), else a transliteration of it (`_has_counterpart`), the Arabic word read with and without
    its clitic prefixes (`hamta.text.clitics`) when ``src_lang`` is "ar". A Latin name of the source is
    matched by itself, its clipped form or a spelling alike ("Jake" / Jack).
    """
    all_words = _EN_WORD_RE.findall(output)
    out_words = _name_words(output)
    out_plain = matching_view(output).text.replace(".", "")
    missing: list[str] = []
    for word in dict.fromkeys(_SRC_WORD_RE.findall(source)):
        if word.isascii():
            lower = word.lower()
            short_form = any(w[0].isupper() and len(w) >= MIN_SHORT_FORM and lower.startswith(w.lower())
                             for w in all_words)  # "Livi" for Livingston
            found = short_form or re.search(rf"\b{re.escape(lower)}", out_plain) \
                or any(_spelt_alike(w, word) for w in out_words)
            if len(word) > 1 and word[0].isupper() and not found:
                missing.append(word)
        elif word in known and not _counterpart(word, output, out_words, known, src_lang):
            missing.append(word)
    if not missing:
        return []
    return [Finding(FLAG_NAME_MISMATCH, f"source name(s) {', '.join(missing)} not in output")]


# Length.


@dataclass(frozen=True)
class LengthModel:
    """Log length ratio (output letters / source letters) of human translations of one language pair.

    The spread shrinks with length: ``sd(n) = sqrt(var_floor + var_per_letter / n)`` for a source of
    ``n`` letters. A ratio more than ``z_omission`` sd below ``median`` is an omission, more than
    ``z_addition`` sd above, an addition.
    """

    median: float
    var_floor: float
    var_per_letter: float
    z_omission: float
    z_addition: float

    def z(self, source_letters: int, output_letters: int) -> float:
        """How many sd the output's length is from the usual one."""
        sd = math.sqrt(self.var_floor + self.var_per_letter / max(source_letters, 1))
        return (math.log(max(output_letters, 1) / max(source_letters, 1)) - self.median) / sd


@cache
def length_model(src_lang: str) -> LengthModel | None:
    """The fitted length model of ``src_lang``->en from ``hamta/data/length_ratio.json`` (None if absent)."""
    text = resources.files("hamta").joinpath("data/length_ratio.json").read_text(encoding="utf-8")
    pair = json.loads(text).get("pairs", {}).get(f"{src_lang}-en")
    if pair is None:
        return None
    return LengthModel(**{f.name: float(pair[f.name]) for f in fields(LengthModel)})


def check_length(source: str, output: str, src_lang: str, model: LengthModel | None = None) -> list[Finding]:
    """``omission`` / ``addition`` when the output's length is an outlier for the language pair."""
    model = model or length_model(src_lang)
    n_src, n_out = _letters(source), _letters(output)
    if model is None or n_src < MIN_LENGTH_LETTERS:
        return []
    z = model.z(n_src, n_out)
    if z <= -model.z_omission:
        return [Finding(FLAG_OMISSION, f"output {-z:.1f} sd shorter than usual for {src_lang}-en")]
    if z >= model.z_addition:
        return [Finding(FLAG_ADDITION, f"output {z:.1f} sd longer than usual for {src_lang}-en")]
    return []


# All checks.


def check_translation(
    source: str, output: str, src_lang: str, *, names: Collection[str] = ()
) -> list[Finding]:
    """Every check on one (source, output) pair; ``names``: the source names of its input
    (`source_names`).

    When the output is not English (untranslated or wrong language) the other checks are skipped: their
    findings would only restate that one.
    """
    if src_lang not in SOURCE_LANGS:
        raise ValueError(f"unknown source language {src_lang!r}; expected fa or ar")
    language = check_language(source, output, src_lang)
    if language:
        return language
    return [
        *compare_numbers(source, output, src_lang),
        *compare_names(source, output, names, src_lang=src_lang),
        *check_length(source, output, src_lang),
    ]


def check_pairs(
    pairs: Sequence[tuple[str, str]], src_lang: str | Sequence[str], *, docs: Sequence[str] | None = None
) -> list[list[Finding]]:
    """`check_translation` for many pairs; the source names are learnt from all pairs of a language.

    ``src_lang``: one language for all pairs, or one per pair. ``docs``: the document of each pair, whose
    English says which capitalised words are names (`pair_names`); without it all pairs are one document.
    """
    langs = [src_lang] * len(pairs) if isinstance(src_lang, str) else list(src_lang)
    doc_ids = list(docs) if docs is not None else [""] * len(pairs)
    if len(langs) != len(pairs) or len(doc_ids) != len(pairs):
        raise ValueError("src_lang and docs must give one entry per pair")
    by_lang: dict[str, list[int]] = {}
    for k, lang in enumerate(langs):
        by_lang.setdefault(lang, []).append(k)
    names = {lang: source_names([pairs[k] for k in ks], lang, docs=[doc_ids[k] for k in ks])
             for lang, ks in by_lang.items()}
    return [
        check_translation(source, output, lang, names=names[lang])
        for (source, output), lang in zip(pairs, langs, strict=True)
    ]


def flag_records(records: Sequence[Any]) -> list[Any]:
    """Records (`hamta.records.Sentence`) with the check flags added to ``flags``; names from all records.

    Records without a translation, boilerplate, or not in fa/ar are returned unchanged.
    """
    from dataclasses import replace

    todo = [k for k, r in enumerate(records)
            if r.en is not None and not r.boilerplate and r.lang in SOURCE_LANGS]
    findings = check_pairs([(records[k].text, records[k].en) for k in todo], [records[k].lang for k in todo],
                           docs=[records[k].doc for k in todo])
    out = list(records)
    for k, fs in zip(todo, findings, strict=True):
        new = [f.flag for f in fs if f.flag not in out[k].flags]
        if new:
            out[k] = replace(out[k], flags=tuple(out[k].flags) + tuple(dict.fromkeys(new)))
    return out
