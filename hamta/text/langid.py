"""Language identification for news text: Persian, Arabic, English or other.

Why hand-written evidence instead of a trained model: hamta only has to tell fa / ar / en apart from
everything else, the scripts give most of the answer, and the remaining fa-vs-ar decision rests on a few
well-known facts that hold for any news text, not on one corpus:

* Persian-only letters پ چ ژ گ, Persian ی ک, the ZWNJ of ``می‌شود``, Persian digits ۰-۹;
* Arabic ة ى أ إ, Arabic ي ك, the ``ال`` article (and وال / بال / لل ...), Arabic-Indic digits ٠-٩;
* frequent function words of each language (است را که این می های ... / في على إلى التي الذي أن ...);
* as a weak tie-breaker, rounded letter-frequency ratios (ل ع ث ذ are much more frequent in Arabic,
  د ه ز ش آ in Persian), which also carry the decision when a text uses the *other* language's
  yeh/kaf (legacy Persian pages written with Arabic ي ك, Iranian Arabic pages with Persian ی ک).

Latin-script text is English when English function words outweigh those of other Latin-script languages
(and their accented letters); otherwise it is ``other``. Other scripts (Cyrillic, Hebrew, CJK, ...), and
Arabic-script languages with their own letters (Urdu, Pashto, Kurdish, ...), are ``other``.

Example:
    >>> detect_language("این یک آزمایش است.")
    'fa'
    >>> detect_language("هذه تجربة بسيطة.")
    'ar'
    >>> detect_language("This is a test.")
    'en'
    >>> detect_language("Das ist ein Test.")
    'other'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from hamta.text.normalize import fold
from hamta.text.wordlists import load_word_lists

__all__ = ["LANGUAGES", "LanguageGuess", "guess_language", "detect_language", "detect_paragraphs"]

#: the labels this module returns
LANGUAGES = ("fa", "ar", "en", "other")

# --- evidence weights (log-odds-like points; one feature counts once per token) -----------------------
W_FA_LETTER = 3.0  # پ چ ژ گ
W_FA_YEH_KAF = 1.5  # ی ک (U+06CC, U+06A9)
W_ZWNJ = 2.0  # ZWNJ inside a word: می‌شود, کتاب‌ها
W_TEH_MARBUTA = 3.0  # ة
W_ALEF_MAKSURA = 1.5  # ى
W_HAMZA_ALEF = 1.2  # أ إ
W_AR_YEH_KAF = 1.0  # ي ك: weaker, legacy Persian pages use them too
MAX_YEH_KAF = 3.0  # cap on yeh/kaf points per text (a spelling convention, see _score_arabic_script)
W_ARTICLE = 1.0  # ال / وال / بال / فال / كال / لل prefix
W_FUNCTION_WORD = 3.0
W_DIGITS = 1.5  # a run of Persian or Arabic-Indic digits
W_LETTER_FREQ = 0.25  # scale of the per-letter frequency ratios
W_OTHER_ACCENT = 0.5  # Latin token with letters outside ASCII

#: below this fa/ar (or en/other) margin, or under MIN_WORDS words, a guess counts as uncertain
UNCERTAIN_MARGIN = 2.0
MIN_WORDS = 3
#: Latin text is ``other`` only with this much non-English evidence (a stray "die" or "men" is not enough)
MIN_OTHER_LATIN = 1.0
#: Latin text with this many lowercase words but no English function word is ``other``
LONG_WITHOUT_ENGLISH = 8

_FA_ONLY = frozenset("پچژگ")
_FA_YEH_KAF = frozenset("یک")
_AR_YEH_KAF = frozenset("يك")
_HAMZA_ALEF = frozenset("أإ")
_ZWNJ = "\u200c"
_FA_DIGITS = frozenset("۰۱۲۳۴۵۶۷۸۹")
_AR_DIGITS = frozenset("٠١٢٣٤٥٦٧٨٩")
# Letters of other Arabic-script languages: Urdu ٹ ڈ ڑ ں ھ ہ ے ۓ, Pashto ټ ډ ړ ږ ښ ګ ڼ ۍ ې,
# Kurdish ێ ۆ ڵ ڕ ە, Sindhi ٻ ڀ ڄ ڃ ڇ ڙ ڦ, Uyghur ۇ ۈ ۋ.
_OTHER_ARABIC_SCRIPT = frozenset("ٹڈڑںھہےۓټډړږښګڼۍېێۆڵڕەٻڀڄڃڇڙڦۇۈۋ")
# Rounded log(P_fa(letter) / P_ar(letter)) for letters whose frequency differs a lot between the two
# languages (general letter-frequency profiles; > 0 leans Persian, < 0 leans Arabic).
_LETTER_LOG_RATIO = {
    "ل": -1.4,
    "ع": -1.0,
    "ف": -0.6,
    "ق": -0.7,
    "ث": -2.0,
    "ذ": -1.7,
    "ض": -1.0,
    "ئ": -1.0,
    "ء": -1.0,
    "د": 0.9,
    "ه": 1.0,
    "ر": 0.5,
    "ز": 0.9,
    "ش": 0.9,
    "آ": 1.7,
    "خ": 0.3,
}

# --- function words (hamta/data/langid_words.tsv) ----------------------------------------------------
# Tokens and words are compared after hamta.text.normalize.fold (one folding for every module: yeh, kaf,
# hamza, diacritics, tatweel; ZWNJ becomes a space), so Persian written with Arabic ي ك, or Arabic with
# Persian ی ک, still matches. Two letters are kept through the fold because here they are evidence of
# the language, not spelling variants: alef-madda (Persian آن / آنها vs Arabic أن / أنها) and teh
# marbuta (Persian شده vs Arabic شدة). Words frequent in *both* languages (fa_ar_shared) count for neither.
_FOLD_CACHE_SIZE = 1 << 16
_KEEP = str.maketrans({"آ": "\ue000", "ة": "\ue001"})  # private-use stand-ins that fold leaves alone
_RESTORE = str.maketrans({"\ue000": "آ", "\ue001": "ة"})


@lru_cache(maxsize=_FOLD_CACHE_SIZE)
def _fold(token: str) -> str:
    """`fold`, keeping alef-madda and teh marbuta (see above); cached, as news text repeats its words."""
    return fold(token.translate(_KEEP)).translate(_RESTORE)


_WORD_LISTS = load_word_lists("langid_words.tsv")
_SHARED_WORDS = frozenset(_fold(w) for w in _WORD_LISTS["fa_ar_shared"])
_FA_WORDS = frozenset(_fold(w) for w in _WORD_LISTS["fa"]) - _SHARED_WORDS
_AR_WORDS = frozenset(_fold(w) for w in _WORD_LISTS["ar"]) - _SHARED_WORDS - _FA_WORDS
_EN_WORDS = frozenset(_WORD_LISTS["en"])
# Frequent words of other Latin-script languages (English homographs are removed).
_OTHER_WORDS = {
    name.removeprefix("other_"): frozenset(words) - _EN_WORDS
    for name, words in _WORD_LISTS.items()
    if name.startswith("other_")
}
#: foreign function words that are also ordinary English words: they count half
_EN_HOMOGRAPHS = frozenset(_WORD_LISTS["en_homograph"])

_TOKEN_RE = re.compile(r"[^\W\d_]+(?:[\u200c'’][^\W\d_]+)*|\d+")
_PARA_SPLIT_RE = re.compile(r"\n[ \t\r\f\v\u00a0]*\n\s*")

_AR_ARTICLE_PREFIXES = tuple(_fold(p) for p in ("ال", "وال", "بال", "فال", "كال", "لل"))


@dataclass(frozen=True)
class LanguageGuess:
    """A language decision with the evidence behind it.

    Attributes:
        lang: ``fa``, ``ar``, ``en`` or ``other``.
        scores: evidence points per candidate (``fa``/``ar`` for Arabic script, ``en``/``other`` for Latin).
        margin: winner's points minus the runner-up's (0 when there was nothing to weigh).
        words: number of word tokens seen.
        script: dominant script: ``arabic``, ``latin``, ``other`` or ``none``.
    """

    lang: str
    scores: dict[str, float]
    margin: float
    words: int
    script: str

    @property
    def uncertain(self) -> bool:
        """True when the text is too short or the evidence too close to trust on its own."""
        if self.script == "none":
            return True
        return self.words < MIN_WORDS or self.margin < UNCERTAIN_MARGIN


def _script_of(ch: str) -> str | None:
    """'arabic', 'latin' or 'other' for a letter, None for anything that is not a letter."""
    if not ch.isalpha():
        return None
    o = ord(ch)
    if 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0x08A0 <= o <= 0x08FF or 0xFB50 <= o <= 0xFEFF:
        return "arabic"
    if o < 0x80 or 0x00C0 <= o <= 0x024F or 0x1E00 <= o <= 0x1EFF:
        return "latin"
    return "other"


def _score_arabic_script(tokens: list[str]) -> dict[str, float]:
    """Points for fa and ar from letters, function words, the article and digits.

    Which yeh/kaf code points a text uses is one convention of its keyboard or encoding, not evidence
    that grows with length, so those points are capped (MAX_YEH_KAF); the other features add up.
    """
    fa = ar = 0.0
    fa_yk = ar_yk = 0.0
    letter_evidence = 0.0
    for tok in tokens:
        chars = set(tok)
        if tok.isdigit():
            if chars & _FA_DIGITS:
                fa += W_DIGITS
            if chars & _AR_DIGITS:
                ar += W_DIGITS
            continue
        if chars & _FA_ONLY:
            fa += W_FA_LETTER
        if chars & _FA_YEH_KAF:
            fa_yk += W_FA_YEH_KAF
        if chars & _AR_YEH_KAF:
            ar_yk += W_AR_YEH_KAF
        if _ZWNJ in tok:
            fa += W_ZWNJ
        if "ة" in chars:
            ar += W_TEH_MARBUTA
        if "ى" in chars:
            ar += W_ALEF_MAKSURA
        if chars & _HAMZA_ALEF:
            ar += W_HAMZA_ALEF
        folded = _fold(tok)
        if len(folded) >= 4 and folded.startswith(_AR_ARTICLE_PREFIXES):
            ar += W_ARTICLE
        # Arabic writes the conjunctions و / ف joined to the next word (وهذه, فقد); Persian keeps و apart.
        if folded in _AR_WORDS or (folded[:1] in ("و", "ف") and folded[1:] in _AR_WORDS):
            ar += W_FUNCTION_WORD
        if any(part in _FA_WORDS for part in folded.split(" ")):  # fold made ZWNJ a space
            fa += W_FUNCTION_WORD
        letter_evidence += sum(_LETTER_LOG_RATIO.get(ch, 0.0) for ch in tok)
    fa += min(fa_yk, MAX_YEH_KAF)
    ar += min(ar_yk, MAX_YEH_KAF)
    if letter_evidence > 0:
        fa += W_LETTER_FREQ * letter_evidence
    else:
        ar -= W_LETTER_FREQ * letter_evidence
    return {"fa": fa, "ar": ar}


def _score_latin(tokens: list[str]) -> dict[str, float]:
    """Points for en and other from function words and non-English accented letters."""
    lowered = [t.lower() for t in tokens if not t.isdigit()]
    en = float(sum(t in _EN_WORDS for t in lowered))
    best_other = max(
        sum(0.5 if t in _EN_HOMOGRAPHS else 1.0 for t in lowered if t in words)
        for words in _OTHER_WORDS.values()
    )
    accented = sum(any(_script_of(c) == "latin" and not c.isascii() for c in t) for t in lowered)
    return {"en": en, "other": best_other + W_OTHER_ACCENT * accented}


def guess_language(text: str) -> LanguageGuess:
    """Weigh script, letter and function-word evidence; see the module docstring for the method."""
    if not isinstance(text, str):
        raise TypeError(f"guess_language expects str, got {type(text).__name__}")
    counts = {"arabic": 0, "latin": 0, "other": 0}
    other_arabic = 0
    for ch in text:
        script = _script_of(ch)
        if script is not None:
            counts[script] += 1
            if ch in _OTHER_ARABIC_SCRIPT:
                other_arabic += 1
    tokens = _TOKEN_RE.findall(text)
    words = sum(not t.isdigit() for t in tokens)
    if not any(counts.values()):
        # Digits only (a counter, a date): the digit shapes are the only evidence.
        digits = set(text)
        fa, ar = float(bool(digits & _FA_DIGITS)), float(bool(digits & _AR_DIGITS))
        lang = "fa" if fa > ar else "ar" if ar > fa else "other"
        return LanguageGuess(lang, {"fa": fa, "ar": ar}, abs(fa - ar), 0, "none")
    script = _dominant_script(counts, tokens)
    if script == "other":
        return LanguageGuess("other", {}, float(counts["other"]), words, script)
    if script == "arabic":
        if other_arabic >= max(2, 0.03 * counts["arabic"]):
            return LanguageGuess("other", {}, float(other_arabic), words, script)
        scores = _score_arabic_script(tokens)
        # Ties (nothing to go on) lean Persian; detect_paragraphs treats them as uncertain anyway.
        lang = "fa" if scores["fa"] >= scores["ar"] else "ar"
        return LanguageGuess(lang, scores, abs(scores["fa"] - scores["ar"]), words, script)
    scores = _score_latin(tokens)
    if scores["en"] > scores["other"]:
        lang = "en"
    elif scores["other"] >= MIN_OTHER_LATIN:
        lang = "other"
    elif scores["en"] == 0 and _lowercase_words(tokens) >= LONG_WITHOUT_ENGLISH:
        lang = "other"  # many ordinary (non-name) words, yet not one English function word
    else:
        lang = "en" if text.isascii() else "other"
    return LanguageGuess(lang, scores, abs(scores["en"] - scores["other"]), words, script)


def _lowercase_words(tokens: list[str]) -> int:
    """Latin words that are not capitalised, i.e. not names or title-case headline words."""
    return sum(t[:1].islower() for t in tokens)


def _dominant_script(counts: dict[str, int], tokens: list[str]) -> str:
    """The script that carries the sentence's grammar.

    Persian and Arabic news quote Latin names (``Janet Jackson، the Weeknd ...``) far more often than
    English quotes Arabic script, and capitalised Latin words are mostly such names; so Arabic-script
    words are weighed against lowercase Latin words plus half the capitalised ones.
    """
    if counts["arabic"] and counts["latin"]:
        arabic_words = latin_words = 0.0
        for tok in tokens:
            script = _script_of(tok[0])
            if script == "arabic":
                arabic_words += 1
            elif script == "latin":
                latin_words += 0.5 if tok[0].isupper() else 1.0
        if arabic_words or latin_words:
            if arabic_words >= latin_words and counts["arabic"] >= counts["other"]:
                return "arabic"
            if latin_words > arabic_words and counts["latin"] >= counts["other"]:
                return "latin"
    return max(counts, key=counts.__getitem__)


def detect_language(text: str) -> str:
    """The language of ``text``: ``"fa"``, ``"ar"``, ``"en"`` or ``"other"``.

    Empty or punctuation-only text is ``"other"``; digits alone count by their shapes (Persian ۰-۹ ->
    fa, Arabic-Indic ٠-٩ -> ar).

    Example:
        >>> detect_language("کد خبر: ۱۰۳۶۳۲")
        'fa'
    """
    return guess_language(text).lang


def detect_paragraphs(text: str) -> list[tuple[int, int, str]]:
    """Per-paragraph languages for a (possibly mixed) document.

    A paragraph is a block between blank lines; each tuple is ``(start, end, lang)`` with character
    offsets into ``text`` (surrounding whitespace excluded). A short or uncertain paragraph (a lone
    number, a one-word heading, a fa/ar tie) inherits the document-level language, so that page
    furniture does not flip language in the middle of an article.

    Example:
        >>> detect_paragraphs("این یک خبر است.\\n\\nThis is the English summary of it.")
        [(0, 15, 'fa'), (17, 51, 'en')]
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in [*_PARA_SPLIT_RE.finditer(text), None]:
        stop = match.start() if match else len(text)
        block = text[pos:stop]
        lead = len(block) - len(block.lstrip())
        body = block.strip()
        if body:
            spans.append((pos + lead, pos + lead + len(body)))
        if match:
            pos = match.end()
    if not spans:
        return []
    guesses = [guess_language(text[s:e]) for s, e in spans]
    doc_lang = _document_language(text, spans, guesses)
    out = []
    for (start, end), guess in zip(spans, guesses, strict=True):
        lang = guess.lang
        if guess.uncertain and doc_lang != "other":
            lang = doc_lang
        out.append((start, end, lang))
    return out


def _document_language(text: str, spans: list[tuple[int, int]], guesses: list[LanguageGuess]) -> str:
    """The language holding the most letters among confident paragraphs, else that of the whole text."""
    weights: dict[str, int] = {}
    for (start, end), guess in zip(spans, guesses, strict=True):
        if not guess.uncertain:
            letters = sum(ch.isalpha() for ch in text[start:end])
            weights[guess.lang] = weights.get(guess.lang, 0) + letters
    if not weights:
        return guess_language(text).lang
    return max(weights, key=lambda k: (weights[k], -LANGUAGES.index(k)))
