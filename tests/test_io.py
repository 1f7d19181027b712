"""Reading input: encodings, BOMs, directories, stdin, and one-line errors for bad files."""

from __future__ import annotations

import codecs
import io
import os
import sys

import pytest

from hamta.errors import InputError
from hamta.io import decode_bytes, expand_inputs, read_documents, write_text_atomic

PERSIAN = "وزیر ارتباطات گفت: «همکاری ادامه دارد.»"
ARABIC = "وقال الراشد إن هذا المشروع لم يكلف الدولة أي مبالغ مالية."


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PERSIAN.encode("utf-8"), PERSIAN),
        (codecs.BOM_UTF8 + PERSIAN.encode("utf-8"), PERSIAN),
        (PERSIAN.encode("utf-16"), PERSIAN),  # Python writes a BOM for "utf-16"
        (codecs.BOM_UTF16_BE + ARABIC.encode("utf-16-be"), ARABIC),
        (ARABIC.encode("utf-32"), ARABIC),
        (ARABIC.encode("cp1256"), ARABIC),  # legacy Arabic pages, detected
        (b"", ""),
    ],
)
def test_decode_detects_encoding(data: bytes, expected: str) -> None:
    assert decode_bytes(data, "x.txt") == expected


def test_cp1256_persian_letters_round_trip() -> None:
    # گ پ ژ چ exist in Windows-1256; Persian ی does not (legacy pages use Arabic ي, normalized later)
    text = "گزارش پژوهشي درباره چاپ"
    assert decode_bytes(text.encode("cp1256"), "x.txt") == text


def test_explicit_encoding_wins() -> None:
    assert decode_bytes(ARABIC.encode("cp1256"), "x.txt", "cp1256") == ARABIC
    with pytest.raises(InputError, match=r"x.txt: cannot decode as utf-8 at byte offset 0"):
        decode_bytes(ARABIC.encode("cp1256"), "x.txt", "utf-8")


def test_unknown_encoding_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown encoding 'klingon'"):
        decode_bytes(b"abc", "x.txt", "klingon")


def test_undecodable_names_file_and_offset() -> None:
    data = b"abc " + b"\xff\xfe\xfd" + b" latin"  # not UTF-8 and not Arabic in cp1256
    with pytest.raises(InputError, match=r"^bad.txt: cannot decode as UTF-8 at byte offset 4 \(byte 0xff\)"):
        decode_bytes(data, "bad.txt")


def test_binary_is_rejected() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    with pytest.raises(InputError, match="img.png: looks like a binary file"):
        decode_bytes(png, "img.png")


def test_directories_recursive_sorted_with_ids(tmp_path) -> None:
    for rel in ["b.txt", "a.txt", "sub/c.txt", "sub/skip.json", ".hidden/d.txt", "a.en.txt", "ref/a.seg.txt"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x", encoding="utf-8")
    got = expand_inputs([str(tmp_path)])
    assert [doc for _, doc in got] == ["a", "b", "sub/c"]  # derived .en.txt/.seg.txt are not articles
    assert expand_inputs([str(tmp_path / "a.en.txt")]) == [(str(tmp_path / "a.en.txt"), "a.en")]


def test_missing_input_and_empty_directory(tmp_path) -> None:
    with pytest.raises(InputError, match="nope.txt: no such file or directory"):
        expand_inputs([str(tmp_path / "nope.txt")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="directory holds no .txt/.html/.htm file"):
        expand_inputs([str(tmp_path / "empty")])


def test_read_documents_skips_bad_files_and_keeps_going(tmp_path, caplog) -> None:
    (tmp_path / "a.txt").write_text(PERSIAN, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01binary\x00")
    (tmp_path / "c.txt").write_text("", encoding="utf-8")
    errors: list[InputError] = []
    docs = list(read_documents([str(tmp_path)], on_error=errors.append))
    assert [(d.doc, d.text) for d in docs] == [("a", PERSIAN), ("c", "")]
    assert len(errors) == 1 and "b.txt: looks like a binary file" in str(errors[0])
    assert "empty input" in caplog.text
    with pytest.raises(InputError, match="b.txt"):
        list(read_documents([str(tmp_path / "b.txt")]))


def test_stdin(monkeypatch) -> None:
    fake = io.TextIOWrapper(io.BytesIO(codecs.BOM_UTF8 + ARABIC.encode()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", fake)
    (doc,) = read_documents(["-"])
    assert doc.doc == "stdin" and doc.text == ARABIC


def test_write_text_atomic_replaces_whole_file(tmp_path) -> None:
    target = tmp_path / "out" / "x.jsonl"
    write_text_atomic(target, "first\n")
    write_text_atomic(target, "second\n")
    assert target.read_text(encoding="utf-8") == "second\n"
    assert os.listdir(target.parent) == ["x.jsonl"]  # no temp file left behind
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # readable like any other output
