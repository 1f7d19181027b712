"""Score translations against a reference with sacrebleu's metrics: identical numbers and signatures.

Every score is printed with sacrebleu's signature. With one system, --confidence adds a bootstrap 95 %
confidence interval (1000 resamples, seed SACREBLEU_SEED or 12345), exactly as `sacrebleu --confidence`.
With several systems, each is compared with the first (the baseline) by paired bootstrap resampling and
paired approximate randomisation (p-values; * marks p < 0.05), with the CIs of `sacrebleu --paired-bs`.

Inputs are line files (one segment per line, as sacrebleu reads them) or hamta translation JSONL (field
`en`, matched to the reference by doc and idx); a document segmented differently from the reference is
re-aligned with hamta's parallel aligner and scored bead by bead (hamta says so).

Examples:
  hamta score -r ref.en sys.en
  hamta score -r ref.en base.en new.en --metrics bleu chrf++ ter --docids ref.docids --report out/
  hamta score -r ref.en sys.en --confidence --format json
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
        metavar="REF",
        help="reference: a line file, or hamta JSONL (text from 'en', else 'text')",
    )
    parser.add_argument(
        "hypotheses",
        nargs="+",
        metavar="HYP",
        help="system outputs: line files or hamta translation JSONL; the first is the baseline",
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
    from hamta.eval.scoring import score_systems

    quiet = getattr(args, "quiet", False)
    if args.confidence_n < 2 or args.paired_ar_n < 1:
        raise ValueError("--confidence-n must be at least 2 and --paired-ar-n at least 1")
    data = load_eval_data(
        args.reference,
        args.hypotheses,
        docids=args.docids,
        source=args.source,
        resegment=not args.no_resegment,
    )
    options = MetricOptions(
        tokenize=args.tokenize, lowercase=args.lowercase, ter_case_sensitive=args.ter_case_sensitive
    )
    tests: list[str] | None = None
    if args.no_paired:
        tests = []
    elif args.paired_bs or args.paired_ar:
        tests = [t for t, on in (("bs", args.paired_bs), ("ar", args.paired_ar)) if on]
        if len(data.systems) < 2:
            raise ValueError("paired tests need at least two hypothesis files (the first is the baseline)")
    want_segments = bool(args.segments or args.report)
    result = score_systems(
        data.references,
        {s.name: s.hypotheses for s in data.systems},
        metrics=args.metrics,
        options=options,
        confidence=args.confidence,
        paired=tests,
        n_bootstrap=args.confidence_n,
        n_ar=args.paired_ar_n,
        docs=data.docs,
        sentence_scores=want_segments,
        progress=not quiet,
    )
    notes = list(data.notes)
    comet = None
    if args.comet:
        from hamta.eval.comet import comet_scores

        comet, message = comet_scores(args.comet, data)
        if message:
            notes.append(message)

    if args.format == "json":
        out = result.to_list(args.width)
        for item in out:
            if data.resegmented:
                item["resegmented"] = list(data.resegmented)
            if comet is not None and item["system"] in comet:
                item["comet"] = comet[item["system"]]
        print(json.dumps(out, indent=1, ensure_ascii=False))
    else:
        print(_text(result, args.width, comet))
    if not quiet:
        for note in notes:
            print(f"hamta: note: {note}", file=sys.stderr)
    if args.segments:
        _write_segments(args.segments, data, result)
    if args.report:
        from hamta.eval.report import write_report

        path = write_report(args.report, data, result, notes=notes)
        if not quiet:
            print(f"hamta: report written to {path}", file=sys.stderr)
    return 0


def _mark(p: float | None) -> str:
    return "" if p is None else ("*" if p < 0.05 else "")


def _text(result, width: int, comet: dict | None) -> str:  # noqa: ANN001 - ScoreResult
    """sacrebleu's lines for one system; a table plus signatures for several."""
    lines: list[str] = []
    if len(result.systems) == 1:
        lines += [r.format_line(width) for r in result.results]
    else:
        header = ["system", *[result.get(result.systems[0], m).name for m in result.metrics]]
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
            rows.append(row)
        widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
        fmt = lambda row: "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()  # noqa: E731
        lines += [fmt(header), fmt(["-" * w for w in widths]), *map(fmt, rows), ""]
        for m in result.metrics:
            r = result.get(result.systems[0], m)
            lines.append(f"{r.name}: {r.signature}")
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
    if comet:
        lines.append("")
        lines += [f"COMET {name} = {value:.4f}" for name, value in comet.items()]
    return "\n".join(lines)


def _write_segments(path: str, data, result) -> None:  # noqa: ANN001
    """One JSON object per segment and system: doc, reference, hypothesis and each metric's score."""
    import json

    from hamta.io import write_text_atomic

    out = []
    for system in data.systems:
        per_metric = {
            result.get(system.name, m).name: result.get(system.name, m).sentence_scores
            for m in result.metrics
        }
        for i, (ref, hyp) in enumerate(zip(data.references, system.hypotheses, strict=True)):
            rec = {"system": system.name, "seg": i, "doc": data.docs[i] if data.docs is not None else None}
            rec.update({"ref": ref, "hyp": hyp})
            rec.update({name: round(scores[i], 4) for name, scores in per_metric.items()})
            out.append(json.dumps(rec, ensure_ascii=False) + "\n")
    write_text_atomic(path, "".join(out))
