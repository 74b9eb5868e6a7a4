"""Choosing and checking a configuration: grouped, repeated, stratified cross-validation.

Used by ``labor-topics train`` and :func:`labor_topics.train`. Every figure here is out-of-fold: a text is
scored only by models that never saw it (folds are grouped by ``source_url``, so items from one source page
stay together). Items labelled ``无`` are never trained on; they are scored by every fold's model to choose
the abstention threshold.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

import numpy as np

from .labels import LABELS, NONE_LABEL
from .model import analyse_texts
from .readers import Item

__all__ = ["GRID", "DEFAULT_CONFIG_NAME", "group_of", "cross_validate", "choose_threshold", "text_hash"]

#: The named configurations compared by cross-validation (features x classifier x regularisation).
GRID: dict[str, dict] = {
    "words12-logreg-C10": dict(word_ngrams=(1, 2), char_ngrams=None, classifier="logreg", C=10.0),
    "chars13-logreg-C10": dict(word_ngrams=None, char_ngrams=(1, 3), classifier="logreg", C=10.0),
    "words12+chars13-logreg-C10": dict(word_ngrams=(1, 2), char_ngrams=(1, 3), classifier="logreg", C=10.0),
    "words12+chars13-logreg-C30-balanced": dict(word_ngrams=(1, 2), char_ngrams=(1, 3), classifier="logreg", C=30.0, class_weight="balanced"),
    "words12+chars13-svm-C1": dict(word_ngrams=(1, 2), char_ngrams=(1, 3), classifier="linearsvc", C=1.0),
    "words12+chars13-svm-C0.3": dict(word_ngrams=(1, 2), char_ngrams=(1, 3), classifier="linearsvc", C=0.3),
    "words1+chars13-svm-C1-balanced": dict(word_ngrams=(1, 1), char_ngrams=(1, 3), classifier="linearsvc", C=1.0, class_weight="balanced"),
    "words12+chars13-ridge-C1": dict(word_ngrams=(1, 2), char_ngrams=(1, 3), classifier="ridge", C=1.0),
}
DEFAULT_CONFIG_NAME = "words12+chars13-svm-C1"

#: Configurations within this much CV macro-F1 of the best count as tied; the fastest of them is chosen.
TIE_MARGIN = 0.005


def text_hash(normalised: str) -> str:
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def group_of(item: Item) -> str:
    """Items from one source page share a group; an item without a URL is its own group."""
    return item.source_url or f"{item.source}:{item.line}:{item.id}"


def _macro_f1(y, p) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(y, p, labels=range(len(LABELS)), average="macro", zero_division=0))


@dataclass
class CVResult:
    name: str
    params: dict
    macro_f1: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    headline_f1: list[float] = field(default_factory=list)
    chars_per_second: float = 0.0
    per_class_f1: dict[str, float] = field(default_factory=dict)

    def row(self) -> dict:
        return {
            "config": self.name,
            "macro_f1_mean": round(float(np.mean(self.macro_f1)), 4),
            "macro_f1_std": round(float(np.std(self.macro_f1)), 4),
            "accuracy_mean": round(float(np.mean(self.accuracy)), 4),
            "headline_macro_f1_mean": round(float(np.mean(self.headline_f1)), 4),
            "chars_per_second": round(self.chars_per_second),
        }


def _splits(codes, groups, folds, repeats, seed):
    from sklearn.model_selection import StratifiedGroupKFold

    for r in range(repeats):
        splitter = StratifiedGroupKFold(folds, shuffle=True, random_state=seed + r)
        for train_idx, test_idx in splitter.split(codes, codes, groups):
            yield r, train_idx, test_idx


def cross_validate(items: list[Item], grid: dict[str, dict] | None = None, *, folds: int = 5, repeats: int = 3,
                   seed: int = 0, progress: bool = False) -> list[CVResult]:
    """Score every configuration of ``grid`` on the five-label ``items`` by grouped repeated CV."""
    from sklearn.metrics import accuracy_score, f1_score

    from .estimator import TopicClassifier

    grid = grid or GRID
    codes = np.array([LABELS.index(i.label) for i in items])
    groups = np.array([group_of(i) for i in items])
    texts = [i.model_text for i in items]
    heads = [i.title or i.text for i in items]
    cache: dict = {}
    splits = list(_splits(codes, groups, folds, repeats, seed))
    results = []
    bar = _progress(len(grid) * len(splits), progress, "cross-validation")
    for name, params in grid.items():
        hmm = bool(params.get("hmm", False))
        if hmm not in cache:
            cache[hmm] = (analyse_texts(texts, hmm), analyse_texts(heads, hmm))
        full, head = cache[hmm]
        result = CVResult(name, params)
        pooled = {r: np.zeros(len(codes), dtype=np.int64) for r in range(repeats)}
        for r, train_idx, test_idx in splits:
            est = TopicClassifier(calibration_cv=0, random_state=seed, **params)
            est.fit_analyses([full[i] for i in train_idx], codes[train_idx])
            pred = est.proba_from_analyses([full[i] for i in test_idx]).argmax(axis=1)
            pooled[r][test_idx] = pred
            result.macro_f1.append(_macro_f1(codes[test_idx], pred))
            result.accuracy.append(float(accuracy_score(codes[test_idx], pred)))
            hpred = est.proba_from_analyses([head[i] for i in test_idx]).argmax(axis=1)
            result.headline_f1.append(_macro_f1(codes[test_idx], hpred))
            bar.update(1)
        per_class = np.mean([f1_score(codes, pooled[r], labels=range(len(LABELS)), average=None, zero_division=0)
                             for r in range(repeats)], axis=0)
        result.per_class_f1 = {LABELS[j]: round(float(per_class[j]), 4) for j in range(len(LABELS))}
        # throughput of the whole path (normalise, tokenise, features, scores) of a model fitted on all items
        est = TopicClassifier(calibration_cv=0, random_state=seed, **params).fit_analyses(full, codes)
        sample = texts[: min(len(texts), 300)]
        start = time.perf_counter()
        est.model_.predict_proba(sample)
        result.chars_per_second = sum(map(len, sample)) / (time.perf_counter() - start)
        results.append(result)
    bar.close()
    return results


def choose(results: list[CVResult]) -> CVResult:
    """The best CV mean macro-F1; among those within TIE_MARGIN of it, the fastest."""
    best = max(float(np.mean(r.macro_f1)) for r in results)
    tied = [r for r in results if float(np.mean(r.macro_f1)) >= best - TIE_MARGIN]
    return max(tied, key=lambda r: r.chars_per_second)


def choose_threshold(items: list[Item], none_items: list[Item], params: dict, *, folds: int = 5, repeats: int = 3,
                     seed: int = 0, progress: bool = False, seed_sources: tuple[str, ...] = ()) -> dict:
    """Out-of-fold calibrated scores of the chosen configuration, and what they give.

    Returns the default threshold (maximising the mean of "share of ``无`` items below" and "share of
    five-label items at or above"), both shares, the out-of-fold accuracy on items from ``seed_sources``
    and the agreement of predictions on texts converted to traditional characters with those on the
    originals.
    """
    import opencc

    from .estimator import TopicClassifier

    codes = np.array([LABELS.index(i.label) for i in items])
    groups = np.array([group_of(i) for i in items])
    hmm = bool(params.get("hmm", False))
    full = analyse_texts([i.model_text for i in items], hmm)
    s2t = opencc.OpenCC("s2t")
    traditional = analyse_texts([s2t.convert(i.model_text) for i in items], hmm)
    nones = analyse_texts([i.model_text for i in none_items], hmm) if none_items else []
    top_five, top_none, agree, seed_hits = [], [], [], []
    is_seed = np.array([any(i.source.endswith(s) for s in seed_sources) for i in items]) if seed_sources else np.zeros(len(items), bool)
    splits = list(_splits(codes, groups, folds, repeats, seed))
    bar = _progress(len(splits), progress, "threshold")
    for _, train_idx, test_idx in splits:
        est = TopicClassifier(random_state=seed, **params)
        est.fit_analyses([full[i] for i in train_idx], codes[train_idx], groups[train_idx])
        proba = est.proba_from_analyses([full[i] for i in test_idx])
        top_five.extend(proba.max(axis=1).tolist())
        pred = proba.argmax(axis=1)
        agree.extend((pred == est.proba_from_analyses([traditional[i] for i in test_idx]).argmax(axis=1)).tolist())
        seed_hits.extend((pred == codes[test_idx])[is_seed[test_idx]].tolist())
        if nones:
            top_none.extend(est.proba_from_analyses(nones).max(axis=1).tolist())
        bar.update(1)
    bar.close()
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


class _NoBar:
    def update(self, n=1):
        pass

    def close(self):
        pass


def _progress(total: int, show: bool, desc: str):
    if not show:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="fit", leave=False)
