"""A persistent SQLite cache of sentence translations: re-runs and interrupted jobs translate nothing twice.

Key: (settings signature, source language code, normalized source sentence). The signature holds the model
name and its fingerprint (hub commit or weights hash), the engine and its compute type, and every decoding
setting, so a change of any of them misses the cache instead of returning stale text. Rows are committed
per batch in WAL mode: a job killed with SIGKILL keeps every batch that finished.

Concurrent jobs may share one cache file (SQLite locks it; WAL lets readers go on while one writes).
The first translation stored for a key wins: a row is never overwritten, so every later job reads the
same text. Any SQLite failure (full disk, a damaged file, another program's database) becomes one
`CacheError` line naming the file and what to do, never a traceback.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from hamta.errors import HamtaError

__all__ = ["TranslationCache", "CachedTranslation", "CacheError", "default_cache_path"]

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
#: how long a job waits for another job's lock on the cache before giving up with one line
LOCK_TIMEOUT_S = 30.0
#: pause between attempts when SQLite reports a lock without waiting for it
_LOCK_RETRY_S = 0.05

CachedTranslation = tuple[str, tuple[str, ...], int]  # (target text, flags, n_tokens)
#: the columns hamta reads and writes, per table: a file without them is someone else's database
_COLUMNS: dict[str, frozenset[str]] = {
    "settings": frozenset({"id", "signature"}),
    "translations": frozenset({"setting", "src", "source", "target", "flags", "n_tokens", "created"}),
}
#: what to do, by the start of SQLite's message (lower case); anything else: the damaged-file advice
_ADVICE: tuple[tuple[str, str], ...] = (
    ("database or disk is full", "free disk space, or use --no-cache"),
    ("disk i/o error", "check the disk, or use --no-cache"),
    ("database is locked", "another job holds it for too long; retry, or use another --cache file"),
    ("attempt to write a readonly database", "make it writable, or use another --cache file or --no-cache"),
    ("unable to open database file", "check the path and its folder's permissions, or use --no-cache"),
)
_DAMAGED_ADVICE = "delete it or use --no-cache"


class CacheError(HamtaError):
    """The translation cache cannot be used; the one-line message names the file and what to do."""


def _cache_error(path: str, exc: sqlite3.Error) -> CacheError:
    reason = " ".join(str(exc).split()) or type(exc).__name__
    advice = next((a for start, a in _ADVICE if reason.lower().startswith(start)), _DAMAGED_ADVICE)
    return CacheError(f"{path}: translation cache unusable ({reason}); {advice}")


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
        with self._guard():
            self._db = sqlite3.connect(self.path, timeout=LOCK_TIMEOUT_S)
            _when_unlocked(self._setup)
        self._settings: dict[str, int] = {}

    def _setup(self) -> None:
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._check_schema()
        self._db.executescript(_SCHEMA)

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn any SQLite failure into a one-line `CacheError` that names the file."""
        try:
            yield
        except sqlite3.Error as exc:
            raise _cache_error(self.path, exc) from None

    def _check_schema(self) -> None:
        """Refuse a database whose tables lack hamta's columns (another program's, another version's),
        before anything is created in it."""
        for table, wanted in _COLUMNS.items():
            have = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            if have and not wanted <= have:  # no columns: the table does not exist yet
                missing = ", ".join(sorted(wanted - have))
                raise CacheError(
                    f"{self.path}: not a hamta translation cache (table {table} lacks {missing}); "
                    f"{_DAMAGED_ADVICE}"
                )

    def _setting_id(self, signature: str) -> int:
        if signature not in self._settings:
            with self._guard(), self._db:
                self._db.execute("INSERT OR IGNORE INTO settings (signature) VALUES (?)", (signature,))
            with self._guard():
                row = self._db.execute("SELECT id FROM settings WHERE signature = ?", (signature,)).fetchone()
            self._settings[signature] = int(row[0])
        return self._settings[signature]

    def get_many(self, signature: str, src: str, sources: Iterable[str]) -> dict[str, CachedTranslation]:
        """Cached translations of those ``sources`` that have one."""
        setting = self._setting_id(signature)
        wanted = list(dict.fromkeys(sources))
        found: dict[str, CachedTranslation] = {}
        with self._guard():
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT source, target, flags, n_tokens FROM translations "
                    f"WHERE setting = ? AND src = ? AND source IN ({marks})",
                    (setting, src, *chunk),
                ).fetchall()
                for source, target, flags, n_tokens in rows:
                    found[source] = (target, _parse_flags(self.path, flags), int(n_tokens))
        return found

    def put_many(
        self, signature: str, src: str, rows: Iterable[tuple[str, str, tuple[str, ...], int]]
    ) -> None:
        """Store ``(source, target, flags, n_tokens)`` rows and commit (one transaction per call).

        A key that is already stored keeps its first translation (another job may have written it since
        this one looked): cached text never changes under a finished job's outputs.
        """
        setting = self._setting_id(signature)
        now = time.time()
        data = [
            (setting, src, source, target, json.dumps(list(flags)) if flags else "", n_tokens, now)
            for source, target, flags, n_tokens in rows
        ]
        with self._guard(), self._db:
            self._db.executemany(
                "INSERT OR IGNORE INTO translations "
                "(setting, src, source, target, flags, n_tokens, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                data,
            )

    def count(self, signature: str | None = None) -> int:
        """Number of cached translations (for one signature, or all)."""
        with self._guard():
            if signature is None:
                return int(self._db.execute("SELECT COUNT(*) FROM translations").fetchone()[0])
            setting = self._setting_id(signature)
            return int(
                self._db.execute("SELECT COUNT(*) FROM translations WHERE setting = ?", (setting,))
                .fetchone()[0]
            )

    def close(self) -> None:
        self._db.close()


def _when_unlocked(step: Callable[[], None]) -> None:
    """Run `step`, retrying while the file is locked. Two jobs opening a new cache at once both switch it to
    WAL, and SQLite answers that switch "database is locked" at once, without its busy timeout."""
    deadline = time.monotonic() + LOCK_TIMEOUT_S
    while True:
        try:
            step()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(_LOCK_RETRY_S)


def _parse_flags(path: str, flags: str) -> tuple[str, ...]:
    """The stored flags column (a JSON list, or empty); anything else means the file was tampered with."""
    if not flags:
        return ()
    try:
        parsed = json.loads(flags)
    except ValueError:
        parsed = None
    if not isinstance(parsed, list) or not all(isinstance(f, str) for f in parsed):
        raise CacheError(f"{path}: translation cache holds bad flags {flags[:40]!r}; {_DAMAGED_ADVICE}")
    return tuple(parsed)
