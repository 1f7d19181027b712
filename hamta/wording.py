"""Wording of the lines hamta prints: counts with the right noun form.

Why one helper: "1 documents" in one command and "1 document(s)" in another read as carelessness; every
summary line goes through `plural`.
"""

from __future__ import annotations

__all__ = ["plural"]


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``"1 document"``, ``"3 documents"``; `plural_form` for irregular nouns.

    >>> plural(1, "document"), plural(0, "link"), plural(2, "fact cluster")
    ('1 document', '0 links', '2 fact clusters')
    """
    return f"{count} {noun if count == 1 else (plural_form or noun + 's')}"
