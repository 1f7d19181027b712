"""Parallel aligner cost model (issue 13): page furniture, the per-document merge cost, the length prior."""

from __future__ import annotations

import numpy as np
import pytest
from aligner_fixtures import SENTS, bead_ids

import hamta.align.parallel as parallel
from hamta.align import align_sentences

_ids = bead_ids


def test_furniture_flags_boilerplate_and_lines_without_content():
    lines = [
        "Advertisement",  # boilerplate: advertisement
        "- 12 -",  # page number
        "* ,r â",  # OCR debris: no word of three characters with a letter
        "The expedition reached the col.",
        "Read more",
        "کد خبر: ۱۰۳۶۳۲",  # Persian news code
        "Il a plu.",  # short, but a sentence
        "w12 w13 5",  # codes with letters are content
    ] + SENTS
    assert parallel._furniture(lines).tolist() == [1, 1, 1, 0, 1, 1, 0, 0] + [0] * len(SENTS)


def test_a_side_that_is_mostly_furniture_keeps_no_flags():
    # A table of figures is not a page with furniture: leaving all of it out would be wrong.
    assert parallel._furniture(["12", "- 13 -", "14", "The total."]).tolist() == [0, 0, 0, 0]


FA = [
    "رئیس جمهور روسیه ولادیمیر پوتین روز دوشنبه به تاشکند رفت.",
    "در این سفر ۱۲ قرارداد امضا شد.",
    "وزیر خارجه آلمان گفت برلین از این گفتگوها حمایت می‌کند.",
    "قیمت نفت در لندن ۳ درصد افزایش یافت.",
]
EN = [
    "Russian President Vladimir Putin travelled to Tashkent on Monday.",
    "Twelve agreements (12 in all) were signed during the visit.",
    "The German foreign minister said Berlin supports the talks.",
    "Oil prices rose 3 percent in London.",
]


@pytest.mark.parametrize(("pos", "junk"), [(1, "Photo: Putin in Tashkent"), (2, "Read more: 12 agreements")])
def test_page_furniture_that_matches_a_neighbour_is_left_unaligned(monkeypatch, pos, junk):
    # Persian -> English without a translation: the caption's names / the link's number match the
    # neighbouring sentence, but as page furniture the line is left out, not merged into its bead.
    tgt = EN[:pos] + [junk] + EN[pos:]
    # A weak coverage penalty, so that the furniture evidence alone decides (at the shipped power the
    # penalty also leaves "Read more: 12 agreements" out).
    weak = parallel.AlignParams(coverage_power=0.5)
    for params in (None, weak):
        ids = _ids(align_sentences(FA, tgt, params=params))
        assert ((), (pos,)) in ids
        assert ((pos - 1,), (pos - 1,)) in ids
    # Without the furniture evidence the line is absorbed into the neighbouring bead.
    monkeypatch.setattr(parallel, "_furniture", lambda lines: np.zeros(len(lines)))
    assert ((), (pos,)) not in _ids(align_sentences(FA, tgt, params=weak))


def _spans(shapes):
    out, i, j = [], 0, 0
    for k, l in shapes:  # noqa: E741
        out.append((i, i + k, j, j + l, 1.0))
        i, j = i + k, j + l
    return out


def test_merge_cost_follows_the_documents_merge_rate():
    params = parallel.AlignParams(merge_cost=1.0)
    all_one_to_one = parallel._adapt_merge(_spans([(1, 1)] * 100), params).merge_cost
    many_merges = parallel._adapt_merge(_spans([(1, 1), (1, 2)] * 50), params).merge_cost
    ref = parallel.MERGE_RATE_REF
    # 18 extra sentences over 100 aligned beads: rate 18/118, a little under the reference
    at_ref = parallel._adapt_merge(_spans([(1, 2)] * 18 + [(1, 1)] * 82), params).merge_cost
    assert all_one_to_one > 1.0 > many_merges
    assert at_ref == pytest.approx(1.0, abs=0.2)
    assert ref == pytest.approx(0.18)
    low, high = parallel.MERGE_FACTOR_RANGE
    assert low <= many_merges and all_one_to_one <= high


def test_merge_rate_of_a_short_document_stays_near_the_reference():
    params = parallel.AlignParams(merge_cost=1.0)
    short = parallel._adapt_merge(_spans([(1, 2)] * 3), params).merge_cost
    long = parallel._adapt_merge(_spans([(1, 2)] * 300), params).merge_cost
    assert long < short < 1.0  # three merged beads are weak evidence, three hundred strong


def test_odd_length_pairs_are_not_fused_into_a_two_to_two_bead():
    # The translator padded one sentence and shortened the next: two 1-1 beads with opposite length
    # deviations, which a light-tailed length prior would rather fuse into one 2-2 bead.
    tgt = list(SENTS)
    tgt[3] = SENTS[3][:-1] + ", which the team had carried up from the valley in heavy wooden boxes."
    tgt[4] = "The doctor measured oxygen levels of climbers."
    ids = _ids(align_sentences(SENTS, tgt))
    assert ((3,), (3,)) in ids and ((4,), (4,)) in ids


def test_length_prior_grows_logarithmically_for_large_deviations():
    # Length differences of 10, 20 and 40 standard units: each doubling costs at most (df + 1) log 2 more,
    # not a quadratic amount as a Gaussian prior would (heavy tails: one odd pair does not dominate a path).
    var = 1.0
    sd = np.sqrt(var * 100.0)
    cost = parallel._gc_cost(np.full(4, 100.0), 100.0 + sd * np.array([0.0, 10.0, 20.0, 40.0]), 1.0, var)
    assert cost[0] == pytest.approx(0.0)
    step = (parallel.LENGTH_TAIL_DF + 1) * np.log(2)
    assert cost[1] > 0 and all(0 < d < step for d in np.diff(cost[1:]))


def test_without_a_translation_a_striking_match_earns_its_excess_once():
    cost = parallel._match_cost
    # Beyond a typical best match (sim 1) the bonus does not grow with the bead's weight ...
    strong = cost(np.array([1.0, 2.0, 3.0]), np.array([3.0, 3.0, 3.0]), False)
    assert strong.tolist() == pytest.approx([-2.0, -2.0, -2.0])
    # ... while a shortfall is paid per unit of weight (a large bead must match well).
    weak = cost(np.array([1.0, 2.0]), np.array([0.5, 0.5]), False)
    assert weak[1] == pytest.approx(2 * weak[0]) and weak[0] > 0
    # Folding an unrelated neighbour (weight 0.5) into the bead of a striking match (sim 3, diluted to
    # 2.5) is no cheaper before any merge or skip cost; paid per unit of weight, it would be.
    alone, folded = np.array([1.0]), np.array([1.5])
    assert cost(folded, np.array([2.5]), False)[0] > cost(alone, np.array([3.0]), False)[0]
    assert cost(folded, np.array([2.5]), True)[0] < cost(alone, np.array([3.0]), True)[0] + 0.5
    # With a translation a long span's similarity is a better estimate: earned per unit of weight.
    assert cost(np.array([1.0, 3.0]), np.array([1.5, 1.5]), True).tolist() == pytest.approx([-0.5, -1.5])


def test_the_sides_know_whether_they_are_compared_on_a_translation():
    plain = parallel.prepare_pair(SENTS, SENTS)
    assert not plain.src.translated and not plain.tgt.translated
    with_mt = parallel.prepare_pair(SENTS, SENTS, src_trans=SENTS)
    assert with_mt.src.translated and not with_mt.tgt.translated
    assert parallel._coarsen_side(with_mt.src, 2).translated


def test_near_masks_keep_only_cells_next_to_the_first_pass_path():
    # Path: 0-0, source 1 left out (between target 0 and 1), 2-1, target 2 left out, 3-3.
    path = [(0, 1, 0, 1, 1.0), (1, 2, 1, 1, 0.0), (2, 3, 1, 2, 1.0), (3, 3, 2, 3, 0.0), (3, 4, 3, 4, 1.0)]
    n, m = 4, 4
    d_cols = np.broadcast_to(np.arange(m), (n, m))
    d_ok = np.ones((n, m), dtype=bool)
    ok_s, ok_t = parallel._near_masks(path, n, m, d_cols, d_ok, 1)
    # source 1, left out where target 1 starts: only targets 0 and 1 (its neighbours' partners)
    assert ok_s.astype(int).tolist() == [[1, 1, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [0, 0, 1, 1]]
    # target 2, left out before source 3: only sources 2 and 3
    assert ok_t[:, 2].tolist() == [False, False, True, True]
    assert ok_t[:, 0].tolist() == [True, True, False, False]
    # cells outside the band stay out
    d_ok[0, 1] = False
    assert not parallel._near_masks(path, n, m, d_cols, d_ok, 1)[0][0, 1]


def _one_pair_raw(dot: float, ns: float, nt: float, coverage: float) -> float:
    """`_span_raw` of one source and one target sentence with the given product and squared norms."""
    cum = np.array([[0.0, dot]])
    norm_s = np.array([[1.0, 1.0], [1.0, ns]])
    norm_t = np.array([[1.0, 1.0], [1.0, nt]])
    zero = np.zeros(2)
    one = np.array([1])
    out = parallel._span_raw(cum, np.array([0]), 1, norm_s, norm_t, zero, zero, one, one, 1, 1, coverage)
    return float(out[0])


def test_coverage_penalises_a_pair_where_one_side_covers_little_of_the_other():
    # Same cosine 0.5: a balanced pair, and one where the target covers a quarter of the source.
    balanced, lopsided = (1.0, 2.0, 2.0), (1.0, 4.0, 1.0)
    assert _one_pair_raw(*balanced, 0.0) == pytest.approx(_one_pair_raw(*lopsided, 0.0)) == pytest.approx(0.5)
    assert _one_pair_raw(*balanced, 1.0) == pytest.approx(0.5)
    assert _one_pair_raw(*lopsided, 1.0) == pytest.approx(0.25)  # the smaller coverage, 1 / 4
    assert 0.25 < _one_pair_raw(*lopsided, 0.5) < 0.5


def test_coverage_penalty_applies_only_without_a_translation(monkeypatch):
    seen = set()
    raw = parallel._span_raw

    def spy(*args):
        seen.add(args[-1])
        return raw(*args)

    monkeypatch.setattr(parallel, "_span_raw", spy)
    align_sentences(FA, EN)
    power = parallel.AlignParams().coverage_power
    assert seen == {power} and power > 0
    seen.clear()
    align_sentences(FA, EN, src_trans=EN)
    assert seen == {0.0}


def _crossing_of(src: list[np.ndarray], tgt: list[np.ndarray]) -> float:
    """`_crossing` of the 2-2 bead src[0:2] x tgt[0:2], every 1-1 pair calibrated as a clear match."""
    s, t = np.array(src, dtype=float), np.array(tgt, dtype=float)

    def norms(v: np.ndarray) -> np.ndarray:
        out = np.ones((3, 3))
        out[1, 1:] = (v * v).sum(axis=1)
        out[2, 2] = float((v[0] + v[1]) @ (v[0] + v[1]))
        return out

    dots, cal = s @ t.T, np.ones((2, 2))
    ends = np.array([2])
    floor = parallel.AlignParams().crossing_floor
    out = parallel._crossing(dots, np.zeros(2, dtype=int), 2, norms(s), norms(t), cal, ends, ends, floor)
    return float(out[0])


def test_crossing_evidence_sees_a_recut_pair_but_not_two_sentences_on_one_topic():
    # Orthogonal parts a, b, c, d. Re-cut: t1 = s1 + part b of s2, t2 = the rest of s2.
    a, b, c, d = np.eye(4)
    recut = _crossing_of([a, b + c], [a + b, c])
    # off-diagonal cos 0.5 over the weaker diagonal cos 0.707, past the floor
    floor = parallel.AlignParams().crossing_floor
    assert recut == pytest.approx((0.5 / 0.5**0.5 - floor) / (1 - floor))
    assert _crossing_of([a, c], [a, c]) == 0.0  # two independent 1-1 beads
    # A shared topic part d makes the off-diagonal pairs match, but the neighbours' likeness explains it.
    assert _crossing_of([a + d, c + d], [a + d, c + d]) == pytest.approx(0.0, abs=1e-12)


def test_crossing_waiver_applies_only_with_a_translation(monkeypatch):
    calls = []
    crossing = parallel._crossing

    def spy(*args):
        calls.append(1)
        return crossing(*args)

    monkeypatch.setattr(parallel, "_crossing", spy)
    align_sentences(FA, EN)
    assert not calls
    align_sentences(FA, EN, src_trans=EN)
    assert calls


def test_crossing_band_lookup_equals_crossing_of_each_block():
    # The DP computes `_crossing` once per band cell and each bead looks up its 2 x 2 blocks: that must
    # give what computing every block of every bead directly gives, in a band that starts off the diagonal.
    rng = np.random.default_rng(3)
    n, m, kmax = 7, 9, 3
    s, t = rng.random((n, 5)), rng.random((m, 5))
    dlo = np.array([0, 0, 1, 1, 2, 3, 3])
    dwidth = 6
    cols = np.minimum(dlo[:, None] + np.arange(dwidth)[None, :], m - 1)
    dots = np.einsum("ad,awd->aw", s, t[cols])
    cal = rng.normal(1.0, 0.5, (n, dwidth))

    def norms(v: np.ndarray) -> np.ndarray:
        pairs = [[v[a] @ v[a + d] if a + d < len(v) else 0.0 for d in range(kmax)] for a in range(len(v))]
        self_dots = np.array(pairs)
        return parallel._span_norms2(self_dots, kmax)

    norm_s, norm_t = norms(s), norms(t)
    band = parallel._crossing_band(dots, dlo, dwidth, norm_s, norm_t, cal, m, 0.1)
    assert band.max() > 0  # some block crosses, so the comparison below is not all zeros
    for k, l in ((2, 2), (2, 3), (3, 2), (3, 3)):  # noqa: E741
        ic, jc = np.meshgrid(np.arange(k + 1, n + 1), np.arange(l + 1, 7), indexing="ij")
        ic, jc = ic.ravel(), jc.ravel()
        inside = (jc - l - 1 >= dlo[ic - k]) & (jc - 1 < dlo[ic - 1] + dwidth)  # the bead lies in the band
        ic, jc = ic[inside], jc[inside]
        direct = np.zeros(ic.shape)
        for back_s in range(k - 1):
            for back_t in range(l - 1):
                block = parallel._crossing(
                    dots, dlo, dwidth, norm_s, norm_t, cal, ic - back_s, jc - back_t, 0.1
                )
                direct = np.maximum(direct, block)
        looked_up = parallel._bead_crossing(band, dlo, dwidth, ic, jc, k, l)
        np.testing.assert_array_equal(looked_up, direct)
