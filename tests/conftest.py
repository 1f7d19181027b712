"""Shared fixtures: tiny random NLLB / M2M100 / Marian checkpoints, built once and cached by content.

The cache key hashes the builder source, the SentencePiece sample and the transformers version, so an
edit to any of them rebuilds; otherwise a session (and later sessions) reuse the directories. Builds go to
a temp dir first and are renamed into place, so parallel test sessions never see half a model.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))


def _content_key() -> str:
    import transformers

    digest = hashlib.sha256(transformers.__version__.encode())
    package = TESTS.parent / "hamta" / "testing"
    digest.update((package / "tiny_model.py").read_bytes())
    for sample in sorted((package / "data").glob("spm_sample.*.txt")):
        digest.update(sample.read_bytes())
    return digest.hexdigest()[:16]


def tiny_model_dir(family: str, **kwargs: object) -> Path:
    """The directory of a tiny ``family`` model (built once, reused while its inputs are unchanged)."""
    from hamta.testing import tiny_model

    variant = "-".join(f"{k}={v}" for k, v in sorted(kwargs.items()))
    tag = hashlib.sha256(variant.encode()).hexdigest()[:8] if variant else "default"
    root = Path(os.environ.get("HAMTA_TEST_MODELS") or Path(tempfile.gettempdir()) / "hamta-tiny-models")
    target = root / _content_key() / f"{family}-{tag}"
    if (target / "config.json").is_file():  # renamed into place complete
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{family}-", dir=target.parent))
    try:
        tiny_model.BUILDERS[family](staging / "model", **kwargs)
        try:
            os.rename(staging / "model", target)
        except OSError:  # another session won the race: use its copy
            if not (target / "config.json").is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


@pytest.fixture(scope="session", autouse=True)
def _one_torch_thread() -> None:
    """Tiny models gain nothing from threads, and CI's 2 shared cores suffer from oversubscription."""
    try:
        import torch
    except ImportError:  # pragma: no cover
        return
    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def tiny_nllb() -> Path:
    """Directory of a tiny random NLLB-200 checkpoint (NllbTokenizer, all FLORES codes)."""
    return tiny_model_dir("nllb")


@pytest.fixture(scope="session")
def tiny_m2m100() -> Path:
    """Directory of a tiny random M2M100 checkpoint (M2M100Tokenizer, __xx__ language tokens)."""
    return tiny_model_dir("m2m100")


@pytest.fixture(scope="session")
def tiny_marian() -> Path:
    """Directory of a tiny random opus-mt-ar-en style Marian checkpoint (one pair, no prefix)."""
    return tiny_model_dir("marian")


@pytest.fixture(scope="session")
def tiny_marian_multi() -> Path:
    """A tiny multi-target Marian checkpoint (mul -> eng/fra) that needs a ``>>eng<<`` source prefix."""
    return tiny_model_dir(
        "marian", source_lang="mul", target_lang="mul", target_tokens=(">>eng<<", ">>fra<<")
    )


@pytest.fixture(scope="session")
def tiny_models(tiny_nllb: Path, tiny_m2m100: Path, tiny_marian: Path) -> dict[str, Path]:
    """All three single-model fixtures by family name."""
    return {"nllb": tiny_nllb, "m2m100": tiny_m2m100, "marian": tiny_marian}
