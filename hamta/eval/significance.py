"""Bootstrap confidence intervals and paired significance tests, numerically identical to sacrebleu 2.6.

sacrebleu (``sacrebleu/significance.py``) draws its resamples with ``numpy.random.default_rng(seed)``
(seed from ``SACREBLEU_SEED``, default 12345), sums float32 segment statistics per resample and scores
each resample with the metric's ``_compute_score_from_stats``. hamta draws the *same* indices from the
same generator and hands sacrebleu's scoring function the *same* float32 / int64 rows, so every resample
score, mean, CI and p-value is the same number. What differs is memory and time:

* sacrebleu materialises ``resamples x segments`` indices and a ``resamples x segments x stats`` float32
  array (gigabytes at 100k segments); hamta draws the indices a few resamples at a time from the same
  generator (numpy's draws do not depend on how a request is split: checked by the tests) and sums
  each block as one matrix product ``counts @ stats`` (counts = how often each segment was drawn);
* one draw serves every system and metric, as in sacrebleu, which seeds every test identically, and
  statistics are extracted once and reused by the CI, the paired bootstrap and the AR test;
* AR trials use ``shuffled_a = sum(sys) + sel @ (baseline - sys)``, the swap masks drawn 32 rows
  at a time (numpy packs 32 booleans per 32-bit draw, so such blocks give the same masks).

Integer statistics summed in float32 are exact while every sum is below 2**24, and then the product
equals sacrebleu's float32 sum; a resample at or above 2**24 (very large corpora) is summed with
sacrebleu's own expression ``float32(stats)[idx].sum(0)``, so results stay identical in every case.

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
from collections.abc import Iterator, Sequence
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
    "iter_bootstrap_indices",
    "bootstrap_totals",
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
_DRAW_BUDGET = 2**22  # drawn indices / mask entries held at once (32 MiB of int64)
_MASK_ROWS = 32  # AR masks are drawn in multiples of this many rows (one 32-bit draw per 32 booleans)


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
    """sacrebleu's resample indices: ``default_rng(seed).choice(n, size=(n_samples, n))`` (all at once)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return rng.choice(n_segments, size=(n_samples, n_segments), replace=True)


def iter_bootstrap_indices(n_segments: int, n_samples: int, seed: int | None) -> Iterator[np.ndarray]:
    """The same indices as `bootstrap_indices`, a block of resamples at a time (bounded memory)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    step = max(1, _DRAW_BUDGET // max(1, n_segments))
    for start in range(0, n_samples, step):
        yield rng.choice(n_segments, size=(min(step, n_samples - start), n_segments), replace=True)


def _counts(indices: np.ndarray, dtype: Any = None) -> np.ndarray:
    """How often each segment is drawn in each resample (resamples x segments)."""
    import numpy as np

    n_samples, n_segments = indices.shape
    flat = indices + (np.arange(n_samples, dtype=np.int64) * n_segments)[:, None]
    counts = np.bincount(flat.ravel(), minlength=n_samples * n_segments)
    return counts.reshape(n_samples, n_segments).astype(dtype or np.float64)


def _is_integral(array: np.ndarray) -> bool:
    import numpy as np

    return bool(np.issubdtype(array.dtype, np.integer) or np.all(np.floor(array) == array))


def _sum_block(stats32: np.ndarray, fast: bool, indices: np.ndarray, counts: np.ndarray | None) -> np.ndarray:
    """sacrebleu's ``float32(stats)[idx].sum(0)`` for each resample of a block."""
    import numpy as np

    if fast and counts is not None:
        out = counts @ stats32  # exact while every sum < 2**24 (non-negative integers)
        for r in np.flatnonzero(out.max(axis=1, initial=0) >= _FLOAT32_EXACT):
            out[r] = stats32[indices[r]].sum(0)  # rare: huge corpora; sacrebleu's own float32 sum
        return out
    return np.stack([stats32[idx].sum(0) for idx in indices])


def _fast_path(array: np.ndarray) -> bool:
    return _is_integral(array) and bool((array >= 0).all())


def bootstrap_totals(stats_list: Sequence[SystemStats], n_samples: int, seed: int | None) -> list[np.ndarray]:
    """Every resample's float32 statistic sums for each of `stats_list` (one shared draw, as sacrebleu).

    Returns one ``n_samples x n_stats`` float32 array per entry, row r equal to sacrebleu's
    ``np.array(stats, dtype='float32')[idxs[r]].sum(0)``.
    """
    import numpy as np

    if not stats_list:
        return []
    n = len(stats_list[0])
    _check_same_length(stats_list[0], stats_list[1:])
    stats32 = [s.array.astype(np.float32) for s in stats_list]
    fast = [_fast_path(s.array) for s in stats_list]
    outs = [np.empty((n_samples, a.shape[1]), dtype=np.float32) for a in stats32]
    row = 0
    for idx in iter_bootstrap_indices(n, n_samples, seed):
        counts = _counts(idx, np.float32) if any(fast) else None
        for out, a32, ok in zip(outs, stats32, fast, strict=True):
            out[row : row + len(idx)] = _sum_block(a32, ok, idx, counts)
        row += len(idx)
    return outs


def _scores(stats: SystemStats, totals: np.ndarray) -> list[Any]:
    compute = stats.metric._compute_score_from_stats
    return [compute(row) for row in totals]


def resample_scores(
    stats: SystemStats, indices: np.ndarray, *, counts: np.ndarray | None = None
) -> list[Any]:
    """sacrebleu `Score` objects of the bootstrap resamples given by `indices` (same values and types)."""
    import numpy as np

    a32 = stats.array.astype(np.float32)
    ok = _fast_path(stats.array)
    cnt = (counts.astype(np.float32) if counts is not None else _counts(indices, np.float32)) if ok else None
    return _scores(stats, _sum_block(a32, ok, indices, cnt))


def ci_from_totals(stats: SystemStats, totals: np.ndarray, seed: int | None) -> ConfidenceInterval:
    """The single-system CI (`Metric.corpus_score(n_bootstrap)`) from `bootstrap_totals` rows."""
    score = stats.corpus_score()
    score.estimate_ci(_scores(stats, totals))  # sacrebleu's own mean / half-width computation
    return ConfidenceInterval(float(score._mean), float(score._ci), len(totals), seed)


def bootstrap_ci(
    stats: SystemStats, n_samples: int = DEFAULT_BOOTSTRAP, seed: int | None = 12345
) -> ConfidenceInterval:
    """The CI sacrebleu reports for one system with ``--confidence`` (`Metric.corpus_score(n_bootstrap)`)."""
    if n_samples < 2:
        raise ValueError(f"n_samples must be at least 2, got {n_samples}")
    return ci_from_totals(stats, bootstrap_totals([stats], n_samples, seed)[0], seed)


def _paired_ci(scores: Sequence[Any]) -> tuple[np.ndarray, float, float]:
    """Scores as the array sacrebleu's PairedTest builds, and its (mean, half-width) of them."""
    import numpy as np
    from sacrebleu.significance import estimate_ci

    values = np.array([s.score for s in scores])
    mean, ci = estimate_ci(values)
    return values, float(mean), float(ci)


def paired_ci_from_totals(stats: SystemStats, totals: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Resample scores and sacrebleu's paired-test (mean, half-width) from `bootstrap_totals` rows."""
    return _paired_ci(_scores(stats, totals))


def paired_bootstrap(
    baseline: SystemStats,
    systems: Sequence[SystemStats],
    n_samples: int = DEFAULT_BOOTSTRAP,
    seed: int | None = 12345,
    *,
    totals: Sequence[np.ndarray] | None = None,
) -> tuple[PairedResult, list[PairedResult]]:
    """Paired bootstrap resampling of each system against the baseline (sacrebleu ``--paired-bs``).

    Returns the baseline's result (score, bootstrap mean/CI; its p-value is NaN: it is not compared with
    itself) and one result per system with its p-value, bootstrap mean and half-width. `totals`:
    precomputed `bootstrap_totals` of ``[baseline, *systems]`` (to share one draw across metrics).
    sacrebleu seeds each system's test with ``seed if seed else None``: with seed 0 or None the systems'
    resamples come from OS entropy (one fresh draw here, shared by the systems), so p-values vary.
    """
    import numpy as np
    from sacrebleu.significance import _compute_p_value

    _check_same_length(baseline, systems)
    everything = [baseline, *systems]
    if totals is None:
        totals = bootstrap_totals(everything, n_samples, seed)
    bl_score = baseline.corpus_score().score
    bl_values, bl_mean, bl_ci = paired_ci_from_totals(baseline, totals[0])
    base = PairedResult("bs", bl_score, float("nan"), len(totals[0]), seed, bl_mean, bl_ci)
    test_totals = totals if seed else bootstrap_totals(everything, len(totals[0]), None)
    test_bl = bl_values if seed else paired_ci_from_totals(baseline, test_totals[0])[0]
    results = []
    for stats, sys_totals in zip(systems, test_totals[1:], strict=True):
        sys_score = stats.corpus_score().score
        sys_values, mean, ci = paired_ci_from_totals(stats, sys_totals)
        diffs = np.abs(sys_values - test_bl)
        p = _compute_p_value(diffs - diffs.mean(), abs(bl_score - sys_score))
        results.append(PairedResult("bs", sys_score, float(p), len(sys_totals), seed, mean, ci))
    return base, results


def ar_selection(n_segments: int, n_trials: int, seed: int | None) -> np.ndarray:
    """sacrebleu's AR swap mask: ``default_rng(seed).integers(2, size=(trials, n), dtype=bool)``."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return rng.integers(2, size=(n_trials, n_segments), dtype=bool)


def iter_ar_selection(n_segments: int, n_trials: int, seed: int | None) -> Iterator[np.ndarray]:
    """The same masks as `ar_selection`, a block of trials at a time (blocks of a multiple of 32 rows)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    step = max(_MASK_ROWS, _DRAW_BUDGET // max(1, n_segments) // _MASK_ROWS * _MASK_ROWS)
    for start in range(0, n_trials, step):
        yield rng.integers(2, size=(min(step, n_trials - start), n_segments), dtype=bool)


@dataclass(frozen=True)
class _ArPair:
    """What the AR trials of one (baseline, system) pair need, prepared once.

    `diff` is ``baseline - system`` in a float type whose products are exact, or None when the
    statistics are not integers (then sacrebleu's own expression ``pos @ bl + neg @ sys`` is evaluated
    on `bl`/`sy`). `total_bl`/`total_sy` are the column sums in sacrebleu's dtype.
    """

    dtype: Any
    diff: np.ndarray | None
    bl: np.ndarray | None
    sy: np.ndarray | None
    total_bl: np.ndarray
    total_sy: np.ndarray

    @classmethod
    def prepare(cls, baseline: SystemStats, stats: SystemStats) -> _ArPair:
        import numpy as np

        dtype = np.result_type(baseline.dtype, stats.dtype)
        bl, sy = baseline.array, stats.array
        totals = bl.astype(dtype).sum(0), sy.astype(dtype).sum(0)
        if not (_is_integral(bl) and _is_integral(sy)):
            return cls(dtype, None, bl.astype(dtype), sy.astype(dtype), *totals)
        diff = bl.astype(np.float64) - sy.astype(np.float64)
        # float32 products are exact while every partial sum stays below 2**24 in magnitude
        work = np.float32 if np.abs(diff).sum(0).max(initial=0) < _FLOAT32_EXACT else np.float64
        return cls(dtype, diff.astype(work), None, None, *totals)

    def block(self, selection: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The pseudo-systems' summed statistics for a block of trials (sacrebleu's values and dtype)."""
        import numpy as np

        if self.diff is None:
            neg = ~selection
            return selection @ self.bl + neg @ self.sy, neg @ self.bl + selection @ self.sy
        moved = np.rint((selection.astype(self.diff.dtype) @ self.diff).astype(np.float64))
        shuf_a = (self.total_sy + moved).astype(self.dtype)  # baseline rows where selected, system elsewhere
        shuf_b = (self.total_bl - moved).astype(self.dtype)
        return shuf_a, shuf_b


def paired_ar(
    baseline: SystemStats,
    systems: Sequence[SystemStats],
    n_trials: int = DEFAULT_AR_TRIALS,
    seed: int | None = 12345,
) -> list[PairedResult]:
    """Paired approximate randomisation of each system against the baseline (sacrebleu ``--paired-ar``).

    sacrebleu seeds each system's test with ``seed if seed else None`` (OS entropy for 0 or None).
    """
    return paired_ar_many([(baseline, list(systems))], n_trials, seed)[0]


def paired_ar_many(
    groups: Sequence[tuple[SystemStats, Sequence[SystemStats]]], n_trials: int, seed: int | None
) -> list[list[PairedResult]]:
    """`paired_ar` for several (baseline, systems) groups (one per metric) from one pass over the masks."""
    import numpy as np
    from sacrebleu.significance import _compute_p_value

    pairs = [(bl, sy) for bl, systems in groups for sy in systems]
    if not pairs:
        return [[] for _ in groups]
    for bl, systems in groups:
        _check_same_length(bl, systems)
    n = len(pairs[0][0])
    prepared = [_ArPair.prepare(bl, sy) for bl, sy in pairs]
    scores_a = [np.empty(n_trials) for _ in pairs]
    scores_b = [np.empty(n_trials) for _ in pairs]
    row = 0
    for sel in iter_ar_selection(n, n_trials, seed if seed else None):
        for k, ((bl, _), pair) in enumerate(zip(pairs, prepared, strict=True)):
            compute = bl.metric._compute_score_from_stats
            shuf_a, shuf_b = pair.block(sel)
            scores_a[k][row : row + len(sel)] = [compute(r).score for r in shuf_a]
            scores_b[k][row : row + len(sel)] = [compute(r).score for r in shuf_b]
        row += len(sel)
    out: list[list[PairedResult]] = []
    k = 0
    for bl, systems in groups:
        bl_score = bl.corpus_score().score
        results = []
        for sy in systems:
            sys_score = sy.corpus_score().score
            p = _compute_p_value(np.abs(scores_a[k] - scores_b[k]), abs(bl_score - sys_score))
            results.append(PairedResult("ar", sys_score, float(p), n_trials, seed))
            k += 1
        out.append(results)
    return out


def _check_same_length(baseline: SystemStats, systems: Sequence[SystemStats]) -> None:
    for stats in systems:
        if len(stats) != len(baseline):
            raise ValueError(
                f"paired tests need the same segments: baseline has {len(baseline)}, a system {len(stats)}"
            )
