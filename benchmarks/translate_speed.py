"""Translation speed: hamta's engines against the usual ways of running the same checkpoint.

Models are random-init at the real sizes (no download): ``marian`` = opus-mt (d_model 512, 6+6 layers,
vocabulary 58,101) and ``nllb`` = NLLB-200-distilled-600M (d_model 1024, 12+12 layers, vocabulary
256,206). Tokenizers are real transformers tokenizer classes built from a SentencePiece/BPE model trained
on the NTREX dev text, padded with unused filler entries to the real vocabulary size (the output
projection over the whole vocabulary is a large part of each decoding step).

Sentences are NTREX dev fa/ar lines (half each), so source lengths follow real news. Output lengths are
FIXED: sentence i decodes exactly L_i tokens in every engine (EOS suppressed until L_i, stop at L_i), where
L_i is the length of its English reference in target tokens, rounded up to a multiple of 8. Engines get
the sentences in (language, L) groups, one call per group, so all do identical work.

Engines: (a) a naive per-sentence ``generate`` loop; (b) batched ``generate`` in input order with
batch_size (what transformers' translation pipeline did; transformers 5 has no translation pipeline);
(c) hamta, transformers engine; (d) raw CTranslate2 ``translate_batch``, int8, sorted batches, once per
point of the ``inter_threads x intra_threads`` grid its performance guide recommends (every split of the
thread budget; with inter_threads > 1 each group is cut so that every worker gets a share), the best
point being the one hamta is compared with (``--raw-batch`` sets its largest batch: the best is 8 at
Marian size, 32 at NLLB size); (e) hamta, CTranslate2 engine (int8), ``batching="exact"`` (batches of one
length bucket: batch-invariant outputs); (f) the same with the default ``batching="padded"``. Each
engine runs in its own process (clean peak memory), loads and warms up outside the timing, and is timed on
the plain set and on a set with 30 % repeated sentences. Ratios are measured within one run (same machine
state).

Usage:
    python benchmarks/translate_speed.py --quick          # marian, 64 sentences, engines d (grid), e, f
    python benchmarks/translate_speed.py --model marian --sentences 200
    python benchmarks/translate_speed.py --model nllb --sentences 200 --engines c,d,e
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("HAMTA_SHARED") or ROOT.parent / "shared")
NTREX = SHARED / "data" / "ntrex-dev"
ENGINES = {
    "a": "naive generate loop",
    "b": "batched generate (pipeline-style)",
    "c": "hamta hf",
    "d": "raw CTranslate2 int8",  # one entry per grid point: d1x2, d2x1, ...
    "e": "hamta ct2 int8, --batching exact",
    "f": "hamta ct2 int8, padded batching (default)",
}
SIZES = {
    "marian": dict(d_model=512, layers=6, heads=8, ffn=2048, vocab=58101),
    "nllb": dict(d_model=1024, layers=12, heads=16, ffn=4096, vocab=256000),
}
BUCKET = 8
BATCH = 32  # default sentences per batch for (b) and (d) (--raw-batch); hamta uses its token budget


# ----------------------------------------------------------------------------------------- model building
def _ntrex_lines() -> dict[str, list[str]]:
    if not NTREX.is_dir():
        sys.exit(f"translate_speed: {NTREX} not found (set HAMTA_SHARED)")
    return {lang: (NTREX / f"dev.{lang}").read_text(encoding="utf-8").splitlines()
            for lang in ("fa", "ar", "en")}


def _train_spm(prefix: Path, lines: list[str], vocab: int) -> Path:
    import sentencepiece as spm

    spm.SentencePieceTrainer.train(sentence_iterator=iter(lines), model_prefix=str(prefix), vocab_size=vocab,
                                   model_type="unigram", character_coverage=1.0, hard_vocab_limit=False,
                                   num_threads=2, minloglevel=2)
    return prefix.with_suffix(".model")


def _init(model):  # noqa: ANN001, ANN202
    import torch

    torch.manual_seed(0)
    model.eval()
    return model


def build_marian(out: Path, lines: list[str]) -> None:
    import sentencepiece as spm
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    size = SIZES["marian"]
    with tempfile.TemporaryDirectory() as tmp:
        model_file = _train_spm(Path(tmp) / "sp", lines, 8000)
        proc = spm.SentencePieceProcessor(model_file=str(model_file))
        vocab = {"</s>": 0, "<unk>": 1}
        for i in range(proc.get_piece_size()):
            piece = proc.id_to_piece(i)
            if piece not in vocab and not proc.is_control(i) and not proc.is_unknown(i):
                vocab[piece] = len(vocab)
        while len(vocab) < size["vocab"] - 1:  # unused filler entries up to opus-mt's vocabulary size
            vocab[f"\ue000filler{len(vocab)}"] = len(vocab)
        vocab["<pad>"] = len(vocab)
        (Path(tmp) / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        for name in ("source.spm", "target.spm"):
            (Path(tmp) / name).write_bytes(model_file.read_bytes())
        tok = MarianTokenizer(source_spm=str(Path(tmp) / "source.spm"),
                              target_spm=str(Path(tmp) / "target.spm"),
                              vocab=str(Path(tmp) / "vocab.json"), source_lang="mul", target_lang="eng",
                              model_max_length=512)
        tok.save_pretrained(out)
    pad = vocab["<pad>"]
    cfg = MarianConfig(vocab_size=len(vocab), d_model=size["d_model"], encoder_layers=size["layers"],
                       decoder_layers=size["layers"], encoder_attention_heads=size["heads"],
                       decoder_attention_heads=size["heads"], encoder_ffn_dim=size["ffn"],
                       decoder_ffn_dim=size["ffn"], max_position_embeddings=512, activation_function="swish",
                       scale_embedding=True, pad_token_id=pad, eos_token_id=0, decoder_start_token_id=pad,
                       forced_eos_token_id=None)
    _init(MarianMTModel(cfg)).save_pretrained(out, safe_serialization=True)


def build_nllb(out: Path, lines: list[str]) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    from hamta.testing.tiny_model import nllb_hub_layout

    size = SIZES["nllb"]
    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    bpe.train_from_iterator(lines, trainers.BpeTrainer(vocab_size=16000, special_tokens=specials))
    state = json.loads(bpe.to_str())["model"]
    vocab = dict(state["vocab"])
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in state["merges"]]
    while len(vocab) < size["vocab"]:  # unused filler entries up to NLLB's vocabulary size
        vocab[f"\ue000filler{len(vocab)}"] = len(vocab)
    tok = NllbTokenizer(vocab=vocab, merges=merges, model_max_length=1024)
    tok.save_pretrained(out)
    nllb_hub_layout(out, len(vocab))  # languages right after the vocabulary, <mask> last, as on the hub
    tok = NllbTokenizer.from_pretrained(out)
    cfg = M2M100Config(vocab_size=len(tok) + 2, d_model=size["d_model"], encoder_layers=size["layers"],
                       decoder_layers=size["layers"], encoder_attention_heads=size["heads"],
                       decoder_attention_heads=size["heads"], encoder_ffn_dim=size["ffn"],
                       decoder_ffn_dim=size["ffn"], max_position_embeddings=1024, scale_embedding=True,
                       pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id,
                       eos_token_id=tok.eos_token_id,
                       decoder_start_token_id=tok.eos_token_id, forced_eos_token_id=None)
    _init(M2M100ForConditionalGeneration(cfg)).save_pretrained(out, safe_serialization=True)


def ensure_model(kind: str, workdir: Path) -> Path:
    out = workdir / f"{kind}-random"
    if (out / "model.safetensors").is_file():
        return out
    lines = [x for v in _ntrex_lines().values() for x in v if x.strip()]
    print(f"building a random-init {kind} model in {out} ...", file=sys.stderr)
    tmp = Path(tempfile.mkdtemp(prefix=f".{kind}-", dir=workdir))
    (build_marian if kind == "marian" else build_nllb)(tmp, lines)
    os.replace(tmp, out)
    return out


def raw_ct2_model(kind: str, model_dir: Path, workdir: Path) -> Path:
    """The model converted once by CTranslate2's own converter (int8), as a raw CTranslate2 user has it."""
    from ctranslate2.converters import TransformersConverter

    out = workdir / f"{kind}-raw-ct2-int8"
    if not (out / "model.bin").is_file():
        TransformersConverter(str(model_dir)).convert(str(out), quantization="int8", force=True)
    return out


# ----------------------------------------------------------------------------------------- work definition
def make_work(model_dir: Path, n: int, repeat_fraction: float, seed: int = 0,
              one_length: int = 0) -> dict[str, list]:
    """Plain and repeated sets: lists of (lang, text, L) with fixed output lengths L (``one_length``: the
    same L for every sentence, so each language is one call: a whole job rather than small groups)."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir)
    data = _ntrex_lines()
    rng = random.Random(seed)
    idx = rng.sample(range(len(data["en"])), n)
    plain = []
    for j, i in enumerate(idx):
        lang = "fa" if j % 2 == 0 else "ar"
        n_en = len(tok(text_target=data["en"][i]).input_ids) - 1 if hasattr(tok, "target_spm") else len(
            tok(data["en"][i], add_special_tokens=False).input_ids)
        fixed = one_length or max(BUCKET, math.ceil(n_en / BUCKET) * BUCKET)
        plain.append((lang, data[lang][i], fixed))
    n_unique = round(n * (1 - repeat_fraction))
    repeated = plain[:n_unique] + [plain[rng.randrange(n_unique)] for _ in range(n - n_unique)]
    rng.shuffle(repeated)
    return {"plain": plain, "repeats": repeated}


def groups(work: list) -> list[tuple[str, int, list[str]]]:
    out: dict[tuple[str, int], list[str]] = {}
    for lang, text, length in work:
        out.setdefault((lang, length), []).append(text)
    return [(lang, length, texts) for (lang, length), texts in sorted(out.items())]


# ----------------------------------------------------------------------------------------- workers
def _hf_model(model_dir: Path):  # noqa: ANN202
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSeq2SeqLM.from_pretrained(model_dir, use_safetensors=True, dtype=torch.float32).eval()
    return tok, model


def _nllb_code(lang: str) -> str:
    return {"fa": "pes_Arab", "ar": "arb_Arab"}[lang]


def grid(threads: int) -> list[tuple[int, int]]:
    """(inter_threads, intra_threads) pairs that use the whole thread budget."""
    return [(inter, threads // inter) for inter in range(1, threads + 1) if threads % inter == 0]


def label(engine: str) -> str:
    if engine.startswith("d") and "x" in engine:
        inter, intra = engine[1:].split("x")
        return f"raw CTranslate2 int8, inter_threads {inter} x intra_threads {intra}"
    return ENGINES[engine]


def runner(engine: str, model_dir: Path, kind: str, args: argparse.Namespace):  # noqa: ANN201, C901
    """A function (lang, L, texts) -> outputs token counts, for one engine, loaded and ready."""
    import torch

    torch.set_num_threads(args.threads)
    beam = args.beam
    if engine in ("a", "b"):
        tok, model = _hf_model(model_dir)
        extra = 1 if kind == "nllb" else 0

        def gen(lang: str, length: int, texts: list[str]) -> list[int]:
            if kind == "nllb":
                tok.src_lang = _nllb_code(lang)
            kw = dict(num_beams=beam, do_sample=False, min_new_tokens=length + extra,
                      max_new_tokens=length + extra)
            if kind == "nllb":
                kw["forced_bos_token_id"] = tok.convert_tokens_to_ids("eng_Latn")
            step = 1 if engine == "a" else args.raw_batch
            counts = []
            for k in range(0, len(texts), step):
                enc = tok(texts[k:k + step], return_tensors="pt", padding=True)
                with torch.inference_mode():
                    out = model.generate(**enc, **kw)
                counts += [out.shape[1] - 1 - extra] * out.shape[0]
            return counts

        return gen
    if engine.startswith("d"):
        import ctranslate2
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(model_dir)
        out = raw_ct2_model(kind, model_dir, Path(args.workdir))
        inter, intra = (int(x) for x in engine[1:].split("x")) if "x" in engine else (1, args.threads)
        tr = ctranslate2.Translator(str(out), device="cpu", compute_type="int8", intra_threads=intra,
                                    inter_threads=inter)

        def gen(lang: str, length: int, texts: list[str]) -> list[int]:
            if kind == "nllb":
                tok.src_lang = _nllb_code(lang)
            src = [tok.convert_ids_to_tokens(tok(t).input_ids) for t in texts]
            prefix = [["eng_Latn"]] * len(src) if kind == "nllb" else None
            extra = 1 if kind == "nllb" else 0
            # equal batches of at most --raw-batch, as many as a multiple of the workers: every worker gets
            # an equal share of the group (the best raw CTranslate2 can do with this batch size)
            rounds = -(-len(src) // (inter * args.raw_batch))
            size = -(-len(src) // (rounds * inter))
            res = tr.translate_batch(src, target_prefix=prefix, max_batch_size=size, beam_size=beam,
                                     min_decoding_length=length + extra, max_decoding_length=length + extra)
            hyps = [r.hypotheses[0][extra:] for r in res]
            for h in hyps:  # detokenize, as every other engine does
                tok.decode(tok.convert_tokens_to_ids(h), skip_special_tokens=True)
            return [len(h) for h in hyps]

        return gen
    # hamta engines
    from hamta.translate import Translator

    if args.batch_cost:  # the robustness runs: another batch-cost file than the shipped one
        from hamta.translate import batching

        costs = json.loads(Path(args.batch_cost).read_text(encoding="utf-8"))
        batching._batch_costs = lambda: costs

    cache = Path(tempfile.mkdtemp(prefix="hamta-bench-cache-"))
    if engine == "c":
        _register_fixed_hf()
        tr = Translator(model_dir, engine="hf_fixed", device="cpu", beam_size=beam, cache=cache / "t.sqlite",
                        threads=args.threads)
    else:
        tr = Translator(model_dir, engine="ct2", device="cpu", beam_size=beam, cache=cache / "t.sqlite",
                        compute_type="int8", threads=args.threads, fixed_length=True,
                        ct2_cache=Path(args.workdir) / "hamta-ct2",
                        batching="padded" if engine == "f" else "exact",
                        **({"max_batch_tokens": args.max_batch_tokens} if args.max_batch_tokens else {}))
    tr.engine  # noqa: B018 - load (and convert) outside the timing

    def gen(lang: str, length: int, texts: list[str]) -> list[int]:
        tr.max_new_tokens = length
        return [t.n_tokens for t in tr.translate(texts, lang)]

    def fresh_cache() -> None:
        tr.close()
        tr._cache_arg = Path(tempfile.mkdtemp(prefix="hamta-bench-cache-")) / "t.sqlite"

    gen.fresh_cache = fresh_cache  # type: ignore[attr-defined]
    return gen


def _register_fixed_hf() -> None:
    """hamta's hf engine with EOS suppressed until max_new_tokens (the ct2 engine's ``fixed_length``)."""
    import types

    from hamta.translate.base import ENGINES
    from hamta.translate.hf import HFEngine

    class FixedHF(HFEngine):
        name = "hf"

        def cache_identity(self) -> str:
            return super().cache_identity() + ":fixed"

        def _generation_config(self, tgt_token_id, beam_size, max_new_tokens, no_repeat_ngram_size):  # noqa: ANN001, ANN202
            cfg = super()._generation_config(tgt_token_id, beam_size, max_new_tokens, no_repeat_ngram_size)
            cfg.min_new_tokens = cfg.max_new_tokens = max_new_tokens + (1 if tgt_token_id is not None else 0)
            return cfg

    module = types.ModuleType("hamta_bench_fixed_hf")
    module.ENGINE = FixedHF  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    ENGINES["hf_fixed"] = module.__name__


def _rss_mb() -> float:
    """Peak resident memory of this worker (VmHWM; ru_maxrss would include the parent's, kept over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(args: argparse.Namespace) -> None:
    spec = json.loads(Path(args.worker_spec).read_text(encoding="utf-8"))
    model_dir, kind, engine = Path(spec["model_dir"]), spec["kind"], spec["engine"]
    gen = runner(engine, model_dir, kind, args)
    gen("fa", 8, ["سلام دنیا، این یک آزمایش کوتاه است."])  # warm-up
    result = {}
    for name, work in spec["work"].items():
        if hasattr(gen, "fresh_cache"):
            gen.fresh_cache()
        t0 = time.perf_counter()
        bad = 0
        for lang, length, texts in groups(work):
            counts = gen(lang, length, texts)
            bad += sum(c != length for c in counts)
        result[name] = {"seconds": time.perf_counter() - t0, "wrong_lengths": bad}
    result["peak_rss_mb"] = _rss_mb()
    Path(args.worker_out).write_text(json.dumps(result), encoding="utf-8")


# ----------------------------------------------------------------------------------------- driver
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", choices=sorted(SIZES), default="marian")
    ap.add_argument("--sentences", type=int, default=200)
    ap.add_argument("--repeat-fraction", type=float, default=0.3)
    ap.add_argument("--beam", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--engines", default="a,b,c,d,e,f",
                    help="comma list of a,b,c,d,e,f (d = the whole inter x intra grid, or e.g. d2x1)")
    ap.add_argument("--repeat-engines", default="a,b,c,d,e",
                    help="engines also timed on the set with repeats (the repeats target compares e with d)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="run the engines this many times, interleaved, and keep each one's best time "
                    "(fairer ratios on a machine shared with other jobs)")
    ap.add_argument("--one-length", type=int, default=0, metavar="L",
                    help="every sentence decodes exactly L tokens, so each language is one call of the whole "
                    "set (a job), instead of one call per (language, reference length) group")
    ap.add_argument("--raw-batch", type=int, default=BATCH, metavar="N",
                    help=f"sentences per batch of (b) and (d) (default {BATCH}; hamta's default token budget "
                    "makes batches of about 30-60 news sentences)")
    ap.add_argument("--max-batch-tokens", type=int, default=0, metavar="N",
                    help="hamta's token budget per batch (default: hamta's own default)")
    ap.add_argument("--batch-cost", metavar="FILE",
                    help="hamta's engines plan with this batch-cost file, not hamta/data/batch_cost.json "
                    "(robustness of the measured constants)")
    ap.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "hamta-bench"))
    ap.add_argument("--quick", action="store_true",
                    help="marian, 64 sentences, engines d (grid), e and f only")
    ap.add_argument("--worker-spec", help=argparse.SUPPRESS)
    ap.add_argument("--worker-out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker_spec:
        worker(args)
        return 0
    if args.quick:
        args.model, args.sentences, args.engines, args.repeat_engines = "marian", 64, "d,e,f", "d,e,f"
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    model_dir = ensure_model(args.model, workdir)
    work = make_work(model_dir, args.sentences, args.repeat_fraction, one_length=args.one_length)
    tokens = sum(length for _, _, length in work["plain"])
    engines: list[str] = []
    for e in (x for x in args.engines.split(",") if x):
        engines += [f"d{i}x{j}" for i, j in grid(args.threads)] if e == "d" else [e]
    results: dict[str, dict] = {}
    repeat_engines = args.repeat_engines.split(",")
    for engine in [e for _ in range(args.rounds) for e in engines]:
        mine = work if engine in repeat_engines or engine[0] in repeat_engines else {"plain": work["plain"]}
        spec = {"model_dir": str(model_dir), "kind": args.model, "engine": engine, "work": mine}
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
            cmd = [sys.executable, __file__, "--worker-spec", str(Path(tmp) / "spec.json"), "--worker-out",
                   str(Path(tmp) / "out.json"), "--beam", str(args.beam), "--threads", str(args.threads),
                   "--workdir", str(workdir), "--raw-batch", str(args.raw_batch)]
            if args.batch_cost:
                cmd += ["--batch-cost", str(Path(args.batch_cost).resolve())]
            if args.max_batch_tokens:
                cmd += ["--max-batch-tokens", str(args.max_batch_tokens)]
            env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), PYTHONPATH=str(ROOT))
            subprocess.run(cmd, check=True, env=env, stderr=subprocess.DEVNULL if not os.environ.get(
                "BENCH_DEBUG") else None)
            new = json.loads((Path(tmp) / "out.json").read_text())
        old = results.setdefault(engine, new)
        for name in ("plain", "repeats"):  # the best round of each engine
            if name in new and new[name]["seconds"] < old[name]["seconds"]:
                old[name] = new[name]
        old["peak_rss_mb"] = max(old["peak_rss_mb"], new["peak_rss_mb"])
        r = new
        repeats = f"{r['repeats']['seconds']:.1f}s" if "repeats" in r else "not run"
        print(f"  {engine}: plain {r['plain']['seconds']:.1f}s, repeats {repeats}", file=sys.stderr)
    n = args.sentences
    print(f"\nmodel {args.model} (random init, real size), {n} sentences (NTREX dev fa/ar), {tokens} target "
          f"tokens (fixed), beam {args.beam}, {args.threads} threads; repeats: {args.repeat_fraction:.0%}; "
          f"best of {args.rounds} interleaved round(s); "
          + (f"one call per language, every output {args.one_length} tokens; " if args.one_length else
             "one call per (language, output length) group; ")
          + f"load average at the end: {os.getloadavg()[0]:.1f}\n")
    raw = [e for e in results if e.startswith("d")]
    best = {name: min((results[e][name]["seconds"] for e in raw if name in results[e]), default=None)
            for name in ("plain", "repeats")}
    print("| engine | sent/s | tgt tok/s | peak RSS MB | x (a) | x best (d) | with repeats: sent/s "
          "| x best (d) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for engine in engines:
        r = results[engine]
        sps = n / r["plain"]["seconds"]
        rps = f"{n / r['repeats']['seconds']:.2f}" if "repeats" in r else "-"
        xa = f"{results['a']['plain']['seconds'] / r['plain']['seconds']:.2f}" if "a" in results else "-"
        xd = f"{best['plain'] / r['plain']['seconds']:.2f}" if best["plain"] else "-"
        rxd = "-"
        if "repeats" in r and best["repeats"]:
            rxd = f"{best['repeats'] / r['repeats']['seconds']:.2f}"
        wrong = sum(r[name]["wrong_lengths"] for name in ("plain", "repeats") if name in r)
        flag = f" (!{wrong} wrong lengths)" if wrong else ""
        print(f"| ({engine}) {label(engine)}{flag} | {sps:.2f} | {tokens / r['plain']['seconds']:.1f} | "
              f"{r['peak_rss_mb']:.0f} | {xa} | {xd} | {rps} | {rxd} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
