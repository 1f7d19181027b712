"""Pluggable sentence similarity for the aligner: lexical by default, sentence embeddings as an option.

Why lexical by default: it needs no neural weights. Character n-grams of the *translation* compared with
the target are robust to inflection, OCR noise and MT word choice; numbers and capitalised names are
added as heavier "anchor" features because they survive translation unchanged. With no translation at
all the same features still find shared names, numbers, cognates and (for Persian and Arabic, after
unifying their letter variants) shared words.

A similarity turns the two sides into `SentenceVectors`. The aligner only needs dot products between
sentence vectors, so the vector of a multi-sentence span is the *sum* of its sentences' vectors and its
cosine comes from sums of dot products (see `hamta.align.parallel`). Long documents are handled by
`coarsen`, which sums blocks of consecutive sentences.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from abc import ABC, abstractmethod
from array import array
from collections.abc import Sequence

import numpy as np

from hamta.errors import HamtaError, MissingExtraError
from hamta.text.normalize import fold

__all__ = [
    "Similarity",
    "LexicalSimilarity",
    "EmbeddingSimilarity",
    "SentenceVectors",
    "SparseVectors",
    "DenseVectors",
    "resolve_similarity",
    "normalize_for_matching",
]

log = logging.getLogger("hamta.align.similarity")

# ---------------------------------------------------------------------------------------------------------
# Vectors


class SentenceVectors(ABC):
    """Row vectors, one per sentence (or per block of sentences after `coarsen`)."""

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def dot_band(self, other: SentenceVectors, lo: np.ndarray, width: int) -> np.ndarray:
        """``out[i, w] = self[i] · other[lo[i] + w]`` for ``0 <= w < width`` (0 where out of range).

        `lo` must be non-decreasing: the band follows a monotonic path.
        """

    @abstractmethod
    def coarsen(self, factor: int) -> SentenceVectors:
        """Vectors of blocks of `factor` consecutive rows (their sums)."""

    @abstractmethod
    def dot_mean(self, other: SentenceVectors) -> np.ndarray:
        """``self[i] · mean_j(other[j] / |other[j]|)``: how similar row i is to an average sentence."""

    @abstractmethod
    def take(self, start: int, stop: int) -> SentenceVectors:
        """Rows start .. stop-1."""

    def self_dots(self, width: int) -> np.ndarray:
        """``out[i, d] = self[i] · self[i + d]``: what the norms of multi-sentence spans are made of."""
        return self.dot_band(self, np.arange(len(self)), width)


def _band_columns(lo: np.ndarray, width: int, n_other: int) -> tuple[np.ndarray, np.ndarray]:
    cols = lo[:, None] + np.arange(width)[None, :]
    valid = (cols >= 0) & (cols < n_other)
    return np.clip(cols, 0, max(n_other - 1, 0)), valid


def _band_of_block(block: np.ndarray, starts: np.ndarray, width: int) -> np.ndarray:
    """Row r of the band starts at column ``starts[r]`` of `block`: its `width` entries (0 outside it)."""
    cols = starts[:, None] + np.arange(width)[None, :]
    valid = (cols >= 0) & (cols < block.shape[1])
    rows = np.broadcast_to(np.arange(block.shape[0])[:, None], cols.shape)
    vals = np.zeros(cols.shape)
    vals[valid] = block[rows[valid], cols[valid]]
    return vals


class DenseVectors(SentenceVectors):
    """Dense rows (sentence embeddings)."""

    def __init__(self, matrix: np.ndarray) -> None:
        self.matrix = np.asarray(matrix, dtype=np.float32)

    def __len__(self) -> int:
        return self.matrix.shape[0]

    def dot_band(self, other: SentenceVectors, lo: np.ndarray, width: int) -> np.ndarray:
        if not isinstance(other, DenseVectors):
            raise TypeError("dot_band: both sides must be DenseVectors")
        cols, valid = _band_columns(np.asarray(lo), width, len(other))
        out = np.empty(cols.shape, dtype=np.float64)
        step = max(1, 4_000_000 // max(1, width * self.matrix.shape[1]))
        for r0 in range(0, len(self), step):  # chunks keep the gathered block small
            block = other.matrix[cols[r0 : r0 + step]]  # (rows, width, dim)
            out[r0 : r0 + step] = np.einsum("rd,rwd->rw", self.matrix[r0 : r0 + step], block)
        out[~valid] = 0.0
        return out

    def take(self, start: int, stop: int) -> DenseVectors:
        return DenseVectors(self.matrix[start:stop])

    def coarsen(self, factor: int) -> DenseVectors:
        n = len(self)
        groups = np.arange(n) // factor
        out = np.zeros((groups[-1] + 1, self.matrix.shape[1]), dtype=np.float32)
        np.add.at(out, groups, self.matrix)
        return DenseVectors(out)

    def dot_mean(self, other: SentenceVectors) -> np.ndarray:
        if not isinstance(other, DenseVectors):
            raise TypeError("dot_mean: both sides must be DenseVectors")
        norms = np.linalg.norm(other.matrix, axis=1, keepdims=True)
        mean = (other.matrix / np.maximum(norms, 1e-12)).mean(axis=0)
        return self.matrix.astype(np.float64) @ mean.astype(np.float64)


class SparseVectors(SentenceVectors):
    """Sparse rows in CSR form (`indptr`, feature `indices` sorted within a row, `data`), numpy only.

    Row i's features are ``indices[indptr[i]:indptr[i+1]]`` with weights ``data[...]``.
    """

    _ROW_BLOCK = 64

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray) -> None:
        self.indptr = np.asarray(indptr, dtype=np.int64)
        self.indices = np.asarray(indices, dtype=np.int32)  # feature ids: half the memory of int64
        self.data = np.asarray(data, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def _rows(self, r0: int, r1: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(local row, feature, weight) triples of rows r0..r1-1."""
        a, b = self.indptr[r0], self.indptr[r1]
        local = np.repeat(np.arange(r1 - r0), np.diff(self.indptr[r0 : r1 + 1]))
        return local, self.indices[a:b], self.data[a:b]

    def _csr(self, n_feat: int):
        from scipy.sparse import csr_matrix

        return csr_matrix(
            (self.data.astype(np.float64), self.indices, self.indptr), shape=(len(self), n_feat)
        )

    def _dot_band_scipy(self, other: SparseVectors, lo: np.ndarray, width: int) -> np.ndarray:
        """The band from sparse block products (scipy): what the numpy path does, several times faster."""
        n, m = len(self), len(other)
        n_feat = int(max(self.indices.max(initial=0), other.indices.max(initial=0))) + 1
        mat_a, mat_b = self._csr(n_feat), other._csr(n_feat)
        out = np.zeros((n, width), dtype=np.float64)
        block = self._ROW_BLOCK * 4
        for r0 in range(0, n, block):
            r1 = min(n, r0 + block)
            c0 = int(max(0, min(lo[r0], m)))
            c1 = int(max(c0, min(m, lo[r1 - 1] + width)))
            if c1 <= c0:
                continue
            out[r0:r1] = _band_of_block((mat_a[r0:r1] @ mat_b[c0:c1].T).toarray(), lo[r0:r1] - c0, width)
        return out

    def dot_band(self, other: SentenceVectors, lo: np.ndarray, width: int) -> np.ndarray:
        if not isinstance(other, SparseVectors):
            raise TypeError("dot_band: both sides must be SparseVectors")
        lo = np.asarray(lo, dtype=np.int64)
        n, m = len(self), len(other)
        try:
            return self._dot_band_scipy(other, lo, width)
        except ImportError:  # scipy is optional: the numpy path below gives the same numbers
            pass
        out = np.zeros((n, width), dtype=np.float64)
        for r0 in range(0, n, self._ROW_BLOCK):
            r1 = min(n, r0 + self._ROW_BLOCK)
            c0 = int(max(0, min(lo[r0], m)))
            c1 = int(max(c0, min(m, lo[r1 - 1] + width)))
            if c1 <= c0:
                continue
            # A dense product over the features this row block and its column window share.
            ra, fa, wa = self._rows(r0, r1)
            rb, fb, wb = other._rows(c0, c1)
            shared = np.intersect1d(fa, fb, assume_unique=False)
            if shared.size == 0:
                continue
            ka = np.searchsorted(shared, fa)
            keep_a = (ka < shared.size) & (shared[np.minimum(ka, shared.size - 1)] == fa)
            kb = np.searchsorted(shared, fb)
            keep_b = (kb < shared.size) & (shared[np.minimum(kb, shared.size - 1)] == fb)
            mat_a = np.zeros((r1 - r0, shared.size), dtype=np.float32)
            mat_b = np.zeros((c1 - c0, shared.size), dtype=np.float32)
            mat_a[ra[keep_a], ka[keep_a]] = wa[keep_a]
            mat_b[rb[keep_b], kb[keep_b]] = wb[keep_b]
            out[r0:r1] = _band_of_block((mat_a @ mat_b.T).astype(np.float64), lo[r0:r1] - c0, width)
        return out

    def take(self, start: int, stop: int) -> SparseVectors:
        a, b = self.indptr[start], self.indptr[stop]
        return SparseVectors(self.indptr[start : stop + 1] - a, self.indices[a:b], self.data[a:b])

    def coarsen(self, factor: int) -> SparseVectors:
        n = len(self)
        rows = np.repeat(np.arange(n) // factor, np.diff(self.indptr))
        n_new = (n + factor - 1) // factor
        nfeat = int(self.indices.max()) + 1 if self.indices.size else 1
        keys = rows * nfeat + self.indices
        uniq, inverse = np.unique(keys, return_inverse=True)
        data = np.bincount(inverse, weights=self.data).astype(np.float32)
        new_rows = uniq // nfeat
        indptr = np.zeros(n_new + 1, dtype=np.int64)
        np.add.at(indptr, new_rows + 1, 1)
        return SparseVectors(np.cumsum(indptr), uniq % nfeat, data)

    def dot_mean(self, other: SentenceVectors) -> np.ndarray:
        if not isinstance(other, SparseVectors):
            raise TypeError("dot_mean: both sides must be SparseVectors")
        sq = np.bincount(
            np.repeat(np.arange(len(other)), np.diff(other.indptr)),
            weights=other.data.astype(np.float64) ** 2,
            minlength=len(other),
        )
        scale = 1.0 / np.maximum(np.sqrt(sq), 1e-12) / max(1, len(other))
        nfeat = int(max(self.indices.max(initial=0), other.indices.max(initial=0))) + 1
        mean = np.bincount(
            other.indices,
            weights=other.data * np.repeat(scale, np.diff(other.indptr)),
            minlength=nfeat,
        )
        return np.bincount(
            np.repeat(np.arange(len(self)), np.diff(self.indptr)),
            weights=self.data * mean[self.indices],
            minlength=len(self),
        )


# ---------------------------------------------------------------------------------------------------------
# Text normalisation for matching

_WORD_RE = re.compile(r"\w+")
# Punctuation that survives translation, by class (Arabic-script and Latin forms together).
_PUNCT_CLASS = {
    **dict.fromkeys("?؟", "?"),
    "!": "!",
    **dict.fromkeys(":", ":"),
    **dict.fromkeys(";؛", ";"),
    **dict.fromkeys("()[]{}", "("),
    **dict.fromkeys('«»"“”„', '"'),
    "%": "%",
    "/": "/",
}
_ENCODE_CHUNK_ROWS = 4096  # sentences whose feature ids are counted at once (bounds encode's memory)
_FEATURE_ID_SPAN = 1 << 31  # feature ids (int32) stay below this: (row, feature) pairs pack into one int64
_NUMBER_RE = re.compile(r"\d+(?:[.,٫٬]\d+)*")
_MIN_SKELETON = 2  # consonant classes in a skeleton feature ("Iran" -> "RN")
_SCRIPT_SHARE = 0.2  # a side "is written in" a script when this share of its letters are in it


def _is_arabic_script(word: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in word)


def _script_shares(texts: Sequence[str]) -> tuple[float, float]:
    """(Arabic-script share, Latin share) of the letters of a side (a sample of its lines)."""
    sample = "".join(texts[:: max(1, len(texts) // 200)])
    letters = [ch for ch in sample if ch.isalpha()]
    if not letters:
        return 0.0, 0.0
    arabic = sum("\u0600" <= ch <= "\u06ff" for ch in letters)
    latin = sum(ch.isascii() for ch in letters)
    return arabic / len(letters), latin / len(letters)


def _needs_skeletons(src: Sequence[str], tgt: Sequence[str]) -> bool:
    """Names on the two sides may be spelled in different ways: one side written (mostly) in Arabic script
    and the other in Latin, or both in Arabic script (Persian and Arabic spell foreign names with other
    letters and vowels, and Persian news often keeps them in Latin letters: "Scherzer" / "سيرزير")."""
    (a_ar, a_la), (b_ar, b_la) = _script_shares(src), _script_shares(tgt)
    return (
        (a_ar >= _SCRIPT_SHARE and b_la >= _SCRIPT_SHARE)
        or (a_la >= _SCRIPT_SHARE and b_ar >= _SCRIPT_SHARE)
        or (a_ar >= _SCRIPT_SHARE and b_ar >= _SCRIPT_SHARE)
    )


def normalize_for_matching(text: str) -> str:
    """Case-folded, accent-free, digit-unified text: what two sentences are compared on.

    The project's one folding (`hamta.text.normalize.fold`): Persian/Arabic digits become ASCII, Arabic
    letter variants are unified (ي/ی, ك/ک, ...), diacritics and tatweel are dropped, ZWNJ becomes a space.

    >>> normalize_for_matching("Zürich ١٩٥٦ كتاب")
    'zurich 1956 کتاب'
    """
    return fold(text)


# ---------------------------------------------------------------------------------------------------------
# Similarities


class Similarity(ABC):
    """Turns both sides' comparison texts into vectors whose dot products measure similarity."""

    name: str = "similarity"
    #: compare a translation together with its original text (useful for surface features only)
    with_original: bool = False

    @abstractmethod
    def encode(self, src: Sequence[str], tgt: Sequence[str]) -> tuple[SentenceVectors, SentenceVectors]:
        """Vectors for the source-side and target-side texts (same vector space)."""

    def signature(self) -> str:
        """A short settings string for reproducibility (printed with results)."""
        return self.name


class LexicalSimilarity(Similarity):
    """Character n-gram TF-IDF plus anchor features (numbers, capitalised names); no neural weights.

    Args:
        ngrams: character n-gram sizes taken inside word boundaries (``<word>``).
        anchor_weight: weight multiplier of number and name features relative to n-grams.
        word_weight: weight multiplier of whole-word features.
        translit_weight: weight of transliteration anchors: consonant skeletons (`hamta.text.translit`)
            of capitalised Latin words and of Arabic-script words, added only when one side is written
            in Arabic script and the other in Latin (Persian/Arabic <-> English without a translation),
            or both in Arabic script (Persian <-> Arabic: names spelled differently or kept in Latin).
        punct_weight: weight of punctuation-class features (``?``/``؟``, quotes, brackets, ``:`` ...),
            which survive translation and help most when there is none.

    Example:
        >>> sim = LexicalSimilarity()
        >>> a, b = sim.encode(["Le Mont Everest a 8848 m."], ["Everest : 8848 m", "autre chose"])
        >>> band = a.dot_band(b, np.array([0]), 2)
        >>> bool(band[0, 0] > band[0, 1])
        True
    """

    name = "lexical"
    with_original = True

    def __init__(
        self,
        ngrams: Sequence[int] = (3, 4),
        anchor_weight: float = 2.0,
        word_weight: float = 1.0,
        punct_weight: float = 1.0,
        translit_weight: float = 1.0,
    ):
        if not ngrams or any(int(n) < 1 for n in ngrams):
            raise ValueError(f"LexicalSimilarity: ngrams must be positive sizes, got {ngrams!r}")
        self.ngrams = tuple(int(n) for n in ngrams)
        self.anchor_weight = float(anchor_weight)
        self.word_weight = float(word_weight)
        self.punct_weight = float(punct_weight)
        self.translit_weight = float(translit_weight)

    def signature(self) -> str:
        grams = ",".join(map(str, self.ngrams))
        return (
            f"lexical(char{grams}+words*{self.word_weight:g}+anchors*{self.anchor_weight:g}"
            f"+punct*{self.punct_weight:g}+translit*{self.translit_weight:g})"
        )

    def _word_features(self, word: str) -> list[str]:
        """Whole-word ('w') and character n-gram ('g') features of one normalised word."""
        padded = f"<{word}>"
        feats = ["w" + word]
        for n in self.ngrams:
            feats.extend("g" + padded[k : k + n] for k in range(len(padded) - n + 1))
        return feats

    @staticmethod
    def _anchor_features(text: str) -> list[str]:
        """Numbers ('#', separators dropped) and capitalised names not opening the sentence ('@')."""
        raw = unicodedata.normalize("NFKC", text)
        feats = ["#" + re.sub(r"[.,٫٬]", "", num) for num in _NUMBER_RE.findall(raw)]
        words = _WORD_RE.findall(raw)
        feats += ["@" + w.casefold() for w in words[1:] if len(w) > 1 and w[0].isupper() and not w.isupper()]
        feats += ["p" + _PUNCT_CLASS[ch] for ch in raw if ch in _PUNCT_CLASS]
        return feats

    @staticmethod
    def _skeleton_features(text: str) -> list[str]:
        """Consonant skeletons ('s') of Arabic-script words and of capitalised Latin words."""
        from hamta.text.translit import skeleton

        feats = []
        for word in _WORD_RE.findall(unicodedata.normalize("NFKC", text)):
            if word.isdigit() or not (_is_arabic_script(word) or word[0].isupper()):
                continue
            skel = skeleton(word)
            if len(skel) >= _MIN_SKELETON:
                feats.append("s" + skel)
        return feats

    def encode(self, src: Sequence[str], tgt: Sequence[str]) -> tuple[SparseVectors, SparseVectors]:
        translit = self.translit_weight > 0 and _needs_skeletons(src, tgt)
        kind_weight = {
            "s": self.translit_weight,
            "g": 1.0,
            "w": self.word_weight,
            "#": self.anchor_weight,
            "@": self.anchor_weight,
            "p": self.punct_weight,
        }
        vocab: dict[str, int] = {}
        feat_weight: list[float] = []
        word_cache: dict[str, list[int]] = {}

        def ids_of(feats: list[str]) -> list[int]:
            out = []
            for feat in feats:
                fid = vocab.get(feat)
                if fid is None:
                    fid = vocab[feat] = len(vocab)
                    feat_weight.append(kind_weight[feat[0]])
                out.append(fid)
            return out

        # Rows are counted in chunks, so the transient (row, feature) id arrays stay small whatever the
        # collection's size (50k sentences once took ~800 MB here at once); only distinct pairs are kept.
        texts = list(src) + list(tgt)
        fid_parts, tf_parts, row_sizes = [], [], []
        for chunk_start in range(0, len(texts), _ENCODE_CHUNK_ROWS):
            flat: array[int] = array("q")
            sizes: list[int] = []
            for text in texts[chunk_start : chunk_start + _ENCODE_CHUNK_ROWS]:
                start = len(flat)
                for word in _WORD_RE.findall(normalize_for_matching(text)):
                    cached = word_cache.get(word)
                    if cached is None:  # words repeat: featurise each distinct word once
                        cached = word_cache[word] = ids_of(self._word_features(word))
                    flat.extend(cached)
                flat.extend(ids_of([normalize_for_matching(f) for f in self._anchor_features(text)]))
                if translit:
                    flat.extend(ids_of(self._skeleton_features(text)))
                sizes.append(len(flat) - start)
            local_rows = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
            # (row, feature) pairs with their counts, sorted by row then feature; zero-weight kinds dropped.
            keys, counts = np.unique(local_rows * _FEATURE_ID_SPAN + np.frombuffer(flat, dtype=np.int64),
                                     return_counts=True)
            fids = keys % _FEATURE_ID_SPAN
            weight = np.asarray(feat_weight)[fids]
            keep = weight > 0
            fid_parts.append(fids[keep].astype(np.int32))
            tf_parts.append(weight[keep] * (1.0 + np.log(counts[keep])))
            row_sizes.append(np.bincount(keys[keep] // _FEATURE_ID_SPAN, minlength=len(sizes)))
        n_rows, n_feat = len(texts), max(1, len(vocab))
        indices_a = np.concatenate(fid_parts) if fid_parts else np.zeros(0, dtype=np.int32)
        tf = np.concatenate(tf_parts) if tf_parts else np.zeros(0)
        df = np.bincount(indices_a, minlength=n_feat)
        idf = np.log((1.0 + n_rows) / (1.0 + df)) + 1.0
        data_a = (tf * idf[indices_a]).astype(np.float32)
        del tf
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        if row_sizes:
            np.cumsum(np.concatenate(row_sizes), out=indptr[1:])
        split = len(src)
        cut = indptr[split]
        a = SparseVectors(indptr[: split + 1], indices_a[:cut], data_a[:cut])
        b = SparseVectors(indptr[split:] - cut, indices_a[cut:], data_a[cut:])
        return a, b


class EmbeddingSimilarity(Similarity):
    """Cosine of sentence-transformers embeddings (any model id or local directory, e.g. LaBSE).

    A multilingual model lets you align without translating first. Needs the `embeddings` extra.
    """

    def __init__(self, model: str, *, batch_size: int = 64, device: str | None = None) -> None:
        self.model_name = model
        self.batch_size = batch_size
        self.device = device
        self.name = f"embeddings({model})"
        self._model = None

    def _load(self):
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError:
                raise MissingExtraError("sentence-transformers", "embeddings") from None
            try:
                self._model = SentenceTransformer(self.model_name, device=self.device)
            except Exception as exc:  # noqa: BLE001 - any loading failure is one user-facing line
                raise HamtaError(
                    f"cannot load sentence-transformers model {self.model_name!r}: {exc}"
                ) from None
        return self._model

    def encode(self, src: Sequence[str], tgt: Sequence[str]) -> tuple[DenseVectors, DenseVectors]:
        model = self._load()
        emb = model.encode(
            list(src) + list(tgt),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        emb = np.asarray(emb, dtype=np.float32)
        return DenseVectors(emb[: len(src)]), DenseVectors(emb[len(src) :])


def resolve_similarity(similarity: str | Similarity | None) -> Similarity:
    """``"lexical"`` (default) -> `LexicalSimilarity`; any other string is a sentence-transformers model id
    or local directory -> `EmbeddingSimilarity`; a `Similarity` instance is used as is."""
    if similarity is None or similarity == "lexical":
        return LexicalSimilarity()
    if isinstance(similarity, Similarity):
        return similarity
    if isinstance(similarity, str) and similarity.strip():
        return EmbeddingSimilarity(similarity)
    raise TypeError(f"similarity must be 'lexical', a model id/path or a Similarity, got {similarity!r}")
