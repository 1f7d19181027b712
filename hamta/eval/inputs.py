"""Reading what `hamta score` scores: line files or hamta JSONL, matched to the reference segment by segment.

Why strictness: a score over silently truncated or shifted lines is a wrong number that looks right.
Line files are read exactly as the `sacrebleu` CLI reads them (UTF-8, split on ``\\n`` only, trailing
whitespace stripped), so the same files give the same scores; a line-count mismatch is one error naming
both files and both counts; empty lines are counted and reported. hamta translation JSONL (field ``en``)
is matched to the reference by ``doc`` and ``idx``; a document whose hypothesis is segmented differently
from its reference is re-aligned (see `hamta.eval.resegment`) and the result says so.

Example:
    >>> data = load_eval_data("ref.en", ["sys1.en", "sys2.jsonl"], docids="ref.docids")  # doctest: +SKIP
    >>> data.systems[1].name, len(data.references)                                       # doctest: +SKIP
    ('sys2', 988)
"""

from __future__ import annotations

import gzip
import json
import logging
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hamta.errors import InputError

__all__ = ["SystemInput", "EvalData", "read_lines", "read_jsonl_segments", "is_jsonl", "load_eval_data"]

log = logging.getLogger("hamta.eval.inputs")


@dataclass(frozen=True)
class SystemInput:
    """One system's hypotheses, one per reference segment, with what hamta had to do to get them.

    Attributes:
        name: display name (the file name; unique among the systems).
        path: where it was read from.
        hypotheses: one string per scored segment.
        n_empty: how many hypotheses are empty (after stripping), as given.
        resegmented: documents whose hypothesis sentences were re-aligned to the reference.
    """

    name: str
    path: str
    hypotheses: tuple[str, ...] = field(repr=False)
    n_empty: int = 0
    resegmented: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvalData:
    """A reference, the systems' hypotheses aligned to it segment by segment, and optional extras.

    Attributes:
        references: one reference string per scored segment.
        systems: the systems, first = baseline for paired tests.
        docs: document id of each segment (None when no document information was given).
        sources: source sentence of each segment (None when no source was given).
        ref_path: where the (first) reference was read from; ref_empty: its empty segments.
        extra_references: the other references' segments (multi-reference scoring), aligned to the first.
        ref_paths: every reference file, first = `ref_path`.
        resegmented: documents re-aligned because a system segmented them differently.
        notes: one-line remarks for the user (empty lines, re-alignment, ignored records).
    """

    references: tuple[str, ...] = field(repr=False)
    systems: tuple[SystemInput, ...]
    docs: tuple[str, ...] | None = field(default=None, repr=False)
    sources: tuple[str, ...] | None = field(default=None, repr=False)
    ref_path: str = "-"
    extra_references: tuple[tuple[str, ...], ...] = field(default=(), repr=False)
    ref_paths: tuple[str, ...] = ()
    ref_empty: int = 0
    resegmented: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.references)

    @property
    def all_references(self) -> list[tuple[str, ...]]:
        """Every reference stream, first = `references` (sacrebleu's ``[[ref1 ...], [ref2 ...]]``)."""
        return [self.references, *self.extra_references]


def _read_text(path: str | Path) -> str:
    """UTF-8 text of a file (``.gz`` transparently), with a one-line error naming file and byte offset."""
    path = Path(path)
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}); sacrebleu needs UTF-8 too") from None


def read_lines(path: str | Path) -> list[str]:
    """Lines exactly as the `sacrebleu` CLI reads them: split on ``\\n`` only, trailing whitespace stripped.

    A leading byte-order mark is kept (sacrebleu keeps it too, so scores stay identical); hamta warns.
    """
    text = _read_text(path)
    if text.startswith("\ufeff"):
        log.warning("%s starts with a byte-order mark; kept as sacrebleu does (it may cost a token)", path)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip() for line in lines]


def is_jsonl(path: str | Path) -> bool:
    """True for hamta JSONL records: a ``.jsonl`` name, or a first non-blank line that is a JSON object."""
    path = Path(path)
    if path.name.endswith((".jsonl", ".jsonl.gz")):
        return True
    try:
        text = _read_text(path)
    except InputError:
        return False
    for line in text.split("\n"):
        if line.strip():
            stripped = line.strip().lstrip("\ufeff")
            if not stripped.startswith("{"):
                return False
            try:
                return isinstance(json.loads(stripped), dict)
            except json.JSONDecodeError:
                return False
    return False


def read_jsonl_segments(path: str | Path, fields: Sequence[str]) -> list[tuple[str, int, str]]:
    """(doc, idx, text) of each record, text from the first of `fields` present; errors name file:line.

    Records without any of the fields are skipped when they are boilerplate (page furniture is not
    translated); otherwise they are an error.
    """
    out: list[tuple[str, int, str]] = []
    skipped = 0
    from hamta.records import parse_jsonl

    for lineno, data in parse_jsonl(_read_text(path).split("\n"), path):
        where = f"{path}:{lineno}"
        if "doc" not in data or "idx" not in data:
            raise InputError(f"{where}: a hamta record needs 'doc' and 'idx'")
        text = next((data[f] for f in fields if isinstance(data.get(f), str)), None)
        if text is None:
            if data.get("boilerplate"):
                skipped += 1
                continue
            raise InputError(f"{where}: record has no {' or '.join(repr(f) for f in fields)} field")
        try:
            idx = int(data["idx"])
        except (TypeError, ValueError):
            raise InputError(f"{where}: 'idx' must be an integer, got {data['idx']!r}") from None
        out.append((str(data["doc"]), idx, " ".join(text.split("\n")).rstrip()))
    if skipped:
        log.info("%s: %d boilerplate records without text skipped", path, skipped)
    if not out:
        raise InputError(f"{path}: no records with {' or '.join(fields)}")
    return out


def _group(records: list[tuple[str, int, str]], path: str | Path) -> OrderedDict[str, list[tuple[int, str]]]:
    docs: OrderedDict[str, list[tuple[int, str]]] = OrderedDict()
    for doc, idx, text in records:
        docs.setdefault(doc, []).append((idx, text))
    for doc, items in docs.items():
        items.sort(key=lambda it: it[0])
        seen = [i for i, _ in items]
        if len(set(seen)) != len(seen):
            raise InputError(f"{path}: document {doc!r} has duplicate idx values")
    return docs


def _count_empty(lines: Sequence[str]) -> int:
    return sum(1 for line in lines if not line.strip())


def system_names(paths: Sequence[str]) -> list[str]:
    """Short unique display names: file names, or the full paths where file names collide."""
    names = [Path(p).name for p in paths]
    if len(set(names)) != len(names):
        names = [str(p) for p in paths]
    if len(set(names)) != len(names):
        raise InputError(f"the same hypothesis file is given twice: {', '.join(paths)}")
    return names


def load_eval_data(
    reference: str | Path | Sequence[str | Path],
    hypotheses: Sequence[str | Path],
    *,
    docids: str | Path | None = None,
    source: str | Path | None = None,
    resegment: bool = True,
    aligner_options: dict | None = None,
) -> EvalData:
    """Read a reference and systems (line files or hamta JSONL) into segment-aligned streams.

    Args:
        reference: line file, or hamta JSONL (text from ``en``, else ``text``); or several of them
            (multi-reference scoring): a JSONL reference is matched to the first by doc and idx, a
            line file line by line.
        hypotheses: line files (one line per reference line) or hamta translation JSONL (``en``).
        docids: one document id per reference line (line-file references); JSONL brings its own.
        source: the source sentences, one per reference line (for the report's length buckets).
        resegment: re-align documents whose hypothesis is segmented differently from the reference;
            when False such a document is an error.
        aligner_options: keyword arguments for `hamta.align.parallel.align_sentences`.

    Raises:
        InputError: a count mismatch, a missing document, unreadable input (one line, naming files).
    """
    if not hypotheses:
        raise ValueError("no hypothesis files given")
    ref_all = [str(reference)] if isinstance(reference, (str, Path)) else [str(r) for r in reference]
    if not ref_all:
        raise ValueError("no reference files given")
    ref_path = ref_all[0]
    hyp_paths = [str(h) for h in hypotheses]
    names = system_names(hyp_paths)

    # the reference as (doc, idx, text) segments
    if is_jsonl(ref_path):
        ref_records = read_jsonl_segments(ref_path, ("en", "text"))
        ref_docs = _group(ref_records, ref_path)
        ref_keys = [(doc, idx) for doc, items in ref_docs.items() for idx, _ in items]
        ref_lines = [text for items in ref_docs.values() for _, text in items]
        if docids is not None:
            raise InputError(f"--docids is for line-file references; {ref_path} has its own 'doc' fields")
        docs: list[str] | None = [doc for doc, _ in ref_keys]
    else:
        ref_lines = read_lines(ref_path)
        if not ref_lines:
            raise InputError(f"{ref_path}: the reference is empty")
        docs = None
        if docids is not None:
            docs = read_lines(docids)
            if len(docs) != len(ref_lines):
                raise InputError(
                    f"{docids} has {len(docs)} lines but the reference {ref_path} has {len(ref_lines)}"
                )
        positions: dict[str, int] = {}
        ref_keys = []
        for doc in docs or []:
            ref_keys.append((doc, positions.get(doc, 0)))
            positions[doc] = positions.get(doc, 0) + 1
        if docs is None:
            ref_keys = [("", i) for i in range(len(ref_lines))]

    sources: list[str] | None = None
    if source is not None:
        sources = (
            read_lines(source)
            if not is_jsonl(source)
            else [t for _, _, t in read_jsonl_segments(source, ("text",))]
        )
        if len(sources) != len(ref_lines):
            raise InputError(
                f"source {source} has {len(sources)} lines but the reference {ref_path} has {len(ref_lines)}"
            )

    extra_lines = [_aligned_reference(p, ref_keys, ref_path) for p in ref_all[1:]]

    notes: list[str] = []
    # each system's hypothesis sentences per reference document
    per_system: list[dict[str, list[str]] | list[str]] = []
    for path in hyp_paths:
        if is_jsonl(path):
            per_system.append(_jsonl_by_reference(path, ref_keys, ref_path, docs is not None, notes))
        else:
            lines = read_lines(path)
            if len(lines) != len(ref_lines):
                raise InputError(
                    f"{path} has {len(lines)} lines but the reference {ref_path} has {len(ref_lines)}"
                )
            per_system.append(lines)

    all_refs, out_docs, out_sources, hyps, reseg_docs = _assemble(
        [ref_lines, *extra_lines], ref_keys, docs, sources, per_system, resegment, aligner_options or {}
    )
    systems = []
    for name, path, lines, per in zip(names, hyp_paths, hyps, per_system, strict=True):
        n_empty = _count_empty(lines)
        redone = tuple(d for d in reseg_docs if isinstance(per, dict) and d in per and _needs(per, d))
        systems.append(SystemInput(name, path, tuple(lines), n_empty, redone))
        if n_empty:
            notes.append(f"{name}: {n_empty} of {len(lines)} hypothesis segments are empty")
    references = all_refs[0]
    ref_empty = _count_empty(references)
    if ref_empty:
        notes.append(f"reference {Path(ref_path).name}: {ref_empty} of {len(references)} segments are empty")
    if reseg_docs:
        notes.append(
            f"{len(reseg_docs)} document(s) were segmented differently from the reference and were "
            f"re-aligned with hamta.align.parallel before scoring ({len(ref_lines)} reference "
            f"sentences scored as {len(references)} segments): "
            f"{', '.join(reseg_docs[:5])}{' ...' if len(reseg_docs) > 5 else ''}"
        )
    return EvalData(
        references=tuple(references),
        systems=tuple(systems),
        docs=tuple(out_docs) if out_docs is not None else None,
        sources=tuple(out_sources) if out_sources is not None else None,
        ref_path=ref_path,
        extra_references=tuple(tuple(r) for r in all_refs[1:]),
        ref_paths=tuple(ref_all),
        ref_empty=ref_empty,
        resegmented=tuple(reseg_docs),
        notes=tuple(notes),
    )


_NEEDS_KEY = "\0needs"


def _needs(per: dict, doc: str) -> bool:
    return doc in per.get(_NEEDS_KEY, ())


def _jsonl_by_reference(
    path: str, ref_keys: list[tuple[str, int]], ref_path: str, has_docs: bool, notes: list[str]
) -> dict | list[str]:
    """A JSONL system's sentences grouped by reference document (or a flat list without documents)."""
    records = read_jsonl_segments(path, ("en",))
    hyp_docs = _group(records, path)
    if not has_docs:  # a line-file reference without --docids: records in file order, one per line
        lines = [text for items in hyp_docs.values() for _, text in items]
        if len(lines) != len(ref_keys):
            raise InputError(
                f"{path} has {len(lines)} records but the reference {ref_path} has {len(ref_keys)} lines "
                "(give --docids to match records to the reference by document)"
            )
        return lines
    ref_idx: OrderedDict[str, list[int]] = OrderedDict()
    for doc, idx in ref_keys:
        ref_idx.setdefault(doc, []).append(idx)
    missing = [d for d in ref_idx if d not in hyp_docs]
    if missing:
        raise InputError(
            f"{path} has no records for {len(missing)} document(s) of the reference {ref_path}: "
            f"{', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}"
        )
    extra = [d for d in hyp_docs if d not in ref_idx]
    if extra:
        notes.append(f"{Path(path).name}: {len(extra)} document(s) not in the reference were ignored")
    out: dict = {}
    needs = []
    for doc, idxs in ref_idx.items():
        items = hyp_docs[doc]
        out[doc] = [text for _, text in items]
        if [i for i, _ in items] != idxs:
            needs.append(doc)
    out[_NEEDS_KEY] = tuple(needs)
    return out


def _aligned_reference(path: str, ref_keys: list[tuple[str, int]], first: str) -> list[str]:
    """Another reference's segments in the first reference's order (JSONL by doc and idx, else by line)."""
    if is_jsonl(path):
        texts = {(doc, idx): text for doc, idx, text in read_jsonl_segments(path, ("en", "text"))}
        if all(doc == "" for doc, _ in ref_keys):  # a line-file first reference: records in file order
            lines = list(texts.values())
        else:
            missing = [k for k in ref_keys if k not in texts]
            if missing:
                doc, idx = missing[0]
                raise InputError(
                    f"reference {path} has no segment doc={doc!r} idx={idx} of the first reference {first} "
                    f"({len(missing)} missing)"
                )
            return [texts[k] for k in ref_keys]
    else:
        lines = read_lines(path)
    if len(lines) != len(ref_keys):
        raise InputError(
            f"reference {path} has {len(lines)} segments but the first reference {first} has {len(ref_keys)}"
        )
    return lines


def _assemble(
    refs_lines: list[list[str]],
    ref_keys: list[tuple[str, int]],
    docs: list[str] | None,
    sources: list[str] | None,
    per_system: list,
    resegment: bool,
    aligner_options: dict,
) -> tuple[list[list[str]], list[str] | None, list[str] | None, list[list[str]], list[str]]:
    """Build the scored segments: 1-1 where segmentations agree, re-aligned groups where they do not.

    Groups are found against the first reference; every other reference is joined by the same groups.
    """
    ref_lines = refs_lines[0]
    if all(isinstance(p, list) for p in per_system):
        return [list(r) for r in refs_lines], docs, sources, [list(p) for p in per_system], []
    doc_rows: OrderedDict[str, list[int]] = OrderedDict()
    for row, (doc, _) in enumerate(ref_keys):
        doc_rows.setdefault(doc, []).append(row)
    needs = sorted(
        {d for p in per_system if isinstance(p, dict) for d in p[_NEEDS_KEY]}, key=list(doc_rows).index
    )
    if needs and not resegment:
        raise InputError(
            f"{len(needs)} document(s) are segmented differently in a hypothesis than in the reference "
            f"(first: {needs[0]!r}); allow re-alignment or fix the segmentation"
        )
    references: list[list[str]] = [[] for _ in refs_lines]
    out_docs: list[str] = []
    out_sources: list[str] | None = [] if sources is not None else None
    hyps: list[list[str]] = [[] for _ in per_system]
    for doc, rows in doc_rows.items():
        doc_hyps = [p[doc] if isinstance(p, dict) else [p[r] for r in rows] for p in per_system]
        if doc not in needs:
            groups = [(r,) for r in range(len(rows))]
            per_sys_groups = [[h[i] for i in range(len(rows))] for h in doc_hyps]
        else:
            from hamta.eval.resegment import resegment_document

            ref_sents = [ref_lines[r] for r in rows]
            flags = [isinstance(p, dict) and doc in p[_NEEDS_KEY] for p in per_system]
            groups, per_sys_groups = resegment_document(ref_sents, doc_hyps, flags, **aligner_options)
        for group in groups:
            for out, lines in zip(references, refs_lines, strict=True):
                out.append(" ".join(lines[rows[g]] for g in group if lines[rows[g]]))
            out_docs.append(doc)
            if out_sources is not None and sources is not None:
                out_sources.append(" ".join(sources[rows[g]] for g in group if sources[rows[g]]))
        for k, texts in enumerate(per_sys_groups):
            hyps[k].extend(texts)
    return references, (out_docs if docs is not None else None), out_sources, hyps, needs
