"""Resolve a model argument (hub id or local directory) to files on disk, its family and a fingerprint.

Why a fingerprint: the translation cache and converted CTranslate2 models must never mix outputs of two
different checkpoints that share a name, and must share them between copies of one checkpoint; both use
`hamta.translate.fingerprint.model_fingerprint`, a hash of every defining byte.
"""

from __future__ import annotations

import json
import logging
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hamta.errors import HamtaError

__all__ = ["ModelSpec", "resolve_model", "load_tokenizer", "detect_family", "hub_offline", "FAMILIES"]

log = logging.getLogger("hamta.translate.models")

#: families hamta knows, as printed in messages
FAMILIES = {"nllb": "NLLB-200", "m2m100": "M2M100", "marian": "Marian/opus-mt"}
#: files fetched from the hub: configs, tokenizers, safetensors weights ...
HUB_PATTERNS = ["*.json", "*.safetensors", "*.model", "*.spm", "*.txt"]
#: ... and, only for repositories without safetensors, the pickle weights (read weights-only, `weights.py`)
HUB_BIN_PATTERNS = ["pytorch_model*.bin"]
#: NLLB/fairseq put <s> <pad> </s> <unk> before the SentencePiece pieces: piece ids are shifted by one
NLLB_FAIRSEQ_OFFSET = 1
#: position limit assumed when config.json has none
DEFAULT_POSITIONS = 512
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


@dataclass(frozen=True)
class ModelSpec:
    """A checkpoint on local disk.

    Attributes:
        name: what the user passed (hub id or directory).
        path: the local directory holding config, tokenizer and weights.
        family: ``nllb``, ``m2m100`` or ``marian``.
        fingerprint: ``sha256:<24 hex>`` of config, vocabulary and every weight byte (`model_fingerprint`).
        max_positions: the model's position limit (bounds source and output lengths).
    """

    name: str
    path: Path
    family: str
    fingerprint: str
    max_positions: int
    vocab_size: int = 0

    @property
    def label(self) -> str:
        return f"{self.name} ({FAMILIES[self.family]})"


def hub_offline() -> bool:
    """HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE, read at call time (huggingface_hub reads it at import)."""
    return any(
        os.environ.get(v, "").strip().lower() in ("1", "true", "yes", "on")
        for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )


def _not_available(name: str, why: str) -> HamtaError:
    return HamtaError(
        f"model {name!r} is not a local directory and not in the Hugging Face cache, and {why}; "
        f"on a connected machine run `hf download {name} --local-dir DIR`, copy DIR here and pass --model DIR"
    )


def _download(name: str) -> Path:
    """The hub snapshot directory of ``name`` (from the local HF cache when offline)."""
    try:
        from huggingface_hub import snapshot_download
    except ImportError as exc:  # pragma: no cover - a transformers dependency
        raise HamtaError(f"model {name!r}: huggingface_hub is missing ({exc})") from None
    revision = None
    if "@" in name:
        name, revision = name.split("@", 1)
    offline = hub_offline()
    try:
        path = _snapshot(snapshot_download, name, revision, HUB_PATTERNS, offline)
        if not any(Path(path).glob("*.safetensors")):  # e.g. nllb-200-distilled-600M: pytorch_model.bin only
            path = _snapshot(snapshot_download, name, revision, HUB_PATTERNS + HUB_BIN_PATTERNS, offline)
    except Exception as exc:  # noqa: BLE001 - every hub failure becomes one actionable line
        kind = type(exc).__name__
        if "RepositoryNotFound" in kind or "RevisionNotFound" in kind:
            raise HamtaError(f"model {name!r} does not exist on the Hugging Face hub") from None
        why = "HF_HUB_OFFLINE is set" if offline else f"it could not be downloaded (no connection? {kind})"
        raise _not_available(name, why) from None
    return Path(path)


def _snapshot(download: Any, name: str, revision: str | None, patterns: list[str], offline: bool) -> str:
    return str(download(
        repo_id=name,
        revision=revision,
        allow_patterns=patterns,
        local_files_only=offline,
        cache_dir=os.environ.get("HF_HUB_CACHE") or None,  # read now, like HF_HUB_OFFLINE
    ))


def detect_family(path: Path, name: str | None = None) -> str:
    """``nllb``, ``m2m100`` or ``marian`` from config.json and tokenizer files; one-line error otherwise."""
    label = name or str(path)
    config_file = path / "config.json"
    if not config_file.is_file():
        raise HamtaError(f"model {label!r}: no config.json in {path}; is it a Hugging Face checkpoint?")
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise HamtaError(f"model {label!r}: unreadable config.json ({exc})") from None
    model_type = config.get("model_type", "")
    if model_type == "marian":
        return "marian"
    if model_type == "m2m_100":
        tok_cfg = {}
        if (path / "tokenizer_config.json").is_file():
            tok_cfg = json.loads((path / "tokenizer_config.json").read_text(encoding="utf-8"))
        if str(tok_cfg.get("tokenizer_class", "")).startswith("Nllb"):
            return "nllb"
        if str(tok_cfg.get("tokenizer_class", "")).startswith("M2M100"):
            return "m2m100"
        return "m2m100" if (path / "vocab.json").is_file() else "nllb"
    raise HamtaError(
        f"model {label!r} has unsupported model type {model_type or 'unknown'!r}; hamta translates with "
        "NLLB-200, M2M100 and Marian/opus-mt checkpoints"
    )


def resolve_model(model: str | os.PathLike[str]) -> ModelSpec:
    """Find ``model`` locally or in/through the Hugging Face hub and describe it.

    A path that exists is used as is. A name shaped like ``org/name`` (optionally ``@revision``) is looked up
    in the HF cache and downloaded unless ``HF_HUB_OFFLINE=1``. Anything else is a missing directory.
    """
    name = str(model)
    path = Path(name).expanduser()
    if path.is_dir():
        path = path.resolve()
    elif path.exists():
        raise HamtaError(f"model {name!r} is a file; pass the checkpoint directory or a hub id")
    elif _HUB_ID.match(name.split("@", 1)[0]) and not name.startswith((".", "/", "~")):
        path = _download(name)
    else:
        raise HamtaError(f"model directory {name!r} does not exist (pass a local checkpoint dir or a hub id)")
    from hamta.translate.fingerprint import model_fingerprint
    from hamta.translate.weights import weight_files

    family = detect_family(path, name)
    weight_files(path, name)  # one line now, not a loader traceback later
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    max_positions = int(config.get("max_position_embeddings") or DEFAULT_POSITIONS)
    return ModelSpec(
        name=name,
        path=path,
        family=family,
        fingerprint=model_fingerprint(path, name),
        max_positions=max_positions,
        vocab_size=int(config.get("vocab_size") or 0),
    )


def load_tokenizer(spec: ModelSpec) -> Any:
    """The family's tokenizer class from the checkpoint (never remote code)."""
    import transformers

    cls_name = {"nllb": "NllbTokenizer", "m2m100": "M2M100Tokenizer", "marian": "MarianTokenizer"}
    cls = getattr(transformers, cls_name[spec.family])
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*sacremoses.*")
            tok = cls.from_pretrained(str(spec.path))
            if spec.family == "nllb" and tok.convert_tokens_to_ids("eng_Latn") == tok.unk_token_id:
                # transformers 5 + a bare sentencepiece.bpe.model: language codes must be passed explicitly.
                from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

                tok = cls.from_pretrained(
                    str(spec.path), additional_special_tokens=list(FAIRSEQ_LANGUAGE_CODES)
                )
    except (OSError, ValueError, ImportError) as exc:
        raise HamtaError(f"model {spec.name!r}: cannot load its tokenizer ({_first_line(exc)})") from None
    if spec.family == "nllb":
        check_nllb_language_tokens(tok, spec)
    return tok


def _spm_pieces(path: Path) -> int | None:
    """Pieces of the checkpoint's SentencePiece model, when it ships one."""
    file = path / "sentencepiece.bpe.model"
    if not file.is_file():
        return None
    try:
        import sentencepiece

        return int(sentencepiece.SentencePieceProcessor(model_file=str(file)).get_piece_size())
    except (ImportError, OSError, RuntimeError):
        return None


def check_nllb_language_tokens(tok: Any, spec: ModelSpec) -> None:
    """Stop when the tokenizer's language ids are not the checkpoint's (silent wrong-language output).

    NLLB's language tokens follow the SentencePiece pieces (fairseq offset 1), contiguous in FLORES code
    order, with ``<mask>`` right after the last. An older folder without ``tokenizer.json`` loaded by a newer
    transformers can put ``<mask>`` first and shift every language by one (``eng_Latn`` -> ``epo_Latn``).
    """
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

    ids = [tok.convert_tokens_to_ids(code) for code in FAIRSEQ_LANGUAGE_CODES]
    mask = tok.convert_tokens_to_ids("<mask>")
    pieces = _spm_pieces(spec.path)
    first = pieces + NLLB_FAIRSEQ_OFFSET if pieces else ids[0]
    expected = list(range(first, first + len(ids)))
    problem = ""
    if ids != expected:
        bad = next(i for i, (a, b) in enumerate(zip(ids, expected, strict=True)) if a != b)
        problem = f"{FAIRSEQ_LANGUAGE_CODES[bad]} has id {ids[bad]}, expected {expected[bad]}"
    elif mask != expected[-1] + 1:
        problem = f"<mask> has id {mask}, expected {expected[-1] + 1} (right after the last language)"
    elif spec.vocab_size and mask >= spec.vocab_size:
        problem = f"<mask> id {mask} is outside the model's {spec.vocab_size}-entry vocabulary"
    if problem:
        raise HamtaError(
            f"model {spec.name!r}: its tokenizer does not match the checkpoint's language ids ({problem}), "
            "so translations would come out in the wrong language; put the model's own tokenizer.json "
            f"in {spec.path} (`hf download REPO tokenizer.json --local-dir DIR`)"
        )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
