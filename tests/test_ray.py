"""Tests for hamta.translate.distributed: `hamta translate --ray` on a local Ray instance with 2 CPUs.

One Ray instance for the whole module (starting Ray costs ~10 s on 2 cores); every job reuses it. Models are
the tiny random checkpoints of conftest.py, so translations are gibberish: tests compare the Ray run with
the single-process run (byte for byte) and inspect the driver's SQLite cache, never expected English.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

import pytest

from hamta.cli import main
from hamta.errors import HamtaError, MissingExtraError
from hamta.records import Sentence
from hamta.testing.tiny_model import sample_sentences
from hamta.translate import Translator
from hamta.translate.distributed import RayOptions, _TranslateWorker, prefill_cache, translate_records_on_ray

FA = sample_sentences("fa")
AR = sample_sentences("ar")
#: short sentences (fast on the tiny models), distinct lengths, one repeated to exercise dedupe
FA_WORDS = (3, 9, 5, 12, 1, 7, 4, 10, 6, 2, 8, 11)
SHORT_FA = [" ".join(s.split()[:n]) + "." for s, n in zip(FA, FA_WORDS, strict=False)]
SHORT_AR = [" ".join(s.split()[:n]) + "." for s, n in zip(AR, (4, 8, 2, 11, 6, 3, 9, 5), strict=False)]
#: settings shared by every run here: greedy float32 and short outputs (fast)
#: exact batching: these tests compare Ray's outputs with single-process ones, byte for byte
SETTINGS = dict(engine="hf", device="cpu", beam_size=1, max_new_tokens=8, batching="exact")
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:.*deprecated:DeprecationWarning")]
CLI_SETTINGS = ["--engine", "hf", "--device", "cpu", "--beam", "1", "--max-new-tokens", "8",
                "--batching", "exact"]


@pytest.fixture(scope="module")
def ray_session():
    """One local Ray instance (2 CPUs, no dashboard) for every test of this module."""
    ray = pytest.importorskip("ray", reason="ray is not installed (pip install 'hamta[ray]')")
    pytest.importorskip("ray.data", reason="ray[data] is not installed (pip install 'hamta[ray]')")
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    yield ray
    ray.shutdown()


def _records(doc: str = "d") -> list[Sentence]:
    """fa and ar paragraphs, a repeated sentence, an English line and a boilerplate line."""
    texts = [(s, "fa", 0) for s in SHORT_FA] + [(SHORT_FA[1], "fa", 1)] + [(s, "ar", 1) for s in SHORT_AR]
    texts += [("Reporting by the news desk.", "en", 2), ("کد خبر: ۱۲۳۴", "fa", 2)]
    out, pos = [], 0
    for idx, (text, lang, para) in enumerate(texts):
        out.append(Sentence(doc=doc, idx=idx, text=text, start=pos, end=pos + len(text), lang=lang, para=para,
                            boilerplate=text.startswith("کد خبر")))
        pos += len(text) + 1
    return out


def _cache_rows(path: Path) -> dict[tuple[str, str], float]:
    """(language code, normalized source) -> the time the row was written, straight from the SQLite file."""
    with sqlite3.connect(path) as db:
        return {(src, source): created for src, source, created in db.execute(
            "SELECT src, source, created FROM translations")}


# ----------------------------------------------------------------------------- no ray needed
def test_missing_ray_says_how_to_install(monkeypatch, tiny_nllb, tmp_path):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError
    tr = Translator(tiny_nllb, cache=tmp_path / "c.sqlite", **SETTINGS)
    with pytest.raises(MissingExtraError, match=r"pip install 'hamta\[ray\]'"):
        prefill_cache(tr, _records())


def test_cli_missing_ray_is_one_line(monkeypatch, tiny_nllb, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)
    (tmp_path / "a.txt").write_text(SHORT_FA[0] + "\n", encoding="utf-8")
    code = main(["translate", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"), "--model", str(tiny_nllb),
                 "--cache", str(tmp_path / "c.sqlite"), "--ray", *CLI_SETTINGS])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1] == "hamta: error: this needs the optional package 'ray': pip install 'hamta[ray]'"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kwargs, match", [
    ({"actors": 0}, "actors must be a positive integer"),
    ({"gpus_per_actor": -1}, "GPUs per actor must be >= 0"),
    ({"block_sentences": 0}, "block_sentences must be a positive integer"),
    ({"retries": -1}, "retries must be >= 0"),
])
def test_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RayOptions(**kwargs)


def test_ray_needs_the_cache(tiny_nllb):
    pytest.importorskip("ray", reason="ray is not installed")
    tr = Translator(tiny_nllb, cache=False, **SETTINGS)
    with pytest.raises(HamtaError, match="--ray needs the translation cache"):
        prefill_cache(tr, _records())


# ----------------------------------------------------------------------------- local Ray, 2 CPUs
def test_cli_ray_outputs_identical_to_single_process(ray_session, tiny_nllb, tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    (src / "fa1.txt").write_text(f"{' '.join(SHORT_FA[:6])}\n\n{' '.join(SHORT_FA[6:])}\n", encoding="utf-8")
    (src / "ar1.txt").write_text(" ".join(SHORT_AR) + "\n\n" + SHORT_FA[1] + "\n", encoding="utf-8")
    common = ["translate", str(src), "--model", str(tiny_nllb), *CLI_SETTINGS]
    assert main([*common, "-o", str(tmp_path / "single"), "--cache", str(tmp_path / "single.sqlite")]) == 0
    capsys.readouterr()
    assert main([*common, "-o", str(tmp_path / "ray"), "--cache", str(tmp_path / "ray.sqlite"),
                 "--ray", "--ray-actors", "2"]) == 0
    summary = capsys.readouterr().err.strip().splitlines()[-1]
    single = sorted(p.relative_to(tmp_path / "single") for p in (tmp_path / "single").rglob("*"))
    assert [p.name for p in single] == ["ar1.en.txt", "ar1.jsonl", "fa1.en.txt", "fa1.jsonl"]
    for rel in single:
        assert (tmp_path / "ray" / rel).read_bytes() == (tmp_path / "single" / rel).read_bytes(), rel
    assert " 0 from cache" in summary and " 0 translated" not in summary  # the Ray work counts as translated
    assert _cache_rows(tmp_path / "ray.sqlite").keys() == _cache_rows(tmp_path / "single.sqlite").keys()


def test_cached_sentences_are_not_sent_to_workers(ray_session, tiny_nllb, tmp_path):
    cache = tmp_path / "c.sqlite"
    records = _records()
    half = [r for r in records if r.lang == "fa"][:5]
    Translator(tiny_nllb, cache=cache, **SETTINGS).translate_records(half)
    before = _cache_rows(cache)
    assert len(before) == 5
    time.sleep(0.01)  # rows written from now on get a later timestamp

    tr = Translator(tiny_nllb, cache=cache, **SETTINGS)
    report = prefill_cache(tr, records, options=RayOptions(actors=1, block_sentences=4))
    after = _cache_rows(cache)
    assert report.cached == 5 and report.sent == report.unique - 5 == report.translated
    assert {k: after[k] for k in before} == before  # nothing cached was translated or written again
    assert len(after) == report.unique
    out = tr.translate_records(records)
    pre = sum(r.text in {h.text for h in half} for r in records)  # 6: one of them occurs twice
    assert (tr.stats.from_cache, tr.stats.translated) == (pre, report.sentences - pre)
    assert tr._engine is None or not tr._engine._loaded
    assert out == Translator(tiny_nllb, cache=False, **SETTINGS).translate_records(records)

    again = prefill_cache(Translator(tiny_nllb, cache=cache, **SETTINGS), records)
    assert (again.sent, again.actors) == (0, 0)  # a finished job sends nothing (and starts no actor)


def test_worker_failing_for_good_stops_keeps_work_and_rerun_resumes(ray_session, tiny_nllb, tmp_path):
    poison = SHORT_FA[4]  # the shortest sentence: it sorts into the last block

    class PoisonWorker(_TranslateWorker):
        def __call__(self, batch):
            if poison in {str(t) for t in batch["text"]}:
                time.sleep(1.5)  # let the driver write the blocks already returned
                raise RuntimeError("cannot translate this block")
            return super().__call__(batch)

    cache = tmp_path / "c.sqlite"
    records = _records()
    options = RayOptions(actors=1, block_sentences=3, retries=1)
    tr = Translator(tiny_nllb, cache=cache, **SETTINGS)
    with pytest.raises(HamtaError, match=r"Ray worker failed for good after 1 retries \(RuntimeError: cannot "
                                         r"translate this block\); \d+ of \d+ sentences are done .* re-run"):
        prefill_cache(tr, records, options=options, _worker=PoisonWorker)
    done = _cache_rows(cache)
    assert done  # the blocks returned before the failure are kept
    time.sleep(0.01)

    resumed = Translator(tiny_nllb, cache=cache, **SETTINGS)
    report = prefill_cache(resumed, records, options=options)
    after = _cache_rows(cache)
    assert 0 < len(done) < report.unique
    assert report.cached == len(done) and report.sent == report.unique - len(done)
    assert {k: after[k] for k in done} == done  # no finished sentence translated twice
    single = Translator(tiny_nllb, cache=False, **SETTINGS).translate_records(records)
    assert resumed.translate_records(records) == single


def test_transient_worker_error_is_retried_by_ray(ray_session, tiny_m2m100, tmp_path):
    class FlakyWorker(_TranslateWorker):
        failed = False

        def __call__(self, batch):
            if not self.failed:  # the first block on each actor fails once, like a transient CUDA OOM
                self.failed = True
                raise RuntimeError("transient")
            return super().__call__(batch)

    records = _records()
    tr = Translator(tiny_m2m100, cache=tmp_path / "c.sqlite", **SETTINGS)
    report = prefill_cache(tr, records, options=RayOptions(actors=1, block_sentences=8, retries=2),
                           _worker=FlakyWorker)
    assert report.translated == report.sent == report.unique
    single = Translator(tiny_m2m100, cache=False, **SETTINGS).translate_records(records)
    out = tr.translate_records(records)
    assert out == single
    assert sum(r.en is not None for r in out) == len(records) - 1  # all but the boilerplate line


def test_translate_records_on_ray_is_prefill_then_the_normal_pass(ray_session, tiny_nllb, tmp_path):
    records = _records()
    cache = tmp_path / "c.sqlite"
    Translator(tiny_nllb, cache=cache, **SETTINGS).translate_records(records)  # everything cached already
    tr = Translator(tiny_nllb, cache=cache, **SETTINGS)
    out = translate_records_on_ray(tr, records, options=RayOptions(actors=1))
    assert out == Translator(tiny_nllb, cache=False, **SETTINGS).translate_records(records)
    assert tr.stats.translated == 0 and tr.stats.from_cache == tr.stats.sentences


def test_worker_with_other_settings_refuses_to_translate(ray_session, tiny_nllb, tmp_path):
    class OtherModelWorker(_TranslateWorker):  # as if a node held another copy of the model
        def __init__(self, settings, signature, threads=None):
            super().__init__(settings, signature.replace("|beam:1|", "|beam:9|"), threads)

    cache = tmp_path / "c.sqlite"
    tr = Translator(tiny_nllb, cache=cache, **SETTINGS)
    expected = r"^Ray worker: a Ray worker would translate with settings .*beam:1.* but the driver .*beam:9"
    with pytest.raises(HamtaError, match=expected):
        prefill_cache(tr, _records(), options=RayOptions(actors=1), _worker=OtherModelWorker)
    assert not _cache_rows(cache)  # nothing written under the wrong key


@pytest.mark.parametrize("seed", (0, 1, 2))
def test_ray_equals_single_process_for_any_job_composition(ray_session, tiny_nllb, tmp_path, seed):
    """Beam 2: a random part of a shuffled two-document job is translated first (an "interrupted" run), then
    the whole job goes through Ray; every record equals the single-process run of the whole job, and that
    of its own document translated alone."""
    import random

    rng = random.Random(seed)
    settings = {**SETTINGS, "beam_size": 2}
    records = _records("a") + _records("b")[:9]
    rng.shuffle(records)
    cache = tmp_path / "c.sqlite"
    part = rng.sample(records, len(records) // 3)
    options = RayOptions(actors=1, block_sentences=rng.choice((3, 5, 8)))
    first = Translator(tiny_nllb, cache=cache, max_batch_tokens=rng.choice((16, 48)), **settings)
    first.translate_records(part)
    tr = Translator(tiny_nllb, cache=cache, max_batch_tokens=rng.choice((24, 64, 2048)), **settings)
    out = translate_records_on_ray(tr, records, options=options)
    single = Translator(tiny_nllb, cache=False, **settings)
    assert out == single.translate_records(records)
    for doc in ("a", "b"):
        alone = single.translate_records([r for r in records if r.doc == doc])
        assert [r for r in out if r.doc == doc] == alone
