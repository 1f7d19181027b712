"""hamta.translate: language tokens per family, batching invariants, cache, splitting, flags, errors.

All models are tiny random checkpoints built by hamta/testing/tiny_model.py and loaded through the same
code path as real ones (no network). Outputs of random models are gibberish, so tests compare translations
with each other (alone vs batched, first run vs cached) and check token ids, never expected English.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hamta.errors import HamtaError
from hamta.records import Sentence
from hamta.testing.tiny_model import sample_sentences
from hamta.translate import Translation, Translator, get_engine_class
from hamta.translate.batching import (
    GUARD_ROWS,
    BatchCost,
    batch_cost,
    bucket_length,
    plan_batches,
    plan_bucketed_batches,
    plan_padded_batches,
    spread_batches,
)
from hamta.translate.flags import abnormal_repetition, has_repetition
from hamta.translate.languages import canonical_language
from hamta.translate.long_input import split_long

FA = sample_sentences("fa")
AR = sample_sentences("ar")
#: short sentences of different lengths (under the tiny models' 62-token source limit)
SHORT_FA = [" ".join(s.split()[:n]) for s, n in zip(FA[:10], (3, 9, 5, 12, 1, 7, 4, 10, 6, 2), strict=True)]
SHORT_AR = [" ".join(s.split()[:n]) for s, n in zip(AR[:8], (4, 8, 2, 11, 6, 3, 9, 5), strict=True)]


def greedy(model: Path, **kw) -> Translator:
    """Greedy, uncached, exact batching: these tests compare outputs across job compositions."""
    kw.setdefault("cache", False)
    kw.setdefault("batching", "exact")
    return Translator(model, engine="hf", device="cpu", beam_size=1, **kw)


_SHARED: dict[str, Translator] = {}


def shared(model: Path) -> Translator:
    """One greedy, uncached translator per model for read-only use (loading weights costs time)."""
    if str(model) not in _SHARED:
        _SHARED[str(model)] = greedy(model)
    return _SHARED[str(model)]


def spy_generate(tr: Translator) -> list[dict]:
    """Record the kwargs and outputs of every transformers generate call of ``tr``'s engine."""
    calls: list[dict] = []
    net = tr.engine.net
    original = net.generate

    def wrapper(*args, **kwargs):
        out = original(*args, **kwargs)
        calls.append({**kwargs, "output": out})
        return out

    net.generate = wrapper
    return calls


# ----------------------------------------------------------------------------- languages per family
@pytest.mark.parametrize(
    "lang, expected",
    [
        ("fa", "fa"),
        ("pes_Arab", "fa"),
        ("FAS", "fa"),
        ("ar", "ar"),
        ("arb_Arab", "ar"),
        ("ara", "ar"),
        ("eng_Latn", "en"),
        ("en", "en"),
        ("xx", None),
        ("", None),
    ],
)
def test_canonical_language(lang, expected):
    assert canonical_language(lang) == expected


@pytest.mark.parametrize(
    "lang, code", [("fa", "pes_Arab"), ("ar", "arb_Arab"), ("pes_Arab", "pes_Arab"), ("prs_Arab", "prs_Arab")]
)
def test_nllb_source_gets_its_language_token_not_the_tokenizer_default(tiny_nllb, lang, code):
    tr = shared(tiny_nllb)
    fam = tr.family
    ids = fam.encode(["سلام دنیا"], fam.source_code(lang))[0]
    tok = tr.tokenizer
    assert ids[0] == tok.convert_tokens_to_ids(code)
    assert ids[0] != tok.convert_tokens_to_ids("eng_Latn")  # the tokenizer's own default src_lang
    assert ids[-1] == tok.eos_token_id
    assert tok.convert_tokens_to_ids(code) not in ids[1:-1]


@pytest.mark.parametrize("lang, token", [("fa", "__fa__"), ("ar", "__ar__"), ("pes_Arab", "__fa__")])
def test_m2m100_source_language_token(tiny_m2m100, lang, token):
    tr = shared(tiny_m2m100)
    ids = tr.family.encode(["سلام"], tr.family.source_code(lang))[0]
    assert ids[0] == tr.tokenizer.convert_tokens_to_ids(token)
    assert ids[-1] == tr.tokenizer.eos_token_id


def test_marian_one_pair_model_has_no_prefix_and_rejects_other_sources(tiny_marian):
    tr = shared(tiny_marian)
    content = tr.family.content_ids("مرحبا بالعالم")
    assert tr.family.encode(["مرحبا بالعالم"], tr.family.source_code("ar"))[0] == content + [
        tr.tokenizer.eos_token_id
    ]
    with pytest.raises(ValueError, match=r"translates from 'ar', not 'fa'"):
        tr.translate(["سلام"], "fa")


def test_marian_multi_target_model_gets_eng_prefix(tiny_marian_multi):
    tr = greedy(tiny_marian_multi)
    ids = tr.family.encode(["سلام"], tr.family.source_code("fa"))[0]
    assert ids[0] == tr.tokenizer.convert_tokens_to_ids(">>eng<<")
    assert len(tr.translate(["سلام دنیا", "مرحبا"], "fa")) == 2


@pytest.mark.parametrize("family", ["nllb", "m2m100"])
def test_target_language_forced_per_call_with_attention_mask(tiny_models, family):
    tr = greedy(tiny_models[family])
    calls = spy_generate(tr)
    tr.translate(SHORT_FA[:4], "fa")
    tgt = tr.family.lang_token_id(tr.family.target_code("en"))
    assert calls and all(c["generation_config"].forced_bos_token_id == tgt for c in calls)
    for call in calls:
        out = call["output"]
        assert (out[:, 1] == tgt).all()  # decoder start, then the forced English token
        mask, ids = call["attention_mask"], call["input_ids"]
        assert mask.shape == ids.shape
        assert ((mask == 0) == (ids == tr.tokenizer.pad_token_id)).all()


def test_nllb_other_target_changes_the_forced_token(tiny_nllb):
    to_en = shared(tiny_nllb).translate(SHORT_FA[:5], "fa")
    tr_fr = greedy(tiny_nllb, tgt_lang="fra_Latn")
    calls = spy_generate(tr_fr)
    to_fr = tr_fr.translate(SHORT_FA[:5], "fa")
    assert calls[0]["generation_config"].forced_bos_token_id == tr_fr.tokenizer.convert_tokens_to_ids(
        "fra_Latn"
    )
    assert [t.text for t in to_en] != [t.text for t in to_fr]


def test_marian_decodes_from_pad(tiny_marian):
    tr = greedy(tiny_marian)
    calls = spy_generate(tr)
    tr.translate(SHORT_AR[:3], "ar")
    pad = tr.tokenizer.pad_token_id
    assert tr.engine.start_id == pad
    assert (calls[0]["output"][:, 0] == pad).all()


def test_detokenization_is_pinned(tiny_nllb):
    fam = shared(tiny_nllb).family
    # clean_up_tokenization_spaces=True would turn "said , then" into "said, then"
    assert fam.decode(fam.content_ids("said , then .")) == "said , then ."


# ----------------------------------------------------------------------------- batching and order
def test_plan_batches_budget_order_and_coverage():
    lengths = [5, 30, 7, 7, 12, 1, 30, 2]
    batches = plan_batches(lengths, 40)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        width = max(lengths[i] for i in batch)
        assert width * len(batch) <= 40 or len(batch) == 1
    flat = [lengths[i] for b in batches for i in b]
    assert flat == sorted(flat, reverse=True)
    # one length per batch (no padding), as full as the budget allows
    assert all(len({lengths[i] for i in b}) == 1 for b in batches)
    assert [sorted(b) for b in batches if lengths[b[0]] == 7] == [[2, 3]]
    assert plan_batches([3] * 7, 9) == [[0, 1, 2], [3, 4, 5], [6]]
    assert plan_batches([100], 10) == [[0]]
    assert plan_batches([], 10) == []


@given(st.lists(st.integers(1, 120), max_size=80), st.integers(8, 5000), st.integers(1, 40))
def test_every_planner_keeps_to_the_row_limit(lengths, budget, max_rows):
    """`BatchCost.max_rows` bounds every plan (the bucketed one counting its guard row) and takes no item
    away; without it the token budget alone decides, as before."""
    min_bucket = batch_cost("nllb").min_bucket
    plans = {
        "equal": (plan_batches(lengths, budget, max_rows), plan_batches(lengths, budget), 0),
        "padded": (plan_padded_batches(lengths, budget, max_rows), plan_padded_batches(lengths, budget), 0),
        "bucketed": (plan_bucketed_batches(lengths, budget, 512, min_bucket, max_rows),
                     plan_bucketed_batches(lengths, budget, 512, min_bucket), GUARD_ROWS),
    }
    for name, (limited, free, extra) in plans.items():
        assert sorted(i for b in limited for i in b) == list(range(len(lengths)))
        assert all(len(b) + extra <= max_rows or len(b) == 1 for b in limited)
        assert len(limited) >= len(free)
        if name != "padded":  # one width per batch: the limit only cuts the budget's batches
            home = {i: k for k, b in enumerate(free) for i in b}
            assert all(len({home[i] for i in b}) == 1 for b in limited)


@given(st.lists(st.integers(1, 120), max_size=80), st.integers(8, 5000), st.integers(1, 40),
       st.integers(1, 4))
def test_padded_batches_are_sorted_within_budget_and_even(lengths, budget, max_rows, parts):
    """Padded batching (the default) cuts the length-sorted sources like raw CTranslate2: within the token
    budget and the row limit, into equal batches (sizes differ by one at most) whenever that fits."""
    batches = plan_padded_batches(lengths, budget, max_rows, parts)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))
    assert [lengths[i] for i in flat] == sorted(lengths, reverse=True)
    for b in batches:
        assert len(b) == 1 or (len(b) <= max_rows and max(lengths[i] for i in b) * len(b) <= budget)
    sizes = [len(b) for b in batches]
    greedy = plan_padded_batches(lengths, budget, max_rows, parts=len(lengths) + 1)  # no even cut exists
    assert (max(sizes, default=0) - min(sizes, default=0) <= 1 and len(batches) % parts == 0) or \
        batches == greedy


def _lpt_makespan(batches: list[list[int]], parts: int, overhead: float) -> float:
    """Busiest worker's load (members, a guard and the overhead per batch), largest batch first to the
    least loaded worker."""
    loads = [0.0] * parts
    for size in sorted((len(b) + GUARD_ROWS + overhead for b in batches), reverse=True):
        loads[loads.index(min(loads))] += size
    return max(loads)


@given(st.lists(st.lists(st.integers(0, 99), min_size=1, max_size=40), max_size=6), st.integers(1, 6),
       st.sampled_from([0.0, 1.0, 4.0]))
def test_spread_batches_keeps_members_and_never_slows_the_workers(batches, parts, overhead):
    out = spread_batches(batches, parts, lambda rows: rows + overhead)
    assert sorted(i for b in out for i in b) == sorted(i for b in batches for i in b)
    assert all(out) and len(out) >= len(batches)
    # every output batch is a contiguous run of one input batch (members keep their order)
    runs = {tuple(b[i:j]) for b in batches for i in range(len(b)) for j in range(i + 1, len(b) + 1)}
    assert all(tuple(b) in runs for b in out)
    assert [len(b) for b in out] == sorted((len(b) for b in out), reverse=True)  # largest first
    assert _lpt_makespan(out, parts, overhead) <= _lpt_makespan(batches, parts, overhead)
    # no cut of the largest batch would finish sooner
    if out and len(out[0]) > 1 and parts > 1:
        best = _lpt_makespan(out, parts, overhead)
        for c in range(1, len(out[0])):
            assert _lpt_makespan([out[0][:c], out[0][c:], *out[1:]], parts, overhead) >= best


def test_spread_batches_fills_idle_workers_but_leaves_a_balanced_plan_whole():
    per_row = float
    assert spread_batches([list(range(12))], 2, per_row) == [list(range(6)), list(range(6, 12))]
    balanced = [list(range(20)), list(range(20, 39)), [39, 40]]
    assert spread_batches(balanced, 2, per_row) == balanced  # 21 | 20 + 3 rows: a cut only adds a guard
    assert spread_batches([[1, 2, 3]], 1, per_row) == [[1, 2, 3]]
    # a batch's fixed cost (NLLB: each step scores 256k entries) keeps a small job whole ...
    assert spread_batches([[0, 1, 2], [3]], 2, lambda rows: rows + 4.0) == [[0, 1, 2], [3]]
    # ... and makes the cut uneven: the worker with the second bucket's batch gets the smaller part
    out = spread_batches([list(range(31)), list(range(31, 50))], 2, batch_cost("nllb").seconds)
    assert [len(b) for b in out] == [27, 19, 4]


def test_batch_cost_curve_is_interpolated_and_extended():
    cost = BatchCost(16, ((1, 2.0), (2, 2.5), (4, 3.0)))
    assert cost.seconds(1) == 2.0 and cost.seconds(3) == 2.75 and cost.seconds(8) == 4.0
    nllb, marian = batch_cost("nllb"), batch_cost("marian")
    assert nllb.seconds(1) > 3 * (nllb.seconds(2) - nllb.seconds(1))  # one row costs several rows
    assert batch_cost("some-other-family") == marian  # unmeasured families: the flatter curve
    assert nllb.min_bucket in (8, 16, 32, 64) and bucket_length(1, 512, nllb.min_bucket) == nllb.min_bucket


@given(st.lists(st.integers(1, 200), max_size=60), st.integers(8, 600), st.integers(16, 256))
def test_plan_bucketed_batches_cover_every_item_one_bucket_per_batch(lengths, budget, cap):
    lengths = [min(n, cap) for n in lengths]
    min_bucket = batch_cost("nllb").min_bucket  # the shipped ladder
    batches = plan_bucketed_batches(lengths, budget, cap, min_bucket)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        widths = {bucket_length(lengths[i], cap, min_bucket) for i in batch}
        assert len(widths) == 1  # one bucket per batch
        width = widths.pop()
        assert width * (len(batch) + 1) <= budget or len(batch) == 1  # room for the guard row
    for n in lengths:
        width = bucket_length(n, cap, min_bucket)
        assert n <= width <= max(n, cap) and width < 2 * max(n, min_bucket)


@pytest.mark.parametrize(
    "family, lang, sentences",
    [("nllb", "fa", SHORT_FA), ("m2m100", "ar", SHORT_AR), ("marian", "ar", SHORT_AR)],
)
def test_greedy_float32_batch_invariance_and_order(tiny_models, family, lang, sentences):
    model = tiny_models[family]
    tr = shared(model)
    alone = [tr.translate([s], lang)[0] for s in sentences]
    for budget in (60, 100_000):
        tr.max_batch_tokens = budget
        together = tr.translate(sentences, lang)
        assert [(t.text, t.flags) for t in together] == [(t.text, t.flags) for t in alone]
    order = list(range(len(sentences)))
    random.Random(7).shuffle(order)
    tr.max_batch_tokens = 100
    shuffled = tr.translate([sentences[i] for i in order], lang)
    tr.max_batch_tokens = 100_000
    assert [t.text for t in shuffled] == [alone[i].text for i in order]
    assert len({t.text for t in alone}) > 1  # the test model does not map everything to one output


# ----------------------------------------------------------------------------- cache, dedupe, resume
def test_cache_hit_on_rerun_without_loading_the_model(tiny_nllb, tmp_path):
    cache = tmp_path / "cache.sqlite"
    first = greedy(tiny_nllb, cache=cache).translate(SHORT_FA, "fa")
    assert not any(t.from_cache for t in first)
    again = greedy(tiny_nllb, cache=cache)
    second = again.translate(SHORT_FA, "fa")
    assert all(t.from_cache for t in second)
    assert [t.text for t in second] == [t.text for t in first]
    assert [t.flags for t in second] == [t.flags for t in first]
    assert not again._engine._loaded  # nothing to translate: weights never loaded
    assert again.stats.from_cache == len(SHORT_FA) and again.stats.translated == 0


def test_cache_key_includes_settings_and_normalizes_source(tiny_nllb, tmp_path):
    cache = tmp_path / "cache.sqlite"
    greedy(tiny_nllb, cache=cache).translate(SHORT_FA[:3], "fa")
    beam2 = Translator(tiny_nllb, engine="hf", device="cpu", beam_size=2, cache=cache)
    assert not any(t.from_cache for t in beam2.translate(SHORT_FA[:3], "fa"))
    spaced = ["  " + "   ".join(s.split()) + " " for s in SHORT_FA[:3]]
    assert all(t.from_cache for t in greedy(tiny_nllb, cache=cache).translate(spaced, "fa"))
    assert not any(
        t.from_cache for t in greedy(tiny_nllb, cache=cache, max_new_tokens=3).translate(SHORT_FA[:3], "fa")
    )


def test_repeated_sentences_translated_once(tiny_nllb):
    tr = greedy(tiny_nllb)
    engine = tr.engine
    seen: list[list[int]] = []
    original = engine._generate

    def counting(batch, *args, **kwargs):
        seen.extend(batch)
        return original(batch, *args, **kwargs)

    engine._generate = counting
    sentences = SHORT_FA[:3] * 4 + [SHORT_FA[0] + "  "]
    out = tr.translate(sentences, "fa")
    assert len(seen) == 3
    assert [t.text for t in out[3:6]] == [t.text for t in out[:3]]
    assert out[-1].text == out[0].text


def test_interrupted_job_keeps_finished_batches(tiny_nllb, tmp_path):
    cache = tmp_path / "cache.sqlite"
    tr = greedy(tiny_nllb, cache=cache, max_batch_tokens=30)
    engine = tr.engine
    original = engine._generate
    calls = {"n": 0}

    def dying(batch, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return original(batch, *args, **kwargs)

    engine._generate = dying
    with pytest.raises(KeyboardInterrupt):
        tr.translate(SHORT_FA, "fa")
    done = tr.cache.count()
    assert 0 < done < len(SHORT_FA)
    resumed = greedy(tiny_nllb, cache=cache, max_batch_tokens=30)
    out = resumed.translate(SHORT_FA, "fa")
    assert sum(t.from_cache for t in out) == done
    assert resumed.stats.translated == len(SHORT_FA) - done


# ----------------------------------------------------------------------------- long input, flags
def test_long_sentence_split_not_truncated(tiny_nllb):
    long_fa = "، ".join(FA[:4])
    tr = greedy(tiny_nllb)
    assert len(tr.family.content_ids(long_fa)) > tr.family.max_source_tokens
    calls = []
    original = tr.engine._generate
    tr.engine._generate = lambda batch, *a, **k: calls.extend(batch) or original(batch, *a, **k)
    result = tr.translate([long_fa], "fa")[0]
    assert "split_long" in result.flags
    assert all(len(ids) <= tr.family.max_source_tokens for ids in calls)
    covered = sum(len(ids) - tr.family.n_special for ids in calls)
    assert covered >= len(tr.family.content_ids(long_fa)) - 5  # every piece translated, nothing dropped


def _count_words(text: str) -> int:
    return len(text.split())


@pytest.mark.parametrize(
    "text, limit, expected",
    [
        ("a b c, d e f, g h", 4, ["a b c,", "d e f,", "g h"]),
        ("a، b c؛ d e f g h", 3, ["a، b c؛", "d e f", "g h"]),
        ("a b c d e f g", 3, ["a b c", "d e f", "g"]),
        ("a b", 5, ["a b"]),
    ],
)
def test_split_long_table(text, limit, expected):
    assert split_long(text, _count_words, limit) == expected


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["کتاب", "و،", "خبر؛", "گفت:", "x,", "ب", "کوتاه"]), min_size=1, max_size=40),
    st.integers(min_value=1, max_value=8),
)
def test_split_long_keeps_every_word_and_respects_limit(words, limit):
    text = " ".join(words)
    pieces = split_long(text, _count_words, limit)
    assert " ".join(pieces).split() == words
    assert all(1 <= _count_words(p) <= limit for p in pieces)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("the talks the talks the talks", True),
        ("no no no no", True),
        ("no no no", False),
        ("Talks were held in Tehran on Monday .", False),
        ("a b c a b c", False),
        ("in the city in the city in the city today", True),
        ("", False),
    ],
)
def test_has_repetition(text, expected):
    assert has_repetition(text.split()) is expected


@pytest.mark.parametrize(
    "output, source, expected",
    [
        ("no no no no", "نه", True),
        ("God is great God is great God is great", "الله أكبر الله أكبر الله أكبر", False),
        ("Talks ended .", "پایان", False),
    ],
)
def test_abnormal_repetition_ignores_repetition_in_the_source(output, source, expected):
    assert abnormal_repetition(output, source) is expected


def test_max_length_flag_and_stats(tiny_nllb):
    tr = greedy(tiny_nllb, max_new_tokens=2)
    out = tr.translate(SHORT_FA, "fa")
    assert all(t.n_tokens <= 2 for t in out)
    flagged = [t for t in out if "max_length" in t.flags]
    assert flagged
    assert tr.stats.flag_counts["max_length"] == len(flagged)
    assert tr.stats.flagged == sum(1 for t in out if t.flags)
    free = greedy(tiny_nllb).translate(SHORT_FA, "fa")
    assert any("max_length" not in t.flags for t in free)  # not everything is flagged


def test_output_limit_never_exceeds_the_decoder_positions(tiny_marian):
    tr = greedy(tiny_marian, max_new_tokens=10_000)  # Marian has static position tables: must not crash
    out = tr.translate(SHORT_AR[:2], "ar")
    assert all(t.n_tokens <= tr.family.max_target_tokens for t in out)


def test_no_repeat_ngram_size_is_applied(tiny_nllb):
    tr = greedy(tiny_nllb, no_repeat_ngram_size=2)
    calls = spy_generate(tr)
    tr.translate(SHORT_FA[:3], "fa")
    assert calls[0]["generation_config"].no_repeat_ngram_size == 2


def test_empty_sentences_and_type_errors(tiny_nllb):
    tr = shared(tiny_nllb)
    assert tr.translate(["", "   "], "fa") == [Translation(""), Translation("")]
    assert tr.translate([], "fa") == []
    with pytest.raises(TypeError, match="list of sentences"):
        tr.translate("سلام", "fa")


# ----------------------------------------------------------------------------- records
def test_translate_records_fills_en_and_skips_boilerplate(tiny_nllb):
    recs = [
        Sentence("d", 0, SHORT_FA[1], 0, 10, "fa"),
        Sentence("d", 1, "کد خبر: ۱۲۳", 11, 20, "fa", boilerplate=True, boilerplate_kind="news_code"),
        Sentence("d", 2, "Hello there.", 21, 33, "en"),
        Sentence("d", 3, SHORT_FA[3], 34, 50, "other"),
        Sentence("e", 0, "???", 0, 3, "other"),
    ]
    tr = greedy(tiny_nllb)
    out = tr.translate_records(recs)
    direct = shared(tiny_nllb).translate([SHORT_FA[1], SHORT_FA[3]], "fa")
    assert out[0].en == direct[0].text and out[0].flags == direct[0].flags
    assert out[1].en is None and out[1].boilerplate
    assert out[2].en == "Hello there."
    assert out[3].en == direct[1].text  # 'other' translated as the document's language
    assert out[4].en is None and "lang_unknown" in out[4].flags
    assert [(r.doc, r.idx, r.text) for r in out] == [(r.doc, r.idx, r.text) for r in recs]


# ----------------------------------------------------------------------------- errors
def test_unknown_engine_lists_valid_ones():
    with pytest.raises(ValueError, match=r"unknown engine 'fast'; choose one of: auto, ct2, hf"):
        Translator("x", engine="fast")
    with pytest.raises(ValueError, match="unknown engine"):
        get_engine_class("nope")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"beam_size": 0}, "beam_size"),
        ({"max_batch_tokens": -1}, "max_batch"),
        ({"device": "tpu"}, "unknown device"),
        ({"no_repeat_ngram_size": -2}, "no_repeat"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Translator("x", **kwargs)


def test_unknown_language(tiny_nllb, tiny_m2m100):
    with pytest.raises(ValueError, match=r"unknown language 'klingon' for NLLB model"):
        shared(tiny_nllb).translate(["x"], "klingon")
    with pytest.raises(ValueError, match=r"unknown language 'xx_Latn' for M2M100 model"):
        shared(tiny_m2m100).translate(["x"], "xx_Latn")


def test_missing_directory():
    with pytest.raises(HamtaError, match=r"model directory './no/such/model' does not exist"):
        greedy("./no/such/model").translate(["x"], "fa")


def test_offline_hub_model_names_model_and_local_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    with pytest.raises(
        HamtaError,
        match=r"model 'facebook/nllb-200-distilled-600M' is not a local directory.*"
        r"HF_HUB_OFFLINE.*--model DIR",
    ) as info:
        Translator(engine="hf").translate(["x"], "fa")
    assert "\n" not in str(info.value)


def test_model_from_the_hf_cache_offline_is_the_same_model_as_a_local_copy(tiny_nllb, tmp_path, monkeypatch):
    import shutil

    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "hub" / "models--someorg--tiny-nllb"
    shutil.copytree(tiny_nllb, repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    tr = greedy("someorg/tiny-nllb")
    assert tr.spec.family == "nllb" and tr.spec.path == (repo / "snapshots" / commit).resolve()
    # a hub snapshot and a copy of its files are one model: same fingerprint, same cache key
    assert tr.spec.fingerprint == shared(tiny_nllb).spec.fingerprint
    assert tr.signature() == shared(tiny_nllb).signature()
    expected = shared(tiny_nllb).translate([SHORT_FA[1]], "fa")[0].text
    assert tr.translate([SHORT_FA[1]], "fa")[0].text == expected


def _fake_model(root: Path, config: dict, files: dict[str, bytes] | None = None) -> Path:
    root.mkdir(parents=True)
    (root / "config.json").write_text(json.dumps(config))
    for name, data in (files or {}).items():
        (root / name).write_bytes(data)
    return root


def test_unsupported_model_type(tmp_path):
    model = _fake_model(tmp_path / "bert", {"model_type": "bert"}, {"model.safetensors": b"x"})
    with pytest.raises(
        HamtaError, match=r"unsupported model type 'bert'; hamta translates with NLLB-200, M2M100"
    ):
        greedy(model).translate(["x"], "fa")


def test_marian_into_other_language_is_refused(tmp_path, tiny_marian):
    import shutil

    model = tmp_path / "opus-mt-ar-fr"
    shutil.copytree(tiny_marian, model)
    cfg = json.loads((model / "tokenizer_config.json").read_text())
    cfg["target_lang"] = "fr"
    (model / "tokenizer_config.json").write_text(json.dumps(cfg))
    with pytest.raises(ValueError, match=r"translates into 'fr', not English"):
        greedy(model).translate(["x"], "ar")
