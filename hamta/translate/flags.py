"""Quality flags on translations: outputs cut by the length limit, and abnormal n-gram repetition.

Why: a degenerate output ("the the the ...", or a sentence repeated until the limit) looks like a
translation; analysts must be able to find and count them. Pure functions over token lists.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "FLAG_MAX_LENGTH",
    "FLAG_REPETITION",
    "FLAG_SPLIT_LONG",
    "FLAG_LANG_UNKNOWN",
    "FLAG_LANG_UNSUPPORTED",
    "FLAG_UNK",
    "has_repetition",
    "abnormal_repetition",
]

#: output reached the new-token limit without ending (probably cut or degenerate)
FLAG_MAX_LENGTH = "max_length"
#: an n-gram repeats back to back abnormally often
FLAG_REPETITION = "repetition"
#: the source was longer than the model's limit and was translated in pieces
FLAG_SPLIT_LONG = "split_long"
#: the record's language is unknown and could not be inferred from its document
FLAG_LANG_UNKNOWN = "lang_unknown"
#: the record's language (and its document's) is one the model does not translate (one-pair Marian models)
FLAG_LANG_UNSUPPORTED = "lang_unsupported"
#: the source has characters the model's vocabulary lacks (<unk> tokens): the translation may drop them
FLAG_UNK = "unk"


def has_repetition(
    tokens: Sequence[str], max_n: int = 4, min_repeats: int = 3, min_word_repeats: int = 4
) -> bool:
    """Whether some n-gram (1 <= n <= max_n) occurs back to back abnormally often.

    A single word must repeat ``min_word_repeats`` times in a row ("no no no no"), a longer n-gram
    ``min_repeats`` times ("in the city in the city in the city"). Natural text almost never does either.

    Example:
        >>> has_repetition("the talks the talks the talks".split())
        True
        >>> has_repetition("talks were held in Tehran".split())
        False
    """
    words = [t.lower() for t in tokens]
    for n in range(1, max_n + 1):
        need = min_word_repeats if n == 1 else min_repeats
        if len(words) < n * need:
            continue
        for start in range(len(words) - n * need + 1):
            gram = words[start : start + n]
            if all(words[start + k * n : start + (k + 1) * n] == gram for k in range(1, need)):
                return True
    return False


def abnormal_repetition(output: str, source: str) -> bool:
    """Repetition in ``output`` that ``source`` does not have (a chant repeated in the source is faithful).

    Example:
        >>> abnormal_repetition("no no no no", "نه")
        True
        >>> abnormal_repetition("God is great God is great God is great", "الله أكبر الله أكبر الله أكبر")
        False
    """
    return has_repetition(output.split()) and not has_repetition(source.split())
