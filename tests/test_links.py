"""Same-event linking on tiny synthetic articles with known answers, margin scoring, bad inputs."""

from __future__ import annotations

import numpy as np
import pytest

from hamta.align.links import EventLinker, link_records, margin_scores
from hamta.records import Sentence


def doc(name: str, sentences: list[str], *, boilerplate: set[int] = frozenset(),
        en: bool = True) -> list[Sentence]:
    return [
        Sentence(name, i, f"<original {i}>", 0, 12, "fa", boilerplate=i in boilerplate, en=s if en else None)
        for i, s in enumerate(sentences)
    ]


# Two outlets report one visit (same actors, reworded); a third reports another visit on the same topic.
VISIT_A = doc("a", [
    "Foreign minister Karim Tavassoli arrived in Baghdad on Tuesday for a two-day official visit.",
    "Tavassoli and his Iraqi counterpart Jafar al-Mosawi signed a memorandum on electricity exports "
    "worth 750 million dollars.",
    "He said the two countries would build a new power line across the border near Mehran.",
    "Tavassoli also laid a wreath at the monument for the victims of the war.",
    "News code: 4411",
])
VISIT_B = doc("b", [
    "Iran's foreign minister Karim Tavassoli met Iraqi foreign minister Jafar al-Mosawi in Baghdad.",
    "The ministers signed an electricity export memorandum valued at 750 million dollars, officials said.",
    "A power line will be built across the border close to Mehran, Tavassoli told reporters.",
    "The Iraqi side praised growing trade between the two neighbours.",
])
OTHER_VISIT = doc("c", [
    "Foreign minister Leila Sadeghi arrived in Ankara for an official visit.",
    "Sadeghi and her Turkish counterpart Mehmet Aydin signed a memorandum on electricity exports.",
    "She said the two countries would build a new power line across the border.",
    "Sadeghi also visited a power plant near the capital.",
])


def pairs(result) -> set[tuple[str, int, str, int]]:
    return {(lk.doc_a, lk.idx_a, lk.doc_b, lk.idx_b) for lk in result.links}


def test_same_event_documents_are_linked_and_other_events_are_not() -> None:
    result = link_records(VISIT_A + VISIT_B + OTHER_VISIT)
    same = {(e.doc_a, e.doc_b) for e in result.events if e.same_event}
    assert same == {("a", "b")}
    found = pairs(result)
    assert ("a", 1, "b", 1) in found  # the signing, with the amount
    assert ("a", 2, "b", 2) in found  # the power line near Mehran
    assert not any("c" in (da, db) for da, _, db, _ in found)
    assert ("a", 3, "b", 3) not in found  # different facts of the same visit


def test_links_carry_evidence_and_canonical_order() -> None:
    result = link_records(VISIT_B + VISIT_A)  # input order does not matter
    by_pair = {(lk.doc_a, lk.idx_a, lk.doc_b, lk.idx_b): lk for lk in result.links}
    link = by_pair[("a", 1, "b", 1)]
    assert "number:750000000" in link.evidence
    assert any(e.startswith("margin:") for e in link.evidence)
    assert all(lk.doc_a < lk.doc_b for lk in result.links)
    event = next(e for e in result.events if e.same_event)
    assert any(e.startswith("actor:") and "Tavassoli" in e for e in event.evidence)


def test_boilerplate_is_never_linked() -> None:
    furniture = "News code: 4411 Tavassoli Baghdad memorandum"
    a = doc("a", [furniture, *[s.en for s in VISIT_A[:3]]], boilerplate={0})
    b = doc("b", [furniture, *[s.en for s in VISIT_B[:3]]], boilerplate={0})
    result = link_records(a + b)
    assert result.links
    assert all(lk.idx_a != 0 and lk.idx_b != 0 for lk in result.links)


def test_contradicting_dates_veto_the_event() -> None:
    a = doc("a", [s.en for s in VISIT_A[:3]] + ["The visit took place on 6 Aban 1394."])
    b = doc("b", [s.en for s in VISIT_B[:3]] + ["The visit took place on 12 May 2019."])
    result = link_records(a + b)
    assert not result.links
    assert any("days apart" in e for ev in result.events for e in ev.evidence)
    # the same date in two calendars agrees
    b2 = doc("b", [s.en for s in VISIT_B[:3]] + ["The visit took place on 28 October 2015."])
    assert link_records(a + b2).links


def test_margin_suppresses_hub_sentences() -> None:
    # row 0 is a hub: similar to every column; row 1 matches column 1 specifically
    sim = np.array([[0.5, 0.5, 0.5], [0.1, 0.45, 0.1], [0.1, 0.1, 0.2]])
    m = margin_scores(sim, k=2)
    assert m[1, 1] > m[0, 1]
    assert m.shape == sim.shape
    assert margin_scores(np.zeros((0, 3))).shape == (0, 3)


@pytest.mark.parametrize(
    "records",
    [
        [],
        doc("a", ["Only one document here, with one sentence about Tavassoli."]),
        doc("a", ["Tavassoli arrived."]) + doc("b", ["Tavassoli arrived."], boilerplate={0}),
    ],
)
def test_degenerate_inputs_give_empty_results(records) -> None:
    result = link_records(records)
    assert result.links == ()


def test_one_sentence_documents() -> None:
    a = doc("a", [VISIT_A[1].en])
    b = doc("b", [VISIT_B[1].en])
    c = doc("c", [OTHER_VISIT[1].en])
    result = link_records(a + b + c)
    assert pairs(result) == {("a", 0, "b", 0)}


def test_records_without_english_are_compared_on_original(caplog) -> None:
    a = [Sentence("a", 0, "وزیر امور خارجه توسلی در بغداد یادداشت تفاهم برق امضا کرد", 0, 10, "fa")]
    b = [Sentence("b", 0, "وزیر امور خارجه توسلی در بغداد یادداشت تفاهم برق امضا کرد", 0, 10, "fa")]
    result = link_records(a + b)
    assert "without English" in caplog.text
    assert pairs(result) == {("a", 0, "b", 0)}  # identical originals: near-duplicate documents


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="k must be"):
        EventLinker(k=0)
    with pytest.raises(TypeError, match="Sentence records"):
        link_records([{"doc": "a"}])
    with pytest.raises(TypeError, match="similarity must be"):
        EventLinker(similarity=3.5)


def test_ann_path_matches_exact_path_on_small_input() -> None:
    records = VISIT_A + VISIT_B + OTHER_VISIT
    exact = link_records(records)
    approx = EventLinker(ann_above=0).link(records)  # force the nearest-neighbour candidate search
    assert pairs(approx) == pairs(exact)
