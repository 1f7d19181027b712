"""The readings of an Arabic word without its clitic prefixes and the article (لليفينغستون -> ليفينغستون).

Why: Arabic writes the conjunctions و ف, the prepositions ب ل ك and the article ال as part of the next
word, so a name is rarely written alone ("وترامب", "بالمكسيك", "لليفينغستون"). Matching a name across
scripts (`hamta.text.translit`) needs the bare word. The prefixes are a closed class of the grammar,
not a list of names: at most one conjunction, then at most one preposition, then the article; after ل
the article loses its alif (ل + الـ -> لل). Persian writes its prepositions apart (به تهران) and has
no article, so a Persian word has one reading, itself.

A prefix is only taken off when a stem of at least `MIN_STEM_LETTERS` letters is left, so that short
native words keep their own reading (بلد is not ب + لد).
"""

from __future__ import annotations

__all__ = ["AR_CONJUNCTIONS", "AR_PREPOSITIONS", "AR_ARTICLE", "MIN_STEM_LETTERS", "readings"]

#: one-letter conjunctions written on the next word: "and", "so"
AR_CONJUNCTIONS = ("و", "ف")
#: one-letter prepositions written on the next word: "with/in", "for/to", "like" (ک: Persian keyboard kaf)
AR_PREPOSITIONS = ("ب", "ل", "ك", "ک")
#: the definite article
AR_ARTICLE = "ال"
#: shortest stem left after a prefix is taken off
MIN_STEM_LETTERS = 3


def _strip_article(word: str, after_lam: bool) -> list[str]:
    """``word`` without the article, if it has one (after ل the article is written ل alone: لل)."""
    if after_lam and word.startswith("ل") and len(word) - 1 >= MIN_STEM_LETTERS:
        return [word[1:]]
    if word.startswith(AR_ARTICLE) and len(word) - len(AR_ARTICLE) >= MIN_STEM_LETTERS:
        return [word[len(AR_ARTICLE) :]]
    return []


def readings(word: str, lang: str) -> list[str]:
    """``word`` and, in Arabic, the word without each possible chain of clitic prefixes (longest last).

    >>> readings("للبيت", "ar")  # li + (a)l + bayt
    ['للبيت', 'لبيت', 'بيت']
    >>> readings("لليفينغستون", "ar")  # li + Livingston, or li + (a)l + ...: both readings are kept
    ['لليفينغستون', 'ليفينغستون', 'يفينغستون']
    >>> readings("وبالمكسيك", "ar")
    ['وبالمكسيك', 'بالمكسيك', 'المكسيك', 'مكسيك']
    >>> readings("بزرگ", "fa")
    ['بزرگ']
    """
    out = [word]
    if lang != "ar":
        return out
    stems = [(word, False)]
    if word[:1] in AR_CONJUNCTIONS and len(word) - 1 >= MIN_STEM_LETTERS:
        stems.append((word[1:], False))
    for stem, _ in list(stems):
        if stem[:1] in AR_PREPOSITIONS and len(stem) - 1 >= MIN_STEM_LETTERS:
            stems.append((stem[1:], stem[0] == "ل"))
    for stem, after_lam in stems:
        out.append(stem)
        out.extend(_strip_article(stem, after_lam))
    return list(dict.fromkeys(out))
