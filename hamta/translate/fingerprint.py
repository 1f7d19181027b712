"""One fingerprint per checkpoint: the hash of every byte that defines its outputs.

Why content, not names or paths: ``./m``, ``/abs/m``, a hub snapshot and an ``hf download --local-dir`` copy
of it are the same model and must share the translation cache and the CTranslate2 conversion; a folder
whose weights changed by one byte is a different model and must not. Both caches key on `model_fingerprint`.

Hashing a 2.4 GB checkpoint takes seconds, so each file's sha256 is remembered by (real path, size,
mtime) in ``<cache root>/file_hashes.json``; a later run with unchanged files hashes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from hamta.errors import HamtaError

__all__ = ["cache_root", "file_sha256", "model_fingerprint", "fingerprint_files", "HASH_CHUNK"]

#: bytes read per step while hashing
HASH_CHUNK = 1 << 22
#: files besides the weights whose bytes change outputs (architecture, vocabulary, tokenization)
_DEFINING = ("config.json", "*.spm", "*.model", "vocab.json", "tokenizer.json", "tokenizer_config.json",
             "special_tokens_map.json", "added_tokens.json")
#: hex digits kept in the fingerprint (96 bits: collisions are not a concern)
_DIGITS = 24
_HASHES_FILE = "file_hashes.json"


def cache_root() -> Path:
    """hamta's cache directory: ``$HAMTA_CACHE_DIR``, else ``$XDG_CACHE_HOME/hamta`` or ``~/.cache/hamta``."""
    root = os.environ.get("HAMTA_CACHE_DIR")
    if not root:
        root = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "hamta")
    return Path(root)


def _load_known(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _current(key: str) -> bool:
    """Whether a remembered "realpath|size|mtime_ns" still describes the file on disk."""
    name, size, mtime = key.rsplit("|", 2)
    try:
        stat = os.stat(name)
    except OSError:
        return False
    return (str(stat.st_size), str(stat.st_mtime_ns)) == (size, mtime)


def _save_known(path: Path, known: dict[str, str]) -> None:
    """Atomic replace, without entries of deleted or changed files; a lost race only costs a re-hash."""
    known = {k: v for k, v in known.items() if _current(k)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".hashes.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(known, handle)
        os.replace(tmp, path)
    except OSError:  # a read-only cache only makes the next run slower
        pass


def file_sha256(file: Path, known: dict[str, str] | None = None) -> str:
    """sha256 of every byte of ``file``; ``known`` maps "realpath|size|mtime_ns" to earlier results."""
    real = file.resolve()
    stat = real.stat()
    key = f"{real}|{stat.st_size}|{stat.st_mtime_ns}"
    if known is not None and key in known:
        return known[key]
    digest = hashlib.sha256()
    with real.open("rb") as handle:
        for chunk in iter(lambda: handle.read(HASH_CHUNK), b""):
            digest.update(chunk)
    value = digest.hexdigest()
    if known is not None:
        known[key] = value
    return value


def fingerprint_files(path: Path, name: str | None = None) -> list[Path]:
    """The files `model_fingerprint` hashes: the weights hamta loads plus the defining config/vocabulary."""
    from hamta.translate.weights import weight_files

    _, weights = weight_files(path, name or str(path))
    files = {p for pattern in _DEFINING for p in path.glob(pattern) if p.is_file()}
    return sorted(files | set(weights), key=lambda p: p.name)


def model_fingerprint(path: str | os.PathLike[str], name: str | None = None) -> str:
    """``sha256:<24 hex>`` over the names and full contents of the checkpoint's defining files."""
    root = Path(path)
    if not (root / "config.json").is_file():
        raise HamtaError(f"model {name or str(root)!r}: no config.json in {root}")
    store = cache_root() / _HASHES_FILE
    known = _load_known(store)
    before = len(known)
    digest = hashlib.sha256()
    for file in fingerprint_files(root, name):
        digest.update(f"{file.name}\0{file_sha256(file, known)}\0".encode())
    if len(known) != before:
        _save_known(store, known)
    return "sha256:" + digest.hexdigest()[:_DIGITS]
