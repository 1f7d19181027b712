"""`hamta score` must give sacrebleu's numbers: corpus scores, signatures, CIs and paired tests.

Reference: the English of ../shared/data/ntrex-dev (real news). No MT outputs are shipped, so the
"systems" are that English with deterministic perturbations (dropped words, lowercasing, swapped
words, empty lines). Every expected value comes from sacrebleu itself (its API or its CLI run as a
subprocess) on the same files, never from hamta.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from hamta.cli import main
from hamta.eval.inputs import read_lines
from hamta.eval.metrics import MetricOptions, SystemStats, sacrebleu_cli_args
from hamta.eval.scoring import score_systems

sacrebleu = pytest.importorskip("sacrebleu")
from sacrebleu.metrics import BLEU, CHRF, TER  # noqa: E402
from sacrebleu.significance import PairedTest  # noqa: E402

SHARED = Path(os.environ.get("HAMTA_SHARED", Path(__file__).resolve().parents[2] / "shared"))
NTREX = SHARED / "data" / "ntrex-dev"
N_LINES = 250
N_BS = 200  # sacrebleu lets the CLI set the same number: --confidence-n / --paired-bs-n
N_AR = 500  # --paired-ar-n

pytestmark = pytest.mark.skipif(not (NTREX / "dev.en").is_file(), reason=f"{NTREX} is absent")


def _drop_words(line: str, rng: random.Random, p: float) -> str:
    return " ".join(w for w in line.split() if rng.random() > p)


def _swap_words(line: str, rng: random.Random, p: float) -> str:
    words = line.split()
    for i in range(len(words) - 1):
        if rng.random() < p:
            words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def make_systems(ref: list[str]) -> dict[str, list[str]]:
    """Three deterministic 'systems' made from real English text."""
    r1, r2, r3 = random.Random(1), random.Random(2), random.Random(3)
    base = [_drop_words(line, r1, 0.10) for line in ref]
    close = [_swap_words(_drop_words(line, r2, 0.08), r2, 0.03) for line in ref]
    far = ["" if i % 25 == 7 else _drop_words(line.lower(), r3, 0.2) for i, line in enumerate(ref)]
    return {"base.txt": base, "close.txt": close, "far.txt": far}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict:
    d = tmp_path_factory.mktemp("score")
    ref = read_lines(NTREX / "dev.en")[:N_LINES]
    docids = read_lines(NTREX / "dev.docids")[:N_LINES]
    (d / "ref.en").write_text("\n".join(ref) + "\n", encoding="utf-8")
    (d / "ref.docids").write_text("\n".join(docids) + "\n", encoding="utf-8")
    systems = make_systems(ref)
    for name, lines in systems.items():
        (d / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"dir": d, "ref": ref, "docids": docids, "systems": systems}


# The sacrebleu CLI itself, with one fix: under numpy 2 its paired-test means are numpy float32 scalars
# that its `-f json` writer cannot encode (TypeError). Encoding them as floats changes no value.
_SACREBLEU_CLI = (
    "import json, sys, numpy\n"
    "_default = json.JSONEncoder.default\n"
    "json.JSONEncoder.default = (\n"
    "    lambda self, o: o.item() if isinstance(o, numpy.generic) else _default(self, o))\n"
    "from sacrebleu.sacrebleu import main\n"
    "sys.argv[0] = 'sacrebleu'\n"
    "sys.exit(main())\n"
)


def _sacrebleu_cli(d: Path, args: list[str]) -> str:
    cmd = [sys.executable, "-c", _SACREBLEU_CLI]
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("SACREBLEU_SEED", None)
    proc = subprocess.run([*cmd, *args], cwd=d, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _hamta_json(capsys: pytest.CaptureFixture[str], args: list[str]) -> list[dict]:
    assert main(["-q", "score", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


SACREBLEU_METRICS = {
    "bleu": lambda refs, o: BLEU(tokenize=o.tokenize, lowercase=o.lowercase, references=refs),
    "chrf": lambda refs, o: CHRF(lowercase=o.lowercase, references=refs),
    "chrf++": lambda refs, o: CHRF(word_order=2, lowercase=o.lowercase, references=refs),
    "ter": lambda refs, o: TER(case_sensitive=o.ter_case_sensitive, references=refs),
}


@pytest.mark.parametrize(
    "options", [MetricOptions(), MetricOptions(tokenize="intl", lowercase=True, ter_case_sensitive=True)]
)
@pytest.mark.parametrize("metric", ["bleu", "chrf", "chrf++", "ter"])
def test_corpus_scores_and_signatures_equal_sacrebleu_api(
    corpus: dict, metric: str, options: MetricOptions
) -> None:
    ref, systems = corpus["ref"], corpus["systems"]
    result = score_systems(ref, systems, metrics=[metric], options=options, paired=[])
    for name, hyps in systems.items():
        theirs = SACREBLEU_METRICS[metric]([ref], options)
        expected = theirs.corpus_score(hyps, None)
        mine = result.get(name, metric)
        assert mine.score == expected.score  # identical, not approximately equal
        assert mine.name == expected.name
        assert mine.signature == theirs.get_signature().format()
        assert mine.verbose == expected._verbose


def test_single_system_cli_json_with_confidence_equals_sacrebleu_cli(corpus: dict, capsys) -> None:
    d = corpus["dir"]
    theirs = json.loads(
        _sacrebleu_cli(
            d,
            [
                "ref.en",
                "-i",
                "far.txt",
                "-m",
                "bleu",
                "chrf",
                "ter",
                "--confidence",
                "--confidence-n",
                str(N_BS),
                "-w",
                "4",
                "-f",
                "json",
            ],
        )
    )
    mine = _hamta_json(
        capsys,
        [
            "-r",
            str(d / "ref.en"),
            str(d / "far.txt"),
            "-m",
            "bleu",
            "chrf",
            "ter",
            "--confidence",
            "--confidence-n",
            str(N_BS),
            "-w",
            "4",
        ],
    )
    assert [m["name"] for m in mine] == ["BLEU", "chrF2", "TER"]
    for ours in mine:
        ref_obj = next(t for t in theirs if t["name"] == ours["name"])
        for key, value in ref_obj.items():
            assert ours[key] == value, (ours["name"], key)


@pytest.mark.parametrize(
    "options,metrics",
    [
        (MetricOptions(), ["chrf++"]),
        (MetricOptions(tokenize="intl", lowercase=True), ["bleu", "chrf"]),
        (MetricOptions(tokenize="none"), ["bleu"]),
    ],
)
def test_cli_json_equals_sacrebleu_cli_for_options(corpus: dict, capsys, options, metrics) -> None:
    d = corpus["dir"]
    args = []
    for m in metrics:
        args += sacrebleu_cli_args(m, options)
    # sacrebleu takes one -m list; merge the metric names, keep the options
    names = [a for i, a in enumerate(args) if i and args[i - 1] == "-m"]
    rest = [a for i, a in enumerate(args) if a != "-m" and not (i and args[i - 1] == "-m")]
    theirs = json.loads(
        _sacrebleu_cli(d, ["ref.en", "-i", "close.txt", "-m", *names, *rest, "-w", "6", "-f", "json"])
    )
    theirs = theirs if isinstance(theirs, list) else [theirs]
    hamta_args = ["-r", str(d / "ref.en"), str(d / "close.txt"), "-m", *metrics, "-w", "6"]
    if options.tokenize:
        hamta_args += ["--tokenize", options.tokenize]
    if options.lowercase:
        hamta_args.append("--lowercase")
    mine = _hamta_json(capsys, hamta_args)
    assert len(mine) == len(theirs)
    for ours in mine:
        t = next(x for x in theirs if x["name"] == ours["name"])
        assert (ours["score"], ours["signature"]) == (t["score"], t["signature"])


def _sacrebleu_paired_json(d: Path, test: str, n: int) -> list[dict]:
    """`sacrebleu --paired-bs|--paired-ar` on the three systems with BLEU, chrF and TER, as parsed JSON."""
    args = ["ref.en", "-i", "base.txt", "close.txt", "far.txt", "-m", "bleu", "chrf", "ter"]
    paired = [f"--paired-{test}", f"--paired-{test}-n", str(n)]
    return json.loads(_sacrebleu_cli(d, [*args, *paired, "-f", "json"]))


def test_paired_bootstrap_equals_sacrebleu_cli(corpus: dict) -> None:
    d = corpus["dir"]
    theirs = _sacrebleu_paired_json(d, "bs", N_BS)
    result = score_systems(
        corpus["ref"],
        corpus["systems"],
        metrics=["bleu", "chrf", "ter"],
        paired=["bs"],
        n_bootstrap=N_BS,
        seed=12345,
    )
    names = ["base.txt", "close.txt", "far.txt"]
    for row, name in zip(theirs, names, strict=True):
        for metric in ("bleu", "chrf", "ter"):
            mine = result.get(name, metric)
            t = row[mine.name]
            assert mine.score == t["score"]
            assert (mine.ci.mean, mine.ci.halfwidth) == (t["mean"], t["ci"])
            if name == "base.txt":
                assert mine.paired_bs is None
            else:
                assert mine.paired_bs.p_value == t["p_value"]
    # the close system must not be a trivially significant difference for the test to mean much
    assert result.get("close.txt", "bleu").paired_bs.p_value > 0.01


def test_paired_ar_equals_sacrebleu_cli(corpus: dict) -> None:
    d = corpus["dir"]
    theirs = _sacrebleu_paired_json(d, "ar", N_AR)
    result = score_systems(
        corpus["ref"],
        corpus["systems"],
        metrics=["bleu", "chrf", "ter"],
        paired=["ar"],
        n_ar=N_AR,
        seed=12345,
    )
    for row, name in zip(theirs[1:], ["close.txt", "far.txt"], strict=True):
        for metric in ("bleu", "chrf", "ter"):
            mine = result.get(name, metric)
            assert mine.score == row[mine.name]["score"]
            assert mine.paired_ar.p_value == row[mine.name]["p_value"]


def test_both_tests_and_signatures_equal_sacrebleu_api_with_env_seed(corpus: dict, monkeypatch) -> None:
    monkeypatch.setenv("SACREBLEU_SEED", "777")
    ref, systems = corpus["ref"], corpus["systems"]
    result = score_systems(ref, systems, metrics=["chrf++", "bleu"], n_bootstrap=N_BS, n_ar=N_AR)
    named = list(systems.items())
    for test, n in (("bs", N_BS), ("ar", N_AR)):
        metrics = {"chrF2++": CHRF(word_order=2, references=[ref]), "BLEU": BLEU(references=[ref])}
        sigs, scores = PairedTest(named, metrics, None, test_type=test, n_samples=n)()
        for metric_name, values in scores.items():
            if metric_name == "System":
                continue
            key = "chrf++" if metric_name == "chrF2++" else "bleu"
            assert "seed:777" in sigs[metric_name].format()
            for (name, _), res in zip(named, values, strict=True):
                mine = result.get(name, key)
                assert "seed:777" in mine.signature and f"{test}:{n}" in mine.signature
                if test == "bs":
                    assert (mine.ci.mean, mine.ci.halfwidth) == (res.mean, res.ci)
                if res.p_value is not None:
                    got = mine.paired_bs if test == "bs" else mine.paired_ar
                    assert got.p_value == res.p_value


def test_single_system_ci_equals_corpus_score_n_bootstrap(corpus: dict) -> None:
    ref, hyps = corpus["ref"], corpus["systems"]["close.txt"]
    result = score_systems(
        ref, {"s": hyps}, metrics=list(SACREBLEU_METRICS), confidence=True, n_bootstrap=N_BS
    )
    for key, make in SACREBLEU_METRICS.items():
        metric = make(None, MetricOptions())
        expected = metric.corpus_score(hyps, [ref], n_bootstrap=N_BS)
        mine = result.get("s", key)
        assert (mine.ci.mean, mine.ci.halfwidth) == (expected._mean, expected._ci)
        assert mine.format_line(3) == expected.format(3, signature=metric.get_signature().format())


def test_float32_fallback_matches_fast_path(corpus: dict, monkeypatch) -> None:
    """Sums above 2**24 take sacrebleu's own float32 path; force it and compare with sacrebleu directly."""
    from sacrebleu.significance import _bootstrap_resample

    from hamta.eval import significance

    ref, hyps = corpus["ref"], corpus["systems"]["far.txt"]
    stats = SystemStats.extract(MetricOptions().build("chrf", ref), hyps)
    idx = significance.bootstrap_indices(len(stats), 50, 12345)
    fast = [s.score for s in significance.resample_scores(stats, idx)]
    monkeypatch.setattr(significance, "_FLOAT32_EXACT", 1)
    slow = [s.score for s in significance.resample_scores(stats, idx)]
    _, theirs = _bootstrap_resample(stats.rows, stats.metric, 50)
    assert fast == slow == [s.score for s in theirs]


def test_sentence_and_document_scores_equal_sacrebleu(corpus: dict) -> None:
    ref, docids, hyps = corpus["ref"], corpus["docids"], corpus["systems"]["close.txt"]
    result = score_systems(
        ref, {"s": hyps}, metrics=["bleu", "chrf", "ter"], docs=docids, sentence_scores=True
    )
    for key, make in (("bleu", lambda: BLEU(effective_order=True)), ("chrf", CHRF), ("ter", TER)):
        metric = make()
        sent = result.get("s", key).sentence_scores
        for i in range(0, len(ref), 17):
            assert sent[i] == metric.sentence_score(hyps[i], [ref[i]]).score
    docs = list(dict.fromkeys(docids))
    assert result.documents == tuple(docs)
    for doc in docs[:4]:
        rows = [i for i, d in enumerate(docids) if d == doc]
        expected = BLEU().corpus_score([hyps[i] for i in rows], [[ref[i] for i in rows]]).score
        assert result.get("s", "bleu").doc_scores[doc] == expected


def test_cli_text_prints_signature_with_every_score(corpus: dict, capsys) -> None:
    d = corpus["dir"]
    assert (
        main(
            [
                "-q",
                "score",
                "-r",
                str(d / "ref.en"),
                str(d / "base.txt"),
                str(d / "close.txt"),
                "--paired-ar-n",
                "50",
                "--confidence-n",
                "50",
                "-m",
                "bleu",
                "ter",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Baseline: base.txt" in out and "close.txt" in out
    assert "BLEU: nrefs:1|bs:50|ar:50|seed:12345|case:mixed" in out
    assert "TER: nrefs:1|bs:50|ar:50|seed:12345|case:lc" in out
    assert "p_bs=" in out and "p_ar=" in out


def test_cli_single_system_text_line_equals_sacrebleu_text(corpus: dict, capsys) -> None:
    d = corpus["dir"]
    theirs = _sacrebleu_cli(d, ["ref.en", "-i", "base.txt", "-m", "bleu", "-f", "text"]).strip()
    assert main(["-q", "score", "-r", str(d / "ref.en"), str(d / "base.txt"), "-m", "bleu"]) == 0
    assert capsys.readouterr().out.strip() == theirs


def test_empty_lines_are_counted_and_reported(corpus: dict, capsys) -> None:
    d = corpus["dir"]
    assert main(["score", "-r", str(d / "ref.en"), str(d / "far.txt"), "-m", "bleu", "--format", "json"]) == 0
    err = capsys.readouterr().err
    expected = sum(1 for line in corpus["systems"]["far.txt"] if not line)
    assert expected == 10
    assert f"far.txt: {expected} of {N_LINES} hypothesis segments are empty" in err


def test_segments_file_has_one_record_per_segment_and_system(corpus: dict, tmp_path: Path, capsys) -> None:
    d = corpus["dir"]
    out = tmp_path / "segs.jsonl"
    assert (
        main(
            [
                "-q",
                "score",
                "-r",
                str(d / "ref.en"),
                str(d / "base.txt"),
                str(d / "far.txt"),
                "--no-paired",
                "--docids",
                str(d / "ref.docids"),
                "--segments",
                str(out),
                "-m",
                "chrf",
            ]
        )
        == 0
    )
    capsys.readouterr()
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2 * N_LINES
    first = records[0]
    assert first["doc"] == corpus["docids"][0] and first["ref"] == corpus["ref"][0]
    assert first["chrF2"] == round(CHRF().sentence_score(first["hyp"], [first["ref"]]).score, 4)


def test_paired_tests_need_two_systems(corpus: dict, capsys) -> None:
    d = corpus["dir"]
    assert main(["score", "-r", str(d / "ref.en"), str(d / "base.txt"), "--paired-bs"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hamta: error: paired tests need at least two") and err.count("\n") == 1


def test_comet_without_package_is_one_line(corpus: dict, capsys, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "comet", None)  # make `import comet` fail even if installed
    d = corpus["dir"]
    assert main(["score", "-r", str(d / "ref.en"), str(d / "base.txt"), "-m", "bleu", "--comet", "x"]) == 0
    err = capsys.readouterr().err
    assert "COMET skipped: unbabel-comet is not installed" in err


def test_13a_keeps_persian_quotes_attached_and_intl_splits_them() -> None:
    """The documented tokenizer note: with 13a «word» does not match word; with intl it does."""
    ref = ["وزیر «ارتباطات» گفت، این توافق امضا شد؟"]
    hyp = ["وزیر ارتباطات گفت این توافق امضا شد"]
    r13a = score_systems(ref, {"s": hyp}, metrics=["bleu"]).get("s", "bleu")
    intl_opts = MetricOptions(tokenize="intl")
    intl = score_systems(ref, {"s": hyp}, metrics=["bleu"], options=intl_opts).get("s", "bleu")
    assert "tok:13a" in r13a.signature and "tok:intl" in intl.signature
    assert intl.score > r13a.score
    assert BLEU(tokenize="intl").corpus_score(hyp, [ref]).score == intl.score
