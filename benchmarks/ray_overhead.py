"""Ray overhead: the same sentences through the single-process engine and through local Ray (Ray Data actors).

Why: `--ray` only pays off when the model work outweighs Ray's fixed costs (starting Ray, starting one
Python + torch per actor and loading the model there, shipping blocks). This measures both sides on this
machine, on the same sentences and settings, and checks the outputs are identical.

The model is a *random* NLLB-architecture checkpoint built here (no download): the tiny test model's
tokenizer with a wider/deeper network (``--d-model``, ``--layers``), so per-sentence compute is closer to a
real model's than the test model's. Its outputs are gibberish; every sentence decodes ``--max-new-tokens``
tokens (random models rarely stop), which fixes the work per sentence.

    python benchmarks/ray_overhead.py                       # 400 NTREX fa sentences, 2 actors x 1 CPU
    python benchmarks/ray_overhead.py --sentences 200 --actors 1 --cpus 2

Prints one table (wall seconds and sentences/s per setting) and the Ray overhead.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("HAMTA_SHARED") or ROOT.parent / "shared")


def build_model(out: Path, d_model: int, layers: int) -> Path:
    """A random NLLB-architecture model with the tiny test tokenizer (tests/conftest.py builds that)."""
    sys.path.insert(0, str(ROOT / "tests"))
    import torch
    from conftest import tiny_model_dir
    from transformers import AutoTokenizer, M2M100Config, M2M100ForConditionalGeneration

    tiny = tiny_model_dir("nllb")
    tok = AutoTokenizer.from_pretrained(tiny)
    base = M2M100Config.from_pretrained(tiny)
    cfg = M2M100Config(
        vocab_size=base.vocab_size, pad_token_id=base.pad_token_id, bos_token_id=base.bos_token_id,
        eos_token_id=base.eos_token_id, decoder_start_token_id=base.decoder_start_token_id,
        d_model=d_model, encoder_layers=layers, decoder_layers=layers, encoder_attention_heads=8,
        decoder_attention_heads=8, encoder_ffn_dim=4 * d_model, decoder_ffn_dim=4 * d_model,
        max_position_embeddings=256, dropout=0.0, attention_dropout=0.0, activation_dropout=0.0,
        scale_embedding=True, tie_word_embeddings=False,
    )
    torch.manual_seed(0)
    model = M2M100ForConditionalGeneration(cfg).eval()
    model.save_pretrained(out, safe_serialization=True)
    tok.model_max_length = 256
    tok.save_pretrained(out)
    for extra in tiny.glob("sentencepiece*.model"):
        (out / extra.name).write_bytes(extra.read_bytes())
    return out


def load_records(n: int) -> list:
    from hamta.records import Sentence

    path = SHARED / "data" / "ntrex-dev" / "dev.fa"
    if not path.is_file():
        sys.exit(f"ray_overhead: {path} is missing (set HAMTA_SHARED)")
    lines = [x.strip() for x in path.read_text(encoding="utf-8").splitlines() if x.strip()][:n]
    return [Sentence(doc="ntrex", idx=i, text=t, start=0, end=len(t), lang="fa") for i, t in enumerate(lines)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=400)
    parser.add_argument("--actors", type=int, default=2)
    parser.add_argument("--cpus", type=int, default=2, help="CPUs of the local Ray instance (= torch threads "
                        "of the single-process run)")
    parser.add_argument("--d-model", type=int, default=256)
    parser.add_argument("--layers", type=int, default=3)
    parser.add_argument("--max-new-tokens", type=int, default=24)
    parser.add_argument("--repeats", type=int, default=3, help="alternating single/Ray runs (median kept)")
    args = parser.parse_args()

    import ray
    import torch

    from hamta.translate import Translator
    from hamta.translate.distributed import RayOptions, prefill_cache

    tmp = Path(tempfile.mkdtemp(prefix="hamta-ray-bench-"))
    model = build_model(tmp / "model", args.d_model, args.layers)
    records = load_records(args.sentences)
    settings = dict(engine="hf", device="cpu", beam_size=1, max_new_tokens=args.max_new_tokens)
    rows: list[tuple[str, float, str]] = []

    torch.set_num_threads(args.cpus)
    t0 = time.perf_counter()
    ray.init(address="local", num_cpus=args.cpus, include_dashboard=False, log_to_driver=False,
             logging_level="ERROR")
    t_init = time.perf_counter() - t0
    options = RayOptions(actors=args.actors, cpus_per_actor=args.cpus / args.actors)
    singles: list[float] = []
    jobs: list[float] = []
    identical = True
    for r in range(args.repeats):  # alternate, so that load changes on the shared machine hit both sides
        single = Translator(model, cache=tmp / f"single{r}.sqlite", **settings)
        t0 = time.perf_counter()
        single.engine  # noqa: B018 - load time counted, as the actors' is
        expected = single.translate_records(records)
        singles.append(time.perf_counter() - t0)

        tr = Translator(model, cache=tmp / f"ray{r}.sqlite", **settings)
        t0 = time.perf_counter()
        report = prefill_cache(tr, records, options=options)
        got = tr.translate_records(records)
        jobs.append(time.perf_counter() - t0)
        identical &= got == expected

    tr2 = Translator(model, cache=tmp / "ray0.sqlite", **settings)
    t0 = time.perf_counter()
    again = prefill_cache(tr2, records, options=options)
    t_rerun = time.perf_counter() - t0
    ray.shutdown()

    t_single, t_all = statistics.median(singles), statistics.median(jobs)
    rows.append((f"single process, {args.cpus} torch threads, model load incl. (median)", t_single,
                 " ".join(f"{x:.1f}" for x in singles)))
    rows.append(("ray.init (local instance, once per job)", t_init, ""))
    name = f"ray: {report.actors} actors x {args.cpus / args.actors:g} CPU, actor start + load + driver pass"
    rows.append((name + " (median)", t_all, " ".join(f"{x:.1f}" for x in jobs)))
    rows.append(("ray: re-run, all cached", t_rerun, f"{again.sent} sent"))

    n = len(records)
    print(f"{n} sentences (NTREX dev.fa), random NLLB-arch d_model={args.d_model} layers={args.layers}, "
          f"greedy, {args.max_new_tokens} new tokens each; load average {os.getloadavg()[0]:.1f}")
    print(f"{'setting':<80} {'seconds':>8} {'sent/s':>8}  runs / note")
    for name, sec, note in rows:
        print(f"{name:<80} {sec:8.2f} {n / sec if sec else 0:8.1f}  {note}")
    print(f"Ray overhead vs single process: {t_all - t_single:+.1f} s without ray.init, "
          f"{t_all + t_init - t_single:+.1f} s with it ({(t_all + t_init) / t_single:.2f}x the wall time); "
          f"outputs {'identical' if identical else 'DIFFERENT'}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
