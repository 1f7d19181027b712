"""Real-checkpoint pitfalls, reproduced on tiny models with the hub layouts (issue 17).

pytorch_model.bin-only checkpoints (read weights-only; a code-running pickle is refused), NLLB's trained
input length, NLLB language ids, the checkpoint's generation_config being ignored, <unk> flags, one-pair
models in mixed folders, and the content fingerprint shared by the translation and conversion caches.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import tiny_model_dir  # noqa: E402 - tests/ is on sys.path (conftest.py)

from hamta.cli import main
from hamta.errors import HamtaError
from hamta.testing.tiny_model import sample_sentences
from hamta.translate import Translator
from hamta.translate.fingerprint import file_sha256, model_fingerprint

ROOT = Path(__file__).resolve().parent.parent
SHORT_FA = [" ".join(s.split()[:n]) for s, n in zip(sample_sentences("fa", 8), (3, 9, 5, 12, 1, 7, 4, 10),
                                                       strict=True)]
SHORT_AR = [" ".join(s.split()[:n]) for s, n in zip(sample_sentences("ar", 6), (4, 8, 2, 11, 6, 3),
                                                       strict=True)]


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAMTA_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "hamta-cache"))


def greedy(model: Path | str, engine: str = "hf", **kw: object) -> Translator:
    kw.setdefault("cache", False)
    kw.setdefault("max_new_tokens", 8)
    kw.setdefault("batching", "exact")  # engines are compared token for token, batch for batch
    return Translator(model, engine=engine, device="cpu", beam_size=1, **kw)


def texts(tr: Translator, sentences: list[str], lang: str) -> list[str]:
    return [t.text for t in tr.translate(sentences, lang)]


# ----------------------------------------------------------------------------- 1. pytorch_model.bin
@pytest.fixture(scope="module")
def bin_models() -> dict[str, Path]:
    """NLLB and Marian with weights only in a torch.save'd state dict (seeded like the safetensors ones)."""
    return {family: tiny_model_dir(family, weights="bin") for family in ("nllb", "marian")}


@pytest.mark.parametrize("family, lang, sentences", [("nllb", "fa", SHORT_FA), ("marian", "ar", SHORT_AR)])
def test_bin_only_checkpoint_translates_through_hf_and_ct2(bin_models, tiny_models, family, lang, sentences):
    pytest.importorskip("ctranslate2")
    model = bin_models[family]
    assert not list(model.glob("*.safetensors")) and (model / "pytorch_model.bin").is_file()
    hf = texts(greedy(model), sentences, lang)
    # the same weights as the safetensors twin, so the same translations
    assert hf == texts(greedy(tiny_models[family]), sentences, lang)
    assert texts(greedy(model, "ct2", compute_type="float32"), sentences, lang) == hf


def test_bin_only_hub_snapshot_loads_offline(bin_models, tmp_path, monkeypatch):
    """Like facebook/nllb-200-distilled-600M's main branch: no safetensors in the hub repository."""
    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "hub" / "models--someorg--bin-nllb"
    shutil.copytree(bin_models["nllb"], repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    tr = greedy("someorg/bin-nllb")
    assert tr.spec.fingerprint == greedy(bin_models["nllb"]).spec.fingerprint
    assert texts(tr, SHORT_FA[:2], "fa") == texts(greedy(bin_models["nllb"]), SHORT_FA[:2], "fa")


class _Marker:
    """Unpickling this creates a file: what a malicious checkpoint would do."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (self.path, "w"))


def _evil_checkpoint(src: Path, dst: Path, marker: Path) -> Path:
    import torch

    shutil.copytree(src, dst)
    state = torch.load(src / "pytorch_model.bin", weights_only=True)
    state["extra"] = _Marker(marker)
    torch.save(state, dst / "pytorch_model.bin")
    return dst


def test_code_running_pickle_is_refused_and_never_runs(bin_models, tmp_path):
    import torch

    # the file really runs code under a full unpickle (so the test can fail)
    probe = _evil_checkpoint(bin_models["nllb"], tmp_path / "probe", tmp_path / "probe-marker")
    torch.load(probe / "pytorch_model.bin", weights_only=False)
    assert (tmp_path / "probe-marker").exists()

    marker = tmp_path / "marker"
    model = _evil_checkpoint(bin_models["nllb"], tmp_path / "evil", marker)
    engines = ["hf"] + (["ct2"] if _has_ct2() else [])
    for engine in engines:
        with pytest.raises(HamtaError) as err:
            greedy(model, engine).translate(["سلام"], "fa")
        message = str(err.value)
        assert "refused" in message and "pytorch_model.bin" in message and "\n" not in message
        assert not marker.exists()


def _has_ct2() -> bool:
    try:
        import ctranslate2  # noqa: F401
    except ImportError:
        return False
    return True


def test_old_torch_is_refused_for_pickle_weights(bin_models, monkeypatch):
    import torch

    monkeypatch.setattr(torch, "__version__", "2.5.1+cpu")
    with pytest.raises(HamtaError, match=r"torch 2\.5\.1\+cpu cannot load them safely; install torch >= 2"):
        greedy(bin_models["nllb"]).translate(["سلام"], "fa")


def test_no_weights_is_one_line(tmp_path, tiny_nllb):
    model = tmp_path / "m"
    shutil.copytree(tiny_nllb, model, ignore=shutil.ignore_patterns("*.safetensors"))
    (model / "model.ckpt").write_bytes(b"x")
    with pytest.raises(HamtaError, match=r"no weights in .*expected \*\.safetensors or pytorch_model\.bin "
                       r"\(found model\.ckpt"):
        greedy(model).translate(["x"], "fa")


# ----------------------------------------------------------------------------- 2. trained input length
def test_nllb_inputs_are_capped_at_the_trained_512_tokens(tmp_path):
    model = tiny_model_dir("nllb", max_positions=1024)
    tr = greedy(model, max_new_tokens=1)
    assert tr.spec.max_positions == 1024 and tr.family.max_source_tokens == 512
    words = " ".join(sample_sentences("fa")).split()
    long = " ".join(words[:250])
    n = len(tr.family.content_ids(long))
    assert 512 < n < 1020  # within the positions, beyond the trained length
    result = tr.translate([long], "fa")[0]
    assert "split_long" in result.flags


# ----------------------------------------------------------------------------- 3. NLLB language ids
def test_nllb_language_ids_match_the_hub_layout(tiny_nllb):
    tok = greedy(tiny_nllb).tokenizer
    ids = tok.convert_tokens_to_ids(["ace_Arab", "eng_Latn", "zul_Latn", "<mask>"])
    assert ids == [401, 447, 602, 603]  # 400 SentencePiece pieces + 1, contiguous, <mask> last


def test_nllb_folder_without_tokenizer_json_stops_before_wrong_language_output(tiny_nllb, tmp_path):
    model = tmp_path / "old-nllb"
    shutil.copytree(tiny_nllb, model)
    (model / "tokenizer.json").unlink()  # transformers 5 then rebuilds it with every language id shifted
    with pytest.raises(HamtaError) as err:
        greedy(model).translate(["سلام"], "fa")
    assert "not match the checkpoint's language ids (ace_Arab has id 402, expected 401)" in str(err.value)
    assert "tokenizer.json" in str(err.value)


# ----------------------------------------------------------------------------- 4. decoding settings
HOSTILE_GENERATION = {
    "max_length": 4, "min_length": 6, "num_beams": 3, "no_repeat_ngram_size": 1, "repetition_penalty": 3.0,
    "forced_eos_token_id": 5, "length_penalty": 2.0, "early_stopping": False, "do_sample": True,
    "temperature": 0.5,
}


@pytest.mark.parametrize("family, lang, sentences", [("nllb", "fa", SHORT_FA), ("marian", "ar", SHORT_AR)])
def test_checkpoint_generation_config_is_ignored_and_silent(tiny_models, tmp_path, capfd, family, lang,
                                                            sentences):
    model = tmp_path / family
    shutil.copytree(tiny_models[family], model)
    gen = json.loads((model / "generation_config.json").read_text())
    (model / "generation_config.json").write_text(json.dumps({**gen, **HOSTILE_GENERATION}))
    expected = texts(greedy(tiny_models[family], max_new_tokens=None), sentences, lang)
    capfd.readouterr()
    tr = greedy(model, max_new_tokens=None, max_batch_tokens=16)  # several batches: warnings would repeat
    assert texts(tr, sentences, lang) == expected
    err = capfd.readouterr().err
    assert "generation" not in err.lower() and "warn" not in err.lower()


# ----------------------------------------------------------------------------- 5. <unk> in the source
def test_unknown_characters_get_the_unk_flag_and_a_count(tiny_nllb, tmp_path, capsys):
    tr = greedy(tiny_nllb)
    out = tr.translate(["سلام 漢字", "سلام"], "fa")
    assert "unk" in out[0].flags and "unk" not in out[1].flags
    assert tr.stats.flag_counts["unk"] == 1
    doc = tmp_path / "a.txt"
    doc.write_text("سلام دنیا 漢字 است.\n\nسلام دنیا.\n", encoding="utf-8")
    args = ["translate", str(doc), "-o", str(tmp_path / "out"), "--model", str(tiny_nllb),
            "--engine", "hf", "--src", "fa", "--no-cache", "--beam", "1"]
    capsys.readouterr()
    assert main(args) == 0
    assert "unk=1" in capsys.readouterr().err  # the summary line counts them
    records = [json.loads(x) for x in (tmp_path / "out" / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [("unk" in r["flags"]) for r in records] == [True, False]


# ----------------------------------------------------------------------------- 6. one-pair models
def test_one_pair_model_skips_documents_it_cannot_translate(tiny_marian, tmp_path, caplog):
    from hamta.translate.job import load_inputs, translate_documents

    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "ar1.txt").write_text("\n\n".join(sample_sentences("ar", 3)) + "\n", encoding="utf-8")
    (folder / "fa1.txt").write_text("\n\n".join(sample_sentences("fa", 3)) + "\n", encoding="utf-8")
    docs = load_inputs([str(folder)], "auto")
    out = tmp_path / "out"
    with caplog.at_level("WARNING", logger="hamta"):
        summary = translate_documents(greedy(tiny_marian), docs, out)
    assert (out / "ar1.en.txt").is_file() and not (out / "fa1.en.txt").exists()
    assert summary.skipped == ["fa1"] and "skipped 1: fa1" in summary.line(out)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "fa1" in warnings[0] and "ar1" not in warnings[0]


def test_forced_source_language_the_model_lacks_is_still_an_error(tiny_marian):
    with pytest.raises(ValueError, match="translates from 'ar', not 'fa'"):
        greedy(tiny_marian).translate(["سلام"], "fa")


# ----------------------------------------------------------------------------- 8. cache identity
def test_relative_absolute_and_copied_model_are_one_model(tiny_nllb, tmp_path, monkeypatch):
    copy = tmp_path / "copy"
    shutil.copytree(tiny_nllb, copy)
    monkeypatch.chdir(tiny_nllb.parent)
    rel = greedy(f"./{tiny_nllb.name}", cache=tmp_path / "c.sqlite")
    signatures = {rel.signature(), greedy(tiny_nllb).signature(), greedy(copy).signature()}
    assert len(signatures) == 1
    rel.translate(SHORT_FA[:3], "fa")
    again = greedy(copy, cache=tmp_path / "c.sqlite").translate(SHORT_FA[:3], "fa")
    assert all(t.from_cache for t in again)


def test_fingerprint_covers_every_weight_byte_and_remembers_hashes(tmp_path):
    model = tmp_path / "m"
    model.mkdir()
    (model / "config.json").write_text('{"model_type": "marian"}')
    weights = bytearray(9 << 20)  # over the 8 MiB where an older hamta only sampled chunks
    (model / "model.safetensors").write_bytes(weights)
    before = model_fingerprint(model)
    weights[(1 << 20) + 12345] = 1  # a byte no head/middle/tail sample covers
    (model / "model.safetensors").write_bytes(weights)
    after = model_fingerprint(model)
    assert after != before and after.startswith("sha256:")
    # hashes are remembered by (path, size, mtime): a hit is not re-read, a touched file is
    file = model / "model.safetensors"
    real = file_sha256(file)
    stat = file.stat()
    known = {f"{file.resolve()}|{stat.st_size}|{stat.st_mtime_ns}": "remembered"}
    assert file_sha256(file, known) == "remembered"
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert file_sha256(file, known) == real


def test_generation_config_is_not_part_of_the_fingerprint(tiny_nllb, tmp_path):
    copy = tmp_path / "m"
    shutil.copytree(tiny_nllb, copy)
    (copy / "generation_config.json").write_text("{}")
    assert model_fingerprint(copy) == model_fingerprint(tiny_nllb)


def test_cache_list_and_prune_stale_conversions(tiny_marian, tmp_path, capsys):
    pytest.importorskip("ctranslate2")
    from hamta.translate.convert import list_conversions

    model = tmp_path / "m"
    shutil.copytree(tiny_marian, model)
    config = json.loads((model / "config.json").read_text())
    (model / "config.json").write_text(json.dumps({**config, "hamta_test": str(tmp_path)}))  # its own model
    greedy(model, "ct2", compute_type="int8").translate(SHORT_AR[:1], "ar")
    greedy(f"{model}/../m", "ct2", compute_type="int8").translate(SHORT_AR[:1], "ar")
    mine = [c for c in list_conversions() if c.source == str(model.resolve())]
    assert [c.state for c in mine] == ["ok"]  # one conversion for both spellings of the path
    assert main(["cache", "list"]) == 0
    assert str(mine[0].path) in capsys.readouterr().out
    (model / "config.json").write_text((model / "config.json").read_text() + "\n")  # a new model now
    assert [c.state for c in list_conversions() if c.path == mine[0].path] == ["stale"]
    assert main(["cache", "prune"]) == 0
    assert "removed" in capsys.readouterr().out and not mine[0].path.exists()


# ----------------------------------------------------------------------------- 9. offline worked example
def test_tiny_model_module_builds_a_model_hamta_translates(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    build = subprocess.run([sys.executable, "-m", "hamta.testing.tiny_model", str(tmp_path / "tiny")],
                           capture_output=True, text=True, env=env, timeout=300)
    assert build.returncode == 0, build.stderr
    doc = tmp_path / "article.txt"
    doc.write_text(sample_sentences("fa", 1)[0] + "\n", encoding="utf-8")
    args = ["translate", str(doc), "-o", str(tmp_path / "out"), "--model", str(tmp_path / "tiny"),
            "--cache", str(tmp_path / "c.sqlite")]
    assert main(args) == 0
    assert (tmp_path / "out" / "article.en.txt").read_text(encoding="utf-8").strip()


def test_readme_python_example_runs_as_written(tiny_nllb, tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```python\nfrom hamta.records import read_records\nfrom hamta.translate import")
    code = readme[start + len("```python\n") : readme.index("```", start + 3)]
    assert "facebook/nllb-200-distilled-600M" in code
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    records = [{"doc": "article", "idx": i, "text": t, "lang": "fa"} for i, t in enumerate(SHORT_FA[:3])]
    (tmp_path / "out" / "article.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    code = code.replace('"facebook/nllb-200-distilled-600M"', repr(str(tiny_nllb)))
    monkeypatch.setenv("HAMTA_CACHE_DIR", str(tmp_path / "cache"))
    stdout = io.StringIO()
    monkeypatch.setattr(sys, "stdout", stdout)
    exec(compile(code, "README.md", "exec"), {"__name__": "__readme__"})  # noqa: S102
    assert "TranslationStats" in stdout.getvalue()
