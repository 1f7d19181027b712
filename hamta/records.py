"""The sentence record: the one plain record that flows between hamta's stages.

Serialised as one JSON object per line (JSONL), every field always present (docs/formats.md). `split`
fills doc/idx/text/start/end/lang/boilerplate/para and the article metadata (outlet, title, date, url);
`translate` fills `en` and `flags`. Offsets are character offsets into the *original* document text, so
every later stage can point back to what the user gave it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from hamta.errors import InputError

__all__ = [
    "Sentence",
    "Document",
    "iter_jsonl",
    "parse_jsonl",
    "read_records",
    "write_records",
    "records_to_jsonl",
    "META_FIELDS",
]

#: article metadata every document and sentence record carries (None/null where unknown); `date` is ISO
#: ``YYYY-MM-DD``, the day the linker resolves relative dates ("yesterday", "on Monday") against
META_FIELDS: tuple[str, ...] = ("outlet", "title", "date", "url")


@dataclass(frozen=True)
class Document:
    """A document as read from disk or stdin: its id (file stem or record `doc`), its text and origin."""

    doc: str
    text: str
    path: str = "-"
    outlet: str | None = None
    title: str | None = None
    date: str | None = None
    url: str | None = None

    def metadata(self) -> dict[str, str | None]:
        """The `META_FIELDS` of this document (None where unknown)."""
        return {name: getattr(self, name) for name in META_FIELDS}


@dataclass(frozen=True)
class Sentence:
    """One sentence of one document.

    Attributes:
        doc: document id (file stem for .txt input).
        idx: 0-based sentence index within the document (boilerplate lines included).
        text: the sentence exactly as in the original text, i.e. ``original[start:end]``.
        start, end: character offsets into the original document text.
        lang: ``fa``, ``ar``, ``en`` or ``other`` (detected per paragraph unless given).
        boilerplate: page furniture (news code, comment form, ...): kept, but skipped by later stages.
        para: 0-based paragraph index (paragraph = block of text between blank lines).
        en: English translation, once translated.
        flags: translation/quality flags (e.g. ``max_length``, ``repetition``, ``split_long``).
        boilerplate_kind: which kind of furniture, when ``boilerplate`` is true.
        outlet, title, date, url: the article's metadata (`META_FIELDS`), None where unknown.
    """

    doc: str
    idx: int
    text: str
    start: int
    end: int
    lang: str
    boilerplate: bool = False
    para: int = 0
    en: str | None = None
    flags: tuple[str, ...] = field(default_factory=tuple)
    boilerplate_kind: str | None = None
    outlet: str | None = None
    title: str | None = None
    date: str | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with every field, in the documented order (docs/formats.md).

        Every key is always present, so a spreadsheet or a schema check sees one shape: ``en`` is ``""``
        while untranslated (boilerplate stays untranslated), unknown metadata is ``null``.
        """
        out = asdict(self)
        out["flags"] = list(self.flags)
        if out["en"] is None:
            out["en"] = ""
        return out

    def with_metadata(self, meta: dict[str, str | None]) -> Sentence:
        """A copy whose unknown metadata fields are filled from `meta` (known ones are kept)."""
        fill = {k: v for k, v in meta.items() if k in META_FIELDS and v and getattr(self, k) is None}
        return replace(self, **fill) if fill else self

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, where: str = "record") -> Sentence:
        """Build a record from parsed JSON, with a one-line error naming what is missing."""
        missing = [k for k in ("doc", "idx", "text") if k not in data]
        if missing:
            raise InputError(f"{where}: missing field(s) {', '.join(missing)}")
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known}
        kwargs["doc"] = str(kwargs["doc"])
        kwargs.setdefault("start", 0)
        kwargs.setdefault("end", kwargs["start"] + len(kwargs["text"]))
        kwargs.setdefault("lang", "other")
        kwargs["flags"] = tuple(kwargs.get("flags") or ())
        if kwargs.get("en") == "":  # to_dict writes "" for "not translated"
            kwargs["en"] = None
        return cls(**kwargs)

    def with_translation(self, en: str, flags: Iterable[str] = ()) -> Sentence:
        """A copy carrying its English translation (records are frozen)."""
        return replace(self, en=en, flags=tuple(flags))


def records_to_jsonl(records: Iterable[Sentence]) -> str:
    """Serialise records as JSONL text (UTF-8, non-ASCII kept readable)."""
    return "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in records)


def write_records(path: str | Path, records: Iterable[Sentence]) -> None:
    """Write records atomically (temp file + rename), so an interrupted run leaves no half file."""
    from hamta.io import write_text_atomic

    write_text_atomic(path, records_to_jsonl(records))


def parse_jsonl(lines: Iterable[str], name: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for each non-blank JSONL line (a leading BOM is ignored).

    A malformed line, or one that is not a JSON object, is a one-line `InputError` naming `name` and line.
    """
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line.lstrip("\ufeff") if lineno == 1 else line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{name}:{lineno}: not valid JSON ({exc.msg})") from None
        if not isinstance(data, dict):
            raise InputError(f"{name}:{lineno}: expected a JSON object")
        yield lineno, data


def iter_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """`parse_jsonl` over a UTF-8 file."""
    with Path(path).open(encoding="utf-8-sig") as handle:
        yield from parse_jsonl(handle, path)


def read_records(path: str | Path) -> Iterator[Sentence]:
    """Read hamta JSONL records; a malformed line is a one-line error naming file and line."""
    for lineno, data in iter_jsonl(path):
        yield Sentence.from_dict(data, where=f"{path}:{lineno}")
