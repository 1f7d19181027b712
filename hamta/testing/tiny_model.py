"""Builders for tiny, randomly initialised NLLB, M2M100 and Marian checkpoints (no network).

Why in the package: a new user can watch `hamta translate` work end to end without a download
(``python -m hamta.testing.tiny_model DIR``), and the test suite uses the very same builders.

Each builder trains a small SentencePiece model on the fa/ar/en sample in ``hamta/testing/data/``, builds
the family's real tokenizer class from it, initialises a 2-layer model of the family's real architecture
and saves both into a directory with the hub repositories' layout: NLLB language tokens right after the
SentencePiece pieces and ``<mask>`` after the last one, the checkpoint's own ``generation_config.json``
(whose settings hamta must ignore), and weights as ``model.safetensors`` or, like
``facebook/nllb-200-distilled-600M``, only a ``pytorch_model.bin`` (``weights="bin"``). Weights are seeded
and scaled up so greedy argmax margins are wide (stable, batch-invariant decoding). The output is random
text: it shows the machinery working, not a translation.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["build_nllb", "build_m2m100", "build_marian", "BUILDERS", "sample_sentences", "WEIGHT_FORMATS",
           "nllb_hub_layout"]

SAMPLE_FILES = ("spm_sample.fa.txt", "spm_sample.ar.txt", "spm_sample.en.txt")
#: how a builder stores the weights: safetensors, or only a torch.save'd state dict (like NLLB-600M's main)
WEIGHT_FORMATS = ("safetensors", "bin")
#: SentencePiece pieces of every tiny vocabulary
SPM_PIECES = 400
#: small on purpose: max_position_embeddings bounds the source limit, so long-input splitting is exercised.
MAX_POSITIONS = 64
SMALL = dict(
    d_model=32,
    encoder_layers=2,
    decoder_layers=2,
    encoder_attention_heads=2,
    decoder_attention_heads=2,
    encoder_ffn_dim=64,
    decoder_ffn_dim=64,
    max_position_embeddings=MAX_POSITIONS,
    dropout=0.0,
    attention_dropout=0.0,
    activation_dropout=0.0,
    scale_embedding=True,
    # untied output layer: with tied embeddings a random model just repeats its first token forever
    tie_word_embeddings=False,
)
#: weight scale: wide argmax margins, so outputs are stable; a small one (``init_std=0.02``) gives the narrow
#: margins of real models, where numerical noise (int8, padding) can flip a token
INIT_STD = 0.3
#: the EOS row of the output layer is scaled up so that some (not all) outputs end before the limit
EOS_SCALE = 2.0
#: the <pad> row too: a decoder that does not ban <pad> (as hamta's hf engine does) then emits it
PAD_SCALE = 2.0
#: NLLB's SentencePiece ids are shifted by one (fairseq puts <s> <pad> </s> <unk> first)
FAIRSEQ_OFFSET = 1
#: the hub checkpoints' own generation settings, which hamta must never pick up (beam, lengths, forced EOS)
HUB_GENERATION = {
    "nllb": {"max_length": 200, "num_beams": 5, "early_stopping": False},
    "m2m100": {"max_length": 200, "num_beams": 5, "early_stopping": True},
    "marian": {"max_length": 512, "num_beams": 6, "renormalize_logits": True},
}


def _sample_text(name: str) -> str:
    return resources.files("hamta.testing").joinpath("data", name).read_text(encoding="utf-8")


def sample_sentences(lang: str, n: int | None = None) -> list[str]:
    """The first ``n`` (default all 40) NTREX sample sentences in ``lang`` (fa, ar or en)."""
    lines = [x for x in _sample_text(f"spm_sample.{lang}.txt").splitlines() if x.strip()]
    return lines if n is None else lines[:n]


def _train_spm(out_prefix: Path, vocab_size: int, model_type: str = "bpe") -> Path:
    import sentencepiece as spm

    lines: list[str] = []
    for name in SAMPLE_FILES:
        lines += [x for x in _sample_text(name).splitlines() if x.strip()]
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_prefix=str(out_prefix),
        vocab_size=vocab_size,
        model_type=model_type,
        character_coverage=1.0,
        num_threads=1,
        minloglevel=2,
    )
    return out_prefix.with_suffix(".model")


def _init_model(model, seed: int, std: float = INIT_STD):
    """Seeded init with wide logit margins (std 0.3) and a stronger EOS row (see EOS_SCALE)."""
    import torch

    torch.manual_seed(seed)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if "embed_positions" in name:  # Marian's sinusoidal table: not saved, rebuilt at load
                continue
            if param.dim() >= 2:
                torch.nn.init.normal_(param, std=std)
            elif "layer_norm" in name and name.endswith("weight"):
                param.fill_(1.0)
            else:
                param.zero_()
        output = model.get_output_embeddings().weight
        output[model.config.eos_token_id] *= EOS_SCALE
        if model.config.pad_token_id is not None and model.config.pad_token_id != model.config.eos_token_id:
            output[model.config.pad_token_id] *= PAD_SCALE
    model.eval()
    return model


def _save_weights(model: Any, out: Path, weights: str, family: str) -> None:
    """``model.safetensors`` via save_pretrained, or config + a plain ``torch.save`` of the state dict."""
    import torch
    import transformers

    transformers.utils.logging.disable_progress_bar()
    if weights not in WEIGHT_FORMATS:
        raise ValueError(f"weights must be one of {WEIGHT_FORMATS}, got {weights!r}")
    model.save_pretrained(out)
    if weights == "bin":
        for file in out.glob("*.safetensors"):
            file.unlink()
        torch.save(model.state_dict(), out / "pytorch_model.bin")
    gen_file = out / "generation_config.json"
    gen = json.loads(gen_file.read_text(encoding="utf-8")) if gen_file.is_file() else {}
    gen.update(HUB_GENERATION[family])
    gen.pop("_from_model_config", None)
    if family == "marian":  # opus-mt: bans <pad> and forces </s> at the length limit
        gen.update(bad_words_ids=[[model.config.pad_token_id]], forced_eos_token_id=model.config.eos_token_id)
    gen_file.write_text(json.dumps(gen, indent=2), encoding="utf-8")


def _save_m2m100_model(
    out: Path, tok: Any, vocab_size: int, seed: int, weights: str, max_positions: int, family: str,
    init_std: float,
) -> None:
    """A small random M2M100-architecture model (NLLB and M2M100 share it) saved beside its tokenizer."""
    from transformers import M2M100Config, M2M100ForConditionalGeneration

    cfg = M2M100Config(
        vocab_size=vocab_size,
        pad_token_id=tok.pad_token_id,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
        decoder_start_token_id=tok.eos_token_id,
        **{**SMALL, "max_position_embeddings": max_positions},
    )
    model = _init_model(M2M100ForConditionalGeneration(cfg), seed, init_std)
    _save_weights(model, out, weights, family)


def nllb_hub_layout(out: Path, first: int) -> None:
    """Renumber a saved NLLB tokenizer.json like the hub's: languages from id ``first`` on, then <mask>.

    transformers 5 builds an NLLB tokenizer from a bare SentencePiece model with <mask> *before* the language
    codes, which shifts every language id by one against the checkpoint; the hub's tokenizer.json does not.
    """
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

    file = out / "tokenizer.json"
    data = json.loads(file.read_text(encoding="utf-8"))
    ids = {code: first + i for i, code in enumerate(FAIRSEQ_LANGUAGE_CODES)}
    ids["<mask>"] = first + len(FAIRSEQ_LANGUAGE_CODES)
    for added in data["added_tokens"]:
        added["id"] = ids.get(added["content"], added["id"])
    file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@contextmanager
def _workspace(out_dir: str | Path, model_type: str = "bpe") -> Iterator[tuple[Path, Path, Path]]:
    """(the output folder, created; a scratch folder; a SentencePiece model trained in the scratch folder)."""
    import tempfile

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        yield out, Path(tmp), _train_spm(Path(tmp) / "sp", vocab_size=SPM_PIECES, model_type=model_type)


def build_nllb(out_dir: str | Path, seed: int = 3, *, weights: str = "safetensors",
               max_positions: int = MAX_POSITIONS, init_std: float = INIT_STD) -> Path:
    """A tiny NLLB-200 (M2M100 architecture + NllbTokenizer with all 202 FLORES language codes)."""
    from transformers import NllbTokenizer
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

    with _workspace(out_dir) as (out, tmp, spm_path):
        src = tmp / "sentencepiece.bpe.model"
        spm_path.rename(src)
        # transformers 5: a bare sentencepiece.bpe.model needs protobuf and the language codes passed in
        tok = NllbTokenizer.from_pretrained(tmp, additional_special_tokens=list(FAIRSEQ_LANGUAGE_CODES))
        (out / src.name).write_bytes(src.read_bytes())  # real NLLB repos ship it beside tokenizer.json
    tok.model_max_length = max_positions
    tok.save_pretrained(out)
    nllb_hub_layout(out, SPM_PIECES + FAIRSEQ_OFFSET)
    tok = NllbTokenizer.from_pretrained(out)
    _save_m2m100_model(out, tok, len(tok), seed, weights, max_positions, "nllb", init_std)
    return out


def build_m2m100(out_dir: str | Path, seed: int = 1, *, weights: str = "safetensors",
                 max_positions: int = MAX_POSITIONS, init_std: float = INIT_STD) -> Path:
    """A tiny M2M100 (M2M100Tokenizer: a SentencePiece model + vocab.json with __xx__ language tokens)."""
    import sentencepiece as spm
    from transformers import M2M100Tokenizer

    with _workspace(out_dir) as (out, tmp, spm_path):
        proc = spm.SentencePieceProcessor(model_file=str(spm_path))
        vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
        for i in range(proc.get_piece_size()):
            piece = proc.id_to_piece(i)
            if piece not in vocab and not proc.is_control(i) and not proc.is_unknown(i):
                vocab[piece] = len(vocab)
        (tmp / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        spm_path.rename(tmp / "sentencepiece.bpe.model")
        tok = M2M100Tokenizer(
            vocab_file=str(tmp / "vocab.json"),
            spm_file=str(tmp / "sentencepiece.bpe.model"),
            language_codes="m2m100",
        )
        tok.model_max_length = max_positions
        tok.save_pretrained(out)
    # language tokens (and "madeup words") come after the SentencePiece vocabulary, as in the real model
    vocab_size = max(max(tok.get_vocab().values()), *tok.lang_token_to_id.values()) + 1 + tok.num_madeup_words
    _save_m2m100_model(out, tok, vocab_size, seed, weights, max_positions, "m2m100", init_std)
    return out


def build_marian(
    out_dir: str | Path,
    seed: int = 2,
    *,
    source_lang: str = "ar",
    target_lang: str = "en",
    target_tokens: tuple[str, ...] = (),
    weights: str = "safetensors",
    max_positions: int = MAX_POSITIONS,
    init_std: float = INIT_STD,
) -> Path:
    """A tiny opus-mt style Marian model (source.spm/target.spm/vocab.json, pad as decoder start).

    ``target_tokens`` (e.g. ``(">>eng<<", ">>fra<<")``) makes it a multi-target model that needs a prefix.
    """
    import sentencepiece as spm
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    with _workspace(out_dir, model_type="unigram") as (out, tmp, spm_path):
        proc = spm.SentencePieceProcessor(model_file=str(spm_path))
        vocab: dict[str, int] = {}
        for tok_text in (*target_tokens, "</s>", "<unk>"):
            vocab[tok_text] = len(vocab)
        for i in range(proc.get_piece_size()):
            piece = proc.id_to_piece(i)
            if piece not in vocab and not proc.is_control(i) and not proc.is_unknown(i):
                vocab[piece] = len(vocab)
        vocab["<pad>"] = len(vocab)
        (tmp / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        for name in ("source.spm", "target.spm"):
            (tmp / name).write_bytes(spm_path.read_bytes())
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*sacremoses.*")
            tok = MarianTokenizer(
                source_spm=str(tmp / "source.spm"),
                target_spm=str(tmp / "target.spm"),
                vocab=str(tmp / "vocab.json"),
                source_lang=source_lang,
                target_lang=target_lang,
                model_max_length=max_positions,
            )
        tok.save_pretrained(out)
    pad_id = vocab["<pad>"]
    cfg = MarianConfig(
        vocab_size=len(vocab),
        pad_token_id=pad_id,
        eos_token_id=vocab["</s>"],
        decoder_start_token_id=pad_id,
        forced_eos_token_id=vocab["</s>"],
        share_encoder_decoder_embeddings=True,
        **{**SMALL, "max_position_embeddings": max_positions},
    )
    model = _init_model(MarianMTModel(cfg), seed, init_std)
    _save_weights(model, out, weights, "marian")
    return out


BUILDERS = {"nllb": build_nllb, "m2m100": build_m2m100, "marian": build_marian}


def main(argv: list[str] | None = None) -> int:
    """``python -m hamta.testing.tiny_model DIR [--family nllb]``: build a tiny model to try hamta offline."""
    parser = argparse.ArgumentParser(
        prog="python -m hamta.testing.tiny_model",
        description="Build a tiny random translation model (a few MB, seconds, no network) so that "
        "`hamta translate --model DIR` can be tried offline. Its output is random words, not translations.",
    )
    parser.add_argument("out_dir", metavar="DIR", help="directory to create")
    parser.add_argument("--family", choices=sorted(BUILDERS), default="nllb")
    parser.add_argument("--weights", choices=WEIGHT_FORMATS, default="safetensors")
    args = parser.parse_args(argv)
    path = BUILDERS[args.family](args.out_dir, weights=args.weights)
    print(f"tiny {args.family} model in {path}; try: hamta translate FILE.txt -o out/ --model {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
