"""Judging a model on labelled data: held-out scoring or cross-validation, with baselines.

:func:`evaluate` scores a fitted model on labelled items it was not trained on; :func:`cross_validate_items`
fits a fresh model per fold. Both return a report (a plain dict, the ``--json`` output of
``labor-topics evaluate``) that :func:`format_report` turns into a readable table.

Items labelled ``无`` are excluded from accuracy and F1 and reported in the abstention rows; 工作动态 items of
digests are not evaluated.
"""

from __future__ import annotations

import os
import warnings

import numpy as np

from . import metrics
from .display import pad as _pad, shorten as _short, width as _width
from .labels import LABELS, NEWS_HEADING, NONE_LABEL
from .normalize import normalize
from .readers import Item
from .selection import GRID, group_of, text_hash

__all__ = ["evaluate", "cross_validate_items", "format_report", "BASELINE_CONFIG"]

#: The character-n-gram-only baseline model.
BASELINE_CONFIG = "chars13-logreg-C10"
K = len(LABELS)


def _split(items: list[Item]):
    five = [i for i in items if i.label in LABELS]
    none = [i for i in items if i.label == NONE_LABEL]
    news = sum(1 for i in items if i.label == NEWS_HEADING)
    return five, none, news


def _training_items_of(model) -> tuple[list[Item] | None, str]:
    """The labelled items the model was fitted on, when its card names files that can be found."""
    from .paths import seeds_dir
    from .readers import read_items
    from .training import file_sha256, prepare

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
        return prepare(items).five, ""


def _scores(y, pred) -> dict:
    return {"accuracy": metrics.accuracy(y, pred), "macro_f1": metrics.macro_f1(y, pred, K)}


def _report(five: list[Item], y: np.ndarray, proba: np.ndarray, none_conf: np.ndarray, *, baselines: dict,
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
        "errors": [{"index": int(k), "title": five[k].title or five[k].text[:40], "gold": LABELS[y[k]],
                    "predicted": LABELS[pred[k]], "score": float(conf[k]), "where": f"{five[k].source}:{five[k].line}"}
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


def evaluate(model, items: list[Item], *, seed: int = 0, errors: int = 10, baselines: bool = True) -> dict:
    """Score ``model`` on labelled ``items``, leaving out those it was trained on (by normalised-text hash)."""
    from .estimator import TopicClassifier

    five, none, news = _split(items)
    known = set(model.card.get("training_text_sha256") or [])
    fresh = [i for i in five + none if text_hash(normalize(i.model_text)) not in known]
    left_out = len(five) + len(none) - len(fresh)
    if left_out:
        warnings.warn(f"left out {left_out} item(s) the model was trained on", stacklevel=2)
    five, none, _ = _split(fresh)
    if not five:
        raise ValueError("no five-label items left to evaluate: the model was trained on all of them"
                         if left_out else "no items labelled with one of the five sections")
    y = np.array([LABELS.index(i.label) for i in five])
    proba = model.predict_proba([i.model_text for i in five])
    none_conf = model.predict_proba([i.model_text for i in none]).max(axis=1) if none else np.array([])
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
            base = TopicClassifier(**GRID[BASELINE_CONFIG], calibration_cv=0)
            base.fit([i.model_text for i in train_items], [i.label for i in train_items])
            table["char n-grams only"] = _scores(y, base.predict_proba([i.model_text for i in five]).argmax(axis=1))
        else:
            notes.append(f"char-n-gram baseline skipped: {why}")
        titled = [k for k, i in enumerate(five) if i.title]
        if titled:
            head = model.predict_proba([five[k].title for k in titled]).argmax(axis=1)
            table["model on headlines alone"] = {**_scores(y[titled], head), "n": len(titled)}
    extra = {"mode": "held-out", "model": model.path, "left_out_training_items": left_out, "news_items_skipped": news,
             "notes": notes}
    return _report(five, y, proba, none_conf, baselines=table, seed=seed, errors=errors, extra=extra)


def cross_validate_items(items: list[Item], *, config: str | dict, folds: int = 5, repeats: int = 1, seed: int = 0,
                         errors: int = 10, progress: bool = False) -> dict:
    """Repeated stratified K-fold (grouped by ``source_url``), a fresh model per fold; tables from repeat 1."""
    from sklearn.model_selection import StratifiedGroupKFold

    from .estimator import TopicClassifier
    from .model import analyse_texts
    from .selection import _progress
    from .training import prepare

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = prepare(items)
    five, none = data.five, data.none
    params = GRID[config] if isinstance(config, str) else dict(config)
    name = config if isinstance(config, str) else "custom"
    y = np.array([LABELS.index(i.label) for i in five])
    groups = np.array([group_of(i) for i in five])
    hmm = bool(params.get("hmm", False))
    full = analyse_texts([i.model_text for i in five], hmm)
    heads = analyse_texts([i.title or i.text for i in five], hmm)
    nones = analyse_texts([i.model_text for i in none], hmm) if none else []
    base_params = GRID[BASELINE_CONFIG]
    base_full = full if bool(base_params.get("hmm", False)) == hmm else analyse_texts([i.model_text for i in five], False)
    rng = np.random.default_rng(seed)
    fold_scores: dict[str, list] = {"model": [], "majority": [], "stratified random": [], "char n-grams only": [],
                                    "model on headlines alone": []}
    oof = np.zeros((len(y), K))
    none_conf_sum = np.zeros(len(none))
    bar = _progress(folds * repeats, progress, "cross-validation")
    for r in range(repeats):
        splitter = StratifiedGroupKFold(folds, shuffle=True, random_state=seed + r)
        for train_idx, test_idx in splitter.split(y, y, groups):
            est = TopicClassifier(random_state=seed, **params)
            est.fit_analyses([full[i] for i in train_idx], y[train_idx], groups[train_idx])
            proba = est.proba_from_analyses([full[i] for i in test_idx])
            if r == 0:
                oof[test_idx] = proba
                if nones:
                    none_conf_sum += est.proba_from_analyses(nones).max(axis=1)
            yt = y[test_idx]
            fold_scores["model"].append(_scores(yt, proba.argmax(axis=1)))
            fold_scores.update({k: fold_scores[k] + [v] for k, v in _simple_baselines(y[train_idx], yt, rng).items()})
            base = TopicClassifier(calibration_cv=0, random_state=seed, **base_params)
            base.fit_analyses([base_full[i] for i in train_idx], y[train_idx])
            fold_scores["char n-grams only"].append(_scores(yt, base.proba_from_analyses([base_full[i] for i in test_idx]).argmax(axis=1)))
            fold_scores["model on headlines alone"].append(_scores(yt, est.proba_from_analyses([heads[i] for i in test_idx]).argmax(axis=1)))
            bar.update(1)
    bar.close()

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
    none_conf = none_conf_sum / folds if len(none) else np.array([])
    return _report(five, y, oof, none_conf, baselines=table, seed=seed, errors=errors, extra=extra)


def _f(x, digits=3):
    return "—" if x is None else f"{x:.{digits}f}"


def format_report(report: dict) -> str:
    """A readable text rendering of an evaluation report."""
    out = []
    if report["mode"] == "cross-validation":
        cv = report["cv"]
        out.append(f"cross-validation: {report['config']}, {report['folds']}-fold × {report['repeats']} repeat(s), "
                   f"grouped by source_url; {report['n']} five-label items")
        out.append(f"  macro-F1 {cv['macro_f1']:.3f} ± {cv['macro_f1_std']:.3f}   accuracy {cv['accuracy']:.3f} ± {cv['accuracy_std']:.3f}")
    else:
        out.append(f"held-out: {report['n']} five-label items"
                   + (f" ({report['left_out_training_items']} left out: the model was trained on them)" if report["left_out_training_items"] else ""))
    ci = report["ci95"]
    out.append(f"accuracy {report['accuracy']:.3f} [95% CI {ci['accuracy'][0]:.3f}–{ci['accuracy'][1]:.3f}]   "
               f"macro-F1 {report['macro_f1']:.3f} [95% CI {ci['macro_f1'][0]:.3f}–{ci['macro_f1'][1]:.3f}]   "
               f"ECE {report['ece']:.3f}")
    out.append("")
    out.append(f"{_pad('section', 18)}{'precision':>10}{'recall':>8}{'F1':>8}{'support':>9}")
    for label, row in report["per_class"].items():
        out.append(f"{_pad(label, 18)}{row['precision']:>10.3f}{row['recall']:>8.3f}{row['f1']:>8.3f}{row['support']:>9d}")
    out.append("")
    out.append("confusion (rows: gold, columns: predicted)")
    short = ["思想", "建功", "维权", "和谐", "组织"]
    out.append(_pad("", 18) + "".join(" " * (6 - _width(s)) + s for s in short))
    for label, row in zip(LABELS, report["confusion"]["matrix"]):
        out.append(_pad(label, 18) + "".join(f"{v:>6d}" for v in row))
    out.append("")
    out.append(f"{_pad('baseline', 28)}{'accuracy':>10}{'macro-F1':>10}")
    out.append(f"{_pad('this model', 28)}{report['accuracy']:>10.3f}{report['macro_f1']:>10.3f}")
    for name, row in report["baselines"].items():
        out.append(f"{_pad(name, 28)}{row['accuracy']:>10.3f}{row['macro_f1']:>10.3f}")
    out.append("")
    out.append(f"abstention ({report['none_items']} 无 items)")
    out.append(f"{'threshold':>9}{'answered':>10}{'accuracy':>10}{'无 below':>10}")
    for row in report["abstention"]:
        out.append(f"{row['threshold']:>9.1f}{_f(row['answered']):>10}{_f(row['accuracy']):>10}{_f(row['none_below']):>10}")
    out.append("")
    out.append("reliability (top-label confidence bins)")
    for row in report["reliability"]:
        if row["n"]:
            out.append(f"  {row['bin'][0]:.1f}–{row['bin'][1]:.1f}  n={row['n']:<4d} confidence {_f(row['confidence'])}  accuracy {_f(row['accuracy'])}")
    if report["errors"]:
        out.append("")
        out.append("most confident errors")
        for e in report["errors"]:
            out.append(f"  {e['score']:.2f}  gold {_pad(e['gold'], 16)} predicted {_pad(e['predicted'], 16)} {_short(e['title'], 40)}")
    for note in report.get("notes", []):
        out.append(f"note: {note}")
    return "\n".join(out) + "\n"
