"""The CTranslate2 engine and the HF -> CTranslate2 conversion, on tiny random checkpoints (no network).

Random models emit degenerate repeats, so token ids are compared under a fixed, small max length.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("ctranslate2")

from hamta.errors import HamtaError  # noqa: E402
from hamta.testing.tiny_model import sample_sentences  # noqa: E402
from hamta.translate import Translator  # noqa: E402
from hamta.translate.convert import (  # noqa: E402
    ConversionError,
    convert_model,
    converted_dir,
    fingerprint_model_dir,
)

FAMILIES = ("nllb", "m2m100", "marian")
MAX_NEW = 6


def _sentences(lang: str, n: int = 6) -> list[str]:
    return sample_sentences(lang, n)


def _src(family: str) -> str:
    return "ar" if family == "marian" else "fa"  # the tiny Marian is opus-mt-ar-en style


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # converted models are shared by the whole session (conversion is the slow part), never by ~/.cache
    monkeypatch.setenv("HAMTA_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "hamta-cache"))


def _translator(model: Path, engine: str, **kw: object) -> Translator:
    kw.setdefault("cache", False)
    kw.setdefault("beam_size", 1)
    kw.setdefault("max_new_tokens", MAX_NEW)
    return Translator(model, engine=engine, device="cpu", **kw)


@pytest.mark.slow
@pytest.mark.parametrize("family", FAMILIES)
def test_float32_greedy_equals_transformers_token_for_token(
    tiny_models: dict[str, Path], family: str
) -> None:
    model = tiny_models[family]
    hf = _translator(model, "hf")
    ct2 = _translator(model, "ct2", compute_type="float32")
    texts = _sentences(_src(family))
    fam = hf.family
    code = fam.source_code(_src(family))
    batch = fam.encode(texts, code)
    tgt = _target_arg(hf)
    a = hf.engine._generate(batch, tgt, beam_size=1, max_new_tokens=MAX_NEW, no_repeat_ngram_size=0)
    b = ct2.engine._generate(batch, tgt, beam_size=1, max_new_tokens=MAX_NEW, no_repeat_ngram_size=0)
    assert [g.ids[:MAX_NEW] for g in b] == [g.ids[:MAX_NEW] for g in a]
    assert all(g.ids for g in b)  # the language token was stripped, content remains
    # and through the front door: same texts, token counts and flags
    ra, rb = hf.translate(texts, _src(family)), ct2.translate(texts, _src(family))
    assert [(t.text, t.n_tokens) for t in rb] == [(t.text, t.n_tokens) for t in ra]


def _target_arg(tr: Translator) -> int | None:
    """The forced target-language token id the front door passes to engines (None for Marian)."""
    code = tr.family.target_code(tr.tgt_lang)
    return tr.family.lang_token_id(code) if code is not None else None


@pytest.mark.slow
@pytest.mark.parametrize("family", FAMILIES)
def test_int8_order_dedupe_and_cache(tiny_models: dict[str, Path], family: str, tmp_path: Path) -> None:
    texts = _sentences(_src(family))
    with _translator(tiny_models[family], "ct2", cache=tmp_path / "c.sqlite") as tr:
        first = tr.translate(texts, _src(family))
        assert tr.engine.cache_identity() == "ct2:int8"
        # order restored whatever the input order; repeats translated once and identical
        rev = tr.translate(list(reversed(texts)) + texts[:2], _src(family))
        assert [t.text for t in rev] == [t.text for t in reversed(first)] + [t.text for t in first[:2]]
        assert all(t.from_cache for t in rev)
    with _translator(tiny_models[family], "ct2", cache=tmp_path / "c.sqlite") as again:
        second = again.translate(texts, _src(family))
    assert [t.text for t in second] == [t.text for t in first]
    assert all(t.from_cache for t in second) and not any(t.from_cache for t in first)
    # the hf engine must not read ct2's cached outputs
    with _translator(tiny_models[family], "hf", cache=tmp_path / "c.sqlite") as hf:
        assert not any(t.from_cache for t in hf.translate(texts[:2], _src(family)))


@pytest.mark.slow
@pytest.mark.parametrize("compute_type", ["float32", "int8"])
def test_flags_match_the_limit(tiny_nllb: Path, compute_type: str) -> None:
    texts = _sentences("fa")
    ct2 = _translator(tiny_nllb, "ct2", compute_type=compute_type, max_new_tokens=3)
    out = ct2.translate(texts, "fa")
    for t in out:
        assert t.n_tokens <= 3
        if "max_length" in t.flags:
            assert t.n_tokens == 3
    assert any("max_length" in t.flags for t in out)  # random models run on: the limit must be flagged
    if compute_type == "float32":  # same flags as transformers on the same limit
        hf = _translator(tiny_nllb, "hf", max_new_tokens=3).translate(texts, "fa")
        assert [t.flags for t in out] == [t.flags for t in hf]


@pytest.mark.slow
def test_fixed_length_decodes_exactly_max_new_tokens(tiny_nllb: Path) -> None:
    tr = _translator(tiny_nllb, "ct2", compute_type="float32", fixed_length=True, max_new_tokens=5)
    out = tr.translate(_sentences("fa"), "fa")
    assert [t.n_tokens for t in out] == [5] * len(out)


@pytest.mark.slow
def test_marian_zero_pad_embedding_uses_stock_conversion(tiny_marian: Path, tmp_path: Path) -> None:
    """Real opus-mt checkpoints have a zero <pad> row: the stock converter (pad dropped) must agree too."""
    from safetensors.torch import load_file, save_file

    model = tmp_path / "marian-zero-pad"
    shutil.copytree(tiny_marian, model)
    config = json.loads((model / "config.json").read_text())
    tensors = load_file(model / "model.safetensors")
    for name, tensor in tensors.items():
        is_embedding = "embed" in name or "shared" in name
        if is_embedding and tensor.dim() == 2 and tensor.shape[0] == config["vocab_size"]:
            tensor[config["pad_token_id"]] = 0
    save_file(tensors, model / "model.safetensors", metadata={"format": "pt"})
    out = convert_model(model, "float32", root=tmp_path / "ct2")
    info = json.loads((out / "hamta_conversion.json").read_text())
    assert info["marian_zero_start"] is True
    assert "<pad>" not in json.loads((out / "shared_vocabulary.json").read_text())
    texts = _sentences("ar")
    hf = _translator(model, "hf").translate(texts, "ar")
    ct2 = _translator(model, "ct2", compute_type="float32", ct2_cache=tmp_path / "ct2").translate(texts, "ar")
    assert [t.text for t in ct2] == [t.text for t in hf]


@pytest.mark.slow
def test_conversion_cached_by_fingerprint_and_quantization(tiny_nllb: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "ct2"
    a = convert_model(tiny_nllb, "int8", root=root)
    b = convert_model(tiny_nllb, "float32", root=root)
    assert a != b and a.name.endswith("-int8") and b.name.endswith("-float32")
    assert a == converted_dir(fingerprint_model_dir(tiny_nllb), "int8", root)
    assert (a / "model.bin").is_file()
    import hamta.translate.convert as convert

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("converted twice")

    monkeypatch.setattr(convert, "_make_converter", boom)
    assert convert_model(tiny_nllb, "int8", root=root) == a  # reused, not converted again
    assert sorted(p.name for p in root.iterdir()) == sorted([a.name, b.name])  # no temp leftovers


def test_conversion_failure_is_one_clear_line(tiny_nllb: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(tiny_nllb, broken)
    data = (broken / "model.safetensors").read_bytes()
    (broken / "model.safetensors").write_bytes(data[: len(data) // 2])
    with pytest.raises(ConversionError, match=r"cannot convert .*broken to CTranslate2: ") as info:
        convert_model(broken, "int8", root=tmp_path / "ct2")
    assert "\n" not in str(info.value)
    assert not any((tmp_path / "ct2").iterdir())  # nothing half-written is left
    with pytest.raises(ConversionError, match="no config.json"):
        convert_model(tmp_path, "int8", root=tmp_path / "ct2")
    with pytest.raises(ValueError, match="unknown quantization 'int4'; choose one of: float32, int8"):
        convert_model(tiny_nllb, "int4", root=tmp_path / "ct2")


def _break_conversion(monkeypatch: pytest.MonkeyPatch) -> None:
    import hamta.translate.convert as convert

    class Broken:
        def convert(self, *args: object, **kwargs: object) -> None:
            raise ValueError("No conversion is registered for the model configuration FooConfig")

    monkeypatch.setattr(convert, "_make_converter", lambda *a, **k: Broken())


@pytest.mark.slow
def test_failed_conversion_falls_back_only_in_auto_mode(tiny_nllb: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _break_conversion(monkeypatch)
    texts = _sentences("fa", 2)
    monkeypatch.setenv("HAMTA_CACHE_DIR", str(tmp_path))  # nothing converted yet for this fingerprint
    with pytest.raises(HamtaError, match="cannot convert .* to CTranslate2: No conversion is registered"):
        _translator(tiny_nllb, "ct2").translate(texts, "fa")
    auto = _translator(tiny_nllb, "auto")
    out = auto.translate(texts, "fa")
    assert auto.engine.name == "hf"
    assert [t.text for t in out] == [t.text for t in _translator(tiny_nllb, "hf").translate(texts, "fa")]


def test_auto_prefers_ct2_on_cpu(tiny_nllb: Path) -> None:
    from hamta.translate.ct2 import auto_engine_ok, default_compute_type
    from hamta.translate.models import resolve_model

    assert auto_engine_ok(resolve_model(tiny_nllb), "cpu")
    assert default_compute_type("cpu") == "int8" and default_compute_type("cuda") == "float16"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"compute_type": "float16"}, r"compute_type 'float16' does not run on cpu; choose one of: int8"),
        ({"compute_type": "int3"}, r"compute_type 'int3' does not run on cpu"),
    ],
)
def test_bad_compute_type_is_rejected(tiny_nllb: Path, options: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _translator(tiny_nllb, "ct2", **options).translate(["سلام"], "fa")
