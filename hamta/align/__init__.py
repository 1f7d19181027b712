"""Sentence alignment: parallel beads (`align_sentences`), pluggable similarity, and the records.

The same-event linker and the coverage report live in this package too (`links`, `coverage`,
`report`); import them from their modules.
"""

from hamta.align.base import Bead, Link, format_bead, parse_bead, parse_beads
from hamta.align.parallel import AlignParams, align_sentences
from hamta.align.similarity import EmbeddingSimilarity, LexicalSimilarity, Similarity, resolve_similarity

__all__ = [
    "Bead",
    "Link",
    "format_bead",
    "parse_bead",
    "parse_beads",
    "AlignParams",
    "align_sentences",
    "Similarity",
    "LexicalSimilarity",
    "EmbeddingSimilarity",
    "resolve_similarity",
]
