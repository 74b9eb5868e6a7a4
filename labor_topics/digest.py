"""Items -> a draft weekly digest (一周速览): classify, de-duplicate, order, and set the doubtful aside.

``draft_digest(items)`` returns a :class:`Digest`; ``Digest.markdown()`` and ``Digest.to_dict()`` give the
two output shapes of ``labor-topics digest``. The draft follows the seed digests: a title line
``一周速览 | <lead story>;<second story>`` (the two most confident items of different sections), then the five
sections in digest order, each with its items (title, then one body paragraph) by score, then ``待定``: the
items whose best score is below the threshold, each with its two best sections, for the editor to decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .items import Item
from .labels import LABELS
from .model import Model
from .pages import PageItem
from .patterns import BYLINE_HEAD, BYLINE_LINE, strip_credit
from .pipeline import model_input
from .validation import check_number, resolve_threshold

__all__ = ["Digest", "DigestEntry", "draft_digest", "body_paragraph", "TITLE_CHARS", "DUPLICATE_JACCARD"]

_HEADLIKE = re.compile(r"^[^。！？!?]{1,30}$")  # subtitles, crossheads, place names: not part of the paragraph
_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]+[”’\"]?")

#: A plain-text item's first line is its title when it has at most this many characters.
TITLE_CHARS = 40
#: Two bodies whose character-5-gram sets overlap this much (Jaccard) are the same story.
DUPLICATE_JACCARD = 0.8
_SHINGLE = 5


def body_paragraph(text: str, max_chars: int = 200) -> str:
    """The body as one paragraph without bylines or photo credits, cut at a sentence end within
    ``max_chars`` characters (or at ``max_chars`` with an ellipsis when the first sentence is longer)."""
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if not line or BYLINE_LINE.match(line) or _HEADLIKE.match(line):
            continue
        line = BYLINE_HEAD.sub("", line)
        lines.append(strip_credit(line) if "摄" in line[-3:] else line)
    paragraph = "".join(lines)
    if len(paragraph) <= max_chars:
        return paragraph
    out = ""
    for match in _SENTENCE.finditer(paragraph):
        if match.end() > max_chars:
            break
        out = paragraph[: match.end()]
    return out or paragraph[: max_chars - 1] + "…"


@dataclass(frozen=True)
class DigestEntry:
    title: str
    body: str
    section: str
    score: float
    top: tuple[tuple[str, float], ...]
    source: str = ""

    def to_dict(self) -> dict:
        return {"title": self.title, "body": self.body, "section": self.section, "score": round(self.score, 4),
                "top": [[label, round(score, 4)] for label, score in self.top], "source": self.source}


@dataclass
class Digest:
    threshold: float | None
    sections: dict[str, list[DigestEntry]] = field(default_factory=dict)
    pending: list[DigestEntry] = field(default_factory=list)
    duplicates: int = 0

    @property
    def lead(self) -> list[DigestEntry]:
        """The most confident item, and the most confident one of another section."""
        ranked = sorted((e for entries in self.sections.values() for e in entries), key=lambda e: -e.score)
        lead = ranked[:1]
        lead += [e for e in ranked[1:] if lead and e.section != lead[0].section][:1]
        return lead

    @property
    def title(self) -> str:
        return "一周速览 | " + ";".join(e.title for e in self.lead) if self.lead else "一周速览"

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "lead": [e.title for e in self.lead],
            "threshold": self.threshold,
            "sections": [{"section": label, "items": [e.to_dict() for e in self.sections.get(label, [])]} for label in LABELS],
            "pending": [e.to_dict() for e in self.pending],
            "duplicates_removed": self.duplicates,
        }

    def markdown(self) -> str:
        out = [f"# {self.title}", ""]
        for label in LABELS:
            out += [f"## {label}", ""]
            entries = self.sections.get(label, [])
            if not entries:
                out += ["（本周暂无）", ""]
            for e in entries:
                out += [f"### {e.title}", ""] + ([e.body, ""] if e.body else [])
        if self.pending:
            out += ["## 待定", ""]
            for e in self.pending:
                guesses = " / ".join(f"{label} {score:.2f}" for label, score in e.top[:2])
                out += [f"### {e.title}", "", f"*{guesses}*", ""] + ([e.body, ""] if e.body else [])
        return "\n".join(out).rstrip() + "\n"


def _shingles(text: str, n: int = _SHINGLE) -> set[str]:
    text = re.sub(r"\s+", "", text)
    return {text[i : i + n] for i in range(max(1, len(text) - n + 1))} if text else set()


def _dedupe(items: list[Item], max_chars: int) -> tuple[list[Item], int]:
    """Items without repeats: the same normalised title, or bodies whose 5-gram sets overlap by
    :data:`DUPLICATE_JACCARD`. Compares each body with every kept one: meant for a week of items (a few
    hundred), quadratic in their number."""
    kept, seen_titles, shingles = [], set(), []
    for item in items:
        title = model_input(item.title, max_chars) if item.title else ""
        body = _shingles(model_input(item.text, max_chars))
        if title and title in seen_titles:
            continue
        if body and any(len(body & other) / len(body | other) >= DUPLICATE_JACCARD for other in shingles if other):
            continue
        kept.append(item)
        if title:
            seen_titles.add(title)
        shingles.append(body)
    return kept, len(items) - len(kept)


def _as_item(item) -> Item:
    if isinstance(item, Item):
        return item
    if isinstance(item, PageItem):
        return Item(text=item.text, title=item.title)
    if isinstance(item, str):
        return Item(text=item)
    raise TypeError(f"items must be Item, PageItem or str, got {type(item).__name__}")


def _title_and_body(item: Item) -> tuple[str, str]:
    if item.title:
        return item.title, item.text
    first, _, body = item.text.strip().partition("\n")  # plain text: its first line is the title
    if len(first) <= TITLE_CHARS:
        return first, body
    return first[: TITLE_CHARS - 1] + "…", item.text


def draft_digest(items, *, model: Model, threshold="default", max_body: int = 200) -> Digest:
    """Classify ``items`` and arrange them as a draft digest.

    Parameters
    ----------
    items : iterable of Item, PageItem or str
        Items without text are dropped.
    model : Model
        The model that classifies them.
    threshold : float, "default" or None
        Items whose best score is below it go to 待定 (``"default"``: the model's own; ``None``: none).
    max_body : int
        Each body is cut at a sentence end within this many characters.

    Returns
    -------
    Digest
        The same story from two inputs appears once (same normalised title, or body character-5-gram
        Jaccard >= :data:`DUPLICATE_JACCARD`).

    Raises
    ------
    TypeError, ValueError
        A bad ``threshold`` or ``max_body``, or an item of another type.
    """
    threshold = resolve_threshold(threshold, model.default_threshold)
    max_body = check_number(max_body, "max_body", integer=True, low=1)
    items = [i for i in map(_as_item, items) if (i.title or i.text).strip()]
    items, duplicates = _dedupe(items, model.max_chars)
    digest = Digest(threshold=threshold, duplicates=duplicates)
    if not items:
        return digest
    predictions = model.classify_batch([i.model_text for i in items])
    for item, p in zip(items, predictions):
        title, body = _title_and_body(item)
        entry = DigestEntry(title=title, body=body_paragraph(body, max_body), section=p.top[0][0], score=p.score,
                            top=p.top[:2], source=item.source)
        if threshold is not None and p.score < threshold:
            digest.pending.append(entry)
        else:
            digest.sections.setdefault(entry.section, []).append(entry)
    for entries in digest.sections.values():
        entries.sort(key=lambda e: -e.score)
    digest.pending.sort(key=lambda e: -e.score)
    return digest
