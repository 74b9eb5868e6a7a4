"""Scores -> probabilities: temperature scaling fitted on out-of-fold decision scores.

``p = softmax(scores / T)``. One parameter, fitted by minimising the log-loss of out-of-fold scores, so the
ranking of the classes never changes and the probabilities of the five sections sum to 1.
"""

from __future__ import annotations

import numpy as np

__all__ = ["softmax", "fit_temperature"]


def softmax(scores: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = np.asarray(scores, dtype=np.float64) / temperature
    z = z - z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """The temperature minimising the log-loss of ``softmax(scores / T)`` for class indices ``y``."""
    from scipy.optimize import minimize_scalar

    scores = np.asarray(scores, dtype=np.float64)
    rows = np.arange(len(y))

    def loss(log_t: float) -> float:
        p = softmax(scores, float(np.exp(log_t)))
        return float(-np.mean(np.log(np.clip(p[rows, y], 1e-12, None))))

    result = minimize_scalar(loss, bounds=(np.log(1e-3), np.log(1e3)), method="bounded", options={"xatol": 1e-6})
    return float(round(np.exp(result.x), 6))
