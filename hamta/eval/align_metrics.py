"""Alignment metrics: strict/lax P/R/F1 of sentence beads, and P/R/F1 of sentence links.

Beads follow Sennrich & Volk (2011) as implemented in Vecalign's score.py: a predicted bead is strictly
correct when it equals a gold bead, laxly correct when it overlaps a gold bead on both sides (for
insertions/deletions: equals one). Precision is over all predicted beads with a non-empty side (so a
correctly predicted insertion counts), recall over gold beads with both sides non-empty, counted
against the predicted beads with both sides non-empty.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from hamta.align.base import Bead, parse_beads
from hamta.errors import InputError

__all__ = [
    "AlignmentScores",
    "LinkScores",
    "score_beads",
    "score_links",
    "read_beads",
    "read_links",
]

_Pair = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class AlignmentScores:
    """Strict and lax precision, recall and F1 of a bead alignment."""

    precision_strict: float
    recall_strict: float
    f1_strict: float
    precision_lax: float
    recall_lax: float
    f1_lax: float
    n_gold: int
    n_pred: int

    def to_dict(self) -> dict[str, float | int]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class LinkScores:
    """Precision, recall and F1 of predicted links against gold links."""

    precision: float
    recall: float
    f1: float
    true_positives: int
    n_gold: int
    n_pred: int

    def to_dict(self) -> dict[str, float | int]:
        return dict(self.__dict__)


def _pairs(beads: Iterable[Bead | _Pair]) -> set[_Pair]:
    out = set()
    for bead in beads:
        src, tgt = (bead.src, bead.tgt) if isinstance(bead, Bead) else bead
        src, tgt = tuple(src), tuple(tgt)
        if src or tgt:
            out.add((src, tgt))
    return out


def _counts(gold: set[_Pair], test: set[_Pair]) -> tuple[int, int, int, int]:
    """(strict tp, strict fp, lax tp, lax fp) of `test` against `gold`."""
    gold_tgt_of_src: dict[int, set[int]] = defaultdict(set)
    for g_src, g_tgt in gold:
        for s in g_src:
            gold_tgt_of_src[s].update(g_tgt)
    tp_s = fp_s = tp_l = fp_l = 0
    for t_src, t_tgt in test:
        if (t_src, t_tgt) in gold:
            tp_s += 1
            tp_l += 1
            continue
        fp_s += 1
        reachable: set[int] = set()
        for s in t_src:
            reachable |= gold_tgt_of_src.get(s, set())
        if reachable.intersection(t_tgt):
            tp_l += 1
        else:
            fp_l += 1
    return tp_s, fp_s, tp_l, fp_l


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_beads(gold: Iterable[Bead | _Pair], pred: Iterable[Bead | _Pair]) -> AlignmentScores:
    """Strict and lax P/R/F1 of predicted beads against gold beads (Vecalign's score.py convention).

    Example:
        >>> g = [Bead((0,), (0,)), Bead((1,), (1, 2))]
        >>> p = [Bead((0,), (0,)), Bead((1,), (1,)), Bead((), (2,))]
        >>> s = score_beads(g, p)
        >>> round(s.precision_strict, 3), s.recall_strict, round(s.f1_lax, 3)
        (0.333, 0.5, 0.8)
    """
    gold_set, pred_set = _pairs(gold), _pairs(pred)
    tp_s, fp_s, tp_l, fp_l = _counts(gold_set, pred_set)
    gold_matched = {(s, t) for s, t in gold_set if s and t}
    pred_matched = {(s, t) for s, t in pred_set if s and t}
    # Recall: gold beads (both sides non-empty) scored as if predictions, against the predicted beads.
    rtp_s, rfn_s, rtp_l, rfn_l = _counts(pred_matched, gold_matched)
    p_s, p_l = _ratio(tp_s, tp_s + fp_s), _ratio(tp_l, tp_l + fp_l)
    r_s, r_l = _ratio(rtp_s, rtp_s + rfn_s), _ratio(rtp_l, rtp_l + rfn_l)
    return AlignmentScores(p_s, r_s, _f1(p_s, r_s), p_l, r_l, _f1(p_l, r_l), len(gold_set), len(pred_set))


def read_beads(path: str | Path) -> list[Bead]:
    """Read a bead file (Vecalign format, one bead per line); a bad line is a one-line error."""
    path = Path(path)
    with path.open(encoding="utf-8-sig") as handle:
        return parse_beads(handle, name=str(path))


# ---------------------------------------------------------------------------------------------------------
# Links

_Key = tuple[str, int, str, int]


def _link_key(doc_a: str, idx_a: int, doc_b: str, idx_b: int) -> _Key:
    """Links are undirected: order the two ends so (a, b) and (b, a) are the same link."""
    first, second = sorted([(doc_a, idx_a), (doc_b, idx_b)])
    return (first[0], first[1], second[0], second[1])


def read_links(path: str | Path, *, min_grade: float | None = None) -> set[_Key]:
    """Read a links TSV with header ``doc_a idx_a doc_b idx_b`` (+ optional ``score``, ``grade``, ...).

    With `min_grade`, rows whose ``grade`` column is below it are left out (the file must have ``grade``).
    """
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        header = reader.fieldnames or []
        missing = [c for c in ("doc_a", "idx_a", "doc_b", "idx_b") if c not in header]
        if missing:
            raise InputError(
                f"{path}: links TSV needs columns doc_a idx_a doc_b idx_b; missing {' '.join(missing)}"
            )
        if min_grade is not None and "grade" not in header:
            raise InputError(f"{path}: --min-grade given but the file has no 'grade' column")
        links: set[_Key] = set()
        for lineno, row in enumerate(reader, 2):
            try:
                idx_a, idx_b = int(row["idx_a"]), int(row["idx_b"])
                grade = float(row["grade"]) if min_grade is not None else None
            except (TypeError, ValueError):
                raise InputError(
                    f"{path}:{lineno}: idx_a/idx_b must be integers (and grade a number)"
                ) from None
            if grade is not None and grade < min_grade:
                continue
            links.add(_link_key(row["doc_a"], idx_a, row["doc_b"], idx_b))
    return links


def score_links(gold: Iterable[Sequence], pred: Iterable[Sequence]) -> LinkScores:
    """P/R/F1 of predicted links (doc_a, idx_a, doc_b, idx_b) against gold links; direction-free.

    Example:
        >>> s = score_links([("a", 0, "b", 1), ("a", 2, "b", 3)], [("b", 1, "a", 0), ("a", 5, "b", 5)])
        >>> s.precision, s.recall, s.f1
        (0.5, 0.5, 0.5)
    """
    gold_set = {_link_key(str(g[0]), int(g[1]), str(g[2]), int(g[3])) for g in gold}
    pred_set = {_link_key(str(p[0]), int(p[1]), str(p[2]), int(p[3])) for p in pred}
    tp = len(gold_set & pred_set)
    p, r = _ratio(tp, len(pred_set)), _ratio(tp, len(gold_set))
    return LinkScores(p, r, _f1(p, r), tp, len(gold_set), len(pred_set))
