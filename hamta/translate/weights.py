"""Loading checkpoint weights safely: safetensors, or ``pytorch_model.bin`` by torch's weights-only unpickler.

Why: the default model (``facebook/nllb-200-distilled-600M``) and several opus-mt repositories ship only
``pytorch_model.bin``, a pickle. A full unpickle can run any code the file names, so hamta reads such files
with ``torch.load(weights_only=True)`` only (the restricted unpickler that accepts tensors and plain
containers and refuses everything else), and refuses torch versions whose weights-only loader is not
considered safe. Both engines (transformers, and the CTranslate2 conversion) load through `load_model`.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

from hamta.errors import HamtaError

__all__ = ["weight_files", "load_bin_state_dict", "load_model", "MIN_TORCH_FOR_BIN", "BIN_GLOB"]

#: torch's weights-only unpickler is the default, and hardened, from 2.6 (CVE-2025-32434 affects older ones)
MIN_TORCH_FOR_BIN = (2, 6)
#: pickle checkpoints: ``pytorch_model.bin`` or its shards ``pytorch_model-00001-of-00002.bin``
BIN_GLOB = "pytorch_model*.bin"


def weight_files(path: Path, name: str) -> tuple[str, list[Path]]:
    """``("safetensors", files)`` when the directory has any, else ``("bin", files)``; one line if neither."""
    safe = sorted(path.glob("*.safetensors"))
    if safe:
        return "safetensors", safe
    pickles = sorted(path.glob(BIN_GLOB))
    if pickles:
        return "bin", pickles
    others = sorted(p.name for p in path.iterdir() if p.suffix in (".bin", ".pt", ".pth", ".ckpt", ".h5"))
    found = f" (found {', '.join(others)}, which hamta does not load)" if others else ""
    raise HamtaError(
        f"model {name!r} has no weights in {path}: expected *.safetensors or pytorch_model.bin{found}"
    )


def _torch_version(version: str) -> tuple[int, int]:
    parts = (version.split("+")[0].split(".") + ["0", "0"])[:2]
    major, minor = (int("".join(ch for ch in p if ch.isdigit()) or 0) for p in parts)
    return major, minor


def load_bin_state_dict(files: list[Path], name: str) -> dict[str, Any]:
    """The tensors of pickle checkpoint ``files``, read weights-only (never a full unpickle)."""
    import torch

    have = _torch_version(torch.__version__)
    if have < MIN_TORCH_FOR_BIN:
        need = ".".join(map(str, MIN_TORCH_FOR_BIN))
        raise HamtaError(
            f"model {name!r} has only pickle weights ({files[0].name}) and torch {torch.__version__} cannot "
            f"load them safely; install torch >= {need} (pip install -U torch) or use safetensors weights"
        )
    state: dict[str, Any] = {}
    for file in files:
        try:
            part = torch.load(file, map_location="cpu", weights_only=True, mmap=True)
        except (pickle.UnpicklingError, RuntimeError, AttributeError, EOFError, ValueError) as exc:
            why = " ".join(str(exc).split())[:160]
            raise HamtaError(
                f"model {name!r}: refused {file}: it is not a plain weights file (torch's weights-only "
                f"loader says: {why}); hamta never runs code from a checkpoint"
            ) from None
        if not isinstance(part, dict) or not all(isinstance(v, torch.Tensor) for v in part.values()):
            raise HamtaError(f"model {name!r}: {file} is not a state dict of tensors")
        state.update(part)
    return state


def load_model(cls: Any, path: Path, name: str, **kwargs: Any) -> Any:
    """``cls.from_pretrained`` on a local checkpoint, unpickling nothing but tensors.

    safetensors are loaded by transformers as usual; a ``.bin`` state dict is read by `load_bin_state_dict`
    and handed to transformers with the checkpoint's config (transformers then never opens the pickle).
    """
    kind, files = weight_files(path, name)
    kwargs.pop("use_safetensors", None)
    if kind == "safetensors":
        return cls.from_pretrained(str(path), use_safetensors=True, **kwargs)
    config = kwargs.pop("config", None) or cls.config_class.from_pretrained(str(path))
    state = load_bin_state_dict(files, name)
    return cls.from_pretrained(None, config=config, state_dict=state, **kwargs)
