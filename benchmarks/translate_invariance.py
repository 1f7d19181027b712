"""Does a sentence's translation depend on the rest of the job?  (issue 17, item 7)

Translates the same NTREX dev sentences (fa/ar, half each) with hamta's CTranslate2 engine (int8, beam 4)
under each batching mode, ``"padded"`` (the default: sorted batches padded to their widest) and ``"exact"``
(batches of one length bucket, each padded to the bucket's width), two ways: every sentence alone (one
call each) and all together, and counts the sentences whose output differs between the two. The model
is the random-init opus-mt-size Marian of `benchmarks/translate_speed.py` (its default init, so argmax
margins are as narrow as a real model's, unlike the tests' tiny models); outputs end at EOS or after
``--max-new`` tokens.

Usage:
    python benchmarks/translate_invariance.py --sentences 120
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from translate_speed import _ntrex_lines, ensure_model  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sentences", type=int, default=120)
    ap.add_argument("--max-new", type=int, default=32)
    ap.add_argument("--beam", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "hamta-bench"))
    args = ap.parse_args()
    from hamta.translate import Translator

    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    model = ensure_model("marian", workdir)
    data = _ntrex_lines()
    idx = random.Random(0).sample(range(len(data["en"])), args.sentences)
    units = [(data["fa" if j % 2 == 0 else "ar"][i], "fa" if j % 2 == 0 else "ar") for j, i in enumerate(idx)]

    def translator(batching: str) -> Translator:
        return Translator(model, engine="ct2", device="cpu", beam_size=args.beam, cache=False,
                          compute_type="int8", threads=args.threads, max_new_tokens=args.max_new,
                          batching=batching, ct2_cache=workdir / "hamta-ct2")

    n = len(units)
    print(f"marian (random init, opus-mt size), {n} NTREX dev sentences (fa/ar), ct2 int8, beam {args.beam}, "
          f"{args.threads} threads, max {args.max_new} new tokens\n")
    print("| batching | sentences whose output together differs from the sentence translated alone |")
    print("| --- | ---: |")
    for batching in ("padded", "exact"):
        tr = translator(batching)
        alone = [tr.translate_units([u])[0].text for u in units]
        together = [t.text for t in tr.translate_units(units)]
        differ = sum(a != b for a, b in zip(alone, together, strict=True))
        label = "padded (default)" if batching == "padded" else "exact"
        print(f"| {label} | {differ} of {n} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
