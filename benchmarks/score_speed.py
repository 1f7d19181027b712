"""Scoring at corpus scale: `hamta score` vs the `sacrebleu` CLI, wall time and peak memory, same numbers.

Work, per size N (lines):
  bleu+chrf   one system, BLEU and chrF2
  +ter        one system, BLEU, chrF2 and TER
  +ci         the same with bootstrap 95 % CIs (1000 resamples)
  +paired     three systems, BLEU, chrF2, TER, CIs, paired bootstrap (1000) and paired approximate
              randomisation (10000) against the first; sacrebleu needs two runs (--paired-bs, which
              also prints the CIs, and --paired-ar), hamta one.
Data: the English of ../shared/data/ntrex-dev repeated to N lines is the reference; the systems are
seeded edits of it (dropped and swapped words, lowercasing); ``--refs K`` adds K-1 more references made
the same way (multi-reference scoring).

Each tool runs as a fresh process. Wall time is measured around it; peak memory is the larger of the
main process's max RSS (``wait4``) and the summed RSS of its process tree sampled every 0.05 s (hamta's
worker processes included). Every number both tools print (scores, CI means and half-widths, p-values,
at 4 decimals) is compared: single-system outputs must be identical text, line for line.

Run:
    python benchmarks/score_speed.py --sizes 10000 100000
    python benchmarks/score_speed.py --sizes 1000000 --configs +ci --metrics bleu chrf --sacrebleu-max-lines 0
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("HAMTA_SHARED", ROOT.parent / "shared"))
SEED = 20240501
METRICS_2 = ["bleu", "chrf"]
METRICS_3 = ["bleu", "chrf", "ter"]
CONFIGS = {
    "bleu+chrf": {"systems": 1, "metrics": METRICS_2, "ci": False},
    "+ter": {"systems": 1, "metrics": METRICS_3, "ci": False},
    "+ci": {"systems": 1, "metrics": METRICS_3, "ci": True},
    "+paired": {"systems": 3, "metrics": METRICS_3, "ci": True},
}
SAMPLE_S = 0.05
MIB = 2**20


def make_data(out: Path, n: int, n_refs: int = 1) -> tuple[list[str], list[str]]:
    """Reference(s) (real English, repeated to n lines) and three edited systems; returns file names."""
    en = (SHARED / "data" / "ntrex-dev" / "dev.en").read_text(encoding="utf-8").split("\n")[:-1]
    ref = [en[i % len(en)].rstrip() for i in range(n)]
    rng = random.Random(SEED)

    def drop(line: str, p: float) -> str:
        return " ".join(w for w in line.split() if rng.random() > p)

    def swap(line: str, p: float) -> str:
        w = line.split()
        for i in range(len(w) - 1):
            if rng.random() < p:
                w[i], w[i + 1] = w[i + 1], w[i]
        return " ".join(w)

    files = {
        "base.txt": [drop(line, 0.10) for line in ref],
        "close.txt": [swap(drop(line, 0.09), 0.03) for line in ref],
        "far.txt": [drop(line.lower(), 0.2) for line in ref],
    }
    refs = {"ref.txt": ref}
    for k in range(2, n_refs + 1):
        refs[f"ref{k}.txt"] = [swap(drop(line, 0.05), 0.1) for line in ref]
    for name, lines in {**refs, **files}.items():
        (out / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return list(refs), list(files)


def _tree_rss(pid: int) -> int:
    """Summed resident memory (bytes) of `pid` and its descendants, from /proc."""
    total, todo, page = 0, [pid], os.sysconf("SC_PAGE_SIZE")
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * page
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            continue
    return total


@dataclass
class Run:
    wall: float
    cpu: float  # user + system seconds of the process and the children it waited for (workers)
    peak: int  # bytes
    stdout: str


def measure(cmd: list[str], cwd: Path) -> Run:
    """Run `cmd`, sampling its process tree's memory; wall time, peak memory and stdout."""
    env = {**os.environ, "NO_COLOR": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    env.pop("SACREBLEU_SEED", None)
    out_path = cwd / ".stdout"
    err_path = cwd / ".stderr"
    peak = 0
    with open(out_path, "w") as out, open(err_path, "w") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, env=env)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss(proc.pid))
                done.wait(SAMPLE_S)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err_path.read_text()[-2000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(wall, cpu, max(peak, usage.ru_maxrss * 1024), out_path.read_text(encoding="utf-8"))


def sacrebleu_runs(base: list[str], refs: list[str], hyps: list[str], config: dict) -> list[list[str]]:
    """The sacrebleu CLI invocations that do the work of one config."""
    cmd = [*base, *refs, "-i", *hyps, "-m", *config["metrics"], "-f", "text", "-w", "4"]
    if config["systems"] > 1:
        return [[*cmd, "--paired-bs"], [*cmd, "--paired-ar"]]
    return [[*cmd, "--confidence"] if config["ci"] else cmd]


def hamta_cmd(refs: list[str], hyps: list[str], config: dict, jobs: int | None) -> list[str]:
    cmd = [sys.executable, "-m", "hamta", "-q", "score", "-r", *refs, "-i", *hyps, "-m", *config["metrics"]]
    cmd += ["-w", "4"] + (["--confidence"] if config["ci"] and config["systems"] == 1 else [])
    return cmd + (["--jobs", str(jobs)] if jobs else [])


_NUM = re.compile(r"-?\d+\.\d+")


def compare_single(theirs: str, mine: str) -> tuple[int, int]:
    """(numbers compared, mismatching) for single-system text outputs, which must be identical."""
    t_lines = [line.strip() for line in theirs.strip().splitlines()]  # sacrebleu pads names on the left
    m_lines = [line.strip() for line in mine.strip().splitlines()]
    checked = sum(len(_NUM.findall(line)) for line in t_lines)
    if t_lines == m_lines:
        return checked, 0
    bad = sum(
        1
        for a, b in zip(t_lines, m_lines, strict=False)
        for x, y in zip(_NUM.findall(a), _NUM.findall(b), strict=False)
        if x != y
    )
    return checked, max(bad, 1)


def parse_sacrebleu_table(text: str) -> dict[str, dict[str, dict[str, str]]]:
    """sacrebleu's multi-system table -> {system: {metric: {score, mean, ci, p}}}, strings as printed."""
    rows = [line for line in text.splitlines() if line.startswith("│")]
    header = [c.strip().split(" ")[0] for c in rows[0].strip("│").split("│")]
    out: dict[str, dict[str, dict[str, str]]] = {}
    current = ""
    for line in rows[1:]:
        cells = [c.strip() for c in line.strip("│").split("│")]
        if cells[0]:
            current = cells[0].removeprefix("Baseline: ")
            out[current] = {}
        for metric, cell in zip(header[1:], cells[1:], strict=True):
            entry = out[current].setdefault(metric, {})
            match = re.match(r"([-\d.]+)(?: \((?:μ = )?([-\d.]+) ± ([-\d.]+)\))?", cell)
            if cell.startswith("(p = "):
                entry["p"] = re.findall(r"[\d.]+", cell)[0]
            elif match:
                entry.update(score=match.group(1))
                if match.group(2):
                    entry.update(mean=match.group(2), ci=match.group(3))
    return out


def parse_hamta_table(text: str, names: list[str]) -> dict[str, dict[str, dict[str, str]]]:
    """hamta's multi-system table -> the same shape as `parse_sacrebleu_table`."""
    lines = text.splitlines()
    header = lines[0].split()[1:]
    out: dict[str, dict[str, dict[str, str]]] = {}
    cell_re = re.compile(
        r"([-\d.]+) \(μ = ([-\d.]+) ± ([-\d.]+)\)(?: p_bs=([\d.]+)\*?)?(?: p_ar=([\d.]+)\*?)?"
    )
    for line, name in zip(lines[2 : 2 + len(names)], names, strict=True):
        cells = cell_re.findall(line)
        out[name] = {}
        for metric, (score, mean, ci, p_bs, p_ar) in zip(header, cells, strict=True):
            out[name][metric] = {"score": score, "mean": mean, "ci": ci, "p_bs": p_bs, "p_ar": p_ar}
    return out


def compare_paired(bs: str, ar: str, mine: str, names: list[str]) -> tuple[int, int]:
    t_bs, t_ar, m = parse_sacrebleu_table(bs), parse_sacrebleu_table(ar), parse_hamta_table(mine, names)
    checked = bad = 0
    for k, name in enumerate(names):
        for metric, entry in t_bs[name].items():
            ours = m[name][metric]
            pairs = [
                (entry["score"], ours["score"]),
                (entry["mean"], ours["mean"]),
                (entry["ci"], ours["ci"]),
            ]
            if k:
                pairs += [(entry["p"], ours["p_bs"]), (t_ar[name][metric]["p"], ours["p_ar"])]
            checked += len(pairs)
            bad += sum(1 for a, b in pairs if a != b)
    return checked, bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000], metavar="N")
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    parser.add_argument("--refs", type=int, default=1, help="references (default 1)")
    parser.add_argument(
        "--metrics",
        nargs="+",
        default=None,
        help="replace every config's metrics (e.g. bleu chrf at 1M lines)",
    )
    parser.add_argument("--jobs", type=int, default=None, help="hamta --jobs (default: its default)")
    parser.add_argument(
        "--sacrebleu-max-lines",
        type=int,
        default=100000,
        metavar="N",
        help="run sacrebleu only up to N lines (its memory grows ~57 KB per line; default 100000)",
    )
    parser.add_argument(
        "--sacrebleu-paired-max-lines",
        type=int,
        default=10000,
        metavar="N",
        help="run sacrebleu's paired tests only up to N lines (default 10000: beyond, they take far "
        "longer than the rest of this benchmark together)",
    )
    args = parser.parse_args()
    exe = shutil.which("sacrebleu")
    sb_base = [exe] if exe else [sys.executable, "-m", "sacrebleu"]
    import sacrebleu

    print(f"cores available: {len(os.sched_getaffinity(0))}; load average at start: {os.getloadavg()}")
    print()
    print(
        "| lines | work | sacrebleu wall (s) | hamta wall (s) | hamta / sacrebleu | sacrebleu CPU (s) "
        "| hamta CPU (s) | sacrebleu peak (MiB) | hamta peak (MiB) | numbers compared | mismatches |"
    )
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    failed = 0
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix="hamta-score-bench-") as tmp:
            d = Path(tmp)
            refs, systems = make_data(d, n, args.refs)
            for name in args.configs:
                config = dict(CONFIGS[name], **({"metrics": args.metrics} if args.metrics else {}))
                hyps = systems[: config["systems"]]
                limit = args.sacrebleu_paired_max_lines if config["systems"] > 1 else args.sacrebleu_max_lines
                theirs = (
                    [measure(cmd, d) for cmd in sacrebleu_runs(sb_base, refs, hyps, config)]
                    if n <= limit
                    else []
                )
                mine = measure(hamta_cmd(refs, hyps, config, args.jobs), d)
                checked = bad = 0
                if theirs and config["systems"] == 1:
                    checked, bad = compare_single(theirs[0].stdout, mine.stdout)
                elif theirs:
                    checked, bad = compare_paired(theirs[0].stdout, theirs[1].stdout, mine.stdout, hyps)
                failed += bad
                sb_wall = sum(r.wall for r in theirs)
                sb_peak = max((r.peak for r in theirs), default=0)
                work = name if not args.metrics else f"{name} ({' '.join(args.metrics)})"
                row = [
                    f"{n:,}",
                    work,
                    f"{sb_wall:.1f}" if theirs else "not run",
                    f"{mine.wall:.1f}",
                    f"{mine.wall / sb_wall:.2f}" if theirs else "-",
                    f"{sum(r.cpu for r in theirs):.1f}" if theirs else "not run",
                    f"{mine.cpu:.1f}",
                    f"{sb_peak / MIB:,.0f}" if theirs else "not run",
                    f"{mine.peak / MIB:,.0f}",
                    str(checked) if theirs else "-",
                    str(bad) if theirs else "-",
                ]
                print("| " + " | ".join(row) + " |", flush=True)
    print()
    print(
        f"sacrebleu {sacrebleu.__version__}; references: {args.refs}; load average at end: {os.getloadavg()}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
