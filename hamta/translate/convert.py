"""Convert a Hugging Face checkpoint (NLLB, M2M100, Marian) to CTranslate2, once, into a cache directory.

Why a cache: conversion loads the whole model in transformers (seconds to a minute for NLLB-600M), so it
is done on first use and kept under ``<cache>/ct2/<fingerprint>-<quantization>``, where the fingerprint
is the source model's content hash (`hamta.translate.fingerprint.model_fingerprint`, the same one the
translation cache uses) and the quantization is what the weights are stored as. A new checkpoint, or a
changed one, gets a new directory; an old one is never reused by mistake (`hamta cache prune` removes it).

Conversion writes into a temporary sibling directory and renames it into place when complete, so an
interrupted conversion never leaves a half model that a later run would load.

Example:
    >>> from hamta.translate.convert import convert_model
    >>> out = convert_model("/models/opus-mt-ar-en", quantization="int8")   # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hamta.errors import HamtaError

__all__ = [
    "QUANTIZATIONS",
    "ConversionError",
    "convert_model",
    "converted_dir",
    "default_ct2_root",
    "fingerprint_model_dir",
    "Conversion",
    "list_conversions",
    "DONE_FILE",
]

log = logging.getLogger("hamta.translate.convert")

#: weight types CTranslate2 can store; int8 suits CPUs, float16/bfloat16/int8_float16 suit GPUs.
QUANTIZATIONS = ("float32", "int8", "int8_float32", "float16", "bfloat16", "int8_float16", "int8_bfloat16")
#: marker written last: a directory without it is not a finished conversion.
DONE_FILE = _DONE = "hamta_conversion.json"


class ConversionError(HamtaError):
    """The checkpoint could not be converted to CTranslate2 (unsupported architecture, broken files...)."""


def default_ct2_root() -> Path:
    """Where converted models live: ``<hamta cache root>/ct2`` (`hamta.translate.fingerprint.cache_root`)."""
    from hamta.translate.fingerprint import cache_root

    return cache_root() / "ct2"


def fingerprint_model_dir(path: str | os.PathLike[str]) -> str:
    """The model's fingerprint (`hamta.translate.fingerprint.model_fingerprint`), as a conversion error."""
    from hamta.translate.fingerprint import model_fingerprint

    try:
        return model_fingerprint(path)
    except HamtaError as exc:
        raise ConversionError(f"cannot convert {path}: {exc}") from None


def converted_dir(fingerprint: str, quantization: str, root: str | os.PathLike[str] | None = None) -> Path:
    """The cache directory for one (source model, quantization) pair."""
    _check_quantization(quantization)
    safe = "".join(c for c in fingerprint.rsplit(":", 1)[-1] if c.isalnum())[:32] or "model"
    return Path(root or default_ct2_root()) / f"{safe}-{quantization}"


def _check_quantization(quantization: str) -> None:
    if quantization not in QUANTIZATIONS:
        raise ValueError(f"unknown quantization {quantization!r}; choose one of: {', '.join(QUANTIZATIONS)}")


def convert_model(
    model_path: str | os.PathLike[str],
    quantization: str = "int8",
    *,
    fingerprint: str | None = None,
    root: str | os.PathLike[str] | None = None,
    tokenizer: Any = None,
    progress: bool = False,
    force: bool = False,
) -> Path:
    """Convert a local Hugging Face checkpoint to CTranslate2 (once) and return the converted directory.

    Args:
        model_path: local directory of the checkpoint (config.json, weights, tokenizer files).
        quantization: weight type to store (``int8`` on CPU; ``float16``/``bfloat16``/``int8_float16`` on
            GPU; ``float32`` for exact comparisons with transformers).
        fingerprint: the source model's hash; computed from the files when not given.
        root: cache root (default `default_ct2_root`).
        tokenizer: the tokenizer hamta already loaded (avoids a second, possibly different, load).
        progress: show a small tqdm bar on stderr (the CLI turns it on).
        force: convert again even if a finished conversion exists.

    Raises:
        ConversionError: one line naming the model and the reason; nothing is left behind.
    """
    _check_quantization(quantization)
    src = Path(model_path)
    if not (src / "config.json").is_file():
        raise ConversionError(f"cannot convert {src} to CTranslate2: no config.json (not a local checkpoint)")
    fingerprint = fingerprint or fingerprint_model_dir(src)
    out = converted_dir(fingerprint, quantization, root)
    if not force and (out / _DONE).is_file() and (out / "model.bin").is_file():
        log.debug("using converted model %s", out)
        return out
    try:
        import ctranslate2  # noqa: F401
    except ImportError:
        from hamta.errors import MissingExtraError

        raise MissingExtraError("ctranslate2", "ct2") from None

    out.parent.mkdir(parents=True, exist_ok=True)
    log.info("converting %s to CTranslate2 (%s) into %s; this happens once", src, quantization, out)
    bar = _progress_bar(progress, src.name, quantization)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        bar.set_postfix_str("loading + converting")
        converter = _make_converter(src, tokenizer)
        try:
            converter.convert(str(tmp), quantization=quantization, force=True)
        except Exception as exc:  # noqa: BLE001 - any converter failure becomes one clear line
            raise ConversionError(f"cannot convert {src} to CTranslate2: {_one_line(exc)}") from exc
        bar.update(1)
        bar.set_postfix_str("saving")
        _copy_tokenizer_files(src, tmp)
        from hamta import __version__

        info = {"source": str(src.resolve()), "fingerprint": fingerprint, "quantization": quantization,
                "marian_zero_start": getattr(converter, "marian_zero_start", None), "hamta": __version__}
        (tmp / _DONE).write_text(json.dumps(info, indent=1), encoding="utf-8")
        if out.exists():  # a stale or forced directory: replace it
            shutil.rmtree(out, ignore_errors=True)
        try:
            os.replace(tmp, out)
        except OSError:
            if not (out / _DONE).is_file():  # another process did not finish it either
                raise
            log.debug("another process converted %s first", src)
        bar.update(1)
    finally:
        bar.close()
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out


def _one_line(exc: BaseException) -> str:
    return " ".join((str(exc) or type(exc).__name__).split())[:300]


def _progress_bar(enabled: bool, name: str, quantization: str) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=2, desc=f"converting {name} ({quantization})", unit="step", disable=not enabled,
                leave=False)


def _copy_tokenizer_files(src: Path, dst: Path) -> None:
    """Keep the tokenizer files next to the converted weights, so the directory is self-describing."""
    for pattern in ("*.spm", "*.model", "vocab.json", "tokenizer*.json", "special_tokens_map.json",
                    "generation_config.json"):
        for file in src.glob(pattern):
            if file.is_file() and not (dst / file.name).exists():
                shutil.copy2(file, dst / file.name)


def _make_converter(src: Path, tokenizer: Any) -> Any:
    """A TransformersConverter that reuses hamta's tokenizer and handles Marian's decoder start exactly.

    Marian starts decoding from the embedding of <pad>. CTranslate2's stock Marian loader drops <pad> from
    the vocabulary and starts from a zero vector, which is the same thing when that embedding row is zero
    (true of every converted opus-mt checkpoint). When the row is not zero (some fine-tuned or randomly
    initialised models), we keep <pad> as an ordinary token and start from it, so outputs stay identical
    to transformers'; the engine then forbids generating <pad>, as transformers' bad_words_ids does.
    """
    from ctranslate2.converters import TransformersConverter
    from ctranslate2.converters import transformers as ct2_transformers

    class _Converter(TransformersConverter):
        marian_zero_start: bool | None = None

        def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            from hamta.translate.weights import load_model

            # safetensors, or a .bin read weights-only: the same safe loading as the hf engine
            return load_model(model_class, Path(model_name_or_path), str(src), **kwargs)

        def load_tokenizer(self, tokenizer_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            if tokenizer is not None:
                return tokenizer
            return super().load_tokenizer(tokenizer_class, model_name_or_path, **kwargs)

        def _load(self) -> Any:
            registry = ct2_transformers._MODEL_LOADERS
            stock = {name: registry[name] for name in ("MarianConfig", "M2M100Config") if name in registry}
            if "MarianConfig" in stock:
                registry["MarianConfig"] = _marian_loader(stock["MarianConfig"], self)
            if "M2M100Config" in stock:
                registry["M2M100Config"] = _m2m100_loader(stock["M2M100Config"])
            try:
                return super()._load()
            finally:  # the registry is global: put the stock loaders back
                registry.update(stock)

    return _Converter(str(src))


def _marian_loader(stock: Any, converter: Any) -> Any:
    """The stock Marian loader when the <pad> embedding is zero, else one that keeps <pad> as start."""
    keep_pad = _marian_keep_pad_loader()

    class _MarianChoose(type(stock)):  # type: ignore[misc]
        def __call__(self, model: Any, tokenizer: Any) -> Any:
            emb = model.get_decoder().embed_tokens.weight
            pad = model.config.pad_token_id
            zero = bool(pad is not None and not emb[pad].any())
            converter.marian_zero_start = zero
            return stock(model, tokenizer) if zero else keep_pad(model, tokenizer)

    return _MarianChoose()


def _m2m100_loader(stock: Any) -> Any:
    """The stock M2M100/NLLB loader with the vocabulary read id by id from the tokenizer.

    Why: the stock loader sorts ``tokenizer.get_vocab()``, which for some tokenizer versions leaves out the
    language tokens (``__fa__``) or has holes; then every id after them would shift. Reading token ``i``
    for every model id ``i`` keeps ids identical to transformers'; ids without a token get a placeholder.
    """

    class _M2M100ById(type(stock)):  # type: ignore[misc]
        def get_vocabulary(self, model: Any, tokenizer: Any) -> list[str]:
            tokens: list[str] = []
            seen: set[str] = set()
            for i in range(model.config.vocab_size):
                token = tokenizer.convert_ids_to_tokens(i)
                if not isinstance(token, str) or token in seen or (
                    token == tokenizer.unk_token and i != tokenizer.unk_token_id
                ):
                    token = f"madeupword{i}"
                seen.add(token)
                tokens.append(token)
            return tokens

    return _M2M100ById()


def _marian_keep_pad_loader() -> Any:
    """A Marian loader that keeps <pad> in the vocabulary and uses it as the decoder start token."""
    from ctranslate2.converters.transformers import BartLoader, MarianMTLoader

    class _MarianKeepPad(MarianMTLoader):
        def get_model_spec(self, model: Any) -> Any:
            model.config.normalize_before = False
            model.config.normalize_embedding = False
            return BartLoader.get_model_spec(self, model)

        def set_config(self, config: Any, model: Any, tokenizer: Any) -> None:
            config.eos_token = tokenizer.eos_token
            config.unk_token = tokenizer.unk_token
            config.decoder_start_token = tokenizer.convert_ids_to_tokens(model.config.decoder_start_token_id)

        def set_decoder(self, spec: Any, decoder: Any) -> None:
            BartLoader.set_decoder(self, spec, decoder)

        def get_vocabulary(self, model: Any, tokenizer: Any) -> Any:
            return BartLoader.get_vocabulary(self, model, tokenizer)

    return _MarianKeepPad()


@dataclass(frozen=True)
class Conversion:
    """One directory under the conversion cache, for `hamta cache list|prune`.

    ``state``: ``ok`` (its source exists with the same fingerprint), ``stale`` (the source is gone or its
    bytes changed: nothing will use it again), ``unfinished`` (an interrupted conversion).
    """

    path: Path
    source: str
    fingerprint: str
    quantization: str
    size: int
    state: str


def _dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def list_conversions(root: str | os.PathLike[str] | None = None) -> list[Conversion]:
    """Every converted model under ``root`` (default `default_ct2_root`), with whether it is still current."""
    from hamta.translate.fingerprint import model_fingerprint

    base = Path(root or default_ct2_root())
    if not base.is_dir():
        return []
    out: list[Conversion] = []
    current: dict[str, str | None] = {}
    for path in sorted(p for p in base.iterdir() if p.is_dir()):
        try:
            info = json.loads((path / _DONE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            out.append(Conversion(path, "", "", "", _dir_size(path), "unfinished"))
            continue
        source = str(info.get("source", ""))
        if source not in current:
            try:
                current[source] = model_fingerprint(source) if source and Path(source).is_dir() else None
            except HamtaError:
                current[source] = None
        state = "ok" if current[source] == info.get("fingerprint") else "stale"
        fingerprint, quantization = str(info.get("fingerprint", "")), str(info.get("quantization", ""))
        out.append(Conversion(path, source, fingerprint, quantization, _dir_size(path), state))
    return out
