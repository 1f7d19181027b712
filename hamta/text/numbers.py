"""Numbers in Persian, Arabic and English text: the one place hamta reads digits, number words and units.

Why one home: the translation checks (a number changed between source and translation) and the
same-event linker (two outlets report the same death toll) must read "۳ هزار و ۸۲۳", "3,823" and
"three thousand eight hundred and twenty-three" as the same value, or they disagree with each other.

What is read, after `hamta.text.normalize.matching_view` (Persian ۰-۹ and Arabic-Indic ٠-٩ digits become
0-9, ٫ a decimal point, ٬ a thousands separator; letter variants folded):

* digits with separators: "2,000,000", "3،500" (grouping), "3.5", "۳٫۵", Persian "۲/۵" and Arabic "3،5"
  (a decimal comma or slash in fa/ar);
* number words and scale words, in any mix with digits: "two million", "2 million", "۳ هزار",
  "3 هزار و 823", "دویست و پنجاه", "خمسة وعشرون", "ثلاثة آلاف", "مليونين", "$5m", "£2bn";
* percentages (%, ٪, percent, درصد, بالمئة, في المائة), money (dollar, تومان, دولار, $ ...), ordinals
  (12th, third, دوازدهم, سومین, الثالث), times ("04:17", "4:17 pm"), scores ("3-2", "٣-٢"), years
  (four digits 1000-2200, a date such as 1397/07/12 or 2018-10-04 gives its year).

Not read: the day and month of a date (the job of the date extraction), numbers glued to Latin letters
(model names and codes: "F-35", "MH17", "4G"), and lone ambiguous words (Persian نه is also "no").
The vocabulary is data: ``hamta/data/number_words.tsv``.

Example:
    >>> [(m.value, m.kind) for m in extract_numbers("۳ هزار و ۸۲۳ نفر و ۲۵ درصد", "fa")]
    [(3823.0, 'count'), (25.0, 'percent')]
    >>> [(m.value, m.kind, m.approx) for m in extract_numbers("more than two million people", "en")]
    [(2000000.0, 'count', True)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from hamta.text.normalize import matching_view

__all__ = ["KINDS", "NumberMention", "extract_numbers", "score_sides", "SCORE_BASE"]

#: the kinds a mention can have
KINDS = ("count", "percent", "year", "time", "score", "ordinal", "decimal", "money")
#: a score "a-b" has value ``a * SCORE_BASE + b`` (so two scores are equal only when both sides are)
SCORE_BASE = 1000
#: four-digit integers in this range are read as years
YEAR_MIN, YEAR_MAX = 1000, 2200
#: longest vocabulary phrase, in tokens ("ما لا يقل عن")
_MAX_PHRASE = 4
_MINUTES_PER_HOUR = 60
_HALF_DAY_MINUTES = 12 * _MINUTES_PER_HOUR
_MAX_HOUR = 24
_LANGS = ("fa", "ar", "en")
#: how far back (characters of the matching view) an approximation phrase may start
_APPROX_WINDOW = 24

_TOKEN_RE = re.compile(r"(?P<num>\d+(?:[.,،/:]\d+)*)|(?P<word>[^\W\d_]+)|(?P<sym>[%٪$€£~\-–])")
_DATE_RE = re.compile(
    r"(?<![\d.,/])(?:(?P<y1>\d{4})(?P<s1>[/.-])\d{1,2}(?P=s1)\d{1,2}|\d{1,2}(?P<s2>[/.-])\d{1,2}(?P=s2)(?P<y2>\d{4}))"
    r"(?![\d/])"
)
_SCORE_RE = re.compile(r"(?<![\d.,/:\w-])(\d{1,2}) ?[-–] ?(\d{1,2})(?![\d.,/:%٪]|\w)")
_TIME_RE = re.compile(
    r"(?<![\d.,/:])(\d{1,2})(?::(\d{2})(?![\d:])(?: ?(?P<ampm>[ap])\.? ?m\b\.?)?"
    r"|\.(\d{2}) ?(?P<ampm2>[ap])\.? ?m\b\.?)"
)
_GROUPED_RE = re.compile(r"\d{1,3}(?P<sep>[,،])\d{3}(?:(?P=sep)\d{3})*(?:\.\d+)?")
_LATIN_RE = re.compile(r"[a-z]")
#: glued endings of a digit run: English ordinals, decades, Persian ordinals
_EN_ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})
_FA_ORDINAL_SUFFIXES = ("مین", "م")
_DECADE_SUFFIX = "s"
#: Arabic words take the conjunction و as a prefix ("وعشرون")
_AR_CONJUNCTION = "و"
_AR_ARTICLE = "ال"
#: the Persian plural suffix (ده‌ها "tens", صدها "hundreds")
_FA_PLURAL = "ها"


@dataclass(frozen=True)
class NumberMention:
    """One number in a text.

    Attributes:
        value: the number (a percentage is its number, 25 for "25%"; a time is minutes after midnight;
            a score a-b is ``a * SCORE_BASE + b``).
        start, end: character offsets in the original text.
        text: ``original[start:end]``.
        kind: one of `KINDS`.
        approx: the text hedges it ("more than", "about", "نزدیک به", "أكثر من", "~").
    """

    value: float
    start: int
    end: int
    text: str
    kind: str
    approx: bool


def score_sides(mention: NumberMention) -> tuple[int, int]:
    """The two sides of a score mention: ``(3, 2)`` for "3-2"."""
    return divmod(int(mention.value), SCORE_BASE)


@dataclass(frozen=True)
class _Token:
    kind: str  # num | word | sym
    text: str
    start: int
    end: int


@dataclass
class _Vocab:
    words: dict[str, tuple[str, float]]  # single-token words with role number/hundred/scale/ordinal
    phrases: dict[str, dict[tuple[str, ...], float]]  # role -> token tuple -> value
    ambiguous: frozenset[str]
    plural: frozenset[str]  # plural scale words ("ملايين"): a number only after a number


@cache
def _vocab(lang: str) -> _Vocab:
    """The vocabulary of ``lang`` from the data file, folded like the text it is matched against."""
    words: dict[str, tuple[str, float]] = {}
    phrases: dict[str, dict[tuple[str, ...], float]] = {}
    ambiguous: set[str] = set()
    plural: set[str] = set()
    raw = resources.files("hamta").joinpath("data/number_words.tsv").read_text(encoding="utf-8")
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        line_lang, role, value, entry = line.split("\t")
        if line_lang != lang:
            continue
        tokens = tuple(m.group(0) for m in _TOKEN_RE.finditer(matching_view(entry).text))
        if role == "ambiguous":
            ambiguous.add(tokens[0])
        elif role == "plural_scale":
            plural.add(tokens[0])
            words[tokens[0]] = ("scale", float(value))
        elif role in ("number", "hundred", "scale", "ordinal") and len(tokens) == 1:
            words[tokens[0]] = (role, float(value))
        else:
            phrases.setdefault(role, {})[tokens] = float(value)
    return _Vocab(words, phrases, frozenset(ambiguous), frozenset(plural))


def _tokenize(view: str) -> list[_Token]:
    return [_Token(m.lastgroup or "", m.group(0), m.start(), m.end()) for m in _TOKEN_RE.finditer(view)]


def _phrase_at(tokens: list[_Token], j: int, table: dict[tuple[str, ...], float]) -> int:
    """Length (in tokens) of the longest phrase of ``table`` starting at token ``j``; 0 when none."""
    for n in range(min(_MAX_PHRASE, len(tokens) - j), 0, -1):
        if tuple(t.text for t in tokens[j : j + n]) in table:
            return n
    return 0


def _word_entry(vocab: _Vocab, word: str, lang: str) -> tuple[tuple[str, float] | None, bool]:
    """Role and value of a number word, and whether it carried the Arabic conjunction ("وعشرون")."""
    entry = vocab.words.get(word)
    if entry is None and lang == "ar" and word.startswith(_AR_ARTICLE):  # "الأربعة" = the four
        article = vocab.words.get(word[len(_AR_ARTICLE) :])
        entry = article if article and article[0] == "number" else None
    if entry is None and lang == "ar" and word.startswith(_AR_CONJUNCTION) and len(word) > 2:
        return vocab.words.get(word[1:]), True
    return entry, False


def _fa_ordinal(vocab: _Vocab, word: str) -> float | None:
    """Value of a Persian ordinal built with -م / -مین ("چهارم", "بیستمین"); None otherwise."""
    for suffix in _FA_ORDINAL_SUFFIXES:
        if word.endswith(suffix):
            entry = vocab.words.get(word[: -len(suffix)])
            if entry and entry[0] in ("number", "hundred", "scale"):
                return entry[1]
    return None


def _digits_value(text: str, lang: str) -> list[tuple[float, int, int, bool]]:
    """Values of one digit run: ``(value, start, end, plain_integer)`` with offsets inside ``text``.

    Grouped thousands ("2,000,000", "3،500") make one value; a single "." is a decimal point, and in
    Persian/Arabic so is a single "/" or "،"/"," between short parts ("۲/۵", "3،5"); anything else is
    split into separate numbers.
    """
    if text.isdigit():
        return [(float(text), 0, len(text), True)]
    if _GROUPED_RE.fullmatch(text):
        return [(float(re.sub(r"[,،]", "", text)), 0, len(text), False)]
    parts = re.split(r"([.,،/:])", text)
    if len(parts) == 3:
        left, sep, right = parts
        fa_ar_decimal = lang in ("fa", "ar") and sep in "/,،" and len(left) <= 3 and len(right) <= 2
        if sep == "." or fa_ar_decimal:
            return [(float(f"{left}.{right}"), 0, len(text), False)]
    out = []
    pos = 0
    for part in parts:
        if part.isdigit():
            out.append((float(part), pos, pos + len(part), True))
        pos += len(part)
    return out


def _glued_latin(view: str, start: int, end: int) -> bool:
    """Digits glued to Latin letters (a code or model name: "MH17", "F-35", "4G"), not a quantity."""
    before = view[max(0, start - 2) : start]
    if before and (_LATIN_RE.match(before[-1]) or (before[-1] == "-" and _LATIN_RE.match(before[:1]))):
        return True
    return False


class _Reader:
    """Walks the tokens of one text and collects mentions (in matching-view offsets)."""

    def __init__(self, view: str, lang: str) -> None:
        self.view = view
        self.lang = lang
        self.vocab = _vocab(lang)
        self.tokens = _tokenize(view)
        self.taken: list[tuple[int, int]] = []
        self.found: list[tuple[float, int, int, str]] = []

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in self.taken)

    def add(self, value: float, start: int, end: int, kind: str) -> None:
        self.taken.append((start, end))
        self.found.append((value, start, end, kind))

    # -- patterns that span several tokens: dates (their year), times, scores
    def read_patterns(self) -> None:
        for m in _DATE_RE.finditer(self.view):
            group = "y1" if m.group("y1") else "y2"
            self.taken.append(m.span())
            self.found.append((float(m.group(group)), m.start(group), m.end(group), "year"))
        for m in _TIME_RE.finditer(self.view):
            hour, minute = int(m.group(1)), int(m.group(2) or m.group(4))
            if hour > _MAX_HOUR or minute >= _MINUTES_PER_HOUR or not self.free(*m.span()):
                continue
            if "p" in (m.group("ampm"), m.group("ampm2")) and hour < _HALF_DAY_MINUTES // _MINUTES_PER_HOUR:
                hour += _HALF_DAY_MINUTES // _MINUTES_PER_HOUR
            self.add(float(hour * _MINUTES_PER_HOUR + minute), m.start(), m.end(), "time")
        for m in _SCORE_RE.finditer(self.view):
            if self.free(*m.span()) and not _glued_latin(self.view, m.start(), m.end()):
                self.add(float(int(m.group(1)) * SCORE_BASE + int(m.group(2))), m.start(), m.end(), "score")

    # -- one number phrase starting at token i
    def read_phrase(self, i: int) -> int:
        """Read the number phrase starting at token ``i``; return the index after it (i + 1 if none)."""
        tokens, vocab, lang = self.tokens, self.vocab, self.lang
        first = tokens[i]
        if not self.free(first.start, first.end):
            return i + 1
        if first.kind == "num":
            if _glued_latin(self.view, first.start, first.end):
                return i + 1
            values = _digits_value(first.text, lang)
            if len(values) != 1:
                for value, s, e, _ in values:
                    self.finish(value, first.start + s, first.start + e, i, i + 1, plain=True)
                return i + 1
            value, _, _, plain = values[0]
            return self.extend(value, i, plain=plain, words=0)
        if first.kind != "word":
            return i + 1
        entry, _ = _word_entry(vocab, first.text, lang)
        if self.before_not_after(i):
            return i + 1
        if lang == "en" and first.text in ("a", "an") and i + 1 < len(tokens):
            nxt, _ = _word_entry(vocab, tokens[i + 1].text, lang)
            if nxt and nxt[0] in ("hundred", "scale") and tokens[i + 1].text not in vocab.ambiguous:
                return self.extend(1.0, i, plain=False, words=1)
        if entry is None:
            if lang == "fa":
                ordinal = _fa_ordinal(vocab, first.text)
                if ordinal is not None:
                    self.add(ordinal, first.start, first.end, "ordinal")
            return i + 1
        role, value = entry
        if role == "ordinal":
            if first.text not in vocab.ambiguous:
                self.add(value, first.start, first.end, "ordinal")
            return i + 1
        if role in ("hundred", "scale") and (first.text in vocab.ambiguous or first.text in vocab.plural
                                             or self.after_plural(i)):
            return i + 1  # "m", "k": only glued to digits
        return self.extend(value, i, plain=False, words=1, scale_start=role == "scale")

    def after_plural(self, i: int) -> bool:
        """A bare scale word after a Persian plural ("ده‌ها هزار", tens of thousands) is no number."""
        return self.lang == "fa" and i > 0 and self.tokens[i - 1].text.endswith(_FA_PLURAL)

    def before_not_after(self, j: int) -> bool:
        """Token ``j`` is followed by a word that makes it no number (سه + شنبه = Tuesday)."""
        table = self.vocab.phrases.get("not_after", {})
        return j + 1 < len(self.tokens) and (self.tokens[j + 1].text,) in table

    def extend(self, value: float, i: int, *, plain: bool, words: int, scale_start: bool = False) -> int:
        """Grow a phrase from its first value through number words, hundreds, scales and connectors.

        ``scale_start``: the phrase starts with a bare scale word (Arabic "مليون شخص" = one million).
        """
        tokens, vocab, lang = self.tokens, self.vocab, self.lang
        total, current, last_scale = 0.0, value, float("inf")
        if scale_start:
            total, current, last_scale = value, 0.0, value
        j = i + 1
        prev_end = tokens[i].end
        grew = False
        while j < len(tokens):
            tok = tokens[j]
            gap = self.view[prev_end : tok.start]
            if gap.strip():
                break
            connector = 0
            if tok.kind in ("word", "sym") and (tok.text,) in vocab.phrases.get("connector", {}):
                connector = 1
                if j + 1 >= len(tokens) or self.view[tok.end : tokens[j + 1].start].strip():
                    break
                tok = tokens[j + 1]
            entry: tuple[str, float] | None = None
            joined = bool(connector)  # a connector word, or و glued to the number word
            if tok.kind == "word":
                entry, prefixed = _word_entry(vocab, tok.text, lang)
                if (prefixed and connector) or self.before_not_after(j + connector):
                    break
                joined = joined or prefixed
                if tok.text in vocab.ambiguous and entry and entry[0] == "scale":
                    glued = tok.start == tokens[j - 1].end and tokens[j - 1].kind == "num"
                    entry = entry if glued and not connector else None
            elif tok.kind == "num" and connector and current == 0 and total > 0:
                digits = _digits_value(tok.text, lang)
                entry = ("number", digits[0][0]) if len(digits) == 1 and digits[0][3] else None
            if entry is None or entry[0] == "ordinal":
                break
            role, val = entry
            if role == "number":
                if not _fits(current, val, total, last_scale, lang, joined):
                    break
                current += val
            elif role == "hundred":
                if joined:
                    break
                current = (current or 1.0) * val
            else:  # scale
                if joined or val >= last_scale:
                    break
                total += (current or 1.0) * val
                current, last_scale = 0.0, val
            grew = True
            words += 1
            prev_end = tok.end
            j += 1 + connector
        if not grew and words == 1 and tokens[i].text in vocab.ambiguous:
            return i + 1
        end_tok = j - 1
        self.finish(total + current, tokens[i].start, tokens[end_tok].end, i, j, plain=plain and not grew)
        return j

    def _ordinal_suffix(self, word: str) -> bool:
        """A glued ordinal ending: English 12th, Persian ۱۲ام / ۱۲مین."""
        if self.lang == "en":
            return word in _EN_ORDINAL_SUFFIXES
        return self.lang == "fa" and word.lstrip("ا") in _FA_ORDINAL_SUFFIXES

    def finish(self, value: float, start: int, end: int, i: int, j: int, *, plain: bool) -> None:
        """Decide the kind of a phrase from what follows and precedes it, and record it."""
        tokens, view, phrases = self.tokens, self.view, self.vocab.phrases
        kind = "decimal" if value != int(value) else "count"
        if plain and YEAR_MIN <= value <= YEAR_MAX and end - start == len("2000"):
            kind = "year"
        nxt = tokens[j] if j < len(tokens) else None
        if nxt is not None and not view[end : nxt.start].strip():
            glued = nxt.start == end
            if (n := _phrase_at(tokens, j, phrases.get("percent", {}))) > 0:
                kind, end = "percent", tokens[j + n - 1].end
            elif _phrase_at(tokens, j, phrases.get("money", {})) > 0:
                kind = "money"
            elif glued and nxt.kind == "word" and self._ordinal_suffix(nxt.text):
                kind, end = "ordinal", nxt.end
            elif glued and nxt.text == _DECADE_SUFFIX and kind == "year":
                end = nxt.end
            elif glued and len(nxt.text) == 1 and _LATIN_RE.match(nxt.text):
                return  # "4G", "3D": a code
        if i > 0 and not view[tokens[i - 1].end : start].strip():
            prev = tokens[i - 1]
            if prev.kind == "sym" and prev.text in ("%", "٪") and self.lang != "en":
                kind, start = "percent", prev.start
            elif (prev.text,) in phrases.get("money_before", {}):
                kind, start = "money", prev.start
        self.add(value, start, end, kind)

    def read(self) -> list[tuple[float, int, int, str]]:
        self.read_patterns()
        i = 0
        while i < len(self.tokens):
            i = max(self.read_phrase(i), i + 1)
        return sorted(self.found, key=lambda f: (f[1], f[2]))

    def approx(self, start: int) -> bool:
        before = self.view[max(0, start - _APPROX_WINDOW) : start]
        if before.rstrip().endswith("~"):
            return True
        words = tuple(m.group(0) for m in _TOKEN_RE.finditer(before))
        table = self.vocab.phrases.get("approx", {})
        return any(words[-n:] in table for n in range(1, min(_MAX_PHRASE, len(words)) + 1))


def _fits(current: float, val: float, total: float, last_scale: float, lang: str, joined: bool) -> bool:
    """Whether number ``val`` may be added to the group ``current`` ("twenty" + "five", "صد و" + "بیست").

    It fits when it fills a place still empty (20 + 5, 100 + 20, 3000 + 823, but not 25 + 3), stays under
    the last scale word, or, in Arabic, when tens follow units after و ("خمسة وعشرون" = 25).
    """
    if current + val >= last_scale:
        return False
    if current == 0:
        return total > 0
    place = 10 ** len(str(int(val))) if val >= 1 else 1
    if lang == "ar" and joined:
        # Arabic says units before tens ("خمسة وعشرون" = 25) and joins every part with و
        if val % 10 == 0 and val < 100:
            return (current // 10) % 10 == 0
        if val < 10:
            return current % 100 == 0
    if lang == "ar" and not joined and current < 10 and val == 10:  # "ثلاثة عشر" = 13
        return True
    return current % place == 0 and val < place


def extract_numbers(text: str, lang: str) -> list[NumberMention]:
    """Every number in ``text`` (``lang`` in fa, ar, en), in text order, with offsets into ``text``.

    Example:
        >>> [m.value for m in extract_numbers("قتل ٤٠٧ أشخاص و ٣ آلاف جريح", "ar")]
        [407.0, 3000.0]
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if lang not in _LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(_LANGS)}")
    view = matching_view(text)
    reader = _Reader(view.text, lang)
    out = []
    for value, start, end, kind in reader.read():
        s, e = view.span_to_original(start, end)
        out.append(NumberMention(value, s, e, text[s:e], kind, reader.approx(start)))
    return out
