"""Benchmark of `hamta align` (parallel sentence alignment) on Text+Berg dev, plus a time curve.

Prints strict and lax P/R/F1 (Sennrich & Volk / Vecalign convention) of doc0.de -> doc0.fr with each
machine translation of doc0.de and with no translation, then the time to align synthetic long documents
of 1k / 5k / 10k sentences per side (random runs of the dev document's gold beads, concatenated, so the
gold alignment of the long document is known too).

    python benchmarks/align_parallel.py [--shared ../shared] [--sizes 1000 5000 10000] [--no-timing]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

from hamta.align.base import Bead
from hamta.align.parallel import AlignParams, align_sentences
from hamta.eval.align_metrics import read_beads, score_beads


def _shared_default() -> Path:
    env = os.environ.get("HAMTA_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared"


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def synthesize(src, tgt, trans, gold, n_target, seed=0):
    """Concatenate random runs of gold beads until the source side has about `n_target` sentences."""
    rng = random.Random(seed)
    out_src, out_tgt, out_trans, out_gold = [], [], [], []
    while len(out_src) < n_target:
        start = rng.randrange(len(gold))
        run = gold[start : start + rng.randint(20, 80)]
        for bead in run:
            s0, t0 = len(out_src), len(out_tgt)
            out_src += [src[i] for i in bead.src]
            out_trans += [trans[i] for i in bead.src]
            out_tgt += [tgt[j] for j in bead.tgt]
            out_gold.append(Bead(tuple(range(s0, s0 + len(bead.src))), tuple(range(t0, t0 + len(bead.tgt)))))
    return out_src, out_tgt, out_trans, out_gold


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=_shared_default())
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000, 10000])
    parser.add_argument("--no-timing", action="store_true")
    args = parser.parse_args(argv)
    data = args.shared / "data" / "textberg-dev"
    if not data.is_dir():
        print(f"missing {data}", file=sys.stderr)
        return 2
    src, tgt = _lines(data / "doc0.de"), _lines(data / "doc0.fr")
    gold = read_beads(data / "doc0.gold")
    trans = {
        "google": _lines(data / "doc0.google.fr"),
        "europarl": _lines(data / "doc0.europarl.fr"),
        "none": None,
    }
    print(f"settings: {AlignParams().signature()}")
    print("| translation | strict P | strict R | strict F1 | lax P | lax R | lax F1 | seconds |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, tr in trans.items():
        t0 = time.perf_counter()
        beads = align_sentences(src, tgt, src_trans=tr)
        secs = time.perf_counter() - t0
        s = score_beads(gold, beads)
        print(
            f"| {name} | {s.precision_strict:.3f} | {s.recall_strict:.3f} | {s.f1_strict:.3f} | "
            f"{s.precision_lax:.3f} | {s.recall_lax:.3f} | {s.f1_lax:.3f} | {secs:.1f} |",
            flush=True,
        )
    if args.no_timing:
        return 0
    print()
    print("| sentences (src x tgt) | seconds (google) | strict F1 | seconds (no translation) | strict F1 |")
    print("| --- | --- | --- | --- | --- |")
    for size in args.sizes:
        l_src, l_tgt, l_trans, l_gold = synthesize(src, tgt, trans["google"], gold, size)
        row = [f"{len(l_src)} x {len(l_tgt)}"]
        for tr in (l_trans, None):
            t0 = time.perf_counter()
            beads = align_sentences(l_src, l_tgt, src_trans=tr)
            row += [f"{time.perf_counter() - t0:.1f}", f"{score_beads(l_gold, beads).f1_strict:.3f}"]
        print("| " + " | ".join(row) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
