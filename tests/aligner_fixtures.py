"""Shared English sentences of the aligner tests (imported by test_align_parallel and test_align_costs)."""

# Distinct topics, so that a lexical similarity can tell the sentences apart.
SENTS = [
    "The glacier expedition reached the northern col in 1953 after nine camps.",
    "Photographs of the summit were printed by the Zurich foundation.",
    "Local farmers complained about the porters crossing their barley fields.",
    "A storm destroyed the radio equipment and two tents at camp four.",
    "The doctor measured oxygen levels of every climber above 7000 metres.",
    "Maps of the Khumbu valley were corrected with new survey data.",
    "Monsoon rains arrived early, flooding the approach march in May.",
    "The yeti hunters found only bear tracks near the monastery.",
]


def bead_ids(beads):
    """(src, tgt) index tuples of each bead, for comparing with expected alignments."""
    return [(b.src, b.tgt) for b in beads]
