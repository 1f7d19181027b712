"""Score systems against one reference: corpus scores, CIs, paired tests, document and sentence scores.

Why one entry point: the CLI, the HTML report and the benchmarks all need the same results, and all of
them must reuse one extraction of sufficient statistics per system and metric (the slow part: TER on
10k segments takes tens of seconds); everything else is arithmetic on those arrays.

Example:
    >>> result = score_systems(["The cat sat."], {"sys": ["The cat sat."]}, metrics=["bleu"])
    >>> result.get("sys", "bleu").score
    100.00000000000004
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hamta.eval.metrics import DEFAULT_METRICS, MetricOptions, SystemStats, normalise_metric_key
from hamta.eval.significance import (
    DEFAULT_AR_TRIALS,
    DEFAULT_BOOTSTRAP,
    ConfidenceInterval,
    PairedResult,
    sacrebleu_seed,
    seed_label,
)
from hamta.eval.streaming import DEFAULT_CHUNK

if TYPE_CHECKING:
    from hamta.eval.streaming import LineStreams

__all__ = ["MetricResult", "ScoreResult", "score_systems", "score_files", "score_statistics"]

log = logging.getLogger("hamta.eval.scoring")


@dataclass(frozen=True)
class MetricResult:
    """One system's score on one metric, with everything sacrebleu would print and more.

    Attributes:
        system, metric: the system name and hamta's metric key (``bleu``, ``chrf``, ``chrf++``, ``ter``).
        name: the metric as sacrebleu names the score (BLEU, chrF2, chrF2++, TER).
        score: the corpus score (full precision).
        signature: sacrebleu's signature string (with ``bs``/``ar``/``seed`` when resampling was done).
        verbose: sacrebleu's verbose part (BLEU's n-gram precisions, BP, lengths), else "".
        ci: bootstrap mean and 95 % half-width, when computed.
        paired_bs, paired_ar: the paired tests against the baseline (None for the baseline itself).
        doc_scores: score of each document (empty without document information).
        sentence_scores: per-segment scores (sentence-level BLEU uses effective order, as sacrebleu -sl).
    """

    system: str
    metric: str
    name: str
    score: float
    signature: str
    verbose: str = ""
    ci: ConfidenceInterval | None = None
    paired_bs: PairedResult | None = None
    paired_ar: PairedResult | None = None
    doc_scores: Mapping[str, float] = field(default_factory=dict, repr=False)
    sentence_scores: tuple[float, ...] = field(default=(), repr=False)

    def format_line(self, width: int = 1) -> str:
        """sacrebleu's text line: ``BLEU|nrefs:1|...|version:2.6.0 = 34.5 (μ = 34.5 ± 1.2) 66.0/...``."""
        sc = f"{self.score:.{width}f}"
        if self.ci is not None:
            sc += f" (μ = {self.ci.mean:.{width}f} ± {self.ci.halfwidth:.{width}f})"
        line = f"{self.name}|{self.signature} = {sc}"
        return f"{line} {self.verbose}" if self.verbose else line

    def to_dict(self, width: int = 1) -> dict[str, Any]:
        """sacrebleu's JSON object (name, score, signature, its fields) plus hamta's extras."""
        d: dict[str, Any] = {
            "name": self.name,
            "score": float(f"{self.score:.{width}f}"),
            "signature": self.signature,
        }
        if self.ci is not None:
            mean, var = f"{self.ci.mean:.{width}f}", f"{self.ci.halfwidth:.{width}f}"
            d["confidence_mean"] = float(mean)
            d["confidence_var"] = float(var)
            d["confidence"] = f"μ = {mean} ± {var}"
        if self.verbose:
            d["verbose_score"] = self.verbose
        for param in self.signature.split("|"):
            key, _, value = param.partition(":")
            d[key] = value
        d["system"] = self.system
        d["score_full"] = self.score
        for test in (self.paired_bs, self.paired_ar):
            if test is not None:
                d[f"p_value_{test.test}"] = test.p_value
        if self.doc_scores:
            d["documents"] = {doc: round(s, 4) for doc, s in self.doc_scores.items()}
        return d


@dataclass(frozen=True)
class ScoreResult:
    """All results of one `score_systems` call, in system x metric order."""

    systems: tuple[str, ...]
    metrics: tuple[str, ...]
    results: tuple[MetricResult, ...]
    n_segments: int
    documents: tuple[str, ...] = ()
    stats: Mapping[tuple[str, str], SystemStats] = field(default_factory=dict, repr=False, compare=False)

    def get(self, system: str, metric: str) -> MetricResult:
        """The result of `system` on `metric` (hamta key or sacrebleu name)."""
        key = normalise_metric_key(metric)
        for r in self.results:
            if r.system == system and r.metric == key:
                return r
        raise KeyError(f"no result for system {system!r} and metric {metric!r}")

    def subset_score(self, system: str, metric: str, indices: Sequence[int]) -> float:
        """The corpus score of a subset of segments (a length bucket, a document), as sacrebleu gives it."""
        return float(self.stats[system, normalise_metric_key(metric)].subset_score(indices).score)

    def to_list(self, width: int = 1) -> list[dict[str, Any]]:
        return [r.to_dict(width) for r in self.results]


def _verbose(score: Any) -> str:
    return getattr(score, "_verbose", "") or ""


def _as_streams(references: Sequence[str] | Sequence[Sequence[str]]) -> list[list[str]]:
    """One reference stream (a list of strings) or several (sacrebleu's ``[[ref1...], [ref2...]]``)."""
    refs = list(references)
    if not refs:
        raise ValueError("no reference segments to score")
    if isinstance(refs[0], str):
        return [refs]  # type: ignore[list-item]
    streams = [list(r) for r in refs]
    lengths = {len(r) for r in streams}
    if len(lengths) != 1:
        raise ValueError(f"the references have different numbers of segments: {sorted(lengths)}")
    if not streams[0]:
        raise ValueError("no reference segments to score")
    return streams


def _check_metrics(metrics: Sequence[str]) -> list[str]:
    keys = [normalise_metric_key(m) for m in metrics]
    if len(set(keys)) != len(keys):
        raise ValueError(f"a metric is listed twice: {', '.join(metrics)}")
    if not keys:
        raise ValueError("no metrics requested")
    return keys


def _check_tests(paired: Sequence[str] | None, n_systems: int) -> tuple[str, ...]:
    if paired is None:
        return ("bs", "ar") if n_systems > 1 else ()
    tests = tuple(paired)
    bad = [t for t in tests if t not in ("bs", "ar")]
    if bad:
        raise ValueError(f"unknown paired test {bad[0]!r}; choose bs or ar")
    if tests and n_systems < 2:
        raise ValueError("paired tests need at least two systems (the first is the baseline)")
    return tests


def score_systems(
    references: Sequence[str] | Sequence[Sequence[str]],
    systems: Mapping[str, Sequence[str]],
    *,
    metrics: Sequence[str] = DEFAULT_METRICS,
    options: MetricOptions | None = None,
    confidence: bool = False,
    paired: Sequence[str] | None = None,
    n_bootstrap: int = DEFAULT_BOOTSTRAP,
    n_ar: int = DEFAULT_AR_TRIALS,
    seed: int | None | str = "env",
    docs: Sequence[str] | None = None,
    sentence_scores: bool = False,
    progress: bool = False,
    jobs: int = 1,
    chunk_size: int = DEFAULT_CHUNK,
) -> ScoreResult:
    """Score each system against the reference(s) as the `sacrebleu` CLI would, plus doc and sentence scores.

    Args:
        references: one reference per segment, or several reference streams (``[[ref1 ...], [ref2 ...]]``
            as sacrebleu's API; multi-reference scores equal sacrebleu's).
        systems: name -> hypotheses (the first is the baseline of paired tests).
        metrics: hamta metric keys (``bleu``, ``chrf``, ``chrf++``, ``ter``).
        options: tokenizer / case options.
        confidence: bootstrap 95 % CIs (single system: as ``sacrebleu --confidence``; several systems: the
            CIs of ``--paired-bs``).
        paired: tests against the first system: any of ``bs``, ``ar``. None: both when there are several
            systems.
        n_bootstrap, n_ar: resamples / trials (sacrebleu's ``--confidence-n``/``--paired-bs-n``,
            ``--paired-ar-n``).
        seed: resampling seed; ``"env"`` reads ``SACREBLEU_SEED`` (default 12345) like sacrebleu.
        docs: document id per segment, for per-document scores.
        sentence_scores: also compute one score per segment and metric.
        progress: tqdm progress bar on stderr while extracting statistics.
        jobs: worker processes for the statistics (segments are independent; order is kept).
        chunk_size: segments per worker task.
    """
    from hamta.eval.streaming import memory_chunks

    options = options or MetricOptions()
    keys = _check_metrics(metrics)
    streams = _as_streams(references)
    names = list(systems)
    if not names:
        raise ValueError("no systems to score")
    n = len(streams[0])
    for name in names:
        if len(systems[name]) != n:
            raise ValueError(f"system {name!r} has {len(systems[name])} segments, the reference {n}")
    tests = _check_tests(paired, len(names))
    scoring = dict(confidence=confidence, tests=tests, n_bootstrap=n_bootstrap, n_ar=n_ar, seed=seed,
                   sentence_scores=sentence_scores)
    return _extract_and_score(memory_chunks(streams, [systems[s] for s in names], chunk_size), names, keys,
                              options, n_refs=len(streams), jobs=jobs, bar=_progress(n, progress),
                              docs=lambda: docs, scoring=scoring)


def _extract_and_score(
    source, names, keys, options, *, n_refs: int, jobs: int, bar, docs, scoring
) -> ScoreResult:
    """Per-segment statistics of `source` (chunks of text), then sacrebleu's corpus formulas over them.

    `docs` is called after extraction: a file stream knows its document ids only once it has been read.
    """
    from hamta.eval.streaming import extract_statistics

    stats = extract_statistics(source, keys, options, n_systems=len(names), n_refs=n_refs, jobs=jobs,
                               system_names=names, progress=bar)
    bar.close()
    return score_statistics({(names[s], k): st for (s, k), st in stats.items()}, names, keys, docs=docs(),
                            **scoring)


def score_files(
    references: Sequence[str | Path],
    hypotheses: Sequence[str | Path],
    *,
    metrics: Sequence[str] = DEFAULT_METRICS,
    options: MetricOptions | None = None,
    confidence: bool = False,
    paired: Sequence[str] | None = None,
    n_bootstrap: int = DEFAULT_BOOTSTRAP,
    n_ar: int = DEFAULT_AR_TRIALS,
    seed: int | None | str = "env",
    docids: str | Path | None = None,
    sentence_scores: bool = False,
    progress: bool = False,
    jobs: int | None = None,
    chunk_size: int = DEFAULT_CHUNK,
) -> tuple[ScoreResult, LineStreams]:
    """Score line files without holding their text: streamed, per-segment statistics only, in parallel.

    Same numbers as `score_systems` (and sacrebleu) on the same files; memory is the statistics arrays
    (tens of bytes per segment, system and metric) plus a few chunks of text. Returns the result and
    the `LineStreams` (line and empty-line counts, document ids) for the caller's notes.

    Args:
        references: one or more reference line files (several: multi-reference, as ``sacrebleu r1 r2``).
        hypotheses: the systems' line files (display names: the file names); the first is the baseline.
        docids: a line file with each segment's document id.
        jobs: worker processes (None: the available cores).
        Other arguments: as `score_systems`.
    """
    from hamta.eval.inputs import system_names
    from hamta.eval.streaming import LineStreams, available_cores

    options = options or MetricOptions()
    keys = _check_metrics(metrics)
    if not references:
        raise ValueError("no reference files given")
    if not hypotheses:
        raise ValueError("no hypothesis files given")
    names = system_names([str(h) for h in hypotheses])
    tests = _check_tests(paired, len(names))
    streams = LineStreams(
        [str(r) for r in references],
        [str(h) for h in hypotheses],
        str(docids) if docids is not None else None,
        chunk_size,
    )
    scoring = dict(confidence=confidence, tests=tests, n_bootstrap=n_bootstrap, n_ar=n_ar, seed=seed,
                   sentence_scores=sentence_scores)
    jobs = available_cores() if jobs is None else jobs
    result = _extract_and_score(streams, names, keys, options, n_refs=len(references), jobs=jobs,
                                bar=_progress(None, progress), docs=lambda: streams.docs, scoring=scoring)
    return result, streams


def score_statistics(
    stats: Mapping[tuple[str, str], SystemStats],
    names: Sequence[str],
    keys: Sequence[str],
    *,
    confidence: bool = False,
    tests: Sequence[str] = (),
    n_bootstrap: int = DEFAULT_BOOTSTRAP,
    n_ar: int = DEFAULT_AR_TRIALS,
    seed: int | None | str = "env",
    docs: Sequence[str] | None = None,
    sentence_scores: bool = False,
) -> ScoreResult:
    """Corpus scores, CIs, paired tests, document and sentence scores from extracted statistics.

    Everything here is arithmetic on the statistics arrays; one bootstrap draw and one set of AR masks
    serve every system and metric (sacrebleu seeds each test identically, so the numbers are the same).
    """
    from hamta.eval import significance as sig

    seed_value = sacrebleu_seed() if seed == "env" else seed
    if isinstance(seed_value, str):
        raise ValueError(f"seed must be an integer, None or 'env', got {seed!r}")
    n = len(stats[names[0], keys[0]])
    if docs is not None and len(docs) != n:
        raise ValueError(f"{len(docs)} document ids for {n} segments")
    want_ci = confidence or "bs" in tests

    totals: dict[tuple[str, str], Any] = {}
    if want_ci:
        order = [(s, k) for k in keys for s in names]
        drawn = sig.bootstrap_totals([stats[o] for o in order], n_bootstrap, seed_value)
        totals = dict(zip(order, drawn, strict=True))
    ar_of: dict[tuple[str, str], PairedResult] = {}
    if "ar" in tests:
        groups = [(stats[names[0], k], [stats[s, k] for s in names[1:]]) for k in keys]
        for k, results in zip(keys, sig.paired_ar_many(groups, n_ar, seed_value), strict=True):
            ar_of.update({(s, k): r for s, r in zip(names[1:], results, strict=True)})

    doc_order: list[str] = list(dict.fromkeys(docs)) if docs is not None else []
    doc_rows: dict[str, list[int]] = {}
    for i, d in enumerate(docs or []):
        doc_rows.setdefault(d, []).append(i)

    results: list[MetricResult] = []
    for key in keys:
        base = stats[names[0], key]
        ci_of: dict[str, ConfidenceInterval] = {}
        bs_of: dict[str, PairedResult] = {}
        if "bs" in tests:
            bl, others = sig.paired_bootstrap(
                base,
                [stats[s, key] for s in names[1:]],
                n_bootstrap,
                seed_value,
                totals=[totals[s, key] for s in names],
            )
            for s, r in zip(names, [bl, *others], strict=True):
                ci_of[s] = ConfidenceInterval(r.mean, r.ci, r.n_samples, seed_value)  # type: ignore[arg-type]
                if s != names[0]:
                    bs_of[s] = r
        elif confidence and len(names) > 1:  # paired-bs-style CIs without the test
            for s in names:
                _, mean, half = sig.paired_ci_from_totals(stats[s, key], totals[s, key])
                ci_of[s] = ConfidenceInterval(mean, half, n_bootstrap, seed_value)
        elif confidence:
            ci_of[names[0]] = sig.ci_from_totals(base, totals[names[0], key], seed_value)
        sent_metric = _sentence_metric(base.metric, key)
        for name in names:
            st = stats[name, key]
            score = st.corpus_score()
            signature = _signature(
                st,
                tests,
                n_bootstrap if want_ci else None,
                n_ar,
                seed_value,
                single_ci=confidence and len(names) == 1,
            )
            doc_scores = {d: float(st.subset_score(doc_rows[d]).score) for d in doc_order}
            sent = ()
            if sentence_scores:
                compute = sent_metric._compute_score_from_stats
                sent = tuple(float(compute(st.row(i)).score) for i in range(len(st)))
            results.append(
                MetricResult(
                    system=name,
                    metric=key,
                    name=score.name,
                    score=float(score.score),
                    signature=signature,
                    verbose=_verbose(score),
                    ci=ci_of.get(name),
                    paired_bs=bs_of.get(name),
                    paired_ar=ar_of.get((name, key)),
                    doc_scores=doc_scores,
                    sentence_scores=sent,
                )
            )
    order_of = {k: i for i, k in enumerate(keys)}
    results.sort(key=lambda r: (list(names).index(r.system), order_of[r.metric]))
    return ScoreResult(tuple(names), tuple(keys), tuple(results), n, tuple(doc_order), dict(stats))


def _sentence_metric(metric: Any, key: str) -> Any:
    """sacrebleu's sentence-level variant: BLEU with effective order (what ``sacrebleu -sl`` uses)."""
    if key != "bleu":
        return metric
    import copy

    sent = copy.copy(metric)
    sent.effective_order = True
    return sent


def _signature(
    stats: SystemStats,
    tests: Sequence[str],
    n_bs: int | None,
    n_ar: int,
    seed: int | None,
    *,
    single_ci: bool,
) -> str:
    """sacrebleu's signature, updated the way `corpus_score(n_bootstrap)` or `PairedTest` update it."""
    signature = stats.metric.get_signature()
    if single_ci and n_bs:
        signature.update("bs", n_bs)
        signature.update("seed", seed_label(seed))
    elif tests or n_bs:
        signature.update("seed", seed_label(seed))
        if n_bs:
            signature.update("bs", n_bs)
        if "ar" in tests:
            signature.update("ar", n_ar)
    return signature.format()


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int | None, enabled: bool) -> Any:
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc="hamta score: statistics", unit=" segments", unit_scale=True, leave=False)
