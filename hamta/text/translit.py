"""Script-independent consonant skeletons of names, so that "تاشکند", "طشقند" and "Tashkent" compare equal.

Why skeletons and not a transliterator: Persian and Arabic write few vowels, and English spellings of
the same name vary ("Mohammad", "Muhammad"). What survives every spelling is the consonant sequence, up
to letters that the scripts map onto each other loosely (t/d/ت/ط/د, s/z/س/ص/ز/ث/ذ, k/q/g/ک/ق/گ/خ/غ, ...).
So each letter maps to a coarse consonant class, vowels (and the letters used as vowels: ا, ی, و inside a
word, ع, ء) disappear, repeats collapse, and the Arabic article ال is dropped.

The aligner uses skeletons as anchor features between a Persian/Arabic side and an English side, or
between Persian and Arabic, when there is no translation (`hamta.align.similarity`).
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

__all__ = ["skeleton", "consonants", "name_similarity"]

# Latin digraphs first (longest match), then single letters. Classes: P (b p), F (f v w ph), T (t d th),
# S (s z soft c), X (sh ch j zh, soft g is not guessed), K (k q hard c g x kh gh), L, R, M, N, H, Y.
_LATIN_DIGRAPHS = {"sh": "X", "ch": "X", "zh": "X", "kh": "K", "gh": "K", "th": "T", "ph": "F", "ck": "K"}
_LATIN = {
    "b": "P",
    "p": "P",
    "f": "F",
    "v": "F",
    "w": "F",
    "t": "T",
    "d": "T",
    "s": "S",
    "z": "S",
    "j": "X",
    "k": "K",
    "q": "K",
    "g": "K",
    "x": "KS",
    "l": "L",
    "r": "R",
    "m": "M",
    "n": "N",
    "h": "H",
}
_LATIN_VOWELS = set("aeiouy")
_ARABIC = {
    "ب": "P",
    "پ": "P",
    "ف": "F",
    "ڤ": "F",
    "ت": "T",
    "ط": "T",
    "د": "T",
    "ض": "T",
    "ث": "S",
    "س": "S",
    "ص": "S",
    "ز": "S",
    "ذ": "S",
    "ظ": "S",
    "ش": "X",
    "چ": "X",
    "ج": "X",
    "ژ": "X",
    "ک": "K",
    "ك": "K",
    "ق": "K",
    "گ": "K",
    "خ": "K",
    "غ": "K",
    "ل": "L",
    "ر": "R",
    "م": "M",
    "ن": "N",
    "ه": "H",
    "ح": "H",
    "ة": "",
}
# Letters that write vowels or glottal stops inside a word; و and ی are consonants (F, Y) at its start.
_ARABIC_VOWELS = set("اآأإٱءئؤعىیيوۀ")
_WORD_RE = re.compile(r"[^\W\d_]+")
_MIN_ARTICLE_WORD = 5  # "ال" is an article only on a longer word (not in "الف")


def _latin_skeleton(word: str) -> str:
    out = []
    k = 0
    while k < len(word):
        pair = word[k : k + 2]
        if pair == "gh" and k == len(word) - 2:  # silent, as in "Kavanaugh"
            break
        if pair in _LATIN_DIGRAPHS:
            out.append(_LATIN_DIGRAPHS[pair])
            k += 2
            continue
        ch = word[k]
        if ch == "c":  # soft before e, i, y
            out.append("S" if word[k + 1 : k + 2] in ("e", "i", "y") else "K")
        elif ch == "y" and k == 0:
            out.append("Y")
        elif ch == "w" and k == len(word) - 1:  # "Moscow": a final w writes a vowel
            pass
        elif ch not in _LATIN_VOWELS:
            out.append(_LATIN.get(ch, ""))
        k += 1
    return "".join(out)


def _arabic_skeleton(word: str) -> str:
    if word.startswith("ال") and len(word) >= _MIN_ARTICLE_WORD:
        word = word[2:]
    out = []
    for k, ch in enumerate(word):
        if k == 0 and ch == "و":
            out.append("F")
        elif k == 0 and ch in "یي":
            out.append("Y")
        elif ch == "ه" and k == len(word) - 1 and k > 0:  # final ه writes a vowel in Persian
            continue
        elif ch not in _ARABIC_VOWELS:
            out.append(_ARABIC.get(ch, ""))
    return "".join(out)


def _collapse(classes: str) -> str:
    """Repeated classes collapse; H between other consonants is often unwritten in one script: drop it."""
    out = []
    for ch in classes:
        if not out or out[-1] != ch:
            out.append(ch)
    skel = "".join(out)
    return skel[0] + skel[1:].replace("H", "") if skel else skel


def skeleton(text: str) -> str:
    """Consonant skeleton of a word or name in Latin, Persian or Arabic script (words joined by spaces).

    >>> skeleton("Tashkent"), skeleton("تاشکند"), skeleton("طشقند")
    ('TXKNT', 'TXKNT', 'TXKNT')
    >>> skeleton("Wales") == skeleton("ولز")
    True
    """
    return " ".join(p for p in (_collapse(c) for c in _word_consonants(text)) if p)


def consonants(text: str) -> str:
    """The consonant classes of a text's letters before `skeleton` merges repeats and drops an inner H
    (words joined by spaces): how many consonant letters a name writes.

    >>> consonants("Pep"), skeleton("Pep"), consonants("پاهای"), skeleton("پاهای")
    ('PP', 'P', 'PH', 'P')
    """
    return " ".join(c for c in _word_consonants(text) if c)


def _word_consonants(text: str) -> list[str]:
    text = unicodedata.normalize("NFD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFC", text).replace("\u0640", "")
    out = []
    for word in _WORD_RE.findall(text):
        is_arabic = any("\u0600" <= ch <= "\u06ff" for ch in word)
        out.append(_arabic_skeleton(word) if is_arabic else _latin_skeleton(word))
    return out


def name_similarity(a: str, b: str) -> float:
    """0..1: how alike two names are across scripts (matching-blocks ratio of their skeletons).

    >>> name_similarity("Muhammad", "محمد")
    1.0
    >>> name_similarity("Tashkent", "Berlin") < 0.5
    True
    """
    sa, sb = skeleton(a), skeleton(b)
    if not sa or not sb:
        return 0.0
    return SequenceMatcher(None, sa, sb, autojunk=False).ratio()
