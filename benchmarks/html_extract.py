"""How well hamta gets the article out of a saved page: recall of the article's lines, leaked furniture, time.

For each page under tests/fixtures/html/ (the seed articles inside navigation, a "most read" box, a
comment thread, a footer and scripts; 003 in Windows-1256), with each extractor (trafilatura, as hamta
uses it first, and readability-lxml, its fallback):

- recall: the share of the seed article's non-empty lines found, whitespace-normalised, in the text;
- leaked: how many of the furniture strings the page generator puts around the article appear in it
  (menu entries as a paragraph of their own, longer ones anywhere);
- metadata: which of outlet, title, date, url come out;
- ms: wall time per page (median of --repeat runs).

Run from the repository root:

    python3 benchmarks/html_extract.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PAGES = ROOT / "tests" / "fixtures" / "html"
#: furniture strings up to this many characters (menu entries) count as leaked only as whole paragraphs
_SHORT = 12


def _generator():
    spec = importlib.util.spec_from_file_location("make_pages", PAGES / "make_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _norm(text: str) -> str:
    return " ".join(text.split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="timing runs per page (median)")
    args = parser.parse_args()

    from hamta import webpage
    from hamta.io import decode_bytes

    gen = _generator()
    extractors = {"trafilatura": webpage._with_trafilatura, "readability": webpage._with_readability}
    print("page\textractor\trecall\tleaked\tmetadata\tms")
    totals: dict[str, list[float]] = {name: [] for name in extractors}
    for page in sorted(PAGES.glob("*.html")):
        prefix = page.name[:3]
        lang = gen.PAGES[prefix][5]
        furniture = [*gen.NAV[lang], *gen.MOST_READ[lang], *(c for _, c in gen.COMMENTS[lang]),
                     gen.FOOTER[lang], "dataLayer", "ads.js"]
        seed = ROOT / "seeds" / page.with_suffix(".txt").name
        lines = [_norm(x) for x in seed.read_text(encoding="utf-8").splitlines() if x.strip()]
        data = page.read_bytes()
        html = decode_bytes(data, str(page), webpage.declared_charset(data))
        for name, extract in extractors.items():
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                found = extract(html, str(page))
                times.append(time.perf_counter() - start)
            text = _norm(found.text) if found else ""
            paragraphs = {_norm(x) for x in found.text.split("\n")} if found else set()
            recall = sum(1 for line in lines if line in text) / len(lines)
            # a menu word ("دولي") also occurs inside article words, so short furniture counts only as a
            # paragraph of its own; comments, the footer and script code count anywhere
            leaked = sum(1 for f in furniture if f in paragraphs or (len(f) > _SHORT and f in text))
            meta = ",".join(k for k in ("outlet", "title", "date", "url") if found and getattr(found, k))
            totals[name].append(recall)
            print(f"{page.stem[:3]}\t{name}\t{recall:.3f}\t{leaked}/{len(furniture)}\t{meta or '-'}\t"
                  f"{1000 * statistics.median(times):.0f}")
    for name, recalls in totals.items():
        print(f"mean recall {name}: {statistics.mean(recalls):.3f}")


if __name__ == "__main__":
    main()
