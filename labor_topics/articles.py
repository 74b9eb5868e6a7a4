"""One article per file: a WeChat post or a union site's story, copied into a text file (or extracted from a
saved web page or a Word file) -> one item.

The account furniture around the story is no part of it and is dropped line by line: follow prompts
(``点击蓝字 关注我们``), ``阅读原文``, ``长按识别二维码``, share, like and 在看 prompts, and the source and staff
lines (``来源：…``, ``编辑：… 审核：…``, ``责编 …``, ``文字 / 图片 …``). Of the rest, the first heading-like line
(short, with no sentence-ending punctuation) is the title; everything after it is the body.
"""

from __future__ import annotations

import re

from .items import Item

__all__ = ["parse_article", "looks_like_article", "is_furniture", "WECHAT_MARKERS"]

#: Words that only a WeChat post's furniture has: a text file holding one is read as one article.
WECHAT_MARKERS = ("点击蓝字", "阅读原文", "长按识别二维码", "长按二维码", "点亮在看", "分享、点赞、在看", "关注我们", "点个在看")

_FURNITURE = re.compile(
    r"^(?:点击(?:上方)?(?:蓝字|“?[^\s]{0,12}”?)\s*关注.{0,20}|(?:\S{0,10})?关注我们.{0,20}|阅读原文.{0,10}"
    r"|(?:点击(?:左下角)?)?阅读原文.{0,10}|长按(?:识别)?(?:二维码|图片).{0,30}|.{0,10}(?:分享|点赞|在看|转发).{0,6}(?:分享|点赞|在看|转发).{0,20}"
    r"|(?:喜欢就)?点个?(?:赞|在看).{0,20}|(?:来源|编辑|责任编辑|责编|审核|审校|校对|初审|复审|终审|排版|作者|撰稿|供稿|文字|图片|文|图|摄影|监制|主编|出品)"
    r"\s{0,3}[:：|丨/]\s{0,3}.{0,80}|(?:本文)?(?:转载|来源)自.{0,40}|▼.{0,30}|↓.{0,30}|END|-+\s*END\s*-+)$")
_SENTENCE_END = "。！？；!?;…"
#: A title has at most this many characters.
TITLE_CHARS = 64


def is_furniture(line: str) -> bool:
    """Is the (stripped) line account furniture rather than part of the story?"""
    line = line.strip()
    return bool(line) and bool(_FURNITURE.match(line))


def looks_like_article(text: str) -> bool:
    """True when the text carries WeChat furniture (see :data:`WECHAT_MARKERS`)."""
    return any(marker in text for marker in WECHAT_MARKERS)


def _heading_like(line: str) -> bool:
    return 2 <= len(line) <= TITLE_CHARS and line[-1] not in _SENTENCE_END and "。" not in line


def parse_article(text: str, source: str = "", title: str | None = None) -> list[Item]:
    """The one item of an article: ``title`` when given (a web page's or a Word file's own title), else the
    first heading-like line after the furniture is dropped; the body is the rest. An article with no text
    left gives no item."""
    lines = [line.strip() for line in text.split("\n")]
    kept = [(n, line) for n, line in enumerate(lines, start=1) if line and not is_furniture(line)]
    if title is not None:
        title = title.strip()
        kept = [(n, line) for n, line in kept if line != title]
    else:
        for k, (n, line) in enumerate(kept):
            if _heading_like(line):
                title = line
                del kept[k]
                break
            if k >= 2:  # the title comes near the top or not at all
                break
    body = "\n".join(line for _, line in kept)
    if not body and not title:
        return []
    first = kept[0][0] if kept else 1
    return [Item(text=body, title=title or "", source=source, line=first)]
