"""Reading input text and writing output files safely.

Why a module of its own: news text arrives in every encoding a newsroom ever used (UTF-8 with and
without BOM, UTF-16 from Windows tools, Windows-1256 from legacy Arabic/Persian pages), from files,
folders and pipes. Every later stage wants plain `str` documents, and every bad input must become one
clear line naming the file (and the byte offset where decoding failed), never a traceback.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import os
import re
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hamta.errors import InputError
from hamta.records import Document, parse_jsonl

__all__ = [
    "decode_bytes",
    "expand_inputs",
    "read_documents",
    "write_text_atomic",
    "printable",
    "STDIN",
    "TEXT_SUFFIXES",
    "DERIVED_SUFFIXES",
    "ARTICLE_SUFFIXES",
    "EXPORT_SUFFIXES",
    "MANIFEST_NAME",
    "ExportFields",
    "is_record_file",
    "read_manifest",
    "iso_date",
]

log = logging.getLogger("hamta.io")

#: the input name that means standard input
STDIN = "-"
#: files picked up when a directory is given
TEXT_SUFFIXES: tuple[str, ...] = (".txt",)
#: saved web pages, read with `hamta.webpage` (the ``html`` extra)
HTML_SUFFIXES: tuple[str, ...] = (".html", ".htm")
#: files picked up when a directory is given: plain text and saved web pages
ARTICLE_SUFFIXES: tuple[str, ...] = TEXT_SUFFIXES + HTML_SUFFIXES
#: feed/API exports with one article per row, read when given by name (a folder's .jsonl files are
#: usually hamta's own records, so folders never pick these up)
EXPORT_SUFFIXES: tuple[str, ...] = (".jsonl", ".csv")
#: the per-folder table that fills the metadata the articles lack
MANIFEST_NAME = "manifest.tsv"
#: manifest columns that name the document a row is about, in the order they are tried
_MANIFEST_KEYS: tuple[str, ...] = ("doc", "id", "file")
#: a plausible Gregorian year for a date in a manifest cell (a cell may also hold a Solar Hijri date,
#: e.g. seeds/manifest.tsv: "1394-08-06 (2015-10-28) 15:27")
_GREGORIAN_YEARS = range(1900, 2101)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
#: hamta's own derived files (translations, reference splits): never source articles when a folder is
#: expanded, so `hamta run seeds/` does not read `seeds/reference/X.en.txt` as another article
DERIVED_SUFFIXES: tuple[str, ...] = (".en.txt", ".seg.txt")
#: how many leading bytes are inspected to tell text from binary
_SNIFF_BYTES = 8192
#: byte-order marks, longest first (UTF-32 LE starts with the UTF-16 LE mark)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u067E\u0686\u0698\u06A9\u06AF\u06CC]")
#: share of the non-ASCII characters that must be Arabic-script letters to accept a Windows-1256 guess
_CP1256_MIN_ARABIC_SHARE = 0.6
#: BOM-less UTF-16: the high bytes of text in one script take few values (00 and 06 for Persian with
#: spaces and digits), so the two commonest values at the high-byte offsets cover at least this share
_UTF16_HIGH_BYTE_SHARE = 0.8
#: ... and at most this share of the decoded characters may be controls, unassigned or private-use
_UTF16_MAX_ODD_SHARE = 0.01
#: line breaks and tabs are the control characters text is expected to hold
_TEXT_CONTROLS = frozenset("\t\n\r\f")


#: control characters (C0 but tab, DEL, C1) and Unicode line/paragraph separators: never sent raw to a
#: terminal, where ESC sequences can rewrite the screen or hide text, and where they break one-per-line
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """``text`` with control characters shown as ``\\xNN``/``\\uNNNN`` escapes, for terminals and
    line-per-item output (article text is never trusted)."""
    return _UNPRINTABLE.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text
    )


def _check_encoding(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise ValueError(f"unknown encoding {encoding!r} (try utf-8, utf-16 or cp1256)") from None


def _looks_binary(data: bytes) -> bool:
    """NUL bytes or many C0 control bytes in the head of a BOM-less file mean it is not text."""
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return bool(head) and controls / len(head) > 0.1


def _guess_cp1256(data: bytes) -> str | None:
    """Decode as Windows-1256 if the result reads as Arabic-script text, else None."""
    try:
        text = data.decode("cp1256")
    except UnicodeDecodeError:
        return None
    non_ascii = [ch for ch in text if ord(ch) > 127 and unicodedata.category(ch)[0] in "LM"]
    if not non_ascii:
        return None
    arabic = sum(1 for ch in non_ascii if _ARABIC_LETTER.match(ch))
    return text if arabic / len(non_ascii) >= _CP1256_MIN_ARABIC_SHARE else None


def _utf16_codec(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when BOM-less bytes have UTF-16's shape: high bytes at every other offset
    concentrated on a few values (how one script's code points look), else None."""
    head = data[: _SNIFF_BYTES - _SNIFF_BYTES % 2]
    if len(head) < 2 or len(data) % 2:
        return None
    for codec, high in (("utf-16-le", head[1::2]), ("utf-16-be", head[0::2])):
        common = sorted(Counter(high).values(), reverse=True)[:2]
        if sum(common) >= _UTF16_HIGH_BYTE_SHARE * len(high):
            return codec
    return None


def _guess_utf16(data: bytes, codec: str) -> str | None:
    """The text if ``data`` decodes strictly as ``codec`` into something that reads as text, else None."""
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    odd = sum(1 for ch in text if ch not in _TEXT_CONTROLS and unicodedata.category(ch) in ("Cc", "Cn", "Co"))
    return text if odd <= _UTF16_MAX_ODD_SHARE * max(len(text), 1) else None


def decode_bytes(data: bytes, name: str, encoding: str | None = None) -> str:
    """Decode one input's bytes to text.

    With ``encoding`` given, that codec is used strictly. Otherwise a byte-order mark decides
    (UTF-8/16/32), then UTF-16 without a BOM when NULs or control bytes show its two-byte shape, then
    strict UTF-8, then Windows-1256 when the result reads as Arabic script.

    Raises:
        InputError: binary data, or bytes that do not decode (the message names ``name`` and the
            byte offset of the first bad byte).
    """
    if encoding:
        codec = _check_encoding(encoding)
        if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
        return _strict_decode(data, codec, name)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _strict_decode(data, codec, name)
    if _looks_binary(data):
        codec = _utf16_codec(data)
        if codec is None:
            raise InputError(f"{name}: looks like a binary file, not text; skipped")
        text = _guess_utf16(data, codec)
        if text is None:
            raise InputError(
                f"{name}: looks like {codec.upper()} without a byte-order mark but does not decode as "
                f"text; give the encoding with --encoding {codec}, or check the file; skipped"
            )
        log.info("%s: no byte-order mark; decoded as %s (use --encoding to choose)", name, codec.upper())
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        guessed = _guess_cp1256(data)
        if guessed is not None:
            log.info("%s: not UTF-8; decoded as Windows-1256 (use --encoding to choose)", name)
            return guessed
        raise InputError(
            f"{name}: cannot decode as UTF-8 at byte offset {exc.start} "
            f"(byte 0x{data[exc.start]:02x}); give the encoding with --encoding, e.g. cp1256"
        ) from None


def _strict_decode(data: bytes, codec: str, name: str) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: cannot decode as {codec} at byte offset {exc.start} (byte 0x{data[exc.start]:02x})"
        ) from None
    return text.removeprefix("\ufeff")


def expand_inputs(
    inputs: Iterable[str], suffixes: tuple[str, ...] = ARTICLE_SUFFIXES
) -> list[tuple[str, str]]:
    """Resolve inputs to ``(path, doc_id)`` pairs: files as given, directories recursively and sorted.

    A file given by name is taken whatever its suffix; inside a directory only ``suffixes`` count, and
    hidden files and hamta's derived files (`DERIVED_SUFFIXES`) are skipped. The document id is the file
    stem, or for files found in a directory the path relative to it without the suffix (so
    ``news/fa/a.txt`` under ``news/`` is ``fa/a``).

    Raises:
        InputError: an input does not exist, or a directory holds no matching file.
    """
    resolved: list[tuple[str, str]] = []
    for item in inputs:
        if item == STDIN:
            resolved.append((STDIN, "stdin"))
            continue
        path = Path(item)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in suffixes
                and not p.name.lower().endswith(DERIVED_SUFFIXES)
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise InputError(f"{item}: directory holds no {'/'.join(suffixes)} file")
            for p in found:
                rel = p.relative_to(path).with_suffix("")
                resolved.append((str(p), rel.as_posix()))
        elif path.exists():
            resolved.append((str(path), path.stem))
        else:
            raise InputError(f"{item}: no such file or directory")
    return resolved


@dataclass(frozen=True)
class ExportFields:
    """Which field of a JSONL/CSV export row holds what (`--text-field`, `--title-field`, ...).

    ``id`` names the document (else a ``doc`` field does); a row with neither is ``<file stem>-<line>``.
    """

    text: str = "text"
    title: str = "title"
    date: str = "date"
    outlet: str = "outlet"
    url: str = "url"
    id: str = "id"


def is_record_file(path: str | Path) -> bool:
    """True for a JSONL file of hamta sentence records (its first object has doc, idx and text)."""
    path = Path(path)
    if path.suffix.lower() != ".jsonl" or not path.is_file():
        return False
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        for _, data in parse_jsonl(handle, path):
            return {"doc", "idx", "text"} <= data.keys()
    return False


def iso_date(value: Any) -> str | None:
    """The first plausible Gregorian ``YYYY-MM-DD`` in a metadata value, or None."""
    for match in _ISO_DATE.finditer(str(value or "")):
        if int(match.group(1)) in _GREGORIAN_YEARS and 1 <= int(match.group(2)) <= 12:
            return match.group(0)
    return None


def _clean(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def read_manifest(path: str | Path) -> dict[str, dict[str, str | None]]:
    """A ``manifest.tsv`` (header row; columns doc/id/file, outlet, date, title, url; others ignored)
    as {key: metadata}, each row under every key it names (doc id, id, file name and file stem).

    Raises:
        InputError: no header naming a document column (one line, naming the file).
    """
    path = Path(path)
    text = decode_bytes(path.read_bytes(), str(path))
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows:
        return {}
    header = [h.strip().lower() for h in rows[0]]
    if not any(k in header for k in _MANIFEST_KEYS):
        raise InputError(f"{path}:1: manifest header needs a doc, id or file column; got {' '.join(header)}")
    out: dict[str, dict[str, str | None]] = {}
    for row in rows[1:]:
        cells = dict(zip(header, (c.strip() for c in row), strict=False))
        meta = {"outlet": _clean(cells.get("outlet")), "title": _clean(cells.get("title")),
                "date": iso_date(cells.get("date")), "url": _clean(cells.get("url"))}
        for key in _MANIFEST_KEYS:
            value = cells.get(key)
            if value:
                out[value] = meta
                if key == "file":
                    out[Path(value).stem] = meta
    return out


class _Manifests:
    """The manifest of each folder an input lives in, read once; fills a document's missing metadata."""

    def __init__(self) -> None:
        self._cache: dict[Path, dict[str, dict[str, str | None]]] = {}

    def fill(self, doc: Document) -> Document:
        if doc.path == STDIN:
            return doc
        folder = Path(doc.path).parent
        if folder not in self._cache:
            manifest = folder / MANIFEST_NAME
            self._cache[folder] = read_manifest(manifest) if manifest.is_file() else {}
        table = self._cache[folder]
        meta = table.get(doc.doc) or table.get(Path(doc.path).name) or table.get(Path(doc.doc).name)
        if not meta:
            return doc
        fill = {k: v for k, v in meta.items() if v and getattr(doc, k) is None}
        return Document(**{**doc.__dict__, **fill}) if fill else doc


def _read_page(data: bytes, path: str, doc_id: str, encoding: str | None) -> Document:
    from hamta.webpage import declared_charset, extract_page

    declared = None if encoding else declared_charset(data)
    try:
        html = decode_bytes(data, path, encoding or declared)
    except InputError:
        if not declared:
            raise
        log.warning("%s: does not decode as %s, the charset it declares; detecting instead", path, declared)
        html = decode_bytes(data, path)
    page = extract_page(html, path)
    return Document(doc=doc_id, text=page.text, path=path, outlet=page.outlet, title=page.title,
                    date=page.date, url=page.url)


def _export_rows(data: bytes, path: str, encoding: str | None) -> Iterator[tuple[int, dict[str, Any]]]:
    text = decode_bytes(data, path, encoding)
    if Path(path).suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text, newline=""))
        start = 2  # the line a row starts on (a quoted field may span lines)
        for row in reader:
            yield start, row
            start = reader.line_num + 1
    else:
        yield from parse_jsonl(text.split("\n"), path)  # not splitlines: U+2028 may sit inside a string


def _read_export(data: bytes, path: str, encoding: str | None, fields: ExportFields) -> Iterator[Document]:
    """One `Document` per row of a JSONL/CSV export; a row without the text field is a one-line error."""
    stem = Path(path).stem
    for lineno, row in _export_rows(data, path, encoding):
        text = row.get(fields.text)
        if not isinstance(text, str):
            raise InputError(f"{path}:{lineno}: no text field {fields.text!r} (choose it with --text-field)")
        doc_id = _clean(row.get(fields.id)) or _clean(row.get("doc")) or f"{stem}-{lineno}"
        yield Document(
            doc=doc_id, text=text, path=path, outlet=_clean(row.get(fields.outlet)),
            title=_clean(row.get(fields.title)), date=iso_date(row.get(fields.date)),
            url=_clean(row.get(fields.url)),
        )


def _read_one(path: str, doc_id: str, encoding: str | None, fields: ExportFields) -> list[Document]:
    if path == STDIN:
        return [Document(doc=doc_id, text=decode_bytes(sys.stdin.buffer.read(), "<stdin>", encoding))]
    data = Path(path).read_bytes()
    suffix = Path(path).suffix.lower()
    if suffix in HTML_SUFFIXES:
        return [_read_page(data, path, doc_id, encoding)]
    if suffix in EXPORT_SUFFIXES:
        if is_record_file(path):
            raise InputError(f"{path}: holds hamta sentence records, not articles; give it to "
                             f"hamta translate, coverage or run")
        return list(_read_export(data, path, encoding, fields))
    return [Document(doc=doc_id, text=decode_bytes(data, path, encoding), path=path)]


def read_documents(
    inputs: Iterable[str],
    *,
    encoding: str | None = None,
    on_error: Callable[[InputError], None] | None = None,
    fields: ExportFields | None = None,
) -> Iterator[Document]:
    """Yield one `Document` per article: per text file or web page (directories expanded, ``-`` = stdin),
    per row of a JSONL/CSV export given by name (`fields` says which field holds what).

    A folder's ``manifest.tsv`` (`read_manifest`) fills the metadata its articles lack. An empty file
    yields a document with empty text and logs a warning. A file that cannot be read raises
    `InputError`, or, when ``on_error`` is given, is passed to it and skipped, so a batch job goes on
    with the other files.
    """
    if encoding:
        _check_encoding(encoding)
    fields = fields or ExportFields()
    manifests = _Manifests()
    for path, doc_id in expand_inputs(inputs):
        try:
            docs = _read_one(path, doc_id, encoding, fields)
            docs = [manifests.fill(d) for d in docs]
        except (InputError, OSError) as exc:
            error = exc if isinstance(exc, InputError) else InputError(f"{path}: {exc.strerror or exc}")
            if on_error is None:
                raise error from None
            error.path = error.path or path
            on_error(error)
            continue
        for doc in docs:
            if not doc.text.strip():
                log.warning("%s: empty input; nothing to do", "<stdin>" if path == STDIN else path)
            yield doc


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 text so readers see the old file or the whole new one, never half of it.

    Why: an interrupted job (Ctrl-C, kill -9) must not leave a truncated output that a re-run would
    take for finished work. The temp file lives in the same folder, so the rename is atomic.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp makes the file 0600; outputs are ordinary files, so give them the umask's mode.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:  # e.g. a full disk: the message must name the file that was not written
        Path(tmp).unlink(missing_ok=True)
        if exc.filename is None:
            raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from None
        raise
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
