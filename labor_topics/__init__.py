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
    Frozen, hashable dataclass: ``label`` (a section or ``None``), ``score``, ``scores`` (the five, a
    read-only mapping summing to 1), ``top`` (best first ``(section, score)`` pairs).
``load_model(path=None, *, tokenizer="auto") -> Model``
    A model file (the bundled one when ``path`` is None); ``tokenizer`` "auto" uses rjieba (the ``fast``
    extra) when installed, else jieba: the same tokens with the union dictionary, about 5 times the
    throughput end to end. ``Model`` has ``classify``, ``classify_batch``, ``explain(text, k=10)``,
    ``predict_proba``, ``card`` and ``default_threshold``. Loading never runs code from the file; a bad
    file raises :class:`ModelFileError`.
``save_model(model, path) -> str``
    Write a model (its card inside it, and a readable copy beside it) atomically.
``train(items, *, include_bundled=False, config=None, **params) -> Model``
    Fit a model on labelled items (``Item`` objects or ``(text, label)`` pairs).
``read_items(path, format="auto", *, columns=None, encoding=None) -> list[Item]``
    Read a sectioned digest, newspaper page, article (a WeChat post), JSONL, CSV, Excel, Word, saved web page
    or plain-text file, or a folder of them; errors (:class:`InputError`) name file and line.
``split_page(text) -> list[PageItem]``
    The stories of a newspaper page given as plain text (``title``, ``text``, ``spans`` into the text).
``draft_digest(items, *, model=None, threshold="default", max_body=200) -> Digest``
    Classify items and arrange them as a draft 一周速览 (``.markdown()``, ``.to_dict()``).
``LABELS``
    The five sections in digest order.
``TopicClassifier``
    The scikit-learn estimator behind ``train`` (``from labor_topics.estimator import TopicClassifier``;
    it imports scikit-learn, which the prediction path never does).

Importing the package imports neither numpy nor jieba (they load on first use); classifying imports neither
scikit-learn nor scipy; training and evaluation do.
"""

from __future__ import annotations

from .errors import InputError, ModelFileError
from .items import Item
from .labels import LABELS, NONE_LABEL
from .prediction import Prediction
from .readers import read_items

__version__ = "0.1.0"

__all__ = [
    "LABELS", "NONE_LABEL", "Prediction", "Item", "InputError", "ModelFileError",
    "classify", "classify_batch", "load_model", "save_model", "train", "read_items", "split_page", "draft_digest",
    "__version__",
]


def load_model(path=None, *, tokenizer="auto"):
    """Load a model file.

    Parameters
    ----------
    path : str, os.PathLike or None
        The model file; None for the bundled model.
    tokenizer : {"auto", "jieba", "rjieba"}
        "auto": rjieba when the ``fast`` extra is installed, else jieba (the same tokens).

    Returns
    -------
    Model

    Raises
    ------
    FileNotFoundError
        No file at ``path``.
    ModelFileError
        The file is not a valid model (it is never run, whatever it holds).
    ImportError
        ``tokenizer="rjieba"`` without the ``fast`` extra.
    """
    from .bundled import load_model as _load

    return _load(path, tokenizer=tokenizer)


def save_model(model, path) -> str:
    """Write ``model`` to ``path`` (``.npz``) atomically, its card inside and a readable copy beside it
    (``<name>.card.json``); return the path. See :mod:`labor_topics.model_file` for the format."""
    from .model_file import save_model as _save

    return _save(model, path)


def classify(text, *, threshold=None, top_k=None) -> Prediction:
    """Classify one text with the bundled model.

    Parameters
    ----------
    text : str
        A title and body joined by a newline, or a headline alone.
    threshold : float, "default" or None
        Below this score ``label`` is None (``"default"``: the model card's threshold).
    top_k : int or None
        How many ``(section, score)`` pairs ``top`` keeps (all five by default).

    Returns
    -------
    Prediction

    Raises
    ------
    TypeError
        ``text`` is not a string, or a parameter has the wrong type.
    ValueError
        ``text`` is blank, or a parameter is out of range.
    """
    from .bundled import bundled_model

    return bundled_model().classify(text, threshold=threshold, top_k=top_k)


def classify_batch(texts, *, threshold=None, top_k=None, n_jobs=1) -> list[Prediction]:
    """Classify many texts with the bundled model; the same results as :func:`classify` one by one.

    ``texts`` is an iterable of strings (a single string is refused); ``n_jobs`` > 1 uses that many worker
    processes (-1: all cores) for a batch of more than 1,000 texts. Raises as :func:`classify`."""
    from .bundled import bundled_model

    return bundled_model().classify_batch(texts, threshold=threshold, top_k=top_k, n_jobs=n_jobs)


def split_page(text):
    """The stories of a newspaper page given as plain text: ``PageItem`` records with ``title``, ``text``
    and ``spans`` (offsets into ``text``); see :mod:`labor_topics.pages`. ``TypeError`` for a non-string."""
    from .pages import split_page as _split_page

    return _split_page(text)


def draft_digest(items, *, model=None, threshold="default", max_body=200):
    """A draft weekly digest of ``items`` (``Item``, ``PageItem`` or strings), classified by ``model`` (the
    bundled one when None); see :func:`labor_topics.digest.draft_digest`."""
    from .bundled import bundled_model
    from .digest import draft_digest as _draft

    return _draft(items, model=bundled_model() if model is None else model, threshold=threshold, max_body=max_body)


def train(items, *, include_bundled=False, config=None, **params):
    """Fit a model on labelled items.

    Parameters
    ----------
    items : list of Item or (text, label) pairs
        Labels: the five sections, or ``无`` (used only to choose the abstention threshold).
    include_bundled : bool
        Add the bundled training data.
    config : str or None
        A configuration of the grid (``labor-topics train --list-configs``); None: the bundled model's.
    **params
        Parameters of :class:`~labor_topics.estimator.TopicClassifier` that override the configuration's.

    Returns
    -------
    Model
        With a card; save it with :func:`save_model`.

    Raises
    ------
    TypeError
        An item is neither an ``Item`` nor a ``(text, label)`` pair of a string and a label.
    ValueError
        Invalid training data (every problem is listed) or an unknown configuration.
    """
    from .bundled import bundled_model
    from .training import train as _train

    return _train(items, base=bundled_model(), include_bundled=include_bundled, config=config, **params)
