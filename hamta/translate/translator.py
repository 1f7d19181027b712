"""`Translator`: the one translate loop (normalize, dedupe, cache, split long input, batch, flag).

Why one class: every caller (the API, `hamta translate`/`run` jobs, the Ray workers and the Ray driver)
must decide the same things the same way: which records go to the model, what is already cached, how the
work is batched, which flags a result gets. The Ray driver calls `Translator.plan_records` and
`Translator.plan_units` to find what its workers must translate; `hamta.translate.batching` holds only pure
helpers (normalization, the batch plan, joining pieces).

Order of work: normalize each sentence (the cache key), look unique sentences up in the cache, split
over-long ones into pieces, group the remaining pieces by token length into token-budget batches, run the
engine batch by batch (longest first, so memory problems show at once), and commit each batch's finished
sentences to the cache before the next batch starts.

Reproducibility: with ``batching="exact"`` a source is always padded to the same width, fixed by its own
length (hf: same-length batches, no padding; ct2: batches of one length bucket, each padded to the bucket's
width by the engine, see `hamta.translate.base`), a batch decodes up to a limit fixed by its bucket, and
each output is cut to its own limit, so a sentence's translation is independent of which other sentences
the job has, of the order of documents, of resuming, and of Ray (measured: `docs/benchmarks.md`). The
default ``"padded"`` batches like raw CTranslate2 (sorted by length, padded to the batch's widest), which
is faster; there a sentence's numbers depend on its batch's padded width, and now and then a word does.
"""

from __future__ import annotations

import logging
import os
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from hamta.errors import HamtaError
from hamta.translate.base import (
    DEFAULT_BATCHING,
    DEFAULT_BEAM_SIZE,
    DEFAULT_MAX_BATCH_TOKENS,
    DEFAULT_MAX_LEN_A,
    DEFAULT_MAX_LEN_B,
    DEFAULT_MODEL,
    ENGINES,
    Engine,
    Translation,
    TranslationStats,
    _auto_engine_name,
    _resolve_device,
    get_engine_class,
)
from hamta.translate.batching import (
    BATCHING,
    GUARD_ROWS,
    Piece,
    batch_cost,
    bucket_length,
    finish_pieces,
    normalize_source,
    plan_batches,
    plan_bucketed_batches,
    plan_padded_batches,
    spread_batches,
)
from hamta.translate.flags import FLAG_LANG_UNKNOWN, FLAG_LANG_UNSUPPORTED
from hamta.translate.languages import canonical_language
from hamta.translate.long_input import split_long

__all__ = ["Translator", "UnitPlan", "Key"]

log = logging.getLogger("hamta.translate")

Key = tuple[str, str]  # (family source code, normalized sentence): the cache key besides the signature


@dataclass
class UnitPlan:
    """What a list of ``(text, language)`` units needs, before any model call.

    Attributes:
        keys: the cache key of each unit (None: empty after normalization).
        multiplicity: how many units share each key.
        cached: results found in the cache.
        misses: keys still to translate, in first-seen order.
        examples: the first unit index of each key.
    """

    keys: list[Key | None]
    multiplicity: dict[Key, int]
    cached: dict[Key, Translation]
    misses: list[Key]
    examples: dict[Key, int]


@dataclass
class _Item:
    """One unit of model work: a unique (language, normalized text) piece."""

    ids: list[int]
    limit: int
    unk: bool


class Translator:
    """Translate Persian/Arabic (or any language the model knows) into English, with a persistent cache.

    Example:
        >>> tr = Translator("facebook/nllb-200-distilled-600M")          # doctest: +SKIP
        >>> tr.translate(["سلام دنیا"], src_lang="fa")[0].text             # doctest: +SKIP
        'Hello world'

    Args:
        model: a Hugging Face hub id or a local directory (NLLB-200, M2M100 or Marian/opus-mt checkpoint).
        engine: ``"auto"`` (CTranslate2 where available, else transformers), ``"hf"`` or ``"ct2"``.
        device: ``"auto"`` (cuda if available), ``"cpu"`` or ``"cuda"``.
        beam_size: beam width (1 = greedy).
        max_batch_tokens: token budget per batch (padded source length x batch size); a batch also
            holds at most the rows its model family's measured cost curve finds cheapest
            (`hamta.translate.batching.BatchCost.max_rows`).
        cache: path of the SQLite cache file; ``None`` for the default (``$HAMTA_CACHE_DIR`` or
            ``~/.cache/hamta``)/``translations.sqlite``; ``False`` to disable caching.
        max_new_tokens: fixed output limit per sentence; ``None`` = ``2 * source_tokens + 16`` capped at
            the model's target limit (keeps degenerate outputs from running for hundreds of steps; with
            the ct2 engine's exact batching, source_tokens is the source's length bucket).
        no_repeat_ngram_size: forbid repeating n-grams of this size in outputs (0 = off; repetition is
            flagged either way).
        max_input_tokens: longer sources are split at clause boundaries / token windows (never
            truncated); ``None`` = the model's source limit.
        tgt_lang: target language (``"en"``).
        progress: show a tqdm bar on stderr (off in the API, on in the CLI).
        batching: ``"padded"`` (default: sources sorted by length and padded to their batch's widest,
            as raw CTranslate2 batches; a sentence's output can differ in a word now and then with its
            batch-mates) or ``"exact"`` (each source padded to a width fixed by its own length: outputs
            never depend on the rest of the job; 10-20 % slower, see docs/benchmarks.md).
        **engine_options: passed to the engine (e.g. ``compute_type`` for ct2, ``dtype`` for hf).
    """

    def __init__(
        self,
        model: str | os.PathLike[str] = DEFAULT_MODEL,
        engine: str = "auto",
        device: str = "auto",
        beam_size: int = DEFAULT_BEAM_SIZE,
        max_batch_tokens: int = DEFAULT_MAX_BATCH_TOKENS,
        cache: str | os.PathLike[str] | None | bool = None,
        *,
        max_new_tokens: int | None = None,
        no_repeat_ngram_size: int = 0,
        max_input_tokens: int | None = None,
        tgt_lang: str = "en",
        progress: bool = False,
        batching: str = DEFAULT_BATCHING,
        **engine_options: Any,
    ) -> None:
        if engine != "auto" and engine not in ENGINES:
            get_engine_class(engine)  # raises the ValueError listing valid names
        if not isinstance(beam_size, int) or beam_size < 1:
            raise ValueError(f"beam_size must be a positive integer, got {beam_size!r}")
        if not isinstance(max_batch_tokens, int) or max_batch_tokens < 1:
            raise ValueError(f"max_batch_tokens must be a positive integer, got {max_batch_tokens!r}")
        if max_new_tokens is not None and max_new_tokens < 1:
            raise ValueError(f"max_new_tokens must be a positive integer, got {max_new_tokens!r}")
        if no_repeat_ngram_size < 0:
            raise ValueError(f"no_repeat_ngram_size must be >= 0, got {no_repeat_ngram_size!r}")
        self.model_name = str(model)
        self.engine_name = engine
        self.device = _resolve_device(device)
        self.beam_size = beam_size
        self.max_batch_tokens = max_batch_tokens
        self.max_new_tokens = max_new_tokens
        self.no_repeat_ngram_size = no_repeat_ngram_size
        self.max_input_tokens = max_input_tokens
        self.tgt_lang = tgt_lang
        self.progress = progress
        if batching not in BATCHING:
            raise ValueError(f"batching must be one of {', '.join(BATCHING)}, got {batching!r}")
        self.batching = batching
        self.engine_options = engine_options
        self._cache_arg = cache
        self.stats = TranslationStats()
        self._spec: Any = None
        self._tokenizer: Any = None
        self._engine: Engine | None = None
        self._cache: Any = None
        self._family: Any = None

    # ------------------------------------------------------------------ loading
    @property
    def spec(self) -> Any:
        """The resolved model (`hamta.translate.models.ModelSpec`); resolving may hit the HF cache."""
        if self._spec is None:
            from hamta.translate.models import resolve_model

            self._spec = resolve_model(self.model_name)
        return self._spec

    @property
    def family(self) -> Any:
        """The model family adapter (language codes, special tokens); see `hamta.translate.languages`."""
        if self._family is None:
            from hamta.translate.languages import family_adapter

            self._family = family_adapter(self.spec, self.tokenizer)
        return self._family

    @property
    def tokenizer(self) -> Any:
        if self._tokenizer is None:
            from hamta.translate.models import load_tokenizer

            self._tokenizer = load_tokenizer(self.spec)
        return self._tokenizer

    @property
    def engine(self) -> Engine:
        """The loaded engine (created and loaded on first use)."""
        return self._get_engine(load=True)

    def _get_engine(self, load: bool) -> Engine:
        """The engine object; ``load=False`` builds it without loading weights (for the cache signature)."""
        if self._engine is None:
            name = self.engine_name
            if name == "auto":
                name = _auto_engine_name(self.spec, self.device)
            self._engine = get_engine_class(name)(
                self.spec, self.tokenizer, device=self.device, **self.engine_options
            )
        if load and not self._engine._loaded:
            try:
                self._engine.load()
            except HamtaError as exc:
                if self.engine_name != "auto" or self._engine.name == "hf":
                    raise
                log.warning("engine %s failed (%s); falling back to transformers", self._engine.name, exc)
                self._engine = get_engine_class("hf")(self.spec, self.tokenizer, device=self.device)
                self._engine.load()
        return self._engine

    @property
    def cache(self) -> Any:
        """The `TranslationCache`, or None when caching is off."""
        if self._cache is None and self._cache_arg is not False:
            from hamta.translate.cache import TranslationCache, default_cache_path

            path = default_cache_path() if self._cache_arg in (None, True) else Path(self._cache_arg)
            self._cache = TranslationCache(path)
        return self._cache

    def close(self) -> None:
        """Close the cache connection (results are already committed)."""
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    def __enter__(self) -> Translator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def signature(self) -> str:
        """Every setting that changes outputs, printed like sacrebleu's signatures (also the cache key)."""
        from hamta import __version__

        mnt = "auto" if self.max_new_tokens is None else str(self.max_new_tokens)
        mit = "auto" if self.max_input_tokens is None else str(self.max_input_tokens)
        return (
            # the model by content, not by name: ./m, /abs/m and a copy of a hub snapshot share the cache
            f"model:{self.spec.family}|rev:{self.spec.fingerprint}"
            f"|engine:{self._get_engine(load=False).cache_identity()}"
            f"|beam:{self.beam_size}|max_new:{mnt}|nrng:{self.no_repeat_ngram_size}|max_in:{mit}"
            f"|tgt:{self.tgt_lang}|hamta:{__version__}"
            # padded batches make outputs depend on batch-mates: never mixed with exact results; bucketed
            # exact batches pad each source to its bucket's width, which gives other (fixed) numbers
            + ("|batch:padded" if self.batching == "padded" else
               self._bucket_signature() if self._bucketed() else "")
        )

    def _bucket_signature(self) -> str:
        """The bucket ladder sets every source's padded width, so it is part of what fixes the outputs."""
        return f"|batch:bucket{batch_cost(self.spec.family).min_bucket}"

    def _source_limit(self) -> int:
        """Longest source (tokens) sent to the model; longer ones are split first."""
        return self.max_input_tokens or self.family.max_source_tokens

    def _bucketed(self) -> bool:
        """Exact batching by length bucket: the engine pads every batch to its bucket's width itself."""
        return self.batching == "exact" and self._get_engine(load=False).pad_buckets

    def _padded_width(self, n_tokens: int) -> int:
        """The width a source of ``n_tokens`` is padded to under bucketed exact batching."""
        return bucket_length(n_tokens, self._source_limit(), batch_cost(self.spec.family).min_bucket)

    # ------------------------------------------------------------------ planning
    def supports(self, lang: str) -> bool:
        """Whether the model can translate from ``lang`` (a one-pair Marian model knows one language)."""
        try:
            self.family.source_code(lang)
        except ValueError:
            return False
        return True

    def plan_records(
        self, records: Sequence[Any], src_lang: str | None = None
    ) -> tuple[list[Any], list[tuple[int, str]]]:
        """Decide, for every caller, what happens to each record before any model call.

        Returns the records as they stand without the model (English copied to ``en``; records the model
        cannot take flagged) and ``(index, source language)`` of every record that must be translated.
        Boilerplate is never translated. A record whose ``lang`` is ``other``, or a language this model
        does not translate (a paragraph detected as Persian in an Arabic article, with ``opus-mt-ar-en``),
        is translated as its document's majority fa/ar language when the model takes that, else flagged
        ``lang_unknown`` / ``lang_unsupported`` and left with ``en=None``.
        """
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for rec in records:
            if rec.lang in ("fa", "ar") and not rec.boilerplate:
                counts[rec.doc][rec.lang] += len(rec.text)
        majority = {doc: max(per, key=lambda k: per[k]) for doc, per in counts.items()}
        supported: dict[str, bool] = {}

        def ok(lang: str) -> bool:
            if lang not in supported:
                supported[lang] = self.supports(lang)
            return supported[lang]

        out = list(records)
        todo: list[tuple[int, str]] = []
        target = canonical_language(self.tgt_lang)
        for i, rec in enumerate(records):
            if rec.boilerplate:
                continue
            lang = src_lang or rec.lang
            if src_lang is None:
                canon = canonical_language(lang)
                if canon is not None and canon == target:
                    out[i] = replace(rec, en=rec.text)
                    continue
                if canon is None or not ok(lang):
                    fallback = majority.get(rec.doc)
                    if not fallback or not ok(fallback):
                        flag = FLAG_LANG_UNKNOWN if canon is None and not fallback else FLAG_LANG_UNSUPPORTED
                        out[i] = replace(rec, flags=tuple(dict.fromkeys((*rec.flags, flag))))
                        continue
                    lang = fallback
            todo.append((i, lang))
        return out, todo

    def plan_units(self, units: Sequence[tuple[str, str]]) -> UnitPlan:
        """Cache keys of ``(text, language)`` units, deduplicated, with what the cache already holds."""
        fam = self.family
        codes: dict[str, str] = {}
        keys: list[Key | None] = []
        multiplicity: dict[Key, int] = defaultdict(int)
        examples: dict[Key, int] = {}
        for n, (text, lang) in enumerate(units):
            if lang not in codes:
                codes[lang] = fam.source_code(lang)
            norm = normalize_source(text, lang)
            key = (codes[lang], norm) if norm else None
            keys.append(key)
            if key is not None:
                multiplicity[key] += 1
                examples.setdefault(key, n)
        cached: dict[Key, Translation] = {}
        if self.cache is not None and multiplicity:
            signature = self.signature()
            by_code: dict[str, list[str]] = defaultdict(list)
            for code, norm in multiplicity:
                by_code[code].append(norm)
            for code, norms in by_code.items():
                for norm, (text, flags, n_tokens) in self.cache.get_many(signature, code, norms).items():
                    cached[(code, norm)] = Translation(text, flags, from_cache=True, n_tokens=n_tokens)
        misses = [k for k in multiplicity if k not in cached]
        return UnitPlan(keys, dict(multiplicity), cached, misses, examples)

    # ------------------------------------------------------------------ the model loop
    def _target_token_id(self) -> int | None:
        code = self.family.target_code(self.tgt_lang)
        return self.family.lang_token_id(code) if code is not None else None

    def _work_items(self, misses: list[Key]) -> tuple[dict[Key, _Item], dict[Key, list[Key]]]:
        """Encode the misses; split the over-long ones into pieces (each piece one unit of work)."""
        fam = self.family
        max_in = self._source_limit()
        content_limit = max(1, max_in - fam.n_special)
        unk_id = self.tokenizer.unk_token_id
        # A batch decodes up to its longest limit: in a bucket every piece gets the bucket's, so that no
        # piece's decoding depends on which batch-mates it has.
        width = self._padded_width if self._bucketed() else (lambda n: n)

        def count(text: str) -> int:
            return len(fam.content_ids(text))

        items: dict[Key, _Item] = {}
        pieces_of: dict[Key, list[Key]] = {}
        by_code: dict[str, list[str]] = defaultdict(list)
        for code, norm in misses:
            by_code[code].append(norm)
        for code, norms in by_code.items():
            for norm, ids in zip(norms, fam.encode(norms, code), strict=True):
                if len(ids) <= max_in:
                    pieces, encoded = [(code, norm)], [ids]
                else:
                    texts = split_long(norm, count, content_limit)
                    pieces, encoded = [(code, t) for t in texts], fam.encode(texts, code)
                    log.info("split a %d-token sentence into %d pieces", len(ids), len(texts))
                pieces_of[(code, norm)] = pieces
                for piece, piece_ids in zip(pieces, encoded, strict=True):
                    if piece not in items:
                        auto = int(DEFAULT_MAX_LEN_A * width(len(piece_ids)) + DEFAULT_MAX_LEN_B)
                        wanted = self.max_new_tokens or auto
                        items[piece] = _Item(
                            ids=piece_ids,
                            limit=min(fam.max_target_tokens, wanted),  # never past the decoder's positions
                            unk=unk_id is not None and unk_id in piece_ids,
                        )
        return items, pieces_of

    def _translate_misses(
        self, plan: UnitPlan, on_progress: Callable[[int], None] | None
    ) -> dict[Key, Translation]:
        """Run the engine over the plan's misses, committing each batch's finished sentences to the cache."""
        engine = self._get_engine(load=True)
        signature = self.signature()  # the engine may have fallen back (auto mode)
        fam, cache, tgt_id = self.family, self.cache, self._target_token_id()
        items, pieces_of = self._work_items(plan.misses)
        waiting: dict[Key, set[Key]] = {k: set(p) for k, p in pieces_of.items()}
        owners: dict[Key, list[Key]] = defaultdict(list)
        for key, pieces in pieces_of.items():
            for piece in dict.fromkeys(pieces):
                owners[piece].append(key)
        piece_keys = list(items)
        results: dict[Key, Piece] = {}
        final: dict[Key, Translation] = {}

        lengths = [len(items[p].ids) for p in piece_keys]
        bucketed = self._bucketed()

        def start(batch_keys: list[Key]) -> tuple[list[Key], Callable[[], list[Any]]]:
            widest = max(len(items[p].ids) for p in batch_keys)
            return batch_keys, engine._submit(
                [items[p].ids for p in batch_keys],
                tgt_id,
                beam_size=self.beam_size,
                max_new_tokens=max(items[p].limit for p in batch_keys),
                no_repeat_ngram_size=self.no_repeat_ngram_size,
                **({"pad_to": self._padded_width(widest)} if bucketed else {}),
            )

        cost = batch_cost(self.spec.family)
        workers = getattr(engine, "workers", 1)
        if bucketed:
            batches = plan_bucketed_batches(lengths, self.max_batch_tokens, self._source_limit(),
                                            cost.min_bucket, cost.max_rows)
        elif self.batching == "padded":
            batches = plan_padded_batches(lengths, self.max_batch_tokens, cost.max_rows, workers)
        else:
            batches = plan_batches(lengths, self.max_batch_tokens, cost.max_rows)
        # Whole batches go to the parallel workers: balance them, cutting a batch where that pays.
        order = spread_batches(batches, workers, cost.seconds, GUARD_ROWS if bucketed else 0)
        queue = deque([piece_keys[i] for i in b] for b in order)
        pending: deque[tuple[list[Key], Callable[[], list[Any]]]] = deque()
        while queue or pending:
            while queue and len(pending) < max(1, engine.max_in_flight):  # keep the engine's workers fed
                pending.append(start(queue.popleft()))
            batch_keys, collect = pending.popleft()
            generated = collect()
            if len(generated) != len(batch_keys):
                raise RuntimeError(
                    f"engine {engine.name!r} returned {len(generated)} results for {len(batch_keys)}"
                )
            rows: dict[str, list[tuple[str, str, tuple[str, ...], int]]] = defaultdict(list)
            done = 0
            for piece, gen in zip(batch_keys, generated, strict=True):
                item = items[piece]
                hit = not gen.finished or len(gen.ids) > item.limit
                ids = list(gen.ids)[: item.limit]  # own limit, whatever the batch's
                results[piece] = Piece(fam.decode(ids), len(ids), hit, item.unk)
                for key in owners[piece]:
                    waiting[key].discard(piece)
                    if not waiting[key] and key not in final:
                        final[key] = t = finish_pieces([results[p] for p in pieces_of[key]], key[1])
                        rows[key[0]].append((key[1], t.text, t.flags, t.n_tokens))
                        done += plan.multiplicity[key]
            if cache is not None:
                for code, code_rows in rows.items():
                    cache.put_many(signature, code, code_rows)
            if on_progress and done:
                on_progress(done)
        return final

    def _count(self, results: Iterable[Translation | None]) -> None:
        stats = self.stats
        for result in results:
            stats.sentences += 1
            if result is None:
                continue
            stats.from_cache += int(result.from_cache)
            stats.translated += int(not result.from_cache)
            if result.flags:
                stats.flagged += 1
                for flag in result.flags:
                    stats.flag_counts[flag] = stats.flag_counts.get(flag, 0) + 1

    # ------------------------------------------------------------------ public API
    def translate_units(
        self, units: Sequence[tuple[str, str]], *, on_progress: Callable[[int], None] | None = None
    ) -> list[Translation]:
        """Translate ``(text, src_lang)`` units into ``tgt_lang``; results in input order."""
        started = time.perf_counter()
        plan = self.plan_units(units)
        bar = None
        if on_progress is None and self.progress and units:
            from tqdm import tqdm

            bar = tqdm(total=len(units), unit="sent", desc="translating", dynamic_ncols=True)
            on_progress = bar.update
        try:
            if on_progress:
                ready = sum(1 for k in plan.keys if k is None)
                ready += sum(plan.multiplicity[k] for k in plan.cached)
                if ready:
                    on_progress(ready)
            final = dict(plan.cached)
            if plan.misses:
                final.update(self._translate_misses(plan, on_progress))
        finally:
            if bar is not None:
                bar.close()
        out = [final[key] if key is not None else Translation(text="") for key in plan.keys]
        self._count(r if k is not None else None for r, k in zip(out, plan.keys, strict=True))
        self.stats.seconds += time.perf_counter() - started
        return out

    def translate(
        self,
        sentences: Sequence[str],
        src_lang: str,
        *,
        on_progress: Callable[[int], None] | None = None,
    ) -> list[Translation]:
        """Translate ``sentences`` (all in ``src_lang``) into English, in input order.

        Repeated sentences (after normalization) are translated once; cached ones are not translated.
        """
        if isinstance(sentences, str):
            raise TypeError("translate() takes a list of sentences, not a single string")
        return self.translate_units([(s, src_lang) for s in sentences], on_progress=on_progress)

    def translate_records(
        self,
        records: Iterable[Any],
        src_lang: str | None = None,
        *,
        on_progress: Callable[[int], None] | None = None,
        on_result: Callable[[int, Translation], None] | None = None,
    ) -> list[Any]:
        """Fill ``en`` and ``flags`` of hamta `Sentence` records (or plain dicts with ``text``/``lang``).

        ``on_result(i, translation)`` is called for every record i that went to the model or the cache
        (``translation.from_cache`` tells which), e.g. for per-document counts. What goes to the model is
        decided by `plan_records` (boilerplate kept, English copied, ``other`` as the document's language).
        """
        from hamta.records import Sentence

        records = [Sentence.from_dict(r) if isinstance(r, dict) else r for r in records]
        out, todo = self.plan_records(records, src_lang)
        where = [i for i, _ in todo]
        if on_progress is not None and len(where) < len(records):
            on_progress(sum(1 for r in records if not r.boilerplate) - len(where))
        units = [(records[i].text, lang) for i, lang in todo]
        for i, result in zip(where, self.translate_units(units, on_progress=on_progress), strict=True):
            rec = records[i]
            out[i] = replace(rec, en=result.text, flags=tuple(dict.fromkeys((*rec.flags, *result.flags))))
            if on_result is not None:
                on_result(i, result)
        return out
