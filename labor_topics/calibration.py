"""Scores -> probabilities: temperature scaling fitted on out-of-fold decision scores.

``p = softmax(scores / T)``. One parameter, fitted by minimising the log-loss of out-of-fold scores, so the
ranking of the classes never changes and the probabilities of the five sections sum to 1. (scikit-learn 1.8
has the same method, ``CalibratedClassifierCV(method="temperature")``, and finds the same T to four decimals;
it keeps T in private attributes and needs scikit-learn >= 1.8, so the fit is written here: a dozen lines.)
"""

from __future__ import annotations

import numpy as np

__all__ = ["softmax", "fit_temperature", "TEMPERATURE_BOUNDS"]

#: The temperature is searched in this range (scores are margins of a linear model: T far outside it would
#: mean scores of no use).
TEMPERATURE_BOUNDS = (1e-3, 1e3)


def softmax(scores: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Row-wise ``softmax(scores / temperature)``, computed stably."""
    z = np.asarray(scores, dtype=np.float64) / temperature
    z = z - z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def fit_temperature(scores: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None) -> float:
    """The temperature minimising the (weighted) log-loss of ``softmax(scores / T)`` for class indices ``y``.

    Rounded to 6 decimals, so that the last bits of the optimiser do not reach the model file
    (the same data gives the same bytes)."""
    from scipy.optimize import minimize_scalar

    scores = np.asarray(scores, dtype=np.float64)
    rows = np.arange(len(y))
    weights = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)

    def loss(log_t: float) -> float:
        p = softmax(scores, float(np.exp(log_t)))
        return float(-np.average(np.log(np.clip(p[rows, y], 1e-12, None)), weights=weights))

    low, high = TEMPERATURE_BOUNDS
    result = minimize_scalar(loss, bounds=(np.log(low), np.log(high)), method="bounded", options={"xatol": 1e-6})
    return float(round(np.exp(result.x), 6))
