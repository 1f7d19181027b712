"""A thin, typed layer over sacrebleu's metric classes: names, options, sufficient statistics, signatures.

Why a layer and not a re-implementation: hamta's numbers must be *identical* to sacrebleu's. So every
score here is computed by sacrebleu's own metric objects (`BLEU`, `CHRF`, `TER`); hamta only extracts each
segment's sufficient statistics once and keeps them as arrays, so corpus scores, per-document scores,
bootstrap resamples and paired tests all reuse them instead of re-tokenising the text.

Example:
    >>> from hamta.eval.metrics import MetricOptions, SystemStats
    >>> opts = MetricOptions()
    >>> scorer = opts.build("bleu", references=["The cat sat on the mat."])
    >>> stats = SystemStats.extract(scorer, ["The cat sat on the mat."])
    >>> round(stats.corpus_score().score, 1)
    100.0
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # sacrebleu and numpy are imported lazily: `hamta --help` must stay instant
    import numpy as np
    from sacrebleu.metrics.base import Metric

__all__ = [
    "METRIC_KEYS",
    "DEFAULT_METRICS",
    "TOKENIZERS",
    "MetricOptions",
    "SystemStats",
    "metric_display_name",
    "normalise_metric_key",
    "sacrebleu_cli_args",
]

#: hamta's metric keys, in the order reports list them.
METRIC_KEYS: tuple[str, ...] = ("bleu", "chrf", "chrf++", "ter")
#: what `hamta score` computes when `--metrics` is not given (sacrebleu's three classic metrics).
DEFAULT_METRICS: tuple[str, ...] = ("bleu", "chrf", "ter")
#: BLEU tokenizers sacrebleu knows (kept static so the CLI can offer choices without importing sacrebleu).
TOKENIZERS: tuple[str, ...] = (
    "13a",
    "intl",
    "none",
    "char",
    "zh",
    "ja-mecab",
    "ko-mecab",
    "spm",
    "flores101",
    "flores200",
    "spBLEU-1K",
)

_DISPLAY = {"bleu": "BLEU", "chrf": "chrF2", "chrf++": "chrF2++", "ter": "TER"}
_ALIASES = {"chrfpp": "chrf++", "chrf2": "chrf", "chrf2++": "chrf++", "chrf+": "chrf++"}


def normalise_metric_key(name: str) -> str:
    """Map a user-given metric name (any case; `chrF2++` style too) to hamta's key, or raise ValueError."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in METRIC_KEYS:
        raise ValueError(f"unknown metric {name!r}; choose from {', '.join(METRIC_KEYS)}")
    return key


def metric_display_name(key: str) -> str:
    """The name sacrebleu gives the metric's scores (BLEU, chrF2, chrF2++, TER) for default options."""
    return _DISPLAY[normalise_metric_key(key)]


@dataclass(frozen=True)
class MetricOptions:
    """The options that change scores, shared by every metric (each metric takes the ones it knows).

    Attributes:
        tokenize: BLEU tokenizer (sacrebleu name); None is sacrebleu's default, ``13a``. For Arabic-script
            text note that ``13a`` leaves Arabic/Persian quotes (« ») attached to words and ``intl``
            splits them off, like any Unicode punctuation.
        lowercase: case-insensitive BLEU and chrF (sacrebleu ``-lc`` / ``--chrf-lowercase``).
        ter_case_sensitive: TER is case-insensitive by default, as in sacrebleu and TERCOM.
        smooth_method: BLEU smoothing (``exp`` like mteval; ``floor``, ``add-k``, ``none``).
        force: silence sacrebleu's "looks tokenized" BLEU warning.
    """

    tokenize: str | None = None
    lowercase: bool = False
    ter_case_sensitive: bool = False
    smooth_method: str = "exp"
    force: bool = False

    def __post_init__(self) -> None:
        if self.tokenize is not None and self.tokenize not in TOKENIZERS:
            raise ValueError(f"unknown tokenizer {self.tokenize!r}; choose from {', '.join(TOKENIZERS)}")
        if self.smooth_method not in ("exp", "floor", "add-k", "none"):
            raise ValueError(f"unknown BLEU smoothing {self.smooth_method!r}")

    def build(self, key: str, references: Sequence[str] | None = None, *, sentence: bool = False) -> Metric:
        """A sacrebleu metric object for `key`, with `references` (one stream) cached when given.

        `sentence=True` gives the sentence-level variant sacrebleu's ``--sentence-level`` uses (BLEU with
        effective order); other metrics are the same at both levels.
        """
        from sacrebleu.metrics import BLEU, CHRF, TER

        key = normalise_metric_key(key)
        refs = [list(references)] if references is not None else None
        try:
            if key == "bleu":
                return BLEU(
                    lowercase=self.lowercase,
                    force=self.force,
                    tokenize=self.tokenize,
                    smooth_method=self.smooth_method,
                    effective_order=sentence,
                    references=refs,
                )
            if key in ("chrf", "chrf++"):
                return CHRF(word_order=2 if key == "chrf++" else 0, lowercase=self.lowercase, references=refs)
            return TER(case_sensitive=self.ter_case_sensitive, references=refs)
        except (OSError, ImportError, RuntimeError) as exc:  # e.g. an spm tokenizer that needs a download
            raise ValueError(f"cannot build {key} with tokenizer {self.tokenize!r}: {exc}") from None


def sacrebleu_cli_args(key: str, options: MetricOptions) -> list[str]:
    """The `sacrebleu` command-line arguments that compute the same metric (for docs, tests, benchmarks)."""
    key = normalise_metric_key(key)
    if key == "bleu":
        args = ["-m", "bleu"]
        if options.tokenize:
            args += ["--tokenize", options.tokenize]
        if options.lowercase:
            args.append("-lc")
        if options.smooth_method != "exp":
            args += ["--smooth-method", options.smooth_method]
        return args
    if key in ("chrf", "chrf++"):
        args = ["-m", "chrf"] + (["--chrf-word-order", "2"] if key == "chrf++" else [])
        return args + (["--chrf-lowercase"] if options.lowercase else [])
    return ["-m", "ter"] + (["--ter-case-sensitive"] if options.ter_case_sensitive else [])


@dataclass(frozen=True)
class SystemStats:
    """One system's per-segment sufficient statistics for one metric: a compact numpy array, nothing else.

    Why an array and not sacrebleu's lists of Python numbers: a list row costs ~300 bytes per segment and
    metric, an int32 array row ~60, and resampling wants arrays anyway. Corpus scores stay identical
    because `totals` sums the columns exactly as sacrebleu's ``sum_of_lists`` does (integers exactly,
    float columns left to right) and hands sacrebleu's scoring function the same Python numbers.

    Attributes:
        metric: the sacrebleu metric object (its settings give the signature; it caches no references).
        array: segments x statistics; int32 (or int64) for BLEU/chrF counts, float64 for TER.
        col_types: the Python type of each statistic as sacrebleu returns it (``int`` or ``float``).
    """

    metric: Any
    array: np.ndarray = field(repr=False)
    col_types: tuple[type, ...] = field(repr=False)

    @classmethod
    def from_rows(cls, metric: Metric, rows: Sequence[Sequence[Any]]) -> SystemStats:
        """Pack sacrebleu's per-segment lists into an array (int32 when the counts fit)."""

        if not rows:
            raise ValueError("no segment statistics")
        return cls(metric=metric, array=compact_array(rows), col_types=tuple(type(v) for v in rows[0]))

    @classmethod
    def extract(cls, metric: Metric, hypotheses: Sequence[str]) -> SystemStats:
        """Tokenise and match each hypothesis against the metric's cached references (one pass)."""
        hyps = list(hypotheses)
        if not hyps:
            raise ValueError("no hypotheses to score")
        return cls.from_rows(metric, metric._extract_corpus_statistics(hyps, None))

    def __len__(self) -> int:
        return len(self.array)

    @property
    def dtype(self) -> Any:
        """The dtype sacrebleu's ``np.array(stats)`` gets: int64 for integer statistics, float64 otherwise."""
        import numpy as np

        return np.dtype(np.int64 if all(t is int for t in self.col_types) else np.float64)

    def row(self, i: int) -> list[Any]:
        """Segment `i`'s statistics as sacrebleu returns them (Python numbers)."""
        return [t(v) for t, v in zip(self.col_types, self.array[i].tolist(), strict=True)]

    @property
    def rows(self) -> list[list[Any]]:
        """All rows as sacrebleu's lists (memory-hungry: for tests and small inputs)."""
        return [self.row(i) for i in range(len(self))]

    def totals(self, indices: Sequence[int] | None = None) -> list[Any]:
        """Column sums exactly as sacrebleu's ``sum_of_lists`` (a single row is returned as it is)."""
        import numpy as np

        sel = self.array if indices is None else self.array[np.asarray(indices, dtype=np.int64)]
        if len(sel) == 1:
            return self.row(int(indices[0]) if indices is not None else 0)
        out: list[Any] = []
        for j, kind in enumerate(self.col_types):
            col = sel[:, j]
            if kind is int:  # integers: any order is exact
                out.append(int(col.astype(np.int64).sum()))
            else:  # floats: left to right, as Python's `+=` loop (cumsum is sequential, sum is pairwise)
                out.append(float(np.cumsum(col, dtype=np.float64)[-1]))
        return out

    def corpus_score(self) -> Any:
        """The corpus score, computed by sacrebleu from the statistics (identical to `corpus_score`)."""
        return self.metric._compute_score_from_stats(self.totals())

    def subset_score(self, indices: Sequence[int]) -> Any:
        """The score of a subset of segments (a document), as sacrebleu would give on those lines alone."""
        return self.metric._compute_score_from_stats(self.totals(indices))

    def signature(self) -> str:
        """sacrebleu's full signature string for this metric (e.g. ``nrefs:1|case:mixed|...``)."""
        return self.metric.get_signature().format()


_INT32_MAX = 2**31 - 1


def compact_array(rows: Sequence[Sequence[Any]]) -> np.ndarray:
    """sacrebleu's rows as an array: int32 where the integer counts fit (they always do per segment)."""
    import numpy as np

    array = np.array(rows)
    if np.issubdtype(array.dtype, np.integer) and (array.size == 0 or array.max() <= _INT32_MAX):
        return array.astype(np.int32)
    return array
