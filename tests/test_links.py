"""Same-event linking: event decisions with reasons, sentence links, the fitted models, bad inputs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from hamta.align.events import EVENT_FEATURES, EventDecision, find_phases
from hamta.align.links import SENTENCE_FEATURES, EventLinker, link_records
from hamta.align.model import LinearModel, load_model
from hamta.align.neighbours import margin_scores, mutual_rank
from hamta.errors import InputError
from hamta.records import Sentence

ROOT = Path(__file__).resolve().parents[1]
EVENTS_DEV = ROOT.parent / "shared" / "data" / "events-dev"


def doc(name: str, lines: list[str], *, boilerplate: set[int] = frozenset()) -> list[Sentence]:
    return [Sentence(name, i, f"<original {name} {i}>", 0, 12, "fa", boilerplate=i in boilerplate, en=s)
            for i, s in enumerate(lines)]


def quake(name: str, date_line: str, place: str, magnitude: str, toll: str) -> list[Sentence]:
    return doc(name, [
        f"A {magnitude}-magnitude earthquake struck {place} province in southern Turkey",
        date_line,
        f"An earthquake of magnitude {magnitude} struck {place} province early on Monday, the AFAD disaster "
        f"agency said.",
        f"Interior Minister Suleyman Soylu said {toll} people were killed and hundreds injured in {place}.",
        "Rescue teams searched the rubble of collapsed buildings through the night in freezing weather.",
        "The quake was felt in Syria and Lebanon, witnesses told reporters.",
    ], boilerplate={1})


A = quake("a", "2023-02-06 21:43", "Kahramanmaras", "7.8", "2,379")
B = quake("b", "6/2/2023", "Kahramanmaras", "7.8", "2379")
LOOKALIKE = quake("c", "20.02.2023 21:47", "Hatay", "6.4", "3")


def test_dates_rule_out_the_look_alike_and_say_why() -> None:
    result = link_records(A + B + LOOKALIKE)
    decisions = {(e.doc_a, e.doc_b): e for e in result.events}
    assert decisions[("a", "b")].same_event
    for pair in (("a", "c"), ("b", "c")):
        e = decisions[pair]
        assert not e.same_event
        assert any(r.startswith("dates differ: 2023-02-06 vs 2023-02-20 (14 days apart)") for r in e.reasons)
    found = {(lk.doc_a, lk.idx_a, lk.doc_b, lk.idx_b) for lk in result.links}
    assert ("a", 3, "b", 3) in found  # the toll, written 2,379 and 2379
    assert not any("c" in (lk.doc_a, lk.doc_b) for lk in result.links)
    assert all(1 not in (lk.idx_a, lk.idx_b) for lk in result.links)  # boilerplate never linked


def test_without_dates_the_similarity_evidence_decides() -> None:
    undated = [r for r in A + LOOKALIKE if r.idx != 1]
    result = link_records(undated + [r for r in B if r.idx != 1])
    assert any(e.same_event for e in result.events if (e.doc_a, e.doc_b) == ("a", "b"))


def test_phases_of_staged_events() -> None:
    assert ("stage", "final") in find_phases(["Iraq beat Oman 3-2 in the final of the Gulf Cup"])
    assert ("stage", "opening") in find_phases(["Iraq and Oman draw goalless in the Gulf 25 opener"])
    assert ("stage", "final") not in find_phases(["Final results of Iraq's elections announced"])
    assert ("stage", "semi_final") in find_phases(["Iran reach the semi-final"])
    assert ("stage", "final") not in find_phases(["Iran reach the semi-final"])
    assert ("round", "runoff") in find_phases(["the runoff will be held next week"])


def test_decisions_and_links_are_deterministic_and_ordered() -> None:
    one = link_records(A + B + LOOKALIKE)
    two = link_records(list(reversed(LOOKALIKE + B + A)))
    assert one.links == two.links and one.events == two.events
    assert all(lk.doc_a < lk.doc_b for lk in one.links)
    assert all(0.0 <= lk.score <= 1.0 for lk in one.links)
    assert isinstance(one.events[0], EventDecision) and one.events[0].to_dict()["reasons"]


@pytest.mark.parametrize("records", [[], doc("solo", ["Only one document, with a sentence or two."])])
def test_degenerate_inputs_give_empty_results(records) -> None:
    result = link_records(records)
    assert result.links == () and result.events == ()


def test_bad_arguments_and_models(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="k must be"):
        EventLinker(k=0)
    with pytest.raises(ValueError, match="probability"):
        EventLinker(threshold=1.5)
    with pytest.raises(TypeError):
        EventLinker(similarity=3.5)
    bad = tmp_path / "m.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="cannot read model"):
        EventLinker(link_model=bad)
    other = load_model(None, "link_model.json").to_dict()
    other["features"] = other["features"][:-1]
    for name in ("mean", "scale", "coef"):
        other[name] = other[name][:-1]
    path = tmp_path / "other.json"
    path.write_text(json.dumps(other), encoding="utf-8")
    with pytest.raises(InputError, match="differ"):
        EventLinker(link_model=path)


def test_shipped_models_say_how_they_were_made() -> None:
    for name, features in (("link_model.json", SENTENCE_FEATURES), ("event_model.json", EVENT_FEATURES)):
        model = load_model(None, name)
        assert model.features == features
        assert "fit_links.py" in model.provenance["made_by"]
        assert 0.0 < model.threshold < 1.0
    assert load_model(None, "event_model.json").constants["max_gap_days"] > 0


def test_linear_model_probability() -> None:
    m = LinearModel(("x",), np.zeros(1), np.ones(1), np.array([2.0]), 0.0, 0.5)
    p = m.probability(np.array([[-1.0], [0.0], [1.0]]))
    assert p[0] < 0.5 == p[1] < p[2]


def test_margin_and_rank_helpers() -> None:
    sim = np.array([[0.6, 0.6, 0.6], [0.1, 0.5, 0.0], [0.0, 0.1, 0.4]])
    m = margin_scores(sim, k=2)
    assert m[1, 1] > m[0, 1]  # row 0 resembles everything: its 0.6 is worth less than row 1's 0.5
    np.testing.assert_allclose(margin_scores(sim * 3, k=2), m)  # a ratio: the scale of similarities cancels
    r = mutual_rank(sim)
    assert r[0, 0] == 1.0 and r.shape == sim.shape


@pytest.mark.slow
@pytest.mark.skipif(not EVENTS_DEV.is_dir(), reason="../shared/data/events-dev not present")
def test_events_dev_targets() -> None:
    """The acceptance figures of benchmarks/links.py, on the shipped models (in-sample)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from events_dev import load_events_dev

    dev = load_events_dev()
    result = EventLinker().link(dev.records)
    gold_pairs = dev.same_event_pairs()
    pred_pairs = {(e.doc_a, e.doc_b) for e in result.events if e.same_event}
    tp = len(gold_pairs & pred_pairs)
    assert 2 * tp / (len(gold_pairs) + len(pred_pairs)) >= 0.95
    lookalike = {d for d, e in dev.event_of.items() if e.startswith("hn-")}
    assert not any(a in lookalike or b in lookalike for a, b in pred_pairs)
    pred = {(lk.doc_a, lk.idx_a, lk.doc_b, lk.idx_b) for lk in result.links}
    tp = len(pred & set(dev.links))
    assert 2 * tp / (len(pred) + len(dev.links)) >= 0.70
