"""Bootstrap confidence intervals and paired significance tests, numerically identical to sacrebleu 2.6.

sacrebleu (``sacrebleu/significance.py``) draws its resamples with ``numpy.random.default_rng(seed)``
(seed from ``SACREBLEU_SEED``, default 12345), sums float32 segment statistics per resample and scores
each resample with the metric's ``_compute_score_from_stats``. hamta draws the *same* indices from the
same generator and hands sacrebleu's scoring function the *same* float32 / int64 rows, so every resample
score, mean, CI and p-value is the same number. What differs is how the rows are summed:

* statistics are extracted once per system and reused by the CI, the paired bootstrap and the
  approximate-randomisation test (sacrebleu re-extracts them for every test it runs);
* a resample's sum is a matrix product ``counts @ stats`` (counts = how often each segment was drawn)
  rather than materialising a ``resamples x segments x stats`` array; the per-test index draws are
  shared by all systems and metrics, as they are in sacrebleu, which seeds every test identically;
* AR trials use ``shuffled_a = sum(sys) + sel @ (baseline - sys)`` in one product per chunk.

Integer statistics summed in float64 are exact; they are cast to float32 (what sacrebleu sums in) only
when every sum is below 2**24, where float32 sums of integers are exact too. Otherwise hamta falls back
to sacrebleu's own float32 summation for those resamples, so results stay identical in every case.

Example:
    >>> from hamta.eval.metrics import MetricOptions, SystemStats
    >>> refs = ["a b c d", "e f g h", "i j k l"]
    >>> stats = SystemStats.extract(MetricOptions().build("chrf", refs), ["a b c d", "e f g", "i j k l"])
    >>> ci = bootstrap_ci(stats, n_samples=100, seed=12345)
    >>> ci.n_samples, ci.seed
    (100, 12345)
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hamta.eval.metrics import SystemStats

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "DEFAULT_BOOTSTRAP",
    "DEFAULT_AR_TRIALS",
    "ConfidenceInterval",
    "PairedResult",
    "sacrebleu_seed",
    "seed_label",
    "bootstrap_indices",
    "resample_scores",
    "bootstrap_ci",
    "paired_bootstrap",
    "paired_ar",
]

log = logging.getLogger("hamta.eval.significance")

#: sacrebleu's defaults: 1000 bootstrap resamples, 10000 approximate-randomisation trials.
DEFAULT_BOOTSTRAP = 1000
DEFAULT_AR_TRIALS = 10000
_FLOAT32_EXACT = 2**24  # integers below this are summed exactly in float32
_AR_CHUNK = 1000  # trials per matrix product (bounds memory to chunk x segments floats)


def sacrebleu_seed() -> int | None:
    """The seed sacrebleu uses: ``SACREBLEU_SEED`` (default 12345); ``none`` means OS entropy."""
    seed = os.environ.get("SACREBLEU_SEED", "12345")
    return None if seed.lower() == "none" else int(seed)


def seed_label(seed: int | None) -> str:
    """The seed as sacrebleu writes it into signatures (``12345`` or ``none``)."""
    return str(seed).lower()


@dataclass(frozen=True)
class ConfidenceInterval:
    """A bootstrap estimate: the mean of the resampled scores and the 95 % half-width (sacrebleu's "±")."""

    mean: float
    halfwidth: float
    n_samples: int
    seed: int | None

    @property
    def low(self) -> float:
        return self.mean - self.halfwidth

    @property
    def high(self) -> float:
        return self.mean + self.halfwidth


@dataclass(frozen=True)
class PairedResult:
    """One system compared with the baseline by one test (``bs`` or ``ar``), as sacrebleu's `Result`.

    `mean`/`ci` are the bootstrap mean and half-width (paired bootstrap only, as in sacrebleu).
    """

    test: str
    score: float
    p_value: float
    n_samples: int
    seed: int | None
    mean: float | None = None
    ci: float | None = None


def bootstrap_indices(n_segments: int, n_samples: int, seed: int | None) -> np.ndarray:
    """sacrebleu's resample indices: ``default_rng(seed).choice(n, size=(n_samples, n))``."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return rng.choice(n_segments, size=(n_samples, n_segments), replace=True)


def _counts(indices: np.ndarray) -> np.ndarray:
    """How often each segment is drawn in each resample (resamples x segments), as float64."""
    import numpy as np

    n_samples, n_segments = indices.shape
    flat = indices + (np.arange(n_samples, dtype=np.int64) * n_segments)[:, None]
    counts = np.bincount(flat.ravel(), minlength=n_samples * n_segments)
    return counts.reshape(n_samples, n_segments).astype(np.float64)


def _is_integral(array: np.ndarray) -> bool:
    import numpy as np

    return bool(np.issubdtype(array.dtype, np.integer) or np.all(np.floor(array) == array))


def _resample_rows(stats: SystemStats, indices: np.ndarray, counts: np.ndarray | None) -> np.ndarray:
    """The float32 per-resample sums sacrebleu computes as ``float32(stats)[idx].sum(0)``."""
    import numpy as np

    array = stats.array
    if counts is not None and _is_integral(array) and np.all(array >= 0):
        sums = counts @ array.astype(np.float64)  # exact: integers far below 2**53
        exact = sums.max(axis=1) < _FLOAT32_EXACT
        out = sums.astype(np.float32)
        for r in np.flatnonzero(~exact):  # rare: huge corpora; reproduce sacrebleu's float32 sum
            out[r] = array.astype(np.float32)[indices[r]].sum(0)
        return out
    stats32 = array.astype(np.float32)
    return np.stack([stats32[idx].sum(0) for idx in indices])


def resample_scores(
    stats: SystemStats, indices: np.ndarray, *, counts: np.ndarray | None = None
) -> list[Any]:
    """sacrebleu `Score` objects of every bootstrap resample (same values and types as sacrebleu's)."""
    rows = _resample_rows(stats, indices, counts if counts is not None else _counts(indices))
    compute = stats.metric._compute_score_from_stats
    return [compute(row) for row in rows]


def bootstrap_ci(
    stats: SystemStats,
    n_samples: int = DEFAULT_BOOTSTRAP,
    seed: int | None = 12345,
    *,
    indices: np.ndarray | None = None,
    counts: np.ndarray | None = None,
) -> ConfidenceInterval:
    """The CI sacrebleu reports for one system with ``--confidence`` (`Metric.corpus_score(n_bootstrap)`).

    `indices`/`counts` let callers share one draw across systems and metrics (sacrebleu's draw depends
    only on the seed and the number of segments, so sharing it changes nothing).
    """
    if n_samples < 2:
        raise ValueError(f"n_samples must be at least 2, got {n_samples}")
    if indices is None:
        indices = bootstrap_indices(len(stats), n_samples, seed)
    scores = resample_scores(stats, indices, counts=counts)
    score = stats.corpus_score()
    score.estimate_ci(scores)  # sacrebleu's own mean / half-width computation
    return ConfidenceInterval(float(score._mean), float(score._ci), len(scores), seed)


def _paired_ci(scores: Sequence[Any]) -> tuple[np.ndarray, float, float]:
    """Scores as the array sacrebleu's PairedTest builds, and its (mean, half-width) of them."""
    import numpy as np
    from sacrebleu.significance import estimate_ci

    values = np.array([s.score for s in scores])
    mean, ci = estimate_ci(values)
    return values, float(mean), float(ci)


def paired_bootstrap(
    baseline: SystemStats,
    systems: Sequence[SystemStats],
    n_samples: int = DEFAULT_BOOTSTRAP,
    seed: int | None = 12345,
    *,
    indices: np.ndarray | None = None,
) -> tuple[PairedResult, list[PairedResult]]:
    """Paired bootstrap resampling of each system against the baseline (sacrebleu ``--paired-bs``).

    Returns the baseline's result (score, bootstrap mean/CI; no p-value: reported as 1.0 is wrong, so it
    is NaN) and one result per system with its p-value, bootstrap mean and half-width.
    """
    import numpy as np
    from sacrebleu.significance import _compute_p_value

    _check_same_length(baseline, systems)
    if indices is None:
        indices = bootstrap_indices(len(baseline), n_samples, seed)
    counts = _counts(indices)
    bl_score = baseline.corpus_score().score
    bl_values, bl_mean, bl_ci = _paired_ci(resample_scores(baseline, indices, counts=counts))
    base = PairedResult("bs", bl_score, float("nan"), len(indices), seed, bl_mean, bl_ci)
    # sacrebleu seeds each system's test with `seed if seed else None`: seed 0 means OS entropy there.
    sys_indices = indices if seed else None
    results = []
    for stats in systems:
        idx = sys_indices if sys_indices is not None else bootstrap_indices(len(stats), len(indices), None)
        cnt = counts if sys_indices is not None else _counts(idx)
        sys_score = stats.corpus_score().score
        sys_values, mean, ci = _paired_ci(resample_scores(stats, idx, counts=cnt))
        bl_vals = (
            bl_values
            if sys_indices is not None
            else _paired_ci(resample_scores(baseline, idx, counts=cnt))[0]
        )
        diffs = np.abs(sys_values - bl_vals)
        p = _compute_p_value(diffs - diffs.mean(), abs(bl_score - sys_score))
        results.append(PairedResult("bs", sys_score, float(p), len(indices), seed, mean, ci))
    return base, results


def ar_selection(n_segments: int, n_trials: int, seed: int | None) -> np.ndarray:
    """sacrebleu's AR swap mask: ``default_rng(seed).integers(2, size=(trials, n), dtype=bool)``."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return rng.integers(2, size=(n_trials, n_segments), dtype=bool)


def _ar_rows(
    baseline: SystemStats, stats: SystemStats, selection: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The AR pseudo-systems' summed statistics, as sacrebleu's ``pos @ bl + neg @ sys`` (same dtype)."""
    import numpy as np

    bl, sy = baseline.array, stats.array
    dtype = np.result_type(bl.dtype, sy.dtype)
    if not (_is_integral(bl) and _is_integral(sy)):  # non-integer statistics: sacrebleu's exact expression
        neg = ~selection
        return selection @ bl + neg @ sy, neg @ bl + selection @ sy
    diff = bl.astype(np.float64) - sy.astype(np.float64)
    # float32 products are exact while every partial sum stays below 2**24 in magnitude
    work = np.float32 if np.abs(diff).sum(0).max(initial=0) < _FLOAT32_EXACT else np.float64
    diff_w = diff.astype(work)
    moved = np.empty((len(selection), bl.shape[1]), dtype=np.float64)
    for start in range(0, len(selection), _AR_CHUNK):
        chunk = selection[start : start + _AR_CHUNK].astype(work)
        moved[start : start + _AR_CHUNK] = chunk @ diff_w
    moved = np.rint(moved)
    total_bl, total_sy = bl.sum(0), sy.sum(0)
    shuf_a = (total_sy + moved).astype(dtype)  # baseline rows where selected, system rows elsewhere
    shuf_b = (total_bl - moved).astype(dtype)
    return shuf_a, shuf_b


def paired_ar(
    baseline: SystemStats,
    systems: Sequence[SystemStats],
    n_trials: int = DEFAULT_AR_TRIALS,
    seed: int | None = 12345,
    *,
    selection: np.ndarray | None = None,
) -> list[PairedResult]:
    """Paired approximate randomisation of each system against the baseline (sacrebleu ``--paired-ar``)."""
    import numpy as np
    from sacrebleu.significance import _compute_p_value

    _check_same_length(baseline, systems)
    sys_seed = seed if seed else None  # as sacrebleu's PairedTest
    if selection is None or not seed:
        selection = ar_selection(len(baseline), n_trials, sys_seed)
    bl_score = baseline.corpus_score().score
    compute = baseline.metric._compute_score_from_stats
    results = []
    for stats in systems:
        sel = selection if seed else ar_selection(len(baseline), n_trials, None)
        sys_score = stats.corpus_score().score
        shuf_a, shuf_b = _ar_rows(baseline, stats, sel)
        scores_a = np.array([compute(row).score for row in shuf_a])
        scores_b = np.array([compute(row).score for row in shuf_b])
        p = _compute_p_value(np.abs(scores_a - scores_b), abs(bl_score - sys_score))
        results.append(PairedResult("ar", sys_score, float(p), len(sel), seed))
    return results


def _check_same_length(baseline: SystemStats, systems: Sequence[SystemStats]) -> None:
    for stats in systems:
        if len(stats) != len(baseline):
            raise ValueError(
                f"paired tests need the same segments: baseline has {len(baseline)}, a system {len(stats)}"
            )
