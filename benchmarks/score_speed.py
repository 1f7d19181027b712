"""Scoring speed: `hamta score` vs the `sacrebleu` CLI doing the same work, with identical results checked.

The work: N segments x 3 systems, metrics BLEU, chrF2 and TER, bootstrap 95 % CIs (1000 resamples) and
both paired tests against the first system (paired bootstrap, 1000 resamples; approximate randomisation,
10000 trials). The sacrebleu CLI runs one paired test per invocation, so it needs two
(``--paired-bs``, which also gives the CIs, and ``--paired-ar``); hamta does everything in one.
Both are timed as fresh processes from the command line. The reference is the English of
../shared/data/ntrex-dev repeated to N lines; the systems are deterministic perturbations of it.

Run:
    python benchmarks/score_speed.py                # 10000 segments
    python benchmarks/score_speed.py --segments 2000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("HAMTA_SHARED", ROOT.parent / "shared"))


def make_data(out: Path, n: int) -> list[str]:
    """Reference (real English, repeated to n lines) and three perturbed systems; returns system files."""
    en = (SHARED / "data" / "ntrex-dev" / "dev.en").read_text(encoding="utf-8").split("\n")[:-1]
    ref = [en[i % len(en)].rstrip() for i in range(n)]
    rng = random.Random(20240501)

    def drop(line: str, p: float) -> str:
        return " ".join(w for w in line.split() if rng.random() > p)

    def swap(line: str, p: float) -> str:
        w = line.split()
        for i in range(len(w) - 1):
            if rng.random() < p:
                w[i], w[i + 1] = w[i + 1], w[i]
        return " ".join(w)

    systems = {
        "base.txt": [drop(line, 0.10) for line in ref],
        "close.txt": [swap(drop(line, 0.09), 0.03) for line in ref],
        "far.txt": [drop(line.lower(), 0.2) for line in ref],
    }
    (out / "ref.txt").write_text("\n".join(ref) + "\n", encoding="utf-8")
    for name, lines in systems.items():
        (out / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return list(systems)


def timed(cmd: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall time, CPU time (user + system of the child; robust on a shared machine) and stdout."""
    env = {**os.environ, "NO_COLOR": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    env.pop("SACREBLEU_SEED", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return elapsed, cpu, proc.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--segments", type=int, default=10000)
    args = parser.parse_args()
    sacrebleu = shutil.which("sacrebleu")
    base_cmd = [sacrebleu] if sacrebleu else [sys.executable, "-m", "sacrebleu"]
    metrics = ["bleu", "chrf", "ter"]
    with tempfile.TemporaryDirectory(prefix="hamta-score-bench-") as tmp:
        d = Path(tmp)
        systems = make_data(d, args.segments)
        # text tables: sacrebleu's JSON writer fails on float32 means for some data (a sacrebleu bug)
        common = ["ref.txt", "-i", *systems, "-m", *metrics, "-f", "text", "-w", "4"]
        t_bs, c_bs, out_bs = timed([*base_cmd, *common, "--paired-bs"], d)
        t_ar, c_ar, out_ar = timed([*base_cmd, *common, "--paired-ar"], d)
        hamta = [sys.executable, "-m", "hamta", "-q", "score", "-r", "ref.txt", *systems, "-m", *metrics]
        t_h, c_h, out_h = timed([*hamta, "--format", "json", "-w", "4"], d)
    bs, ar, mine = parse_table(out_bs), parse_table(out_ar), json.loads(out_h)

    # identical results at sacrebleu's printed precision: scores, CI means and half-widths, both p-values
    mismatches = checked = 0
    names = [f"Baseline: {systems[0]}", *systems[1:]]
    for k, name in enumerate(systems):
        for item in (m for m in mine if m["system"] == name):
            col = item["name"]
            ours = [
                f"{item['score_full']:.4f}",
                f"{item['confidence_mean']:.4f}",
                f"{item['confidence_var']:.4f}",
            ]
            theirs = [bs[names[k]][col]["score"], bs[names[k]][col]["mean"], bs[names[k]][col]["ci"]]
            if k:
                ours += [f"{item['p_value_bs']:.4f}", f"{item['p_value_ar']:.4f}"]
                theirs += [bs[names[k]][col]["p"], ar[names[k]][col]["p"]]
            checked += len(ours)
            mismatches += sum(1 for a, b in zip(ours, theirs, strict=True) if a != b)

    total_sb, cpu_sb = t_bs + t_ar, c_bs + c_ar
    print(
        f"{args.segments} segments x {len(systems)} systems, metrics {' '.join(metrics)}; "
        "CIs (1000 resamples), paired bootstrap (1000) and paired AR (10000)"
    )
    print()
    print("| tool | work | wall time (s) | CPU time (s) |")
    print("| --- | --- | ---: | ---: |")
    print(
        f"| sacrebleu {_version()} CLI | --paired-bs (scores, CIs, bootstrap p) | {t_bs:.1f} | {c_bs:.1f} |"
    )
    print(f"| sacrebleu CLI | --paired-ar (AR p) | {t_ar:.1f} | {c_ar:.1f} |")
    print(f"| sacrebleu CLI | both | {total_sb:.1f} | {cpu_sb:.1f} |")
    print(f"| hamta score | all of it, one run | {t_h:.1f} | {c_h:.1f} |")
    print()
    print(
        f"speed-up (wall): {total_sb / t_h:.2f}x, (CPU): {cpu_sb / c_h:.2f}x; vs --paired-bs alone: "
        f"{t_bs / t_h:.2f}x wall, {c_bs / c_h:.2f}x CPU"
    )
    print(f"numbers compared with sacrebleu's: {checked}, mismatching: {mismatches}")
    return 1 if mismatches else 0


def parse_table(text: str) -> dict[str, dict[str, dict[str, str]]]:
    """sacrebleu's multi-system text table -> {system: {metric: {score, mean, ci, p}}}, strings as printed."""
    rows = [line for line in text.splitlines() if line.startswith("│")]
    header = [c.strip().split(" ")[0] for c in rows[0].strip("│").split("│")]
    out: dict[str, dict[str, dict[str, str]]] = {}
    current = ""
    for line in rows[1:]:
        cells = [c.strip() for c in line.strip("│").split("│")]
        if cells[0]:
            current = cells[0]
            out[current] = {}
        for metric, cell in zip(header[1:], cells[1:], strict=True):
            entry = out[current].setdefault(metric, {})
            match = re.match(r"([-\d.]+)(?: \(([-\d.]+) ± ([-\d.]+)\))?", cell)
            if cell.startswith("(p = "):
                entry["p"] = re.findall(r"[\d.]+", cell)[0]
            elif match:
                entry.update(score=match.group(1), mean=match.group(2), ci=match.group(3))
    return out


def _version() -> str:
    import sacrebleu

    return sacrebleu.__version__


if __name__ == "__main__":
    sys.exit(main())
