"""The streaming path (`score_files`, chunked statistics, worker processes, block-wise resampling) and
several references must give sacrebleu's numbers exactly.

References: the English of ../shared/data/ntrex-dev, plus two more "references" made from it by
deterministic edits (one with empty lines), so multi-reference matching has real choices to make and TER
gets fractional average reference lengths. Every expected value comes from sacrebleu itself (its API or
its CLI as a subprocess), never from hamta.
"""

from __future__ import annotations

import json
import random
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from test_score import NTREX, _drop_words, _sacrebleu_cli, _swap_words, make_systems

from hamta.cli import main
from hamta.errors import InputError
from hamta.eval import significance
from hamta.eval.inputs import load_eval_data, read_lines
from hamta.eval.metrics import SystemStats
from hamta.eval.scoring import score_files, score_systems

sacrebleu = pytest.importorskip("sacrebleu")
from sacrebleu.metrics import BLEU, CHRF, TER  # noqa: E402
from sacrebleu.significance import PairedTest, _bootstrap_resample  # noqa: E402

N_LINES = 120
N_BS = 100
N_AR = 200
METRICS = {
    "bleu": lambda refs=None: BLEU(references=refs),
    "chrf": lambda refs=None: CHRF(references=refs),
    "chrf++": lambda refs=None: CHRF(word_order=2, references=refs),
    "ter": lambda refs=None: TER(references=refs),
}

pytestmark = pytest.mark.skipif(not (NTREX / "dev.en").is_file(), reason=f"{NTREX} is absent")


@pytest.fixture(scope="module")
def multi(tmp_path_factory: pytest.TempPathFactory) -> dict:
    d = tmp_path_factory.mktemp("multi")
    ref1 = read_lines(NTREX / "dev.en")[:N_LINES]
    rng = random.Random(11)
    ref2 = [_swap_words(_drop_words(line, rng, 0.05), rng, 0.1) for line in ref1]
    ref3 = ["" if i % 17 == 3 else _drop_words(line, rng, 0.15) for i, line in enumerate(ref1)]
    refs = [ref1, ref2, ref3]
    systems = make_systems(ref1)
    docids = read_lines(NTREX / "dev.docids")[:N_LINES]
    for name, lines in [("r1.en", ref1), ("r2.en", ref2), ("r3.en", ref3), ("ids", docids), *systems.items()]:
        (d / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"dir": d, "refs": refs, "systems": systems, "docids": docids}


@pytest.mark.parametrize("metric", list(METRICS))
def test_multi_reference_scores_and_signatures_equal_sacrebleu(multi: dict, metric: str) -> None:
    refs, systems = multi["refs"], multi["systems"]
    # small chunks and two workers: the pool path, order restored
    result = score_systems(refs, systems, metrics=[metric], paired=[], jobs=2, chunk_size=25)
    for name, hyps in systems.items():
        theirs = METRICS[metric](refs)
        expected = theirs.corpus_score(hyps, None)
        mine = result.get(name, metric)
        assert mine.score == expected.score
        assert mine.signature == theirs.get_signature().format()
        assert "nrefs:3" in mine.signature
        assert mine.verbose == getattr(expected, "_verbose", "")


def test_statistics_equal_sacrebleu_rows_for_every_chunking(multi: dict) -> None:
    refs, hyps = multi["refs"], multi["systems"]["close.txt"]
    for key in ("bleu", "ter"):
        expected = METRICS[key](refs)._extract_corpus_statistics(hyps, None)
        for jobs, chunk in ((1, 7), (2, 40)):
            res = score_systems(refs, {"s": hyps}, metrics=[key], paired=[], jobs=jobs, chunk_size=chunk)
            assert res.stats["s", key].rows == expected


def test_multi_reference_ci_equals_corpus_score_n_bootstrap(multi: dict) -> None:
    refs, hyps = multi["refs"], multi["systems"]["far.txt"]
    result = score_systems(refs, {"s": hyps}, metrics=list(METRICS), confidence=True, n_bootstrap=N_BS)
    for key, make in METRICS.items():
        metric = make()
        expected = metric.corpus_score(hyps, refs, n_bootstrap=N_BS)
        mine = result.get("s", key)
        assert (mine.ci.mean, mine.ci.halfwidth) == (expected._mean, expected._ci)
        assert mine.format_line(4) == expected.format(4, signature=metric.get_signature().format())


@pytest.mark.parametrize("test", ["bs", "ar"])
def test_multi_reference_paired_tests_equal_sacrebleu(multi: dict, test: str, monkeypatch) -> None:
    # tiny draw blocks: many blocks per test, drawn from one generator as sacrebleu draws them at once
    monkeypatch.setattr(significance, "_DRAW_BUDGET", 3 * N_LINES + 7)
    refs, systems = multi["refs"], multi["systems"]
    n = N_BS if test == "bs" else N_AR
    keys = ["bleu", "chrf", "ter"]
    result = score_systems(refs, systems, metrics=keys, paired=[test], n_bootstrap=N_BS, n_ar=N_AR)
    named = list(systems.items())
    metrics = {key: METRICS[key](refs) for key in keys}
    sigs, scores = PairedTest(named, metrics, None, test_type=test, n_samples=n)()
    for score_name, values in scores.items():
        if score_name == "System":
            continue
        key = next(k for k in keys if result.get(named[0][0], k).name == score_name)
        for (name, _), res in zip(named, values, strict=True):
            mine = result.get(name, key)
            assert mine.score == res.score
            assert mine.signature == sigs[score_name].format()
            if test == "bs":
                assert (mine.ci.mean, mine.ci.halfwidth) == (res.mean, res.ci)
            if res.p_value is not None:
                got = mine.paired_bs if test == "bs" else mine.paired_ar
                assert got.p_value == res.p_value


def test_block_draws_equal_sacrebleu_draws(monkeypatch) -> None:
    monkeypatch.setattr(significance, "_DRAW_BUDGET", 1000)
    n = 333  # 3 resamples per block, 32 mask rows per block
    whole = significance.bootstrap_indices(n, 100, 12345)
    assert np.array_equal(np.concatenate(list(significance.iter_bootstrap_indices(n, 100, 12345))), whole)
    masks = significance.ar_selection(n, 1000, 7)
    assert np.array_equal(np.concatenate(list(significance.iter_ar_selection(n, 1000, 7))), masks)


def test_float32_fallback_in_bootstrap_totals_equals_sacrebleu(multi: dict, monkeypatch) -> None:
    """Resample sums at or above 2**24 take sacrebleu's own float32 sum; force it everywhere."""
    refs, hyps = multi["refs"], multi["systems"]["base.txt"]
    stats = SystemStats.from_rows(CHRF(), CHRF(references=refs)._extract_corpus_statistics(hyps, None))
    monkeypatch.setattr(significance, "_FLOAT32_EXACT", 1)
    monkeypatch.setattr(significance, "_DRAW_BUDGET", 5 * N_LINES)
    mine = significance.bootstrap_totals([stats], 40, 12345)[0]
    _, theirs = _bootstrap_resample(stats.rows, stats.metric, 40)
    assert [stats.metric._compute_score_from_stats(r).score for r in mine] == [s.score for s in theirs]


def test_score_files_equal_sacrebleu_cli_with_three_references(multi: dict) -> None:
    d = multi["dir"]
    theirs = json.loads(
        _sacrebleu_cli(
            d, ["r1.en", "r2.en", "r3.en", "-i", "close.txt", "-m", "bleu", "chrf", "ter", "-w", "6"]
        )
    )
    result, streams = score_files(
        [d / "r1.en", d / "r2.en", d / "r3.en"],
        [d / "close.txt"],
        metrics=["bleu", "chrf", "ter"],
        jobs=2,
        chunk_size=30,
    )
    assert streams.n_lines == N_LINES and streams.n_empty[str(d / "r3.en")] == sum(
        not r for r in multi["refs"][2]
    )
    for t in theirs:
        mine = next(r for r in result.results if r.name == t["name"])
        assert (round(mine.score, 6), mine.signature) == (t["score"], t["signature"])


def test_cli_multi_reference_forms_and_streamed_equal_in_memory(multi: dict, capsys) -> None:
    d = multi["dir"]
    refs = [str(d / f"r{k}.en") for k in (1, 2, 3)]
    hyps = [str(d / "base.txt"), str(d / "far.txt")]
    opts = ["-m", "bleu", "ter", "--confidence-n", "50", "--paired-ar-n", "64", "-w", "6", "--format", "json"]
    outs = []
    for args in (["-r", *refs, "-i", *hyps], ["-r", refs[0], "-r", refs[1], "-r", refs[2], *hyps]):
        assert main(["-q", "score", *args, *opts]) == 0
        outs.append(json.loads(capsys.readouterr().out))
    assert outs[0] == outs[1]
    assert all(item["references"] == refs for item in outs[0])
    expected = score_systems(
        multi["refs"],
        {"base.txt": multi["systems"]["base.txt"], "far.txt": multi["systems"]["far.txt"]},
        metrics=["bleu", "ter"],
        n_bootstrap=50,
        n_ar=64,
        seed=12345,
    ).to_list(6)
    for mine, exp in zip(outs[0], expected, strict=True):
        assert {k: v for k, v in mine.items() if k != "references"} == exp


def test_jsonl_references_matched_by_doc_and_idx(multi: dict, tmp_path: Path) -> None:
    d, refs, docids = multi["dir"], multi["refs"], multi["docids"]
    idx: dict[str, int] = {}
    records = []
    for i, doc in enumerate(docids):
        records.append((doc, idx.setdefault(doc, 0), i))
        idx[doc] += 1
    for k in (1, 2):
        lines = [
            json.dumps({"doc": doc, "idx": j, "en": refs[k][i]}) for doc, j, i in reversed(records)
        ]  # reversed file order: matched by (doc, idx), not by position
        (tmp_path / f"r{k + 1}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = load_eval_data(
        [d / "r1.en", tmp_path / "r2.jsonl", tmp_path / "r3.jsonl"], [d / "far.txt"], docids=d / "ids"
    )
    assert [list(r) for r in data.all_references] == refs
    mine = score_systems(data.all_references, {"far": data.systems[0].hypotheses}, metrics=["chrf"])
    assert mine.get("far", "chrf").score == CHRF().corpus_score(multi["systems"]["far.txt"], refs).score


def test_streamed_length_mismatch_is_one_error_naming_both_files(multi: dict, tmp_path: Path) -> None:
    short = tmp_path / "short.txt"
    short.write_text("\n".join(multi["systems"]["base.txt"][:50]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"short.txt has 50 lines but the reference .*r1.en has {N_LINES}"):
        score_files([multi["dir"] / "r1.en"], [multi["dir"] / "base.txt", short], jobs=1, chunk_size=20)


def test_streamed_document_and_sentence_scores_equal_in_memory(multi: dict, tmp_path: Path, capsys) -> None:
    d = multi["dir"]
    streamed, _ = score_files(
        [d / "r1.en", d / "r2.en"], [d / "close.txt"], docids=d / "ids", sentence_scores=True, chunk_size=16
    )
    memory = score_systems(
        multi["refs"][:2],
        {"close.txt": multi["systems"]["close.txt"]},
        docs=multi["docids"],
        sentence_scores=True,
    )
    assert streamed.results == memory.results
    seg_file = tmp_path / "segs.jsonl"
    argv = ["-q", "score", "-r", str(d / "r1.en"), str(d / "r2.en"), "-i", str(d / "close.txt")]
    assert main([*argv, "-m", "chrf", "--segments", str(seg_file)]) == 0
    capsys.readouterr()
    records = [json.loads(line) for line in seg_file.read_text(encoding="utf-8").splitlines()]
    assert len(records) == N_LINES
    assert records[5]["refs"] == [multi["refs"][0][5], multi["refs"][1][5]]
    expected = CHRF().sentence_score(records[5]["hyp"], records[5]["refs"]).score
    assert records[5]["chrF2"] == round(expected, 4)


def test_statistics_are_compact_int32_arrays(multi: dict) -> None:
    res = score_systems(
        multi["refs"][0], {"s": multi["systems"]["base.txt"]}, metrics=["bleu", "ter"], paired=[]
    )
    assert res.stats["s", "bleu"].array.dtype == np.int32
    assert res.stats["s", "ter"].array.dtype == np.float64  # TER's average reference length is a float


class _StubPrediction:
    def __init__(self, scores: list[float]) -> None:
        self.scores = scores
        self.system_score = sum(scores) / len(scores)


def test_comet_is_one_batched_call_with_scores_in_the_table(multi: dict, tmp_path: Path, monkeypatch, capsys):
    """No COMET weights exist here: a stub `comet` module stands in for unbabel-comet (a stub test only)."""
    calls: list[dict] = []

    class StubModel:
        def predict(self, rows, batch_size, gpus, progress_bar):  # noqa: ANN001
            calls.append({"n": len(rows), "batch_size": batch_size, "gpus": gpus})
            return _StubPrediction([len(r["mt"]) / (1 + len(r["ref"])) for r in rows])

    stub = types.ModuleType("comet")
    stub.load_from_checkpoint = lambda path: StubModel()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "comet", stub)
    ckpt = tmp_path / "model" / "checkpoints" / "model.ckpt"
    ckpt.parent.mkdir(parents=True)
    ckpt.write_bytes(b"stub")
    d = multi["dir"]
    (tmp_path / "src.fa").write_text(
        "\n".join(read_lines(NTREX / "dev.fa")[:N_LINES]) + "\n", encoding="utf-8"
    )
    argv = ["-q", "score", "-r", str(d / "r1.en"), str(d / "base.txt"), str(d / "far.txt"), "--no-paired"]
    argv += ["-m", "bleu", "--source", str(tmp_path / "src.fa"), "--comet", str(tmp_path / "model")]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert calls == [{"n": 2 * N_LINES, "batch_size": 64, "gpus": 0}]  # one call, both systems; no GPU here
    header, _, base_row = out.splitlines()[:3]
    assert header.split()[-1] == "COMET"
    ref = multi["refs"][0]
    expected = sum(len(h) / (1 + len(r)) for h, r in zip(multi["systems"]["base.txt"], ref, strict=True))
    assert base_row.split()[-1] == f"{expected / N_LINES:.4f}"


def test_report_shows_every_reference(multi: dict) -> None:
    from hamta.eval.report import render_report

    d = multi["dir"]
    data = load_eval_data([d / "r1.en", d / "r2.en"], [d / "base.txt", d / "far.txt"])
    result = score_systems(
        data.all_references,
        {s.name: s.hypotheses for s in data.systems},
        metrics=["chrf"],
        paired=[],
        sentence_scores=True,
    )
    html = render_report(data, result)
    assert "references (2)" in html and str(d / "r1.en") in html and str(d / "r2.en") in html
    assert "reference 2</th>" in html


@pytest.mark.parametrize(
    "groups,positional,inputs,expected",
    [
        ([["r.en", "a.en", "b.en"]], [], [], (["r.en"], ["a.en", "b.en"])),
        ([["r1.en"], ["r2.en", "a.en"]], ["b.en"], [], (["r1.en", "r2.en"], ["a.en", "b.en"])),
        ([["r1.en", "r2.en"]], [], ["a.en"], (["r1.en", "r2.en"], ["a.en"])),
    ],
)
def test_reference_and_hypothesis_files_from_the_command_line(groups, positional, inputs, expected) -> None:
    from hamta.commands.score import split_files

    assert split_files(groups, positional, inputs) == expected


def test_no_hypothesis_is_one_clear_error(multi: dict, capsys) -> None:
    assert main(["score", "-r", str(multi["dir"] / "r1.en")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hamta: error: no hypothesis files given") and err.count("\n") == 1
