"""Scoring translations with sacrebleu's metrics (identical numbers and signatures), CIs, paired tests.

Modules: `metrics` (sacrebleu metric objects and sufficient statistics), `streaming` (statistics from
streamed line files in worker processes, numbers only), `significance` (bootstrap CIs,
paired bootstrap and approximate randomisation, identical to sacrebleu's), `inputs` (line files and
hamta JSONL), `resegment` (segmentation-robust scoring), `scoring` (the one entry point,
`score_systems`) and `report` (the HTML report). Heavy imports (sacrebleu, numpy, matplotlib) happen
inside functions, so importing this package is cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = ["score_systems", "score_files", "load_eval_data", "MetricOptions", "write_report"]

_LAZY = {
    "score_systems": "hamta.eval.scoring",
    "score_files": "hamta.eval.scoring",
    "load_eval_data": "hamta.eval.inputs",
    "MetricOptions": "hamta.eval.metrics",
    "write_report": "hamta.eval.report",
}


def __getattr__(name: str) -> Any:  # lazy re-exports: `import hamta.eval` stays instant
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'hamta.eval' has no attribute {name!r}")
