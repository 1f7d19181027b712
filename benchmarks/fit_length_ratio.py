"""Fit the omission/addition length model of `hamta.translate.checks` on NTREX dev, per language pair.

Why a fitted model: how much longer English is than Persian or Arabic, and how much that varies, is a
fact of each language pair and of sentence length, not a guess. For each pair (fa-en, ar-en) on the
*dev half* of the NTREX dev documents (the other half is held out for benchmarks/qa_checks.py):

* x = log(English letters / source letters) of each human translation; ``median`` = its median;
* the squared deviations are fitted as ``var_floor + var_per_letter / source_letters`` (least squares,
  both terms kept >= 0), so short sentences get a wider band;
* ``z_omission`` / ``z_addition``: the 1st percentile of z below / the 99th above, never under the
  one-sided 1 % normal point (2.326), so clean translations are flagged about 1 % of the time.

Usage:
    python benchmarks/fit_length_ratio.py --data ../shared/data/ntrex-dev -o hamta/data/length_ratio.json
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from pathlib import Path

import numpy as np

from hamta.translate.checks import MIN_LENGTH_LETTERS, LengthModel, _letters

#: one-sided normal quantile of the target false-alarm rate (1 %)
Z_FLOOR = 2.326
#: the percentile of z on each side that sets the thresholds
FALSE_ALARM_TARGET = 0.01


def ntrex_documents(data: Path) -> list[str]:
    """Document ids of NTREX dev in file order."""
    ids = (data / "dev.docids").read_text(encoding="utf-8").split("\n")
    return list(dict.fromkeys(i for i in ids if i))


def ntrex_split(data: Path) -> dict[str, str]:
    """``doc id -> "dev" | "heldout"``: alternate documents in file order, so both halves mix sources."""
    return {doc: ("dev" if k % 2 == 0 else "heldout") for k, doc in enumerate(ntrex_documents(data))}


def read_ntrex(data: Path, lang: str) -> list[tuple[str, str, str]]:
    """``(doc id, source sentence, English sentence)`` for every line of NTREX dev."""
    def lines(name: str) -> list[str]:
        return (data / name).read_text(encoding="utf-8").rstrip("\n").split("\n")

    docs, src, en = lines("dev.docids"), lines(f"dev.{lang}"), lines("dev.en")
    if not len(docs) == len(src) == len(en):
        raise SystemExit(f"{data}: dev.docids, dev.{lang} and dev.en differ in length")
    return list(zip(docs, src, en, strict=True))


def fit_pair(rows: list[tuple[str, str]]) -> tuple[LengthModel, int]:
    """Fit one language pair's `LengthModel` on ``(source, English)`` rows; also return rows used."""
    n_src = np.array([_letters(s) for s, e in rows], dtype=float)
    n_en = np.array([_letters(e) for s, e in rows], dtype=float)
    keep = np.minimum(n_src, n_en) >= MIN_LENGTH_LETTERS
    n_src, n_en = n_src[keep], n_en[keep]
    x = np.log(n_en / n_src)
    median = float(statistics.median(x))
    dev2 = (x - median) ** 2
    design = np.stack([np.ones_like(n_src), 1.0 / n_src], axis=1)
    (floor, per_letter), *_ = np.linalg.lstsq(design, dev2, rcond=None)
    floor, per_letter = max(float(floor), 1e-4), max(float(per_letter), 0.0)
    base = LengthModel(median, floor, per_letter, Z_FLOOR, Z_FLOOR)
    z = np.array([base.z(int(a), int(b)) for a, b in zip(n_src, n_en, strict=True)])
    z_om = max(Z_FLOOR, -float(np.quantile(z, FALSE_ALARM_TARGET)))
    z_add = max(Z_FLOOR, float(np.quantile(z, 1 - FALSE_ALARM_TARGET)))
    return LengthModel(median, floor, per_letter, round(z_om, 3), round(z_add, 3)), int(keep.sum())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/ntrex-dev"))
    parser.add_argument("-o", "--output", type=Path, default=Path("hamta/data/length_ratio.json"))
    args = parser.parse_args(argv)
    split = ntrex_split(args.data)
    out: dict = {
        "about": "Length model of hamta.translate.checks (omission/addition), fitted by "
        "benchmarks/fit_length_ratio.py on the dev half (alternate documents, even positions) of NTREX "
        "dev (human fa/ar translations of English news). x = log(English letters / source letters); "
        "sd(n) = sqrt(var_floor + var_per_letter / n); thresholds: 1st/99th percentile of z, >= 2.326.",
        "command": "python benchmarks/fit_length_ratio.py --data ../shared/data/ntrex-dev "
        "-o hamta/data/length_ratio.json",
        "pairs": {},
    }
    for lang in ("fa", "ar"):
        rows = [(s, e) for doc, s, e in read_ntrex(args.data, lang) if split[doc] == "dev"]
        model, used = fit_pair(rows)
        out["pairs"][f"{lang}-en"] = {
            **{k: round(getattr(model, k), 5) for k in LengthModel.__dataclass_fields__},
            "sentences": used,
        }
        print(f"{lang}-en: {used} sentences, median ratio {math.exp(model.median):.3f}, "
              f"sd at 100 letters {math.sqrt(model.var_floor + model.var_per_letter / 100):.3f}, "
              f"z_omission {model.z_omission}, z_addition {model.z_addition}", file=sys.stderr)
    args.output.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
