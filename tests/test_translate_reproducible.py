"""A sentence's translation does not depend on the rest of the job (issue 17, item 7).

The hf engine's batches hold sources of one token length only, so nothing is padded and a sentence decodes
exactly as it would alone; the ct2 engine's hold sources of one length bucket, every batch padded to the
bucket's width, so a sentence is always padded to the same width. These tests check the mechanisms (no
padded hf batch; CTranslate2 int8 scores of a row depend on its batch's padded width only; every ct2 batch
is one bucket wide) and the outcome across several random seeds: documents alone vs together, in any
order, with any batch budget, resumed vs uninterrupted.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from hamta.testing.tiny_model import sample_sentences
from hamta.translate import Translator

SEEDS = (0, 1, 2)
#: documents of a job: short Persian sentences of mixed lengths, some repeated across documents
DOCS = [[" ".join(s.split()[:n]) for s, n in zip(sample_sentences("fa")[k::5], (3, 6, 9, 4, 7, 5, 8, 2),
                                                  strict=False)] for k in range(5)]


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAMTA_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "hamta-cache"))


def _engines() -> list[tuple[str, dict[str, str]]]:
    engines: list[tuple[str, dict[str, str]]] = [("hf", {})]
    try:
        import ctranslate2  # noqa: F401
    except ImportError:
        return engines
    return [*engines, ("ct2", {"compute_type": "int8"})]


def make(model: Path, engine: str, options: dict[str, str], **kw: object) -> Translator:
    kw.setdefault("cache", False)
    kw.setdefault("batching", "exact")
    return Translator(model, engine=engine, device="cpu", beam_size=2, max_new_tokens=10, **options, **kw)


def test_no_batch_is_ever_padded(tiny_nllb):
    tr = make(tiny_nllb, "hf", {}, max_batch_tokens=64)
    seen: list[list[int]] = []
    engine = tr.engine
    original = engine._generate

    def spy(batch, *args, **kwargs):
        seen.append([len(ids) for ids in batch])
        return original(batch, *args, **kwargs)

    engine._generate = spy
    tr.translate([s for doc in DOCS for s in doc], "fa")
    assert len(seen) > 1 and any(len(b) > 1 for b in seen)
    assert all(len(set(lengths)) == 1 for lengths in seen)


def test_ct2_int8_scores_depend_on_the_padded_width_only(tiny_nllb):
    """The mechanism of bucketed batches: a row's int8 scores are the same in any batch of one padded width
    (same-length batch-mates, or a guard row setting the width), so fixing the width per source fixes
    its output. (Whether padding to *another* width moves the scores depends on the CPU's kernels.)"""
    pytest.importorskip("ctranslate2")
    tr = make(tiny_nllb, "ct2", {"compute_type": "int8"})
    fam, tok = tr.family, tr.tokenizer
    units = [" ".join(s.split()[:n]) for s in sample_sentences("fa", 30) for n in (4, 8)]
    sources = [tok.convert_ids_to_tokens(ids) for ids in fam.encode(units, fam.source_code("fa"))]
    prefix = [tok.convert_ids_to_tokens(fam.lang_token_id("eng_Latn"))]

    def scores(batch: list[list[str]]) -> list[float]:
        out = tr.engine.translator.translate_batch(batch, target_prefix=[prefix] * len(batch), beam_size=2,
                                                   max_decoding_length=10, return_scores=True)
        return [r.scores[0] for r in out]

    alone = [scores([s])[0] for s in sources]
    by_length: dict[int, list[int]] = {}
    for i, s in enumerate(sources):
        by_length.setdefault(len(s), []).append(i)
    groups = [g for g in by_length.values() if len(g) > 1]
    assert groups
    for group in groups:
        assert scores([sources[i] for i in group]) == [alone[i] for i in group]
    width = max(len(s) for s in sources) + 3
    guard = [tok.unk_token] * (width - 1) + [tok.eos_token]
    guard_2 = [tok.eos_token] * width
    guarded_alone = [scores([s, guard])[0] for s in sources]
    rng = random.Random(0)
    for _ in range(3):
        order = rng.sample(range(len(sources)), len(sources) // 2)
        got = scores([sources[i] for i in order] + [rng.choice((guard, guard_2))])[:-1]
        assert got == [guarded_alone[i] for i in order]


def test_bucketed_batches_are_padded_to_their_bucket(tiny_nllb):
    pytest.importorskip("ctranslate2")
    from hamta.translate.batching import batch_cost, bucket_length

    tr = make(tiny_nllb, "ct2", {"compute_type": "int8"}, max_batch_tokens=96)
    assert tr.signature().endswith(f"|batch:bucket{batch_cost('nllb').min_bucket}")
    seen: list[list[int]] = []
    engine = tr.engine
    original = engine.translator.translate_batch

    def spy(rows, *args, **kwargs):
        seen.append([len(r) for r in rows])
        return original(rows, *args, **kwargs)

    engine.translator = type("Spy", (), {"translate_batch": staticmethod(spy)})()
    flat = [s for doc in DOCS for s in doc]
    assert len(tr.translate(flat, "fa")) == len(flat)
    cap = tr.family.max_source_tokens
    assert seen and any(len(set(widths)) > 1 for widths in seen)  # different lengths share batches
    for widths in seen:  # ... but every CTranslate2 batch is exactly one bucket wide
        assert {bucket_length(w, cap, batch_cost('nllb').min_bucket) for w in widths} == {max(widths)}


@pytest.mark.parametrize("batching", ["exact", "padded"])
def test_batches_keep_to_the_measured_row_limit(tiny_nllb, monkeypatch, batching):
    """Past `BatchCost.max_rows` a row costs more (measured), so no CTranslate2 batch is larger, guard
    row included, however generous the token budget."""
    pytest.importorskip("ctranslate2")
    from hamta.translate import batching as batching_module

    shipped = batching_module._batch_costs()
    limited = {**shipped, "families": {k: {**v, "max_rows": 3} for k, v in shipped["families"].items()}}
    monkeypatch.setattr(batching_module, "_batch_costs", lambda: limited)
    tr = make(tiny_nllb, "ct2", {"compute_type": "int8"}, max_batch_tokens=100_000, batching=batching)
    seen: list[int] = []
    engine = tr.engine
    original = engine.translator.translate_batch

    def spy(rows, *args, **kwargs):
        seen.append(len(rows))
        return original(rows, *args, **kwargs)

    engine.translator = type("Spy", (), {"translate_batch": staticmethod(spy)})()
    flat = [s for doc in DOCS for s in doc]
    assert len(tr.translate(flat, "fa")) == len(flat)
    assert seen and max(seen) == 3 and sum(seen) >= len(set(flat))


@pytest.mark.parametrize("engine, options", _engines())
def test_outputs_do_not_depend_on_the_job(tiny_nllb, tmp_path, engine, options):
    together = make(tiny_nllb, engine, options)
    flat = [s for d in DOCS for s in d]
    reference = dict(zip(flat, (t.text for t in together.translate(flat, "fa")), strict=True))
    tr = make(tiny_nllb, engine, options)  # one model load; each seed is another job composition
    for seed in SEEDS:
        rng = random.Random(seed)
        tr.max_batch_tokens = rng.choice((16, 48, 200, 4096))
        tr.close()
        tr._cache_arg = False
        # each document alone, in a random order
        for doc in rng.sample(DOCS, len(DOCS)):
            assert [t.text for t in tr.translate(doc, "fa")] == [reference[s] for s in doc]
        # a random subset of the sentences, shuffled, as one job
        subset = rng.sample(flat, len(flat) // 2)
        assert [t.text for t in tr.translate(subset, "fa")] == [reference[s] for s in subset]
        # resumed: a random half translated into the cache first ("interrupted"), then the whole job
        tr._cache_arg = tmp_path / f"{engine}-{seed}.sqlite"
        tr.translate(rng.sample(flat, len(flat) // 2), "fa")
        out = tr.translate(flat, "fa")
        assert any(t.from_cache for t in out) and any(not t.from_cache for t in out)
        assert [t.text for t in out] == [reference[s] for s in flat]


def test_exact_batching_is_opt_in_and_cached_apart(tiny_nllb):
    assert Translator(tiny_nllb, engine="hf", device="cpu", cache=False).batching == "padded"  # the default
    padded, exact = make(tiny_nllb, "hf", {}, batching="padded"), make(tiny_nllb, "hf", {})
    assert exact.batching == "exact" and "batch:" not in exact.signature()
    assert padded.signature() == exact.signature() + "|batch:padded"
    with pytest.raises(ValueError, match="batching must be one of exact, padded"):
        make(tiny_nllb, "hf", {}, batching="sorted")
