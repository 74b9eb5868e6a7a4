"""A fitted model at prediction time: normalise -> tokenise -> features -> scores -> probabilities.

:class:`Model` needs numpy only: neither scikit-learn nor scipy is imported on this path (``features``, which
returns a sparse matrix, imports scipy.sparse). It is what ``load_model`` returns and what ``train`` builds.
"""

from __future__ import annotations

import contextlib
import os
from typing import Iterable, Sequence

import numpy as np

from .calibration import softmax
from .features import Analysis, TfidfSpace, analyse
from .labels import LABELS
from .normalize import normalize
from .prediction import Prediction
from .tokenize import get_tokenizer

__all__ = ["Model", "check_text", "DEFAULT_MAX_CHARS"]

#: Only the first this-many characters of a text are read (a parameter of every model).
DEFAULT_MAX_CHARS = 20_000

#: Texts are classified in blocks of this many (the results do not depend on it).
BLOCK = 128


def check_text(text) -> str:
    """Raise ``TypeError`` for a non-string and ``ValueError`` for blank text; return the text."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if not text or text.isspace():
        raise ValueError("text is empty or whitespace only; give the item's title and/or body")
    return text


def analyse_texts(texts: Iterable[str], hmm: bool, max_chars: int = DEFAULT_MAX_CHARS,
                  tokenizer: str = "jieba") -> list[Analysis]:
    """Normalise and tokenise each text (the first ``max_chars`` characters)."""
    tokenizer = get_tokenizer(hmm, tokenizer)
    out = []
    for text in texts:
        normalised = normalize(text[:max_chars])
        out.append(analyse(normalised, tokenizer.cut(normalised)))
    return out


def linear_scores(values: np.ndarray, cols: np.ndarray, indptr: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """``coef @ X.T`` for the CSR rows ``X = (values, cols, indptr)``: shape (n_classes, n_rows). Each row's sum
    depends on that row alone (so a text's scores do not depend on the batch it came in)."""
    products = np.take(coef, cols, axis=1)
    products *= values
    scores = np.zeros((coef.shape[0], len(indptr) - 1))
    filled = indptr[1:] > indptr[:-1]
    if filled.any():
        scores[:, filled] = np.add.reduceat(products, indptr[:-1][filled], axis=1)
    return scores


def _resolve_threshold(threshold, default: float | None) -> float | None:
    if threshold is None:
        return None
    if isinstance(threshold, str):
        if threshold != "default":
            raise ValueError(f"threshold must be a number in [0, 1], None or 'default', got {threshold!r}")
        return default
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0.0 <= float(threshold) <= 1.0:
        raise ValueError(f"threshold must be a number in [0, 1], None or 'default', got {threshold!r}")
    return float(threshold)


def _resolve_top_k(top_k) -> int:
    if top_k is None:
        return len(LABELS)
    if isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1:
        raise ValueError(f"top_k must be a positive whole number or None, got {top_k!r}")
    return min(top_k, len(LABELS))


def _chunks(texts: list[str], chunk_size: int, workers: int) -> list[list[str]]:
    """About ``chunk_size`` texts per chunk, as many chunks as a multiple of ``workers`` and the same number of
    characters in each, so that no worker is left with more to do than the others."""
    n = -(-len(texts) // max(1, chunk_size))
    n = -(-n // max(1, workers)) * max(1, workers)
    ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))
    cuts = np.searchsorted(ends, ends[-1] * np.arange(1, n) / n).tolist()
    bounds = [0] + cuts + [len(texts)]
    return [texts[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def _proba_chunk(model: "Model", texts: list[str]) -> np.ndarray:
    """One chunk of a parallel ``classify_batch``; the model is an argument so that joblib's Dask backend
    scatters it to the workers once."""
    return model._proba(texts)


class Model:
    """A fitted section classifier (see the package doc for the methods)."""

    unpickled = 0

    def __init__(self, *, space: TfidfSpace, coef: np.ndarray, intercept: np.ndarray, temperature: float,
                 config: dict, default_threshold: float | None = None, card: dict | None = None,
                 path: str | None = None, tokenizer: str = "jieba"):
        self.space = space
        self.coef = coef
        self.intercept = intercept
        self.temperature = float(temperature)
        self.config = dict(config)
        self.default_threshold = default_threshold
        self.card = card or {}
        self.path = path
        self.tokenizer = tokenizer  # "jieba", "rjieba" or "auto" (see labor_topics.tokenize)

    # ------------------------------------------------------------ pickling (joblib workers)
    def __setstate__(self, state):
        self.__dict__.update(state)
        Model.unpickled += 1  # how many models this process received (parallel runs report it)

    # ------------------------------------------------------------ the data path
    @property
    def classes_(self) -> np.ndarray:
        return np.array(LABELS)

    @property
    def max_chars(self) -> int:
        return int(self.config.get("max_chars", DEFAULT_MAX_CHARS))

    def analyse(self, texts: Sequence[str]) -> list[Analysis]:
        return analyse_texts(texts, bool(self.config.get("hmm", False)), self.max_chars, self.tokenizer)

    @property
    def ngram_ranges(self) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
        """(word n-gram range, character n-gram range) of the configuration; None for a block not used."""
        word = self.config.get("word_ngrams")
        char = self.config.get("char_ngrams")
        return word and tuple(word), char and tuple(char)

    def features(self, analyses: Sequence[Analysis]):
        """TF-IDF rows of pre-analysed texts, a ``scipy.sparse.csr_matrix``."""
        return self.space.transform_analyses(analyses, *self.ngram_ranges)

    def decision_from_analyses(self, analyses: Sequence[Analysis]) -> np.ndarray:
        values, cols, indptr = self.space.rows(analyses, *self.ngram_ranges)
        return linear_scores(values, cols, indptr, self.coef).T + self.intercept

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """Raw linear scores, shape (n, 5), columns in :data:`LABELS` order."""
        return self.decision_from_analyses(self.analyse([check_text(t) for t in texts]))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, shape (n, 5), columns in :data:`LABELS` order."""
        return self._proba([check_text(t) for t in texts])

    def _proba(self, texts: Sequence[str]) -> np.ndarray:
        """``predict_proba`` for texts already checked, in blocks of :data:`BLOCK` texts (whose arrays stay in
        the processor's cache, and whose analyses need not all be held at once)."""
        out = np.empty((len(texts), len(LABELS)))
        for i in range(0, len(texts), BLOCK):
            out[i : i + BLOCK] = self.decision_from_analyses(self.analyse(texts[i : i + BLOCK]))
        return softmax(out, self.temperature)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return self.classes_[self.predict_proba(texts).argmax(axis=1)]

    # ------------------------------------------------------------ the public, fastText-plain calls
    def _predictions(self, proba: np.ndarray, threshold, top_k) -> list[Prediction]:
        cut = _resolve_threshold(threshold, self.default_threshold)
        k = _resolve_top_k(top_k)
        orders = np.argsort(-proba, axis=1, kind="stable")[:, :k].tolist()  # best first, ties in LABELS order
        out = []
        for row, order in zip(proba.tolist(), orders):
            best = row[order[0]]
            out.append(Prediction(
                label=None if cut is not None and best < cut else LABELS[order[0]],
                score=best,
                scores=dict(zip(LABELS, row)),
                top=tuple([(LABELS[j], row[j]) for j in order]),
            ))
        return out

    def classify(self, text: str, *, threshold=None, top_k=None) -> Prediction:
        """Classify one text (see :func:`labor_topics.classify`)."""
        return self._predictions(self.predict_proba([text]), threshold, top_k)[0]

    def classify_batch(self, texts: Iterable[str], *, threshold=None, top_k=None, n_jobs: int | None = 1,
                       chunk_size: int = 1000) -> list[Prediction]:
        """Classify many texts; the same results as :meth:`classify` one by one.

        ``n_jobs=1`` works in this process; otherwise chunks of about ``chunk_size`` texts (as many chunks as
        a multiple of the workers, each with the same number of characters) go to
        ``joblib.Parallel(n_jobs=n_jobs)``, which honours an active joblib backend: inside
        ``with joblib.parallel_backend("dask"):`` they run on a Dask cluster, where the model is sent to each
        worker once (scattered before the chunks), not with every chunk. ``n_jobs=None`` lets the backend decide.
        """
        texts = [check_text(t) for t in texts]
        _resolve_threshold(threshold, self.default_threshold)
        _resolve_top_k(top_k)
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
            raise ValueError(f"chunk_size must be a positive whole number, got {chunk_size!r}")
        if not texts:
            return []
        if n_jobs == 1 or len(texts) <= chunk_size:
            proba = self._proba(texts)
        else:
            import joblib

            chunks = _chunks(texts, chunk_size, joblib.effective_n_jobs(n_jobs))
            with contextlib.ExitStack() as stack:
                backend, _ = joblib.parallel.get_active_backend()
                if type(backend).__name__ == "DaskDistributedBackend":  # send the model to the workers once
                    stack.enter_context(joblib.parallel_backend("dask", scatter=[self]))
                parts = joblib.Parallel(n_jobs=n_jobs)(joblib.delayed(_proba_chunk)(self, c) for c in chunks)
            proba = np.vstack(parts)
        return self._predictions(proba, threshold, top_k)

    def explain(self, text: str, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` features that pushed ``text`` most towards its predicted section, with their weight
        (feature value times the section's coefficient minus the mean over sections). Names start with
        ``w:`` (word n-gram) or ``c:`` (character n-gram)."""
        analyses = self.analyse([check_text(text)])
        vals, cols, indptr = self.space.rows(analyses, *self.ngram_ranges)
        best = int(np.argmax(linear_scores(vals, cols, indptr, self.coef)[:, 0] + self.intercept))
        weights = vals * (self.coef[best, cols] - self.coef[:, cols].mean(axis=0))
        order = np.argsort(-weights, kind="stable")[:k]
        return [(str(self.space.vocabulary[cols[i]]), float(weights[i])) for i in order if weights[i] > 0]

    # ------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike, card: dict | None = None) -> str:
        """Write the model (and its card beside it, ``<path>.card.json``) atomically; return the path."""
        from .model_file import save_model

        return save_model(self, path, card=card)

    def __repr__(self) -> str:
        return f"Model(features={len(self.space)}, config={self.config!r})"
