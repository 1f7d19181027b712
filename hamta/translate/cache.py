"""A persistent SQLite cache of sentence translations: re-runs and interrupted jobs translate nothing twice.

Key: (settings signature, source language code, normalized source sentence). The signature holds the model
name and its fingerprint (hub commit or weights hash), the engine and its compute type, and every decoding
setting, so a change of any of them misses the cache instead of returning stale text. Rows are committed
per batch in WAL mode: a job killed with SIGKILL keeps every batch that finished.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

__all__ = ["TranslationCache", "CachedTranslation", "default_cache_path"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (id INTEGER PRIMARY KEY, signature TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS translations (
    setting INTEGER NOT NULL,
    src TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    flags TEXT NOT NULL DEFAULT '',
    n_tokens INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    PRIMARY KEY (setting, src, source)
) WITHOUT ROWID;
"""
_CHUNK = 500  # SQLite's default limit on host parameters is 999 (older builds)

CachedTranslation = tuple[str, tuple[str, ...], int]  # (target text, flags, n_tokens)


def default_cache_path() -> Path:
    """translations.sqlite in ``$HAMTA_CACHE_DIR``, else ``$XDG_CACHE_HOME/hamta`` or ``~/.cache/hamta``."""
    root = os.environ.get("HAMTA_CACHE_DIR")
    if not root:
        root = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "hamta")
    return Path(root) / "translations.sqlite"


class TranslationCache:
    """SQLite-backed map (signature, src, normalized source) -> (English, flags, n_tokens).

    Example:
        >>> cache = TranslationCache(":memory:")
        >>> cache.put_many("sig", "fa", [("سلام", "Hello", (), 2)])
        >>> cache.get_many("sig", "fa", ["سلام", "x"])
        {'سلام': ('Hello', (), 2)}
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, timeout=30.0)
            if self.path != ":memory:":
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise OSError(f"{self.path}: not a usable hamta translation cache ({exc})") from None
        self._settings: dict[str, int] = {}

    def _setting_id(self, signature: str) -> int:
        if signature not in self._settings:
            with self._db:
                self._db.execute("INSERT OR IGNORE INTO settings (signature) VALUES (?)", (signature,))
            row = self._db.execute("SELECT id FROM settings WHERE signature = ?", (signature,)).fetchone()
            self._settings[signature] = int(row[0])
        return self._settings[signature]

    def get_many(self, signature: str, src: str, sources: Iterable[str]) -> dict[str, CachedTranslation]:
        """Cached translations of those ``sources`` that have one."""
        setting = self._setting_id(signature)
        wanted = list(dict.fromkeys(sources))
        found: dict[str, CachedTranslation] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT source, target, flags, n_tokens FROM translations "
                f"WHERE setting = ? AND src = ? AND source IN ({marks})",
                (setting, src, *chunk),
            )
            for source, target, flags, n_tokens in rows:
                found[source] = (target, tuple(json.loads(flags)) if flags else (), int(n_tokens))
        return found

    def put_many(
        self, signature: str, src: str, rows: Iterable[tuple[str, str, tuple[str, ...], int]]
    ) -> None:
        """Store ``(source, target, flags, n_tokens)`` rows and commit (one transaction per call)."""
        setting = self._setting_id(signature)
        now = time.time()
        data = [
            (setting, src, source, target, json.dumps(list(flags)) if flags else "", n_tokens, now)
            for source, target, flags, n_tokens in rows
        ]
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO translations "
                "(setting, src, source, target, flags, n_tokens, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                data,
            )

    def count(self, signature: str | None = None) -> int:
        """Number of cached translations (for one signature, or all)."""
        if signature is None:
            return int(self._db.execute("SELECT COUNT(*) FROM translations").fetchone()[0])
        setting = self._setting_id(signature)
        return int(
            self._db.execute("SELECT COUNT(*) FROM translations WHERE setting = ?", (setting,)).fetchone()[0]
        )

    def close(self) -> None:
        self._db.close()
