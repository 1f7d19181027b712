"""Inspect and clean hamta's caches: converted CTranslate2 models and the translation cache.

`hamta cache list` shows every converted model (its source, quantization, size, and whether it is still
current) and the translation cache's rows per settings signature. `hamta cache prune` deletes converted
models nothing will use again: their source folder is gone or its bytes changed (a new fingerprint gets a
new conversion), and interrupted conversions.

Examples:
  hamta cache list
  hamta cache prune
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("action", choices=["list", "prune"], help="list caches, or delete stale conversions")
    parser.add_argument("--ct2-dir", default=None, metavar="DIR",
                        help="converted models' directory (default: $HAMTA_CACHE_DIR/ct2)")
    parser.add_argument("--cache", default=None, metavar="PATH",
                        help="translation cache file (default: $HAMTA_CACHE_DIR/translations.sqlite)")


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"  # pragma: no cover


def run(args: argparse.Namespace) -> int:
    import shutil
    from pathlib import Path

    from hamta.translate.convert import default_ct2_root, list_conversions

    root = Path(args.ct2_dir) if args.ct2_dir else default_ct2_root()
    conversions = list_conversions(root)
    if args.action == "prune":
        freed = removed = 0
        for conv in conversions:
            if conv.state in ("stale", "unfinished"):
                shutil.rmtree(conv.path, ignore_errors=True)
                freed += conv.size
                removed += 1
        print(f"removed {removed} stale or unfinished conversion(s) from {root}, {_size(freed)} freed")
        return 0
    print(f"converted models in {root}:")
    for conv in conversions:
        source = conv.source or "?"
        print(f"  {conv.state:10} {conv.quantization:12} {_size(conv.size):>9}  {conv.path}  <- {source}")
    if not conversions:
        print("  (none)")
    _list_translations(args.cache)
    return 0


def _list_translations(path: str | None) -> None:
    import sqlite3
    from pathlib import Path

    from hamta.translate.cache import default_cache_path

    file = Path(path) if path else default_cache_path()
    print(f"translation cache {file}:")
    if not file.is_file():
        print("  (none)")
        return
    try:
        with sqlite3.connect(f"file:{file}?mode=ro", uri=True) as db:
            rows = db.execute(
                "SELECT s.signature, COUNT(t.setting) FROM settings s LEFT JOIN translations t "
                "ON t.setting = s.id GROUP BY s.id ORDER BY s.id"
            ).fetchall()
    except sqlite3.DatabaseError as exc:
        print(f"hamta: error: {file}: not a usable hamta translation cache ({exc})", file=sys.stderr)
        return
    for signature, count in rows:
        print(f"  {count:8d} sentences  {signature}")
