"""Checking parameters: one rule for the API, the digest, the estimator and the command line.

A value of the wrong type raises ``TypeError``; a value of the right type outside its range raises
``ValueError``. Both messages name the parameter, what it must be and what it got. Numbers may be Python or
numpy numbers (``numpy.float32(0.5)``, ``numpy.int64(2)``); ``True`` and ``False`` are not numbers here.
"""

from __future__ import annotations

import math
import numbers

__all__ = ["check_number", "check_threshold", "resolve_threshold", "check_top_k"]


def _describe(integer: bool, low, high) -> str:
    kind = "a whole number" if integer else "a number"
    if low is not None and high is not None:
        return f"{kind} in [{low}, {high}]"
    if low is not None:
        return f"{kind} of at least {low}"
    if high is not None:
        return f"{kind} of at most {high}"
    return kind


def check_number(value, name: str, *, integer: bool = False, low=None, high=None):
    """Return ``value`` as an ``int`` (``integer=True``) or a ``float``, checked to lie in ``[low, high]``.

    Parameters
    ----------
    value : object
        What the caller gave.
    name : str
        The parameter's name, for the message.
    integer : bool
        Whether only whole numbers are accepted.
    low, high : number or None
        Inclusive bounds; ``None`` for no bound.

    Returns
    -------
    int or float

    Raises
    ------
    TypeError
        ``value`` is not a number (or not a whole number when ``integer``), or is a bool.
    ValueError
        ``value`` is NaN or outside ``[low, high]``.
    """
    wanted = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, wanted):
        raise TypeError(f"{name} must be {_describe(integer, low, high)}, got {type(value).__name__} {value!r}")
    number = int(value) if integer else float(value)
    if (not integer and math.isnan(number)) or (low is not None and number < low) or (high is not None and number > high):
        raise ValueError(f"{name} must be {_describe(integer, low, high)}, got {value!r}")
    return number


def check_threshold(threshold):
    """A threshold as given to ``classify``: ``None``, ``"default"`` or a number in [0, 1] (returned as float)."""
    if threshold is None or threshold == "default":
        return threshold
    if isinstance(threshold, str):
        raise ValueError(f"threshold must be a number in [0, 1], None or 'default', got {threshold!r}")
    return check_number(threshold, "threshold", low=0.0, high=1.0)


def resolve_threshold(threshold, default: float | None) -> float | None:
    """The threshold to apply: ``"default"`` becomes ``default`` (a model's own); see :func:`check_threshold`."""
    threshold = check_threshold(threshold)
    return default if threshold == "default" else threshold


def check_top_k(top_k, n_labels: int) -> int:
    """How many ``(section, score)`` pairs to keep: ``None`` means all ``n_labels``; more is cut to ``n_labels``."""
    if top_k is None:
        return n_labels
    return min(check_number(top_k, "top_k", integer=True, low=1), n_labels)
