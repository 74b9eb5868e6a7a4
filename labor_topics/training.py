"""Training a model from labelled items and writing its card.

:func:`train` fits one configuration (the bundled one unless told otherwise); :func:`build` is what
``labor-topics train`` runs: it validates the data, compares the configurations of the grid by
cross-validation, picks one, chooses the abstention threshold, optionally scores a held-out set once,
fits the final model and assembles its card.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import platform
import warnings
from importlib import metadata

import numpy as np

from .labels import LABELS, NEWS_HEADING, NONE_LABEL
from .model import Model
from .normalize import normalize
from .readers import InputError, Item, read_items
from .selection import GRID, choose, choose_threshold, cross_validate, group_of, text_hash

__all__ = ["TrainingData", "prepare", "train", "build", "file_sha256"]


def file_sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class TrainingData:
    """Validated training items: five-label items, ``无`` items, and what was dropped."""

    def __init__(self, five: list[Item], none: list[Item], hashes: list[str], duplicates: int, news_items: int):
        self.five, self.none, self.hashes, self.duplicates, self.news_items = five, none, hashes, duplicates, news_items

    def counts(self) -> dict[str, int]:
        return {label: sum(1 for i in self.five if i.label == label) for label in LABELS}


def _where(item: Item) -> str:
    return f"{item.source}:{item.line}" if item.source else f"item {item.line}"


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


def prepare(items: list[Item], problems: list[str] = ()) -> TrainingData:
    """Check labelled items; drop exact duplicates (with a warning) and 工作动态 items.

    Raises ``ValueError`` listing every problem (those given, from reading, and those found here): an item
    without a label, an empty text, the same text with two labels, a section with fewer than 2 items.
    """
    problems = list(problems)
    seen: dict[str, Item] = {}
    five, none, hashes = [], [], []
    duplicates = news = 0
    for item in items:
        if item.label == NEWS_HEADING:
            news += 1
            continue
        if item.label is None:
            problems.append(f"{_where(item)}: no label")
            continue
        if item.label not in LABELS and item.label != NONE_LABEL:
            problems.append(f"{_where(item)}: unknown label {item.label!r}")
            continue
        normalised = normalize(item.model_text)
        if not normalised:
            problems.append(f"{_where(item)}: empty text")
            continue
        key = text_hash(normalised)
        if key in seen:
            first = seen[key]
            if first.label != item.label:
                problems.append(f"{_where(item)}: the same text as {_where(first)} with another label ({item.label} vs {first.label})")
            else:
                duplicates += 1
            continue
        seen[key] = item
        if item.label == NONE_LABEL:
            none.append(item)
        else:
            five.append(item)
            hashes.append(key)
    counts = {label: sum(1 for i in five if i.label == label) for label in LABELS}
    for label, n in counts.items():
        if n < 2:
            problems.append(f"section {label} has {n} training item(s); each of the five needs at least 2")
    if problems:
        raise ValueError("invalid training data:\n  " + "\n  ".join(problems))
    if duplicates:
        warnings.warn(f"dropped {duplicates} exact duplicate item(s) from the training data", stacklevel=2)
    return TrainingData(five, none, sorted(hashes), duplicates, news)


def _bundled_items() -> list[Item]:
    from .paths import bundled_training_files

    return [item for path in bundled_training_files() for item in read_items(path)]


def train(items, *, include_bundled: bool = False, config: str | None = None, **params) -> Model:
    """Fit a model on labelled ``items`` (a list of :class:`Item`, or of ``(text, label)`` pairs).

    The configuration is the bundled model's unless ``config`` names another of ``GRID`` or keyword
    parameters of :class:`~labor_topics.estimator.TopicClassifier` override it. With
    ``include_bundled=True`` the bundled training data is added. ``无`` items, when present, are used to
    choose the abstention threshold by cross-validation (one repeat). Returns the fitted model with a card.
    """
    from .estimator import TopicClassifier

    items = [i if isinstance(i, Item) else Item(text=i[0], label=i[1], line=n) for n, i in enumerate(items, start=1)]
    if include_bundled:
        items = _bundled_items() + items
    data = prepare(items)
    name, chosen = _config(config, params)
    groups = [group_of(i) for i in data.five]
    est = TopicClassifier(**chosen).fit([i.model_text for i in data.five], [i.label for i in data.five], groups)
    threshold_info = choose_threshold(data.five, data.none, chosen, repeats=1) if len(data.none) >= 5 else None
    model = est.model_
    model.default_threshold = threshold_info["threshold"] if threshold_info else None
    model.card = _card(data, name, est, sources=[], grid=None, chosen=None, threshold=threshold_info)
    return model


def _config(config: str | None, params: dict) -> tuple[str, dict]:
    from .selection import DEFAULT_CONFIG_NAME

    name = config
    if name is None:
        try:
            from . import _bundled

            name = _bundled().card.get("config_name", DEFAULT_CONFIG_NAME)
        except Exception:
            name = DEFAULT_CONFIG_NAME
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


def _card(data: TrainingData, name: str, est, *, sources, grid, chosen, threshold, heldout=None, final_on=None) -> dict:
    card = {
        "created": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        "data": [{"file": _display_path(p), "sha256": file_sha256(p)} for p in sources],
        "fitted_on": final_on or [_display_path(p) for p in sources],
        "counts": data.counts(),
        "none_items": len(data.none),
        "duplicates_dropped": data.duplicates,
        "news_items_skipped": data.news_items,
        "config_name": name,
        "config": est.config(),
        "default_threshold": est.model_.default_threshold if hasattr(est, "model_") else None,
        "versions": _versions(),
    }
    if grid is not None:
        card["selection"] = {
            "method": "grouped (source_url) repeated stratified 5-fold CV on the training items; "
                      "best mean macro-F1, the fastest within 0.005 of it",
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


def _score(model: Model, items: list[Item], threshold: float | None) -> dict:
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    five = [i for i in items if i.label in LABELS]
    none = [i for i in items if i.label == NONE_LABEL]
    proba = model.predict_proba([i.model_text for i in five])
    y = np.array([LABELS.index(i.label) for i in five])
    pred = proba.argmax(axis=1)
    p, r, f, s = precision_recall_fscore_support(y, pred, labels=range(len(LABELS)), zero_division=0)
    out = {
        "n": len(five),
        "accuracy": round(float(accuracy_score(y, pred)), 4),
        "macro_f1": round(float(f1_score(y, pred, labels=range(len(LABELS)), average="macro", zero_division=0)), 4),
        "per_class": {LABELS[j]: {"precision": round(float(p[j]), 4), "recall": round(float(r[j]), 4),
                                  "f1": round(float(f[j]), 4), "support": int(s[j])} for j in range(len(LABELS))},
    }
    if threshold is not None:
        out["five_label_at_or_above_threshold"] = round(float(np.mean(proba.max(axis=1) >= threshold)), 4)
        if none:
            out["none_items"] = len(none)
            out["none_below_threshold"] = round(float(np.mean(model.predict_proba([i.model_text for i in none]).max(axis=1) < threshold)), 4)
    return out


def build(data_paths: list[str], *, heldout_paths: list[str] = (), refit_with_heldout: bool = False,
          grid: dict | None = None, folds: int = 5, repeats: int = 3, seed: int = 0, include_bundled: bool = False,
          progress: bool = False, log=print):
    """The whole training run behind ``labor-topics train``; returns ``(model, card, grid_results)``."""
    from .estimator import TopicClassifier
    from .paths import bundled_training_files

    paths = list(data_paths)
    if include_bundled:
        paths = bundled_training_files() + paths
    items, problems = read_training_files(paths)
    data = prepare(items, problems)
    log(f"training items: {len(data.five)} {data.counts()}; 无 items: {len(data.none)}; "
        f"duplicates dropped: {data.duplicates}; 工作动态 items skipped: {data.news_items}")
    results = cross_validate(data.five, grid or GRID, folds=folds, repeats=repeats, seed=seed, progress=progress)
    chosen = choose(results)
    log(format_grid(results, chosen.name))
    seed_sources = tuple(os.path.basename(p) for p in paths if not p.endswith((".jsonl", ".csv", ".json")))
    threshold = choose_threshold(data.five, data.none, chosen.params, folds=folds, repeats=repeats, seed=seed,
                                 progress=progress, seed_sources=seed_sources)
    log(f"chosen: {chosen.name}; per-class F1 (out-of-fold): {chosen.per_class_f1}")
    log(f"default threshold {threshold['threshold']}: five-label items at or above {threshold['five_label_at_or_above']}, "
        f"无 items below {threshold['none_below']}; traditional-text agreement {threshold['traditional_agreement']}; "
        f"digest (non-JSONL) items out-of-fold accuracy {threshold['seed_oof_accuracy']} (n={threshold['n_seed_oof']})")
    groups = [group_of(i) for i in data.five]
    est = TopicClassifier(random_state=seed, **chosen.params)
    est.fit([i.model_text for i in data.five], [i.label for i in data.five], groups)
    heldout = None
    final_data, final_paths = data, paths
    if heldout_paths:
        held_items, problems = read_training_files(heldout_paths)
        if problems:
            raise ValueError("invalid held-out data:\n  " + "\n  ".join(problems))
        known = set(data.hashes)
        fresh = [i for i in held_items if text_hash(normalize(i.model_text)) not in known]
        est.model_.default_threshold = threshold["threshold"]
        heldout = {"files": [_display_path(p) for p in heldout_paths],
                   "model_fitted_on": [_display_path(p) for p in paths],
                   "items_also_in_training": len(held_items) - len(fresh),
                   **_score(est.model_, fresh, threshold["threshold"])}
        log(f"held-out ({', '.join(heldout['files'])}), scored once: macro-F1 {heldout['macro_f1']}, "
            f"accuracy {heldout['accuracy']}, n={heldout['n']}")
        if refit_with_heldout:
            final_paths = paths + list(heldout_paths)
            final_data = prepare(items + held_items)
            groups = [group_of(i) for i in final_data.five]
            est = TopicClassifier(random_state=seed, **chosen.params)
            est.fit([i.model_text for i in final_data.five], [i.label for i in final_data.five], groups)
    model = est.model_
    model.default_threshold = threshold["threshold"]
    card = _card(final_data, chosen.name, est, sources=final_paths, grid=results, chosen=chosen,
                 threshold=threshold, heldout=heldout, final_on=[_display_path(p) for p in final_paths])
    model.card = card
    return model, card, results


def format_grid(results, chosen_name: str | None = None) -> str:
    lines = [f"{'configuration':40s} {'macro-F1 (mean ± std)':>22s} {'accuracy':>9s} {'headline F1':>12s} {'chars/s':>9s}"]
    for r in results:
        row = r.row()
        mark = " *" if r.name == chosen_name else ""
        lines.append(f"{r.name:40s} {row['macro_f1_mean']:>13.3f} ± {row['macro_f1_std']:.3f} {row['accuracy_mean']:>9.3f} "
                     f"{row['headline_macro_f1_mean']:>12.3f} {row['chars_per_second']:>9,d}{mark}")
    return "\n".join(lines)
