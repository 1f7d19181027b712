"""Arabic clitic readings: the bare word under و ف ب ل ك and the article, Persian words untouched."""

from __future__ import annotations

import pytest

from hamta.text.clitics import readings


@pytest.mark.parametrize(
    ("word", "bare"),
    [
        ("وترامب", "ترامب"),  # wa + Trump
        ("بالمكسيك", "مكسيك"),  # bi + al + Mexico
        ("وبالمكسيك", "مكسيك"),  # wa + bi + al + Mexico
        ("للبيت", "بيت"),  # li + (a)l + bayt: the article's alif is not written after li
        ("لليفينغستون", "ليفينغستون"),  # li + Livingston
        ("فالرئيس", "رئيس"),  # fa + al + ra'is
    ],
)
def test_arabic_prefixes_come_off(word: str, bare: str) -> None:
    out = readings(word, "ar")
    assert out[0] == word and bare in out


@pytest.mark.parametrize("word", ["بلد", "كيم", "ولد"])
def test_short_stems_keep_their_letters(word: str) -> None:
    assert readings(word, "ar") == [word]


def test_persian_words_have_one_reading() -> None:
    assert readings("بزرگ", "fa") == ["بزرگ"]
    assert readings("واشنگتن", "fa") == ["واشنگتن"]
