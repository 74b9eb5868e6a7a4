"""Cross-validation splits: the one way the package splits labelled items into folds.

Stratified by section, grouped by :func:`~labor_topics.items.group_of` (items from one source page stay in
one fold), shuffled with ``seed + repeat``. Used for calibration, model selection, the threshold and
``labor-topics evaluate --cv``.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np

from .labels import LABELS

__all__ = ["cv_splits"]


def cv_splits(codes: np.ndarray, groups: np.ndarray | None = None, *, folds: int = 5, repeats: int = 1,
              seed: int = 0) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """``(repeat, train_indices, test_indices)`` for each fold of each repeat.

    Parameters
    ----------
    codes : numpy.ndarray of int
        Section of each item (indices into :data:`LABELS`).
    groups : numpy.ndarray or None
        Group of each item; ``None`` for ungrouped folds.
    folds, repeats, seed : int

    Raises
    ------
    ValueError
        ``folds`` is below 2, or more than the items of some section (each fold needs one of each).
    """
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    codes = np.asarray(codes)
    counts = np.bincount(codes, minlength=len(LABELS))
    if folds < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, got {folds}")
    present = counts[counts > 0]
    if len(present) and folds > present.min():
        label = LABELS[int(np.flatnonzero(counts == present.min())[0])]
        raise ValueError(f"{folds}-fold cross-validation needs at least {folds} items of each section, but {label} "
                         f"has {int(present.min())}; use --folds {int(present.min())} (or folds={int(present.min())}) or fewer, or add items")
    for r in range(repeats):
        if groups is None:
            split = StratifiedKFold(folds, shuffle=True, random_state=seed + r).split(codes, codes)
        else:
            split = StratifiedGroupKFold(folds, shuffle=True, random_state=seed + r).split(codes, codes, np.asarray(groups))
        for train_idx, test_idx in split:
            yield r, train_idx, test_idx
