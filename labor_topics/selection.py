"""Choosing and checking a configuration: grouped, repeated, stratified cross-validation.

Used by ``labor-topics train``. Every figure here is out-of-fold: a text is scored only by models that never
saw it (folds from :func:`labor_topics.folds.cv_splits`, grouped by source page). Items labelled ``无`` are
never trained on; they are scored by every fold's model to choose the abstention threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import metrics
from .display import progress
from .estimator import TopicClassifier
from .folds import cv_splits
from .items import Item, group_of, label_codes
from .labels import LABELS
from .pipeline import analyse_texts

__all__ = ["GRID", "DEFAULT_CONFIG_NAME", "TIE_MARGIN", "CVResult", "cross_validate", "choose", "selection_rule",
           "choose_threshold"]

#: The named configurations compared by cross-validation (features x classifier x regularisation).
GRID: dict[str, dict] = {
    "words12-logreg-C10": dict(word_ngrams=(1, 2), char_ngrams=None, classifier="logreg", C=10.0, class_weight=None),
    "chars13-logreg-C10": dict(word_ngrams=None, char_ngrams=(1, 3), classifier="logreg", C=10.0, class_weight=None),
    "words12+chars13-logreg-C10": dict(word_ngrams=(1, 2), char_ngrams=(1, 3), classifier="logreg", C=10.0, class_weight=None),
    "words12+chars13-logreg-C30-balanced": dict(word_ngrams=(1, 2), char_ngrams=(1, 3), classifier="logreg", C=30.0, class_weight="balanced"),
    "words12+chars13-svm-C1": dict(word_ngrams=(1, 2), char_ngrams=(1, 3), classifier="linearsvc", C=1.0, class_weight=None),
    "words12+chars13-svm-C0.3": dict(word_ngrams=(1, 2), char_ngrams=(1, 3), classifier="linearsvc", C=0.3, class_weight=None),
    "words1+chars13-svm-C1-balanced": dict(word_ngrams=(1, 1), char_ngrams=(1, 3), classifier="linearsvc", C=1.0, class_weight="balanced"),
    "words12+chars13-ridge-C1": dict(word_ngrams=(1, 2), char_ngrams=(1, 3), classifier="ridge", C=1.0, class_weight=None),
}
#: The configuration ``train`` uses when the bundled model's card names none.
DEFAULT_CONFIG_NAME = "words1+chars13-svm-C1-balanced"

#: Configurations within this much CV macro-F1 of the best count as tied.
TIE_MARGIN = 0.005


@dataclass
class CVResult:
    """Cross-validation figures of one configuration."""

    name: str
    params: dict
    macro_f1: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    headline_f1: list[float] = field(default_factory=list)
    n_features: int = 0
    per_class_f1: dict[str, float] = field(default_factory=dict)

    def row(self) -> dict:
        return {
            "config": self.name,
            "macro_f1_mean": round(float(np.mean(self.macro_f1)), 4),
            "macro_f1_std": round(float(np.std(self.macro_f1)), 4),
            "accuracy_mean": round(float(np.mean(self.accuracy)), 4),
            "headline_macro_f1_mean": round(float(np.mean(self.headline_f1)), 4),
            "features": self.n_features,
        }


def cross_validate(items: list[Item], grid: dict[str, dict], *, folds: int = 5, repeats: int = 3,
                   seed: int = 0, show_progress: bool = False) -> list[CVResult]:
    """Score every configuration of ``grid`` on the five-section ``items`` by grouped repeated CV (title +
    body, and the headline alone); count the features of each configuration fitted on all items."""
    codes = label_codes(items)
    groups = np.array([group_of(i) for i in items])
    texts = [i.model_text for i in items]
    heads = [i.title or i.text for i in items]
    cache: dict = {}
    splits = list(cv_splits(codes, groups, folds=folds, repeats=repeats, seed=seed))
    results = []
    with progress(len(grid) * len(splits), "cross-validation", show=show_progress, unit="fit") as bar:
        for name, params in grid.items():
            hmm = bool(params.get("hmm", False))
            if hmm not in cache:
                cache[hmm] = (analyse_texts(texts, hmm), analyse_texts(heads, hmm))
            full, head = cache[hmm]
            result = CVResult(name, params)
            pooled = {r: np.zeros(len(codes), dtype=np.int64) for r in range(repeats)}
            for r, train_idx, test_idx in splits:
                est = TopicClassifier(**{**params, "calibration_cv": 0, "random_state": seed})
                est.fit_analyses([full[i] for i in train_idx], codes[train_idx])
                pred = est.proba_of_analyses([full[i] for i in test_idx]).argmax(axis=1)
                pooled[r][test_idx] = pred
                result.macro_f1.append(metrics.macro_f1(codes[test_idx], pred, len(LABELS)))
                result.accuracy.append(metrics.accuracy(codes[test_idx], pred))
                hpred = est.proba_of_analyses([head[i] for i in test_idx]).argmax(axis=1)
                result.headline_f1.append(metrics.macro_f1(codes[test_idx], hpred, len(LABELS)))
                bar.update(1)
            per_class = np.mean([metrics.per_class(metrics.confusion(codes, pooled[r], len(LABELS)))["f1"]
                                 for r in range(repeats)], axis=0)
            result.per_class_f1 = {LABELS[j]: round(float(per_class[j]), 4) for j in range(len(LABELS))}
            whole = TopicClassifier(**{**params, "calibration_cv": 0, "random_state": seed}).fit_analyses(full, codes)
            result.n_features = len(whole.model_.space)
            results.append(result)
    return results


def selection_rule(folds: int, repeats: int) -> str:
    """The selection rule in words, as the card states it."""
    return (f"grouped (source_url) stratified {folds}-fold CV × {repeats} repeat(s) on the training items; the best "
            f"mean macro-F1, and among the configurations within {TIE_MARGIN} of it the one with the fewest "
            "features (then the first in grid order)")


def choose(results: list[CVResult]) -> CVResult:
    """The best mean macro-F1; among those within :data:`TIE_MARGIN` of it, the fewest features, then the
    first in grid order (a rule that gives the same answer on every run)."""
    best = max(float(np.mean(r.macro_f1)) for r in results)
    tied = [r for r in results if float(np.mean(r.macro_f1)) >= best - TIE_MARGIN]
    return min(tied, key=lambda r: r.n_features)  # min keeps the first of equals: grid order


def choose_threshold(items: list[Item], none_items: list[Item], params: dict, *, folds: int = 5, repeats: int = 3,
                     seed: int = 0, show_progress: bool = False, seed_sources: tuple[str, ...] = ()) -> dict:
    """Out-of-fold calibrated scores of the chosen configuration, and what they give.

    Returns the default threshold (maximising the mean of "share of ``无`` items below" and "share of
    five-label items at or above"), both shares, the out-of-fold accuracy on items from ``seed_sources``
    and the agreement of predictions on texts converted to traditional characters with those on the
    originals.
    """
    import opencc

    codes = label_codes(items)
    groups = np.array([group_of(i) for i in items])
    hmm = bool(params.get("hmm", False))
    full = analyse_texts([i.model_text for i in items], hmm)
    s2t = opencc.OpenCC("s2t")
    traditional = analyse_texts([s2t.convert(i.model_text) for i in items], hmm)
    nones = analyse_texts([i.model_text for i in none_items], hmm) if none_items else []
    top_five, top_none, agree, seed_hits = [], [], [], []
    is_seed = np.array([any(i.source.endswith(s) for s in seed_sources) for i in items]) if seed_sources else np.zeros(len(items), bool)
    splits = list(cv_splits(codes, groups, folds=folds, repeats=repeats, seed=seed))
    with progress(len(splits), "threshold", show=show_progress, unit="fit") as bar:
        for _, train_idx, test_idx in splits:
            est = TopicClassifier(**{**params, "random_state": seed})
            est.fit_analyses([full[i] for i in train_idx], codes[train_idx], groups[train_idx])
            proba = est.proba_of_analyses([full[i] for i in test_idx])
            top_five.extend(proba.max(axis=1).tolist())
            pred = proba.argmax(axis=1)
            agree.extend((pred == est.proba_of_analyses([traditional[i] for i in test_idx]).argmax(axis=1)).tolist())
            seed_hits.extend((pred == codes[test_idx])[is_seed[test_idx]].tolist())
            if nones:
                top_none.extend(est.proba_of_analyses(nones).max(axis=1).tolist())
            bar.update(1)
    five, none = np.array(top_five), np.array(top_none)
    candidates = np.round(np.arange(0.20, 0.991, 0.01), 2)
    if len(none):
        balanced = [(np.mean(none < t) + np.mean(five >= t)) / 2 for t in candidates]
        threshold = float(candidates[int(np.argmax(balanced))])
    else:
        threshold = None
    return {
        "threshold": threshold,
        "five_label_at_or_above": None if threshold is None else round(float(np.mean(five >= threshold)), 4),
        "none_below": None if threshold is None or not len(none) else round(float(np.mean(none < threshold)), 4),
        "n_five_label_scores": int(len(five)),
        "n_none_scores": int(len(none)),
        "traditional_agreement": round(float(np.mean(agree)), 4),
        "seed_oof_accuracy": round(float(np.mean(seed_hits)), 4) if seed_hits else None,
        "n_seed_oof": len(seed_hits),
    }
