"""The translation loop behind `Translator`: normalize, dedupe, cache, split long input, batch, flag.

Written once for every engine. Order of work: normalize each sentence (the cache key), look unique
sentences up in the cache, split over-long ones into pieces, sort the remaining pieces by length and cut
them into token-budget batches, run the engine batch by batch (longest first, so memory problems show
at once), and commit each batch's finished sentences to the cache before the next batch starts.
"""

from __future__ import annotations

import logging
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from hamta.translate.base import DEFAULT_MAX_LEN_A, DEFAULT_MAX_LEN_B, Translation, _Item
from hamta.translate.flags import (
    FLAG_LANG_UNKNOWN,
    FLAG_MAX_LENGTH,
    FLAG_REPETITION,
    FLAG_SPLIT_LONG,
    abnormal_repetition,
)
from hamta.translate.languages import canonical_language
from hamta.translate.long_input import split_long

if TYPE_CHECKING:
    from hamta.translate.base import Translator

__all__ = ["plan_batches", "normalize_source", "plan_record_units", "translate_units", "translate_records"]

log = logging.getLogger("hamta.translate.batching")

Key = tuple[str, str]  # (family source code, normalized sentence)


def plan_batches(lengths: Sequence[int], max_batch_tokens: int) -> list[list[int]]:
    """Indices grouped into batches, longest first, each with ``width * size <= max_batch_tokens``.

    ``width`` is the batch's longest item (padding counts). An item longer than the budget gets a batch
    of its own. Ties keep input order, so the plan is deterministic.

    Example:
        >>> plan_batches([3, 10, 4, 9], 20)
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


def _finish(pieces: list[tuple[str, int, bool]], source: str) -> Translation:
    text = " ".join(t for t, _, _ in pieces if t).strip()
    flags: list[str] = []
    if any(hit for _, _, hit in pieces):
        flags.append(FLAG_MAX_LENGTH)
    if abnormal_repetition(text, source):
        flags.append(FLAG_REPETITION)
    if len(pieces) > 1:
        flags.append(FLAG_SPLIT_LONG)
    return Translation(text=text, flags=tuple(flags), n_tokens=sum(n for _, n, _ in pieces))


def translate_units(
    tr: Translator,
    units: Sequence[tuple[str, str]],
    *,
    on_progress: Callable[[int], None] | None = None,
) -> list[Translation]:
    """Translate ``(text, src_lang)`` units into ``tr.tgt_lang``; results in input order."""
    started = time.perf_counter()
    fam = tr.family
    tgt_code = fam.target_code(tr.tgt_lang)
    tgt_id = fam.lang_token_id(tgt_code) if tgt_code is not None else None
    codes: dict[str, str] = {}
    keys: list[Key | None] = []
    for text, lang in units:
        if lang not in codes:
            codes[lang] = fam.source_code(lang)
        norm = normalize_source(text, lang)
        keys.append((codes[lang], norm) if norm else None)

    bar = None
    if on_progress is None and tr.progress and units:
        from tqdm import tqdm

        bar = tqdm(total=len(units), unit="sent", desc="translating", dynamic_ncols=True)
        on_progress = bar.update
    try:
        final = _run(tr, keys, tgt_id, on_progress)
    finally:
        if bar is not None:
            bar.close()

    out: list[Translation] = []
    stats = tr.stats
    for key in keys:
        result = final[key] if key is not None else Translation(text="")
        out.append(result)
        stats.sentences += 1
        stats.from_cache += int(result.from_cache)
        stats.translated += int(not result.from_cache and key is not None)
        if result.flags:
            stats.flagged += 1
            for flag in result.flags:
                stats.flag_counts[flag] = stats.flag_counts.get(flag, 0) + 1
    stats.seconds += time.perf_counter() - started
    return out


def _run(
    tr: Translator, keys: list[Key | None], tgt_id: int | None, on_progress: Callable[[int], None] | None
) -> dict[Key, Translation]:
    fam = tr.family
    multiplicity: dict[Key, int] = defaultdict(int)
    for key in keys:
        if key is not None:
            multiplicity[key] += 1
    if on_progress and len(keys) > len(multiplicity):
        on_progress(sum(1 for k in keys if k is None))
    final: dict[Key, Translation] = {}
    by_code: dict[str, list[str]] = defaultdict(list)
    for code, norm in multiplicity:
        by_code[code].append(norm)

    cache = tr.cache
    engine = tr._get_engine(load=False)
    signature = tr.signature()
    if cache is not None:
        for code, norms in by_code.items():
            for norm, (text, flags, n_tokens) in cache.get_many(signature, code, norms).items():
                final[(code, norm)] = Translation(text=text, flags=flags, from_cache=True, n_tokens=n_tokens)
        if on_progress and final:
            on_progress(sum(multiplicity[k] for k in final))
    misses = [k for k in multiplicity if k not in final]
    if not misses:
        return final

    engine = tr._get_engine(load=True)
    signature = tr.signature()  # the engine may have fallen back (auto mode)
    max_in = tr.max_input_tokens or fam.max_source_tokens
    content_limit = max(1, max_in - fam.n_special)

    def count(text: str) -> int:
        return len(fam.content_ids(text))

    items: dict[Key, _Item] = {}  # piece key -> work
    pieces_of: dict[Key, list[Key]] = {}
    miss_by_code: dict[str, list[str]] = defaultdict(list)
    for code, norm in misses:
        miss_by_code[code].append(norm)
    for code, norms in miss_by_code.items():
        for norm, ids in zip(norms, fam.encode(norms, code), strict=True):
            if len(ids) <= max_in:
                pieces = [(code, norm)]
                encoded = [ids]
            else:
                texts = split_long(norm, count, content_limit)
                pieces = [(code, t) for t in texts]
                encoded = fam.encode(texts, code)
                log.info("split a %d-token sentence into %d pieces", len(ids), len(texts))
            pieces_of[(code, norm)] = pieces
            for piece, piece_ids in zip(pieces, encoded, strict=True):
                if piece not in items:
                    wanted = tr.max_new_tokens or int(DEFAULT_MAX_LEN_A * len(piece_ids) + DEFAULT_MAX_LEN_B)
                    limit = min(fam.max_target_tokens, wanted)  # never past the decoder's positions
                    items[piece] = _Item(ids=piece_ids, limit=limit)

    waiting: dict[Key, set[Key]] = {k: set(p) for k, p in pieces_of.items()}
    owners: dict[Key, list[Key]] = defaultdict(list)
    for key, pieces in pieces_of.items():
        for piece in dict.fromkeys(pieces):
            owners[piece].append(key)
    piece_keys = list(items)
    results: dict[Key, tuple[str, int, bool]] = {}
    for batch in plan_batches([len(items[p].ids) for p in piece_keys], tr.max_batch_tokens):
        batch_keys = [piece_keys[i] for i in batch]
        generated = engine._generate(
            [items[p].ids for p in batch_keys],
            tgt_id,
            beam_size=tr.beam_size,
            max_new_tokens=max(items[p].limit for p in batch_keys),
            no_repeat_ngram_size=tr.no_repeat_ngram_size,
        )
        if len(generated) != len(batch_keys):
            raise RuntimeError(
                f"engine {engine.name!r} returned {len(generated)} results for {len(batch_keys)}"
            )
        rows: dict[str, list[tuple[str, str, tuple[str, ...], int]]] = defaultdict(list)
        done = 0
        for piece, gen in zip(batch_keys, generated, strict=True):
            limit = items[piece].limit
            ids = list(gen.ids)
            hit = not gen.finished or len(ids) > limit
            ids = ids[:limit]  # own limit, whatever the batch's: keeps results batch-independent
            results[piece] = (fam.decode(ids), len(ids), hit)
            for key in owners[piece]:
                waiting[key].discard(piece)
                if not waiting[key] and key not in final:
                    final[key] = _finish([results[p] for p in pieces_of[key]], key[1])
                    t = final[key]
                    rows[key[0]].append((key[1], t.text, t.flags, t.n_tokens))
                    done += multiplicity[key]
        if cache is not None:
            for code, code_rows in rows.items():
                cache.put_many(signature, code, code_rows)
        if on_progress and done:
            on_progress(done)
    return final


def plan_record_units(
    tr: Translator, records: Sequence[Any], src_lang: str | None = None
) -> tuple[list[Any], list[tuple[int, str]]]:
    """Decide, once for every caller, what happens to each record before any model call.

    Returns the records as they stand without the model (English copied to ``en``; ``other`` with no
    fa/ar in its document flagged ``lang_unknown``) and ``(index, source language)`` of every record that
    must be translated. Boilerplate is never translated; a record whose ``lang`` is ``other`` is translated
    as its document's majority fa/ar language. `hamta.translate.distributed` uses the same plan to decide
    what to send to Ray.
    """
    majority: dict[str, str | None] = {}
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for rec in records:
        if rec.lang in ("fa", "ar") and not rec.boilerplate:
            counts[rec.doc][rec.lang] += len(rec.text)
    for doc, per_lang in counts.items():
        majority[doc] = max(per_lang, key=lambda k: per_lang[k])

    out = list(records)
    todo: list[tuple[int, str]] = []
    for i, rec in enumerate(records):
        if rec.boilerplate:
            continue
        lang = src_lang or rec.lang
        if src_lang is None and canonical_language(lang) == canonical_language(tr.tgt_lang):
            out[i] = replace(rec, en=rec.text)
            continue
        if src_lang is None and canonical_language(lang) is None:
            lang = majority.get(rec.doc) or ""
            if not lang:
                out[i] = replace(rec, flags=tuple(dict.fromkeys((*rec.flags, FLAG_LANG_UNKNOWN))))
                continue
        todo.append((i, lang))
    return out, todo


def translate_records(
    tr: Translator,
    records: list[Any],
    src_lang: str | None = None,
    *,
    on_progress: Callable[[int], None] | None = None,
    on_result: Callable[[int, Translation], None] | None = None,
) -> list[Any]:
    """Fill ``en``/``flags`` of `hamta.records.Sentence` records (see `Translator.translate_records`)."""
    out, todo = plan_record_units(tr, records, src_lang)
    units = [(records[i].text, lang) for i, lang in todo]
    where = [i for i, _ in todo]
    if on_progress is not None and len(where) < len(records):
        on_progress(sum(1 for r in records if not r.boilerplate) - len(where))
    for i, result in zip(where, translate_units(tr, units, on_progress=on_progress), strict=True):
        rec = records[i]
        out[i] = replace(rec, en=result.text, flags=tuple(dict.fromkeys((*rec.flags, *result.flags))))
        if on_result is not None:
            on_result(i, result)
    return out
