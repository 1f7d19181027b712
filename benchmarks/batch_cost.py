"""What a CTranslate2 batch costs, measured: the constants of hamta's exact (bucketed) batch planning.

hamta's exact batching pads each source to a width fixed by its own length (its bucket) and balances whole
batches over CTranslate2's workers (`hamta.translate.batching`). Two numbers decide how well that works,
and both are properties of the model's size, so they are measured here rather than set by hand:

* **seconds_by_rows**: what a batch of `ROWS` rows costs at width 32 (the planner interpolates it to weigh
  a cut against the time it saves). Every decoding step reads the whole model and scores the whole
  vocabulary (256k entries for NLLB) whatever the batch size, so a batch of one row costs several rows;
  printed as ``overhead_rows`` (least squares ``t(rows) = a + c * rows`` up to ``max_rows``, ``a / c``)
  for reading.
* **max_rows**: the largest batch worth decoding. A row's share of the fixed cost falls as batches grow,
  until the step's working set (beam x vocabulary scores per row) outgrows the CPU's caches; past that a
  row costs more again. ``max_rows`` = the most rows whose cost per row is within `COST_TOLERANCE` of the
  cheapest measured.
* **min_bucket**: the smallest padded width. Padding a source up to a width costs encoder work and longer
  cross-attention; below some width that cost is lost in the per-step cost of decoding, and every bucket
  fewer means fewer, fuller batches. ``min_bucket`` = the widest power of two whose batch (16 rows) costs at
  most `COST_TOLERANCE` more than at width 8, taken over all measured families (the smallest).

Models are the random-init, real-size models of `benchmarks/translate_speed.py` (Marian opus-mt size,
NLLB-600M size), converted to CTranslate2 int8, one worker with one thread (what each of hamta's CPU
workers is), beam 4, every output exactly `DECODE_STEPS` tokens. Timings need a quiet machine.

Usage:
    python benchmarks/batch_cost.py                 # print the measurements
    python benchmarks/batch_cost.py --write         # and write hamta/data/batch_cost.json
    python benchmarks/batch_cost.py --families marian
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import translate_speed  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "hamta" / "data" / "batch_cost.json"
ROWS = (1, 2, 4, 8, 16, 32, 64, 128)
WIDTHS = (8, 16, 32, 64, 128)
WIDTH_ROWS = 16
ROW_WIDTH = 32
DECODE_STEPS = 32
BEAM = 4
#: within this share of the cheapest, a cost counts as the same (padding up to a width is "free" while a
#: batch costs at most this much more than at width 8; a batch may grow while its cost per row does not
#: rise more than this above the cheapest)
COST_TOLERANCE = 0.05


def _translator(kind: str, workdir: Path):  # noqa: ANN202
    import ctranslate2

    out = translate_speed.raw_ct2_model(kind, translate_speed.ensure_model(kind, workdir), workdir)
    vocab = json.loads((out / "shared_vocabulary.json").read_text(encoding="utf-8"))
    tr = ctranslate2.Translator(str(out), device="cpu", compute_type="int8", inter_threads=1, intra_threads=1)
    return tr, vocab


def measure(kind: str, workdir: Path, rounds: int) -> dict:
    """Seconds per batch by rows (width 32) and by width (16 rows), best of ``rounds``."""
    tr, vocab = _translator(kind, workdir)
    rng = random.Random(0)
    words = vocab[100:8000]
    prefix_token = "eng_Latn" if kind == "nllb" else None
    extra = 1 if prefix_token else 0

    def seconds(rows: int, width: int) -> float:
        src = [[rng.choice(words) for _ in range(width - 1)] + ["</s>"] for _ in range(rows)]
        prefix = [[prefix_token]] * rows if prefix_token else None
        best = float("inf")
        for _ in range(rounds):
            t0 = time.perf_counter()
            steps = DECODE_STEPS + extra
            tr.translate_batch(src, target_prefix=prefix, beam_size=BEAM, max_batch_size=0,
                               min_decoding_length=steps, max_decoding_length=steps)
            best = min(best, time.perf_counter() - t0)
        return best

    seconds(2, 16)  # warm-up
    by_rows = {rows: seconds(rows, ROW_WIDTH) for rows in ROWS}
    by_width = {width: seconds(WIDTH_ROWS, width) for width in WIDTHS}
    return {"by_rows": by_rows, "by_width": by_width}


def fit_overhead(by_rows: dict[int, float]) -> tuple[float, float, float]:
    """Least squares ``t = a + c * rows``: (a, c, a / c)."""
    import numpy as np

    c, a = np.polyfit(list(by_rows), list(by_rows.values()), 1)
    return float(a), float(c), float(a / c)


def max_rows(by_rows: dict[int, float]) -> int:
    """The most rows whose cost per row is within `COST_TOLERANCE` of the cheapest measured."""
    per_row = {rows: t / rows for rows, t in by_rows.items()}
    cheapest = min(per_row.values())
    return max(rows for rows, cost in per_row.items() if cost <= cheapest * (1 + COST_TOLERANCE))


def free_width(by_width: dict[int, float]) -> int:
    """The widest width up to which every measured width costs at most `COST_TOLERANCE` over the narrowest."""
    widths = sorted(by_width)
    base, free = by_width[widths[0]], widths[0]
    for width in widths[1:]:
        if by_width[width] > base * (1 + COST_TOLERANCE):
            break
        free = width
    return free


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--families", default="marian,nllb")
    ap.add_argument("--rounds", type=int, default=2, help="timings per point; the best is kept")
    ap.add_argument("--workdir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "hamta-bench"))
    ap.add_argument("--write", action="store_true", help=f"write {OUT.relative_to(ROOT)}")
    args = ap.parse_args()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    families, widths = {}, []
    for kind in args.families.split(","):
        m = measure(kind, workdir, args.rounds)
        limit = max_rows(m["by_rows"])
        a, c, overhead = fit_overhead({r: t for r, t in m["by_rows"].items() if r <= limit})
        widths.append(free_width(m["by_width"]))
        families[kind] = {"overhead_rows": round(overhead, 2), "max_rows": limit,
                          "seconds_by_rows": {str(r): round(t, 3) for r, t in m["by_rows"].items()}}
        print(f"\n{kind}: seconds per batch, {DECODE_STEPS} decoding steps, beam {BEAM}, 1 worker x 1 thread")
        print("| rows (width 32) | " + " | ".join(str(r) for r in m["by_rows"]) + " |")
        print("| --- |" + " ---: |" * len(m["by_rows"]))
        print("| seconds | " + " | ".join(f"{t:.2f}" for t in m["by_rows"].values()) + " |")
        print("| seconds per row | " + " | ".join(f"{t / r:.3f}" for r, t in m["by_rows"].items()) + " |")
        print(f"fit: t = {a:.2f} + {c:.3f} x rows -> overhead {overhead:.2f} rows; "
              f"max_rows {limit} (per row within +{COST_TOLERANCE:.0%} of the cheapest)")
        print("| width (16 rows) | " + " | ".join(str(w) for w in m["by_width"]) + " |")
        print("| --- |" + " ---: |" * len(m["by_width"]))
        base = m["by_width"][min(m["by_width"])]
        cells = " | ".join(f"{t:.2f} ({t / base:.2f})" for t in m["by_width"].values())
        print(f"| seconds (x width 8) | {cells} |")
        print(f"padding free (<= +{COST_TOLERANCE:.0%}) up to width {widths[-1]}")
    result = {
        "made_by": f"python benchmarks/batch_cost.py --rounds {args.rounds} --write (random-init real-size "
                   f"models, CTranslate2 int8, 1 worker x 1 thread, beam {BEAM}, {DECODE_STEPS} decoding "
                   "steps, quiet 2-core machine)",
        "min_bucket": min(widths),
        "families": families,
    }
    print("\n" + json.dumps(result, indent=2))
    if args.write:
        OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
