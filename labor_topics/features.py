"""Tokens -> features: TF-IDF over word n-grams and character n-grams, in plain numpy.

One implementation serves training and prediction, so both see exactly the same features:

* an :class:`Analysis` holds what the text gives once: its tokens and its lower-cased text (the meaningful
  tokens and the runs of word characters, digits folded to ``0``, derive from them);
* :func:`terms` turns an analysis into feature names: ``w:`` + word n-grams (tokens joined by a space)
  and ``c:`` + character n-grams inside each run;
* a :class:`TfidfSpace` maps names to columns: sub-linear tf (``1 + log count``) times smooth idf
  (``ln((1 + n) / (1 + df)) + 1``, as scikit-learn), each block (characters, words) L2-normalised on its
  own, so that the two blocks weigh the same. Names outside the vocabulary are dropped.

Training builds feature names (:func:`terms`, :meth:`TfidfSpace.transform`: the reference). Prediction
(:meth:`TfidfSpace.transform_analyses`) gets the same rows without them: word unigrams by one dictionary lookup
per token, character n-grams as chains of integer keys looked up in hash tables for a whole block of texts at
once, occurrences packed as ``row << shift | column`` and counted with one sort. Tests hold the two paths equal
on any text. :meth:`TfidfSpace.rows` gives the rows as plain arrays (CSR layout), so that prediction needs no
scipy; ``transform`` and ``transform_analyses`` wrap them in a ``scipy.sparse.csr_matrix``.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from itertools import chain, repeat
from typing import TYPE_CHECKING, Sequence

import numpy as np

if TYPE_CHECKING:
    import scipy.sparse as sp

from .tokenize import _FOLDED, Memo, feature_tokens

__all__ = ["Analysis", "analyse", "terms", "TfidfSpace"]

_RUNS = re.compile(r"\w+")
_DIGITS = re.compile(r"\d")


@dataclass(frozen=True, eq=False)
class Analysis:
    """What the featuriser needs from one text: its tokens as the tokenizer gave them and its lower-cased
    normalised text, whose runs of word characters (digits folded) give the character n-grams."""

    raw_tokens: Sequence[str]
    text: str

    @cached_property
    def tokens(self) -> tuple[str, ...]:
        """The tokens that carry meaning, lower-cased, digits folded to ``0`` (see :func:`feature_tokens`)."""
        return feature_tokens(self.raw_tokens)

    @property
    def runs(self) -> list[str]:
        return _RUNS.findall(_DIGITS.sub("0", self.text))


def analyse(normalised: str, tokens: list[str]) -> Analysis:
    """What the featuriser needs from one normalised text and its jieba tokens."""
    return Analysis(tokens, normalised.lower())


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
    """An open-addressing hash table from non-negative int64 keys to int64 values, probed for whole arrays
    at once (a quarter full, so that most keys are settled by the first probe)."""

    _MULT = np.uint64(0x9E3779B97F4A7C15)

    def __init__(self, keys: np.ndarray, values: np.ndarray):
        keys = np.asarray(keys, dtype=np.int64)
        values = np.asarray(values, dtype=np.int64)
        self.bits = max(4, int(np.ceil(np.log2(max(1, len(keys)) * 4))))
        mask = (1 << self.bits) - 1
        self.keys = np.full(mask + 1, -1, dtype=np.int64)
        self.values = np.full(mask + 1, -1, dtype=np.int64)
        self.max_probe = 0
        # Insert in rounds: each key still waiting tries the next cell of its probe sequence; of the keys that
        # want the same free cell, the first takes it. A key then sits after occupied cells only, as linear
        # probing requires. (Keys are distinct.)
        waiting = np.arange(len(keys))
        slots = self._slots(keys)
        probe = 0
        while len(waiting):
            at = (slots[waiting] + probe) & mask
            free = self.keys[at] == -1
            cells, first = np.unique(at[free], return_index=True)
            taken = waiting[np.flatnonzero(free)[first]]
            self.keys[cells] = keys[taken]
            self.values[cells] = values[taken]
            if len(taken):
                self.max_probe = probe
            placed = np.zeros(len(keys), dtype=bool)
            placed[taken] = True
            waiting = waiting[~placed[waiting]]
            probe += 1

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        return ((keys.view(np.uint64) * self._MULT) >> np.uint64(64 - self.bits)).view(np.int64)

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """The value of each key (int64 array), or -1."""
        slots = self._slots(keys)
        stored = np.take(self.keys, slots)
        out = np.where(stored == keys, np.take(self.values, slots), -1)
        if self.max_probe:
            # the few keys that are neither found nor proved absent by the first probe
            pending = np.flatnonzero((stored != keys) & (stored != -1))
            mask = (1 << self.bits) - 1
            for probe in range(1, self.max_probe + 1):
                if not len(pending):
                    break
                at = (slots[pending] + probe) & mask
                stored = self.keys[at]
                hit = stored == keys[pending]
                out[pending[hit]] = self.values[at[hit]]
                pending = pending[~hit & (stored != -1)]
        return out


@lru_cache(maxsize=1)
def _bmp_digits() -> list[int]:
    """Code points below 0x10000 that ``\\d`` matches (decimal digits of every script)."""
    return [cp for cp in range(0x10000) if chr(cp).isdecimal()]


class _CharGrams:
    """The character n-grams of a vocabulary as a chain of tables, for counting them in a whole batch with
    array operations: every character of the vocabulary has an id; an n-gram of length ``k`` that is the
    prefix of a longer vocabulary n-gram has a rank among those prefixes; the table of length ``k + 1`` maps
    ``rank * n_chars + id(next character)`` to the column of that n-gram (or -1) and its own rank (or -1).

    Text is read as code points. A character outside the vocabulary (punctuation, space and every non-word
    character among them) gets id -1 and ends every n-gram that would contain it, which is what splitting the
    text into runs of word characters does in :func:`terms`. Digits (``\\d``) count as ``0``."""

    def __init__(self, char_names: list[str], hi: int):
        """``char_names``: the ``c:`` block of a vocabulary, whose columns come first (column = position)."""
        self.hi = hi
        grams = [name[2:] for name in char_names]
        chars = sorted({ch for g in grams for ch in g})  # every character of a vocabulary n-gram
        self.n_chars = len(chars)
        ids = {ch: i for i, ch in enumerate(chars)}
        self.zero = ids.get("0", -1)
        # ids of the Basic Multilingual Plane in an array (every decimal digit there reads as "0"); the few
        # characters beyond it go through a dictionary (see ids()). 0xFFFF is no word character: id -1.
        self.char_id = np.full(0x10000, -1, dtype=np.int64)
        if self.zero >= 0:
            self.char_id[_bmp_digits()] = self.zero
        bmp = [(ord(ch), i) for ch, i in ids.items() if ord(ch) < 0x10000]
        self.char_id[[cp for cp, _ in bmp]] = [i for _, i in bmp]
        self.astral = {ord(ch): i for ch, i in ids.items() if ord(ch) >= 0x10000}
        by_length: list[dict[str, int]] = [{} for _ in range(hi + 1)]  # n-gram -> column, per length
        for j, g in enumerate(grams):
            if len(g) <= hi:
                by_length[len(g)][g] = j
        prefixes = [set() for _ in range(hi + 1)]  # n-grams that begin a longer vocabulary n-gram, per length
        for k in range(2, hi + 1):
            for g in by_length[k]:
                for m in range(1, k):
                    prefixes[m].add(g[:m])
        self.unigram_col = np.full(self.n_chars + 1, -1, dtype=np.int64)  # the last entry is for id -1
        for ch, j in by_length[1].items():
            self.unigram_col[ids[ch]] = j
        self.unigram_rank = np.zeros(self.n_chars + 1, dtype=bool)
        self.unigram_rank[[ids[ch] for ch in prefixes[1]]] = True
        rank = ids  # rank of the length-1 prefixes: the character id
        self.tables: list[_IntHash] = []
        for k in range(2, hi + 1):
            level = sorted(by_length[k].keys() | prefixes[k])
            next_rank = {g: r for r, g in enumerate(g for g in level if g in prefixes[k])}
            keys = [rank[g[:-1]] * self.n_chars + ids[g[-1]] for g in level]
            values = [(next_rank.get(g, -1) + 1) << 32 | (by_length[k].get(g, -1) + 1) for g in level]
            self.tables.append(_IntHash(np.array(keys, dtype=np.int64), np.array(values, dtype=np.int64)))
            rank = next_rank

    def ids(self, points: np.ndarray) -> np.ndarray:
        """Character ids of code points (-1 outside the vocabulary; decimal digits are ``0``)."""
        ids = np.take(self.char_id, np.minimum(points, 0xFFFF))
        astral = np.flatnonzero(points > 0xFFFF)
        if len(astral):
            zero, get = self.zero, self.astral.get
            ids[astral] = [get(cp, zero if chr(cp).isdecimal() else -1) for cp in points[astral].tolist()]
        return ids

    # (np.take with int64 indices: gathers are the bulk of the work, and take is the fastest way to do them)
    def occurrences(self, points: np.ndarray, lo: int, hi: int):
        """(positions, columns) of the vocabulary n-grams of length ``lo..hi`` starting in ``points`` (int64 code
        points), one pair of arrays per length."""
        n = len(points)
        ids = np.full(n + hi, -1, dtype=np.int64)  # no n-gram runs past the end
        ids[:n] = self.ids(points)
        head = ids[:n]
        if lo <= 1:
            col = np.take(self.unigram_col, head)
            pos = np.flatnonzero(col >= 0)
            yield pos, np.take(col, pos)
        pos = np.flatnonzero(np.take(self.unigram_rank, head))  # characters that start a longer n-gram
        rank = np.take(head, pos)
        for k, table in enumerate(self.tables, start=2):
            nxt = np.take(ids, pos + (k - 1))
            keep = np.flatnonzero(nxt >= 0)
            pos = np.take(pos, keep)
            found = table.lookup(np.take(rank, keep) * self.n_chars + np.take(nxt, keep))
            hit = np.flatnonzero(found >= 0)
            pos, found = np.take(pos, hit), np.take(found, hit)
            if k >= lo:
                col = (found & 0xFFFFFFFF) - 1
                in_vocabulary = col >= 0
                yield pos[in_vocabulary], col[in_vocabulary]
            rank = (found >> 32) - 1
            longer = rank >= 0
            pos, rank = pos[longer], rank[longer]


def _word_column(words: dict[str, int], token: str) -> int:
    """The column of a raw token's word unigram, -1 when none ("" (no meaning) is no word of the vocabulary)."""
    return words.get(_FOLDED[token], -1)


_SUBLINEAR_TF = 1.0 + np.log(np.arange(1024, dtype=np.float64).clip(1))  # 1 + ln(count), for counts up to 1023

_RECEIVED_TABLES: dict[tuple[str, int], tuple] = {}  # (fingerprint, longest char n-gram) -> lookup tables


class TfidfSpace:
    """A fitted vocabulary with idf weights; ``transform`` gives L2-normalised TF-IDF rows."""

    def __init__(self, vocabulary: np.ndarray, idf: np.ndarray):
        self.vocabulary = vocabulary  # sorted feature names, "c:" block first, then "w:"
        self.idf = idf
        self.n_char = int(np.searchsorted(vocabulary, "d")) if len(vocabulary) else 0
        self._index: dict[str, int] | None = None
        self._tables = None
        self._fingerprint: str | None = None
        self._tables_lock = threading.Lock()

    # A copy sent to another process (joblib, Dask) leaves its lookup tables behind: the receiving process
    # builds them once per vocabulary and keeps them in _RECEIVED_TABLES, however many copies arrive.
    def __getstate__(self):
        state = self.__dict__.copy()
        state.update(_tables_lock=None, _tables=None, _index=None, _fingerprint=self.fingerprint)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._tables_lock = threading.Lock()
        self._received = True

    @property
    def fingerprint(self) -> str:
        """A digest of the vocabulary, which the lookup tables derive from."""
        if getattr(self, "_fingerprint", None) is None:
            self._fingerprint = hashlib.blake2b(self.vocabulary.tobytes(), digest_size=16).hexdigest()
        return self._fingerprint

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
        return self._csr(self._tfidf(rows << self._shift | np.asarray(cols, dtype=np.int64), len(term_lists)))

    def _csr(self, rows: tuple[np.ndarray, np.ndarray, np.ndarray]) -> sp.csr_matrix:
        import scipy.sparse as sp

        values, cols, indptr = rows
        return sp.csr_matrix((values, cols, indptr), shape=(len(indptr) - 1, len(self.vocabulary)))

    # ---------------------------------------------------------------- the fast path (prediction)
    def _lookup_tables(self, char_hi: int):
        tables = self._tables
        if tables is None or tables[2].hi != char_hi:
            with self._tables_lock:
                tables = self._tables
                if tables is None or tables[2].hi != char_hi:
                    key = (self.fingerprint, char_hi) if getattr(self, "_received", False) else None
                    tables = _RECEIVED_TABLES.get(key) if key else None
                    if tables is None:
                        names = self.vocabulary.tolist()  # the "c:" block, then the "w:" block
                        words = dict(zip([name[2:] for name in names[self.n_char :]], range(self.n_char, len(names))))
                        tables = (words, Memo(partial(_word_column, words)), _CharGrams(names[: self.n_char], char_hi))
                        if key:
                            while len(_RECEIVED_TABLES) >= 4:
                                _RECEIVED_TABLES.pop(next(iter(_RECEIVED_TABLES)))
                            _RECEIVED_TABLES[key] = tables
                    self._tables = tables
        return tables

    def transform_analyses(self, analyses, word_ngrams, char_ngrams) -> sp.csr_matrix:
        """The same rows as ``transform(terms(...))``, computed without building feature names (see
        :meth:`rows`)."""
        return self._csr(self.rows(analyses, word_ngrams, char_ngrams))

    def rows(self, analyses, word_ngrams, char_ngrams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """TF-IDF rows of pre-analysed texts as CSR arrays ``(values, columns, indptr)``: word n-grams by
        dictionary lookup, character n-grams counted for the whole batch at once with array operations (see
        :class:`_CharGrams`). Names outside the vocabulary are dropped on the spot."""
        words, word_columns, chars = self._lookup_tables(char_ngrams[1] if char_ngrams else 1)
        n_docs = len(analyses)
        shift = self._shift
        parts = []
        if word_ngrams:
            lo, hi = word_ngrams
            if (lo, hi) == (1, 1):  # straight from the tokenizer's tokens to columns, one lookup each
                raw = list(chain.from_iterable(a.raw_tokens for a in analyses))
                lengths = np.fromiter((len(a.raw_tokens) for a in analyses), dtype=np.int64, count=n_docs)
                word_cols = np.fromiter(map(word_columns.__getitem__, raw), dtype=np.int64, count=len(raw))
            else:
                grams = []
                lengths = np.zeros(n_docs, dtype=np.int64)
                for d, a in enumerate(analyses):
                    toks = a.tokens
                    before = len(grams)
                    for n in range(lo, hi + 1):
                        if n == 1:
                            grams.extend(toks)
                        else:
                            grams.extend(" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1))
                    lengths[d] = len(grams) - before
                word_cols = np.fromiter(map(words.get, grams, repeat(-1, len(grams))), dtype=np.int64, count=len(grams))
            rows = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
            in_vocabulary = word_cols >= 0
            parts.append(rows[in_vocabulary] << shift | word_cols[in_vocabulary])
        if char_ngrams and chars.n_chars:
            lo, hi = char_ngrams
            joined = "\x00".join(a.text for a in analyses)
            points = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
            # the document of each position, shifted into place: a separator (code point 0) ends each document
            starts = np.cumsum(np.fromiter((len(a.text) + 1 for a in analyses), dtype=np.int64, count=n_docs))[:-1]
            row_of = np.zeros(len(points), dtype=np.int64)
            row_of[starts[starts < len(points)]] = 1 << shift
            np.cumsum(row_of, out=row_of)
            for pos, col in chars.occurrences(points, lo, hi):
                parts.append(np.take(row_of, pos) | col)
        keys = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        return self._tfidf(keys, n_docs)

    @property
    def _shift(self) -> int:
        """Occurrences are packed as ``row << _shift | column`` (one int64 per occurrence)."""
        return max(len(self.vocabulary), 1).bit_length()

    def _tfidf(self, keys: np.ndarray, n_docs: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """CSR rows from packed (document, column) occurrences: counts -> sub-linear tf x idf -> per-block L2
        norm."""
        keys = np.sort(keys)
        if len(keys):
            first = np.empty(len(keys), dtype=bool)
            first[0] = True
            np.not_equal(keys[1:], keys[:-1], out=first[1:])
            starts = np.flatnonzero(first)
            counts = np.empty(len(starts), dtype=np.int64)
            np.subtract(starts[1:], starts[:-1], out=counts[:-1])
            counts[-1] = len(keys) - starts[-1]
            keys = keys[starts]
        else:
            counts = np.zeros(0, dtype=np.int64)
        rows = keys >> self._shift
        cols = keys & ((1 << self._shift) - 1)
        small = counts < len(_SUBLINEAR_TF)
        tf = (np.take(_SUBLINEAR_TF, counts) if small.all()
              else np.where(small, np.take(_SUBLINEAR_TF, np.where(small, counts, 0)), 1.0 + np.log(counts)))
        values = tf * np.take(self.idf, cols)
        # L2-normalise each block (characters, words) of each row on its own.
        group = rows * 2 + (cols >= self.n_char)
        norms = np.sqrt(np.bincount(group, weights=values * values, minlength=2 * n_docs))
        values /= np.take(norms, group)
        indptr = np.searchsorted(rows, np.arange(n_docs + 1))  # rows are sorted
        return values, cols, indptr
