"""Scale-out: translate the cache misses of a job on a Ray cluster (Ray Data, one model per actor).

Why this shape: the driver keeps the one source of truth, its SQLite cache. It finds the unique normalized
sentences of the job that are not cached yet and only those go to Ray Data (`map_batches` over an actor
pool; each actor loads one `Translator` once and keeps it for every block it gets). Blocks hold sentences of
similar length (the work list is sorted by length before it is cut into blocks) and each actor's
`Translator` sorts and token-budget-batches inside the block. Finished blocks stream back to the driver,
which writes them to its cache at once, so an interrupted job (Ctrl-C, kill -9, a worker failing for good)
loses at most the blocks in flight and a re-run sends only what is still missing. The normal
single-process path then fills the records from the cache, which makes the outputs byte for byte those of
a single-process run with the same settings (the cache key holds every setting; workers check theirs).

Example:
    >>> from hamta.translate import Translator                                  # doctest: +SKIP
    >>> tr = Translator("facebook/nllb-200-distilled-600M", cache="job.sqlite")   # doctest: +SKIP
    >>> done = translate_records_on_ray(tr, records, options=RayOptions("auto"))  # doctest: +SKIP

`ray` is an optional extra (``pip install 'hamta[ray]'``); importing this module does not import it.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import logging
import math
import os
import re
import time
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hamta.errors import HamtaError, MissingExtraError

if TYPE_CHECKING:
    from hamta.translate.translator import Translator

__all__ = [
    "RayOptions",
    "RayReport",
    "prefill_cache",
    "translate_records_on_ray",
    "add_ray_arguments",
    "ray_options_from_args",
    "DEFAULT_BLOCK_SENTENCES",
    "DEFAULT_CPUS_PER_ACTOR",
    "DEFAULT_RETRIES",
]

log = logging.getLogger("hamta.translate.distributed")

#: sentences per Ray block: the unit of work, of retry and of loss on interruption (a block takes seconds
#: to a minute for NLLB-600M on 4 CPU threads, well under a second on a GPU).
DEFAULT_BLOCK_SENTENCES = 256
#: CPU-only clusters: one actor per this many CPUs (torch scales poorly past ~4 threads on short batches).
DEFAULT_CPUS_PER_ACTOR = 4
#: actor restarts and block retries before a failure counts as permanent (Ray's own retry machinery).
DEFAULT_RETRIES = 3

Key = tuple[str, str]  # (family source code, normalized sentence), as in hamta.translate.translator


@dataclass(frozen=True)
class RayOptions:
    """Where and how wide to run.

    Attributes:
        address: ``None`` (or ``"local"``) starts a local Ray instance for this job; ``"auto"`` joins the
            cluster started on this machine with ``ray start``; ``"ray://HOST:10001"`` uses Ray Client;
            ``"HOST:6379"`` joins a cluster's GCS directly. An already initialised Ray is reused as is.
        actors: number of model replicas; default: one per GPU (``gpus_per_actor`` each), or one per
            `DEFAULT_CPUS_PER_ACTOR` CPUs on a CPU-only cluster.
        gpus_per_actor: GPUs per actor (fractions share a GPU); default 1 if the cluster has GPUs, else 0.
        cpus_per_actor: CPUs (= torch threads) per actor; default: the cluster's CPUs / actors (CPU-only)
            or 1 (GPU actors).
        block_sentences: sentences per block (unit of work, retry and loss on interruption).
        retries: actor restarts and task retries before a failure is final.
        num_cpus: CPUs of a *local* Ray instance (default: all of this machine's).
    """

    address: str | None = None
    actors: int | None = None
    gpus_per_actor: float | None = None
    cpus_per_actor: float | None = None
    block_sentences: int = DEFAULT_BLOCK_SENTENCES
    retries: int = DEFAULT_RETRIES
    num_cpus: int | None = None

    def __post_init__(self) -> None:
        if self.actors is not None and self.actors < 1:
            raise ValueError(f"ray actors must be a positive integer, got {self.actors!r}")
        if self.gpus_per_actor is not None and self.gpus_per_actor < 0:
            raise ValueError(f"ray GPUs per actor must be >= 0, got {self.gpus_per_actor!r}")
        if self.cpus_per_actor is not None and self.cpus_per_actor <= 0:
            raise ValueError(f"ray CPUs per actor must be > 0, got {self.cpus_per_actor!r}")
        if self.block_sentences < 1:
            raise ValueError(f"block_sentences must be a positive integer, got {self.block_sentences!r}")
        if self.retries < 0:
            raise ValueError(f"retries must be >= 0, got {self.retries!r}")


@dataclass(frozen=True)
class RayReport:
    """What one `prefill_cache` call did (counts of sentences; *unique* = after normalization/dedupe).

    Attributes:
        sentences: translatable sentences of the job (boilerplate and English left out).
        unique: unique (language, normalized sentence) keys among them.
        cached: unique keys found in the driver's cache before the job (never sent to a worker).
        sent: unique keys sent to the workers.
        translated: unique keys the workers returned and the driver wrote to its cache.
        actors: actors used (0 when nothing had to be sent).
        seconds: wall-clock time, Ray start-up included.
        fresh: ``(doc, idx)`` of the records whose translation the workers produced in this call (the
            later cache pass sees them as cached; summaries use this to count them as translated).
    """

    sentences: int
    unique: int
    cached: int
    sent: int
    translated: int
    actors: int
    seconds: float
    fresh: frozenset[tuple[str, int]] = field(default=frozenset(), repr=False)


def _import_ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401  (the `data` extra)
    except ImportError:
        raise MissingExtraError("ray", "ray") from None
    return ray


# --------------------------------------------------------------------------- what to send
def _job_units(tr: Translator, records: Sequence[Any], src_lang: str | None) -> list[tuple[Any, str]]:
    """``(record, lang)`` of every record `Translator.translate_records` would send to the model.

    The same plan (`Translator.plan_records`) that the driver's normal pass uses, so exactly those
    sentences go to Ray.
    """
    _, todo = tr.plan_records(records, src_lang)
    return [(records[i], lang) for i, lang in todo]


@dataclass(frozen=True)
class _Work:
    """The unique cache misses of a job, with how many job sentences each stands for."""

    items: list[dict[str, str]]  # {"text", "lang", "code", "norm"}, longest first
    multiplicity: dict[Key, int]
    keys: list[tuple[Any, Key]]  # (record, key) of every non-empty job sentence
    sentences: int
    unique: int
    cached: int
    cached_sentences: int  # job sentences already covered by the cache (or empty)


def _plan_work(tr: Translator, units: list[tuple[Any, str]]) -> _Work:
    """`Translator.plan_units` (the single-process loop's own plan) turned into Ray work items."""
    plan = tr.plan_units([(rec.text, lang) for rec, lang in units])
    keys = [(rec, key) for (rec, _), key in zip(units, plan.keys, strict=True) if key is not None]
    misses = sorted(plan.misses, key=lambda k: (-len(k[1]), k))  # like lengths share a block, longest first
    items = []
    for key in misses:
        rec, lang = units[plan.examples[key]]
        items.append({"text": rec.text, "lang": lang, "code": key[0], "norm": key[1]})
    empty = sum(1 for k in plan.keys if k is None)
    return _Work(
        items=items,
        multiplicity=plan.multiplicity,
        keys=keys,
        sentences=len(units),
        unique=len(plan.multiplicity),
        cached=len(plan.cached),
        cached_sentences=empty + sum(plan.multiplicity[k] for k in plan.cached),
    )


# --------------------------------------------------------------------------- the actor
class _TranslateWorker:
    """A Ray Data callable class: one `Translator` (no cache) loaded once per actor."""

    def __init__(self, settings: dict[str, Any], signature: str, threads: int | None = None) -> None:
        if threads:
            import torch

            torch.set_num_threads(threads)
        from hamta.translate.translator import Translator

        self.translator = Translator(**settings, cache=False, progress=False)
        mine = self.translator.signature()
        if mine != signature:
            raise HamtaError(f"a Ray worker would translate with settings {mine} but the driver keys its "
                             f"cache with {signature}: install the same model and hamta on every node")
        self.translator.engine  # noqa: B018 - load the weights now, once per actor

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        texts = [str(t) for t in batch["text"]]
        langs = [str(x) for x in batch["lang"]]
        by_lang: dict[str, list[int]] = defaultdict(list)
        for i, lang in enumerate(langs):
            by_lang[lang].append(i)
        en: list[str] = [""] * len(texts)
        flags: list[str] = [""] * len(texts)
        n_tokens = [0] * len(texts)
        for lang, where in by_lang.items():
            # Translator.translate sorts by length and batches by the token budget inside the block
            results = self.translator.translate([texts[i] for i in where], lang)
            for i, result in zip(where, results, strict=True):
                en[i] = result.text
                flags[i] = json.dumps(list(result.flags))
                n_tokens[i] = result.n_tokens
        return {
            "code": np.asarray(batch["code"], dtype=object),
            "norm": np.asarray(batch["norm"], dtype=object),
            "en": np.asarray(en, dtype=object),
            "flags": np.asarray(flags, dtype=object),
            "n_tokens": np.asarray(n_tokens, dtype=np.int64),
        }


# --------------------------------------------------------------------------- Ray plumbing
@contextlib.contextmanager
def _ray_session(options: RayOptions) -> Iterator[Any]:
    """Connect to (or start) Ray; shut it down afterwards only if this call started it."""
    ray = _import_ray()
    started = False
    if not ray.is_initialized():
        if not log.isEnabledFor(logging.DEBUG):
            # Ray's C++ core logs routine notices as errors on stderr (e.g. about actor restarts); failures
            # reach hamta as exceptions anyway. -vv (or the variable set by the user) shows them.
            os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
        quiet = {"log_to_driver": False, "logging_level": logging.ERROR}
        address = options.address
        try:
            if address in (None, "", "local"):
                # address="local": a new instance even where `ray start` runs a cluster on this machine
                ray.init(address="local", num_cpus=options.num_cpus, include_dashboard=False, **quiet)
            else:
                ray.init(address=address, **quiet)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            where = address or "a local instance"
            raise HamtaError(f"cannot start or reach Ray at {where} ({_one_line(exc)}); start a cluster with "
                             "`ray start --head` or give no address for a local Ray") from None
        started = True
    try:
        yield ray
    finally:
        if started:
            ray.shutdown()


@contextlib.contextmanager
def _data_context(ray: Any, retries: int) -> Iterator[None]:
    """Quiet Ray Data (hamta draws its own bar) and retry failing blocks; restored afterwards."""
    ctx = ray.data.DataContext.get_current()
    wanted = {
        "enable_progress_bars": False,
        "print_on_execution_start": False,
        "max_errored_blocks": 0,
        # application errors (a CUDA OOM, a flaky file system) are retried like system errors
        "actor_task_retry_on_errors": retries > 0,
    }
    saved = {k: getattr(ctx, k) for k in wanted if hasattr(ctx, k)}
    for key in saved:
        setattr(ctx, key, wanted[key])
    data_log = logging.getLogger("ray.data")
    level = data_log.level
    data_log.setLevel(logging.ERROR)  # e.g. "progress bars disabled": hamta draws its own
    try:
        yield
    finally:
        for key, value in saved.items():
            setattr(ctx, key, value)
        data_log.setLevel(level)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return " ".join(text[0].split()) if text else type(exc).__name__


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_EXC_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit)): (.+)$", re.M)


def _worker_failure(exc: BaseException) -> tuple[str, str]:
    """(exception type, one-line message) of the worker's own error inside Ray's wrappers.

    Ray ships a worker's exception to the driver as text (traceback included) inside RayTaskError /
    UserCodeException; Python prints a chain innermost first, so the first non-Ray exception line is it.
    """
    text = _ANSI.sub("", str(exc))
    for name, message in _EXC_LINE.findall(text):
        if not name.startswith("ray."):
            return name.rsplit(".", 1)[-1], " ".join(message.split())
    return type(exc).__name__, _one_line(exc)


def _sizing(ray: Any, options: RayOptions) -> tuple[int, float, float, int | None]:
    """(actors, gpus per actor, cpus per actor, torch threads or None) from the options and the cluster."""
    resources = ray.cluster_resources()
    cpus = float(resources.get("CPU", 1.0))
    gpus = float(resources.get("GPU", 0.0))
    gpa = options.gpus_per_actor if options.gpus_per_actor is not None else (1.0 if gpus >= 1 else 0.0)
    if gpa > 0 and gpus <= 0:
        raise HamtaError(f"--ray-gpus-per-actor {gpa:g} asks for GPUs but the Ray cluster has none")
    if options.actors is not None:
        actors = options.actors
    elif gpa > 0:
        actors = max(1, int(gpus // gpa))
    else:
        actors = max(1, int(cpus // DEFAULT_CPUS_PER_ACTOR))
    if options.cpus_per_actor is not None:
        cpa = options.cpus_per_actor
    elif gpa > 0:
        cpa = 1.0
    else:
        cpa = max(1.0, math.floor(cpus / actors))
    threads = None if gpa > 0 else max(1, int(cpa))
    return actors, gpa, cpa, threads


def _worker_settings(tr: Translator, device: str) -> tuple[dict[str, Any], str]:
    """Constructor settings of the workers' `Translator` and the signature they must reproduce."""
    engine = tr._get_engine(load=False)  # the driver's resolved engine: workers must not re-resolve "auto"
    settings = {
        "model": tr.model_name,
        "engine": engine.name,
        "device": device,
        "beam_size": tr.beam_size,
        "max_batch_tokens": tr.max_batch_tokens,
        "batching": tr.batching,
        "max_new_tokens": tr.max_new_tokens,
        "no_repeat_ngram_size": tr.no_repeat_ngram_size,
        "max_input_tokens": tr.max_input_tokens,
        "tgt_lang": tr.tgt_lang,
        **tr.engine_options,
    }
    theirs = type(engine)(tr.spec, tr.tokenizer, device=device, **tr.engine_options).cache_identity()
    if theirs != engine.cache_identity():
        raise HamtaError(
            f"Ray workers on {device} would run {theirs} but this driver keys its cache for "
            f"{engine.cache_identity()}: pass --device {device.split(':')[0]} (and the same --engine) "
            "so both agree"
        )
    return settings, tr.signature()


def _map_batches(ds: Any, ray: Any, worker: type, kwargs: dict[str, Any], actors: int, gpa: float, cpa: float,
                 retries: int) -> Any:
    """`map_batches` over a fixed actor pool; bounded actor restarts / task retries where Ray takes them."""
    import inspect

    args: dict[str, Any] = {
        "compute": ray.data.ActorPoolStrategy(size=actors),
        "fn_constructor_kwargs": kwargs,
        "batch_size": None,  # one block = one call: the block was cut to `block_sentences` already
        "batch_format": "numpy",
        "num_cpus": cpa,
    }
    if gpa > 0:
        args["num_gpus"] = gpa
    params = inspect.signature(ds.map_batches).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        # Ray Data's default is unbounded restarts/retries: a sentence that kills its worker every time would
        # loop forever. (Passed as remote args, deprecated in Ray 2.60; ignored where no longer accepted.)
        args["max_restarts"] = retries
        args["max_task_retries"] = retries
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ds.map_batches(worker, **args)


def _from_items(ray: Any, items: list[dict[str, str]], blocks: int) -> Any:
    try:
        return ray.data.from_items(items, override_num_blocks=blocks)
    except TypeError:  # Ray < 2.10
        return ray.data.from_items(items, parallelism=blocks)


def _write_block(cache: Any, signature: str, batch: dict[str, Any]) -> list[Key]:
    """Store one block of worker results in the driver's cache (one transaction per language)."""
    rows: dict[str, list[tuple[str, str, tuple[str, ...], int]]] = defaultdict(list)
    columns = (batch["code"], batch["norm"], batch["en"], batch["flags"], batch["n_tokens"])
    for code, norm, en, flags, n in zip(*columns, strict=True):
        rows[str(code)].append((str(norm), str(en), tuple(json.loads(str(flags))), int(n)))
    keys: list[Key] = []
    for code, code_rows in rows.items():
        cache.put_many(signature, code, code_rows)
        keys.extend((code, r[0]) for r in code_rows)
    return keys


def _stream_into_cache(ds: Any, cache: Any, signature: str, written: set[Key], multiplicity: dict[Key, int],
                       bar: Any) -> tuple[str, str] | None:
    """Write each finished block to the cache as it arrives; the worker's error if the job failed.

    Returns the failure instead of raising it, so that no traceback keeps Ray's executor alive.
    """
    try:
        for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
            keys = _write_block(cache, signature, batch)  # committed: survives any interruption
            written.update(keys)
            if bar is not None:
                bar.update(sum(multiplicity.get(k, 0) for k in keys))
    except Exception as exc:  # noqa: BLE001 - any worker/Ray failure ends the job with one line
        return _worker_failure(exc)
    return None


# --------------------------------------------------------------------------- public API
def prefill_cache(
    translator: Translator,
    records: Sequence[Any],
    src_lang: str | None = None,
    *,
    options: RayOptions | None = None,
    progress: bool = False,
    count_as_translated: bool = True,
    _worker: type = _TranslateWorker,
) -> RayReport:
    """Translate on Ray every sentence of ``records`` that ``translator``'s cache lacks; write them to it.

    Afterwards ``translator.translate_records(records, src_lang)`` runs entirely from the cache. With
    ``count_as_translated``, ``translator.stats`` is adjusted in advance so that this later pass counts the
    sentences translated here as *translated*, not *from cache* (the CLI's summary stays truthful).

    Args:
        translator: the driver's `Translator`; its cache receives the results (caching must be on).
        records: hamta `Sentence` records, as for `Translator.translate_records`.
        src_lang: force a source language (None: each record's ``lang``, as there).
        options: where and how wide to run (`RayOptions`; default: a local Ray instance).
        progress: a tqdm bar on stderr.
        count_as_translated: adjust ``translator.stats`` (see above).
        _worker: the Ray Data callable class (tests pass subclasses of `_TranslateWorker` to inject failures).

    Raises:
        MissingExtraError: ray is not installed.
        HamtaError: caching is off, Ray cannot be reached, or a worker failed for good (work already
            returned is kept in the cache; re-running resumes).
    """
    options = options or RayOptions()
    started = time.perf_counter()
    _import_ray()
    if translator.cache is None:
        raise HamtaError("--ray needs the translation cache (it carries the workers' results to this "
                         "driver and makes the job resumable); drop --no-cache")
    work = _plan_work(translator, _job_units(translator, records, src_lang))
    if not work.items:
        log.info("ray: nothing to translate (%d sentences, all cached)", work.sentences)
        return RayReport(work.sentences, work.unique, work.cached, 0, 0, 0, time.perf_counter() - started)

    cache = translator.cache
    signature = translator.signature()
    written: set[Key] = set()
    bar = None
    if progress:
        import sys

        from tqdm import tqdm

        bar = tqdm(total=work.sentences, initial=work.cached_sentences, unit="sent", desc="translating (ray)",
                   file=sys.stderr, dynamic_ncols=True)
    try:
        with _ray_session(options) as ray, _data_context(ray, options.retries):
            actors, gpa, cpa, threads = _sizing(ray, options)
            device = "cuda" if gpa > 0 else "cpu"
            settings, signature = _worker_settings(translator, device)
            # >= 4 blocks per actor, so that every actor gets work and one slow block does not hold up the end
            n = len(work.items)
            blocks = min(n, max(math.ceil(n / options.block_sentences), 4 * actors))
            actors = min(actors, blocks)
            log.info("ray: %d of %d unique sentences to translate, %d blocks, %d actors (%g CPU, %g GPU)",
                     len(work.items), work.unique, blocks, actors, cpa, gpa)
            ds = _from_items(ray, work.items, blocks)
            kwargs = {"settings": settings, "signature": signature, "threads": threads}
            ds = _map_batches(ds, ray, _worker, kwargs, actors, gpa, cpa, options.retries)
            failure = _stream_into_cache(ds, cache, signature, written, work.multiplicity, bar)
            del ds
            if failure is not None:  # a failed execution sits in a reference cycle that holds its actors
                gc.collect()  # (and their CPUs/GPUs) until collected: free them for the user's next job now
        if failure is not None:
            name, message = failure
            if name in ("HamtaError", "InputError", "MissingExtraError"):  # already a one-line user error
                raise HamtaError(f"Ray worker: {message}")
            raise HamtaError(
                f"a Ray worker failed for good after {options.retries} retries ({name}: {message}); "
                f"{len(written)} of {len(work.items)} sentences are done and kept in the cache {cache.path}; "
                "re-run to resume"
            )
    finally:
        if bar is not None:
            bar.close()
    if count_as_translated:
        n_fresh = sum(work.multiplicity.get(k, 0) for k in written)
        translator.stats.from_cache -= n_fresh
        translator.stats.translated += n_fresh
    fresh = frozenset((rec.doc, rec.idx) for rec, key in work.keys if key in written)
    report = RayReport(work.sentences, work.unique, work.cached, len(work.items), len(written), actors,
                       time.perf_counter() - started, fresh)
    log.info("ray: %s", report)
    return report


def translate_records_on_ray(
    translator: Translator,
    records: Sequence[Any],
    src_lang: str | None = None,
    *,
    options: RayOptions | None = None,
    progress: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> list[Any]:
    """`Translator.translate_records` with the model work done on Ray: same records, same outputs."""
    prefill_cache(translator, records, src_lang, options=options, progress=progress)
    return translator.translate_records(records, src_lang=src_lang, on_progress=on_progress)


# --------------------------------------------------------------------------- CLI helpers (translate, run)
def add_ray_arguments(parser: argparse.ArgumentParser) -> None:
    """``--ray [ADDRESS]``, ``--ray-actors N``, ``--ray-gpus-per-actor F`` (shared by translate and run)."""
    group = parser.add_argument_group("scale-out on Ray (pip install 'hamta[ray]'; see docs/scale.md)")
    group.add_argument("--ray", nargs="?", const="local", default=None, metavar="ADDRESS",
                       help="translate on Ray: no ADDRESS = a local Ray instance; 'auto' = the cluster this "
                       "machine joined with `ray start`; ray://HOST:10001 = a remote cluster")
    group.add_argument("--ray-actors", type=int, default=None, metavar="N",
                       help="model replicas (default: one per GPU, or one per "
                       f"{DEFAULT_CPUS_PER_ACTOR} CPUs on a CPU-only cluster)")
    group.add_argument("--ray-gpus-per-actor", type=float, default=None, metavar="F",
                       help="GPUs per replica; fractions share a GPU "
                       "(default: 1 if the cluster has GPUs, else 0)")


def ray_options_from_args(args: argparse.Namespace) -> RayOptions | None:
    """The `RayOptions` asked for on the command line, or None without ``--ray``."""
    address = getattr(args, "ray", None)
    if address is None:
        return None
    if address != "local" and os.path.exists(address):  # `--ray in.txt`: argparse took an input as ADDRESS
        raise ValueError(f"--ray got {address!r}, which is a file or folder: put --ray after the inputs, "
                         "or write --ray=ADDRESS")
    return RayOptions(
        address=None if address == "local" else address,
        actors=getattr(args, "ray_actors", None),
        gpus_per_actor=getattr(args, "ray_gpus_per_actor", None),
    )

