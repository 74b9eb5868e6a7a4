"""Text in a terminal: display width of Chinese text, padding and shortening."""

from __future__ import annotations

import unicodedata

__all__ = ["width", "pad", "shorten"]


def width(s: str) -> int:
    """Columns ``s`` takes in a terminal (wide and full-width characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def pad(s: str, columns: int) -> str:
    return s + " " * max(0, columns - width(s))


def shorten(s: str, limit: int = 36) -> str:
    """``s`` on one line, cut with an ellipsis to at most ``limit`` columns."""
    s = " ".join(s.split())
    out, used = "", 0
    for c in s:
        w = width(c)
        if used + w > limit:
            return out + "…"
        out, used = out + c, used + w
    return out
