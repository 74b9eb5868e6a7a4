"""Tokens -> features: TF-IDF over word n-grams and character n-grams, in plain numpy / scipy.sparse.

One implementation serves training and prediction, so both see exactly the same features:

* an :class:`Analysis` holds what the text gives once: its meaningful jieba tokens and its runs of
  word characters (digits folded to ``0``, lower-cased);
* :func:`terms` turns an analysis into feature names: ``w:`` + word n-grams (tokens joined by a space)
  and ``c:`` + character n-grams inside each run;
* a :class:`TfidfSpace` maps names to columns: sub-linear tf (``1 + log count``) times smooth idf
  (``ln((1 + n) / (1 + df)) + 1``, as scikit-learn), each block (characters, words) L2-normalised on its
  own, so that the two blocks weigh the same. Names outside the vocabulary are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .tokenize import feature_tokens

__all__ = ["Analysis", "analyse", "terms", "TfidfSpace"]

_RUNS = re.compile(r"\w+")
_DIGITS = re.compile(r"\d")


@dataclass(frozen=True)
class Analysis:
    tokens: tuple[str, ...]
    runs: tuple[str, ...]


def analyse(normalised: str, tokens: list[str]) -> Analysis:
    """What the featuriser needs from one normalised text and its jieba tokens."""
    folded = _DIGITS.sub("0", normalised.lower())
    return Analysis(tuple(feature_tokens(tokens)), tuple(_RUNS.findall(folded)))


def terms(analysis: Analysis, word_ngrams: tuple[int, int] | None, char_ngrams: tuple[int, int] | None) -> list[str]:
    """Feature names of one text, with repetitions (they become term counts)."""
    out: list[str] = []
    if word_ngrams:
        toks = analysis.tokens
        lo, hi = word_ngrams
        for n in range(lo, hi + 1):
            if n == 1:
                out.extend("w:" + t for t in toks)
            else:
                out.extend("w:" + " ".join(toks[i : i + n]) for i in range(len(toks) - n + 1))
    if char_ngrams:
        lo, hi = char_ngrams
        for run in analysis.runs:
            for n in range(lo, hi + 1):
                out.extend("c:" + run[i : i + n] for i in range(len(run) - n + 1))
    return out


class TfidfSpace:
    """A fitted vocabulary with idf weights; ``transform`` gives L2-normalised TF-IDF rows."""

    def __init__(self, vocabulary: np.ndarray, idf: np.ndarray):
        self.vocabulary = vocabulary  # sorted feature names, "c:" block first, then "w:"
        self.idf = idf
        self.n_char = int(np.searchsorted(vocabulary, "d")) if len(vocabulary) else 0
        self._index: dict[str, int] | None = None

    @classmethod
    def fit(cls, term_lists: list[list[str]], min_df: int = 2, max_df: float = 1.0) -> "TfidfSpace":
        df: dict[str, int] = {}
        for names in term_lists:
            for name in set(names):
                df[name] = df.get(name, 0) + 1
        n = len(term_lists)
        limit = max_df * n
        vocab = sorted(name for name, count in df.items() if min_df <= count <= limit)
        counts = np.array([df[name] for name in vocab], dtype=np.float64)
        idf = np.log((1.0 + n) / (1.0 + counts)) + 1.0
        return cls(np.array(vocab, dtype=str), idf)

    @property
    def index(self) -> dict[str, int]:
        if self._index is None:
            self._index = {name: i for i, name in enumerate(self.vocabulary.tolist())}
        return self._index

    def __len__(self) -> int:
        return len(self.vocabulary)

    def transform(self, term_lists: list[list[str]]) -> sp.csr_matrix:
        index = self.index
        n_docs, n_feat = len(term_lists), len(self.vocabulary)
        cols: list[int] = []
        lengths = np.empty(n_docs, dtype=np.int64)
        for d, names in enumerate(term_lists):
            before = len(cols)
            cols.extend(j for j in map(index.get, names) if j is not None)
            lengths[d] = len(cols) - before
        rows = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
        keys = rows * max(n_feat, 1) + np.asarray(cols, dtype=np.int64)
        keys, counts = np.unique(keys, return_counts=True)
        rows, cols_arr = np.divmod(keys, max(n_feat, 1))
        values = (1.0 + np.log(counts)) * self.idf[cols_arr]
        # L2-normalise each block (characters, words) of each row on its own.
        block = (cols_arr >= self.n_char).astype(np.int64)
        group = rows * 2 + block
        norms = np.sqrt(np.bincount(group, weights=values * values, minlength=2 * n_docs))
        values = values / norms[group]
        return sp.csr_matrix((values, (rows, cols_arr)), shape=(n_docs, n_feat))
