"""Training a model from labelled items and writing its card.

:func:`train` fits one configuration (the bundled one unless told otherwise); :func:`run_training` is what
``labor-topics train`` runs: it validates the data, compares the configurations of the grid by
cross-validation, picks one, chooses the abstention threshold, optionally scores a held-out set once,
fits the final model and assembles its card.
"""

from __future__ import annotations

import hashlib
import os
import platform
import warnings
from importlib import metadata
from typing import NamedTuple

import numpy as np

from . import metrics
from .estimator import TopicClassifier
from .items import Item, group_of, label_codes, split_by_label, text_hash
from .labels import LABELS, NEWS_HEADING, NONE_LABEL
from .model import Model
from .paths import bundled_training_files
from .pipeline import model_input
from .readers import InputError, read_items
from .selection import (GRID, TARGET_PRECISION, choose, coverage_table, cross_validate, learning_curve,
                        out_of_fold_report, selection_rule, threshold_for_precision)

__all__ = ["TrainingData", "prepare", "train", "fit_and_calibrate", "run_training", "read_training_files", "file_sha256",
           "format_grid", "bundled_training_items", "resolve_config"]


def file_sha256(path) -> str:
    """The sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class TrainingData(NamedTuple):
    """Validated training items."""

    labelled: list[Item]    # items of the five sections, duplicates dropped
    none_items: list[Item]  # items labelled 无
    hashes: list[str]       # sorted text hashes of ``labelled``
    duplicates: int         # exact duplicates dropped
    news_items: int         # 工作动态 items skipped

    def counts(self) -> dict[str, int]:
        return {label: sum(1 for i in self.labelled if i.label == label) for label in LABELS}


def read_training_files(paths) -> tuple[list[Item], list[str]]:
    """Items of labelled files, and every problem found in them (file and line), without stopping."""
    items: list[Item] = []
    problems: list[str] = []
    for path in paths:
        path = os.fspath(path)
        try:
            found = read_items(path, need_label=not path.lower().endswith(".txt"),
                               on_error=lambda exc: problems.append(str(exc)))
        except (InputError, FileNotFoundError) as exc:
            problems.append(str(exc))
            continue
        if not found:
            problems.append(f"{path}: no items")
        items.extend(found)
    return items, problems


def _as_items(items) -> list[Item]:
    """``Item`` objects, or ``(text, label)`` pairs made into items (a bad pair is named)."""
    out = []
    for n, item in enumerate(items, start=1):
        if isinstance(item, Item):
            out.append(item)
            continue
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise TypeError(f"training item {n}: expected an Item or a (text, label) pair, got {str(item)[:60]!r}")
        text, label = item
        if not isinstance(text, str):
            raise TypeError(f"training item {n}: the text must be a str, got {type(text).__name__}")
        out.append(Item(text=text, label=label, line=n))
    return out


def prepare(items: list[Item], problems: list[str] = ()) -> TrainingData:
    """Check labelled items; drop exact duplicates (with a warning) and 工作动态 items.

    Raises ``ValueError`` listing every problem (those given, from reading, and those found here): an item
    without a label, an empty text, the same text with two labels, a section with fewer than 2 items.
    """
    problems = list(problems)
    seen: dict[str, Item] = {}
    labelled, none_items, hashes = [], [], []
    duplicates = news = 0
    for item in items:
        if item.label == NEWS_HEADING:
            news += 1
            continue
        if item.label is None:
            problems.append(f"{item.where}: no label")
            continue
        if item.label not in LABELS and item.label != NONE_LABEL:
            problems.append(f"{item.where}: unknown label {str(item.label)[:40]!r}")
            continue
        normalised = model_input(item.model_text)
        if not normalised:
            problems.append(f"{item.where}: empty text")
            continue
        key = text_hash(normalised)
        if key in seen:
            first = seen[key]
            if first.label != item.label:
                problems.append(f"{item.where}: the same text as {first.where} with another label ({item.label} vs {first.label})")
            else:
                duplicates += 1
            continue
        seen[key] = item
        if item.label == NONE_LABEL:
            none_items.append(item)
        else:
            labelled.append(item)
            hashes.append(key)
    counts = {label: sum(1 for i in labelled if i.label == label) for label in LABELS}
    for label, n in counts.items():
        if n < 2:
            problems.append(f"section {label} has {n} training item(s); each of the five needs at least 2")
    if problems:
        raise ValueError("invalid training data:\n  " + "\n  ".join(problems))
    if duplicates:
        warnings.warn(f"dropped {duplicates} exact duplicate item(s) from the training data", stacklevel=2)
    return TrainingData(labelled, none_items, sorted(hashes), duplicates, news)


def bundled_training_items() -> list[Item]:
    """The labelled items the bundled model was trained on (the seed digests and the corpus)."""
    return [item for path in bundled_training_files() for item in read_items(path)]


def train(items, *, base: Model | None = None, include_bundled: bool = False, config: str | None = None,
          seed: int = 0, **params) -> Model:
    """Fit a model on labelled ``items``; see :func:`labor_topics.train`.

    ``base``: the model whose configuration is refitted when ``config`` is None (the bundled model, passed in
    by the caller); without it, :data:`~labor_topics.selection.DEFAULT_CONFIG_NAME`.
    """
    items = _as_items(items)
    if include_bundled:
        items = bundled_training_items() + items
    data = prepare(items)
    name, chosen = resolve_config(config, params, base)
    est, threshold = fit_and_calibrate(data, chosen, seed)
    model = est.model_
    model.card = _card(data, name, est, sources=[], grid=None, chosen=None, threshold=threshold)
    return model


def fit_and_calibrate(data: TrainingData, params: dict, seed: int = 0) -> tuple[TopicClassifier, dict]:
    """Fit one configuration on ``data`` (with each item's weight) and choose the model's default threshold from
    the calibration's out-of-fold probabilities; return the estimator and what the threshold is based on."""
    est = TopicClassifier(**{**params, "random_state": seed})
    est.fit([i.model_text for i in data.labelled], [i.label for i in data.labelled], [group_of(i) for i in data.labelled],
            sample_weight=[i.weight for i in data.labelled])
    info = threshold_from_oof(est, data)
    est.model_.default_threshold = info["threshold"]
    return est, info


def threshold_from_oof(est: TopicClassifier, data: TrainingData) -> dict:
    """The default threshold from the estimator's out-of-fold probabilities (the lowest at which
    :data:`~labor_topics.selection.TARGET_PRECISION` of the kept items are right), the coverage table, and the
    share of ``无`` items the fitted model sets aside."""
    if est.oof_proba_ is None:
        return {"threshold": None, "rule": "no calibration folds: no threshold"}
    scored = ~np.isnan(est.oof_proba_).any(axis=1)
    proba, codes = est.oof_proba_[scored], label_codes(data.labelled)[scored]
    confidence, correct = proba.max(axis=1), proba.argmax(axis=1) == codes
    threshold = threshold_for_precision(confidence, correct)
    none_conf = (est.model_.predict_proba([i.model_text for i in data.none_items]).max(axis=1)
                 if data.none_items else np.zeros(0))
    ece, _ = metrics.calibration(confidence, correct)
    return {
        "rule": f"the lowest threshold at which {TARGET_PRECISION:.0%} of the kept out-of-fold items are right "
                "(out-of-fold: the calibration folds)",
        "threshold": threshold,
        "five_label_at_or_above": None if threshold is None else round(float((confidence >= threshold).mean()), 4),
        "accuracy_at_or_above": None if threshold is None else round(float(correct[confidence >= threshold].mean()), 4),
        "none_below": (None if threshold is None or not len(none_conf)
                       else round(float((none_conf < threshold).mean()), 4)),
        "coverage": coverage_table(confidence, correct, none_conf),
        "ece": round(ece, 4),
    }


def resolve_config(config: str | None, params: dict, base: Model | None = None) -> tuple[str, dict]:
    """(name, parameters) of the configuration to fit: ``config`` (a name of :data:`GRID`), else the one named by
    ``base``'s card, else :data:`DEFAULT_CONFIG_NAME`; ``params`` override single parameters."""
    from .selection import DEFAULT_CONFIG_NAME

    name = config or (base.card.get("config_name") if base is not None else None) or DEFAULT_CONFIG_NAME
    if name not in GRID:
        raise ValueError(f"unknown configuration {name!r}; choose one of {', '.join(GRID)}")
    chosen = dict(GRID[name])
    if params:
        chosen.update(params)
        name = f"{name} (with {', '.join(f'{k}={v!r}' for k, v in sorted(params.items()))})"
    return name, chosen


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("labor-topics", "numpy", "scipy", "scikit-learn", "jieba", "opencc", "joblib"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def _display_path(path: str) -> str:
    path = os.path.abspath(path)
    cwd = os.getcwd()
    return os.path.relpath(path, cwd) if path.startswith(cwd + os.sep) else os.path.basename(path)


def _card(data: TrainingData, name: str, est, *, sources, grid, chosen, threshold, heldout=None, final_on=None,
          folds: int = 5, repeats: int = 3) -> dict:
    card = {
        "data": [{"file": _display_path(p), "sha256": file_sha256(p)} for p in sources],
        "fitted_on": final_on or [_display_path(p) for p in sources],
        "counts": data.counts(),
        "none_items": len(data.none_items),
        "duplicates_dropped": data.duplicates,
        "news_items_skipped": data.news_items,
        "config_name": name,
        "config": est.config(),
        "default_threshold": est.model_.default_threshold if hasattr(est, "model_") else None,
        "versions": _versions(),
    }
    if grid is not None:
        card["selection"] = {
            "method": selection_rule(folds, repeats),
            "grid": [r.row() for r in grid],
            "chosen": chosen.name,
            "chosen_per_class_f1": chosen.per_class_f1,
            "chosen_headline_macro_f1": round(float(np.mean(chosen.headline_f1)), 4),
        }
    if threshold is not None:
        card["threshold"] = threshold
    if heldout is not None:
        card["heldout"] = heldout
    guideline = None
    for p in sources:
        candidate = os.path.join(os.path.dirname(p), "GUIDELINE.md")
        if os.path.isfile(candidate):
            guideline = {"file": _display_path(candidate), "sha256": file_sha256(candidate)}
    if guideline:
        card["guideline"] = guideline
    card["training_text_sha256"] = data.hashes
    return card


def score_heldout(model: Model, items: list[Item], threshold: float | None) -> dict:
    """Accuracy, macro-F1 and per-class figures of ``model`` on labelled items (and its abstention at
    ``threshold``)."""
    split = split_by_label(items)
    proba = model.predict_proba([i.model_text for i in split.labelled])
    y = label_codes(split.labelled)
    pred = proba.argmax(axis=1)
    pc = metrics.per_class(metrics.confusion(y, pred, len(LABELS)))
    titled = [k for k, i in enumerate(split.labelled) if i.title]
    head_pred = (model.predict_proba([split.labelled[k].title for k in titled]).argmax(axis=1) if titled
                 else np.zeros(0, dtype=np.int64))
    confidence, correct = proba.max(axis=1), pred == y
    ece, _ = metrics.calibration(confidence, correct)
    out = {
        "n": len(split.labelled),
        "accuracy": round(metrics.accuracy(y, pred), 4),
        "macro_f1": round(metrics.macro_f1(y, pred, len(LABELS)), 4),
        "headline_macro_f1": round(metrics.macro_f1(y[titled], head_pred, len(LABELS)), 4) if titled else None,
        "n_headlines": len(titled),
        "ece": round(ece, 4),
        "per_class": {LABELS[j]: {"precision": round(float(pc["precision"][j]), 4), "recall": round(float(pc["recall"][j]), 4),
                                  "f1": round(float(pc["f1"][j]), 4), "support": int(pc["support"][j])} for j in range(len(LABELS))},
    }
    if threshold is not None:
        out["five_label_at_or_above_threshold"] = round(float(np.mean(confidence >= threshold)), 4)
        kept = confidence >= threshold
        out["accuracy_at_or_above_threshold"] = round(float(correct[kept].mean()), 4) if kept.any() else None
        if split.none_items:
            out["none_items"] = len(split.none_items)
            none_top = model.predict_proba([i.model_text for i in split.none_items]).max(axis=1)
            out["none_below_threshold"] = round(float(np.mean(none_top < threshold)), 4)
    return out


def run_training(data_paths: list[str], *, heldout_paths: list[str] = (), refit_with_heldout: bool = False,
                 search: bool = False, grid: dict | None = None, config: str | None = None, base: Model | None = None,
                 folds: int = 5, repeats: int = 3, seed: int = 0, include_bundled: bool = False, curve: bool = False,
                 show_progress: bool = False, log=print):
    """The whole training run behind ``labor-topics train``; returns ``(model, card, grid_results)``.

    Without ``search``: the configuration named by ``config`` (else ``base``'s, else the default) is fitted by
    :func:`fit_and_calibrate`, as :func:`train` does. With ``search``: every configuration of ``grid`` is
    compared by ``folds``-fold CV repeated ``repeats`` times, one is chosen (:func:`selection.choose`), and its
    threshold comes from repeated out-of-fold scores (:func:`selection.out_of_fold_report`). ``curve`` adds the
    learning curve of the chosen configuration to the card.
    """
    paths = list(data_paths)
    if include_bundled:
        paths = bundled_training_files() + paths
    items, problems = read_training_files(paths)
    data = prepare(items, problems)
    log(f"training items: {len(data.labelled)} {data.counts()}; 无 items: {len(data.none_items)}; "
        f"duplicates dropped: {data.duplicates}; 工作动态 items skipped: {data.news_items}")
    results, chosen, oof = None, None, None
    if search:
        results = cross_validate(data.labelled, grid or GRID, folds=folds, repeats=repeats, seed=seed,
                                 show_progress=show_progress)
        chosen = choose(results)
        log(format_grid(results, chosen.name))
        name, params = chosen.name, chosen.params
        seed_sources = tuple(os.path.basename(p) for p in paths if not p.endswith((".jsonl", ".csv", ".json")))
        oof = out_of_fold_report(data.labelled, data.none_items, params, folds=folds, repeats=repeats, seed=seed,
                                 show_progress=show_progress, seed_sources=seed_sources)
        log(f"chosen: {name}; per-class F1 (out-of-fold): {chosen.per_class_f1}")
        log(f"default threshold {oof['threshold']} ({oof['rule']}): five-label items at or above "
            f"{oof['five_label_at_or_above']} (right: {oof['accuracy_at_or_above']}), 无 items below {oof['none_below']}; "
            f"ECE {oof['ece']}; traditional-text agreement {oof['traditional_agreement']}; "
            f"digest (non-JSONL) items out-of-fold accuracy {oof['seed_oof_accuracy']} (n={oof['n_seed_oof']})")
    else:
        name, params = resolve_config(config, {}, base)
        log(f"configuration: {name} (--search compares the grid)")
    est, quick = fit_and_calibrate(data, params, seed)
    threshold = oof if oof is not None else quick
    est.model_.default_threshold = threshold["threshold"]
    if oof is None:
        log(f"default threshold {quick['threshold']} ({quick['rule']}): five-label items at or above "
            f"{quick['five_label_at_or_above']} (right: {quick['accuracy_at_or_above']}), 无 items below {quick['none_below']}")
    curve_rows = None
    if curve:
        curve_rows = learning_curve(data.labelled, params, folds=folds, repeats=repeats, seed=seed,
                                    show_progress=show_progress)
        log("learning curve (CV macro-F1): " + ", ".join(
            f"{r['training_items']} items {r['macro_f1_mean']:.3f}" for r in curve_rows))
    heldout = None
    final_data, final_paths = data, paths
    if heldout_paths:
        held_items, problems = read_training_files(heldout_paths)
        if problems:
            raise ValueError("invalid held-out data:\n  " + "\n  ".join(problems))
        known = set(data.hashes)
        fresh = [i for i in held_items if text_hash(model_input(i.model_text)) not in known]
        heldout = {"files": [_display_path(p) for p in heldout_paths],
                   "model_fitted_on": [_display_path(p) for p in paths],
                   "items_also_in_training": len(held_items) - len(fresh),
                   **score_heldout(est.model_, fresh, threshold["threshold"])}
        log(f"held-out ({', '.join(heldout['files'])}), scored once: macro-F1 {heldout['macro_f1']}, "
            f"accuracy {heldout['accuracy']}, headline-only macro-F1 {heldout.get('headline_macro_f1')}, n={heldout['n']}")
        if refit_with_heldout:
            final_paths = paths + list(heldout_paths)
            final_data = prepare(items + held_items)
            est, _ = fit_and_calibrate(final_data, params, seed)
    model = est.model_
    model.default_threshold = threshold["threshold"]
    card = _card(final_data, name, est, sources=final_paths, grid=results, chosen=chosen,
                 threshold=threshold, heldout=heldout, final_on=[_display_path(p) for p in final_paths],
                 folds=folds, repeats=repeats)
    if curve_rows is not None:
        card["learning_curve"] = {"method": f"grouped stratified {folds}-fold CV × {repeats} repeat(s), each fold's "
                                            "training items cut to a stratified share", "points": curve_rows}
    model.card = card
    return model, card, results


def format_grid(results, chosen_name: str | None = None) -> str:
    """The grid's figures as a text table (the chosen configuration marked with ``*``)."""
    lines = [f"{'configuration':42s} {'macro-F1':>15s} {'headline F1':>15s} {'score':>6s} {'accuracy':>9s} {'features':>9s}"]
    for r in results:
        row = r.row()
        mark = " *" if r.name == chosen_name else ""
        lines.append(f"{r.name:42s} {row['macro_f1_mean']:>7.3f} ± {row['macro_f1_std']:.3f} "
                     f"{row['headline_macro_f1_mean']:>7.3f} ± {row['headline_macro_f1_std']:.3f} {row['selection_score']:>6.3f} "
                     f"{row['accuracy_mean']:>9.3f} {row['features']:>9,d}{mark}")
    return "\n".join(lines)
