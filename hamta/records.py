"""The sentence record: the one plain record that flows between hamta's stages.

Serialised as one JSON object per line (JSONL), every field always present (docs/formats.md). `split`
fills doc/idx/text/start/end/lang/boilerplate/para and the article metadata (outlet, title, date, url);
`translate` fills `en` and `flags`. Offsets are character offsets into the *original* document text, so
every later stage can point back to what the user gave it.
"""

from __future__ import annotations

import functools
import json
import math
import re
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import MISSING, asdict, dataclass, field, fields, replace
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
        data = _checked_fields(cls, data, where)
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


#: integer fields that count or point into text: a negative value is an error
_NON_NEGATIVE: frozenset[str] = frozenset({"idx", "start", "end", "para"})
#: string fields that may arrive as a JSON integer (document ids such as 17) and are converted
_INTEGER_AS_STRING: frozenset[str] = frozenset({"doc"})
#: how long a bad value may be when quoted in an error message
_SHOWN_VALUE_CHARS = 40
_TYPE_WORDS: dict[Any, str] = {str: "a string", int: "an integer", bool: "true or false",
                               float: "a finite number", type(None): "null"}


@functools.cache
def _field_hints(cls: type) -> dict[str, Any]:
    """Each dataclass field's type, resolved once: the table every record read is checked against."""
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in fields(cls)}


def _accepts(value: Any, hint: Any) -> bool:
    """Whether a parsed JSON value fits a field's type hint (bool is not an int; a list is a tuple)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_accepts(value, h) for h in typing.get_args(hint))
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return isinstance(value, list) and all(_accepts(v, item) for v in value)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if hint in (str, bool, type(None)):
        return isinstance(value, hint)
    return True  # a type JSON cannot spell: the dataclass itself decides


def _describe(hint: Any) -> str:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(h) for h in typing.get_args(hint))
    if origin is tuple:
        return f"a list of {_describe(typing.get_args(hint)[0]).removeprefix('a ')}s"
    return _TYPE_WORDS.get(hint, getattr(hint, "__name__", str(hint)))


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= _SHOWN_VALUE_CHARS else text[: _SHOWN_VALUE_CHARS - 3] + "..."


def _checked_fields(cls: type, data: dict[str, Any], where: str) -> dict[str, Any]:
    """``data`` checked against the field types of ``cls``, so a bad record fails where it is read.

    Why table-driven: the checks follow the dataclass's own type hints, so a field added to the record
    is validated without touching this code. ``null`` for a field with a default means "use the
    default"; unknown keys are left for the caller to ignore.

    Raises:
        InputError: ``where: field 'x' must be ..., got ...`` for the first bad field.
    """
    hints = _field_hints(cls)
    defaults = {f.name for f in fields(cls) if f.default is not MISSING or f.default_factory is not MISSING}
    out = dict(data)
    for name, hint in hints.items():
        if name not in out:
            continue
        value = out[name]
        if value is None and name in defaults:
            del out[name]
            continue
        if name in _INTEGER_AS_STRING and isinstance(value, int) and not isinstance(value, bool):
            value = out[name] = str(value)
        if not _accepts(value, hint):
            raise InputError(f"{where}: field {name!r} must be {_describe(hint)}, got {_shown(value)}")
        if name in _NON_NEGATIVE and value < 0:
            raise InputError(f"{where}: field {name!r} must not be negative, got {value}")
    if "start" in out and "end" in out and out["start"] > out["end"]:
        raise InputError(f"{where}: 'start' ({out['start']}) is after 'end' ({out['end']})")
    return out


def records_to_jsonl(records: Iterable[Sentence]) -> str:
    """Serialise records as JSONL text (UTF-8, non-ASCII kept readable)."""
    return "".join(json.dumps(r.to_dict(), ensure_ascii=False, allow_nan=False) + "\n" for r in records)


def write_records(path: str | Path, records: Iterable[Sentence]) -> None:
    """Write records atomically (temp file + rename), so an interrupted run leaves no half file."""
    from hamta.io import write_text_atomic

    write_text_atomic(path, records_to_jsonl(records))


_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:_SHOWN_VALUE_CHARS]} is out of range")
    return value


def _lone_surrogate(value: Any) -> str | None:
    """The first lone UTF-16 surrogate in any string of a parsed JSON value (only escapes make them)."""
    if isinstance(value, str):
        found = _LONE_SURROGATE.search(value)
        return found.group() if found else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        hit = _lone_surrogate(key) if isinstance(key, str) else None
        hit = hit or _lone_surrogate(item)
        if hit:
            return hit
    return None


def parse_jsonl(lines: Iterable[str | bytes], name: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for each non-blank JSONL line (a leading BOM is ignored).

    Anything that is not plain JSON text is a one-line `InputError` naming `name` and the line: invalid
    UTF-8 (for ``bytes`` lines), malformed JSON, a line that is not an object, ``NaN``/``Infinity`` or a
    number too large for a float, a lone surrogate escape (``"\\ud800"``) and absurd nesting. So no
    reader gets a value hamta could not write back as JSON.
    """
    for lineno, raw in enumerate(lines, 1):
        if isinstance(raw, bytes):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{name}:{lineno}: not valid UTF-8 at byte {exc.start} of the line "
                    f"(byte 0x{raw[exc.start]:02x}); JSONL must be UTF-8"
                ) from None
        else:
            line = raw
        if lineno == 1:
            line = line.lstrip("\ufeff")
        if not line.strip():
            continue
        try:
            data = json.loads(line, parse_constant=_reject_constant, parse_float=_finite_float)
        except json.JSONDecodeError as exc:
            raise InputError(f"{name}:{lineno}: not valid JSON ({exc.msg})") from None
        except ValueError as exc:  # from the hooks: NaN, Infinity, 1e999
            raise InputError(f"{name}:{lineno}: not valid JSON ({exc})") from None
        except RecursionError:
            raise InputError(f"{name}:{lineno}: JSON nested too deeply") from None
        if not isinstance(data, dict):
            raise InputError(f"{name}:{lineno}: expected a JSON object")
        if "\\u" in line and (hit := _lone_surrogate(data)):
            raise InputError(
                f"{name}:{lineno}: lone surrogate \\u{ord(hit):04x} in a string (not valid Unicode text)"
            )
        yield lineno, data


def iter_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """`parse_jsonl` over a UTF-8 file, decoded line by line so a bad byte is reported with its line."""
    with Path(path).open("rb") as handle:
        yield from parse_jsonl(handle, path)


def read_records(path: str | Path) -> Iterator[Sentence]:
    """Read hamta JSONL records; a malformed line is a one-line error naming file and line."""
    for lineno, data in iter_jsonl(path):
        yield Sentence.from_dict(data, where=f"{path}:{lineno}")
