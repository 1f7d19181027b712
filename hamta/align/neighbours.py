"""Neighbourhoods of sentences and documents: vector matrices, cosine blocks, margins, ranks.

Why: "how similar" means little on its own in news (every sentence of an event resembles every other);
what matters is how a pair compares with each sentence's other candidates. These are the pure numeric
helpers for that, over numpy/scipy matrices.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["as_matrix", "word_tfidf", "cosine_block", "margin_scores", "mutual_rank"]

#: neighbours averaged in the margin denominator
DEFAULT_K = 3


def as_matrix(vectors):
    """A row-normalised scipy CSR matrix (sparse vectors) or numpy array (dense) of `SentenceVectors`."""
    from scipy import sparse

    from hamta.align.similarity import DenseVectors

    if isinstance(vectors, DenseVectors):
        m = np.asarray(vectors.matrix, dtype=np.float32)
        return m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)
    n = len(vectors)
    ncol = int(vectors.indices.max(initial=0)) + 1
    m = sparse.csr_matrix((vectors.data.copy(), vectors.indices, vectors.indptr), shape=(n, ncol),
                          dtype=np.float32)
    return _normalise_rows(m)


def _normalise_rows(m):
    """Scale each row of a CSR matrix to unit length in place (a scaled copy would double the memory)."""
    per_row = np.diff(m.indptr)
    squares = np.bincount(np.repeat(np.arange(m.shape[0]), per_row), weights=m.data.astype(np.float64) ** 2,
                          minlength=m.shape[0])
    m.data /= np.repeat(np.maximum(np.sqrt(squares), 1e-12), per_row).astype(m.data.dtype)
    return m


def word_tfidf(texts: Sequence[str]):
    """Row-normalised word TF-IDF (sublinear tf, smoothed IDF over `texts` themselves)."""
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer

    if not any(t.strip() for t in texts):
        return sparse.csr_matrix((len(texts), 1), dtype=np.float32)
    counts = CountVectorizer(lowercase=True, token_pattern=r"(?u)\b\w[\w'’]*\b").fit_transform(texts)
    counts = counts.astype(np.float32).tocsr()
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    n = len(texts)
    idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
    counts.data = (1.0 + np.log(counts.data)) * idf[counts.indices]
    return _normalise_rows(counts)


def cosine_block(matrix, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
    """Dense block of dot products between the given rows of a row-normalised matrix."""
    block = matrix[rows_a] @ matrix[rows_b].T
    return np.asarray(block.todense() if hasattr(block, "todense") else block, dtype=np.float64)


def margin_scores(sim: np.ndarray, k: int = DEFAULT_K) -> np.ndarray:
    """Ratio margin: ``sim[i, j]`` over the mean of row i's and column j's `k` best similarities.

    A sentence similar to everything (a hub) gets a large denominator and so a small margin (Artetxe &
    Schwenk 2019). Missing neighbours (fewer than `k` candidates) count as similarity 0.

    >>> m = margin_scores(np.array([[0.9, 0.1], [0.2, 0.3]]), k=1)
    >>> bool(m[0, 0] > m[0, 1])
    True
    """
    sim = np.asarray(sim, dtype=np.float64)
    if sim.size == 0:
        return sim.copy()
    ka, kb = min(k, sim.shape[1]), min(k, sim.shape[0])
    knn_a = np.sort(sim, axis=1)[:, -ka:].sum(axis=1) / k
    knn_b = np.sort(sim, axis=0)[-kb:, :].sum(axis=0) / k
    return sim / np.maximum((knn_a[:, None] + knn_b[None, :]) / 2.0, 1e-9)


def mutual_rank(sim: np.ndarray) -> np.ndarray:
    """Mean reciprocal rank of each pair in its row and in its column (1.0 = mutual best)."""
    if sim.size == 0:
        return sim.copy()
    row_rank = (-sim).argsort(axis=1).argsort(axis=1) + 1
    col_rank = (-sim).argsort(axis=0).argsort(axis=0) + 1
    return 0.5 * (1.0 / row_rank + 1.0 / col_rank)
