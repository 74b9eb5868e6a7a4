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
from itertools import repeat

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


class _IntHash:
    """An open-addressing hash table from int64 keys to int64 values, probed for whole arrays at once."""

    _MULT = np.uint64(0x9E3779B97F4A7C15)

    def __init__(self, keys: np.ndarray, values: np.ndarray):
        self.bits = max(4, int(np.ceil(np.log2(max(1, len(keys)) * 4))))
        size = 1 << self.bits
        self.keys = np.full(size, -1, dtype=np.int64)
        self.values = np.full(size, -1, dtype=np.int64)
        self.max_probe = 0
        slots = self._slots(keys)
        table_keys, table_values = self.keys, self.values
        for key, value, slot in zip(keys.tolist(), values.tolist(), slots.tolist()):
            probe = 0
            while table_keys[(slot + probe) & (size - 1)] != -1:
                probe += 1
            table_keys[(slot + probe) & (size - 1)] = key
            table_values[(slot + probe) & (size - 1)] = value
            self.max_probe = max(self.max_probe, probe)
        self.n = len(keys)

    def __len__(self) -> int:
        return self.n

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        return ((keys.astype(np.uint64) * self._MULT) >> np.uint64(64 - self.bits)).astype(np.int64)

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """The value of each key, or -1."""
        out = np.full(len(keys), -1, dtype=np.int64)
        active = np.arange(len(keys))
        slots = self._slots(keys)
        mask = (1 << self.bits) - 1
        for probe in range(self.max_probe + 1):
            if not len(active):
                break
            at = (slots + probe) & mask
            stored = self.keys[at]
            hit = stored == keys
            out[active[hit]] = self.values[at[hit]]
            more = ~hit & (stored != -1)
            active, slots, keys = active[more], slots[more], keys[more]
        return out


class TfidfSpace:
    """A fitted vocabulary with idf weights; ``transform`` gives L2-normalised TF-IDF rows."""

    def __init__(self, vocabulary: np.ndarray, idf: np.ndarray):
        self.vocabulary = vocabulary  # sorted feature names, "c:" block first, then "w:"
        self.idf = idf
        self.n_char = int(np.searchsorted(vocabulary, "d")) if len(vocabulary) else 0
        self._index: dict[str, int] | None = None
        self._tables = None

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
        """TF-IDF rows from feature names (the reference path, used in training)."""
        index = self.index
        cols: list[int] = []
        lengths = np.empty(len(term_lists), dtype=np.int64)
        for d, names in enumerate(term_lists):
            before = len(cols)
            cols.extend(j for j in map(index.get, names) if j is not None)
            lengths[d] = len(cols) - before
        rows = np.repeat(np.arange(len(term_lists), dtype=np.int64), lengths)
        return self._tfidf(rows, np.asarray(cols, dtype=np.int64), len(term_lists))

    # ---------------------------------------------------------------- the fast path (prediction)
    def _lookup_tables(self):
        if getattr(self, "_tables", None) is None:
            words: dict[str, int] = {}
            char_keys, char_cols = [], []
            for j, name in enumerate(self.vocabulary.tolist()):
                if name.startswith("w:"):
                    words[name[2:]] = j
                elif 1 <= len(name) - 2 <= 3:
                    key = 0
                    for k, ch in enumerate(name[2:]):
                        key |= ord(ch) << (42 - 21 * k)
                    char_keys.append(key)
                    char_cols.append(j)
            known = np.zeros(0x110000, dtype=bool)  # code points that occur in some character n-gram
            for key in char_keys:
                for shift in (42, 21, 0):
                    known[(key >> shift) & 0x1FFFFF] = True
            known[0] = False
            self._tables = (words, _IntHash(np.array(char_keys, dtype=np.int64), np.array(char_cols, dtype=np.int64)), known)
        return self._tables

    def transform_analyses(self, analyses, word_ngrams, char_ngrams) -> sp.csr_matrix:
        """The same rows as ``transform(terms(...))``, computed without building feature names: word
        n-grams by dictionary lookup, character n-grams (up to 3) as integer keys looked up in a sorted
        array for the whole batch at once. Names outside the vocabulary are dropped on the spot."""
        if char_ngrams and char_ngrams[1] > 3:
            return self.transform([terms(a, word_ngrams, char_ngrams) for a in analyses])
        words, char_table, known = self._lookup_tables()
        n_docs = len(analyses)
        row_parts, col_parts = [], []
        if word_ngrams:
            lo, hi = word_ngrams
            cols: list[int] = []
            lengths = np.empty(n_docs, dtype=np.int64)
            get = words.get
            for d, a in enumerate(analyses):
                before = len(cols)
                toks = a.tokens
                for n in range(lo, hi + 1):
                    grams = toks if n == 1 else [" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1)]
                    cols.extend(map(get, grams, repeat(-1, len(grams))))
                lengths[d] = len(cols) - before
            word_cols = np.asarray(cols, dtype=np.int64)
            in_vocabulary = word_cols >= 0
            row_parts.append(np.repeat(np.arange(n_docs, dtype=np.int64), lengths)[in_vocabulary])
            col_parts.append(word_cols[in_vocabulary])
        if char_ngrams and len(char_table):
            lo, hi = char_ngrams
            joined = ["\x00".join(a.runs) + "\x00" for a in analyses]
            lengths = np.fromiter(map(len, joined), dtype=np.int64, count=n_docs)
            points = np.frombuffer("".join(joined).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
            doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
            usable = known[points]  # separators and characters of no n-gram end every window early
            for n in range(lo, hi + 1):
                m = len(points) - n + 1
                if m <= 0:
                    continue
                keys = points[:m] << 42
                valid = usable[:m].copy()
                for k in range(1, n):
                    keys |= points[k : k + m] << (42 - 21 * k)
                    valid &= usable[k : k + m]
                keys, where = keys[valid], np.flatnonzero(valid)
                found = char_table.lookup(keys)
                hit = found >= 0
                row_parts.append(doc_of[where[hit]])
                col_parts.append(found[hit])
        rows = np.concatenate(row_parts) if row_parts else np.zeros(0, dtype=np.int64)
        cols_arr = np.concatenate(col_parts) if col_parts else np.zeros(0, dtype=np.int64)
        return self._tfidf(rows, cols_arr, n_docs)

    def _tfidf(self, rows: np.ndarray, cols: np.ndarray, n_docs: int) -> sp.csr_matrix:
        """Rows from (document, column) occurrences: counts -> sub-linear tf x idf -> per-block L2 norm."""
        n_feat = max(len(self.vocabulary), 1)
        keys, counts = np.unique(rows * n_feat + cols, return_counts=True)
        rows, cols_arr = np.divmod(keys, n_feat)
        values = (1.0 + np.log(counts)) * self.idf[cols_arr]
        # L2-normalise each block (characters, words) of each row on its own.
        group = rows * 2 + (cols_arr >= self.n_char)
        norms = np.sqrt(np.bincount(group, weights=values * values, minlength=2 * n_docs))
        values = values / norms[group]
        indptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=n_docs))))
        return sp.csr_matrix((values, cols_arr, indptr), shape=(n_docs, len(self.vocabulary)))
