"""Alignment records: a `Bead` of a parallel alignment and a `Link` between sentences of two documents.

Why frozen dataclasses: the aligner, the linker, the coverage report and the metrics pass these between
stages; immutable records with one text form (Vecalign's bead format, JSONL) keep them interchangeable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Bead", "Link", "format_bead", "parse_bead", "parse_beads", "beads_to_jsonl"]


@dataclass(frozen=True)
class Bead:
    """One bead of a monotonic alignment: consecutive source sentences matched to consecutive targets.

    Attributes:
        src: 0-based source sentence indices (empty for a target sentence with no counterpart).
        tgt: 0-based target sentence indices (empty for a source sentence with no counterpart).
        score: the aligner's confidence in this bead (similarity in [0, 1] for matched beads, 0 for
            insertions/deletions); 0 when read from a file that has no scores.

    Example:
        >>> str(Bead((8, 9), (10, 11, 12), 0.7))
        '[8, 9]:[10, 11, 12]'
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float = 0.0

    def __str__(self) -> str:
        return format_bead(self)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"src": [...], "tgt": [...], "score": ...}``."""
        return {"src": list(self.src), "tgt": list(self.tgt), "score": round(float(self.score), 6)}


@dataclass(frozen=True)
class Link:
    """A (possibly non-monotonic) link between sentence `idx_a` of `doc_a` and `idx_b` of `doc_b`.

    `evidence` names what supports the link (shared entities, numbers, dates), as sorted strings.
    """

    doc_a: str
    idx_a: int
    doc_b: str
    idx_b: int
    score: float
    evidence: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form with the documented field order."""
        return {
            "doc_a": self.doc_a,
            "idx_a": self.idx_a,
            "doc_b": self.doc_b,
            "idx_b": self.idx_b,
            "score": round(float(self.score), 6),
            "evidence": list(self.evidence),
        }


def format_bead(bead: Bead) -> str:
    """Vecalign's bead format: ``[i, j]:[k]``, 0-based; ``[]:[k]`` / ``[i]:[]`` for unaligned sentences."""
    return f"[{', '.join(map(str, bead.src))}]:[{', '.join(map(str, bead.tgt))}]"


_BEAD_RE = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*$")


def _ids(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(",") if x.strip())


def parse_bead(line: str, *, where: str = "bead") -> Bead:
    """Parse one line of the bead format (``[1, 2]:[3]``); a malformed line raises a one-line ValueError."""
    match = _BEAD_RE.match(line)
    if not match:
        raise ValueError(f"{where}: not a bead of the form '[i, j]:[k]': {line.strip()[:60]!r}")
    try:
        return Bead(_ids(match.group(1)), _ids(match.group(2)))
    except ValueError:
        raise ValueError(f"{where}: bad sentence index in {line.strip()[:60]!r}") from None


def parse_beads(lines: Iterable[str], *, name: str = "beads") -> list[Bead]:
    """Parse bead lines (blank lines skipped); errors name `name` and the line number."""
    return [
        parse_bead(line, where=f"{name}:{lineno}") for lineno, line in enumerate(lines, 1) if line.strip()
    ]


def beads_to_jsonl(beads: Iterable[Bead]) -> str:
    """Beads as JSONL text, one object per line, with scores."""
    return "".join(json.dumps(b.to_dict(), allow_nan=False) + "\n" for b in beads)  # never NaN in JSON
