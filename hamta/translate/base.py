"""The translation front door (`Translator`) and the engine hook contract.

Hook contract for engines (hf.py, ct2.py). An engine subclasses `Engine` and fills three hooks; everything
else (language mapping, tokenization, length sorting, token-budget batching, order restoration, long-input
splitting, per-sentence output limits, repetition/limit flags, the SQLite cache, dedupe, progress) lives
once in `Translator`, so every engine gets identical behaviour:

* ``name``: class attribute, the registry name (``"hf"``, ``"ct2"``).
* ``_load(self) -> None``: load the model onto ``self.device``. Called once, lazily. ``self.model``
  (a `hamta.translate.models.ModelSpec`: local ``path``, ``family``, ``fingerprint``...) and
  ``self.tokenizer`` (the Hugging Face tokenizer, loaded by hamta for every engine) are already set.
  Raise `hamta.errors.HamtaError` with a one-line message on failure.
* ``_generate(self, batch, tgt_token_id, *, beam_size, max_new_tokens, no_repeat_ngram_size)
  -> list[Generated]``: ``batch`` is a list of source token-id lists, already complete with the family's
  special tokens (NLLB/M2M100: ``[src_lang] ... </s>``; Marian: ``[>>eng<<] ... </s>`` where needed),
  unpadded, all with the same target. ``tgt_token_id`` is the id of the target language token
  (NLLB ``eng_Latn``, M2M100 ``__en__``) or ``None`` (Marian): engines must force it as the first generated
  token (hf: ``forced_bos_token_id``; ct2: ``target_prefix=[[tokenizer.convert_ids_to_tokens(id)]]``).
  Allow ``max_new_tokens`` *content* tokens plus one step for the EOS (the forced language token and
  the EOS do not count against the limit; a step or two more is fine, the front door truncates).
  Return one `Generated` per input, in input order: ``ids`` =
  the generated content token ids (no decoder-start, no forced language token, no EOS, no padding) and
  ``finished`` = whether EOS was produced. The front door decodes ids with the shared tokenizer (pinned
  detokenization), truncates each output to its own per-sentence limit and sets the flags, so results
  do not depend on batch composition.
* ``cache_identity(self) -> str``: what, besides model fingerprint and decoding settings, changes outputs
  (engine name, compute type/dtype), e.g. ``"hf:float32"`` or ``"ct2:int8"``. Part of the cache key; must
  work before ``_load`` (a fully cached job never loads the weights).

Engines are looked up by name with importlib (`ENGINES`); an unknown name raises `ValueError` listing the
valid ones. ``engine="auto"`` asks ``hamta.translate.ct2`` (if present) via its optional module-level
function ``auto_engine_ok(model_spec, device) -> bool``, and otherwise uses ``hf``; if the ct2 engine then
fails to load in auto mode, hamta logs a warning and falls back to ``hf``.
"""

from __future__ import annotations

import importlib
import logging
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from hamta.errors import HamtaError

__all__ = [
    "Translation",
    "Generated",
    "Engine",
    "Translator",
    "TranslationStats",
    "ENGINES",
    "get_engine_class",
    "DEFAULT_MODEL",
    "DEFAULT_BEAM_SIZE",
    "DEFAULT_MAX_BATCH_TOKENS",
]

log = logging.getLogger("hamta.translate")

#: NLLB-200 distilled 600M: the best fa/ar->en quality that still runs on a laptop CPU.
DEFAULT_MODEL = "facebook/nllb-200-distilled-600M"
#: beam 4 is the usual quality/speed point for NLLB and opus-mt (beam 1 loses ~1 BLEU).
DEFAULT_BEAM_SIZE = 4
#: source tokens per batch (padding included), about 50 news sentences: enough to keep a CPU or small GPU
#: busy, while beam x batch hypotheses x NLLB's 256k-entry output layer still fit in a laptop's memory.
DEFAULT_MAX_BATCH_TOKENS = 2048
#: per-sentence output limit = a * source_tokens + b, capped at the model's target limit.
DEFAULT_MAX_LEN_A = 2.0
DEFAULT_MAX_LEN_B = 16

#: registry: engine name -> module that defines ``ENGINE`` (an `Engine` subclass).
ENGINES: dict[str, str] = {"hf": "hamta.translate.hf", "ct2": "hamta.translate.ct2"}


@dataclass(frozen=True)
class Translation:
    """One translated sentence.

    Attributes:
        text: the English translation ("" for an empty source).
        flags: quality flags: ``max_length`` (hit the output-token limit), ``repetition`` (an n-gram repeats
            abnormally), ``split_long`` (source longer than the model's limit, translated in pieces).
        from_cache: True when the result came from the persistent cache (no model call).
        n_tokens: number of generated tokens (summed over pieces).
    """

    text: str
    flags: tuple[str, ...] = ()
    from_cache: bool = False
    n_tokens: int = 0


@dataclass(frozen=True)
class Generated:
    """What an engine returns for one source: content token ids and whether EOS was produced."""

    ids: list[int]
    finished: bool = True


@dataclass
class TranslationStats:
    """Counters of one `Translator`'s work, for the CLI's one-line summary."""

    sentences: int = 0
    from_cache: int = 0
    translated: int = 0
    flagged: int = 0
    seconds: float = 0.0
    flag_counts: dict[str, int] = field(default_factory=dict)


class Engine(ABC):
    """An inference backend: turns batches of source token ids into target token ids. See module doc."""

    name: ClassVar[str] = ""

    def __init__(self, model: Any, tokenizer: Any, *, device: str = "cpu", **options: Any) -> None:
        self.model = model  # hamta.translate.models.ModelSpec
        self.tokenizer = tokenizer
        self.device = device
        self.options = options
        self._loaded = False

    def load(self) -> None:
        """Load once (idempotent)."""
        if not self._loaded:
            self._load()
            self._loaded = True

    @abstractmethod
    def _load(self) -> None:
        """Load model weights onto ``self.device``."""

    @abstractmethod
    def _generate(
        self,
        batch: list[list[int]],
        tgt_token_id: int | None,
        *,
        beam_size: int,
        max_new_tokens: int,
        no_repeat_ngram_size: int,
    ) -> list[Generated]:
        """Translate one batch of source ids; see the module docstring for the exact contract."""

    @abstractmethod
    def cache_identity(self) -> str:
        """Engine name plus anything else that changes outputs (dtype / compute type)."""


def get_engine_class(name: str) -> type[Engine]:
    """The engine class registered under ``name``; unknown names raise ValueError listing the valid ones."""
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; choose one of: auto, {', '.join(sorted(ENGINES))}")
    module = importlib.import_module(ENGINES[name])
    return module.ENGINE


def _auto_engine_name(spec: Any, device: str) -> str:
    """ct2 when its module exists and says it can run this model on this device; else hf."""
    try:
        module = importlib.import_module(ENGINES["ct2"])
    except ImportError:
        return "hf"
    check = getattr(module, "auto_engine_ok", None)
    if check is None:
        return "hf"
    try:
        return "ct2" if check(spec, device) else "hf"
    except Exception as exc:  # noqa: BLE001 - auto mode must never fail because of the optional engine
        log.warning("ct2 engine unavailable (%s); using transformers", exc)
        return "hf"


def _resolve_device(device: str) -> str:
    if device not in ("auto", "cpu", "cuda") and not device.startswith("cuda:"):
        raise ValueError(f"unknown device {device!r}; choose one of: auto, cpu, cuda")
    if device != "auto":
        return device
    try:
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    except ImportError:  # pragma: no cover
        return "cpu"


@dataclass
class _Item:
    """One unit of model work: a unique (language, normalized text) piece."""

    ids: list[int]
    limit: int
    result: Generated | None = None


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
        beam_size: beam width (1 = greedy; deterministic and batch-invariant in float32).
        max_batch_tokens: token budget per batch (longest source x batch size, padding counted).
        cache: path of the SQLite cache file; ``None`` for the default (``$HAMTA_CACHE_DIR`` or
            ``~/.cache/hamta``)/``translations.sqlite``; ``False`` to disable caching.
        max_new_tokens: fixed output limit per sentence; ``None`` = ``2 * source_tokens + 16`` capped at
            the model's target limit (keeps degenerate outputs from running for hundreds of steps).
        no_repeat_ngram_size: forbid repeating n-grams of this size in outputs (0 = off; repetition is
            flagged either way).
        max_input_tokens: longer sources are split at clause boundaries / token windows (never
            truncated); ``None`` = the model's source limit.
        tgt_lang: target language (``"en"``).
        progress: show a tqdm bar on stderr (off in the API, on in the CLI).
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
        )

    # ------------------------------------------------------------------ public API
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
        from hamta.translate.batching import translate_units

        if isinstance(sentences, str):
            raise TypeError("translate() takes a list of sentences, not a single string")
        return translate_units(self, [(s, src_lang) for s in sentences], on_progress=on_progress)

    def translate_records(
        self,
        records: Iterable[Any],
        src_lang: str | None = None,
        *,
        on_progress: Callable[[int], None] | None = None,
        on_result: Callable[[int, Translation], None] | None = None,
    ) -> list[Any]:
        """Fill ``en`` and ``flags`` of hamta `Sentence` records, in order.

        ``on_result(i, translation)`` is called for every record i that went to the model or the cache
        (``translation.from_cache`` tells which), e.g. for per-document counts.

        Boilerplate records are not translated and keep ``en=None`` (later stages skip them). Records whose
        ``lang`` is ``en`` get ``en = text`` without a model call. ``src_lang`` overrides every record's
        ``lang``; otherwise a record with ``lang == "other"`` is translated as its document's majority
        fa/ar language, or left with ``en=None`` and flag ``lang_unknown`` if the document has none.
        """
        from hamta.translate.batching import translate_records

        return translate_records(
            self, list(records), src_lang=src_lang, on_progress=on_progress, on_result=on_result
        )
