"""The linker's numeric internals: figure matching, row normalisation, chunked encoding, figures in any
script. Each is checked against a plain, slow reference computation."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

import hamta.align.similarity as similarity_mod
from hamta.align.entities import Figure, extract_entities, figure_matches, numbers_compatible
from hamta.align.neighbours import as_matrix, word_tfidf
from hamta.align.similarity import LexicalSimilarity

figures = st.lists(
    st.builds(Figure.of, st.sampled_from([4.0, 5.0, 100.0, 103.0, 400.0, 407.0, 3800.0, 3812.0, 2.5e6]),
              st.booleans()),
    max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(figures, max_size=5), st.lists(figures, max_size=5))
def test_figure_matches_counts_each_figure_once_per_matching_sentence(a, b) -> None:
    expected = np.array([[sum(any(numbers_compatible(f, g) for g in fb) for f in fa) for fb in b]
                         for fa in a]).reshape(len(a), len(b))
    assert np.array_equal(figure_matches(a, b), expected)


def test_rows_are_unit_length_and_empty_rows_stay_empty() -> None:
    vectors, _ = LexicalSimilarity().encode(["Tehran said 407 died.", "", "Baghdad agreed to the deal."], [])
    m = as_matrix(vectors)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    assert np.allclose(norms, [1.0, 0.0, 1.0], atol=1e-6)
    words = word_tfidf(["the quake struck", "   ", "the quake killed 407"])
    assert sparse.issparse(words)
    assert np.allclose(np.sqrt(np.asarray(words.multiply(words).sum(axis=1)).ravel()), [1.0, 0.0, 1.0])


def test_encoding_in_chunks_gives_the_same_vectors(monkeypatch) -> None:
    texts = [f"Minister {name} met {n} delegates in {city}." for name, n, city in
             [("Araghchi", 12, "Baghdad"), ("Hussein", 400, "Tehran"), ("Lavrov", 7, "Moscow")]] * 3
    texts += ["وزیر امور خارجه ۱۲ نماینده را دید", "التقى الوزير ٤٠٠ مندوب"]
    whole_a, whole_b = LexicalSimilarity().encode(texts[:5], texts[5:])
    monkeypatch.setattr(similarity_mod, "_ENCODE_CHUNK_ROWS", 2)
    part_a, part_b = LexicalSimilarity().encode(texts[:5], texts[5:])
    for whole, part in ((whole_a, part_a), (whole_b, part_b)):
        assert np.array_equal(whole.indptr, part.indptr)
        assert np.array_equal(whole.indices, part.indices)
        assert np.array_equal(whole.data, part.data)


def test_figures_come_from_the_original_when_there_is_no_translation() -> None:
    fa = extract_entities(None, "۳ هزار و ۸۲۳ نفر در سال ۲۰۲۳ کشته شدند", "fa")
    ar = extract_entities(None, "قتل أكثر من ٤٠٠ شخص", "ar")
    en = extract_entities("More than 3,800 people were killed in 2023.", "whatever", "fa")
    assert [f.value for f in fa.figures] == [3823.0] and fa.years == frozenset({2023})
    assert [(f.value, f.approx) for f in ar.figures] == [(400.0, True)]
    assert [(f.value, f.approx) for f in en.figures] == [(3800.0, True)] and en.years == frozenset({2023})
    assert figure_matches([en.figures], [fa.figures])[0, 0] == 1  # "more than 3,800" vs 3,823
