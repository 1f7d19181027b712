"""Splitting sources longer than the model's limit, so nothing is ever silently truncated.

First at clause boundaries (Persian/Arabic comma and semicolon, ``;``, ``:``, ``,``), packing neighbouring
clauses back together while they fit; a clause that still does not fit is cut into word windows.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["split_long", "CLAUSE_BOUNDARY"]

#: a clause ends after one of these marks (kept with the left part) followed by whitespace
CLAUSE_BOUNDARY = re.compile(r"(?<=[\u060C\u061B;:,])\s+")


def _windows(text: str, count: Callable[[str], int], limit: int) -> list[str]:
    """Greedy word windows of at most ``limit`` tokens; a single over-long word is cut by characters."""
    out: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if count(candidate) <= limit:
            current = candidate
            continue
        if current:
            out.append(current)
        if count(word) <= limit:
            current = word
        else:  # pathological: one "word" longer than the limit
            step = max(1, len(word) * limit // max(1, count(word)))
            chunks = [word[i : i + step] for i in range(0, len(word), step)]
            out.extend(chunks[:-1])
            current = chunks[-1]
    if current:
        out.append(current)
    return out


def split_long(text: str, count: Callable[[str], int], limit: int) -> list[str]:
    """Pieces of ``text`` each with ``count(piece) <= limit`` content tokens, in order, covering all words.

    Example:
        >>> split_long("a b c, d e f, g h", lambda s: len(s.split()), 4)
        ['a b c,', 'd e f,', 'g h']
    """
    text = text.strip()
    if count(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for clause in CLAUSE_BOUNDARY.split(text):
        if not clause:
            continue
        candidate = f"{current} {clause}" if current else clause
        if count(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
            current = ""
        if count(clause) <= limit:
            current = clause
        else:
            windows = _windows(clause, count, limit)
            pieces.extend(windows[:-1])
            current = windows[-1] if windows else ""
    if current:
        pieces.append(current)
    return pieces
