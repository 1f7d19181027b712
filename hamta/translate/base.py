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
* optional ``_submit(...)``: the same arguments as ``_generate`` plus ``pad_to``; starts the batch and
  returns a function that gives its results. The default runs ``_generate`` at once; ct2 decodes
  asynchronously, so that the loop keeps ``max_in_flight`` batches (one per CPU worker, and a spare)
  decoding side by side.
* optional ``pad_buckets = True`` (class attribute): the engine's numbers for one row do not depend on the
  other rows of a batch *of the same padded width*. Exact batching then groups sources by length bucket
  (`hamta.translate.batching.bucket_length`) and passes ``pad_to`` = the bucket's width to ``_submit``,
  which must pad every batch it decodes to exactly that width (ct2: a guard row of that length). Engines
  without it (hf: float32 kernels may round differently for another batch shape) get same-length batches.
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
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

__all__ = [
    "Translation",
    "Generated",
    "Engine",
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
#: "padded" (batches like raw CTranslate2: the speed of the best raw configuration, docs/benchmarks.md) or
#: "exact" (a sentence's output never depends on the rest of the job; about 10-20 % slower). A cached
#: sentence is reused either way, so re-runs and resumed jobs keep every translation already made.
DEFAULT_BATCHING = "padded"
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
            abnormally), ``split_long`` (source longer than the model's limit, translated in pieces),
            ``unk`` (the source has characters the model's vocabulary lacks).
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
    #: batches the translate loop keeps started at once (see `_submit`)
    max_in_flight: int = 1
    #: exact batching may pad to length buckets (see the module doc)
    pad_buckets: ClassVar[bool] = False

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

    def _submit(
        self,
        batch: list[list[int]],
        tgt_token_id: int | None,
        *,
        beam_size: int,
        max_new_tokens: int,
        no_repeat_ngram_size: int,
        pad_to: int | None = None,
    ) -> Callable[[], list[Generated]]:
        """Start one batch; the returned function gives its results (default: decode it now; ``pad_to`` is
        only ever given to engines with `pad_buckets`)."""
        results = self._generate(batch, tgt_token_id, beam_size=beam_size, max_new_tokens=max_new_tokens,
                                 no_repeat_ngram_size=no_repeat_ngram_size)
        return lambda: results

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


def __getattr__(name: str) -> Any:
    """``Translator`` lives in `hamta.translate.translator`; importable from here too, lazily (no cycle)."""
    if name == "Translator":
        from hamta.translate.translator import Translator

        return Translator
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
