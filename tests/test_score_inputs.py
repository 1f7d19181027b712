"""Inputs of `hamta score`: line files like sacrebleu, hamta JSONL by doc/idx, clear errors, re-alignment."""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from pathlib import Path

import pytest

from hamta.align.base import Bead
from hamta.cli import main
from hamta.errors import InputError
from hamta.eval.inputs import load_eval_data, read_lines
from hamta.eval.resegment import assign_to_groups, common_groups, resegment_document

SHARED = Path(os.environ.get("HAMTA_SHARED", Path(__file__).resolve().parents[2] / "shared"))
NTREX = SHARED / "data" / "ntrex-dev"
needs_ntrex = pytest.mark.skipif(not (NTREX / "dev.en").is_file(), reason=f"{NTREX} is absent")


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_read_lines_like_sacrebleu(tmp_path: Path) -> None:
    raw = "a b  \r\nc\u2028d\n\n   \nlast"
    (tmp_path / "f").write_bytes(raw.encode("utf-8"))
    # sacrebleu: open(newline="\n") and rstrip() each line; U+2028 is not a line break there
    with open(tmp_path / "f", encoding="utf-8", newline="\n") as fh:
        expected = [line.rstrip() for line in fh]
    assert read_lines(tmp_path / "f") == expected == ["a b", "c\u2028d", "", "", "last"]


def test_line_count_mismatch_names_both_files_and_counts(tmp_path: Path, capsys) -> None:
    ref = _write(tmp_path / "ref.txt", ["a", "b", "c"])
    hyp = _write(tmp_path / "hyp.txt", ["a", "b"])
    with pytest.raises(InputError, match=r"hyp\.txt has 2 lines but the reference .*ref\.txt has 3"):
        load_eval_data(ref, [hyp])
    assert main(["score", "-r", str(ref), str(hyp)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "hyp.txt has 2 lines" in err and "has 3" in err


def test_docids_count_mismatch_is_an_error(tmp_path: Path) -> None:
    ref = _write(tmp_path / "ref.txt", ["a", "b", "c"])
    ids = _write(tmp_path / "ids", ["d1", "d1"])
    with pytest.raises(InputError, match=r"ids has 2 lines but the reference .* has 3"):
        load_eval_data(ref, [ref], docids=ids)


def test_not_utf8_is_one_line(tmp_path: Path) -> None:
    ref = _write(tmp_path / "ref.txt", ["a"])
    bad = tmp_path / "bad.txt"
    bad.write_bytes("سلام\n".encode("cp1256"))
    with pytest.raises(InputError, match=r"bad\.txt: not UTF-8 text \(byte 0\)"):
        load_eval_data(ref, [bad])


def test_jsonl_records_matched_by_doc_and_idx_in_any_order(tmp_path: Path) -> None:
    ref = _write(tmp_path / "ref.txt", ["r0", "r1", "r2", "s0"])
    ids = _write(tmp_path / "ids", ["A", "A", "A", "B"])
    recs = [
        {"doc": "B", "idx": 0, "text": "x", "en": "h-s0"},
        {"doc": "A", "idx": 2, "text": "x", "en": "h-r2"},
        {"doc": "A", "idx": 0, "text": "x", "en": "h-r0"},
        {"doc": "A", "idx": 1, "text": "x", "en": "h-r1"},
        {"doc": "A", "idx": 3, "text": "menu", "boilerplate": True},
    ]  # untranslated furniture: skipped
    hyp = _jsonl(tmp_path / "hyp.jsonl", recs)
    # the boilerplate record gives A an extra idx: it must not count once it has no text
    data = load_eval_data(ref, [hyp], docids=ids)
    assert data.systems[0].hypotheses == ("h-r0", "h-r1", "h-r2", "h-s0")
    assert data.docs == ("A", "A", "A", "B")
    assert not data.resegmented


def test_jsonl_missing_document_and_missing_field_are_errors(tmp_path: Path) -> None:
    ref = _write(tmp_path / "ref.txt", ["r0", "s0"])
    ids = _write(tmp_path / "ids", ["A", "B"])
    hyp = _jsonl(tmp_path / "hyp.jsonl", [{"doc": "A", "idx": 0, "text": "x", "en": "h"}])
    with pytest.raises(InputError, match=r"hyp\.jsonl has no records for 1 document\(s\) .*: B"):
        load_eval_data(ref, [hyp], docids=ids)
    untranslated = _jsonl(tmp_path / "u.jsonl", [{"doc": "A", "idx": 0, "text": "x"}])
    with pytest.raises(InputError, match=r"u\.jsonl:1: record has no 'en' field"):
        load_eval_data(ref, [untranslated], docids=ids)


@pytest.mark.parametrize(
    "n_ref,system_ids,expected",
    [
        (4, [[0, 1, 2, 3]], [(0,), (1,), (2,), (3,)]),
        (4, [[0, 0, 1, 2]], [(0, 1), (2,), (3,)]),
        (4, [[0, 0, 1, 2], [0, 1, 1, 2]], [(0, 1, 2), (3,)]),  # coarsest partition that respects both
        (3, [[5, 5, 5]], [(0, 1, 2)]),
        (0, [[]], []),
    ],
)
def test_common_groups(n_ref: int, system_ids: list[list[int]], expected: list[tuple[int, ...]]) -> None:
    assert common_groups(n_ref, system_ids) == expected


def test_assign_to_groups_puts_unaligned_hypotheses_with_the_previous_group() -> None:
    beads = [Bead((0,), ()), Bead((1,), (0,)), Bead((2,), ()), Bead((3, 4), (1, 2)), Bead((), (3,))]
    hyp = ["h0", "h1", "h2", "h3", "h4"]
    assert assign_to_groups(beads, hyp, [(0,), (1, 2), (3,)]) == ["h0 h1 h2", "h3 h4", ""]


def test_resegment_document_with_a_given_aligner() -> None:
    refs = ["One two.", "Three four.", "Five six."]

    def aligner(src: list[str], tgt: list[str]) -> list[Bead]:
        assert src == ["One two.", "Three four.", "Five six."]  # the paragraph was split first
        return [Bead((0, 1), (0, 1)), Bead((2,), (2,))]

    groups, texts = resegment_document(
        refs, [["One two. Three four. Five six."], refs], [True, False], aligner=aligner
    )
    assert groups == [(0, 1), (2,)]
    assert texts == [["One two. Three four.", "Five six."], ["One two. Three four.", "Five six."]]


@needs_ntrex
def test_differently_segmented_documents_are_realigned_and_reported(tmp_path: Path, capsys) -> None:
    pytest.importorskip("hamta.align.parallel")
    ref = read_lines(NTREX / "dev.en")[:60]
    docs = read_lines(NTREX / "dev.docids")[:60]
    ref_path, ids = _write(tmp_path / "ref.en", ref), _write(tmp_path / "ref.docids", docs)
    by_doc: OrderedDict[str, list[str]] = OrderedDict()
    for d, line in zip(docs, ref, strict=True):
        by_doc.setdefault(d, []).append(line)
    merged, same = [], []
    for k, (doc, lines) in enumerate(by_doc.items()):
        if k == 0:  # pairs of sentences merged into one record
            parts = [" ".join(lines[i : i + 2]) for i in range(0, len(lines), 2)]
        elif k == 1:  # the whole document as one paragraph
            parts = [" ".join(lines)]
        else:
            parts = lines
        merged += [{"doc": doc, "idx": i, "text": "-", "en": p} for i, p in enumerate(parts)]
        same += [{"doc": doc, "idx": i, "text": "-", "en": p} for i, p in enumerate(lines)]
    hyp = _jsonl(tmp_path / "merged.jsonl", merged)
    base = _jsonl(tmp_path / "same.jsonl", same)
    data = load_eval_data(ref_path, [base, hyp], docids=ids)
    first_two = list(by_doc)[:2]
    assert data.resegmented == tuple(first_two)
    assert data.systems[1].resegmented == tuple(first_two) and data.systems[0].resegmented == ()
    # the hypothesis is the reference text, so a correct re-alignment reproduces the reference groups
    assert data.systems[1].hypotheses == data.references
    assert data.systems[0].hypotheses == data.references
    assert len(data.references) <= 60
    assert " ".join(data.references) == " ".join(ref)
    assert (
        main(
            [
                "score",
                "-r",
                str(ref_path),
                str(base),
                str(hyp),
                "--docids",
                str(ids),
                "-m",
                "chrf",
                "--no-paired",
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert "were re-aligned with hamta.align.parallel" in captured.err
    assert "100.0" in captured.out
    with pytest.raises(InputError, match="segmented differently"):
        load_eval_data(ref_path, [hyp], docids=ids, resegment=False)
