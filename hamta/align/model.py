"""A fitted linear (logistic) model shipped as a JSON data file, applied with numpy alone.

Why: the weights that combine the linking evidence are fit on gold data by a script
(``benchmarks/fit_links.py``), not set by hand; shipping them as data keeps the fit reproducible and
the runtime free of scikit-learn.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from hamta.errors import InputError

__all__ = ["LinearModel", "load_model"]


@dataclass(frozen=True)
class LinearModel:
    """``P(yes) = sigmoid(((x - mean) / scale) · coef + intercept)``; decide yes at `threshold`.

    Attributes:
        features: feature names, in the order of the columns of ``x``.
        mean, scale: standardisation fitted with the weights.
        coef, intercept: logistic regression weights.
        threshold: decision threshold on the probability, chosen by cross-validation.
        constants: other fitted constants of the stage that uses the model (e.g. ``max_gap_days``).
        provenance: how the file was made (command, data, date, cross-validated scores).
    """

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    constants: dict[str, float] = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)

    def probability(self, x: np.ndarray) -> np.ndarray:
        """Probabilities for the rows of `x` (shape ``(n, len(features))``)."""
        x = np.asarray(x, dtype=np.float64).reshape(-1, len(self.features))
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))

    def to_dict(self) -> dict:
        return {
            "features": list(self.features),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": float(self.intercept),
            "threshold": float(self.threshold),
            "constants": self.constants,
            "provenance": self.provenance,
        }

    @classmethod
    def from_dict(cls, data: dict, *, where: str = "model") -> LinearModel:
        try:
            features = tuple(str(f) for f in data["features"])
            arrays = [np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "coef")]
            model = cls(features, *arrays, float(data["intercept"]), float(data["threshold"]),
                        dict(data.get("constants", {})), dict(data.get("provenance", {})))
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{where}: not a hamta linear model ({exc})") from None
        if any(len(a) != len(features) for a in (model.mean, model.scale, model.coef)):
            raise InputError(f"{where}: feature count and weight count differ")
        return model

    def require(self, features: Sequence[str], where: str) -> None:
        """Fail with one line when the model was fit on other features than the code computes."""
        if tuple(features) != self.features:
            raise InputError(f"{where}: model features {list(self.features)} differ from {list(features)}")


def load_model(path: str | Path | None, default_name: str) -> LinearModel:
    """A model from `path`, or the shipped ``hamta/data/<default_name>`` when `path` is None."""
    if path is None:
        text = resources.files("hamta.data").joinpath(default_name).read_text(encoding="utf-8")
        return LinearModel.from_dict(json.loads(text), where=default_name)
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read model: {exc}") from None
    return LinearModel.from_dict(data, where=str(path))
