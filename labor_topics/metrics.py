"""Classification metrics over the five sections, in plain numpy (checked against hand-computed figures).

Labels are indices into :data:`~labor_topics.labels.LABELS`. Division by zero gives 0 (scikit-learn's
``zero_division=0``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["confusion", "per_class", "accuracy", "macro_f1", "bootstrap_ci", "calibration", "abstention"]


def confusion(y_true, y_pred, n_labels: int) -> np.ndarray:
    """``m[i, j]`` = items of gold label i predicted as j."""
    m = np.zeros((n_labels, n_labels), dtype=np.int64)
    np.add.at(m, (np.asarray(y_true, dtype=np.int64), np.asarray(y_pred, dtype=np.int64)), 1)
    return m


def _safe_div(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.divide(a, b, out=np.zeros_like(a), where=b != 0)


def per_class(m: np.ndarray) -> dict[str, np.ndarray]:
    """Precision, recall, F1 and support of each label from a confusion matrix."""
    tp = np.diag(m).astype(np.float64)
    precision = _safe_div(tp, m.sum(axis=0))
    recall = _safe_div(tp, m.sum(axis=1))
    f1 = _safe_div(2 * precision * recall, precision + recall)
    return {"precision": precision, "recall": recall, "f1": f1, "support": m.sum(axis=1)}


def accuracy(y_true, y_pred) -> float:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return float(np.mean(y_true == y_pred)) if len(y_true) else 0.0


def macro_f1(y_true, y_pred, n_labels: int) -> float:
    """Unweighted mean of the F1 of all ``n_labels`` labels (absent labels count as 0)."""
    return float(per_class(confusion(y_true, y_pred, n_labels))["f1"].mean())


def bootstrap_ci(y_true, y_pred, n_labels: int, *, resamples: int = 1000, seed: int = 0, level: float = 0.95) -> dict:
    """Percentile bootstrap intervals for accuracy and macro-F1 (items resampled with replacement)."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    rng = np.random.default_rng(seed)
    n = len(y_true)
    accs, f1s = np.empty(resamples), np.empty(resamples)
    for b in range(resamples):
        idx = rng.integers(0, n, n)
        accs[b] = accuracy(y_true[idx], y_pred[idx])
        f1s[b] = macro_f1(y_true[idx], y_pred[idx], n_labels)
    lo, hi = 100 * (1 - level) / 2, 100 * (1 + level) / 2
    return {"accuracy": [float(np.percentile(accs, lo)), float(np.percentile(accs, hi))],
            "macro_f1": [float(np.percentile(f1s, lo)), float(np.percentile(f1s, hi))]}


def calibration(confidence, correct, bins: int = 10) -> tuple[float, list[dict]]:
    """Top-label expected calibration error over ``bins`` equal-width bins, and the reliability table."""
    confidence, correct = np.asarray(confidence, dtype=np.float64), np.asarray(correct, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    rows, ece, n = [], 0.0, len(confidence)
    for b in range(bins):
        mask = which == b
        count = int(mask.sum())
        conf = float(confidence[mask].mean()) if count else None
        acc = float(correct[mask].mean()) if count else None
        if count:
            ece += count / n * abs(acc - conf)
        rows.append({"bin": [round(float(edges[b]), 2), round(float(edges[b + 1]), 2)], "n": count,
                     "confidence": conf, "accuracy": acc})
    return float(ece), rows


def abstention(confidence, correct, none_confidence, thresholds=None) -> list[dict]:
    """For each threshold: share of five-label items answered (score >= t), accuracy on them, share of
    ``无`` items below t (``None`` when there are no ``无`` items)."""
    confidence, correct = np.asarray(confidence, dtype=np.float64), np.asarray(correct, dtype=bool)
    none_confidence = np.asarray(none_confidence, dtype=np.float64)
    thresholds = thresholds if thresholds is not None else [round(0.1 * k, 1) for k in range(1, 10)]
    rows = []
    for t in thresholds:
        answered = confidence >= t
        rows.append({
            "threshold": t,
            "answered": float(answered.mean()) if len(confidence) else 0.0,
            "accuracy": float(correct[answered].mean()) if answered.any() else None,
            "none_below": float((none_confidence < t).mean()) if len(none_confidence) else None,
        })
    return rows
