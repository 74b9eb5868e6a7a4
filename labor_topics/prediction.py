"""The result of classifying one text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Prediction:
    """A classified item.

    label:  the best of the five sections, or ``None`` when its score is below the threshold asked for.
    score:  the calibrated probability of the best section (even when ``label`` is None).
    scores: all five sections -> probability, in digest order; they sum to 1.
    top:    the ``top_k`` best ``(section, probability)`` pairs, best first (all five by default).
    """

    label: str | None
    score: float
    scores: dict[str, float]
    top: tuple[tuple[str, float], ...]

    def to_dict(self) -> dict:
        return {"label": self.label, "score": self.score, "scores": dict(self.scores), "top": [list(p) for p in self.top]}
