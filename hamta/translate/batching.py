"""Pure helpers of the translate loop (`hamta.translate.translator.Translator` runs it).

* `normalize_source`: the cache-key text of a sentence.
* `plan_padded_batches`: the default: pieces sorted by length and cut into equal batches padded to their
  widest, as raw CTranslate2 batches a call (fastest; a piece's output can depend on its batch-mates).
* `plan_batches` (``batching="exact"``, hf): only pieces of the same token length share a batch (no
  padding), so a sentence's output is exactly the one it gets alone; see the module doc of
  `hamta.translate.translator`.
* `plan_bucketed_batches`, `bucket_length` (``batching="exact"``, ct2): the same guarantee with fuller
  batches, for engines whose rows do not interact: pieces of one length *bucket* share a batch, and every
  batch is padded to its bucket's length (the engine adds a guard row of that length), so a piece is
  always padded to the same width whoever its batch-mates are.
* `batch_cost`, `spread_batches`: what a batch costs per model size (measured), the row limit every plan
  keeps to, and the balance of whole batches over parallel workers.
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
    "NO_ROW_LIMIT",
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


#: no limit on a batch's rows besides the token budget (families whose cost curve was not measured)
NO_ROW_LIMIT = 1 << 30


def _batch_size(budget: int, width: int, max_rows: int, extra_rows: int = 0) -> int:
    """Members per batch of padded ``width``: the token budget and the row limit (both counting
    ``extra_rows`` the engine adds), at least one."""
    return max(1, min(budget // max(1, width), max_rows) - extra_rows)


def _grouped(by_width: dict[int, list[int]], size_of: Callable[[int], int]) -> list[list[int]]:
    """Each group's members cut into batches of ``size_of(width)``, widest group first."""
    batches: list[list[int]] = []
    for width in sorted(by_width, reverse=True):
        members, size = by_width[width], size_of(width)
        batches.extend(members[i : i + size] for i in range(0, len(members), size))
    return batches


def plan_batches(lengths: Sequence[int], max_batch_tokens: int,
                 max_rows: int = NO_ROW_LIMIT) -> list[list[int]]:
    """Indices grouped into batches of equal length, longest first, each with ``length * size <= budget``
    and at most ``max_rows`` (`BatchCost.max_rows`) members.

    Why equal lengths: with padding, a sentence's numbers (int8 above all) depend on its batch-mates, and
    so, now and then, does its translation; without, it decodes exactly as alone. An item longer than the
    budget gets a batch of its own. Ties keep input order, so the plan is deterministic.

    Example:
        >>> plan_batches([3, 10, 4, 10, 3, 3], 9)
        [[1], [3], [2], [0, 4, 5]]
        >>> plan_batches([3, 10, 4, 10, 3, 3], 9, max_rows=2)
        [[1], [3], [2], [0, 4], [5]]
    """
    by_length: dict[int, list[int]] = defaultdict(list)
    for i, length in enumerate(lengths):
        by_length[length].append(i)
    return _grouped(by_length, lambda width: _batch_size(max_batch_tokens, width, max_rows))


class BatchCost(NamedTuple):
    """What CTranslate2 batches of one model family cost (measured by `benchmarks/batch_cost.py`)."""

    #: the smallest padded width; below it padding costs nothing measurable, and fewer buckets make fewer,
    #: fuller batches
    min_bucket: int
    #: (rows, seconds) of one batch, rows ascending: each decoding step reads the whole model and scores
    #: the whole vocabulary, whatever the batch size, so one row costs several rows' worth
    by_rows: tuple[tuple[int, float], ...]
    #: the most rows a batch should decode: past it a row costs more, not less (at NLLB size a step's
    #: beam x 256k-entry scores outgrow the CPU's caches)
    max_rows: int = NO_ROW_LIMIT

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
    measured = fams.get(family, fams[_FALLBACK_FAMILY])
    curve = measured["seconds_by_rows"]
    return BatchCost(int(data["min_bucket"]), tuple(sorted((int(r), float(t)) for r, t in curve.items())),
                     int(measured.get("max_rows", NO_ROW_LIMIT)))


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


#: rows a bucketed batch decodes besides its members: the engine's guard row (it sets the padded width)
GUARD_ROWS = 1


def plan_bucketed_batches(lengths: Sequence[int], max_batch_tokens: int, cap: int,
                          min_bucket: int, max_rows: int = NO_ROW_LIMIT) -> list[list[int]]:
    """Indices grouped by `bucket_length`, widest bucket first, each batch with ``width * (size + 1) <=
    budget`` and ``size + 1 <= max_rows`` (the one is the engine's guard row, `GUARD_ROWS`).

    Example:
        >>> plan_bucketed_batches([3, 10, 4, 12, 3, 30], 64, 512, min_bucket=8)
        [[5], [1, 3], [0, 2, 4]]
        >>> plan_bucketed_batches([3, 10, 4, 12, 3, 30], 64, 512, min_bucket=8, max_rows=3)
        [[5], [1, 3], [0, 2], [4]]
    """
    by_bucket: dict[int, list[int]] = defaultdict(list)
    for i, length in enumerate(lengths):
        by_bucket[bucket_length(length, cap, min_bucket)].append(i)
    return _grouped(by_bucket, lambda width: _batch_size(max_batch_tokens, width, max_rows, GUARD_ROWS))


def _makespan(costs: Sequence[float], parts: int) -> float:
    """The busiest worker's load when batches go largest first to the least loaded worker (how a queue
    feeding ``parts`` parallel workers plays out)."""
    loads = [0.0] * max(1, parts)
    for cost in sorted(costs, reverse=True):
        loads[loads.index(min(loads))] += cost
    return max(loads)


def spread_batches(batches: list[list[int]], parts: int, seconds: Callable[[int], float],
                   extra_rows: int = GUARD_ROWS) -> list[list[int]]:
    """Batches balanced over ``parts`` parallel workers, largest first.

    ``seconds(rows)`` is what a batch of that many rows costs (`BatchCost.seconds`; a batch decodes
    ``extra_rows`` more than its members: `GUARD_ROWS` for bucketed batches, none for padded ones). The
    largest batch is cut in two, at the point that shortens the busiest worker's load the most, for as
    long as a cut shortens it at all: a small job keeps every worker busy, while a job whose batches
    already share out evenly is not cut (each cut adds a batch's fixed cost, and a guard row). Members
    keep their order within each batch.

    Example:
        >>> per_row = lambda rows: float(rows)
        >>> spread_batches([[0, 1, 2, 3, 4, 5], [6]], 2, per_row)
        [[2, 3, 4, 5], [0, 1], [6]]
        >>> spread_batches([[0, 1, 2, 3], [4]], 2, lambda rows: rows + 4.0)  # a cut would not finish sooner
        [[0, 1, 2, 3], [4]]
    """
    out = [list(b) for b in batches if b]

    def makespan(plan: list[list[int]]) -> float:
        return _makespan([seconds(len(b) + extra_rows) for b in plan], parts)

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


def plan_padded_batches(lengths: Sequence[int], max_batch_tokens: int, max_rows: int = NO_ROW_LIMIT,
                        parts: int = 1) -> list[list[int]]:
    """Indices sorted by length, longest first, cut into batches with ``width * size <= budget`` and at
    most ``max_rows`` members, as many batches as a multiple of ``parts`` (parallel workers) and of
    equal size where the budget allows.

    Equal batches are what raw CTranslate2 gets when a call is cut into equal parts per worker: no worker
    waits at the end of the call for another's larger batch, and no batch pays its fixed cost for a few
    rows. Sources are padded to the batch's widest, so a sentence's output can depend on its batch-mates.

    Example:
        >>> plan_padded_batches([3, 10, 4, 9], 20)
        [[1, 3], [2, 0]]
        >>> plan_padded_batches([5] * 10, 100, max_rows=4, parts=2)  # 4 + 4 + 2 would leave a worker idle
        [[0, 1], [2, 3], [4, 5, 6], [7, 8, 9]]
    """
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    width = 0
    for i in order:
        if current and (width * (len(current) + 1) > max_batch_tokens or len(current) >= max_rows):
            batches.append(current)
            current = []
        if not current:
            width = lengths[i]  # descending order: the first item is the widest
        current.append(i)
    if current:
        batches.append(current)
    return _equal_batches(order, lengths, max_batch_tokens, max_rows, parts, len(batches)) or batches


def _equal_batches(order: list[int], lengths: Sequence[int], budget: int, max_rows: int, parts: int,
                   fewest: int) -> list[list[int]] | None:
    """``order`` cut into equal batches, as many as a multiple of ``parts`` from ``fewest`` (what the
    greedy cut needs) up to twice that, the first count whose batches all keep to the budget and the
    row limit; None if none does."""
    parts = max(1, parts)
    first = -(-max(1, fewest) // parts) * parts
    for count in range(first, min(2 * first, len(order)) + 1, parts):
        # sizes differ by one at most; the longer batches hold the shorter sources (they come last)
        base, longer = divmod(len(order), count)
        ends = [(k + 1) * base + max(0, k + 1 - (count - longer)) for k in range(count)]
        cut = [order[start:end] for start, end in zip([0, *ends], ends, strict=False)]
        if all(len(b) == 1 or (len(b) <= max_rows and lengths[b[0]] * len(b) <= budget) for b in cut):
            return cut
    return None


#: the ``Translator(batching=...)`` modes: ``"padded"`` plans with `plan_padded_batches`, ``"exact"`` with
#: `plan_bucketed_batches` (engines with ``pad_buckets``) or `plan_batches`
BATCHING = ("exact", "padded")


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
