"""The result of classifying one text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Prediction", "Scores"]


class Scores(Mapping):
    """A read-only mapping section -> probability, in digest order; hashable, equal to a dict with the same
    items."""

    __slots__ = ("_items",)

    def __init__(self, items):
        self._items = dict(items)

    def __getitem__(self, key):
        return self._items[key]

    def __iter__(self):
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(tuple(self._items.items()))

    def __repr__(self) -> str:
        return f"Scores({self._items!r})"

    def __reduce__(self):
        return (Scores, (self._items,))


@dataclass(frozen=True)
class Prediction:
    """A classified item (frozen and hashable).

    Attributes
    ----------
    label : str or None
        The best of the five sections, or ``None`` when its score is below the threshold asked for.
    score : float
        The calibrated probability of the best section (even when ``label`` is None).
    scores : Scores
        All five sections -> probability, in digest order; they sum to 1. Read-only.
    top : tuple of (str, float)
        The ``top_k`` best ``(section, probability)`` pairs, best first (all five by default).
    """

    label: str | None
    score: float
    scores: Mapping[str, float]
    top: tuple[tuple[str, float], ...]

    def __post_init__(self):
        if type(self.scores) is not Scores:
            object.__setattr__(self, "scores", Scores(self.scores))
        if type(self.top) is not tuple:  # (the model passes a tuple of tuples: nothing to do)
            object.__setattr__(self, "top", tuple(tuple(pair) for pair in self.top))

    def to_dict(self) -> dict:
        """A JSON-ready dict: ``label``, ``score``, ``scores`` (a dict), ``top`` (a list of pairs)."""
        return {"label": self.label, "score": self.score, "scores": dict(self.scores), "top": [list(p) for p in self.top]}
