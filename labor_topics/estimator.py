"""Training: a scikit-learn compatible estimator that builds a :class:`~labor_topics.model.Model`.

``TopicClassifier`` follows scikit-learn's conventions: parameters are stored as given in ``__init__``
(no work there), ``fit(X, y, groups=None)`` learns, ``predict`` / ``predict_proba`` / ``classes_`` /
``get_params`` work as usual. ``X`` is a list of raw texts, ``y`` their labels (the five sections).

Fitting: TF-IDF space from the training texts -> linear classifier -> temperature fitted on out-of-fold
decision scores (``calibration_cv`` folds, grouped by ``groups`` when given) -> the model (``model_``).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from .calibration import fit_temperature, softmax
from .features import TfidfSpace, terms
from .labels import LABELS
from .model import DEFAULT_MAX_CHARS, Model, analyse_texts

__all__ = ["TopicClassifier", "CLASSIFIERS"]

CLASSIFIERS = ("logreg", "linearsvc", "ridge")


def _make_linear(name: str, C: float, class_weight, random_state):
    if name == "logreg":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=C, max_iter=5000, class_weight=class_weight, random_state=random_state)
    if name == "linearsvc":
        from sklearn.svm import LinearSVC

        return LinearSVC(C=C, class_weight=class_weight, random_state=random_state, max_iter=20000)
    if name == "ridge":
        from sklearn.linear_model import RidgeClassifier

        return RidgeClassifier(alpha=1.0 / C, class_weight=class_weight, random_state=random_state)
    raise ValueError(f"unknown classifier {name!r}; choose one of {', '.join(CLASSIFIERS)}")


def _folds(y: np.ndarray, groups, n_splits: int, random_state):
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    n_splits = min(n_splits, int(np.bincount(y).min()))
    if n_splits < 2:
        return []
    if groups is None:
        return list(StratifiedKFold(n_splits, shuffle=True, random_state=random_state).split(y, y))
    return list(StratifiedGroupKFold(n_splits, shuffle=True, random_state=random_state).split(y, y, groups))


class TopicClassifier(ClassifierMixin, BaseEstimator):
    """TF-IDF (word and/or character n-grams) + a linear classifier + temperature calibration."""

    def __init__(self, word_ngrams=(1, 2), char_ngrams=(1, 3), min_df=2, classifier="logreg", C=10.0,
                 class_weight=None, hmm=False, calibration_cv=5, max_chars=DEFAULT_MAX_CHARS, random_state=0):
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.classifier = classifier
        self.C = C
        self.class_weight = class_weight
        self.hmm = hmm
        self.calibration_cv = calibration_cv
        self.max_chars = max_chars
        self.random_state = random_state

    # configuration as stored in model files
    def config(self) -> dict:
        return {
            "word_ngrams": list(self.word_ngrams) if self.word_ngrams else None,
            "char_ngrams": list(self.char_ngrams) if self.char_ngrams else None,
            "min_df": int(self.min_df),
            "classifier": self.classifier,
            "C": float(self.C),
            "class_weight": self.class_weight,
            "hmm": bool(self.hmm),
            "max_chars": int(self.max_chars),
            "calibration": f"temperature scaling on {self.calibration_cv}-fold out-of-fold decision scores",
        }

    def _check_params(self):
        if not self.word_ngrams and not self.char_ngrams:
            raise ValueError("word_ngrams and char_ngrams are both off: the model would have no features")
        for name in ("word_ngrams", "char_ngrams"):
            value = getattr(self, name)
            if value and (len(value) != 2 or not 1 <= value[0] <= value[1]):
                raise ValueError(f"{name} must be (min_n, max_n) with 1 <= min_n <= max_n, got {value!r}")
        if self.classifier not in CLASSIFIERS:
            raise ValueError(f"unknown classifier {self.classifier!r}; choose one of {', '.join(CLASSIFIERS)}")
        if not self.C > 0:
            raise ValueError(f"C must be positive, got {self.C!r}")

    def _encode_labels(self, y) -> np.ndarray:
        y = list(y)
        unknown = sorted({label for label in y if label not in LABELS}, key=str)
        if unknown:
            raise ValueError(f"unknown labels {unknown}; the labels are {', '.join(LABELS)}")
        codes = np.array([LABELS.index(label) for label in y], dtype=np.int64)
        counts = np.bincount(codes, minlength=len(LABELS))
        thin = [LABELS[i] for i in range(len(LABELS)) if counts[i] < 2]
        if thin:
            raise ValueError(f"every section needs at least 2 training items; too few for {', '.join(thin)}")
        return codes

    # ------------------------------------------------------------ fitting
    def fit(self, X, y, groups=None):
        self._check_params()
        texts = list(X)
        codes = self._encode_labels(y)
        if len(texts) != len(codes):
            raise ValueError(f"X has {len(texts)} texts but y has {len(codes)} labels")
        return self.fit_analyses(analyse_texts(texts, bool(self.hmm), int(self.max_chars)), codes, groups)

    def _terms(self, analyses):
        word = tuple(self.word_ngrams) if self.word_ngrams else None
        char = tuple(self.char_ngrams) if self.char_ngrams else None
        return [terms(a, word, char) for a in analyses]

    def _fit_linear(self, term_lists, codes):
        space = TfidfSpace.fit(term_lists, min_df=int(self.min_df))
        linear = _make_linear(self.classifier, float(self.C), self.class_weight, self.random_state)
        linear.fit(space.transform(term_lists), codes)
        coef = np.asarray(linear.coef_, dtype=np.float64)
        intercept = np.broadcast_to(np.asarray(linear.intercept_, dtype=np.float64), (coef.shape[0],)).copy()
        # linear.classes_ are the codes present, sorted: all five, since every label has >= 2 items
        return space, coef, intercept

    def fit_analyses(self, analyses, codes, groups=None):
        """Fit on pre-analysed texts (label codes index :data:`LABELS`); used by model selection."""
        self._check_params()
        codes = np.asarray(codes, dtype=np.int64)
        term_lists = self._terms(analyses)
        oof = np.zeros((len(codes), len(LABELS)))
        folds = _folds(codes, None if groups is None else np.asarray(groups), int(self.calibration_cv), self.random_state)
        for train_idx, test_idx in folds:
            if len(np.unique(codes[train_idx])) < len(LABELS):
                continue
            space, coef, intercept = self._fit_linear([term_lists[i] for i in train_idx], codes[train_idx])
            oof[test_idx] = np.asarray(space.transform([term_lists[i] for i in test_idx]) @ coef.T) + intercept
        temperature = fit_temperature(oof, codes) if folds else 1.0
        space, coef, intercept = self._fit_linear(term_lists, codes)
        self.model_ = Model(space=space, coef=coef, intercept=intercept, temperature=temperature, config=self.config())
        self.classes_ = np.array(LABELS)
        return self

    # ------------------------------------------------------------ predicting
    def _model(self) -> Model:
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "model_")
        return self.model_

    def decision_function(self, X):
        return self._model().decision_function(list(X))

    def predict_proba(self, X):
        return self._model().predict_proba(list(X))

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def proba_from_analyses(self, analyses):
        model = self._model()
        return softmax(model.decision_from_analyses(analyses), model.temperature)
