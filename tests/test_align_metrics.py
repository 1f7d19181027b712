"""Alignment metrics on hand-computed examples, the Vecalign convention, links, and the CLI."""

from __future__ import annotations

import json

import pytest

from hamta.align.base import Bead
from hamta.cli import main
from hamta.eval.align_metrics import read_beads, read_links, score_beads, score_links

B = Bead


def test_perfect_alignment():
    gold = [B((0,), (0,)), B((1, 2), (1,)), B((), (2,))]
    s = score_beads(gold, gold)
    assert (s.precision_strict, s.recall_strict, s.f1_strict, s.f1_lax) == (1.0, 1.0, 1.0, 1.0)


def test_hand_computed_strict_and_lax():
    # gold: [0]:[0]  [1]:[1, 2]  [2, 3]:[3]  []:[4]
    gold = [B((0,), (0,)), B((1,), (1, 2)), B((2, 3), (3,)), B((), (4,))]
    # pred: [0]:[0] (strict ok)  [1]:[1] (lax: overlaps [1]:[1,2])  []:[2] (wrong)  [2, 3]:[3, 4] (lax)
    pred = [B((0,), (0,)), B((1,), (1,)), B((), (2,)), B((2, 3), (3, 4))]
    s = score_beads(gold, pred)
    # precision: 4 predicted beads, 1 strict, 3 lax ([]:[2] overlaps nothing on the source side)
    assert s.precision_strict == pytest.approx(1 / 4)
    assert s.precision_lax == pytest.approx(3 / 4)
    # recall: 3 gold beads with both sides non-empty, 1 strict; all three overlap a prediction
    assert s.recall_strict == pytest.approx(1 / 3)
    assert s.recall_lax == pytest.approx(1.0)
    assert s.f1_strict == pytest.approx(2 * (1 / 4) * (1 / 3) / (1 / 4 + 1 / 3))
    assert s.n_gold == 4 and s.n_pred == 4


def test_insertions_count_in_precision_not_recall():
    gold = [B((0,), (0,)), B((), (1,))]
    only_match = score_beads(gold, [B((0,), (0, 1))])
    assert only_match.recall_strict == 0.0 and only_match.precision_strict == 0.0
    with_ins = score_beads(gold, [B((0,), (0,)), B((), (1,))])
    assert with_ins.precision_strict == 1.0 and with_ins.recall_strict == 1.0
    assert score_beads(gold, [B((0,), (0,))]).precision_strict == 1.0


def test_empty_prediction_scores_zero():
    s = score_beads([B((0,), (0,))], [])
    assert (s.precision_strict, s.recall_strict, s.f1_strict) == (0.0, 0.0, 0.0)


def test_links_are_direction_free():
    s = score_links([("a", 0, "b", 1), ("a", 2, "b", 3)], [("b", 1, "a", 0), ("a", 5, "b", 5)])
    assert (s.precision, s.recall, s.f1, s.true_positives) == (0.5, 0.5, 0.5, 1)


def _tsv(path, rows):
    path.write_text("\n".join("\t".join(map(str, r)) for r in rows) + "\n", encoding="utf-8")
    return str(path)


def test_read_links_min_grade(tmp_path):
    gold = _tsv(
        tmp_path / "g.tsv",
        [("doc_a", "idx_a", "doc_b", "idx_b", "grade"), ("x", 0, "y", 0, 3), ("x", 1, "y", 1, 1)],
    )
    assert read_links(gold) == {("x", 0, "y", 0), ("x", 1, "y", 1)}
    assert read_links(gold, min_grade=2) == {("x", 0, "y", 0)}
    nograde = _tsv(tmp_path / "p.tsv", [("doc_a", "idx_a", "doc_b", "idx_b"), ("x", 0, "y", 0)])
    with pytest.raises(Exception, match="no 'grade' column"):
        read_links(nograde, min_grade=1)
    bad = _tsv(tmp_path / "bad.tsv", [("doc", "idx"), ("x", 0)])
    with pytest.raises(Exception, match="missing doc_a idx_a doc_b idx_b"):
        read_links(bad)


def test_cli_score_align_beads(tmp_path, capsys):
    gold = tmp_path / "gold"
    gold.write_text("[0]:[0]\n[1]:[1, 2]\n[]:[3]\n")
    pred = tmp_path / "pred"
    pred.write_text("[0]:[0]\n[1]:[1]\n[]:[2]\n[]:[3]\n")
    assert main(["score-align", str(gold), str(pred), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["precision_strict"] == pytest.approx(2 / 4) and out["recall_strict"] == pytest.approx(1 / 2)
    assert out["precision_lax"] == pytest.approx(3 / 4) and out["recall_lax"] == 1.0
    assert read_beads(pred)[2] == B((), (2,))


def test_cli_score_align_links_and_errors(tmp_path, capsys):
    gold = _tsv(
        tmp_path / "g.tsv",
        [("doc_a", "idx_a", "doc_b", "idx_b", "grade"), ("x", 0, "y", 0, 3), ("x", 1, "y", 1, 1)],
    )
    pred = _tsv(tmp_path / "p.tsv", [("doc_a", "idx_a", "doc_b", "idx_b", "score"), ("y", 0, "x", 0, 0.9)])
    assert main(["score-align", "--links", "--min-grade", "2", gold, pred]) == 0
    assert "P 1.000  R 1.000  F1 1.000" in capsys.readouterr().out
    bad = tmp_path / "bad"
    bad.write_text("[0]:[0]\nnonsense\n")
    assert main(["score-align", str(bad), str(bad)]) == 2
    assert "bad:2: not a bead" in capsys.readouterr().err
    assert main(["score-align", "--min-grade", "1", str(bad), str(bad)]) == 2
    assert "--min-grade applies to --links only" in capsys.readouterr().err
