"""Tests for hamta.text.wordlists: the loader of the word lists shipped under hamta/data/."""

from __future__ import annotations

import pytest

from hamta.text.wordlists import load_word_lists, parse_word_lists


def test_parse_skips_comments_header_and_duplicates() -> None:
    text = "# what the lists are\nlist\tentry\nfa\tاست\nfa\tرا\n\nar\tفي\nfa\tاست\n"
    lists = parse_word_lists(text, "x.tsv")
    assert dict(lists) == {"fa": ("است", "را"), "ar": ("في",)}


@pytest.mark.parametrize("row", ["fa", "fa\t", "\tاست", "fa\tاست\textra"])
def test_parse_names_the_bad_row(row: str) -> None:
    with pytest.raises(ValueError, match=r"x\.tsv:3: expected 'list<TAB>entry'"):
        parse_word_lists(f"# c\nlist\tentry\n{row}\n", "x.tsv")


def test_lists_are_read_only() -> None:
    lists = load_word_lists("langid_words.tsv")
    with pytest.raises(TypeError):
        lists["fa"] = ("x",)  # type: ignore[index]


@pytest.mark.parametrize(
    ("filename", "names"),
    [
        ("boilerplate_words.tsv", {"news_code_label", "end_marker", "share_core", "date_word"}),
        ("langid_words.tsv", {"fa", "ar", "fa_ar_shared", "en", "other_de", "en_homograph"}),
    ],
)
def test_shipped_files_load(filename: str, names: set[str]) -> None:
    lists = load_word_lists(filename)
    assert names <= set(lists)
    assert all(entries for entries in lists.values())
