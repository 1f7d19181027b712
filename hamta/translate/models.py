"""Resolve a model argument (hub id or local directory) to files on disk, its family and a fingerprint.

Why a fingerprint: the translation cache and converted CTranslate2 models must never mix outputs of two
different checkpoints that share a name. Hub snapshots use the resolved commit hash; local directories
hash their config and (sampled) weights.
"""

from __future__ import annotations

import hashlib
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
#: files fetched from the hub: configs, tokenizers, safetensors weights; never pickles (*.bin, *.pt).
HUB_PATTERNS = ["*.json", "*.safetensors", "*.model", "*.spm", "*.txt"]
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_SAMPLE = 1 << 20  # bytes per sampled chunk when hashing large weight files


@dataclass(frozen=True)
class ModelSpec:
    """A checkpoint on local disk.

    Attributes:
        name: what the user passed (hub id or directory).
        path: the local directory holding config, tokenizer and weights.
        family: ``nllb``, ``m2m100`` or ``marian``.
        fingerprint: hub commit hash, or ``sha256:<16 hex>`` of config + weights for a local directory.
        max_positions: the model's position limit (bounds source and output lengths).
    """

    name: str
    path: Path
    family: str
    fingerprint: str
    max_positions: int

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
        f"on a connected machine run `huggingface-cli download {name} --local-dir DIR` "
        f"(or `hf download`), copy DIR here and pass --model DIR"
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
        path = snapshot_download(
            repo_id=name,
            revision=revision,
            allow_patterns=HUB_PATTERNS,
            local_files_only=offline,
            cache_dir=os.environ.get("HF_HUB_CACHE") or None,  # read now, like HF_HUB_OFFLINE
        )
    except Exception as exc:  # noqa: BLE001 - every hub failure becomes one actionable line
        kind = type(exc).__name__
        if "RepositoryNotFound" in kind or "RevisionNotFound" in kind:
            raise HamtaError(f"model {name!r} does not exist on the Hugging Face hub") from None
        why = "HF_HUB_OFFLINE is set" if offline else f"it could not be downloaded (no connection? {kind})"
        raise _not_available(name, why) from None
    return Path(path)


def _fingerprint(path: Path) -> str:
    """Hub commit hash when ``path`` is a hub snapshot; else a content hash of config and weights."""
    if path.parent.name == "snapshots" and re.fullmatch(r"[0-9a-f]{40}", path.name):
        return path.name
    digest = hashlib.sha256()
    for file in sorted(path.iterdir()):
        if not file.is_file() or file.suffix not in (".json", ".safetensors", ".model", ".spm"):
            continue
        size = file.stat().st_size
        digest.update(f"{file.name}\0{size}\0".encode())
        with file.open("rb") as handle:
            if size <= 8 * _SAMPLE:
                digest.update(handle.read())
            else:  # large weights: head, middle and tail chunks plus the exact size
                for offset in (0, size // 3, 2 * size // 3, size - _SAMPLE):
                    handle.seek(offset)
                    digest.update(handle.read(_SAMPLE))
    return "sha256:" + digest.hexdigest()[:16]


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
    family = detect_family(path, name)
    if not any(path.glob("*.safetensors")):
        pickles = [p.name for p in path.glob("*.bin")] + [p.name for p in path.glob("*.pt")]
        extra = f" (found {', '.join(pickles)}: pickle files are never loaded)" if pickles else ""
        raise HamtaError(
            f"model {name!r} has no safetensors weights in {path}{extra}; convert it with "
            "`model.save_pretrained(dir, safe_serialization=True)` on a trusted machine"
        )
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    max_positions = int(config.get("max_position_embeddings") or 512)
    return ModelSpec(
        name=name, path=path, family=family, fingerprint=_fingerprint(path), max_positions=max_positions
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
    return tok


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
