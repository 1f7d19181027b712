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

import unicodedata
from collections import defaultdict
from collections.abc import Sequence
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


#: the smallest bucket; buckets double from here (8, 16, 32, ...): a source is padded to at most twice its
#: length, which costs little (the encoder runs once; each decoding step reads the whole model anyway)
MIN_BUCKET = 8


def bucket_length(length: int, cap: int) -> int:
    """The padded width of a source of ``length`` tokens: the next power of two from `MIN_BUCKET` on,
    never above ``cap`` (the model's input limit) nor below ``length``.

    Example:
        >>> [bucket_length(n, 512) for n in (1, 8, 9, 17, 33, 300)]
        [8, 8, 16, 32, 64, 512]
    """
    width = MIN_BUCKET
    while width < length:
        width *= 2
    return max(length, min(width, cap))


def plan_bucketed_batches(lengths: Sequence[int], max_batch_tokens: int, cap: int) -> list[list[int]]:
    """Indices grouped by `bucket_length`, widest bucket first, each batch with ``width * (size + 1) <=
    budget`` (the one is the engine's guard row).

    Example:
        >>> plan_bucketed_batches([3, 10, 4, 12, 3, 30], 64, 512)
        [[5], [1, 3], [0, 2, 4]]
    """
    by_bucket: dict[int, list[int]] = defaultdict(list)
    for i, length in enumerate(lengths):
        by_bucket[bucket_length(length, cap)].append(i)
    batches: list[list[int]] = []
    for width in sorted(by_bucket, reverse=True):
        members = by_bucket[width]
        size = max(1, max_batch_tokens // width - 1)
        batches.extend(members[i : i + size] for i in range(0, len(members), size))
    return batches


def spread_batches(batches: list[list[int]], parts: int) -> list[list[int]]:
    """Halve the largest batches until there are ``parts`` of them (or nothing left to halve), so that a
    small job keeps every parallel worker busy. Members keep their order.

    Example:
        >>> spread_batches([[0, 1, 2, 3], [4]], 3)
        [[0, 1], [2, 3], [4]]
    """
    out = [list(b) for b in batches]
    while len(out) < parts:
        k = max(range(len(out)), key=lambda i: len(out[i]), default=None)
        if k is None or len(out[k]) < 2:
            break
        half = (len(out[k]) + 1) // 2
        out[k : k + 1] = [out[k][:half], out[k][half:]]
    return out


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
