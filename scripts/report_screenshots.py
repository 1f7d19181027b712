"""Regenerate the report screenshots under docs/img/ from the seeds' main job (headless Chromium).

Run from the repository root (needs `chromium`; see tests/browser.py):

    python3 scripts/report_screenshots.py

Writes docs/img/report.png (the README's), docs/img/report-1400.png and docs/img/report-900.png: the
seeds' report (`hamta run seeds/ --translations seeds/reference -o OUT`) at 1400 and 900 px wide.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
#: (file, width, height) of each screenshot
SHOTS = (("report.png", 1400, 1500), ("report-1400.png", 1400, 2600), ("report-900.png", 900, 2600))


def main() -> None:
    import browser

    from hamta.cli import main as hamta

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        code = hamta(["-q", "run", str(ROOT / "seeds"), "--translations", str(ROOT / "seeds" / "reference"),
                      "-o", str(out)])
        if code:
            raise SystemExit(code)
        for name, width, height in SHOTS:
            png = browser.screenshot(out / "report.html", ROOT / "docs" / "img" / name, width, height)
            print(png)


if __name__ == "__main__":
    main()
