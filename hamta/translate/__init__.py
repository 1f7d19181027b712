"""Batch translation of Persian/Arabic sentences into English (NLLB-200, M2M100, Marian/opus-mt).

`Translator` is the one front door: it resolves the model, batches sentences of equal token length by a
token budget, caches in SQLite, splits over-long sentences and flags suspicious outputs; engines (`hf`:
transformers, `ct2`: CTranslate2) only run the model. Importing this package loads no torch/transformers.
"""

from hamta.translate.base import (
    DEFAULT_BEAM_SIZE,
    DEFAULT_MAX_BATCH_TOKENS,
    DEFAULT_MODEL,
    ENGINES,
    Engine,
    Generated,
    Translation,
    TranslationStats,
    get_engine_class,
)
from hamta.translate.translator import Translator

__all__ = [
    "Translator",
    "Translation",
    "TranslationStats",
    "Engine",
    "Generated",
    "ENGINES",
    "get_engine_class",
    "DEFAULT_MODEL",
    "DEFAULT_BEAM_SIZE",
    "DEFAULT_MAX_BATCH_TOKENS",
]
