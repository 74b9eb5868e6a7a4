"""Judging a model on labelled data: held-out scoring or cross-validation, with baselines.

:func:`evaluate` scores a fitted model on labelled items it was not trained on; :func:`cross_validate_items`
fits a fresh model per fold. Both return a report (a plain dict, the ``--json`` output of
``labor-topics evaluate``) that :func:`labor_topics.report.format_report` turns into a readable table.

Items labelled ``无`` are excluded from accuracy and F1 and reported in the abstention rows; 工作动态 items of
digests are not evaluated.
"""

from __future__ import annotations

import os
import warnings

import numpy as np

from . import metrics
from .display import progress
from .estimator import TopicClassifier
from .folds import cv_splits
from .items import Item, group_of, label_codes, split_by_label, text_hash
from .labels import LABELS
from .model import Model
from .paths import seeds_dir
from .pipeline import analyse_texts, model_input
from .readers import read_items
from .selection import GRID
from .training import file_sha256, prepare

__all__ = ["evaluate", "cross_validate_items", "BASELINE_CONFIG"]

#: The character-n-gram-only baseline: the grid's character configuration with the bundled classifier (a
#: linear SVM fits in a tenth of the time of logistic regression).
BASELINE_CONFIG = {"word_ngrams": None, "char_ngrams": (1, 3), "classifier": "linearsvc", "C": 1.0,
                   "class_weight": "balanced"}
K = len(LABELS)


def _training_items_of(model: Model) -> tuple[list[Item] | None, str]:
    """The labelled items the model was fitted on, when its card names files that can be found."""

    files = model.card.get("data") or []
    if not files:
        return None, "the model card lists no training files"
    paths = []
    for entry in files:
        name = entry.get("file", "")
        candidates = [name, os.path.join(os.getcwd(), name), str(seeds_dir() / os.path.relpath(name, "seeds"))]
        found = next((c for c in candidates if c and os.path.isfile(c) and file_sha256(c) == entry.get("sha256")), None)
        if found is None:
            return None, f"training file {name} not found (with the sha256 of the card)"
        paths.append(found)
    items = [item for path in paths for item in read_items(path)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return prepare(items).labelled, ""


def _scores(y, pred) -> dict:
    return {"accuracy": metrics.accuracy(y, pred), "macro_f1": metrics.macro_f1(y, pred, K)}


def _report(labelled: list[Item], y: np.ndarray, proba: np.ndarray, none_conf: np.ndarray, *, baselines: dict,
            seed: int, errors: int, extra: dict) -> dict:
    pred = proba.argmax(axis=1)
    conf = proba.max(axis=1)
    m = metrics.confusion(y, pred, K)
    pc = metrics.per_class(m)
    ece, reliability = metrics.calibration(conf, pred == y)
    wrong = [k for k in np.argsort(-conf, kind="stable") if pred[k] != y[k]][:errors]
    report = {
        **extra,
        "n": int(len(y)),
        "accuracy": metrics.accuracy(y, pred),
        "macro_f1": metrics.macro_f1(y, pred, K),
        "per_class": {LABELS[j]: {"precision": float(pc["precision"][j]), "recall": float(pc["recall"][j]),
                                  "f1": float(pc["f1"][j]), "support": int(pc["support"][j])} for j in range(K)},
        "confusion": {"labels": list(LABELS), "matrix": m.tolist()},
        "ci95": metrics.bootstrap_ci(y, pred, K, resamples=1000, seed=seed),
        "baselines": baselines,
        "none_items": int(len(none_conf)),
        "abstention": metrics.abstention(conf, pred == y, none_conf),
        "ece": ece,
        "reliability": reliability,
        "errors": [{"index": int(k), "title": labelled[k].title or labelled[k].text[:40], "gold": LABELS[y[k]],
                    "predicted": LABELS[pred[k]], "score": float(conf[k]), "where": labelled[k].where}
                   for k in wrong],
        "predictions": [{"index": k, "gold": LABELS[y[k]], "predicted": LABELS[pred[k]], "score": float(conf[k]),
                         "scores": [float(v) for v in proba[k]]} for k in range(len(y))],
    }
    return report


def _simple_baselines(train_codes: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> dict:
    counts = np.bincount(train_codes, minlength=K)
    majority = np.full(len(y), int(np.argmax(counts)))
    stratified = rng.choice(K, size=len(y), p=counts / counts.sum())
    return {"majority": _scores(y, majority), "stratified random": _scores(y, stratified)}


def evaluate(model: Model, items: list[Item], *, seed: int = 0, errors: int = 10, baselines: bool = True) -> dict:
    """Score ``model`` on labelled ``items``, leaving out those it was trained on (by normalised-text hash).

    Warns when the model's card does not list its training texts (nothing can be left out, and the figures
    may be those of training data) and when items are left out."""
    split = split_by_label(items)
    known = set(model.card.get("training_text_sha256") or [])
    if not known:
        warnings.warn("the model's card does not list its training texts, so items it was trained on cannot be left "
                      "out: if these items were its training data, the figures below say nothing about new items",
                      stacklevel=2)
    fresh = [i for i in split.labelled + split.none_items
             if text_hash(model_input(i.model_text, model.max_chars)) not in known]
    left_out = len(split.labelled) + len(split.none_items) - len(fresh)
    if left_out:
        warnings.warn(f"left out {left_out} item(s) the model was trained on", stacklevel=2)
    labelled, none_items, _ = split_by_label(fresh)
    if not labelled:
        raise ValueError("no five-label items left to evaluate: the model was trained on all of them"
                         if left_out else "no items labelled with one of the five sections")
    y = label_codes(labelled)
    proba = model.predict_proba([i.model_text for i in labelled])
    none_conf = model.predict_proba([i.model_text for i in none_items]).max(axis=1) if none_items else np.array([])
    rng = np.random.default_rng(seed)
    table: dict = {}
    notes = []
    if baselines:
        counts = model.card.get("counts")
        if counts:
            codes = np.repeat(np.arange(K), [int(counts.get(label, 0)) for label in LABELS])
            table.update(_simple_baselines(codes, y, rng))
        else:
            notes.append("majority and stratified baselines need the card's label counts")
        train_items, why = _training_items_of(model)
        if train_items:
            base = TopicClassifier(**BASELINE_CONFIG, calibration_cv=0)
            base.fit([i.model_text for i in train_items], [i.label for i in train_items])
            table["char n-grams only"] = _scores(y, base.predict_proba([i.model_text for i in labelled]).argmax(axis=1))
        else:
            notes.append(f"char-n-gram baseline skipped: {why}")
        titled = [k for k, i in enumerate(labelled) if i.title]
        if titled:
            head = model.predict_proba([labelled[k].title for k in titled]).argmax(axis=1)
            table["model on headlines alone"] = {**_scores(y[titled], head), "n": len(titled)}
    extra = {"mode": "held-out", "model": model.path, "left_out_training_items": left_out,
             "news_items_skipped": split.news_items, "notes": notes}
    return _report(labelled, y, proba, none_conf, baselines=table, seed=seed, errors=errors, extra=extra)


def cross_validate_items(items: list[Item], *, config: str | dict, folds: int = 5, repeats: int = 1, seed: int = 0,
                         errors: int = 10, show_progress: bool = False) -> dict:
    """Repeated stratified K-fold (grouped by ``source_url``), a fresh model per fold; tables from repeat 1."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = prepare(items)
    labelled, none_items = data.labelled, data.none_items
    params = GRID[config] if isinstance(config, str) else dict(config)
    name = config if isinstance(config, str) else "custom"
    y = label_codes(labelled)
    groups = np.array([group_of(i) for i in labelled])
    hmm = bool(params.get("hmm", False))
    full = analyse_texts([i.model_text for i in labelled], hmm)
    heads = analyse_texts([i.title or i.text for i in labelled], hmm)
    nones = analyse_texts([i.model_text for i in none_items], hmm) if none_items else []
    base_full = full if not hmm else analyse_texts([i.model_text for i in labelled], False)
    rng = np.random.default_rng(seed)
    fold_scores: dict[str, list] = {"model": [], "majority": [], "stratified random": [], "char n-grams only": [],
                                    "model on headlines alone": []}
    oof = np.zeros((len(y), K))
    none_conf_sum = np.zeros(len(none_items))
    with progress(folds * repeats, "cross-validation", show=show_progress, unit="fold") as bar:
        for r, train_idx, test_idx in cv_splits(y, groups, folds=folds, repeats=repeats, seed=seed):
            est = TopicClassifier(**{**params, "random_state": seed})
            est.fit_analyses([full[i] for i in train_idx], y[train_idx], groups[train_idx])
            proba = est.proba_of_analyses([full[i] for i in test_idx])
            if r == 0:
                oof[test_idx] = proba
                if nones:
                    none_conf_sum += est.proba_of_analyses(nones).max(axis=1)
            yt = y[test_idx]
            fold_scores["model"].append(_scores(yt, proba.argmax(axis=1)))
            for k, v in _simple_baselines(y[train_idx], yt, rng).items():
                fold_scores[k].append(v)
            base = TopicClassifier(**BASELINE_CONFIG, calibration_cv=0, random_state=seed)
            base.fit_analyses([base_full[i] for i in train_idx], y[train_idx])
            fold_scores["char n-grams only"].append(_scores(yt, base.proba_of_analyses([base_full[i] for i in test_idx]).argmax(axis=1)))
            fold_scores["model on headlines alone"].append(_scores(yt, est.proba_of_analyses([heads[i] for i in test_idx]).argmax(axis=1)))
            bar.update(1)

    def summary(rows):
        acc = [s["accuracy"] for s in rows]
        f1 = [s["macro_f1"] for s in rows]
        return {"accuracy": float(np.mean(acc)), "accuracy_std": float(np.std(acc)),
                "macro_f1": float(np.mean(f1)), "macro_f1_std": float(np.std(f1))}

    table = {k: summary(v) for k, v in fold_scores.items() if k != "model"}
    extra = {"mode": "cross-validation", "config": name, "folds": folds, "repeats": repeats,
             "cv": summary(fold_scores["model"]), "duplicates_dropped": data.duplicates,
             "news_items_skipped": data.news_items, "notes": ["tables below pool the out-of-fold predictions of repeat 1; "
                                                             "'cv' and the baselines are means over all folds"]}
    none_conf = none_conf_sum / folds if len(none_items) else np.array([])
    return _report(labelled, y, oof, none_conf, baselines=table, seed=seed, errors=errors, extra=extra)
