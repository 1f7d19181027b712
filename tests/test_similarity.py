"""Pluggable similarity: lexical features, sparse/dense band products, coarsening, resolution."""

from __future__ import annotations

import builtins

import numpy as np
import pytest

from hamta.align.similarity import (
    DenseVectors,
    EmbeddingSimilarity,
    LexicalSimilarity,
    SparseVectors,
    normalize_for_matching,
    resolve_similarity,
)
from hamta.errors import MissingExtraError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zürich", "zurich"),
        ("١٩٥٦ و ۱۹۵۷", "1956 و 1957"),  # Arabic-Indic and Persian digits
        ("كتاب", "کتاب"),  # Arabic kaf -> Persian keheh
        ("علي", "علی"),  # Arabic yeh -> Persian yeh
        ("می\u200cروم", "می روم"),  # ZWNJ
        ("مُحَمَّد", "محمد"),  # harakat dropped
    ],
)
def test_normalize_for_matching(text, expected):
    assert normalize_for_matching(text) == expected


def _dense_dots(vecs_a: SparseVectors, vecs_b: SparseVectors) -> np.ndarray:
    n_feat = int(max(vecs_a.indices.max(), vecs_b.indices.max())) + 1

    def dense(v):
        out = np.zeros((len(v), n_feat))
        for r in range(len(v)):
            sl = slice(v.indptr[r], v.indptr[r + 1])
            out[r, v.indices[sl]] = v.data[sl]
        return out

    return dense(vecs_a) @ dense(vecs_b).T


TEXTS_A = ["Le Mont Everest mesure 8848 m.", "Une tempête a détruit deux tentes.", "Zurich, 1956.", "Rien."]
TEXTS_B = ["Everest : 8848 m", "La tempête détruisit les tentes", "autre chose", "Zürich 1956", "fin"]


def test_band_products_equal_dense_products():
    a, b = LexicalSimilarity().encode(TEXTS_A, TEXTS_B)
    full = _dense_dots(a, b)
    lo = np.array([0, 0, 1, 2])
    band = a.dot_band(b, lo, 3)
    for i in range(len(TEXTS_A)):
        for w in range(3):
            j = lo[i] + w
            expected = full[i, j] if j < len(TEXTS_B) else 0.0
            assert band[i, w] == pytest.approx(expected, rel=1e-5, abs=1e-6)


def test_translation_matches_its_target_best():
    a, b = LexicalSimilarity().encode(TEXTS_A[:3], TEXTS_B)
    full = _dense_dots(a, b)
    assert list(full.argmax(axis=1)) == [0, 1, 3]


def test_numbers_and_names_are_anchors():
    sim = LexicalSimilarity(ngrams=(3,), word_weight=0.0)
    feats = sim._anchor_features("In 1956 the team met Dyhrenfurth in Zurich at 8.848 m")
    assert "#1956" in feats and "#8848" in feats
    assert "@dyhrenfurth" in feats and "@zurich" in feats
    assert (
        "@in" not in feats and "@the" not in feats
    )  # sentence-initial capital is not a name  # sentence-initial capital is not a name


def test_coarsen_sums_consecutive_rows():
    a, b = LexicalSimilarity().encode(TEXTS_A, TEXTS_B)
    full = _dense_dots(a, b)
    coarse = a.coarsen(2)
    assert len(coarse) == 2
    band = coarse.dot_band(b, np.array([0, 0]), len(TEXTS_B))
    np.testing.assert_allclose(band[0], full[0] + full[1], rtol=1e-4)
    np.testing.assert_allclose(band[1], full[2] + full[3], rtol=1e-4)


def test_dense_vectors_band_self_dots_and_mean():
    rng = np.random.default_rng(0)
    m_a, m_b = rng.normal(size=(5, 4)), rng.normal(size=(6, 4))
    a, b = DenseVectors(m_a), DenseVectors(m_b)
    band = a.dot_band(b, np.array([0, 1, 2, 3, 5]), 2)
    assert band[4, 1] == 0.0  # column 6 is past the last target row
    assert band[2, 1] == pytest.approx(float(m_a[2] @ m_b[3]), rel=1e-5)
    assert a.self_dots(2)[1, 1] == pytest.approx(float(m_a[1] @ m_a[2]), rel=1e-5)
    unit = m_b / np.linalg.norm(m_b, axis=1, keepdims=True)
    np.testing.assert_allclose(a.dot_mean(b), m_a @ unit.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(a.coarsen(2).matrix[2], m_a[4], rtol=1e-6)


def test_resolve_similarity():
    assert isinstance(resolve_similarity("lexical"), LexicalSimilarity)
    sim = LexicalSimilarity(ngrams=(2,))
    assert resolve_similarity(sim) is sim
    emb = resolve_similarity("sentence-transformers/LaBSE")
    assert isinstance(emb, EmbeddingSimilarity) and emb.model_name == "sentence-transformers/LaBSE"
    with pytest.raises(TypeError, match="similarity must be"):
        resolve_similarity(3)
    with pytest.raises(ValueError, match="ngrams must be positive"):
        LexicalSimilarity(ngrams=())


def test_missing_embeddings_extra_is_one_line(monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("sentence_transformers"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(MissingExtraError, match=r"pip install 'hamta\[embeddings\]'"):
        EmbeddingSimilarity("any/model").encode(["a"], ["b"])


def test_custom_dense_similarity_plugs_into_aligner():
    from hamta.align import Similarity, align_sentences

    class Dictionary(Similarity):
        """One-hot vectors of a word's meaning: a toy bilingual 'embedding' the lexical default lacks."""

        name = "dictionary"
        meaning = {"uno": 0, "one": 0, "dos": 1, "two": 1, "tres": 2, "three": 2, "cuatro": 3, "four": 3}

        def encode(self, src, tgt):
            def emb(texts):
                return np.eye(4)[[self.meaning[t] for t in texts]]

            return DenseVectors(emb(src)), DenseVectors(emb(tgt))

    src, tgt = ["uno", "dos", "tres", "cuatro"], ["one", "two", "three", "four"]
    beads = align_sentences(src, tgt, similarity=Dictionary())
    assert [str(b) for b in beads] == ["[0]:[0]", "[1]:[1]", "[2]:[2]", "[3]:[3]"]
    assert all(b.score == pytest.approx(1.0) for b in beads)


def test_sparse_band_products_same_with_and_without_scipy(monkeypatch):
    import numpy as np

    from hamta.align.similarity import LexicalSimilarity, SparseVectors

    rng = np.random.default_rng(3)
    words = [f"w{k}" for k in range(400)]
    src = [" ".join(rng.choice(words, 9)) for _ in range(300)]
    tgt = [" ".join(rng.choice(words, 7)) for _ in range(340)]
    a, b = LexicalSimilarity().encode(src, tgt)
    lo = np.minimum(np.arange(300) * 340 // 300, 300)
    fast = a.dot_band(b, lo, 40)

    def no_scipy(*_args, **_kwargs):
        raise ImportError("scipy")

    monkeypatch.setattr(SparseVectors, "_dot_band_scipy", no_scipy)
    slow = a.dot_band(b, lo, 40)
    assert fast.shape == slow.shape == (300, 40)
    assert np.allclose(fast, slow, rtol=1e-5, atol=1e-3)
    assert (fast > 0).mean() > 0.1  # not trivially all zero
