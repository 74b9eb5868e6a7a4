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

__all__ = ["GRID", "DEFAULT_CONFIG_NAME", "TIE_MARGIN", "TARGET_PRECISION", "CVResult", "cross_validate", "choose",
           "selection_rule", "threshold_for_precision", "coverage_table", "out_of_fold_report", "learning_curve"]

#: The named configurations compared by cross-validation (features x classifier x regularisation x headline
#: copies x the features' minimum document frequency, ``min_df``: 3 keeps a smaller, faster model). Every one
#: weights the sections alike (``class_weight="balanced"``).
GRID: dict[str, dict] = {
    "words1+chars13-svm-C1-balanced": dict(word_ngrams=(1, 1), char_ngrams=(1, 3), classifier="linearsvc", C=1.0),
    "words1+chars13-svm-C1-balanced-heads": dict(word_ngrams=(1, 1), char_ngrams=(1, 3), classifier="linearsvc", C=1.0,
                                                 headline_copies=0.5),
    "words1+chars13-svm-C1-balanced-df3": dict(word_ngrams=(1, 1), char_ngrams=(1, 3), classifier="linearsvc", C=1.0,
                                               min_df=3),
    "words1+chars13-svm-C1-balanced-heads-df3": dict(word_ngrams=(1, 1), char_ngrams=(1, 3), classifier="linearsvc",
                                                     C=1.0, headline_copies=0.5, min_df=3),
    "words1+chars13-svm-C0.5-balanced-heads": dict(word_ngrams=(1, 1), char_ngrams=(1, 3), classifier="linearsvc", C=0.5,
                                                   headline_copies=0.5),
    "words12+chars13-svm-C1-balanced-heads": dict(word_ngrams=(1, 2), char_ngrams=(1, 3), classifier="linearsvc", C=1.0,
                                                  headline_copies=0.5),
    "words1+chars14-svm-C1-balanced-heads": dict(word_ngrams=(1, 1), char_ngrams=(1, 4), classifier="linearsvc", C=1.0,
                                                 headline_copies=0.5),
    "chars13-svm-C1-balanced-heads": dict(word_ngrams=None, char_ngrams=(1, 3), classifier="linearsvc", C=1.0,
                                          headline_copies=0.5),
    "words1+chars13-logreg-C30-balanced-heads": dict(word_ngrams=(1, 1), char_ngrams=(1, 3), classifier="logreg", C=30.0,
                                                     headline_copies=0.5),
    "words12+chars13-ridge-C1-balanced-heads": dict(word_ngrams=(1, 2), char_ngrams=(1, 3), classifier="ridge", C=1.0,
                                                    headline_copies=0.5),
}
for _params in GRID.values():
    _params.setdefault("class_weight", "balanced")
    _params.setdefault("headline_copies", 0.0)
    _params.setdefault("min_df", 2)
#: The configuration ``train`` uses when the bundled model's card names none.
DEFAULT_CONFIG_NAME = "words1+chars13-svm-C1-balanced-df3"

#: Configurations within this much of the best selection score count as tied.
TIE_MARGIN = 0.005

#: The default threshold is the lowest at which this share of the kept (out-of-fold) items is right.
TARGET_PRECISION = 0.97
#: The thresholds tried, and those of the coverage table.
THRESHOLDS = tuple(round(0.30 + 0.01 * k, 2) for k in range(70))
TABLE_THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


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
            "headline_macro_f1_std": round(float(np.std(self.headline_f1)), 4),
            "selection_score": round(self.score, 4),
            "features": self.n_features,
        }

    @property
    def score(self) -> float:
        """What the selection maximises: the mean of the full-text and the headline-only CV macro-F1."""
        return (float(np.mean(self.macro_f1)) + float(np.mean(self.headline_f1))) / 2


def cross_validate(items: list[Item], grid: dict[str, dict], *, folds: int = 5, repeats: int = 3,
                   seed: int = 0, show_progress: bool = False) -> list[CVResult]:
    """Score every configuration of ``grid`` on the five-section ``items`` by grouped repeated CV (title +
    body, and the headline alone); count the features of each configuration fitted on all items."""
    codes = label_codes(items)
    groups = np.array([group_of(i) for i in items])
    texts = [i.model_text for i in items]
    heads = [i.title or i.text for i in items]
    has_title = [bool(i.title and i.text) for i in items]
    cache: dict = {}
    splits = list(cv_splits(codes, groups, folds=folds, repeats=repeats, seed=seed))
    results = []
    with progress(len(grid) * len(splits), "cross-validation", show=show_progress, unit="fit") as bar:
        for name, params in grid.items():
            hmm = bool(params.get("hmm", False))
            if hmm not in cache:
                cache[hmm] = (analyse_texts(texts, hmm), analyse_texts(heads, hmm))
            full, head = cache[hmm]
            copies = [h if t else None for h, t in zip(head, has_title)]
            result = CVResult(name, params)
            pooled = {r: np.zeros(len(codes), dtype=np.int64) for r in range(repeats)}
            for r, train_idx, test_idx in splits:
                est = TopicClassifier(**{**params, "calibration_cv": 0, "random_state": seed})
                est.fit_analyses([full[i] for i in train_idx], codes[train_idx],
                                 head_analyses=[copies[i] for i in train_idx])
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
            whole = TopicClassifier(**{**params, "calibration_cv": 0, "random_state": seed}).fit_analyses(
                full, codes, head_analyses=copies)
            result.n_features = len(whole.model_.space)
            results.append(result)
    return results


def selection_rule(folds: int, repeats: int) -> str:
    """The selection rule in words, as the card states it."""
    return (f"grouped (source_url) stratified {folds}-fold CV × {repeats} repeat(s) on the training items; the best "
            f"mean of the full-text and the headline-only macro-F1 (headlines alone are a first-class input), and "
            f"among the configurations within {TIE_MARGIN} of it the one with the fewest features (then the first in "
            "grid order)")


def choose(results: list[CVResult]) -> CVResult:
    """The best :attr:`CVResult.score`; among those within :data:`TIE_MARGIN` of it, the fewest features, then
    the first in grid order (a rule that gives the same answer on every run)."""
    best = max(r.score for r in results)
    tied = [r for r in results if r.score >= best - TIE_MARGIN]
    return min(tied, key=lambda r: r.n_features)  # min keeps the first of equals: grid order


def threshold_for_precision(confidence: np.ndarray, correct: np.ndarray, target: float = TARGET_PRECISION) -> float | None:
    """The lowest of :data:`THRESHOLDS` at which at least ``target`` of the items kept (score at or above it)
    are right; None when none is."""
    for t in THRESHOLDS:
        kept = confidence >= t
        if kept.any() and correct[kept].mean() >= target:
            return t
    return None


def coverage_table(confidence: np.ndarray, correct: np.ndarray, none_confidence: np.ndarray | None = None,
                   thresholds=TABLE_THRESHOLDS) -> list[dict]:
    """For each threshold: the share of five-section items kept, the share of those right, and the share of
    ``无`` items set aside (below it)."""
    rows = []
    for t in thresholds:
        kept = confidence >= t
        rows.append({"threshold": t, "kept": round(float(kept.mean()), 4),
                     "accuracy_of_kept": round(float(correct[kept].mean()), 4) if kept.any() else None,
                     "none_set_aside": (round(float((none_confidence < t).mean()), 4)
                                        if none_confidence is not None and len(none_confidence) else None)})
    return rows


def _cv_inputs(items: list[Item], params: dict):
    """What a CV of one configuration needs: the section codes, the groups, the analyses of the full texts and of
    the headlines alone, and the headline copies to train on (None for an item without a separate title)."""
    hmm = bool(params.get("hmm", False))
    full = analyse_texts([i.model_text for i in items], hmm)
    titles = analyse_texts([i.title or i.text for i in items], hmm)
    copies = [t if i.title and i.text else None for t, i in zip(titles, items)]
    return label_codes(items), np.array([group_of(i) for i in items]), full, titles, copies


def out_of_fold_report(items: list[Item], none_items: list[Item], params: dict, *, folds: int = 5, repeats: int = 3,
                       seed: int = 0, show_progress: bool = False, seed_sources: tuple[str, ...] = ()) -> dict:
    """What repeated grouped CV of one configuration says about its calibrated scores.

    Each fold's model is fitted as ``train`` fits one (with its own calibration folds) and scores the fold's
    items (title + body, and the headline alone), every ``无`` item, and the fold's items converted to
    traditional characters. Returns the default threshold (the lowest at which :data:`TARGET_PRECISION` of
    the kept items are right), the coverage table, the expected calibration error, and the agreement of
    predictions on traditional-character texts, the accuracy on items from ``seed_sources`` (the digests).
    """
    import opencc

    codes, groups, full, titles, copies = _cv_inputs(items, params)
    hmm = bool(params.get("hmm", False))
    s2t = opencc.OpenCC("s2t")
    traditional = analyse_texts([s2t.convert(i.model_text) for i in items], hmm)
    nones = analyse_texts([i.model_text for i in none_items], hmm) if none_items else []
    confidence, correct, head_conf, head_correct, none_conf, agree, seed_hits = [], [], [], [], [], [], []
    is_seed = np.array([any(i.source.endswith(s) for s in seed_sources) for i in items]) if seed_sources else np.zeros(len(items), bool)
    splits = list(cv_splits(codes, groups, folds=folds, repeats=repeats, seed=seed))
    with progress(len(splits), "calibrated scores", show=show_progress, unit="fit") as bar:
        for _, train_idx, test_idx in splits:
            est = TopicClassifier(**{**params, "random_state": seed})
            est.fit_analyses([full[i] for i in train_idx], codes[train_idx], groups[train_idx],
                             head_analyses=[copies[i] for i in train_idx])
            proba = est.proba_of_analyses([full[i] for i in test_idx])
            pred = proba.argmax(axis=1)
            confidence.extend(proba.max(axis=1).tolist())
            correct.extend((pred == codes[test_idx]).tolist())
            head = est.proba_of_analyses([titles[i] for i in test_idx])
            head_conf.extend(head.max(axis=1).tolist())
            head_correct.extend((head.argmax(axis=1) == codes[test_idx]).tolist())
            agree.extend((pred == est.proba_of_analyses([traditional[i] for i in test_idx]).argmax(axis=1)).tolist())
            seed_hits.extend((pred == codes[test_idx])[is_seed[test_idx]].tolist())
            if nones:
                none_conf.extend(est.proba_of_analyses(nones).max(axis=1).tolist())
            bar.update(1)
    confidence, correct = np.array(confidence), np.array(correct, dtype=bool)
    head_conf, head_correct = np.array(head_conf), np.array(head_correct, dtype=bool)
    none_conf = np.array(none_conf)
    threshold = threshold_for_precision(confidence, correct)
    ece, _ = metrics.calibration(confidence, correct)
    head_ece, _ = metrics.calibration(head_conf, head_correct)
    at = (lambda c, t: None if t is None else round(float((c >= t).mean()), 4))
    return {
        "rule": f"the lowest threshold at which {TARGET_PRECISION:.0%} of the kept out-of-fold items are right",
        "threshold": threshold,
        "five_label_at_or_above": at(confidence, threshold),
        "accuracy_at_or_above": None if threshold is None else round(float(correct[confidence >= threshold].mean()), 4),
        "none_below": None if threshold is None or not len(none_conf) else round(float((none_conf < threshold).mean()), 4),
        "headlines_at_or_above": at(head_conf, threshold),
        "headline_accuracy_at_or_above": (None if threshold is None or not (head_conf >= threshold).any()
                                          else round(float(head_correct[head_conf >= threshold].mean()), 4)),
        "coverage": coverage_table(confidence, correct, none_conf),
        "headline_coverage": coverage_table(head_conf, head_correct),
        "ece": round(ece, 4),
        "headline_ece": round(head_ece, 4),
        "n_five_label_scores": int(len(confidence)),
        "n_none_scores": int(len(none_conf)),
        "traditional_agreement": round(float(np.mean(agree)), 4),
        "seed_oof_accuracy": round(float(np.mean(seed_hits)), 4) if seed_hits else None,
        "n_seed_oof": len(seed_hits),
    }


def learning_curve(items: list[Item], params: dict, *, fractions=(0.25, 0.5, 0.75, 1.0), folds: int = 5,
                   repeats: int = 3, seed: int = 0, show_progress: bool = False) -> list[dict]:
    """CV macro-F1 (mean ± std over folds) with each fold's training items cut to a stratified share, so that
    the curve says whether more labelled items would still pay. The test folds are the same at every share."""
    codes, groups, full, _, copies = _cv_inputs(items, params)
    splits = list(cv_splits(codes, groups, folds=folds, repeats=repeats, seed=seed))
    rng = np.random.default_rng(seed)
    scores: dict[float, list[float]] = {f: [] for f in fractions}
    with progress(len(splits) * len(fractions), "learning curve", show=show_progress, unit="fit") as bar:
        for _, train_idx, test_idx in splits:
            order = rng.permutation(len(train_idx))
            for fraction in fractions:
                keep = []
                for label in range(len(LABELS)):  # the same share of every section
                    of_label = [train_idx[k] for k in order if codes[train_idx[k]] == label]
                    keep += of_label[: max(2, int(round(fraction * len(of_label))))]
                keep = np.array(sorted(keep))
                est = TopicClassifier(**{**params, "calibration_cv": 0, "random_state": seed})
                est.fit_analyses([full[i] for i in keep], codes[keep], head_analyses=[copies[i] for i in keep])
                pred = est.proba_of_analyses([full[i] for i in test_idx]).argmax(axis=1)
                scores[fraction].append(metrics.macro_f1(codes[test_idx], pred, len(LABELS)))
                bar.update(1)
    n_train = int(round(len(items) * (folds - 1) / folds))
    return [{"fraction": f, "training_items": int(round(f * n_train)), "macro_f1_mean": round(float(np.mean(v)), 4),
             "macro_f1_std": round(float(np.std(v)), 4)} for f, v in scores.items()]
