"""Optional COMET scores, only from a locally available checkpoint and only when unbabel-comet is installed.

Why optional: COMET needs torch, a multi-gigabyte model and its package; hamta never downloads it. When
anything is missing, scoring goes on with the sacrebleu metrics and the user gets one line saying why.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

__all__ = ["comet_scores"]

log = logging.getLogger("hamta.eval.comet")


def comet_scores(model: str, data: Any, *, batch_size: int = 16) -> tuple[dict[str, float] | None, str]:
    """System-level COMET per system, or (None, one line saying why it was skipped).

    Args:
        model: a local checkpoint file (``.ckpt``) or a directory holding ``checkpoints/model.ckpt``.
        data: `hamta.eval.inputs.EvalData` with sources.
    """
    try:
        import comet  # noqa: F401
    except ImportError:
        return None, "COMET skipped: unbabel-comet is not installed (pip install unbabel-comet)"
    if data.sources is None:
        return None, "COMET skipped: it needs the source sentences (--source FILE)"
    path = Path(model)
    ckpt = path / "checkpoints" / "model.ckpt" if path.is_dir() else path
    if not ckpt.is_file():
        return None, f"COMET skipped: no local checkpoint at {ckpt} (hamta does not download models)"
    from comet import load_from_checkpoint

    scorer = load_from_checkpoint(str(ckpt))
    out: dict[str, float] = {}
    for system in data.systems:
        rows = [
            {"src": s, "mt": h, "ref": r}
            for s, h, r in zip(data.sources, system.hypotheses, data.references, strict=True)
        ]
        pred = scorer.predict(rows, batch_size=batch_size, gpus=0, progress_bar=False)
        out[system.name] = float(pred.system_score)
    return out, ""
