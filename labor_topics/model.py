"""A fitted model at prediction time: texts -> analyses -> TF-IDF rows -> scores -> probabilities.

:class:`Model` needs numpy only: neither scikit-learn nor scipy is imported on this path. It is what
``load_model`` returns and what ``train`` builds; ``labor_topics.model_file`` saves and loads it.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from .calibration import softmax
from .features import Analysis, TfidfSpace
from .labels import LABELS
from .parallel import map_chunks
from .pipeline import DEFAULT_MAX_CHARS, analyse_texts, check_text
from .prediction import Prediction, Scores
from .validation import check_number, check_top_k, resolve_threshold

__all__ = ["Model", "linear_scores", "BLOCK"]

#: Texts are classified in blocks of this many (the results do not depend on it; 128 was the fastest of
#: 64 … 1024 measured).
BLOCK = 128


def linear_scores(values: np.ndarray, cols: np.ndarray, indptr: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """``coef @ X.T`` for the CSR rows ``X = (values, cols, indptr)``: shape (n_classes, n_rows).

    Each row's sum depends on that row alone, so a text's scores do not depend on the batch it came in. Written
    in numpy rather than with ``scipy.sparse`` for the cold start (importing scipy.sparse adds about 0.23 s);
    scipy's product is about twice as fast, but both take under 1 % of the time of a prediction.
    """
    products = np.take(coef, cols, axis=1)
    products *= values
    scores = np.zeros((coef.shape[0], len(indptr) - 1))
    filled = indptr[1:] > indptr[:-1]
    if filled.any():
        scores[:, filled] = np.add.reduceat(products, indptr[:-1][filled], axis=1)
    return scores


def _proba_chunk(model: "Model", texts: list[str]) -> np.ndarray:
    """One chunk of a parallel ``classify_batch`` (run in a worker process)."""
    return model.proba_of_checked(texts)


class Model:
    """A fitted section classifier.

    Parameters
    ----------
    space : TfidfSpace
        The vocabulary and idf weights.
    coef : numpy.ndarray, shape (5, n_features)
        Linear weights, rows in :data:`~labor_topics.labels.LABELS` order.
    intercept : numpy.ndarray, shape (5,)
    temperature : float
        Calibration: probabilities are ``softmax(scores / temperature)``.
    config : dict
        The configuration the model was trained with (n-gram ranges, ``hmm``, ``max_chars`` …).
    default_threshold : float or None
        The threshold that ``threshold="default"`` stands for.
    card : dict or None
        The model card (training data, figures).
    path : str or None
        The file the model was loaded from.
    tokenizer : str
        ``"jieba"`` or ``"rjieba"``: the same tokens, rjieba is faster.
    """

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
        self.tokenizer = tokenizer

    # ------------------------------------------------------------ the data path
    @property
    def classes_(self) -> np.ndarray:
        """The five sections, in the order of the columns of :meth:`predict_proba`."""
        return np.array(LABELS)

    @property
    def max_chars(self) -> int:
        """Only the first this-many characters of a text are read."""
        return int(self.config.get("max_chars", DEFAULT_MAX_CHARS))

    @property
    def hmm(self) -> bool:
        """Whether jieba's HMM finds words outside its dictionary (off for every bundled configuration)."""
        return bool(self.config.get("hmm", False))

    @property
    def ngram_ranges(self) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
        """(word n-gram range, character n-gram range) of the configuration; None for a block not used."""
        word = self.config.get("word_ngrams")
        char = self.config.get("char_ngrams")
        return (tuple(word) if word else None), (tuple(char) if char else None)

    def analyse(self, texts: Sequence[str]) -> list[Analysis]:
        """Cut, normalise and tokenise texts as this model reads them."""
        return analyse_texts(texts, self.hmm, self.max_chars, self.tokenizer)

    def decision_of_analyses(self, analyses: Sequence[Analysis]) -> np.ndarray:
        """Raw linear scores of pre-analysed texts, shape (n, 5)."""
        values, cols, indptr = self.space.csr_rows(analyses, *self.ngram_ranges)
        return linear_scores(values, cols, indptr, self.coef).T + self.intercept

    def proba_of_analyses(self, analyses: Sequence[Analysis]) -> np.ndarray:
        """Calibrated probabilities of pre-analysed texts, shape (n, 5)."""
        return softmax(self.decision_of_analyses(analyses), self.temperature)

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """Raw linear scores, shape (n, 5), columns in :data:`LABELS` order."""
        return self.decision_of_analyses(self.analyse([check_text(t) for t in texts]))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, shape (n, 5), columns in :data:`LABELS` order.

        Raises ``TypeError`` for a non-string and ``ValueError`` for a blank text."""
        return self.proba_of_checked([check_text(t) for t in texts])

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """The best section of each text (never abstains; see :meth:`classify_batch` for a threshold)."""
        return self.classes_[self.predict_proba(texts).argmax(axis=1)]

    def proba_of_checked(self, texts: Sequence[str]) -> np.ndarray:
        """:meth:`predict_proba` for texts already checked, in blocks of :data:`BLOCK` texts (whose arrays stay
        in the processor's cache, and whose analyses need not all be held at once)."""
        out = np.empty((len(texts), len(LABELS)))
        for i in range(0, len(texts), BLOCK):
            out[i : i + BLOCK] = self.decision_of_analyses(self.analyse(texts[i : i + BLOCK]))
        return softmax(out, self.temperature)

    # ------------------------------------------------------------ predictions
    def _predictions(self, proba: np.ndarray, threshold, top_k) -> list[Prediction]:
        threshold = resolve_threshold(threshold, self.default_threshold)
        k = check_top_k(top_k, len(LABELS))
        orders = np.argsort(-proba, axis=1, kind="stable")[:, :k].tolist()  # best first, ties in LABELS order
        out = []
        for row, order in zip(proba.tolist(), orders):
            best = row[order[0]]
            out.append(Prediction(
                label=None if threshold is not None and best < threshold else LABELS[order[0]],
                score=best,
                scores=Scores(zip(LABELS, row)),
                top=tuple([(LABELS[j], row[j]) for j in order]),
            ))
        return out

    def classify(self, text: str, *, threshold=None, top_k=None) -> Prediction:
        """Classify one text (see :func:`labor_topics.classify`)."""
        return self._predictions(self.predict_proba([text]), threshold, top_k)[0]

    def classify_batch(self, texts: Iterable[str], *, threshold=None, top_k=None, n_jobs: int | None = 1,
                       chunk_size: int = 1000) -> list[Prediction]:
        """Classify many texts; the same results as :meth:`classify` one by one.

        Parameters
        ----------
        texts : iterable of str
            Not a single string (that would be a batch of its characters).
        threshold, top_k
            As for :meth:`classify`.
        n_jobs : int or None
            ``1`` works in this process; otherwise chunks of about ``chunk_size`` texts go to joblib worker
            processes (or to a Dask cluster inside ``with joblib.parallel_backend("dask"):``; see
            :func:`labor_topics.parallel.map_chunks`). ``-1``: all cores; ``None``: the backend decides.
        chunk_size : int
            Texts per chunk; a batch of at most this many stays in this process.

        Raises
        ------
        TypeError
            ``texts`` is a string or bytes, an item is not a string, or a parameter has the wrong type.
        ValueError
            A blank text, or a parameter out of range.
        """
        if isinstance(texts, (str, bytes)):
            raise TypeError("texts must be an iterable of strings, not a single string; use classify() for one text")
        texts = [check_text(t) for t in texts]
        resolve_threshold(threshold, self.default_threshold)
        check_top_k(top_k, len(LABELS))
        chunk_size = check_number(chunk_size, "chunk_size", integer=True, low=1)
        if n_jobs is not None:
            n_jobs = check_number(n_jobs, "n_jobs", integer=True)
            if n_jobs == 0:
                raise ValueError("n_jobs must be a positive number of processes, -1 (all cores) or None, got 0")
        if not texts:
            return []
        if n_jobs == 1 or len(texts) <= chunk_size:
            proba = self.proba_of_checked(texts)
        else:
            proba = np.vstack(map_chunks(_proba_chunk, self, texts, n_jobs=n_jobs, chunk_size=chunk_size))
        return self._predictions(proba, threshold, top_k)

    def explain(self, text: str, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` features that pushed ``text`` most towards its predicted section, with their weight
        (feature value times the section's coefficient minus the mean over sections). Names start with
        ``w:`` (word n-gram) or ``c:`` (character n-gram)."""
        k = check_number(k, "k", integer=True, low=1)
        analyses = self.analyse([check_text(text)])
        vals, cols, indptr = self.space.csr_rows(analyses, *self.ngram_ranges)
        best = int(np.argmax(linear_scores(vals, cols, indptr, self.coef)[:, 0] + self.intercept))
        weights = vals * (self.coef[best, cols] - self.coef[:, cols].mean(axis=0))
        order = np.argsort(-weights, kind="stable")[:k]
        return [(str(self.space.vocabulary[cols[i]]), float(weights[i])) for i in order if weights[i] > 0]

    def __repr__(self) -> str:
        return f"Model(features={len(self.space)}, config={self.config!r})"
