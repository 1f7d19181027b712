"""Regenerate the report screenshots under docs/img/ from the seeds' main job (headless Chromium).

Run from the repository root (needs `chromium`; see tests/browser.py):

    python3 scripts/report_screenshots.py

Writes docs/img/report.png (the README's), docs/img/report-1400.png and docs/img/report-900.png: the
seeds' report (`hamta run seeds/ --translations seeds/reference -o OUT`) at 1400 and 900 px wide; and
docs/img/report-html-pages.png: the same articles read from the saved pages in tests/fixtures/html/.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
#: (input folder, file, width, height) of each screenshot
SHOTS = (
    ("seeds", "report.png", 1400, 1500),
    ("seeds", "report-1400.png", 1400, 2600),
    ("seeds", "report-900.png", 900, 2600),
    ("tests/fixtures/html", "report-html-pages.png", 1400, 1100),
)


def main() -> None:
    import browser

    from hamta.cli import main as hamta

    with tempfile.TemporaryDirectory() as tmp:
        for folder, name, width, height in SHOTS:
            out = Path(tmp) / folder.replace("/", "_")
            if not out.is_dir():
                code = hamta(["-q", "run", str(ROOT / folder), "--translations",
                              str(ROOT / "seeds" / "reference"), "-o", str(out)])
                if code:
                    raise SystemExit(code)
            png = browser.screenshot(out / "report.html", ROOT / "docs" / "img" / name, width, height)
            print(png)


if __name__ == "__main__":
    main()
