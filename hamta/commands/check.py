"""Check translations that hamta did not make: wrong language, untranslated, numbers, names, omissions.

Two line-aligned files (`hamta check SRC TRANSLATION --src fa`), or hamta sentence records with `text`,
`en` and `lang` (`hamta check RECORDS.jsonl`; names are looked up per document `doc`). Prints the
flagged lines (`--format text`) or one JSON object per input line/record (`--format jsonl`:
{"idx": i, "flags": [...], "details": [...]}, flags [] when clean), and a one-line summary on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

__all__ = ["add_arguments", "run", "check_inputs"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `hamta check` options."""
    parser.add_argument("inputs", nargs="+", metavar="FILE",
                        help="SRC TRANSLATION (two line-aligned text files) or RECORDS.jsonl")
    parser.add_argument("--src", choices=("fa", "ar"), default=None,
                        help="source language of SRC (required with two files)")
    parser.add_argument("--format", choices=("text", "jsonl"), default="text",
                        help="text: flagged lines only; jsonl: one object per input (default: text)")


def _read_lines(path: str) -> list[str]:
    from hamta.errors import InputError
    from hamta.io import decode_bytes

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    return decode_bytes(data, path).splitlines()


def check_inputs(inputs: list[str], src: str | None) -> list[dict]:
    """One result per input line or record: ``{"idx", "flags", "details"}`` (records also ``doc``)."""
    from hamta.errors import InputError
    from hamta.translate.checks import check_pairs

    if len(inputs) == 2:
        if src is None:
            raise InputError("hamta check: --src fa|ar is required with two files")
        sources, outputs = _read_lines(inputs[0]), _read_lines(inputs[1])
        if len(sources) != len(outputs):
            raise InputError(f"{inputs[1]}: {len(outputs)} lines, but {inputs[0]} has {len(sources)}")
        findings = check_pairs(list(zip(sources, outputs, strict=True)), src)
        return [{"idx": i, "flags": sorted({f.flag for f in fs}), "details": [f.detail for f in fs]}
                for i, fs in enumerate(findings)]
    if len(inputs) != 1:
        raise InputError("hamta check: give SRC TRANSLATION, or one RECORDS.jsonl")
    from hamta.records import read_records

    records = list(read_records(inputs[0]))
    checkable = [k for k, r in enumerate(records)
                 if r.en is not None and not r.boilerplate and (src or r.lang) in ("fa", "ar")]
    pairs = [(records[k].text, records[k].en or "") for k in checkable]
    langs = [src or records[k].lang for k in checkable]
    findings = check_pairs(pairs, langs, docs=[records[k].doc for k in checkable])
    by_record = dict(zip(checkable, findings, strict=True))
    out = []
    for k, r in enumerate(records):
        fs = by_record.get(k, [])
        out.append({"idx": k, "doc": r.doc, "sentence": r.idx, "flags": sorted({f.flag for f in fs}),
                    "details": [f.detail for f in fs], **({} if k in by_record else {"checked": False})})
    return out


def run(args: argparse.Namespace) -> int:
    """Check, print, summarise. Exit 0 (flags are findings, not errors)."""
    results = check_inputs(args.inputs, args.src)
    counts: Counter[str] = Counter(f for r in results for f in r["flags"])
    for r in results:
        if args.format == "jsonl":
            print(json.dumps(r, ensure_ascii=False))
        elif r["flags"]:
            print(f"{r['idx']}\t{','.join(r['flags'])}\t{'; '.join(r['details'])}")
    flagged = sum(1 for r in results if r["flags"])
    summary = ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))
    if not getattr(args, "quiet", False):
        print(f"hamta check: {len(results)} checked, {flagged} flagged{f' ({summary})' if summary else ''}",
              file=sys.stderr)
    return 0
