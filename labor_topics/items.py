"""News items and what identifies them: the :class:`Item` record, its text hash, its CV group, and the split
of labelled items into the five sections, ``无`` and 工作动态.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Iterable, NamedTuple

from .labels import LABELS, NEWS_HEADING, NONE_LABEL

__all__ = ["Item", "text_hash", "group_of", "LabelSplit", "split_by_label", "label_codes"]


@dataclass(frozen=True)
class Item:
    """One news item.

    Attributes
    ----------
    text : str
        The body (or the whole item when it has no separate title).
    title : str
        The headline, or ``""``.
    label : str or None
        One of :data:`~labor_topics.labels.LABELS`, ``无``, ``工作动态`` (a digest's news section) or None.
    source_url, id : str
        From the input record, when given.
    source : str
        The file it was read from (``""`` for items made in code).
    line : int
        Its line in that file (the title's line for a digest item).
    weight : float
        How much the item counts in training (the ``weight`` field of a JSONL or CSV record; 1 by default).
    fields : tuple of (str, str)
        Every column of the row the item came from (a CSV or spreadsheet row), in order: output repeats them.
    """

    text: str
    title: str = ""
    label: str | None = None
    source_url: str = ""
    id: str = ""
    source: str = ""
    line: int = 0
    weight: float = 1.0
    fields: tuple[tuple[str, str], ...] = ()

    @property
    def model_text(self) -> str:
        """What the model reads: the title and the body joined by a newline."""
        if self.title and self.text:
            return f"{self.title}\n{self.text}"
        return self.title or self.text

    @property
    def where(self) -> str:
        """``file:line`` (or ``item N``) for messages."""
        return f"{self.source}:{self.line}" if self.source else f"item {self.line}"


def text_hash(normalised: str) -> str:
    """The sha256 of a normalised text: how a model card records its training texts."""
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def group_of(item: Item) -> str:
    """The cross-validation group of an item: items from one source page share a group; an item without a URL
    is its own group, named by its file's base name (not the path as typed, so that a model does not depend on
    how its data paths were spelled), line and id."""
    return item.source_url or f"{os.path.basename(item.source)}:{item.line}:{item.id}"


class LabelSplit(NamedTuple):
    labelled: list[Item]   # items of the five sections
    none_items: list[Item]  # items labelled 无
    news_items: int         # how many 工作动态 items were set aside


def split_by_label(items: Iterable[Item]) -> LabelSplit:
    """Items of the five sections, items labelled ``无``, and the count of 工作动态 items (neither)."""
    labelled, none_items, news = [], [], 0
    for item in items:
        if item.label in LABELS:
            labelled.append(item)
        elif item.label == NONE_LABEL:
            none_items.append(item)
        elif item.label == NEWS_HEADING:
            news += 1
    return LabelSplit(labelled, none_items, news)


def label_codes(items: Iterable[Item]):
    """The labels of five-section items as indices into :data:`LABELS` (a numpy int64 array)."""
    import numpy as np

    index = {label: k for k, label in enumerate(LABELS)}
    return np.array([index[i.label] for i in items], dtype=np.int64)
