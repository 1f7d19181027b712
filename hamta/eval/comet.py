"""Optional COMET scores, only from a locally available checkpoint and only when unbabel-comet is installed.

Why optional: COMET needs torch, a multi-gigabyte model and its package; hamta never downloads it. When
anything is missing, scoring goes on with the sacrebleu metrics and the user gets one line saying why.
Why one call: the model is loaded once and every system's segments go through one batched ``predict``
(COMET sorts them by length into batches), on the GPU when torch sees one. A system's score is the mean
of its segment scores, which is how COMET computes ``system_score``. COMET takes one reference per
segment: with several references hamta uses the first and says so.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

__all__ = ["COMET_BATCH", "comet_scores"]

log = logging.getLogger("hamta.eval.comet")

#: segments per COMET forward pass (unbabel-comet's own default is 16; larger batches fill a GPU)
COMET_BATCH = 64


def _gpus_available() -> int:
    """1 when torch sees a CUDA device (COMET then runs there), else 0."""
    try:
        import torch
    except ImportError:
        return 0
    return 1 if torch.cuda.is_available() else 0


def comet_scores(
    model: str, data: Any, *, batch_size: int = COMET_BATCH, gpus: int | None = None
) -> tuple[dict[str, float] | None, str]:
    """System-level COMET per system, or (None, one line saying why it was skipped).

    Args:
        model: a local checkpoint file (``.ckpt``) or a directory holding ``checkpoints/model.ckpt``.
        data: `hamta.eval.inputs.EvalData` with sources.
        batch_size: segments per forward pass.
        gpus: devices for COMET; None: 1 when a CUDA GPU is visible, else 0 (CPU).
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
    rows = [
        {"src": s, "mt": h, "ref": r}
        for system in data.systems
        for s, h, r in zip(data.sources, system.hypotheses, data.references, strict=True)
    ]
    devices = _gpus_available() if gpus is None else gpus
    log.info("COMET on %d segments, batch %d, %s", len(rows), batch_size, "GPU" if devices else "CPU")
    pred = scorer.predict(rows, batch_size=batch_size, gpus=devices, progress_bar=False)
    scores = list(pred.scores)
    out: dict[str, float] = {}
    n = len(data.references)
    for k, system in enumerate(data.systems):
        part = scores[k * n : (k + 1) * n]
        out[system.name] = float(sum(part) / len(part))
    message = ""
    if len(getattr(data, "extra_references", ())) > 0:
        message = "COMET used the first reference only (it takes one reference per segment)"
    return out, message
