"""hamta: translate Persian/Arabic news, align sentences across sources, compare coverage, score MT.

Importing hamta loads no torch/transformers/ctranslate2: those come in lazily where a stage needs them.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
