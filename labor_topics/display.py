"""Text in a terminal: display width of Chinese text, padding, shortening, and progress displays."""

from __future__ import annotations

import unicodedata

__all__ = ["width", "pad", "shorten", "progress"]


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


class _PlainProgress:
    """Progress as a plain line every tenth of the way (for logs, where a bar's carriage returns are noise)."""

    def __init__(self, total: int, desc: str, file):
        self.total, self.desc, self.file = total, desc, file
        self.done = 0
        self.next_report = max(1, total // 10)

    def update(self, n: int = 1) -> None:
        self.done += n
        if self.done >= self.next_report or self.done == self.total:
            print(f"{self.desc}: {self.done}/{self.total}", file=self.file, flush=True)
            while self.next_report <= self.done:
                self.next_report += max(1, self.total // 10)

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def progress(total: int | None, desc: str, *, show: bool = True, unit: str = "it", file=None):
    """A progress display on ``file`` (standard error by default): a tqdm bar on a terminal, a plain line
    every tenth of the way elsewhere (when ``total`` is known), nothing when ``show`` is false. It has
    ``update(n)`` and ``close()`` and is a context manager."""
    import sys

    from tqdm import tqdm

    file = file or sys.stderr
    if not show:
        return tqdm(total=total, disable=True)
    if getattr(file, "isatty", lambda: False)():
        return tqdm(total=total, desc=desc, unit=unit, leave=False, file=file)
    if total is None:
        return tqdm(total=total, disable=True)
    return _PlainProgress(total, desc, file)
