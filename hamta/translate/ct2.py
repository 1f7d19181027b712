"""The CTranslate2 engine: the same checkpoints, converted once, run with int8 on CPU (float16 on GPU).

Only the model call lives here; batching, caching, flags and detokenization are in
`hamta.translate.base.Translator`, so outputs, cache and CLI behave exactly as with the ``hf`` engine.
The checkpoint is converted on first use into a cache directory keyed by its fingerprint and the
quantization (`hamta.translate.convert`). Token ids cross the engine boundary as token *strings*
(CTranslate2's vocabulary may differ from the tokenizer's, e.g. Marian without <pad>), so ids are always
mapped through the shared tokenizer.

Options (``Translator(..., engine="ct2", compute_type="int8", threads=2)``):
    compute_type: ``int8`` (CPU default), ``float16`` (GPU default), ``bfloat16``, ``int8_float16``,
        ``int8_float32``, ``float32`` (exactly transformers' float32 results with greedy decoding).
    threads: the engine's CPU thread budget (default: all cores).
    inter_threads: CTranslate2 workers that decode batches in parallel (CPU default: ``min(threads, 4)``,
        each with ``threads // inter_threads`` intra-op threads; GPU default 1): on CPU the small matrix
        products of one beam-search batch parallelise poorly across threads, so two single-threaded
        workers beat one two-threaded worker (about 1.5x on 2 cores, `docs/benchmarks.md`). The translate
        loop hands each worker whole batches, balanced over them (`hamta.translate.batching`).
    fixed_length: benchmark-only: suppress EOS so every sentence decodes exactly ``max_new_tokens`` tokens
        (`benchmarks/translate_speed.py` uses it so that all engines do identical work).
    ct2_cache: where converted models live (default ``$HAMTA_CACHE_DIR/ct2``).
    progress: show conversion progress (the CLI turns it on).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from hamta.errors import HamtaError, MissingExtraError
from hamta.translate.base import Engine, Generated

__all__ = ["CT2Engine", "ENGINE", "auto_engine_ok", "default_compute_type", "COMPUTE_TYPES"]

log = logging.getLogger("hamta.translate.ct2")

#: compute types offered per device (CTranslate2 checks the hardware again at load).
COMPUTE_TYPES = {
    "cpu": ("int8", "int8_float32", "float32"),
    "cuda": ("float16", "bfloat16", "int8_float16", "int8_bfloat16", "int8", "int8_float32", "float32"),
}
#: parallel CPU workers by default; beyond ~4 each sub-batch gets too small to keep its thread busy.
_MAX_DEFAULT_WORKERS = 4


def default_compute_type(device: str) -> str:
    """int8 on CPU (3x float32 at ~no quality cost); float16 on GPU."""
    return "float16" if str(device).startswith("cuda") else "int8"


def auto_engine_ok(spec: Any, device: str) -> bool:
    """``engine="auto"`` uses ct2 when CTranslate2 is installed and can run on ``device``.

    CTranslate2 is the faster engine for all three families on CPU (int8) and GPU (float16), see
    docs/benchmarks.md; conversion failures still fall back to transformers in auto mode.
    """
    try:
        import ctranslate2
    except ImportError:
        return False
    if getattr(spec, "family", None) not in ("nllb", "m2m100", "marian"):
        return False
    if str(device).startswith("cuda"):
        return ctranslate2.get_cuda_device_count() > 0
    return True


def _device_index(device: str) -> tuple[str, int]:
    kind, _, index = str(device).partition(":")
    return kind, int(index) if index else 0


class CT2Engine(Engine):
    """CTranslate2 ``Translator.translate_batch`` behind hamta's engine hooks."""

    name = "ct2"
    pad_buckets = True

    def _load(self) -> None:
        try:
            import ctranslate2
        except ImportError:
            raise MissingExtraError("ctranslate2", "ct2") from None
        from hamta.translate.convert import convert_model

        kind, index = _device_index(self.device)
        if kind not in COMPUTE_TYPES:
            raise ValueError(f"unknown device {self.device!r} for the ct2 engine; choose cpu or cuda")
        compute_type = self.options.get("compute_type") or default_compute_type(kind)
        if compute_type not in COMPUTE_TYPES[kind]:
            raise ValueError(
                f"compute_type {compute_type!r} does not run on {kind}; "
                f"choose one of: {', '.join(COMPUTE_TYPES[kind])}"
            )
        if kind == "cuda" and ctranslate2.get_cuda_device_count() == 0:
            raise HamtaError("the ct2 engine sees no GPU (CTranslate2 CUDA devices: 0); use --device cpu")
        supported = ctranslate2.get_supported_compute_types(kind, index)
        if compute_type not in supported:
            raise HamtaError(
                f"compute_type {compute_type!r} is not supported by this {kind} "
                f"(supported: {', '.join(sorted(supported))})"
            )
        self.compute_type = compute_type
        self.fixed_length = bool(self.options.get("fixed_length", False))
        path = convert_model(
            self.model.path,
            quantization=compute_type,
            fingerprint=str(self.model.fingerprint),
            root=self.options.get("ct2_cache"),
            tokenizer=self.tokenizer,
            progress=bool(self.options.get("progress", False)),
        )
        threads = max(1, int(self.options.get("threads") or os.cpu_count() or 1))
        if kind == "cpu":
            workers = max(1, int(self.options.get("inter_threads") or min(threads, _MAX_DEFAULT_WORKERS)))
            intra = max(1, threads // workers)
        else:
            workers, intra = max(1, int(self.options.get("inter_threads") or 1)), 0
        #: batches decoded side by side (the translate loop balances its batches over them)
        self.workers = workers
        #: batches kept decoding at once: every worker busy even when batches are small
        self.max_in_flight = 2 * workers
        try:
            self.translator = ctranslate2.Translator(
                str(path),
                device=kind,
                device_index=index,
                compute_type=compute_type,
                intra_threads=intra,
                inter_threads=workers,
            )
        except (RuntimeError, ValueError) as exc:
            raise HamtaError(f"model {self.model.name!r}: CTranslate2 cannot load {path} ({exc})") from None
        tok = self.tokenizer
        self.eos_token = tok.eos_token
        # The same constraints as the hf engine's GenerationConfig: <pad> is never generated (NLLB/M2M100
        # keep <pad> in the vocabulary; so does a Marian model converted with <pad> as its start token; the
        # stock Marian conversion has no <pad> at all).
        self.suppress: list[list[str]] | None = None
        if tok.pad_token and tok.pad_token != tok.eos_token and self._vocab_has(path, tok.pad_token):
            self.suppress = [[tok.pad_token]]
        log.debug("ct2 engine: %s on %s (%s, %d workers x %d threads)", path, self.device, compute_type,
                  workers, intra)

    @staticmethod
    def _vocab_has(path: Any, token: str) -> bool:
        import json
        from pathlib import Path

        for name in ("shared_vocabulary.json", "target_vocabulary.json"):
            file = Path(path) / name
            if file.is_file():
                return token in json.loads(file.read_text(encoding="utf-8"))
        return False

    def cache_identity(self) -> str:
        kind, _ = _device_index(self.device)
        ident = f"ct2:{self.options.get('compute_type') or default_compute_type(kind)}"
        return ident + (":fixed" if self.options.get("fixed_length") else "")

    def _target_token(self, tgt: int | str | None) -> str | None:
        """The forced first target token (NLLB ``eng_Latn``, M2M100 ``__en__``), given as id or code."""
        if tgt is None:
            return None
        tok = self.tokenizer
        if isinstance(tgt, int):
            return tok.convert_ids_to_tokens(tgt)
        if self.model.family == "m2m100" and not tgt.startswith("__"):
            return f"__{tgt}__"
        return tgt

    def _generate(self, batch: list[list[int]], tgt_token_id: int | str | None, **decoding: int
                  ) -> list[Generated]:
        """Decode at once (same keyword arguments as `_submit`): the batch is cut into one part per
        worker, so that a lone call keeps every worker busy."""
        size = max(1, -(-len(batch) // self.workers))
        parts = [self._submit(batch[i : i + size], tgt_token_id, **decoding)
                 for i in range(0, len(batch), size)]
        return [generated for collect in parts for generated in collect()]

    def _submit(
        self,
        batch: list[list[int]],
        tgt_token_id: int | str | None,
        *,
        beam_size: int,
        max_new_tokens: int,
        no_repeat_ngram_size: int,
        pad_to: int | None = None,
    ) -> Any:
        """Queue the batch on CTranslate2's workers (asynchronous); the returned function collects it.

        With ``pad_to``, the batch is decoded as one CTranslate2 batch padded to exactly that width: a guard
        row of ``pad_to`` tokens joins it when no member is that long, and its output is dropped.
        CTranslate2 pads a batch to its longest row, and a row's numbers depend on that width only (int8
        matrix products accumulate exactly), so a source decodes the same whoever its batch-mates are.
        """
        tok = self.tokenizer
        source = [tok.convert_ids_to_tokens(ids) for ids in batch]
        prefix_token = self._target_token(tgt_token_id)
        n_prefix = 1 if prefix_token else 0
        # CTranslate2 counts the target prefix in the decoding length; the +1 step tells whether a sentence
        # that reached max_new_tokens content tokens would have ended there (EOS) or runs on (flagged).
        if self.fixed_length:
            max_len = min_len = n_prefix + max_new_tokens
        else:
            max_len, min_len = n_prefix + max_new_tokens + 1, 1
        options = dict(
            beam_size=beam_size,
            num_hypotheses=1,
            length_penalty=1.0,
            no_repeat_ngram_size=no_repeat_ngram_size,
            max_decoding_length=max_len,
            min_decoding_length=min_len,
            max_input_length=0,  # hamta splits long inputs itself; never truncate silently
            return_end_token=True,
            suppress_sequences=self.suppress,
            asynchronous=True,
        )
        # One CTranslate2 batch: the translate loop balances whole batches over the workers itself
        # (`hamta.translate.batching.spread_batches`), so no batch is cut into smaller, costlier ones.
        options["max_batch_size"] = 0
        guarded = False
        rows = source
        if pad_to is not None:  # its padded width is pad_to: a guard row of that width when no member is
            guard = [tok.unk_token] * (pad_to - 1) + [self.eos_token]
            guarded = all(len(row) != pad_to for row in source)
            rows = source + [guard] if guarded else source
        prefix = [[prefix_token] for _ in rows] if prefix_token else None
        started = self.translator.translate_batch(rows, target_prefix=prefix, **options)
        futures = started[:-1] if guarded else started
        return lambda: self._collect([r.result() for r in futures], n_prefix)

    def _collect(self, results: list[Any], n_prefix: int) -> list[Generated]:
        tok = self.tokenizer
        out = []
        for result in results:
            tokens = result.hypotheses[0][n_prefix:]
            finished = bool(tokens) and tokens[-1] == self.eos_token
            if finished:
                tokens = tokens[:-1]
            out.append(Generated(ids=list(tok.convert_tokens_to_ids(tokens)), finished=finished))
        return out


ENGINE = CT2Engine
