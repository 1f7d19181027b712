"""Pure helpers of the translate loop (`hamta.translate.translator.Translator` runs it).

* `normalize_source`: the cache-key text of a sentence.
* `plan_batches`: which pieces share a batch. Only pieces of the same token length do (no padding), so a
  sentence's output is exactly the one it gets alone; see the module doc of `hamta.translate.translator`.
* `plan_bucketed_batches`, `bucket_length`: the same guarantee with fuller batches, for engines whose rows
  do not interact (CTranslate2): pieces of one length *bucket* share a batch, and every batch is padded to
  its bucket's length (the engine adds a guard row of that length), so a piece is always padded to the
  same width whoever its batch-mates are.
* `finish_pieces`: joins the pieces of a split sentence and sets its flags.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import NamedTuple

from hamta.translate.base import Translation
from hamta.translate.flags import (
    FLAG_MAX_LENGTH,
    FLAG_REPETITION,
    FLAG_SPLIT_LONG,
    FLAG_UNK,
    abnormal_repetition,
)
from hamta.translate.languages import canonical_language

__all__ = [
    "plan_batches",
    "plan_bucketed_batches",
    "spread_batches",
    "GUARD_ROWS",
    "BatchCost",
    "batch_cost",
    "bucket_length",
    "plan_padded_batches",
    "BATCHING",
    "normalize_source",
    "Piece",
    "finish_pieces",
]


class Piece(NamedTuple):
    """The translation of one piece of a source (a whole sentence unless it was split)."""

    text: str
    n_tokens: int
    hit_limit: bool
    unk: bool = False


def plan_batches(lengths: Sequence[int], max_batch_tokens: int) -> list[list[int]]:
    """Indices grouped into batches of equal length, longest first, each with ``length * size <= budget``.

    Why equal lengths: with padding, a sentence's numbers (int8 above all) depend on its batch-mates, and
    so, now and then, does its translation; without, it decodes exactly as alone. An item longer than the
    budget gets a batch of its own. Ties keep input order, so the plan is deterministic.

    Example:
        >>> plan_batches([3, 10, 4, 10, 3, 3], 9)
        [[1], [3], [2], [0, 4, 5]]
    """
    by_length: dict[int, list[int]] = defaultdict(list)
    for i, length in enumerate(lengths):
        by_length[length].append(i)
    batches: list[list[int]] = []
    for length in sorted(by_length, reverse=True):
        members = by_length[length]
        size = max(1, max_batch_tokens // max(1, length))
        batches.extend(members[i : i + size] for i in range(0, len(members), size))
    return batches


class BatchCost(NamedTuple):
    """What CTranslate2 batches of one model family cost (measured by `benchmarks/batch_cost.py`)."""

    #: the smallest padded width; below it padding costs nothing measurable, and fewer buckets make fewer,
    #: fuller batches
    min_bucket: int
    #: (rows, seconds) of one batch, rows ascending: each decoding step reads the whole model and scores
    #: the whole vocabulary, whatever the batch size, so one row costs several rows' worth
    by_rows: tuple[tuple[int, float], ...]

    def seconds(self, rows: int) -> float:
        """A batch of ``rows`` rows: the measured curve, interpolated, extended by its last slope."""
        points = self.by_rows
        for (r0, t0), (r1, t1) in zip(points, points[1:], strict=False):  # noqa: B007 - the last segment
            if rows <= r1:
                break
        return t0 + (t1 - t0) * (rows - r0) / (r1 - r0)


#: for families `benchmarks/batch_cost.py` did not measure: the flatter measured curve (Marian's)
_FALLBACK_FAMILY = "marian"


@lru_cache(maxsize=1)
def _batch_costs() -> dict:
    from importlib import resources

    return json.loads(resources.files("hamta.data").joinpath("batch_cost.json").read_text(encoding="utf-8"))


def batch_cost(family: str) -> BatchCost:
    """The measured batch costs of ``family`` (hamta/data/batch_cost.json).

    Example:
        >>> cost = batch_cost("nllb")
        >>> cost.seconds(2) < 2 * cost.seconds(1)  # a second row costs far less than a second batch
        True
    """
    data = _batch_costs()
    fams = data["families"]
    curve = fams.get(family, fams[_FALLBACK_FAMILY])["seconds_by_rows"]
    return BatchCost(int(data["min_bucket"]), tuple(sorted((int(r), float(t)) for r, t in curve.items())))


def bucket_length(length: int, cap: int, min_bucket: int) -> int:
    """The padded width of a source of ``length`` tokens: the next power of two from ``min_bucket``
    (`BatchCost.min_bucket`) on, never above ``cap`` (the model's input limit) nor below ``length``; a
    source is padded to less than twice its length.

    Example:
        >>> [bucket_length(n, 512, min_bucket=8) for n in (1, 8, 9, 17, 33, 300)]
        [8, 8, 16, 32, 64, 512]
    """
    width = min_bucket
    while width < length:
        width *= 2
    return max(length, min(width, cap))


def plan_bucketed_batches(lengths: Sequence[int], max_batch_tokens: int, cap: int,
                          min_bucket: int) -> list[list[int]]:
    """Indices grouped by `bucket_length`, widest bucket first, each batch with ``width * (size + 1) <=
    budget`` (the one is the engine's guard row).

    Example:
        >>> plan_bucketed_batches([3, 10, 4, 12, 3, 30], 64, 512, min_bucket=8)
        [[5], [1, 3], [0, 2, 4]]
    """
    by_bucket: dict[int, list[int]] = defaultdict(list)
    for i, length in enumerate(lengths):
        by_bucket[bucket_length(length, cap, min_bucket)].append(i)
    batches: list[list[int]] = []
    for width in sorted(by_bucket, reverse=True):
        members = by_bucket[width]
        size = max(1, max_batch_tokens // width - 1)
        batches.extend(members[i : i + size] for i in range(0, len(members), size))
    return batches


#: rows a bucketed batch decodes besides its members: the engine's guard row (it sets the padded width)
GUARD_ROWS = 1


def _makespan(costs: Sequence[float], parts: int) -> float:
    """The busiest worker's load when batches go largest first to the least loaded worker (how a queue
    feeding ``parts`` parallel workers plays out)."""
    loads = [0.0] * max(1, parts)
    for cost in sorted(costs, reverse=True):
        loads[loads.index(min(loads))] += cost
    return max(loads)


def spread_batches(batches: list[list[int]], parts: int, seconds: Callable[[int], float]) -> list[list[int]]:
    """Batches balanced over ``parts`` parallel workers, largest first.

    ``seconds(rows)`` is what a batch of that many rows costs (`BatchCost.seconds`; a batch decodes
    `GUARD_ROWS` more than its members). The largest batch is cut in two, at the point that shortens the
    busiest worker's load the most, for as long as a cut shortens it at all: a small job keeps every
    worker busy, while a job whose batches already share out evenly is not cut (each cut adds a guard row
    and a batch's fixed cost). Members keep their order within each batch.

    Example:
        >>> per_row = lambda rows: float(rows)
        >>> spread_batches([[0, 1, 2, 3, 4, 5], [6]], 2, per_row)
        [[2, 3, 4, 5], [0, 1], [6]]
        >>> spread_batches([[0, 1, 2, 3], [4]], 2, lambda rows: rows + 4.0)  # a cut would not finish sooner
        [[0, 1, 2, 3], [4]]
    """
    out = [list(b) for b in batches if b]

    def makespan(plan: list[list[int]]) -> float:
        return _makespan([seconds(len(b) + GUARD_ROWS) for b in plan], parts)

    best = makespan(out)
    while out and parts > 1:
        k = max(range(len(out)), key=lambda i: len(out[i]))
        if len(out[k]) < 2:
            break
        cuts = (out[:k] + [out[k][:c], out[k][c:]] + out[k + 1 :] for c in range(1, len(out[k])))
        trial_cost, trial = min(((makespan(plan), plan) for plan in cuts), key=lambda x: x[0])
        if trial_cost >= best:
            break
        out, best = trial, trial_cost
    return sorted(out, key=len, reverse=True)


def plan_padded_batches(lengths: Sequence[int], max_batch_tokens: int) -> list[list[int]]:
    """Indices sorted by length, longest first, cut into batches with ``width * size <= budget``.

    Fuller batches than `plan_batches` (faster on small jobs), but sources are padded to the batch's
    widest, so a sentence's output can depend on its batch-mates (``batching="padded"``, opt-in).

    Example:
        >>> plan_padded_batches([3, 10, 4, 9], 20)
        [[1, 3], [2, 0]]
    """
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    width = 0
    for i in order:
        if current and width * (len(current) + 1) > max_batch_tokens:
            batches.append(current)
            current = []
        if not current:
            width = lengths[i]  # descending order: the first item is the widest
        current.append(i)
    if current:
        batches.append(current)
    return batches


#: ``Translator(batching=...)`` -> batch planner
BATCHING = {"exact": plan_batches, "padded": plan_padded_batches}


def normalize_source(text: str, lang: str) -> str:
    """The cache key text: hamta's normalization (`hamta.text.normalize`) with whitespace collapsed."""
    canon = canonical_language(lang) or "other"
    try:
        from hamta.text.normalize import normalize
    except ImportError:  # pragma: no cover - the text module ships with hamta
        normalized = unicodedata.normalize("NFC", text)
    else:
        normalized = normalize(text, canon).text
    return " ".join(normalized.split())


def finish_pieces(pieces: Sequence[Piece], source: str) -> Translation:
    """One sentence's `Translation` from its pieces' (joined text, summed tokens, any piece's flags)."""
    text = " ".join(p.text for p in pieces if p.text).strip()
    flags: list[str] = []
    if any(p.hit_limit for p in pieces):
        flags.append(FLAG_MAX_LENGTH)
    if abnormal_repetition(text, source):
        flags.append(FLAG_REPETITION)
    if len(pieces) > 1:
        flags.append(FLAG_SPLIT_LONG)
    if any(p.unk for p in pieces):
        flags.append(FLAG_UNK)
    return Translation(text=text, flags=tuple(flags), n_tokens=sum(p.n_tokens for p in pieces))
