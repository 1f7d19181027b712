"""The five seed articles split exactly as the human reference in seeds/reference/<stem>.seg.txt."""

from __future__ import annotations

from pathlib import Path

import pytest

from hamta.text.split import split

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
LANGS = {"000": "fa", "001": "fa", "002": "ar", "003": "ar", "004": "ar"}


@pytest.mark.parametrize("stem", sorted(p.stem for p in SEEDS.glob("*.txt")))
def test_seed_matches_reference(stem: str) -> None:
    text = (SEEDS / f"{stem}.txt").read_text(encoding="utf-8-sig")
    reference = (SEEDS / "reference" / f"{stem}.seg.txt").read_text(encoding="utf-8").splitlines()
    got = [span.text for span in split(text, LANGS[stem[:3]])]
    assert got == reference
    # the reference lines are the article's own characters, at the offsets split reports
    assert all(text[s.start : s.end] == s.text for s in split(text, LANGS[stem[:3]]))


def test_all_five_seeds_present() -> None:
    assert sorted(p.stem[:3] for p in SEEDS.glob("*.txt")) == sorted(LANGS)
