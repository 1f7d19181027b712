"""Benchmark of `hamta align` (parallel sentence alignment): Text+Berg dev, the generated suite, a time curve.

Prints strict (and lax) P/R/F1 in the Sennrich & Volk / Vecalign convention: on Text+Berg dev with each
machine translation; on the generated NTREX suite (benchmarks/align_suite.py) per group (pair x with/without
translation) pooled over its documents, per bead shape, and optionally per document; then the time to
align long synthetic documents (random runs of the Text+Berg gold beads, concatenated, so their gold
alignment is known).

    python benchmarks/align_parallel.py [--shared ../shared] [--per-doc] [--sizes 1000 5000 10000 50000]
                                        [--no-timing] [--threads 2]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from align_suite import Case, by_shape, ntrex_cases, pooled, shared_default, textberg_cases  # noqa: E402

from hamta.align.base import Bead  # noqa: E402
from hamta.align.parallel import AlignParams, align_sentences  # noqa: E402
from hamta.eval.align_metrics import score_beads  # noqa: E402


def run_cases(cases: list[Case], params: AlignParams | None = None) -> list[tuple[Case, list[Bead]]]:
    return [
        (c, align_sentences(c.src, c.tgt, src_trans=c.src_trans, tgt_trans=c.tgt_trans, params=params))
        for c in cases
    ]


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


def _score_row(name: str, results) -> str:
    s = pooled(results)
    return (
        f"| {name} | {len(results)} | {s.n_gold} | {s.precision_strict:.3f} | {s.recall_strict:.3f} | "
        f"**{s.f1_strict:.3f}** | {s.f1_lax:.3f} |"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=shared_default())
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000, 10000, 50000])
    parser.add_argument("--no-timing", action="store_true")
    parser.add_argument("--no-suite", action="store_true")
    parser.add_argument("--per-doc", action="store_true", help="also print every document's strict F1")
    args = parser.parse_args(argv)
    if not (args.shared / "data" / "textberg-dev").is_dir():
        print(f"missing {args.shared / 'data' / 'textberg-dev'}", file=sys.stderr)
        return 2
    print(f"settings: {AlignParams().signature()}")
    print()
    header = "| group | documents | gold beads | strict P | strict R | strict F1 | lax F1 |"
    print(header)
    print("| --- | --- | --- | --- | --- | --- | --- |")
    t0 = time.perf_counter()
    tb = run_cases(textberg_cases(args.shared))
    for case, pred in tb:
        print(_score_row(case.group, [(case, pred)]), flush=True)
    tb_secs = time.perf_counter() - t0
    none = [Case("textberg/none", "textberg/none", -1, c.src, c.tgt, c.gold) for c, _ in tb[:1]]
    print(_score_row("textberg/none", run_cases(none)), flush=True)
    results: list[tuple[Case, list[Bead]]] = []
    if not args.no_suite:
        t0 = time.perf_counter()
        results = run_cases(ntrex_cases(args.shared))
        suite_secs = time.perf_counter() - t0
        groups: dict[str, list] = {}
        for case, pred in results:
            groups.setdefault(case.group, []).append((case, pred))
        for name, rows in groups.items():
            print(_score_row(name, rows))
        with_mt = [r for r in results if r[0].group.endswith("/mt")]
        print(_score_row("suite, with a translation", with_mt))
        print(_score_row("suite, without", [r for r in results if r[0].group.endswith("/none")]))
        print(
            f"\n(Text+Berg: {tb_secs:.1f} s for both; suite: {suite_secs:.1f} s for {len(results)} documents)"
        )
        print("\nPer gold bead shape (suite, all groups): gold beads found exactly, and predicted beads")
        print("| shape | gold | found | recall | predicted |")
        print("| --- | --- | --- | --- | --- |")
        for shape, (n_gold, found, n_pred) in by_shape(results).items():
            recall = f"{found / n_gold:.3f}" if n_gold else "-"
            print(f"| {shape} | {n_gold} | {found} | {recall} | {n_pred} |")
    if args.per_doc:
        print("\n| document | strict F1 |")
        print("| --- | --- |")
        for case, pred in tb + results:
            print(f"| {case.name} | {score_beads(case.gold, pred).f1_strict:.3f} |")
    if args.no_timing:
        return 0
    case = tb[0][0]
    print(
        "\n| sentences (src x tgt) | seconds (Google translation) | strict F1 | seconds (none) | strict F1 |"
    )
    print("| --- | --- | --- | --- | --- |")
    for size in args.sizes:
        l_src, l_tgt, l_trans, l_gold = synthesize(case.src, case.tgt, case.src_trans, case.gold, size)
        row = [f"{len(l_src)} x {len(l_tgt)}"]
        for tr in (l_trans, None):
            t0, c0 = time.perf_counter(), time.process_time()
            beads = align_sentences(l_src, l_tgt, src_trans=tr)
            secs = f"{time.perf_counter() - t0:.1f} / {time.process_time() - c0:.1f}"
            row += [secs, f"{score_beads(l_gold, beads).f1_strict:.3f}"]
        print("| " + " | ".join(row) + " |", flush=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    sys.exit(main())
