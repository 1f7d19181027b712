"""The transformers engine: runs NLLB/M2M100/Marian checkpoints with ``model.generate``.

Only the model call lives here; batching, caching and flags are in `hamta.translate.base.Translator`.
"""

from __future__ import annotations

import logging
from typing import Any

from hamta.errors import HamtaError
from hamta.translate.base import Engine, Generated

__all__ = ["HFEngine", "ENGINE"]

log = logging.getLogger("hamta.translate.hf")

_DTYPES = ("float32", "float16", "bfloat16")


class HFEngine(Engine):
    """transformers ``generate`` with explicit, per-call decoding settings.

    Options: ``dtype`` (``float32`` default: exact and batch-invariant; ``float16``/``bfloat16`` on GPU
    only), ``threads`` (torch intra-op threads; default: torch's choice).
    """

    name = "hf"

    def _load(self) -> None:
        import torch
        import transformers

        dtype = self.options.get("dtype", "float32")
        if dtype not in _DTYPES:
            raise ValueError(
                f"unknown dtype {dtype!r} for the hf engine; choose one of: {', '.join(_DTYPES)}"
            )
        if dtype != "float32" and not str(self.device).startswith("cuda"):
            raise ValueError(f"dtype {dtype!r} needs a GPU; use float32 on CPU (or the ct2 engine for int8)")
        self.dtype = dtype
        transformers.utils.logging.disable_progress_bar()  # hamta shows its own progress
        if self.options.get("threads"):
            torch.set_num_threads(int(self.options["threads"]))
        cls = (
            transformers.MarianMTModel
            if self.model.family == "marian"
            else (transformers.M2M100ForConditionalGeneration)
        )
        from hamta.translate.weights import load_model

        try:
            net = load_model(cls, self.model.path, self.model.name, dtype=getattr(torch, dtype))
        except (OSError, ValueError, RuntimeError) as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise HamtaError(f"model {self.model.name!r}: cannot load weights ({first})") from None
        self.net = net.to(self.device).eval()
        # Decoding settings are hamta's alone: drop the checkpoint's generation_config.json (NLLB max_length
        # 200, opus-mt num_beams 6 / forced_eos ...), which generate() would merge into every unset field.
        self.net.generation_config = transformers.GenerationConfig()
        self.pad_id = int(self.tokenizer.pad_token_id)
        self.eos_id = int(self.tokenizer.eos_token_id)
        # Marian decodes from the pad token; NLLB/M2M100 from </s>. Taken from the checkpoint's config.
        self.start_id = int(self.net.config.decoder_start_token_id)

    def cache_identity(self) -> str:
        return f"hf:{self.options.get('dtype', 'float32')}"

    def _generation_config(
        self, tgt_token_id: int | None, beam_size: int, max_new_tokens: int, no_repeat_ngram_size: int
    ) -> Any:
        from transformers import GenerationConfig

        # + EOS (+ forced language token) + one spare step, so that a natural end inside the limit is seen
        steps = max_new_tokens + 2 + (1 if tgt_token_id is not None else 0)
        # every field generate() reads is set here, so nothing is merged from anywhere else
        return GenerationConfig(
            decoder_start_token_id=self.start_id,
            bos_token_id=self.net.config.bos_token_id,
            eos_token_id=self.eos_id,
            pad_token_id=self.pad_id,
            forced_bos_token_id=tgt_token_id,
            num_beams=beam_size,
            do_sample=False,
            max_new_tokens=steps,
            min_new_tokens=0,
            no_repeat_ngram_size=no_repeat_ngram_size,
            length_penalty=1.0,
            early_stopping=True if beam_size > 1 else False,
            num_return_sequences=1,
            forced_eos_token_id=None,
            repetition_penalty=1.0,
            encoder_no_repeat_ngram_size=0,
            renormalize_logits=False,
            use_cache=True,
            # never emit padding as content (opus-mt checkpoints set the same ban)
            bad_words_ids=[[self.pad_id]] if self.pad_id != self.eos_id else None,
        )

    def _generate(
        self,
        batch: list[list[int]],
        tgt_token_id: int | None,
        *,
        beam_size: int,
        max_new_tokens: int,
        no_repeat_ngram_size: int,
    ) -> list[Generated]:
        import torch

        width = max(len(ids) for ids in batch)
        input_ids = torch.full((len(batch), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, ids in enumerate(batch):  # right padding + an explicit attention mask, always
            input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
            mask[row, : len(ids)] = 1
        config = self._generation_config(tgt_token_id, beam_size, max_new_tokens, no_repeat_ngram_size)
        with torch.inference_mode():
            out = self.net.generate(
                input_ids=input_ids.to(self.device),
                attention_mask=mask.to(self.device),
                generation_config=config,
            )
        skip = 1 + (1 if tgt_token_id is not None else 0)  # decoder start (+ forced language token)
        results = []
        for seq in out.tolist():
            content = seq[skip:]
            if self.eos_id in content:
                results.append(Generated(ids=content[: content.index(self.eos_id)], finished=True))
            else:
                results.append(Generated(ids=[t for t in content if t != self.pad_id], finished=False))
        return results


ENGINE = HFEngine
