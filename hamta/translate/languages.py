"""Language codes per model family, and the family's source/target special tokens.

Users say ``fa``/``ar``/``en`` (or a family's own code such as ``pes_Arab``); each family spells them
differently (NLLB ``pes_Arab``, M2M100 ``__fa__``, Marian ``>>eng<<`` target prefixes). Building the special
tokens here, per call, avoids the NLLB tokenizer's hidden ``src_lang=eng_Latn`` default.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["canonical_language", "FamilyAdapter", "family_adapter", "LANGUAGES"]

log = logging.getLogger("hamta.translate.languages")

#: hamta language -> code per family
LANGUAGES: dict[str, dict[str, str]] = {
    "fa": {"nllb": "pes_Arab", "m2m100": "fa", "marian": "fa"},
    "ar": {"nllb": "arb_Arab", "m2m100": "ar", "marian": "ar"},
    "en": {"nllb": "eng_Latn", "m2m100": "en", "marian": "en"},
}
_ALIASES = {
    "fa": "fa",
    "pes_arab": "fa",
    "pes": "fa",
    "fas": "fa",
    "per": "fa",
    "fa_ir": "fa",
    "__fa__": "fa",
    "ar": "ar",
    "arb_arab": "ar",
    "arb": "ar",
    "ara": "ar",
    "ar_ar": "ar",
    "__ar__": "ar",
    "en": "en",
    "eng_latn": "en",
    "eng": "en",
    "en_xx": "en",
    "__en__": "en",
}
#: Marian (OPUS) source group codes that include Persian / Arabic.
_MARIAN_GROUPS = {
    "fa": {"fa", "pes", "fas", "iir", "ine", "mul"},
    "ar": {"ar", "ara", "arb", "sem", "afa", "mul"},
    "en": {"en", "eng", "gem", "gmw", "ine", "mul"},
}
#: source tokens (specials included) a family was trained on; longer inputs are split (`split_long`) even
#: where the positions allow more (NLLB-200 has 1024 positions but saw at most 512 tokens in training)
TRAINED_SOURCE_TOKENS: dict[str, int] = {"nllb": 512}
_OPUS_NAME = re.compile(r"opus-mt-(?:tc-(?:big|base)-)?([a-z_+]+)-([a-z_+]+)", re.I)


def canonical_language(lang: str) -> str | None:
    """``fa``/``ar``/``en`` for any known spelling (``pes_Arab``, ``ara``...), else None."""
    return _ALIASES.get(lang.strip().lower())


@dataclass
class FamilyAdapter:
    """Maps languages to a family's codes and builds complete source token-id sequences."""

    spec: Any
    tokenizer: Any

    def __post_init__(self) -> None:
        tok = self.tokenizer
        self.family = self.spec.family
        self.eos_id = tok.eos_token_id
        limit = self.spec.max_positions
        tok_limit = getattr(tok, "model_max_length", None)
        if isinstance(tok_limit, int) and 0 < tok_limit < 100_000:
            limit = min(limit, tok_limit)
        #: source limit in tokens, specials included (positions minus a safety margin of 2, at most the
        #: family's trained length)
        self.max_source_tokens = max(8, min(limit - 2, TRAINED_SOURCE_TOKENS.get(self.family, limit)))
        self.max_target_tokens = max(8, self.spec.max_positions - 3)
        # hamta splits long input itself; silence the tokenizer's "longer than maximum" warning
        tok.model_max_length = 1_000_000_000
        self._marian_prefix: int | None = None
        if self.family == "marian":
            self._setup_marian()

    # --------------------------------------------------------------- Marian specifics
    def _marian_pair(self) -> tuple[str | None, str | None]:
        tok = self.tokenizer
        src, tgt = getattr(tok, "source_lang", None), getattr(tok, "target_lang", None)
        if not (src and tgt):
            match = _OPUS_NAME.search(str(self.spec.name)) or _OPUS_NAME.search(str(self.spec.path))
            if match:
                src, tgt = src or match.group(1), tgt or match.group(2)
        return (src.lower() if src else None), (tgt.lower() if tgt else None)

    def _setup_marian(self) -> None:
        tok = self.tokenizer
        self.marian_src, self.marian_tgt = self._marian_pair()
        codes = [t for t in tok.get_vocab() if re.fullmatch(r">>\w+<<", t)]
        if codes:  # multi-target model: the target language is a source prefix token
            for want in (">>eng<<", ">>en<<"):
                if want in codes:
                    self._marian_prefix = tok.convert_tokens_to_ids(want)
                    break
            else:
                raise ValueError(
                    f"model {self.spec.name!r} is a multi-target Marian model without an English target "
                    f"token (>>eng<<); its targets: {', '.join(sorted(codes)[:8])}"
                )
        elif self.marian_tgt and not set(self.marian_tgt.split("+")) & _MARIAN_GROUPS["en"]:
            raise ValueError(
                f"model {self.spec.name!r} translates into {self.marian_tgt!r}, not English; "
                "use an *-en model (e.g. Helsinki-NLP/opus-mt-ar-en or opus-mt-mul-en)"
            )

    # --------------------------------------------------------------- languages
    def source_code(self, lang: str) -> str:
        """The family's code for source language ``lang``; ValueError naming model and language otherwise."""
        canon = canonical_language(lang)
        if self.family == "marian":
            if canon is None:
                raise ValueError(f"unknown language {lang!r}; use fa, ar or en")
            src = self.marian_src
            if src and not set(src.split("+")) & _MARIAN_GROUPS[canon]:
                raise ValueError(
                    f"model {self.spec.name!r} translates from {src!r}, not {canon!r}; "
                    f"use an opus-mt-{canon}-en or opus-mt-mul-en model, or NLLB"
                )
            return canon
        code = LANGUAGES[canon][self.family] if canon else lang.strip()
        if self.family == "m2m100":
            code = code.strip("_")
            lang_ids = getattr(self.tokenizer, "lang_code_to_id", None) or {}
            if code not in lang_ids and f"__{code}__" not in lang_ids:
                raise ValueError(
                    f"unknown language {lang!r} for M2M100 model {self.spec.name!r}; use fa, ar or en"
                )
            return code
        token_id = self.tokenizer.convert_tokens_to_ids(code)
        if token_id is None or token_id == self.tokenizer.unk_token_id:
            raise ValueError(
                f"unknown language {lang!r} for NLLB model {self.spec.name!r}; "
                "use fa, ar, en or an NLLB code "
                "such as pes_Arab"
            )
        return code

    def target_code(self, lang: str) -> str | None:
        """The code forced as first target token (NLLB/M2M100), or None (Marian: prefix in the source)."""
        if self.family == "marian":
            if canonical_language(lang) != "en":
                raise ValueError(f"Marian models in hamta translate into English only, not {lang!r}")
            return None
        return self.source_code(lang)

    def lang_token_id(self, code: str) -> int:
        """Token id of a language code (NLLB ``pes_Arab``; M2M100 ``fa`` -> ``__fa__``)."""
        if self.family == "m2m100":
            return self.tokenizer.get_lang_id(code)
        return self.tokenizer.convert_tokens_to_ids(code)

    # --------------------------------------------------------------- token ids
    def content_ids(self, text: str) -> list[int]:
        """Token ids of ``text`` without any special tokens."""
        return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def encode(self, texts: list[str], src_code: str) -> list[list[int]]:
        """Complete source sequences: NLLB/M2M100 ``[lang] ... </s>``, Marian ``[>>eng<<] ... </s>``."""
        if not texts:
            return []
        batch = self.tokenizer(list(texts), add_special_tokens=False)["input_ids"]
        if self.family == "marian":
            prefix = [] if self._marian_prefix is None else [self._marian_prefix]
        else:
            prefix = [self.lang_token_id(src_code)]
        return [prefix + list(ids) + [self.eos_id] for ids in batch]

    @property
    def n_special(self) -> int:
        """Number of special tokens `encode` adds around the content."""
        return 1 + (0 if self.family == "marian" and self._marian_prefix is None else 1)

    def decode(self, ids: list[int]) -> str:
        """Text of generated content ids; detokenization pinned so outputs are stable across versions."""
        return self.tokenizer.decode(
            ids, skip_special_tokens=True, clean_up_tokenization_spaces=False
        ).strip()


def family_adapter(spec: Any, tokenizer: Any) -> FamilyAdapter:
    """The adapter for ``spec``'s family (validates Marian targets once, at load)."""
    return FamilyAdapter(spec, tokenizer)
