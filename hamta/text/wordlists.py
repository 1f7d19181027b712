"""Named word lists shipped as data files under ``hamta/data/``.

Why data and not code: vocabularies grow with every outlet and every reviewer, and a list in a data file
can be read, diffed and extended without touching the rules that use it. Each file is a TSV of
``list<TAB>entry`` rows after ``#`` comment lines (what each list is and where it came from) and a
``list<TAB>entry`` header row. Entries are returned as written; each user folds them the way it compares
text (`hamta.text.normalize.fold` or its own documented variant).

Example:
    >>> lists = load_word_lists("boilerplate_words.tsv")
    >>> "کد خبر" in lists["news_code_label"]
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

__all__ = ["load_word_lists", "parse_word_lists"]

_HEADER = "list\tentry"


@cache
def load_word_lists(filename: str) -> Mapping[str, tuple[str, ...]]:
    """List name -> entries of the data file ``hamta/data/<filename>`` (read once, then cached)."""
    text = resources.files("hamta.data").joinpath(filename).read_text(encoding="utf-8")
    return parse_word_lists(text, f"hamta/data/{filename}")


def parse_word_lists(text: str, source: str) -> Mapping[str, tuple[str, ...]]:
    """List name -> entries (file order, duplicates dropped) of a ``list<TAB>entry`` file's text.

    Raises:
        ValueError: a row that is not ``list<TAB>entry``, naming ``source`` and the line.
    """
    lists: dict[str, dict[str, None]] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#") or line == _HEADER:
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0] or not parts[1].strip():
            raise ValueError(f"{source}:{lineno}: expected 'list<TAB>entry', got {line!r}")
        lists.setdefault(parts[0], {})[parts[1].strip()] = None
    return MappingProxyType({name: tuple(entries) for name, entries in lists.items()})
