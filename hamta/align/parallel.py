"""Parallel sentence alignment: a monotonic dynamic programme in a band, with recursive coarsening.

Why this design (after Vecalign): a full DP over n x m cells is quadratic. We align a coarsened version of
both documents (blocks of 2 consecutive sentences, recursively), project that path to the finer level
and search only a band of +-`buffer` sentences around it, so time and memory grow linearly with the
document length. Bead costs combine

* the similarity of the two spans (cosine of summed sentence vectors from a pluggable `Similarity`),
  minus a margin against each span's similarity to an average sentence of the other side (Vecalign's
  normalisation, which stops "hub" sentences from matching everything), calibrated per document *and per
  bead shape*: 0 is the median similarity of unrelated spans of the same shape (so a 2-2 bead gains
  nothing from having more words than a 1-1 bead), 1 the level of typical best 1-1 matches; the same
  costs then work with a good translation, a poor one, or none at all. A bead pays its weight times
  1 - similarity; without a translation a match beyond the typical level earns its excess only once,
  whatever the bead's size (a striking anchor must not make folding its neighbours into its bead cheap),
  and the cosine is moved towards the smaller of the two spans' coverages (`AlignParams.coverage_power`),
  so a pair where one side covers little of the other scores lower;
* with a translation, a bead of 2 or more sentences on each side that contains a crossing (part of s2
  translated in t1, or of s1 in t2: `_crossing`) does not pay the merge cost of a 2-2 bead, since two 1-1
  beads cut out of it look like weak but balanced matches;
* a Gale-Church length prior whose ratio and variance are estimated from the documents themselves
  (the variance from a first pass at each level), heavy-tailed (Student-t) so that one odd pair does not
  make fusing it with a neighbour look cheaper;
* a penalty for each sentence beyond one per side (many-to-many beads need evidence), rescaled per
  document by the rate of merges on the first pass (translators differ in how often they split and join
  sentences), and a cost for a sentence left unaligned; both bead weights and skip costs blend sentence
  counts with text length, so a short caption is cheap to skip and a long sentence must match well. The
  skip cost also falls with the sentence's best match (unaligned detection: its best cosine or how much
  of it one sentence of the other side covers, near where a first pass put it), and page furniture
  (`hamta.text.boilerplate` flags, lines without content words) counts as matching nothing: page junk
  and sentences the other side dropped are left out instead of being absorbed into a neighbour.

The cost constants are fit on a development suite by benchmarks/fit_align.py and shipped in
hamta/data/align_params.json. A translation is compared together with its original text (names and
numbers the MT system mangled survive there); empty or untranslated MT lines fall back to the original
alone. All kernels are numpy over fixed-width band arrays; see `_dp` for the indexing.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from hamta.align.base import Bead
from hamta.align.similarity import SentenceVectors, Similarity, resolve_similarity

__all__ = [
    "align_sentences",
    "AlignParams",
    "bead_types",
    "DEFAULT_MAX_BEAD",
    "MAX_BEAD_LIMIT",
    "PreparedPair",
    "prepare_pair",
    "align_prepared",
]

log = logging.getLogger("hamta.align.parallel")

#: largest bead, in sentences on both sides together: 5 covers 1-1 ... 1-4, 2-3, 3-2, 4-1.
DEFAULT_MAX_BEAD = 5
#: upper bound of max_bead: the bead shapes grow quadratically with it (MAX_BEAD_LIMIT = 20 is 192 shapes)
#: and real alignments need far less; larger values would only make the DP crawl.
MAX_BEAD_LIMIT = 20
#: leaving a sentence out costs at least this (times its text weight): half a 1-1 bead at chance similarity
CHANCE_SKIP = 0.5
#: rate of extra sentences per aligned bead at which `merge_cost` applies (about the dev suite's gold rate)
MERGE_RATE_REF = 0.18
#: pseudo-beads at MERGE_RATE_REF added to a document's own count when its merge rate is estimated
MERGE_PRIOR_BEADS = 20
#: the per-document merge cost stays within these multiples of `merge_cost`
MERGE_FACTOR_RANGE = (0.25, 4.0)
#: degrees of freedom of the Student-t length prior (heavy tails: see `_gc_cost`)
LENGTH_TAIL_DF = 3.0
#: the fitted cost constants (benchmarks/fit_align.py writes it; see its "how" entry)
PARAMS_RESOURCE = "align_params.json"


def _fitted() -> dict[str, float]:
    """The cost constants shipped in hamta/data (fit on the development suite by a script)."""
    from importlib.resources import files

    data = json.loads(files("hamta").joinpath("data", PARAMS_RESOURCE).read_text(encoding="utf-8"))
    return {key: float(value) for key, value in data["params"].items()}


_FIT = _fitted()


def _max_bead_problem(max_bead: int) -> str:
    if max_bead < 2:
        return f"max_bead must be at least 2 (a 1-1 bead), got {max_bead}"
    return f"max_bead must be at most {MAX_BEAD_LIMIT} (larger beads only slow the alignment), got {max_bead}"


@dataclass(frozen=True)
class AlignParams:
    """Cost settings of the aligner; the cost defaults come from hamta/data/align_params.json.

    Attributes:
        max_bead: largest bead, in sentences on both sides together (2 .. MAX_BEAD_LIMIT).
        skip_cost: cost of leaving one content sentence unaligned beyond CHANCE_SKIP (per sentence of
            average length), in units of calibrated similarity: 0 means "as cheap as aligning it at chance".
        skip_floor: share of the skip cost that a sentence with no match better than chance still pays
            (unaligned detection: page junk and dropped sentences are cheap to leave out).
        merge_cost: extra cost per sentence beyond one on each side of a bead, for a document that merges
            at MERGE_RATE_REF (each document rescales it, see `_adapt_merge`).
        length_weight: weight of the length prior (negative log-density, see `_gc_cost`).
        text_share: how much bead weights and skip costs follow text length rather than sentence count
            (0 = counts only, 1 = length only).
        coverage_power: without a translation, a span pair's cosine is multiplied by the balance of their
            norms to this power (a coverage penalty, see `_span_raw`); with a translation it is not used.
        crossing_floor: with a translation, crossing evidence (`_crossing`) below this counts as none.
        match_window: unaligned detection on the second pass looks for a sentence's best match only this
            many sentences around where the first pass put it (see `_near_masks`; sentences are whole, so
            0.5 means the sentences of its bead and the one after them, 1 one more on each side).
        buffer: half-width of the search band around the projected coarse path, in sentences.
        full_dp_cells: documents up to this many cells (n x m) get a full DP, larger ones are coarsened.
    """

    max_bead: int = DEFAULT_MAX_BEAD
    skip_cost: float = _FIT["skip_cost"]
    skip_floor: float = _FIT["skip_floor"]
    merge_cost: float = _FIT["merge_cost"]
    length_weight: float = _FIT["length_weight"]
    text_share: float = _FIT["text_share"]
    coverage_power: float = _FIT["coverage_power"]
    crossing_floor: float = _FIT["crossing_floor"]
    match_window: float = _FIT["match_window"]
    buffer: int = 8
    full_dp_cells: int = 300_000

    def __post_init__(self) -> None:
        problems = []
        if not 2 <= self.max_bead <= MAX_BEAD_LIMIT:
            problems.append(_max_bead_problem(self.max_bead))
        for name in ("skip_cost", "merge_cost", "length_weight", "coverage_power", "match_window"):
            if not getattr(self, name) >= 0:
                problems.append(f"{name} must be >= 0, got {getattr(self, name)}")
        for name in ("text_share", "skip_floor"):
            if not 0 <= getattr(self, name) <= 1:
                problems.append(f"{name} must be in [0, 1], got {getattr(self, name)}")
        if not 0 <= self.crossing_floor < 1:
            problems.append(f"crossing_floor must be in [0, 1), got {self.crossing_floor}")
        if self.buffer < 1 or self.full_dp_cells < 1:
            problems.append("buffer and full_dp_cells must be positive")
        if problems:
            raise ValueError("AlignParams: " + "; ".join(problems))

    def signature(self) -> str:
        """Settings as one line: ``max_bead:5|skip:1.2|floor:0.6|merge:0.77|...|window:1|buffer:8``."""
        return (
            f"max_bead:{self.max_bead}|skip:{self.skip_cost:g}|floor:{self.skip_floor:g}"
            f"|merge:{self.merge_cost:g}|len:{self.length_weight:g}|text:{self.text_share:g}"
            f"|cover:{self.coverage_power:g}|cross:{self.crossing_floor:g}|window:{self.match_window:g}"
            f"|buffer:{self.buffer}"
        )


def bead_types(max_bead: int) -> list[tuple[int, int]]:
    """Bead shapes (src count, tgt count) allowed: deletion, insertion, and k-l with k + l <= max_bead."""
    if not 2 <= max_bead <= MAX_BEAD_LIMIT:
        raise ValueError(_max_bead_problem(max_bead))
    shapes = [(1, 0), (0, 1)]
    shapes += [(k, total - k) for total in range(2, max_bead + 1) for k in range(1, total)]
    return shapes


# ---------------------------------------------------------------------------------------------------------
# Level data: everything the costs need, for one resolution of the documents


_Span = tuple[int, int, int, int, float]  # i0, i1, j0, j1, cosine


@dataclass
class _Side:
    vectors: SentenceVectors
    lengths: np.ndarray  # characters per sentence (float64)
    furniture: np.ndarray | None = None  # 1.0 where the line is page furniture (see `_furniture`)
    translated: bool = False  # compared on a translation (see `_match_cost`)


def _prefix(values: np.ndarray) -> np.ndarray:
    out = np.zeros(len(values) + 1)
    np.cumsum(values, out=out[1:])
    return out


def _span_norms2(self_dots: np.ndarray, max_span: int) -> np.ndarray:
    """``out[s, e] = |v_{e-s} + ... + v_{e-1}|^2`` for span sizes s = 1..max_span ending before e.

    `self_dots[a, d]` is ``v_a . v_{a+d}``. Row 0 (size 0) is left at 1 to avoid division by zero.
    """
    n = self_dots.shape[0]
    out = np.ones((max_span + 1, n + 1))
    for size in range(1, max_span + 1):
        total = np.zeros(n + 1)
        for start_off in range(size):  # sentence a = e - size + start_off
            for d in range(size - start_off):
                a = np.arange(n + 1) - size + start_off
                ok = (a >= 0) & (a + d < n)
                term = np.zeros(n + 1)
                term[ok] = self_dots[a[ok], d]
                total += term if d == 0 else 2 * term
        out[size] = np.maximum(total, 1e-12)
    return out


def _gc_cost(len_s: np.ndarray, len_t: np.ndarray, ratio: float, var: float) -> np.ndarray:
    """Length prior: -log of a Student-t density (`LENGTH_TAIL_DF`) of the Gale-Church deviation
    delta = (lt - c ls) / sqrt(var * (ls + lt / c) / 2).

    Why not the Gaussian tail of Gale & Church: real documents (OCR'd pages, loose translations, a
    caption run into a sentence) have heavy-tailed length ratios, and a Gaussian prior then pays so much
    for one odd 1-1 bead that fusing it with a neighbour into a 2-2 bead looks cheaper.
    """
    mean_len = (len_s + len_t / ratio) / 2.0
    delta = np.abs(len_t - ratio * len_s) / np.sqrt(var * np.maximum(mean_len, 1.0))
    nu = LENGTH_TAIL_DF
    return (nu + 1) / 2 * np.log1p(delta * delta / nu)


# ---------------------------------------------------------------------------------------------------------
# The banded DP


def _products(src: _Side, tgt: _Side, lo: np.ndarray, width: int, kmax: int, lmax: int):
    """Dot products the bead costs are built from (see `_dp` for the band indexing)."""
    n = len(src.lengths)
    rows_after = np.minimum(np.arange(n) + 1, n)
    rows_last = np.minimum(np.arange(n) + kmax, n)
    dlo = np.maximum(0, lo[rows_after] - lmax)
    dwidth = int(np.max(lo[rows_last] + width - dlo)) + 1
    dots = src.vectors.dot_band(tgt.vectors, dlo, dwidth)
    cum = np.zeros((n, dwidth + 1))
    np.cumsum(dots, axis=1, out=cum[:, 1:])

    norm_s = _span_norms2(src.vectors.self_dots(kmax), kmax)  # [size, end]
    norm_t = _span_norms2(tgt.vectors.self_dots(lmax), lmax)
    base_s = _prefix(src.vectors.dot_mean(tgt.vectors))  # prefix sums of v_a . mean(tgt)
    base_t = _prefix(tgt.vectors.dot_mean(src.vectors))

    return dlo, dwidth, dots, cum, norm_s, norm_t, base_s, base_t


def _span_raw(
    cum, dlo, dwidth, norm_s, norm_t, base_s, base_t, ic, jc, k: int, l: int, coverage: float = 0.0  # noqa: E741
):
    """Margin-corrected cosine of the spans src[ic-k:ic] x tgt[jc-l:jc] (arrays of end cells).

    `cum[a, w]` is the prefix sum over w of src[a] . tgt[dlo[a] + w]; products outside the window count 0.

    `coverage` > 0 penalises the uncovered part of either span. How much of S the other span T covers is
    S.T / |S|^2 (and of T, S.T / |T|^2); the cosine is the geometric mean of the two, so a pair where
    one side covers little of the other (a 1-1 bead cut out of a crossing 2-2 bead, a fragment matched
    to a long sentence) can still score well. The cosine times ``(min/max of |S|, |T|) ** coverage``
    moves it towards the smaller coverage (coverage = 1 gives exactly the smaller one).
    """
    dot = np.zeros(np.shape(ic))
    for back_off in range(1, k + 1):  # source sentence a = i - back_off
        a = ic - back_off
        dot += cum[a, np.clip(jc - dlo[a], 0, dwidth)] - cum[a, np.clip(jc - l - dlo[a], 0, dwidth)]
    ns, nt = norm_s[k, ic], norm_t[l, jc]
    cos = dot / np.sqrt(ns * nt)
    if coverage > 0:
        cos = cos * (np.minimum(ns, nt) / np.maximum(ns, nt)) ** (0.5 * coverage)
    margin = 0.5 * ((base_s[ic] - base_s[ic - k]) / np.sqrt(ns) + (base_t[jc] - base_t[jc - l]) / np.sqrt(nt))
    return cos - margin


#: documents up to this many cells calibrate on every cell; larger ones on a band half a document away
_CALIBRATE_ALL_CELLS = 40_000
#: columns sampled per row of the far band
_FAR_COLS = 4


def _unrelated_levels(
    src: _Side, tgt: _Side, shapes, norm_s, norm_t, base_s, base_t, coverage: float = 0.0
) -> dict:
    """Median similarity of *unrelated* spans, per bead shape: the level a bead of that shape reaches by
    chance. Subtracting it per shape means a 2-2 bead gains nothing from its extra words alone.

    Small documents use every cell (few of them are on the path); larger ones a band half a document away
    from the diagonal (a banded level cannot take the median over its own cells, which are all related).
    """
    n, m = len(src.lengths), len(tgt.lengths)
    kmax = max(k for k, _ in shapes)
    lmax = max(size_t for _, size_t in shapes)
    if n * m <= _CALIBRATE_ALL_CELLS:
        rows_n, dlo, dwidth = n, np.zeros(n, dtype=np.int64), m
        dots = src.vectors.dot_band(tgt.vectors, dlo, dwidth)
    else:
        rows_n = n // 2
        dwidth = _FAR_COLS + lmax + kmax * (m // n + 1)
        dlo = np.minimum(np.arange(rows_n) * m // n + m // 2, max(0, m - dwidth)).astype(np.int64)
        dots = src.vectors.take(0, rows_n).dot_band(tgt.vectors, dlo, dwidth)
    cum = np.zeros((rows_n, dwidth + 1))
    np.cumsum(dots, axis=1, out=cum[:, 1:])
    levels = {}
    for k, l in shapes:  # noqa: E741
        if k == 0 or l == 0 or k > rows_n or l > m:
            continue
        if rows_n == n and dwidth == m:  # every cell
            ic, jc = np.meshgrid(np.arange(k, n + 1), np.arange(l, m + 1), indexing="ij")
        else:
            rows = np.arange(k, rows_n + 1)
            ic = np.repeat(rows, _FAR_COLS)
            jc = (dlo[rows - 1] + l)[:, None].repeat(_FAR_COLS, 1).ravel() + np.tile(
                np.arange(_FAR_COLS), len(rows)
            )
            ok = (jc <= m) & (jc - 1 - dlo[ic - k] < dwidth)
            ic, jc = ic[ok], jc[ok]
        if np.size(ic) == 0:
            continue
        raw = _span_raw(
            cum, dlo, dwidth, norm_s, norm_t, base_s, base_t, ic.ravel(), jc.ravel(), k, l, coverage
        )
        levels[(k, l)] = float(np.median(raw))
    return levels


def _calibrate_best(best: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """Row (or column) maxima of a score on the same scale as the similarity: 0 = the median cell of
    the band (mostly unrelated pairs), 1 = the median of the maxima (a typical best match)."""
    finite = best[np.isfinite(best)]
    if finite.size == 0:
        return best
    low, high = float(np.nanmedian(cells)), float(np.median(finite))
    return (best - low) / max(high - low, 1e-6)


def _skip_base(side: _Side, params: AlignParams) -> np.ndarray | float:
    """Cost of leaving one sentence of average length out, before the unaligned-detection discount.

    CHANCE_SKIP per sentence is what leaving both sentences of a 1-1 pair out costs against aligning them
    at chance similarity (a bead costs its size times 1 - similarity); content lines add the fitted margin
    `skip_cost` on top, page furniture does not (so a larger margin, which keeps real sentences in
    their beads, does not also make absorbing a page number into a neighbouring bead look cheaper).
    """
    if side.furniture is None:
        return CHANCE_SKIP + params.skip_cost
    return CHANCE_SKIP + params.skip_cost * (1.0 - side.furniture)


def _match_share(best: np.ndarray, furniture: np.ndarray | None) -> np.ndarray:
    """How much of the skip cost a sentence pays: its best match in calibrated units (0 = chance,
    1 = a typical best match), clipped to [0, 1]; 0 for page furniture, whatever it matches."""
    share = np.where(np.isfinite(best), np.clip(best, 0.0, 1.0), 0.0)
    return share if furniture is None else share * (1.0 - furniture)


def _match_cost(size: np.ndarray, sim: np.ndarray, translated: bool) -> np.ndarray:
    """What a bead of weight `size` pays for its calibrated similarity `sim` (1 = a typical best match).

    With a translation, the weight times 1 - sim: the cosine of a longer span is a better estimate, and
    a large real bead (a loose literary translation merges 4-5 sentences) earns its match per unit of
    weight. Without one, similarity comes from sparse anchors (names, numbers, quote marks) and is
    heavy-tailed (on the dev suite gold 1-1 beads have median 0.69, mean 1.38): a bead pays its weight
    times the shortfall below 1, but earns an excess above 1 only once, since paid per unit of weight the
    excess of one striking match makes a larger bead cheaper the more unrelated neighbours it takes in
    (a bead gaining from its size alone), which is how a sentence the other side dropped got absorbed.
    """
    if translated:
        return size * (1.0 - sim)
    return size * (1.0 - np.minimum(sim, 1.0)) - np.maximum(sim - 1.0, 0.0)


def _band_at(values: np.ndarray, dlo: np.ndarray, dwidth: int, a: np.ndarray, b: np.ndarray,
             outside: float) -> np.ndarray:
    """``values`` of the cells src[a] x tgt[b] of a band array (which stores src[a] x tgt[dlo[a] + w]);
    ``outside`` where the cell lies outside the band."""
    w = b - dlo[a]
    return np.where((w >= 0) & (w < dwidth), values[a, np.clip(w, 0, dwidth - 1)], outside)


def _crossing(
    dots: np.ndarray,
    dlo: np.ndarray,
    dwidth: int,
    norm_s: np.ndarray,
    norm_t: np.ndarray,
    cal: np.ndarray,
    ic: np.ndarray,
    jc: np.ndarray,
    floor: float,
) -> np.ndarray:
    """Evidence in [0, 1] that the 2-2 bead src[ic-2:ic] x tgt[jc-2:jc] is a crossing or a re-cut.

    Why: when a translator moves part of s2 into t1 (or of s1 into t2), two 1-1 beads cut out of the
    2-2 bead look like weak but balanced matches, so neither the cosine nor a coverage penalty sees it.
    Its signature is an off-diagonal pair (s2, t1) or (s1, t2) that matches beyond what the neighbours'
    own likeness explains (s2 ~ s1 ~ t1, or s2 ~ t2 ~ t1: two sentences on one topic), relative to the
    weaker diagonal pair; and both diagonal pairs must match (`cal`: calibrated 1-1 similarity). Evidence
    below `floor` (`AlignParams.crossing_floor`) counts as none: many 2-2 / 1-1 + 1-1 choices are near
    ties, and a small waiver merged true 1-1 pairs of Text+Berg.
    """
    s1, s2, t1, t2 = ic - 2, ic - 1, jc - 2, jc - 1

    def cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return _band_at(dots, dlo, dwidth, a, b, 0.0) / np.sqrt(norm_s[1, a + 1] * norm_t[1, b + 1])

    def calibrated(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return _band_at(cal, dlo, dwidth, a, b, -np.inf)

    def adjacent(norms: np.ndarray, end: np.ndarray) -> np.ndarray:  # cosine of the span's two sentences
        first, second = norms[1, end - 1], norms[1, end]
        return (norms[2, end] - first - second) / (2 * np.sqrt(first * second))

    adj_s, adj_t = adjacent(norm_s, ic), adjacent(norm_t, jc)
    d1, d2 = cos(s1, t1), cos(s2, t2)
    resid = np.maximum(
        cos(s1, t2) - np.maximum(adj_s * d2, adj_t * d1), cos(s2, t1) - np.maximum(adj_s * d1, adj_t * d2)
    )
    ratio = resid / np.maximum(np.minimum(d1, d2), 1e-6)
    diag = np.minimum(calibrated(s1, t1), calibrated(s2, t2))
    evidence = np.minimum(ratio, diag)
    return np.clip((evidence - floor) / (1.0 - floor), 0.0, 1.0)


def _crossing_band(
    dots: np.ndarray,
    dlo: np.ndarray,
    dwidth: int,
    norm_s: np.ndarray,
    norm_t: np.ndarray,
    cal: np.ndarray,
    m: int,
    floor: float,
) -> np.ndarray:
    """`_crossing` of every 2 x 2 block in the product band, once per DP: ``out[a, w]`` is the evidence
    for the block whose last sentences are src[a] and tgt[dlo[a] + w] (0 where there is no such block).

    Why: every bead of 2 or more sentences on each side looks up its 2 x 2 blocks here
    (`_bead_crossing`) instead of recomputing them for each shape and block position.
    """
    rows = np.arange(len(dlo))[:, None]
    cols = dlo[:, None] + np.arange(dwidth)[None, :]  # t2
    valid = (rows >= 1) & (cols >= 1) & (cols < m)
    ic = np.where(valid, rows + 1, 2)
    jc = np.where(valid, cols + 1, 2)
    return np.where(valid, _crossing(dots, dlo, dwidth, norm_s, norm_t, cal, ic, jc, floor), 0.0)


def _bead_crossing(
    band: np.ndarray, dlo: np.ndarray, dwidth: int, ic: np.ndarray, jc: np.ndarray, k: int, l: int  # noqa: E741
) -> np.ndarray:
    """The strongest crossing (`_crossing_band`) among the 2 x 2 blocks of the beads src[ic-k:ic] x
    tgt[jc-l:jc]."""
    out = np.zeros(np.shape(ic))
    for back_s in range(k - 1):
        a = ic - back_s - 1  # the block's last source sentence
        for back_t in range(l - 1):
            out = np.maximum(out, _band_at(band, dlo, dwidth, a, jc - back_t - 1, 0.0))
    return out


def _near_masks(
    path: list[_Span], n: int, m: int, d_cols: np.ndarray, d_ok: np.ndarray, window: float
) -> tuple[np.ndarray, np.ndarray]:
    """Band cells near a first-pass path: (cells where the target is within `window` sentences of the
    source sentence's bead, cells where the source is within `window` of the target sentence's bead).

    Why: a sentence the other side dropped still has a best match somewhere in the band, by chance (a
    shared name, a number, a quote mark), and without a translation that chance maximum over a whole
    band is as high as many real matches. Its real partner, if any, is next to where the first pass put
    it; looking only there leaves chance far fewer places to hide (a skipped sentence sits between its
    neighbours' beads, whose sentences are then the only candidates).
    """
    s_lo, s_hi = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    t_lo, t_hi = np.zeros(m, dtype=np.int64), np.zeros(m, dtype=np.int64)
    for i0, i1, j0, j1, _ in path:
        s_lo[i0:i1], s_hi[i0:i1] = j0, j1
        t_lo[j0:j1], t_hi[j0:j1] = i0, i1
    rows = np.arange(n)[:, None]
    ok_s = d_ok & (d_cols >= s_lo[:, None] - window) & (d_cols < s_hi[:, None] + window)
    ok_t = d_ok & (rows >= t_lo[d_cols] - window) & (rows < t_hi[d_cols] + window)
    return ok_s, ok_t


def _dp(
    src: _Side,
    tgt: _Side,
    lo: np.ndarray,
    width: int,
    params: AlignParams,
    ratio: float,
    var: float,
    cache: dict | None = None,
    progress=None,
    near: list[_Span] | None = None,
) -> list[_Span]:
    """Best monotonic path through the band; returns beads as (i0, i1, j0, j1, cosine), half-open spans.

    `near`: a first-pass path at this level; unaligned detection then looks for each sentence's best
    match near it (`_near_masks`) instead of in the whole band.

    Indexing: DP cell (i, j) means "the first i source and first j target sentences are aligned";
    rows i = 0..n, and row i stores the cells j = lo[i] .. lo[i] + width - 1 at positions 0..width-1.
    A bead of shape (k, l) ending in cell (i, j) covers source sentences i-k .. i-1 and target
    sentences j-l .. j-1 and comes from cell (i-k, j-l).
    """
    n, m = len(src.lengths), len(tgt.lengths)
    shapes = bead_types(params.max_bead)
    kmax = max(k for k, _ in shapes)
    lmax = max(size_t for _, size_t in shapes)

    # Dot products of source sentence a with target sentences b in a window around the band:
    # D[a, w] = src[a] . tgt[dlo[a] + w].
    key = (lo.tobytes(), width, params.max_bead)
    if cache is not None and cache.get("key") == key:  # the second pass at one level reuses the products
        dlo, dwidth, dots, cum, norm_s, norm_t, base_s, base_t = cache["data"]
    else:
        dlo, dwidth, dots, cum, norm_s, norm_t, base_s, base_t = _products(src, tgt, lo, width, kmax, lmax)
        if cache is not None:
            cache["key"], cache["data"] = key, (dlo, dwidth, dots, cum, norm_s, norm_t, base_s, base_t)
    plen_s, plen_t = _prefix(src.lengths), _prefix(tgt.lengths)
    translated = src.translated or tgt.translated
    coverage = 0.0 if translated else params.coverage_power
    mean_s, mean_t = float(np.mean(src.lengths)), float(np.mean(tgt.lengths))

    # Calibrate the similarity scale on this document: 0 = an unrelated span pair *of the same shape*
    # (see `_unrelated_levels`), 1 = a typical best match (median of the best 1-1 scores). This makes the
    # skip and merge costs mean the same with a good translation, a poor one or none at all.
    d_cols = dlo[:, None] + np.arange(dwidth)[None, :]
    d_ok = d_cols < m
    d_cols = np.minimum(d_cols, m - 1)
    s11 = dots / np.sqrt(norm_s[1, 1:, None] * norm_t[1, d_cols + 1])
    s11 -= 0.5 * (
        np.diff(base_s)[:, None] / np.sqrt(norm_s[1, 1:, None])
        + np.diff(base_t)[d_cols] / np.sqrt(norm_t[1, d_cols + 1])
    )
    s11 = np.where(d_ok, s11, np.nan)
    if cache is not None and ("levels", params.max_bead, coverage) in cache:
        levels = cache["levels", params.max_bead, coverage]
    else:
        levels = _unrelated_levels(src, tgt, shapes, norm_s, norm_t, base_s, base_t, coverage)
        if cache is not None:
            cache["levels", params.max_bead, coverage] = levels
    sim_lo = levels.get((1, 1), float(np.nanmedian(s11)))
    # "Best match" level: the median of the min(n, m) highest 1-1 scores in the band (about one per
    # sentence); unlike row maxima, this barely depends on how wide the band is.
    vals = s11[np.isfinite(s11)]
    top = min(n, m, vals.size)
    sim_hi = float(np.median(np.partition(vals, vals.size - top)[vals.size - top :]))
    sim_scale = max(sim_hi - sim_lo, 1e-3)
    log.debug("calibration n=%d width=%d: unrelated %.4f, best %.4f", n, width, sim_lo, sim_hi)

    # Unaligned detection: a sentence whose best match in the band is no better than chance (page
    # junk, a caption, a sentence the other side dropped) is cheap to leave out; one with a clear match
    # pays the full skip cost. Two views of "best match": the calibrated 1-1 similarity, and containment
    # (how much of the sentence's own vector one sentence of the other side covers, calibrated the same
    # way), which a fragment split off a longer sentence keeps when its cosine is low. Page furniture
    # (`_furniture`) counts as matching nothing. The cost also follows the sentence's share of the text,
    # like bead sizes below, and starts at CHANCE_SKIP (see `_skip_base`).
    best = np.nan_to_num((s11 - sim_lo) / sim_scale, nan=-np.inf)
    cal11 = best  # kept under its own name: the DP loop below reuses `best`
    cover_s = np.where(d_ok, dots / norm_s[1, 1:, None], np.nan)  # share of src[a] that tgt[b] covers
    cover_t = np.where(d_ok, dots / norm_t[1, d_cols + 1], np.nan)
    ok_s = ok_t = d_ok
    if near is not None:
        ok_s, ok_t = _near_masks(near, n, m, d_cols, d_ok, params.match_window)
    best_s = np.where(ok_s, best, -np.inf).max(axis=1)
    best_t = np.full(m, -np.inf)
    np.maximum.at(best_t, d_cols[ok_t], best[ok_t])
    best_cover_s = np.where(ok_s, np.nan_to_num(cover_s, nan=-np.inf), -np.inf).max(axis=1)
    best_cover_t = np.full(m, -np.inf)
    np.maximum.at(best_cover_t, d_cols[ok_t], cover_t[ok_t])
    best_s = np.maximum(best_s, _calibrate_best(best_cover_s, cover_s))
    best_t = np.maximum(best_t, _calibrate_best(best_cover_t, cover_t))
    floor = params.skip_floor
    skip_s = _skip_base(src, params) * ((1 - params.text_share) + params.text_share * src.lengths / mean_s)
    skip_t = _skip_base(tgt, params) * ((1 - params.text_share) + params.text_share * tgt.lengths / mean_t)
    skip_s = skip_s * (floor + (1 - floor) * _match_share(best_s, src.furniture))
    skip_t = skip_t * (floor + (1 - floor) * _match_share(best_t, tgt.furniture))
    pskip_t = _prefix(skip_t)  # pskip_t[j] = cost of inserting target sentences 0 .. j-1
    crossings = None
    if translated and any(k >= 2 and size_t >= 2 for k, size_t in shapes):
        crossings = _crossing_band(dots, dlo, dwidth, norm_s, norm_t, cal11, m, params.crossing_floor)

    # Step costs of the shapes with k >= 1 ending in every band cell: steps[t, i - r0, w] for the rows
    # r0 .. r1 - 1 of one chunk (chunks bound the memory when the band is wide).
    from_rows = [t for t, (k, _) in enumerate(shapes) if k > 0]

    def step_costs(r0: int, r1: int) -> np.ndarray:
        rows = np.arange(r0, r1)[:, None]
        cols = lo[r0:r1, None] + np.arange(width)[None, :]
        steps = np.full((len(from_rows), r1 - r0, width), np.inf)
        for slot, t in enumerate(from_rows):
            k, l = shapes[t]  # noqa: E741 - k source and l target sentences, as in the papers
            valid = (rows >= k) & (cols >= l) & (cols <= m)
            if k > n or l > m or not valid.any():
                continue
            ic = np.broadcast_to(np.maximum(rows, k), cols.shape)
            if l == 0:  # deletion of source sentence i - 1
                steps[slot][valid] = skip_s[ic[valid] - 1]
                continue
            jc = np.where(valid, cols, l)
            raw = _span_raw(cum, dlo, dwidth, norm_s, norm_t, base_s, base_t, ic, jc, k, l, coverage)
            sim = (raw - levels.get((k, l), sim_lo)) / sim_scale
            ls = plen_s[ic] - plen_s[ic - k]
            lt = plen_t[jc] - plen_t[jc - l]
            gc = _gc_cost(ls, lt, ratio, var)
            # Weight of the bead: its sentence count, blended with its share of the text, so that a short
            # fragment costs little to merge and a long sentence must match well.
            share = (ls / mean_s + lt / mean_t) / 2.0
            size = (1.0 - params.text_share) * (k + l) / 2.0 + params.text_share * share
            merge = params.merge_cost * (k + l - 2)
            if k >= 2 and l >= 2 and translated:
                # A crossing inside the bead (any 2 x 2 block of it) waives what a 2-2 bead pays for merging.
                # Only with a translation: without one the off-diagonal evidence is sparse anchors (names,
                # numbers) and the three groups without MT fell by 0.003-0.007.
                crossing = _bead_crossing(crossings, dlo, dwidth, ic, jc, k, l)
                merge = merge - 2.0 * params.merge_cost * crossing
            step = _match_cost(size, sim, translated) + merge
            step = step + params.length_weight * gc
            steps[slot][valid] = step[valid]
        return steps

    # The DP proper, row by row. Shapes with k >= 1 come from earlier rows; insertions (0, 1) move along
    # the row and are solved with a running minimum: cost[j] = min_{j' <= j} best[j'] + sum(skip_t[j':j]).
    ins_t = shapes.index((0, 1))
    ks = np.array([shapes[t][0] for t in from_rows])
    ls_ = np.array([shapes[t][1] for t in from_rows])
    cost = np.full((n + 1, width), np.inf)
    back = np.full((n + 1, width), -1, dtype=np.int16)
    offs = np.arange(width)
    from_arr = np.array(from_rows, dtype=np.int16)
    chunk = max(1, 2_000_000 // (len(from_rows) * width))
    st, r0 = None, 0
    for i in range(n + 1):
        if i == 0:
            best = np.full(width, np.inf)
            best[0] = 0.0
            arg = np.full(width, -1, dtype=np.int16)
        else:
            if st is None or i >= r0 + st.shape[1]:
                r0 = i
                st = step_costs(r0, min(n + 1, r0 + chunk))
            prev_rows = i - ks
            usable = prev_rows >= 0
            prow = np.maximum(prev_rows, 0)
            pidx = (lo[i] - lo[prow])[:, None] + offs[None, :] - ls_[:, None]
            ok = usable[:, None] & (pidx >= 0) & (pidx < width)
            cand = np.where(ok, cost[prow[:, None], np.clip(pidx, 0, width - 1)], np.inf) + st[:, i - r0, :]
            pick = np.argmin(cand, axis=0)
            best = cand[pick, offs]
            arg = np.where(np.isfinite(best), from_arr[pick], -1).astype(np.int16)
        # Relative to the row's first cell: on long documents the prefix sums are large, and rounding in
        # (best - ins) + ins must not fake an insertion into the first cell (it has no cell to its left).
        ins = pskip_t[np.minimum(lo[i] + offs, m)] - pskip_t[min(lo[i], m)]
        scan = np.minimum.accumulate(best - ins) + ins
        use_ins = scan < best - np.where(np.isfinite(best), 1e-9 * (1.0 + np.abs(best)), 0.0)
        use_ins[0] = False
        best = np.where(use_ins, scan, best)
        arg[use_ins] = ins_t
        best[lo[i] + offs > m] = np.inf
        cost[i] = best
        back[i] = arg
        if progress is not None and (i % 256 == 255 or i == n):
            progress.update(i % 256 + 1)

    # Backtrack from (n, m).
    beads: list[tuple[int, int, int, int, float]] = []
    i, j = n, m
    if not (0 <= j - lo[n] < width) or not np.isfinite(cost[n, j - lo[n]]):
        raise RuntimeError("alignment band does not reach the end of both documents")
    while i > 0 or j > 0:
        t = int(back[i, j - lo[i]])
        if t < 0:
            raise RuntimeError(f"alignment backtrack broke at cell ({i}, {j})")
        k, l = shapes[t]  # noqa: E741
        score = 0.0
        if k and l:  # the bead's plain cosine, reported with it
            dot = sum(cum[a, j - dlo[a]] - cum[a, j - l - dlo[a]] for a in range(i - k, i))
            score = float(dot / math.sqrt(norm_s[k, i] * norm_t[l, j]))
        beads.append((i - k, i, j - l, j, min(1.0, max(0.0, score))))
        i, j = i - k, j - l
    beads.reverse()
    return beads


def _full_band(n: int, m: int) -> tuple[np.ndarray, int]:
    return np.zeros(n + 1, dtype=np.int64), m + 1


def _project_band(coarse: list[_Span], factor: int, n: int, m: int, buffer: int) -> tuple[np.ndarray, int]:
    """Band at the finer level: every cell a coarse bead's rectangle covers, widened by `buffer`."""
    col_min = np.full(n + 1, m, dtype=np.int64)
    col_max = np.zeros(n + 1, dtype=np.int64)
    for i0, i1, j0, j1, _ in coarse:
        r0, r1 = min(n, i0 * factor), min(n, i1 * factor)
        c0, c1 = min(m, j0 * factor), min(m, j1 * factor)
        col_min[r0 : r1 + 1] = np.minimum(col_min[r0 : r1 + 1], c0)
        col_max[r0 : r1 + 1] = np.maximum(col_max[r0 : r1 + 1], c1)
    lo = col_min.copy()
    hi = col_max.copy()
    for shift in range(1, buffer + 1):  # widen along rows
        lo[shift:] = np.minimum(lo[shift:], col_min[:-shift])
        hi[:-shift] = np.maximum(hi[:-shift], col_max[shift:])
    lo = np.maximum(0, lo - buffer)
    hi = np.minimum(m, hi + buffer)
    lo = np.minimum.accumulate(lo[::-1])[::-1]  # non-decreasing, never above what a later row needs
    lo[0] = 0
    width = int(np.max(hi - lo)) + 1
    return lo, width


def _estimate_variance(beads: list[_Span], src: _Side, tgt: _Side, ratio: float) -> float:
    """Residual variance of target length given source length, from the 1-1 beads of a first path."""
    ps, pt = _prefix(src.lengths), _prefix(tgt.lengths)
    res = []
    for i0, i1, j0, j1, _ in beads:
        if i1 > i0 and j1 > j0:
            ls, lt = ps[i1] - ps[i0], pt[j1] - pt[j0]
            res.append((lt - ratio * ls) ** 2 / max(1.0, (ls + lt / ratio) / 2))
    if len(res) < 5:
        return 6.8 * ratio
    # Median-based: robust to the few wrong beads of a first pass (median of chi2(1) is 0.455).
    return max(1.0, float(np.median(res)) / 0.455)


def _adapt_merge(beads: list[_Span], params: AlignParams) -> AlignParams:
    """The merge cost for this document, from the rate of merged sentences on a first path.

    Why: how often a translator splits or joins sentences is a property of the document (a loose literary
    translation of an OCR'd journal merges a third of its sentences, a news translation a sixth), and one
    merge cost cannot suit both. The penalty for an extra sentence in a bead is read as a log-odds,
    log((1 - r) / r) for a rate r of extra sentences, and `merge_cost` is its value at MERGE_RATE_REF;
    the document's rate, shrunk towards MERGE_RATE_REF by MERGE_PRIOR_BEADS pseudo-beads (short
    documents say little), rescales it within MERGE_FACTOR_RANGE.
    """
    extra = [(i1 - i0) + (j1 - j0) - 2 for i0, i1, j0, j1, _ in beads if i1 > i0 and j1 > j0]
    total = float(sum(extra))
    rate = (total + MERGE_PRIOR_BEADS * MERGE_RATE_REF) / (total + len(extra) + MERGE_PRIOR_BEADS)
    factor = math.log((1 - rate) / rate) / math.log((1 - MERGE_RATE_REF) / MERGE_RATE_REF)
    low, high = MERGE_FACTOR_RANGE
    return replace(params, merge_cost=params.merge_cost * min(high, max(low, factor)))


def _coarsen_side(side: _Side, factor: int) -> _Side:
    groups = np.arange(len(side.lengths)) // factor
    furniture = None
    if side.furniture is not None:  # a block is furniture only when all its lines are
        furniture = np.minimum.reduceat(side.furniture, np.arange(0, len(side.lengths), factor))
    return _Side(
        side.vectors.coarsen(factor), np.bincount(groups, weights=side.lengths), furniture, side.translated
    )


def _align_level(
    src: _Side,
    tgt: _Side,
    params: AlignParams,
    ratio: float,
    depth: int = 0,
    progress=None,
    memo: dict | None = None,
):
    """Align at this resolution; returns (beads, length variance). `progress` counts the finest rows.

    `memo` keeps each level's products between calls on the same documents (settings that leave the band
    unchanged reuse them: fitting constants aligns the same documents hundreds of times).
    """
    memo = {} if memo is None else memo
    n, m = len(src.lengths), len(tgt.lengths)
    if n * m <= params.full_dp_cells or min(n, m) < 8:
        lo, width = _full_band(n, m)
        var = 6.8 * ratio  # Gale & Church's variance, until the first pass below measures this document's
        log.debug("level %d: full DP %dx%d", depth, n, m)
    else:
        factor = 2
        coarse_sides = memo.get(("sides", depth))
        if coarse_sides is None:
            coarse_sides = memo["sides", depth] = (_coarsen_side(src, factor), _coarsen_side(tgt, factor))
        coarse, var = _align_level(*coarse_sides, params, ratio, depth + 1, memo=memo)
        lo, width = _project_band(coarse, factor, n, m, params.buffer)
        log.debug("level %d: banded DP %dx%d, band width %d", depth, n, m, width)
    # A first pass measures this level's length variance (that of sentences is not that of blocks) and
    # merge rate; the second pass aligns with them.
    cache = memo.setdefault(depth, {})
    first = _dp(src, tgt, lo, width, params, ratio, var, cache)
    var = _estimate_variance(first, src, tgt, ratio)
    params = _adapt_merge(first, params)
    second = _dp(src, tgt, lo, width, params, ratio, var, cache, progress if depth == 0 else None, first)
    return second, var


# ---------------------------------------------------------------------------------------------------------
# Public API


def _check_side(name: str, sents: Sequence[str], trans: Sequence[str] | None, trans_name: str) -> None:
    if isinstance(sents, str):
        raise TypeError(f"{name} must be a sequence of sentences, not one string")
    if len(sents) == 0:
        raise ValueError(f"{name} document is empty: nothing to align")
    if trans is None:
        return
    if isinstance(trans, str):
        raise TypeError(f"{trans_name} must be a sequence of sentences, not one string")
    if len(trans) != len(sents):
        raise ValueError(
            f"{trans_name} has {len(trans)} lines but {name} has {len(sents)} (must be line-aligned)"
        )


def _comparison_texts(sents: Sequence[str], trans: Sequence[str] | None, with_original: bool) -> list[str]:
    """What one side is compared on, line by line.

    A translation line that is missing (empty) or equal to its source (the MT left it untranslated)
    carries nothing the source does not: the source text is used alone. Otherwise the translation, and
    for surface similarities the translation together with its original (names, numbers and cognates
    the MT system mangled or dropped are still there, and mean the same in any language).
    """
    if trans is None:
        return list(sents)
    out = []
    for sent, tr in zip(sents, trans, strict=True):
        if not tr.strip() or tr.strip() == sent.strip():
            out.append(sent)
        else:
            out.append(f"{tr} {sent}" if with_original else tr)
    return out


#: a line with no word of at least this many characters, one of them a letter, carries no content
#: (OCR debris, "- 3 -", "***")
_MIN_CONTENT_CHARS = 3
#: a side with more furniture than this share of its lines is not a page with furniture (a table of
#: figures, a list of codes): its flags are dropped
_MAX_FURNITURE_SHARE = 0.5
_WORD_RE = re.compile(r"\w+")


def _contentless(line: str) -> bool:
    """No word of `_MIN_CONTENT_CHARS` characters with a letter in it ("- 12 -", "1Ê+ :", "***")."""
    return not any(len(w) >= _MIN_CONTENT_CHARS and not w.isdigit() for w in _WORD_RE.findall(line))


def _furniture(lines: Sequence[str]) -> np.ndarray:
    """1.0 for lines that are page furniture, whatever they match: the lines `hamta.text.boilerplate`
    flags (page numbers, "read more", adverts, credits, share bars, copyright) and lines without a word
    of `_MIN_CONTENT_CHARS` characters. Such lines are cheap to leave unaligned even when a number or a
    name in them matches a sentence on the other side."""
    from hamta.text.boilerplate import boilerplate_kind

    out = np.array(
        [_contentless(line) or boilerplate_kind(line, "other") is not None for line in lines], float
    )
    if out.mean() > _MAX_FURNITURE_SHARE:
        out[:] = 0.0
    return out


@dataclass(frozen=True)
class PreparedPair:
    """Two documents turned into sentence vectors and lengths: align them with any `AlignParams`."""

    src: _Side
    tgt: _Side
    ratio: float  # target characters per source character
    memo: dict = field(default_factory=dict, compare=False, repr=False)  # products reused between runs


def prepare_pair(
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    src_trans: Sequence[str] | None = None,
    tgt_trans: Sequence[str] | None = None,
    similarity: str | Similarity = "lexical",
) -> PreparedPair:
    """Encode both sides once (the costly part when the same documents are aligned under many settings).

    With both `src_trans` and `tgt_trans`, each side is compared on its translation and its original, so
    every language the two sides are available in takes part (src_trans ~ tgt, src ~ tgt_trans, or both
    translations in a pivot language).
    """
    _check_side("source", src, src_trans, "source translation")
    _check_side("target", tgt, tgt_trans, "target translation")
    sim = resolve_similarity(similarity)
    a_texts = _comparison_texts(src, src_trans, sim.with_original)
    b_texts = _comparison_texts(tgt, tgt_trans, sim.with_original)
    vec_a, vec_b = sim.encode(a_texts, b_texts)
    len_s = np.array([max(1, len(s.strip())) for s in src], dtype=np.float64)
    len_t = np.array([max(1, len(s.strip())) for s in tgt], dtype=np.float64)
    ratio = float(len_t.sum() / len_s.sum())
    side_a = _Side(vec_a, len_s, _furniture(src), src_trans is not None)
    side_b = _Side(vec_b, len_t, _furniture(tgt), tgt_trans is not None)
    return PreparedPair(side_a, side_b, ratio)


def align_prepared(
    pair: PreparedPair, params: AlignParams | None = None, *, show_progress: bool = False
) -> list[Bead]:
    """Align a `PreparedPair` (see `align_sentences`)."""
    params = params or AlignParams()
    from tqdm.auto import tqdm

    n = len(pair.src.lengths)
    with tqdm(total=n + 1, desc="aligning", unit="sent", disable=not show_progress) as bar:
        spans, _ = _align_level(pair.src, pair.tgt, params, pair.ratio, progress=bar, memo=pair.memo)
    return [Bead(tuple(range(i0, i1)), tuple(range(j0, j1)), score) for i0, i1, j0, j1, score in spans]


def align_sentences(
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    src_trans: Sequence[str] | None = None,
    tgt_trans: Sequence[str] | None = None,
    similarity: str | Similarity = "lexical",
    max_bead: int | None = None,
    params: AlignParams | None = None,
    show_progress: bool = False,
) -> list[Bead]:
    """Align two documents sentence by sentence, in order (a document and its translation).

    Args:
        src, tgt: the sentences of each side.
        src_trans: `src` translated into `tgt`'s language, line by line (recommended for different
            languages); lines left empty or untranslated fall back to the source text.
        tgt_trans: `tgt` translated into `src`'s language or into a pivot language shared with
            `src_trans`; with both, every available language takes part in the comparison.
        similarity: ``"lexical"`` (default, no neural weights), a sentence-transformers model id or local
            directory (needs ``hamta[embeddings]``), or a `Similarity` instance.
        max_bead: largest bead, counted in sentences on both sides together (default 5: up to 1-4,
            2-3, 3-2, 4-1; at most MAX_BEAD_LIMIT); overrides the field of `params`.
        params: full cost settings (`AlignParams`).
        show_progress: a progress bar on stderr (off by default in the API, on in the CLI).

    Returns:
        Beads in document order; every source and target sentence is in exactly one bead.

    Example:
        >>> beads = align_sentences(["A cat. It sleeps.", "Dogs bark 3 times."],
        ...                         ["A cat.", "It sleeps.", "Dogs bark 3 times."])
        >>> [str(b) for b in beads]
        ['[0]:[0, 1]', '[1]:[2]']
    """
    params = params or AlignParams()
    if max_bead is not None and max_bead != params.max_bead:
        params = replace(params, max_bead=int(max_bead))
    pair = prepare_pair(src, tgt, src_trans=src_trans, tgt_trans=tgt_trans, similarity=similarity)
    return align_prepared(pair, params, show_progress=show_progress)
