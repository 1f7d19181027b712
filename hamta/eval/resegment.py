"""Segmentation-robust scoring: re-align a document whose hypothesis is segmented unlike its reference.

Why: MT systems (and hamta's own splitter) merge or split sentences, or return a document as one
paragraph. Scoring hypothesis line *i* against reference line *i* then compares unrelated sentences.
Instead the hypothesis is split into sentences, aligned to the reference sentences with hamta's parallel
aligner (`hamta.align.parallel.align_sentences`, same-language input), and each aligned bead is scored
as one segment.

Paired tests need every system scored on the *same* segments, so the reference-side groups are the
coarsest partition that respects every system's beads: a cut between reference sentences j-1 and j is
kept only when no system's bead spans it. Each system's hypothesis sentences then go to the group of the
reference sentences they were aligned with; hypothesis sentences aligned to nothing join the previous
group (the first one at the start of the document).

Example:
    >>> groups, texts = resegment_document(
    ...     ["A b c.", "D e f."], [["A b c. D e f."]], [True],
    ...     aligner=lambda src, tgt: [Bead((0, 1), (0, 1))] if len(src) == 2 else [Bead((0,), (0, 1))])
    >>> groups, texts
    ([(0, 1)], [['A b c. D e f.']])
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

from hamta.align.base import Bead

__all__ = ["split_hypothesis", "common_groups", "assign_to_groups", "resegment_document"]

log = logging.getLogger("hamta.eval.resegment")

_FALLBACK_SPLIT = re.compile(r"(?<=[.!?\u061F\u06D4])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9\u0600-\u06FF])")

Aligner = Callable[..., Sequence[Bead]]


def split_hypothesis(text: str) -> list[str]:
    """English sentences of one hypothesis record (hamta's splitter when present, else a punctuation rule)."""
    text = text.strip()
    if not text:
        return []
    try:
        from hamta.text.split import split
    except ImportError:
        split = None
    if split is not None:
        try:
            pieces = [span.text.strip() for span in split(text, "en")]
            return [p for p in pieces if p] or [text]
        except Exception as exc:  # the splitter is another stage: fall back rather than fail scoring
            log.debug("hamta.text.split failed (%s); using the punctuation rule", exc)
    return [p.strip() for p in _FALLBACK_SPLIT.split(text) if p.strip()] or [text]


def _default_aligner() -> Aligner:
    try:
        from hamta.align.parallel import align_sentences
    except ImportError as exc:
        from hamta.errors import HamtaError

        raise HamtaError(
            f"re-aligning differently segmented documents needs hamta.align.parallel ({exc})"
        ) from None
    return align_sentences


def _ref_bead_ids(beads: Sequence[Bead], n_ref: int, n_hyp: int) -> list[int]:
    """Per reference sentence, the id of the bead holding it; checks that the beads are a monotone cover."""
    owner = [-1] * n_ref
    seen_hyp: list[int] = []
    seen_ref: list[int] = []
    for b, bead in enumerate(beads):
        seen_hyp.extend(bead.src)
        seen_ref.extend(bead.tgt)
        for j in bead.tgt:
            if not 0 <= j < n_ref:
                raise ValueError(f"aligner returned reference index {j} outside 0..{n_ref - 1}")
            owner[j] = b
    if seen_hyp != list(range(n_hyp)) or sorted(seen_ref) != seen_ref or len(set(seen_ref)) != len(seen_ref):
        raise ValueError("aligner returned beads that are not a monotone alignment of every sentence")
    next_id = len(beads)
    for j in range(n_ref):  # an uncovered reference sentence is its own (deletion) bead
        if owner[j] < 0:
            owner[j] = next_id
            next_id += 1
    return owner


def common_groups(n_ref: int, ref_bead_ids: Sequence[Sequence[int]]) -> list[tuple[int, ...]]:
    """The coarsest partition of ``range(n_ref)`` into runs that no system's bead crosses."""
    if n_ref == 0:
        return []
    cuts = [j for j in range(1, n_ref) if all(ids[j] != ids[j - 1] for ids in ref_bead_ids)]
    bounds = [0, *cuts, n_ref]
    return [tuple(range(a, b)) for a, b in zip(bounds, bounds[1:], strict=False)]


def assign_to_groups(
    beads: Sequence[Bead], hyp_sents: Sequence[str], groups: Sequence[tuple[int, ...]]
) -> list[str]:
    """The hypothesis text of each reference group: its aligned sentences joined by a space."""
    group_of = {j: g for g, group in enumerate(groups) for j in group}
    parts: list[list[str]] = [[] for _ in groups]
    current = 0
    for bead in beads:
        if bead.tgt:
            current = group_of[bead.tgt[0]]
        for i in bead.src:
            if hyp_sents[i]:
                parts[current].append(hyp_sents[i])
    return [" ".join(p) for p in parts]


def resegment_document(
    ref_sents: Sequence[str],
    system_sents: Sequence[Sequence[str]],
    needs_alignment: Sequence[bool],
    *,
    aligner: Aligner | None = None,
    **aligner_options: Any,
) -> tuple[list[tuple[int, ...]], list[list[str]]]:
    """Shared reference groups for one document and each system's hypothesis text per group.

    Args:
        ref_sents: the document's reference sentences.
        system_sents: per system, its hypothesis sentences (or records) for the document.
        needs_alignment: per system, whether it is segmented differently (else it is taken 1-1).
        aligner: ``aligner(src, tgt, **aligner_options) -> list[Bead]``; default hamta's parallel aligner.

    Returns:
        (groups of reference indices, per system the hypothesis string of each group).
    """
    n_ref = len(ref_sents)
    per_beads: list[list[Bead]] = []
    per_sents: list[list[str]] = []
    for sents, needs in zip(system_sents, needs_alignment, strict=True):
        if not needs:
            if len(sents) != n_ref:
                raise ValueError(f"expected {n_ref} hypothesis sentences, got {len(sents)}")
            per_sents.append(list(sents))
            per_beads.append([Bead((j,), (j,)) for j in range(n_ref)])
            continue
        hyp = [s for text in sents for s in split_hypothesis(text)]
        if not hyp:
            beads: list[Bead] = [Bead((), (j,)) for j in range(n_ref)]
        elif n_ref == 0:
            beads = [Bead((i,), ()) for i in range(len(hyp))]
        else:
            align = aligner or _default_aligner()
            beads = list(align(hyp, list(ref_sents), **aligner_options))
        per_sents.append(hyp)
        per_beads.append(beads)
    ids = [_ref_bead_ids(b, n_ref, len(s)) for b, s in zip(per_beads, per_sents, strict=True)]
    groups = common_groups(n_ref, ids)
    texts = [assign_to_groups(b, s, groups) for b, s in zip(per_beads, per_sents, strict=True)]
    return groups, texts
