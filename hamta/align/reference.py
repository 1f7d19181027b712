"""Sentence records from a reference split and translation (e.g. `seeds/reference/`).

Why: the linker and the coverage report consume hamta sentence records; for articles that come with a
careful human split (``X.seg.txt``, exact substrings of ``X.txt``) and English (``X.en.txt``, line-aligned)
this builds the same records `hamta split` + `hamta translate` would, with offsets into the original.

Example:
    >>> records = load_reference_records("seeds", "seeds/reference")  # doctest: +SKIP
    >>> records[0].doc, records[0].idx, records[0].en[:20]  # doctest: +SKIP
    ('000_c9f47b2442972326', 0, 'The Minister of Comm')
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from hamta.errors import InputError
from hamta.records import Sentence

__all__ = ["load_reference_records", "read_boilerplate_tsv"]

log = logging.getLogger("hamta.align.reference")


def read_boilerplate_tsv(path: str | Path) -> dict[tuple[str, int], str]:
    """``NNN<TAB>line<TAB>kind`` rows -> {(NNN, line): kind}; a missing file gives an empty mapping."""
    path = Path(path)
    out: dict[tuple[str, int], str] = {}
    if not path.is_file():
        return out
    for lineno, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        parts = line.rstrip("\n").split("\t")
        if not line.strip() or len(parts) < 2:
            continue
        try:
            out[(parts[0].strip(), int(parts[1]))] = parts[2].strip() if len(parts) > 2 else "boilerplate"
        except ValueError:
            raise InputError(f"{path}:{lineno}: expected 'NNN<TAB>line index<TAB>kind'") from None
    return out


def _guess_lang(text: str) -> str:
    try:
        from hamta.text.langid import detect_language
    except ImportError:  # pragma: no cover - langid is part of the package
        return "fa" if re.search("[پچژگ]", text) else "ar" if re.search("[\u0600-\u06ff]", text) else "other"
    return detect_language(text)


def load_reference_records(seed_dir: str | Path, reference_dir: str | Path) -> list[Sentence]:
    """Records for every ``X.txt`` in `seed_dir` that has ``X.seg.txt`` and ``X.en.txt`` in `reference_dir`.

    Each ``X.seg.txt`` line must be an exact substring of the article (found in order, so offsets are
    exact); line i of ``X.en.txt`` becomes the `en` of sentence i; ``boilerplate.tsv`` rows (keyed by the
    3-digit prefix of X) mark page furniture. A line-count mismatch or a line not found in the article is
    a one-line `InputError` naming the file.
    """
    seed_dir, reference_dir = Path(seed_dir), Path(reference_dir)
    if not seed_dir.is_dir():
        raise InputError(f"{seed_dir}: not a directory of articles")
    boiler = read_boilerplate_tsv(reference_dir / "boilerplate.tsv")
    records: list[Sentence] = []
    for article in sorted(seed_dir.glob("*.txt")):
        seg_path = reference_dir / f"{article.stem}.seg.txt"
        en_path = reference_dir / f"{article.stem}.en.txt"
        if not seg_path.is_file():
            log.warning("%s: no %s; skipped", article, seg_path.name)
            continue
        text = article.read_text(encoding="utf-8-sig")
        seg = [s.strip() for s in seg_path.read_text(encoding="utf-8-sig").splitlines() if s.strip()]
        en = en_path.read_text(encoding="utf-8-sig").splitlines() if en_path.is_file() else None
        if en is not None:
            en = [e.strip() for e in en if e.strip()]
            if len(en) != len(seg):
                raise InputError(f"{en_path}: {len(en)} lines but {seg_path.name} has {len(seg)}")
        prefix = article.stem.split("_", 1)[0]
        lang = _guess_lang(text)
        pos = 0
        for idx, sentence in enumerate(seg):
            start = text.find(sentence, pos)
            if start < 0:
                raise InputError(f"{seg_path}:{idx + 1}: line is not a substring of {article.name}")
            end = start + len(sentence)
            para = len(re.findall(r"\n\s*\n", text[:start]))
            kind = boiler.get((prefix, idx))
            records.append(
                Sentence(
                    doc=article.stem, idx=idx, text=sentence, start=start, end=end, lang=lang,
                    boilerplate=kind is not None, para=para, en=en[idx] if en else None,
                    boilerplate_kind=kind,
                )
            )
            pos = end
    return records
