"""Score translations against a reference with sacrebleu's metrics: identical numbers and signatures.

Every score is printed with sacrebleu's signature. With one system, --confidence adds a bootstrap 95 %
confidence interval (1000 resamples, seed SACREBLEU_SEED or 12345), exactly as `sacrebleu --confidence`.
With several systems, each is compared with the first (the baseline) by paired bootstrap resampling and
paired approximate randomisation (p-values; * marks p < 0.05), with the CIs of `sacrebleu --paired-bs`.

Inputs are line files (one segment per line, as sacrebleu reads them) or hamta translation JSONL (field
`en`, matched to the reference by doc and idx); a document segmented differently from the reference is
re-aligned with hamta's parallel aligner and scored bead by bead (hamta says so).

Line files are streamed: hamta keeps only each segment's statistics (numbers), computed by --jobs
processes, so memory stays small at millions of lines. Several references (as `sacrebleu r1 r2 -i hyp`):
give them all after -r and the systems after -i, or repeat -r (each -r then takes one reference).

Examples:
  hamta score -r ref.en sys.en
  hamta score -r ref.en base.en new.en --metrics bleu chrf++ ter --docids ref.docids --report out/
  hamta score -r ref.en sys.en --confidence --format json
  hamta score -r ref1.en ref2.en -i base.en new.en --jobs 4
"""

from __future__ import annotations

import argparse
import sys

from hamta.eval.metrics import DEFAULT_METRICS, METRIC_KEYS, TOKENIZERS

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "-r",
        "--reference",
        required=True,
        action="append",
        nargs="+",
        metavar="REF",
        help="reference: a line file, or hamta JSONL (text from 'en', else 'text'). Several references: "
        "-r R1 R2 -i HYP..., or -r R1 -r R2 HYP...",
    )
    parser.add_argument(
        "hypotheses",
        nargs="*",
        metavar="HYP",
        help="system outputs: line files or hamta translation JSONL; the first is the baseline",
    )
    parser.add_argument(
        "-i",
        "--input",
        nargs="+",
        default=[],
        metavar="HYP",
        help="system outputs (as sacrebleu -i); with -i every file after -r is a reference",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="processes computing the statistics (default: the available cores)",
    )
    parser.add_argument(
        "-m",
        "--metrics",
        nargs="+",
        default=list(DEFAULT_METRICS),
        metavar="METRIC",
        type=str.lower,
        choices=list(METRIC_KEYS),
        help=f"metrics: {' '.join(METRIC_KEYS)} (default: {' '.join(DEFAULT_METRICS)})",
    )
    parser.add_argument(
        "-tok",
        "--tokenize",
        choices=list(TOKENIZERS),
        default=None,
        help="BLEU tokenizer (default 13a; intl splits Arabic/Persian quotes off words)",
    )
    parser.add_argument("-lc", "--lowercase", action="store_true", help="case-insensitive BLEU and chrF")
    parser.add_argument(
        "--ter-case-sensitive",
        action="store_true",
        help="case-sensitive TER (TER ignores case by default, as in sacrebleu)",
    )
    stats = parser.add_argument_group("confidence intervals and paired tests")
    stats.add_argument(
        "-ci",
        "--confidence",
        action="store_true",
        help="bootstrap 95%% confidence intervals (always on with several systems)",
    )
    stats.add_argument(
        "--confidence-n",
        "--paired-bs-n",
        dest="confidence_n",
        type=int,
        default=1000,
        metavar="N",
        help="bootstrap resamples for CIs and the paired bootstrap (default: 1000)",
    )
    stats.add_argument(
        "--paired-bs",
        action="store_true",
        help="paired bootstrap test only (default with several systems: both tests)",
    )
    stats.add_argument(
        "--paired-ar",
        action="store_true",
        help="paired approximate randomisation only (default with several systems: both)",
    )
    stats.add_argument(
        "--paired-ar-n",
        type=int,
        default=10000,
        metavar="N",
        help="approximate randomisation trials (default: 10000)",
    )
    stats.add_argument("--no-paired", action="store_true", help="no paired tests with several systems")
    data = parser.add_argument_group("documents, sentences, report")
    data.add_argument(
        "--docids", metavar="FILE", help="document id of each reference line (per-document scores)"
    )
    data.add_argument("--source", metavar="FILE", help="source sentences, one per reference line (report)")
    data.add_argument("--segments", metavar="FILE.jsonl", help="write per-sentence scores as JSONL")
    data.add_argument("--report", metavar="DIR", help="write DIR/report.html (self-contained)")
    data.add_argument(
        "--no-resegment",
        action="store_true",
        help="treat differently segmented JSONL documents as an error instead of re-aligning",
    )
    data.add_argument(
        "--comet",
        metavar="MODEL_DIR",
        help="also COMET, from a local unbabel-comet checkpoint (needs --source)",
    )
    from hamta.commands.common import add_format_argument

    add_format_argument(parser, ["text", "json"], "text")
    parser.add_argument("-w", "--width", type=int, default=1, help="decimals in printed scores (default: 1)")


def run(args: argparse.Namespace) -> int:
    import json

    from hamta.eval.inputs import load_eval_data
    from hamta.eval.metrics import MetricOptions
    from hamta.eval.scoring import score_files, score_systems
    from hamta.eval.streaming import available_cores

    quiet = getattr(args, "quiet", False)
    if args.confidence_n < 2 or args.paired_ar_n < 1:
        raise ValueError("--confidence-n must be at least 2 and --paired-ar-n at least 1")
    if args.jobs is not None and args.jobs < 1:
        raise ValueError(f"--jobs must be at least 1, got {args.jobs}")
    references, hypotheses = split_files(args.reference, args.hypotheses, args.input)
    options = MetricOptions(
        tokenize=args.tokenize, lowercase=args.lowercase, ter_case_sensitive=args.ter_case_sensitive
    )
    tests: list[str] | None = None
    if args.no_paired:
        tests = []
    elif args.paired_bs or args.paired_ar:
        tests = [t for t, on in (("bs", args.paired_bs), ("ar", args.paired_ar)) if on]
        if len(hypotheses) < 2:
            raise ValueError("paired tests need at least two hypothesis files (the first is the baseline)")
    common = {
        "metrics": args.metrics,
        "options": options,
        "confidence": args.confidence,
        "paired": tests,
        "n_bootstrap": args.confidence_n,
        "n_ar": args.paired_ar_n,
        "progress": not quiet,
    }
    data = None
    if _can_stream(args, [*references, *hypotheses]):
        result, streams = score_files(
            references,
            hypotheses,
            docids=args.docids,
            sentence_scores=bool(args.segments),
            jobs=args.jobs,
            **common,
        )
        notes = _stream_notes(streams, references, hypotheses)
    else:
        data = load_eval_data(
            references,
            hypotheses,
            docids=args.docids,
            source=args.source,
            resegment=not args.no_resegment,
        )
        result = score_systems(
            data.all_references,
            {s.name: s.hypotheses for s in data.systems},
            docs=data.docs,
            sentence_scores=bool(args.segments or args.report),
            jobs=available_cores() if args.jobs is None else args.jobs,
            **common,
        )
        notes = list(data.notes)
    comet = None
    if args.comet and data is not None:
        from hamta.eval.comet import comet_scores

        comet, message = comet_scores(args.comet, data)
        if message:
            notes.append(message)

    if args.format == "json":
        out = result.to_list(args.width)
        for item in out:
            item["references"] = list(references)
            if data is not None and data.resegmented:
                item["resegmented"] = list(data.resegmented)
            if comet is not None and item["system"] in comet:
                item["comet"] = comet[item["system"]]
        print(json.dumps(out, indent=1, ensure_ascii=False))
    else:
        print(_text(result, args.width, comet, references))
    if not quiet:
        for note in notes:
            print(f"hamta: note: {note}", file=sys.stderr)
    if args.segments:
        if data is not None:
            _write_segments(args.segments, data.all_references, data.systems, data.docs, result)
        else:
            _write_streamed_segments(args.segments, references, hypotheses, args.docids, result)
    if data is not None and args.report:
        from hamta.eval.report import write_report

        path = write_report(args.report, data, result, notes=notes)
        if not quiet:
            print(f"hamta: report written to {path}", file=sys.stderr)
    return 0


def split_files(
    reference_groups: list[list[str]], positional: list[str], inputs: list[str]
) -> tuple[list[str], list[str]]:
    """References and hypotheses from ``-r`` groups, positionals and ``-i``.

    With ``-i`` every file after ``-r`` is a reference (sacrebleu's ``r1 r2 -i hyp``). Without it each
    ``-r`` takes one file and the files after it are hypotheses (``hamta score -r ref.en sys.en``).
    """
    if inputs:
        return [f for group in reference_groups for f in group], [*positional, *inputs]
    references = [group[0] for group in reference_groups]
    hypotheses = [f for group in reference_groups for f in group[1:]] + positional
    if not hypotheses:
        raise ValueError("no hypothesis files given (several references: -r R1 R2 -i HYP ...)")
    return references, hypotheses


def _can_stream(args: argparse.Namespace, paths: list[str]) -> bool:
    """Line files only, and nothing that needs the text itself (report, COMET, re-segmentation)."""
    from hamta.eval.inputs import is_jsonl

    if args.report or args.comet:
        return False
    return not any(is_jsonl(p) for p in paths)


def _stream_notes(streams, references: list[str], hypotheses: list[str]) -> list[str]:  # noqa: ANN001
    """The notes `load_eval_data` gives, from the counts the streamed reading kept."""
    from pathlib import Path

    from hamta.eval.inputs import system_names

    notes = []
    for name, path in zip(system_names(hypotheses), hypotheses, strict=True):
        if streams.n_empty.get(path):
            notes.append(
                f"{name}: {streams.n_empty[path]} of {streams.n_lines} hypothesis segments are empty"
            )
    for path in references:
        if streams.n_empty.get(path):
            n_empty = streams.n_empty[path]
            notes.append(f"reference {Path(path).name}: {n_empty} of {streams.n_lines} segments are empty")
    return notes


def _mark(p: float | None) -> str:
    return "" if p is None else ("*" if p < 0.05 else "")


def _text(result, width: int, comet: dict | None, references: list[str]) -> str:  # noqa: ANN001
    """sacrebleu's lines for one system; a table plus signatures for several (COMET as one more column)."""
    lines: list[str] = []
    if len(result.systems) == 1:
        lines += [r.format_line(width) for r in result.results]
        if comet:
            lines += [f"COMET = {value:.4f}" for value in comet.values()]
        if len(references) > 1:
            lines.append(f"references ({len(references)}): {', '.join(references)}")
    else:
        header = ["system", *[result.get(result.systems[0], m).name for m in result.metrics]]
        header += ["COMET"] if comet else []
        rows = []
        for k, name in enumerate(result.systems):
            row = [f"Baseline: {name}" if k == 0 else name]
            for m in result.metrics:
                r = result.get(name, m)
                cell = f"{r.score:.{width}f}"
                if r.ci is not None:
                    cell += f" (μ = {r.ci.mean:.{width}f} ± {r.ci.halfwidth:.{width}f})"
                for test in (r.paired_bs, r.paired_ar):
                    if test is not None:
                        cell += f" p_{test.test}={test.p_value:.4f}{_mark(test.p_value)}"
                row.append(cell)
            if comet:
                row.append(f"{comet[name]:.4f}" if name in comet else "-")
            rows.append(row)
        widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
        fmt = lambda row: "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()  # noqa: E731
        lines += [fmt(header), fmt(["-" * w for w in widths]), *map(fmt, rows), ""]
        for m in result.metrics:
            r = result.get(result.systems[0], m)
            lines.append(f"{r.name}: {r.signature}")
        lines.append(f"reference{'s' if len(references) > 1 else ''}: {', '.join(references)}")
        lines.append(
            "p_bs: paired bootstrap, p_ar: paired approximate randomisation against the baseline; * p < 0.05"
        )
    if result.documents:
        lines += ["", "per document:"]
        names = [result.get(result.systems[0], m).name for m in result.metrics]
        head = ["doc"] + [f"{s}:{n}" if len(result.systems) > 1 else n for s in result.systems for n in names]
        body = [
            [doc]
            + [
                f"{result.get(s, m).doc_scores[doc]:.{width}f}"
                for s in result.systems
                for m in result.metrics
            ]
            for doc in result.documents
        ]
        widths = [max(len(x) for x in col) for col in zip(head, *body, strict=True)]
        for row in [head, *body]:
            lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _segment_record(result, name: str, i: int, doc: str | None, refs: list[str], hyp: str) -> str:  # noqa: ANN001
    """One segment of one system as a JSON line: doc, reference(s), hypothesis, each metric's score."""
    import json

    rec: dict = {"system": name, "seg": i}
    rec["doc"] = doc  # null without document ids: every segment record has every field
    rec["ref"] = refs[0]
    if len(refs) > 1:
        rec["refs"] = refs
    rec["hyp"] = hyp
    for m in result.metrics:
        r = result.get(name, m)
        rec[r.name] = round(r.sentence_scores[i], 4)
    return json.dumps(rec, ensure_ascii=False) + "\n"


def _write_segments(path: str, references, systems, docs, result) -> None:  # noqa: ANN001
    """One JSON object per segment and system (in memory: JSONL inputs, re-aligned documents)."""
    from hamta.io import write_text_atomic

    out = []
    for system in systems:
        for i, hyp in enumerate(system.hypotheses):
            doc = docs[i] if docs is not None else None
            out.append(_segment_record(result, system.name, i, doc, [r[i] for r in references], hyp))
    write_text_atomic(path, "".join(out))


def _write_streamed_segments(path: str, references: list[str], hypotheses: list[str], docids, result) -> None:  # noqa: ANN001
    """The segments file from a second pass over the line files (the text was never held in memory)."""
    import os

    from hamta.eval.inputs import system_names
    from hamta.eval.streaming import read_line_file

    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as out:
        for name, hyp_path in zip(system_names(hypotheses), hypotheses, strict=True):
            readers = [read_line_file(r) for r in references]
            docs = read_line_file(docids) if docids is not None else None
            for i, hyp in enumerate(read_line_file(hyp_path)):
                refs = [next(r) for r in readers]
                doc = next(docs) if docs is not None else None
                out.write(_segment_record(result, name, i, doc, refs, hyp))
    os.replace(tmp, path)
