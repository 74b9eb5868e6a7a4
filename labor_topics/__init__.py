"""labor_topics: file Chinese trade-union news items under the five sections of a union weekly digest.

The sections, in digest order (:data:`LABELS`): 思想引领, 建功立业, 维权服务, 构建和谐劳动关系, 组织建设.

Quick use::

    >>> from labor_topics import classify
    >>> p = classify("某市总工会开展送清凉慰问活动\\n为一线户外劳动者送去防暑降温用品")
    >>> p.label, round(p.score, 2)                                   # doctest: +SKIP
    ('维权服务', 0.93)

Public API
----------
``classify(text, *, threshold=None, top_k=None) -> Prediction``
    Classify one item (title and body joined by a newline, or a headline alone) with the bundled model,
    loaded once on first use. ``threshold``: ``None`` (always name a section), a number in [0, 1] or
    ``"default"`` (the model card's); below it ``Prediction.label`` is ``None``. ``top_k`` limits
    ``Prediction.top``. ``TypeError`` for a non-string, ``ValueError`` for blank text; any other string
    gets a prediction (only its first ``max_chars`` = 20,000 characters are read).
``classify_batch(texts, *, threshold=None, top_k=None, n_jobs=1) -> list[Prediction]``
    The same for many texts, vectorised (joblib processes for ``n_jobs > 1``); identical results.
``Prediction``
    Frozen dataclass: ``label`` (a section or ``None``), ``score``, ``scores`` (the five, summing to 1),
    ``top`` (best first ``(section, score)`` pairs).
``load_model(path=None, *, tokenizer="auto") -> Model``
    A model file (the bundled one when ``path`` is None); ``tokenizer`` "auto" uses rjieba (the ``fast``
    extra) when installed, else jieba: the same tokens with the union dictionary, about 14 times faster. ``Model`` has ``classify``, ``classify_batch``,
    ``explain(text, k=10)``, ``predict_proba``, ``card``, ``default_threshold`` and ``save(path)``.
    Loading never runs code from the file; a bad file raises :class:`ModelFileError`.
``train(items, *, include_bundled=False, config=None, **params) -> Model``
    Fit a model on labelled items (``Item`` objects or ``(text, label)`` pairs).
``read_items(path, format="auto") -> list[Item]``
    Read a sectioned digest, JSONL, CSV or plain-text file; errors (:class:`InputError`) name file and line.
``split_page(text) -> list[PageItem]``
    The stories of a newspaper page given as plain text (``title``, ``text``, ``spans`` into the text).
``draft_digest(items, *, model=None, threshold="default", max_body=200) -> Digest``
    Classify items and arrange them as a draft 一周速览 (``.markdown()``, ``.to_dict()``).
``LABELS``
    The five sections in digest order.
``TopicClassifier``
    The scikit-learn estimator behind ``train`` (``from labor_topics.estimator import TopicClassifier``;
    it imports scikit-learn, which the prediction path never does).
"""

from __future__ import annotations

import threading

from .errors import InputError, ModelFileError
from .labels import LABELS, NONE_LABEL
from .prediction import Prediction
from .readers import Item, read_items

__version__ = "0.1.0"

__all__ = [
    "LABELS", "NONE_LABEL", "Prediction", "Item", "InputError", "ModelFileError",
    "classify", "classify_batch", "load_model", "train", "read_items", "split_page", "draft_digest", "__version__",
]

_model = None
_model_lock = threading.Lock()


def load_model(path=None, *, tokenizer="auto"):
    """Load a model file; the bundled model when ``path`` is None. ``tokenizer``: ``"auto"`` (rjieba when
    the ``fast`` extra is installed, else jieba), ``"jieba"`` or ``"rjieba"``."""
    from .model_file import load_model_file
    from .paths import bundled_model_path
    from .tokenize import resolve_backend

    return load_model_file(bundled_model_path() if path is None else path, tokenizer=resolve_backend(tokenizer))


def _bundled():
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                _model = load_model()
    return _model


def classify(text, *, threshold=None, top_k=None) -> Prediction:
    """Classify one text with the bundled model (see the module doc)."""
    from .model import check_text

    check_text(text)
    return _bundled().classify(text, threshold=threshold, top_k=top_k)


def classify_batch(texts, *, threshold=None, top_k=None, n_jobs=1) -> list[Prediction]:
    """Classify many texts with the bundled model; the same results as ``classify`` one by one."""
    return _bundled().classify_batch(texts, threshold=threshold, top_k=top_k, n_jobs=n_jobs)


def split_page(text):
    """The stories of a newspaper page; see :mod:`labor_topics.pages`."""
    from .pages import split_page as _split_page

    return _split_page(text)


def draft_digest(items, *, model=None, threshold="default", max_body=200):
    """A draft weekly digest of ``items``; see :mod:`labor_topics.digest`."""
    from .digest import draft_digest as _draft

    return _draft(items, model=model, threshold=threshold, max_body=max_body)


def train(items, *, include_bundled=False, config=None, **params):
    """Fit a model on labelled items; see :func:`labor_topics.training.train`."""
    from .training import train as _train

    return _train(items, include_bundled=include_bundled, config=config, **params)
