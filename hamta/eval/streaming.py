"""Sufficient statistics at corpus scale: stream the lines, keep only numbers, spread the work over processes.

Why: sacrebleu caches every reference's n-grams (Python Counters) and holds every line in memory, which
is gigabytes at 100k lines. Per segment, though, a metric needs only that segment's references: this
module reads the reference and hypothesis files together, chunk by chunk, and for each segment runs
sacrebleu's own per-segment code (``_preprocess_segment``, ``_extract_reference_info``,
``_compute_segment_statistics``, exactly what ``_extract_corpus_statistics`` runs) and keeps only the
numbers, as numpy arrays. The reference information of a segment is computed once and shared by every
system. Chunks go to ``jobs`` worker processes and come back in order, with a bounded number in flight
so memory does not grow with the input.

Example:
    >>> from hamta.eval.metrics import MetricOptions
    >>> chunks = [([["The cat sat."]], [["The cat sat."], ["A cat sat."]])]
    >>> stats = extract_statistics(chunks, ["chrf"], MetricOptions(), n_systems=2, n_refs=1, jobs=1)
    >>> round(stats[1, "chrf"].corpus_score().score, 1)
    61.1
"""

from __future__ import annotations

import gc
import gzip
import logging
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hamta.errors import InputError
from hamta.eval.metrics import MetricOptions, SystemStats, compact_array

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "DEFAULT_CHUNK",
    "Chunk",
    "LineStreams",
    "available_cores",
    "extract_statistics",
    "memory_chunks",
    "read_line_file",
]

log = logging.getLogger("hamta.eval.streaming")

#: segments per task sent to a worker (big enough to amortise pickling, small enough to bound memory)
DEFAULT_CHUNK = 2000
#: tasks in flight per worker: enough to keep workers busy while the reader works, no more
_IN_FLIGHT_PER_JOB = 2
#: sacrebleu warns when this many BLEU hypotheses end in " ." (tokenized text)
_TOKENIZED_WARN = 100

#: one task: (reference columns: one list of lines per reference, hypothesis columns: one per system)
Chunk = tuple[list[list[str]], list[list[str]]]


def available_cores() -> int:
    """CPU cores this process may run on (the affinity mask, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def read_line_file(path: str | Path) -> Iterator[str]:
    """A file's lines as the sacrebleu CLI reads them (UTF-8, split on ``\\n`` only, right-stripped)."""
    path = str(path)
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(f"{path}:{lineno}: not UTF-8 text (byte {exc.start} of the line)") from None
            if lineno == 1 and line.startswith("\ufeff"):
                log.warning(
                    "%s starts with a byte-order mark; kept as sacrebleu does (it may cost a token)", path
                )
            yield line.rstrip()


@dataclass
class LineStreams:
    """Reference, hypothesis (and document-id) line files read in lockstep, in chunks.

    Counts are filled in while iterating: `n_lines`, and `n_empty` per file. A file with a different
    number of lines is an `InputError` naming both files and both counts (found when the shorter ends).

    Attributes:
        references: one or more reference files (several = multi-reference scoring, as sacrebleu).
        hypotheses: the systems' files.
        docids: optional document id per line (kept in memory: one short string per segment).
        chunk_size: lines per chunk.
    """

    references: Sequence[str]
    hypotheses: Sequence[str]
    docids: str | None = None
    chunk_size: int = DEFAULT_CHUNK
    n_lines: int = 0
    n_empty: dict[str, int] = field(default_factory=dict)
    docs: list[str] | None = None

    def __iter__(self) -> Iterator[Chunk]:
        paths = [*self.references, *self.hypotheses]
        n_refs = len(self.references)
        self.n_lines = 0
        self.n_empty = {p: 0 for p in paths}
        self.docs = [] if self.docids is not None else None
        interned: dict[str, str] = {}
        readers = [read_line_file(str(p)) for p in paths]
        doc_reader = read_line_file(str(self.docids)) if self.docids is not None else None
        columns: list[list[str]] = [[] for _ in paths]
        while True:
            lines = [next(r, None) for r in readers]
            if all(line is None for line in lines):
                break
            if any(line is None for line in lines):
                self._length_error(paths, lines, readers)
            for col, path, line in zip(columns, paths, lines, strict=True):
                col.append(line)  # type: ignore[arg-type]
                if not line.strip():  # type: ignore[union-attr]
                    self.n_empty[path] += 1
            if doc_reader is not None and self.docs is not None:
                doc = next(doc_reader, None)
                if doc is None:
                    raise InputError(f"{self.docids} has fewer lines than the reference {paths[0]}")
                self.docs.append(interned.setdefault(doc, doc))
            self.n_lines += 1
            if len(columns[0]) >= self.chunk_size:
                yield columns[:n_refs], columns[n_refs:]
                columns = [[] for _ in paths]
        if doc_reader is not None and next(doc_reader, None) is not None:
            raise InputError(f"{self.docids} has more lines than the reference {paths[0]} ({self.n_lines})")
        if self.n_lines == 0:
            raise InputError(f"{paths[0]}: the reference is empty")
        if columns[0]:
            yield columns[:n_refs], columns[n_refs:]

    def _length_error(self, paths: list[str], lines: list[str | None], readers: list[Iterator[str]]) -> None:
        counts = [
            self.n_lines + (line is not None) + sum(1 for _ in r)
            for line, r in zip(lines, readers, strict=True)
        ]
        ref = paths[0]
        bad = next(i for i, c in enumerate(counts) if c != counts[0]) if len(set(counts)) > 1 else 0
        raise InputError(f"{paths[bad]} has {counts[bad]} lines but the reference {ref} has {counts[0]}")


def memory_chunks(
    references: Sequence[Sequence[str]], systems: Sequence[Sequence[str]], chunk_size: int = DEFAULT_CHUNK
) -> Iterator[Chunk]:
    """In-memory streams cut into the same chunks as `LineStreams` (for the API and JSONL inputs)."""
    n = len(references[0])
    for start in range(0, n, chunk_size):
        stop = min(n, start + chunk_size)
        yield [list(r[start:stop]) for r in references], [list(h[start:stop]) for h in systems]


class _ChunkScorer:
    """What a worker holds: one sacrebleu metric object per key (no reference cache)."""

    def __init__(self, keys: Sequence[str], options: MetricOptions) -> None:
        self.metrics = {k: options.build(k) for k in keys}

    def __call__(self, chunk: Chunk) -> tuple[dict[str, list[np.ndarray]], dict[str, list[int]], dict]:
        """Each system's statistics for each metric on one chunk, as sacrebleu computes them per segment.

        Returns arrays (key -> one per system), BLEU's tokenized-period counts and the Python types of
        each statistic (from the first row).
        """
        was_enabled = gc.isenabled()
        gc.disable()  # the per-segment code makes no reference cycles; collections only cost time (~10 %)
        try:
            return self._score(chunk)
        finally:
            if was_enabled:
                gc.enable()

    def _score(self, chunk: Chunk) -> tuple[dict[str, list[np.ndarray]], dict[str, list[int]], dict]:
        ref_cols, hyp_cols = chunk
        n = len(ref_cols[0])
        arrays: dict[str, list[np.ndarray]] = {}
        tokenized: dict[str, list[int]] = {}
        types: dict[str, tuple[type, ...]] = {}
        for key, metric in self.metrics.items():
            prep, segment_stats, ref_info = (
                metric._preprocess_segment,
                metric._compute_segment_statistics,
                metric._extract_reference_info,
            )
            rows: list[list[list[Any]]] = [[] for _ in hyp_cols]
            tok = [0] * len(hyp_cols)
            for i in range(n):
                # as Metric._cache_references: drop undefined references, preprocess, extract
                info = ref_info([prep(col[i]) for col in ref_cols if col[i] is not None])
                for s, hyps in enumerate(hyp_cols):
                    hyp = hyps[i]
                    if not metric._force and hyp.endswith(" ."):
                        tok[s] += 1
                    rows[s].append(segment_stats(prep(hyp), info))
            arrays[key] = [compact_array(r) for r in rows]
            tokenized[key] = tok
            types[key] = tuple(type(v) for v in rows[0][0])
        return arrays, tokenized, types


_WORKER: _ChunkScorer | None = None


def _init_worker(keys: Sequence[str], options: MetricOptions) -> None:
    global _WORKER
    _WORKER = _ChunkScorer(keys, options)


def _run_chunk(chunk: Chunk) -> Any:
    if _WORKER is None:
        raise RuntimeError("hamta scoring worker used before its initializer ran")
    return _WORKER(chunk)


def _pool_context() -> Any:
    """``fork`` (instant start) unless torch is loaded (threads + fork deadlock); then ``spawn``."""
    import multiprocessing as mp

    if sys.platform.startswith("linux") and "torch" not in sys.modules:
        return mp.get_context("fork")
    return mp.get_context("spawn")


def _ordered_results(
    chunks: Iterable[Chunk], keys: Sequence[str], options: MetricOptions, jobs: int
) -> Iterator:
    """Each chunk's result, in input order; with ``jobs > 1`` from a process pool, bounded in flight."""
    it = iter(chunks)
    first = next(it, None)
    if first is None:
        return
    second = next(it, None)
    if jobs <= 1 or second is None:  # one chunk: a pool costs more than it saves
        scorer = _ChunkScorer(keys, options)
        yield scorer(first)
        if second is not None:
            yield scorer(second)
        for chunk in it:
            yield scorer(chunk)
        return
    from concurrent.futures import ProcessPoolExecutor

    pending: deque = deque()
    limit = jobs * _IN_FLIGHT_PER_JOB
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=_pool_context(), initializer=_init_worker, initargs=(list(keys), options)
    ) as pool:
        for chunk in (first, second):
            pending.append(pool.submit(_run_chunk, chunk))
        for chunk in it:
            pending.append(pool.submit(_run_chunk, chunk))
            while len(pending) >= limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def extract_statistics(
    chunks: Iterable[Chunk],
    keys: Sequence[str],
    options: MetricOptions,
    *,
    n_systems: int,
    n_refs: int,
    jobs: int = 1,
    system_names: Sequence[str] | None = None,
    progress: Any = None,
) -> dict[tuple[int, str], SystemStats]:
    """Per-segment statistics of every system for every metric, keyed by (system index, metric key).

    Args:
        chunks: (reference columns, hypothesis columns) per chunk, e.g. from `LineStreams`.
        keys: hamta metric keys.
        options: metric options (tokenizer, case).
        n_systems, n_refs: how many hypothesis and reference columns each chunk has.
        jobs: worker processes (1: in this process).
        system_names: for warnings.
        progress: an object with ``update(n_segments)`` (a tqdm bar), or None.
    """
    import numpy as np

    parts: dict[tuple[int, str], list[np.ndarray]] = {(s, k): [] for s in range(n_systems) for k in keys}
    tokenized = {(s, k): 0 for s in range(n_systems) for k in keys}
    col_types: dict[str, tuple[type, ...]] = {}
    for arrays, tok, types in _ordered_results(chunks, keys, options, jobs):
        for key in keys:
            col_types.setdefault(key, types[key])
            for s in range(n_systems):
                parts[s, key].append(arrays[key][s])
                tokenized[s, key] += tok[key][s]
        if progress is not None:
            progress.update(len(arrays[keys[0]][0]))
    out: dict[tuple[int, str], SystemStats] = {}
    for key in keys:
        metric = options.build(key)
        metric.num_refs = n_refs  # what `_cache_references` sets: every segment has all references
        for s in range(n_systems):
            chunks_s = parts.pop((s, key))
            if not chunks_s:
                raise InputError("no segments to score")
            dtype = np.result_type(*[a.dtype for a in chunks_s])
            array = np.concatenate(chunks_s).astype(dtype, copy=False)
            out[s, key] = SystemStats(metric=metric, array=array, col_types=col_types[key])
            if tokenized[s, key] >= _TOKENIZED_WARN:
                name = system_names[s] if system_names else f"system {s + 1}"
                log.warning(
                    "%s: %d lines end in a tokenized period (' .'); sacrebleu expects detokenized text",
                    name,
                    tokenized[s, key],
                )
    return out
