"""Newspaper pages -> items: ``split_page(text)`` finds the stories of a page given as plain text.

What a page holds and how each is read (see the seed pages 002-004):

* a **headline block**: one or more short lines with no sentence-final punctuation. A kicker (ending in
  ``——``) or a subtitle (starting with ``——``, or the second line of a two-line block) belongs to its
  story; the item's title is the main headline. In a block of three or more lines with no ``——`` marks, the
  last line is the headline of the next story and the lines before it head a story whose body comes later.
* **bylines**: ``本报讯（记者 …）`` / ``本报北京7月5日电`` start a story's body; ``本报记者 …`` /
  ``本报通讯员 …`` lines stand alone under a headline. A headline block followed by a byline starts a story.
* **photo news**: a short headline, a caption paragraph (starting with a date or 近日/日前), maybe a second
  paragraph, and often a credit line ending in ``摄``. It is an item; the credit line joins the latest photo item.
* **crossheads**: a headline-like line followed by body text that is not a caption stays in the current story.
* **regional round-ups**: place-name lines such as ``天 津`` and the reports under them are one item.
* **a story continued from another page** (``（上接第1版）``) or with no headline on this page is an item
  titled by its first crosshead, else by its first sentence.
* **a story whose body lies elsewhere on the page**: a headline block with no body of its own waits; body
  paragraphs that follow a photo item's caption (where no story can continue) go to it.
* **a sidebar** (a crosshead with its paragraph after a photo item) goes to the earlier story whose words it
  shares most.
* **page furniture** is no item: ``广告``, page numbers, dates, editor lines, ``（下转第…版）``.

Every non-furniture line belongs to exactly one item; ``spans`` are ``(start, end)`` offsets into the given
text, in order and disjoint, one per run of consecutive lines of the item.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from .patterns import CONTINUED_FROM, CONTINUED_TO_MARK, CONTINUED_TO_TAIL, CREDIT_TAIL, DATELINE_LINE, STAFF_BYLINE_LINE

__all__ = ["PageItem", "split_page"]


@dataclass(frozen=True)
class PageItem:
    """A story found on a page: its title, its text (all its lines but the title) and where it stands."""

    title: str
    text: str
    spans: tuple[tuple[int, int], ...]

    @property
    def model_text(self) -> str:
        return f"{self.title}\n{self.text}" if self.text else self.title


# ------------------------------------------------------------------ line kinds

_SENTENCE_END = "。！？；…!?;"
_FURNITURE = re.compile(
    r"^(?:广告|第?\s{0,3}\d{1,3}\s{0,3}版(?:\s{0,3}[:：·|丨].{0,20})?|\d{1,3}"
    r"|\d{4}\s{0,3}年\s{0,3}\d{1,2}\s{0,3}月\s{0,3}\d{1,2}\s{0,3}日(?:\s{0,3}星期.)?"
    r"|(?:本版)?(?:责任)?编辑\s{0,3}[:：|丨 ].{0,40}|(?:责编|美编|校对|版式|制图|本版编辑)\s{0,3}[:：|丨 ]?.{0,40}"
    rf"|{CONTINUED_TO_MARK})$")
_REGION = re.compile(r"^[\u4e00-\u9fff](?:[ \u3000]{1,4}[\u4e00-\u9fff]){1,3}$")
_CAPTION_START = re.compile(r"^(?:\d{4}年)?\d{1,2}月\d{1,2}日|^(?:近日|日前|连日来|当日|今天|昨天)")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class _Line:
    n: int          # ordinal among non-blank lines, from 1
    start: int
    end: int
    text: str
    kind: str = "body"


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            lead = len(body) - len(body.lstrip())
            start = pos + lead
            end = start + len(stripped)
            jump = CONTINUED_TO_TAIL.search(stripped)
            if jump and jump.start() > 0:  # "…（下转第2版）" at the end of a line is furniture
                stripped = stripped[: jump.start()].rstrip()
                end = start + len(stripped)
            out.append(_Line(len(out) + 1, start, end, stripped))
        pos += len(raw)
    return out


def _kind(line: _Line, previous: _Line | None) -> str:
    t = line.text
    if _FURNITURE.match(t):
        return "furniture"
    if CONTINUED_FROM.match(t):
        return "continued"
    if DATELINE_LINE.match(t):
        return "dateline"
    if STAFF_BYLINE_LINE.match(t) and "。" not in t and len(t) <= 40:
        return "credit" if CREDIT_TAIL.search(t) else "byline"
    if CREDIT_TAIL.search(t) and len(t) <= 40 and "。" not in t:
        return "credit"
    if _REGION.match(t):
        return "region"
    if (len(t) <= 50 and t[-1] not in _SENTENCE_END + ",，、:：" and len(_CJK.findall(t)) >= 2
            and not t.startswith((",", "，", "、")) and "。" not in t):
        # after a line cut mid-sentence (a column break) a short line may be the rest of that sentence
        unfinished = previous is not None and previous.kind in ("body", "dateline") and not _finished(previous.text)
        return "head?" if unfinished else "head"
    return "body"


def _finished(text: str) -> bool:
    """Does the line end a sentence (or a caption with its credit)?"""
    return text[-1] in _SENTENCE_END + "”\"" or bool(CREDIT_TAIL.search(text))


# ------------------------------------------------------------------ similarity (for sidebars and headless stories)


def _bigrams(text: str) -> Counter:
    chars = "".join(_CJK.findall(text))
    return Counter(chars[i : i + 2] for i in range(len(chars) - 1))


class _Cohesion:
    def __init__(self, lines: list[_Line]):
        self.df = Counter()
        for line in lines:
            self.df.update(set(_bigrams(line.text)))
        self.n = max(1, len(lines))

    def vector(self, text: str) -> dict[str, float]:
        return {g: c * math.log((1 + self.n) / (1 + self.df[g])) for g, c in _bigrams(text).items()}

    def cosine(self, a: str, b: str) -> float:
        va, vb = self.vector(a), self.vector(b)
        dot = sum(v * vb.get(g, 0.0) for g, v in va.items())
        na = math.sqrt(sum(v * v for v in va.values()))
        nb = math.sqrt(sum(v * v for v in vb.values()))
        return dot / (na * nb) if na and nb else 0.0


# ------------------------------------------------------------------ assembling items


@dataclass
class _Item:
    head: list[_Line] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=list)
    photo: bool = False
    captions: int = 0
    bodiless: bool = False

    def all_lines(self) -> list[_Line]:
        return sorted(self.head + self.lines, key=lambda l: l.n)

    def text(self) -> str:
        return "\n".join(l.text for l in self.all_lines())


def _head_groups(run: list[_Line]) -> list[list[_Line]]:
    """Split a run of headline lines into the headline blocks of different stories."""
    groups: list[list[_Line]] = []
    for line in run:
        if groups:
            last = groups[-1]
            dashed = line.text.startswith("——") or last[-1].text.startswith("——") or last[-1].text.endswith("——")
            if dashed or len(last) < 2:
                last.append(line)
                continue
        groups.append([line])
    return groups


def _title_of(head: list[_Line]) -> str:
    for line in head:
        if not line.text.startswith("——") and not line.text.endswith("——"):
            return line.text
    return head[0].text.strip("—")


def _headless_title(item: _Item) -> str:
    for line in item.lines:
        if line.kind == "head":
            return line.text
    text = CONTINUED_FROM.sub("", item.lines[0].text).strip() if item.lines else ""
    sentence = re.split(r"[。！？!?]", text, maxsplit=1)[0]
    return sentence[:30] + ("…" if len(sentence) > 30 else "")


def split_page(text: str, *, cohesion_threshold: float = 0.05) -> list[PageItem]:
    """The stories of a newspaper page given as plain text (see the module doc for the rules).

    Four passes: every line gets a kind (:func:`_classified_lines`), the lines are grouped into stories
    (:func:`_assemble`), and each story becomes a :class:`PageItem` with its title and spans (:func:`_emit`).
    Time grows linearly with the number of stories.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    lines = _classified_lines(text)
    content = [line for line in lines if line.kind != "furniture"]
    return _emit(_assemble(content, _Cohesion(content), cohesion_threshold), lines)


def _classified_lines(text: str) -> list[_Line]:
    """The page's non-blank lines, each with its kind; a doubtful headline (``head?``) is one when a byline or
    a caption follows it."""
    lines = _lines(text)
    previous = None
    for line in lines:
        line.kind = _kind(line, previous)
        if line.kind != "furniture":
            previous = line
    content = [line for line in lines if line.kind != "furniture"]
    for k, line in enumerate(content):
        if line.kind == "head?":
            nxt = content[k + 1] if k + 1 < len(content) else None
            heads = nxt is not None and (nxt.kind in ("byline", "dateline", "region", "head")
                                         or (nxt.kind == "body" and bool(_CAPTION_START.match(nxt.text))))
            line.kind = "head" if heads else "body"
    return lines


def _assemble(content: list[_Line], cohesion: _Cohesion, threshold: float) -> list[_Item]:
    """Group the content lines into stories (see the module doc)."""
    items: list[_Item] = []
    current: _Item | None = None
    pending: list[_Item] = []   # headlines whose body has not come yet
    i = 0
    while i < len(content):
        line = content[i]
        if line.kind == "head":
            j = i
            while j < len(content) and content[j].kind == "head":
                j += 1
            run, nxt = content[i:j], content[j] if j < len(content) else None
            groups = _head_groups(run)
            for group in groups[:-1]:  # headline blocks followed by another headline: body elsewhere
                waiting = _Item(head=group, bodiless=True)
                items.append(waiting)
                pending.append(waiting)
            group = groups[-1]
            starts_story = nxt is None or nxt.kind in ("byline", "dateline", "region", "credit") or len(groups) > 1
            caption = nxt is not None and nxt.kind == "body" and bool(_CAPTION_START.match(nxt.text))
            if starts_story or caption or current is None:
                current = _Item(head=group, photo=caption and not starts_story)
                items.append(current)
            elif current.photo or current.bodiless:
                # a crosshead after a photo caption: a sidebar of an earlier story
                current, i = _attach_orphan(items, group, content, j, cohesion)
                continue
            else:
                current.lines.extend(group)
            i = j
            continue
        if line.kind == "continued":
            current = _Item(lines=[line])
            items.append(current)
        elif line.kind == "credit":
            target = next((it for it in reversed(items) if it.photo), current)
            if target is None:
                current = target = _Item()
                items.append(target)
            target.lines.append(line)
        elif current is None:
            current = _Item(lines=[line])
            items.append(current)
        elif current.photo and line.kind == "body":
            if current.captions < 2:
                current.lines.append(line)
                current.captions += 1
            else:  # past a caption: the body of a story whose headline stands elsewhere
                home = pending.pop() if pending else None
                if home is None:
                    home = _Item(lines=[])
                    items.append(home)
                home.lines.append(line)
                home.bodiless = False
                current = home
        else:
            if (line.kind == "body" and current.lines and not current.photo
                    and _finished(current.lines[-1].text)
                    and _starts_new_story(current, content, i, cohesion, threshold)):
                current = _Item(lines=[line])
                items.append(current)
            else:
                current.lines.append(line)
        i += 1
    return items


def _emit(items: list[_Item], lines: list[_Line]) -> list[PageItem]:
    """Each story with lines as a :class:`PageItem`: its title, the rest of its lines, its spans."""
    order = {id(line): k for k, line in enumerate(lines)}
    out = []
    for item in items:
        members = item.all_lines()
        if not members:
            continue
        title = _title_of(item.head) if item.head else _headless_title(item)
        title_line = next((l for l in item.head if l.text == title), None)
        rest = [l for l in members if l is not title_line]
        out.append(PageItem(title=title, text="\n".join(l.text for l in rest), spans=_spans(members, order)))
    return out


def _spans(members: list[_Line], order: dict[int, int]) -> tuple[tuple[int, int], ...]:
    """One span per run of lines that stand next to each other on the page (furniture breaks a run);
    ``order`` maps ``id(line)`` to its place among all the page's lines."""
    spans: list[list[int]] = []
    last = None
    for line in members:
        k = order[id(line)]
        if last is not None and k == last + 1:
            spans[-1][1] = line.end
        else:
            spans.append([line.start, line.end])
        last = k
    return tuple((a, b) for a, b in spans)


def _attach_orphan(items: list[_Item], group: list[_Line], content: list[_Line], j: int,
                   cohesion: _Cohesion) -> tuple[_Item, int]:
    """Give a crosshead and the paragraphs under it to the earlier story they share most words with;
    return that story and the index of the first line after the paragraphs."""
    k = j
    while k < len(content) and content[k].kind == "body":
        k += 1
    segment = group + content[j:k]
    seg_text = "\n".join(l.text for l in segment)
    candidates = [it for it in items if not it.photo and it.all_lines()]
    home = max(candidates, key=lambda it: cohesion.cosine(seg_text, it.text()), default=None)
    if home is None:
        home = _Item()
        items.append(home)
    home.lines.extend(segment)
    return home, k


def _starts_new_story(current: _Item, content: list[_Line], i: int, cohesion: _Cohesion, threshold: float) -> bool:
    """A paragraph with almost no words in common with the story so far, while the paragraphs after it share
    words with it, starts a story whose headline is not on this page."""
    so_far = current.text()
    if len(current.lines) < 3:
        return False
    here = content[i].text
    ahead = " ".join(l.text for l in content[i + 1 : i + 4] if l.kind in ("body", "head"))
    return cohesion.cosine(here, so_far) < threshold and cohesion.cosine(here, ahead) > 2 * threshold
