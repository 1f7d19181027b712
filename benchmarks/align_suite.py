"""Seeded generator of the parallel-alignment development suite (issue 13), and the Text+Berg dev cases.

Why generated: one hand-aligned document is too few to fit costs on (every constant sat on a sharp
optimum of it). NTREX-128 dev gives 62 real news documents in Persian, Arabic and English, line by line
parallel; from each we make alignment cases whose gold beads are known because we make the changes
ourselves:

* merges of adjacent sentences on either side (shapes 1-2, 2-1, 2-2, 1-3),
* sentences dropped on either side (1-0, 0-1),
* page junk inserted on either side (captions, credits, page numbers, "read more", adverts; in the
  language of that side, from benchmarks/data/align_junk.tsv),
* for the "with a translation" cases, the English reference stands in for the MT of a Persian/Arabic
  line (fa->en, ar->en: `src_trans`; fa->ar: both sides get their English reference, `src_trans` and
  `tgt_trans`), with a share of words dropped (MT is not the reference) and some lines left untranslated
  (a copy of the source, as MT systems do).

Documents are split into two folds by document (seeded), for leave-documents-out cross-validation.

    python benchmarks/align_suite.py --write /tmp/suite   # optional: dump the cases as files
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from hamta.align.base import Bead, format_bead
from hamta.eval.align_metrics import AlignmentScores, read_beads, score_beads

#: language pairs (source, target) of the generated suite
PAIRS = (("fa", "en"), ("ar", "en"), ("fa", "ar"))
#: "mt": with a (simulated) translation; "none": the two sides alone
MODES = ("mt", "none")
SEED = 13
N_FOLDS = 2

# Shape probabilities per original sentence position (the rest stays 1-1).
P_MERGE = {(1, 2): 0.06, (2, 1): 0.06, (2, 2): 0.03, (1, 3): 0.025}
P_DROP_SRC = 0.035
P_DROP_TGT = 0.035
P_JUNK = 0.06  # per gap between beads, per side
P_UNTRANSLATED = 0.08  # MT line left as a copy of the source
P_WORD_DROP = 0.15  # MT differs from the reference: words dropped
P_NATIVE_DIGITS = 0.5  # page numbers of Persian/Arabic junk written with native digits
JUNK_FILE = Path(__file__).resolve().parent / "data" / "align_junk.tsv"
NATIVE_DIGITS = {"fa": "۰۱۲۳۴۵۶۷۸۹", "ar": "٠١٢٣٤٥٦٧٨٩"}


@dataclass
class Case:
    """One alignment case: two sides, optional translations, gold beads, and where it came from."""

    name: str  # e.g. "fa-en/mt/bbc.381790"
    group: str  # e.g. "fa-en/mt" or "textberg/google"
    fold: int
    src: list[str]
    tgt: list[str]
    gold: list[Bead]
    src_trans: list[str] | None = None
    tgt_trans: list[str] | None = None


def shared_default() -> Path:
    """$HAMTA_SHARED, else the nearest `shared/` folder beside the repository or one of its parents."""
    env = os.environ.get("HAMTA_SHARED")
    if env:
        return Path(env)
    for parent in Path(__file__).resolve().parents[1:]:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared"
    return Path(__file__).resolve().parents[2] / "shared"


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _rng(*parts: object) -> random.Random:
    """An independent, reproducible stream per (seed, document, pair, mode)."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()
    return random.Random(int(digest[:16], 16))


def load_junk(path: Path = JUNK_FILE) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in _lines(path):
        if line.strip() and not line.startswith("#"):
            lang, _kind, template = line.split("\t")
            out.setdefault(lang, []).append(template)
    return out


def _junk_line(rng: random.Random, lang: str, junk: dict[str, list[str]]) -> str:
    text = rng.choice(junk[lang]).format(n=rng.randint(1, 40), m=rng.randint(41, 2024))
    if lang in NATIVE_DIGITS and rng.random() < P_NATIVE_DIGITS:
        text = text.translate(str.maketrans("0123456789", NATIVE_DIGITS[lang]))
    return text


def _noisy_mt(rng: random.Random, reference: str) -> str:
    words = reference.split()
    kept = [w for w in words if rng.random() >= P_WORD_DROP]
    return " ".join(kept or words)


def _plan(rng: random.Random, n: int) -> list[tuple[list[list[int]], list[list[int]]]]:
    """Units over original sentences 0..n-1: (source lines, target lines), each line a list of originals."""
    units = []
    i = 0
    while i < n:
        r = rng.random()
        acc = 0.0
        chosen = None
        for shape, p in P_MERGE.items():
            acc += p
            if r < acc:
                chosen = shape
                break
        if chosen == (1, 2) and i + 2 <= n:
            units.append(([[i, i + 1]], [[i], [i + 1]]))
            i += 2
        elif chosen == (2, 1) and i + 2 <= n:
            units.append(([[i], [i + 1]], [[i, i + 1]]))
            i += 2
        elif chosen == (2, 2) and i + 3 <= n:  # crossing merges: [a, b+c] vs [a+b, c]
            units.append(([[i], [i + 1, i + 2]], [[i, i + 1], [i + 2]]))
            i += 3
        elif chosen == (1, 3) and i + 3 <= n:
            units.append(([[i, i + 1, i + 2]], [[i], [i + 1], [i + 2]]))
            i += 3
        elif r < acc + P_DROP_SRC:
            units.append(([], [[i]]))
            i += 1
        elif r < acc + P_DROP_SRC + P_DROP_TGT:
            units.append(([[i]], []))
            i += 1
        else:
            units.append(([[i]], [[i]]))
            i += 1
    return units


def make_case(
    doc: str,
    texts: dict[str, list[str]],
    pair: tuple[str, str],
    mode: str,
    fold: int,
    junk: dict[str, list[str]],
    seed: int = SEED,
) -> Case:
    """One generated case from one NTREX document (`texts[lang]` are its parallel lines)."""
    sl, tl = pair
    rng = _rng(seed, doc, sl, tl, mode)
    n = len(texts["en"])
    src: list[str] = []
    tgt: list[str] = []
    src_tr: list[str] = []
    tgt_tr: list[str] = []
    gold: list[Bead] = []

    def line(lang: str, ids: list[int]) -> str:
        return " ".join(texts[lang][k] for k in ids)

    def mt(lang: str, ids: list[int]) -> str:
        if rng.random() < P_UNTRANSLATED:
            return line(lang, ids)
        return _noisy_mt(rng, line("en", ids))

    def junk_side(side: str) -> None:
        lang = sl if side == "src" else tl
        text = _junk_line(rng, lang, junk)
        if side == "src":
            gold.append(Bead((len(src),), ()))
            src.append(text)
            src_tr.append(text)  # MT leaves junk as it is (close enough for page furniture)
        else:
            gold.append(Bead((), (len(tgt),)))
            tgt.append(text)
            tgt_tr.append(text)

    for s_lines, t_lines in _plan(rng, n):
        for side in ("src", "tgt"):
            if rng.random() < P_JUNK:
                junk_side(side)
        s_ids = tuple(range(len(src), len(src) + len(s_lines)))
        t_ids = tuple(range(len(tgt), len(tgt) + len(t_lines)))
        for ids in s_lines:
            src.append(line(sl, ids))
            src_tr.append(mt(sl, ids))
        for ids in t_lines:
            tgt.append(line(tl, ids))
            tgt_tr.append(mt(tl, ids))
        if s_ids and t_ids:
            gold.append(Bead(s_ids, t_ids))
        else:  # a dropped sentence: its counterpart is unaligned
            gold.extend(Bead((k,), ()) for k in s_ids)
            gold.extend(Bead((), (k,)) for k in t_ids)
    with_mt = mode == "mt"
    return Case(
        name=f"{sl}-{tl}/{mode}/{doc}",
        group=f"{sl}-{tl}/{mode}",
        fold=fold,
        src=src,
        tgt=tgt,
        gold=gold,
        src_trans=src_tr if with_mt else None,
        tgt_trans=tgt_tr if with_mt and tl != "en" else None,
    )


def ntrex_cases(shared: Path, seed: int = SEED) -> list[Case]:
    """The generated suite: every NTREX dev document x pair x mode."""
    data = shared / "data" / "ntrex-dev"
    docids = _lines(data / "dev.docids")
    texts = {lang: _lines(data / f"dev.{lang}") for lang in ("fa", "ar", "en")}
    order: list[str] = []
    rows: dict[str, list[int]] = {}
    for k, doc in enumerate(docids):
        if doc not in rows:
            order.append(doc)
            rows[doc] = []
        rows[doc].append(k)
    shuffled = order[:]
    random.Random(seed).shuffle(shuffled)
    fold_of = {doc: k % N_FOLDS for k, doc in enumerate(shuffled)}
    junk = load_junk()
    cases = []
    for pair in PAIRS:
        for mode in MODES:
            for doc in order:
                doc_texts = {lang: [texts[lang][k] for k in rows[doc]] for lang in texts}
                cases.append(make_case(doc, doc_texts, pair, mode, fold_of[doc], junk, seed))
    return cases


def textberg_cases(shared: Path, split: bool = False) -> list[Case]:
    """Text+Berg dev with each MT; with `split`, each as two halves (one per fold) cut at a 1-1 bead."""
    data = shared / "data" / "textberg-dev"
    src, tgt = _lines(data / "doc0.de"), _lines(data / "doc0.fr")
    gold = read_beads(data / "doc0.gold")
    out = []
    for mt in ("google", "europarl"):
        trans = _lines(data / f"doc0.{mt}.fr")
        if not split:
            out.append(Case(f"textberg/{mt}", f"textberg/{mt}", -1, src, tgt, gold, trans))
            continue
        cut = next(k for k in range(len(gold) // 2, len(gold)) if len(gold[k].src) == len(gold[k].tgt) == 1)
        s_cut, t_cut = gold[cut].src[0], gold[cut].tgt[0]
        halves = [(gold[:cut], 0, 0), (gold[cut:], s_cut, t_cut)]
        for fold, (beads, s0, t0) in enumerate(halves):
            s1 = s_cut if fold == 0 else len(src)
            t1 = t_cut if fold == 0 else len(tgt)
            shifted = [Bead(tuple(i - s0 for i in b.src), tuple(j - t0 for j in b.tgt)) for b in beads]
            out.append(
                Case(
                    f"textberg/{mt}/half{fold}",
                    f"textberg/{mt}",
                    fold,
                    src[s0:s1],
                    tgt[t0:t1],
                    shifted,
                    trans[s0:s1],
                )
            )
    return out


def bead_shape(bead: Bead) -> str:
    return f"{len(bead.src)}-{len(bead.tgt)}"


def pooled(results: list[tuple[Case, list[Bead]]]) -> AlignmentScores:
    """Strict/lax scores over all beads of several cases (indices offset so the cases stay apart)."""
    gold_all: list[Bead] = []
    pred_all: list[Bead] = []
    s_off = t_off = 0
    for case, pred in results:
        for beads, out in ((case.gold, gold_all), (pred, pred_all)):
            out.extend(Bead(tuple(i + s_off for i in b.src), tuple(j + t_off for j in b.tgt)) for b in beads)
        s_off += len(case.src)
        t_off += len(case.tgt)
    return score_beads(gold_all, pred_all)


def by_shape(results: list[tuple[Case, list[Bead]]]) -> dict[str, tuple[int, int, int]]:
    """Per gold bead shape: (gold count, gold beads found exactly, predicted beads of that shape)."""
    out: dict[str, list[int]] = {}
    for case, pred in results:
        pred_set = {(b.src, b.tgt) for b in pred}
        for b in case.gold:
            row = out.setdefault(bead_shape(b), [0, 0, 0])
            row[0] += 1
            row[1] += (b.src, b.tgt) in pred_set
        for b in pred:
            out.setdefault(bead_shape(b), [0, 0, 0])[2] += 1
    return {k: (v[0], v[1], v[2]) for k, v in sorted(out.items())}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=shared_default())
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--write", type=Path, help="write each case as files under this folder")
    args = parser.parse_args(argv)
    cases = ntrex_cases(args.shared, args.seed)
    shapes: dict[str, int] = {}
    for case in cases:
        for bead in case.gold:
            shapes[bead_shape(bead)] = shapes.get(bead_shape(bead), 0) + 1
        if args.write:
            folder = args.write / case.name.replace("/", "_")
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "src").write_text("\n".join(case.src) + "\n", encoding="utf-8")
            (folder / "tgt").write_text("\n".join(case.tgt) + "\n", encoding="utf-8")
            (folder / "gold").write_text("".join(format_bead(b) + "\n" for b in case.gold), encoding="utf-8")
            for name, lines in (("src_trans", case.src_trans), ("tgt_trans", case.tgt_trans)):
                if lines is not None:
                    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(cases)} cases; gold bead shapes: {dict(sorted(shapes.items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
