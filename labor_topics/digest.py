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

from .labels import LABELS
from .normalize import normalize

__all__ = ["Digest", "DigestEntry", "draft_digest", "body_paragraph"]

_BYLINE_HEAD = re.compile(r"^(?:(?:本报讯|本报\S{0,16}电|新华社\S{0,16}电)\s*(?:[(（][^()（）]{0,60}[)）])?|[(（]\s*上接第\s*\d+\s*版\s*[)）])\s*")
_HEADLIKE = re.compile(r"^[^。！？!?]{1,30}$")  # subtitles, crossheads, place names: not part of the paragraph
_BYLINE_LINE = re.compile(r"^(?:本报(?:特约|见习)?(?:记者|通讯员)[^。]{0,40}|.{0,40}\s摄\s*[)）]?|[(（]\s*上接第\s*\d+\s*版\s*[)）])$")
_INLINE_CREDIT = re.compile(r"\s+\S{0,12}(?:记者|通讯员)?\s*\S{0,12}\s*摄\s*[)）]?$")
_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]+[”’\"]?")


def body_paragraph(text: str, max_chars: int = 200) -> str:
    """The body as one paragraph without bylines or photo credits, cut at a sentence end within
    ``max_chars`` characters (or at ``max_chars`` with an ellipsis when the first sentence is longer)."""
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if not line or _BYLINE_LINE.match(line) or _HEADLIKE.match(line):
            continue
        line = _INLINE_CREDIT.sub("", _BYLINE_HEAD.sub("", line)) if "摄" in line[-3:] else _BYLINE_HEAD.sub("", line)
        lines.append(line)
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


def _shingles(text: str, n: int = 5) -> set[str]:
    text = re.sub(r"\s+", "", text)
    return {text[i : i + n] for i in range(max(1, len(text) - n + 1))} if text else set()


def _dedupe(items: list) -> tuple[list, int]:
    kept, seen_titles, shingles = [], set(), []
    for item in items:
        title = normalize(item.title) if item.title else ""
        body = _shingles(normalize(item.text))
        if title and title in seen_titles:
            continue
        if body and any(len(body & other) / len(body | other) >= 0.8 for other in shingles if other):
            continue
        kept.append(item)
        if title:
            seen_titles.add(title)
        shingles.append(body)
    return kept, len(items) - len(kept)


def draft_digest(items, *, model=None, threshold="default", max_body: int = 200) -> Digest:
    """Classify ``items`` (``Item``, ``PageItem`` or strings) and arrange them as a draft digest.

    ``threshold``: items whose best score is below it go to 待定 (``"default"``: the model card's; ``None``:
    none). The same story from two inputs appears once (same normalised title, or body character-5-gram
    Jaccard >= 0.8).
    """
    from .readers import Item

    if model is None:
        from . import _bundled

        model = _bundled()
    items = [Item(text=i) if isinstance(i, str) else i for i in items]
    items = [i for i in items if (i.title or i.text).strip()]
    items, duplicates = _dedupe(items)
    cut = model.default_threshold if threshold == "default" else threshold
    digest = Digest(threshold=cut, duplicates=duplicates)
    if not items:
        return digest
    predictions = model.classify_batch([i.model_text for i in items])
    for item, p in zip(items, predictions):
        if item.title:
            title, body = item.title, item.text
        else:  # plain text: its first line is the title
            first, _, body = item.text.strip().partition("\n")
            title = first if len(first) <= 40 else first[:39] + "…"
            body = body if len(first) <= 40 else item.text
        entry = DigestEntry(title=title, body=body_paragraph(body, max_body),
                            section=p.top[0][0], score=p.score, top=p.top[:2], source=getattr(item, "source", "") or "")
        if cut is not None and p.score < cut:
            digest.pending.append(entry)
        else:
            digest.sections.setdefault(entry.section, []).append(entry)
    for entries in digest.sections.values():
        entries.sort(key=lambda e: -e.score)
    digest.pending.sort(key=lambda e: -e.score)
    return digest
