"""Builders for tiny, randomly initialised NLLB, M2M100 and Marian checkpoints (no network).

Each builder trains a small SentencePiece model on the fa/ar/en sample under tests/fixtures/, builds the
family's real tokenizer class from it, initialises a 2-layer model of the family's real architecture and
`save_pretrained`s both (safetensors) into a directory, so hamta loads it exactly like a real checkpoint.
Weights are seeded and scaled up so greedy argmax margins are wide (stable, batch-invariant decoding).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

__all__ = ["build_nllb", "build_m2m100", "build_marian", "BUILDERS", "FIXTURES"]

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_FILES = ("spm_sample.fa.txt", "spm_sample.ar.txt", "spm_sample.en.txt")
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
#: the EOS row of the output layer is scaled up so that some (not all) outputs end before the limit
EOS_SCALE = 2.0


def _train_spm(out_prefix: Path, vocab_size: int, model_type: str = "bpe") -> Path:
    import sentencepiece as spm

    lines: list[str] = []
    for name in SAMPLE_FILES:
        lines += [x for x in (FIXTURES / name).read_text(encoding="utf-8").splitlines() if x.strip()]
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


def _init_model(model, seed: int):
    """Seeded init with wide logit margins (std 0.3) and a stronger EOS row (see EOS_SCALE)."""
    import torch

    torch.manual_seed(seed)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if param.dim() >= 2:
                torch.nn.init.normal_(param, std=0.3)
            elif "layer_norm" in name and name.endswith("weight"):
                param.fill_(1.0)
            else:
                param.zero_()
        model.get_output_embeddings().weight[model.config.eos_token_id] *= EOS_SCALE
    model.eval()
    return model


def _save_m2m100_model(out: Path, tok: Any, vocab_size: int, seed: int) -> None:
    """A small random M2M100-architecture model (NLLB and M2M100 share it) saved beside its tokenizer."""
    from transformers import M2M100Config, M2M100ForConditionalGeneration

    cfg = M2M100Config(
        vocab_size=vocab_size,
        pad_token_id=tok.pad_token_id,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
        decoder_start_token_id=tok.eos_token_id,
        **SMALL,
    )
    model = _init_model(M2M100ForConditionalGeneration(cfg), seed)
    model.save_pretrained(out, safe_serialization=True)


def build_nllb(out_dir: str | Path, seed: int = 0) -> Path:
    """A tiny NLLB-200 (M2M100 architecture + NllbTokenizer with all 202 FLORES language codes)."""
    import tempfile

    from transformers import NllbTokenizer
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        spm_path = _train_spm(Path(tmp) / "sp", vocab_size=400)
        src = Path(tmp) / "sentencepiece.bpe.model"
        spm_path.rename(src)
        # transformers 5: a bare sentencepiece.bpe.model needs protobuf and the language codes passed in
        tok = NllbTokenizer.from_pretrained(tmp, additional_special_tokens=list(FAIRSEQ_LANGUAGE_CODES))
        (out / src.name).write_bytes(src.read_bytes())  # real NLLB repos ship it beside tokenizer.json
    _save_m2m100_model(out, tok, len(tok), seed)
    tok.model_max_length = MAX_POSITIONS
    tok.save_pretrained(out)
    return out


def build_m2m100(out_dir: str | Path, seed: int = 1) -> Path:
    """A tiny M2M100 (M2M100Tokenizer: a SentencePiece model + vocab.json with __xx__ language tokens)."""
    import tempfile

    import sentencepiece as spm
    from transformers import M2M100Tokenizer

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        spm_path = _train_spm(Path(tmp) / "sp", vocab_size=400)
        proc = spm.SentencePieceProcessor(model_file=str(spm_path))
        vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
        for i in range(proc.get_piece_size()):
            piece = proc.id_to_piece(i)
            if piece not in vocab and not proc.is_control(i) and not proc.is_unknown(i):
                vocab[piece] = len(vocab)
        (Path(tmp) / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        spm_path.rename(Path(tmp) / "sentencepiece.bpe.model")
        tok = M2M100Tokenizer(
            vocab_file=str(Path(tmp) / "vocab.json"),
            spm_file=str(Path(tmp) / "sentencepiece.bpe.model"),
            language_codes="m2m100",
        )
        tok.model_max_length = MAX_POSITIONS
        tok.save_pretrained(out)
    # language tokens (and "madeup words") come after the SentencePiece vocabulary, as in the real model
    vocab_size = max(max(tok.get_vocab().values()), *tok.lang_token_to_id.values()) + 1 + tok.num_madeup_words
    _save_m2m100_model(out, tok, vocab_size, seed)
    return out


def build_marian(
    out_dir: str | Path,
    seed: int = 2,
    *,
    source_lang: str = "ar",
    target_lang: str = "en",
    target_tokens: tuple[str, ...] = (),
) -> Path:
    """A tiny opus-mt style Marian model (source.spm/target.spm/vocab.json, pad as decoder start).

    ``target_tokens`` (e.g. ``(">>eng<<", ">>fra<<")``) makes it a multi-target model that needs a prefix.
    """
    import tempfile

    import sentencepiece as spm
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        spm_path = _train_spm(Path(tmp) / "sp", vocab_size=400, model_type="unigram")
        proc = spm.SentencePieceProcessor(model_file=str(spm_path))
        vocab: dict[str, int] = {}
        for tok_text in (*target_tokens, "</s>", "<unk>"):
            vocab[tok_text] = len(vocab)
        for i in range(proc.get_piece_size()):
            piece = proc.id_to_piece(i)
            if piece not in vocab and not proc.is_control(i) and not proc.is_unknown(i):
                vocab[piece] = len(vocab)
        vocab["<pad>"] = len(vocab)
        (Path(tmp) / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        for name in ("source.spm", "target.spm"):
            (Path(tmp) / name).write_bytes(spm_path.read_bytes())
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*sacremoses.*")
            tok = MarianTokenizer(
                source_spm=str(Path(tmp) / "source.spm"),
                target_spm=str(Path(tmp) / "target.spm"),
                vocab=str(Path(tmp) / "vocab.json"),
                source_lang=source_lang,
                target_lang=target_lang,
                model_max_length=MAX_POSITIONS,
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
        **SMALL,
    )
    model = _init_model(MarianMTModel(cfg), seed)
    model.save_pretrained(out, safe_serialization=True)
    return out


BUILDERS = {"nllb": build_nllb, "m2m100": build_m2m100, "marian": build_marian}
