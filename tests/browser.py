"""Headless Chromium for tests: render an HTML file to a PNG screenshot or dump its DOM after scripts ran.

Why a helper: several reports (score, coverage) must be checked in a real browser, and every test that
does so must skip, with a stated reason, where no browser is installed (CI installs Debian's `chromium`:
``apt-get install -y chromium``). Usage in a test::

    from browser import require_browser, screenshot
    def test_report_renders(tmp_path):
        require_browser()                      # pytest.skip("no Chromium ...") when absent
        png = screenshot(html, tmp_path / "shot.png", 1280, 900)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["find_browser", "require_browser", "screenshot", "dump_dom", "BrowserError", "NO_BROWSER_REASON"]

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
NO_BROWSER_REASON = (
    "no headless Chromium found (install it: apt-get install -y chromium; or set HAMTA_CHROMIUM)"
)
#: seconds one browser run may take before it counts as hung
TIMEOUT_S = 60


class BrowserError(RuntimeError):
    """The browser ran but did not produce what was asked (message carries its stderr tail)."""


def find_browser() -> str | None:
    """Path of a Chromium-family browser: ``$HAMTA_CHROMIUM``, else the first of the usual names on PATH."""
    env = os.environ.get("HAMTA_CHROMIUM")
    if env:
        return env if Path(env).is_file() or shutil.which(env) else None
    for name in _CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def require_browser() -> str:
    """The browser path, or skip the calling test with the reason (needs pytest)."""
    import pytest

    path = find_browser()
    if path is None:
        pytest.skip(NO_BROWSER_REASON)
    return path


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    browser = find_browser()
    if browser is None:
        raise BrowserError(NO_BROWSER_REASON)
    with tempfile.TemporaryDirectory(prefix="hamta-chromium-") as profile:
        cmd = [
            browser,
            "--headless",
            "--no-sandbox",  # tests often run as root in containers
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *args,
        ]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)


def screenshot(html_path: str | Path, png_path: str | Path, width: int = 1280, height: int = 900) -> Path:
    """Render `html_path` in headless Chromium at `width` x `height` and save a PNG; returns its path."""
    html = Path(html_path).resolve()
    png = Path(png_path).resolve()
    png.parent.mkdir(parents=True, exist_ok=True)
    proc = _run([f"--window-size={int(width)},{int(height)}", f"--screenshot={png}", html.as_uri()])
    if not png.is_file() or png.stat().st_size == 0:
        raise BrowserError(f"no screenshot written (exit {proc.returncode}): {proc.stderr.strip()[-500:]}")
    return png


def dump_dom(html_path: str | Path) -> str:
    """The serialised DOM of `html_path` after load and scripts (``--dump-dom``)."""
    html = Path(html_path).resolve()
    proc = _run(["--dump-dom", html.as_uri()])
    if proc.returncode != 0 or "<html" not in proc.stdout.lower():
        raise BrowserError(f"--dump-dom failed (exit {proc.returncode}): {proc.stderr.strip()[-500:]}")
    return proc.stdout


def png_size(path: str | Path) -> tuple[int, int]:
    """Width and height of a PNG, read from its header (no imaging library needed)."""
    data = Path(path).read_bytes()[:24]
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
