"""Reading labelled and unlabelled items: sectioned digests, JSONL, CSV and plain text.

Every reader returns a list of :class:`Item`. Errors raise :class:`InputError` (a ``ValueError``) whose
message names the file and the line.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass

from .errors import InputError
from .labels import DIGEST_HEADINGS, LABELS, NEWS_HEADING, NONE_LABEL

__all__ = ["Item", "InputError", "read_items", "iter_items", "parse_items", "read_digest", "read_jsonl", "read_csv", "read_text", "parse_digest"]


@dataclass(frozen=True)
class Item:
    """One news item. ``label`` is one of LABELS, ``无``, ``工作动态`` (digest news section) or None."""

    text: str
    title: str = ""
    label: str | None = None
    source_url: str = ""
    id: str = ""
    source: str = ""
    line: int = 0

    @property
    def model_text(self) -> str:
        """What the model reads: the title and the body joined by a newline."""
        if self.title and self.text:
            return f"{self.title}\n{self.text}"
        return self.title or self.text


def _read_text_file(path: str | os.PathLike) -> str:
    path = os.fspath(path)
    if os.path.isdir(path):
        raise InputError(path, None, "is a directory, not a file")
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(path, line, "not UTF-8 text; save the file as UTF-8 (with or without BOM)") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_label(path: str, line: int, label) -> str | None:
    if label is None or label == "":
        return None
    if not isinstance(label, str):
        raise InputError(path, line, f"label must be a string, got {type(label).__name__}")
    label = label.strip()
    if label not in LABELS and label != NONE_LABEL:
        raise InputError(path, line, f"unknown label {label!r}; expected one of {', '.join(LABELS)} or {NONE_LABEL}")
    return label


# ---------------------------------------------------------------- digests

_END_MARKERS = ("编辑 |", "编辑|", "编辑 丨", "部分图文来源")


def parse_digest(text: str, source: str = "") -> list[Item]:
    """Items of a sectioned weekly digest (一周速览).

    A heading line (工作动态, 思想引领, 建功立业, 维权服务, 构建和谐劳动关系, 组织建设) opens a section; in it
    each item is a title line followed by one body paragraph. Lines before the first heading (the
    title and the ``●`` headline list), ``图片`` lines and everything from ``编辑 |`` or ``部分图文来源``
    on are not items. Items under 工作动态 get the label ``工作动态``.
    """
    items: list[Item] = []
    section = None
    pending: tuple[str, int] | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line or line == "图片" or line.startswith("●"):
            continue
        if line.startswith(_END_MARKERS):
            break
        if line in DIGEST_HEADINGS:
            section, pending = line, None
            continue
        if section is None:
            continue
        if pending is None:
            pending = (line, number)
        else:
            title, title_line = pending
            items.append(Item(text=line, title=title, label=section, source=source, line=title_line))
            pending = None
    return items


_PAGE_MARKERS = re.compile(r"^\s*(?:本报讯|本报\S{0,16}电|本报(?:特约|见习)?(?:记者|通讯员))", re.MULTILINE)


def looks_like_page(text: str) -> bool:
    """True when newspaper bylines (本报讯, 本报记者 …) start lines: a page to split into stories."""
    return bool(_PAGE_MARKERS.search(text))


def parse_page(text: str, source: str = "") -> list[Item]:
    """The stories of a newspaper page (see :func:`labor_topics.pages.split_page`), as items."""
    from .pages import split_page

    items = []
    for story in split_page(text):
        line = text.count("\n", 0, story.spans[0][0]) + 1
        items.append(Item(text=story.text, title=story.title, source=source, line=line))
    return items


def looks_like_digest(text: str) -> bool:
    """True when at least two distinct section headings stand alone on a line."""
    found = {line.strip() for line in text.split("\n")} & set(DIGEST_HEADINGS)
    return len(found) >= 2


def read_digest(path: str | os.PathLike) -> list[Item]:
    return read_items(path, "digest")


# ---------------------------------------------------------------- JSONL / CSV / text


def _make_item(path: str, line: int, record: dict, need_label: bool) -> Item:
    text = record.get("text")
    title = record.get("title") or ""
    if text is None and not title:
        raise InputError(path, line, "missing field 'text'")
    if text is not None and not isinstance(text, str):
        raise InputError(path, line, f"'text' must be a string, got {type(text).__name__}")
    if not isinstance(title, str):
        raise InputError(path, line, f"'title' must be a string, got {type(title).__name__}")
    text = (text or "").strip()
    title = title.strip()
    if not text and not title:
        raise InputError(path, line, "empty text")
    label = _check_label(path, line, record.get("label"))
    if need_label and label is None:
        raise InputError(path, line, "missing label")
    return Item(
        text=text,
        title=title,
        label=label,
        source_url=str(record.get("source_url") or ""),
        id=str(record.get("id") or ""),
        source=path,
        line=line,
    )


def read_jsonl(path: str | os.PathLike, need_label: bool = False, on_error=None) -> list[Item]:
    """One JSON object a line with ``text``, optional ``title``, ``label``, ``source_url``, ``id``."""
    return parse_jsonl(_read_text_file(path), os.fspath(path), need_label, on_error)


def _jsonl_item(source: str, number: int, line: str, need_label: bool) -> Item:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(source, number, f"not valid JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise InputError(source, number, "expected a JSON object")
    return _make_item(source, number, record, need_label)


def parse_jsonl(content: str, source: str = "<text>", need_label: bool = False, on_error=None) -> list[Item]:
    items = []
    for number, line in enumerate(content.split("\n"), start=1):
        if line.strip():
            try:
                items.append(_jsonl_item(source, number, line, need_label))
            except InputError as exc:
                if on_error is None:
                    raise
                on_error(exc)
    return items


def read_csv(path: str | os.PathLike, need_label: bool = False, on_error=None) -> list[Item]:
    """A CSV file with a header naming ``text`` (required), ``label``, ``title`` (optional)."""
    return parse_csv(_read_text_file(path), os.fspath(path), need_label, on_error)


def parse_csv(content: str, source: str = "<text>", need_label: bool = False, on_error=None) -> list[Item]:
    path = source
    reader = csv.DictReader(io.StringIO(content, newline=""))
    try:
        fields = [f.strip() for f in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise InputError(path, 1, f"not valid CSV ({exc})") from None
    if "text" not in fields:
        raise InputError(path, 1, f"the header needs a 'text' column; found {fields or 'no header'}")
    if need_label and "label" not in fields:
        raise InputError(path, 1, f"the header needs a 'label' column; found {fields}")
    reader.fieldnames = fields
    items = []
    try:
        for record in reader:
            try:
                if None in record:
                    raise InputError(path, reader.line_num, "more cells than header columns")
                items.append(_make_item(path, reader.line_num, record, need_label))
            except InputError as exc:
                if on_error is None:
                    raise
                on_error(exc)
    except csv.Error as exc:
        raise InputError(path, reader.line_num, f"not valid CSV ({exc})") from None
    return items


def read_text(path: str | os.PathLike, one_per_line: bool = False) -> list[Item]:
    """Plain text: items separated by blank lines (or one item a line)."""
    return read_items(path, "lines" if one_per_line else "text")


def split_plain(text: str, source: str = "", one_per_line: bool = False) -> list[Item]:
    items, block, start = [], [], 0
    for number, line in enumerate(text.split("\n") + [""], start=1):
        if one_per_line:
            if line.strip():
                items.append(Item(text=line.strip(), source=source, line=number))
            continue
        if line.strip():
            if not block:
                start = number
            block.append(line.strip())
        elif block:
            items.append(Item(text="\n".join(block), source=source, line=start))
            block = []
    return items


def parse_items(content: str, format: str, source: str = "<text>", need_label: bool = False, on_error=None) -> list[Item]:
    """Items of ``content`` read as ``format`` (digest, page, jsonl, csv, text, lines; or auto: a digest when
    section headings stand alone on two or more lines, else a newspaper page when bylines start lines, else text).

    ``on_error``: ``None`` raises the first :class:`InputError`; a callable gets each bad line's error and
    the line is skipped (JSONL and CSV).
    """
    if format == "auto":
        format = "digest" if looks_like_digest(content) else "page" if looks_like_page(content) else "text"
    if format == "page":
        return parse_page(content, source)
    if format == "jsonl":
        return parse_jsonl(content, source, need_label, on_error)
    if format == "csv":
        return parse_csv(content, source, need_label, on_error)
    if format == "digest":
        items = parse_digest(content, source)
        if not items:
            raise InputError(source, None, "no digest items found (expected section headings such as 思想引领)")
        return items
    if format in ("text", "lines"):
        if need_label:
            raise InputError(source, None, "plain text has no labels; use JSONL, CSV or a sectioned digest")
        return split_plain(content, source, one_per_line=format == "lines")
    raise ValueError(f"unknown format {format!r}; use auto, digest, page, jsonl, csv, text or lines")


def iter_items(path: str | os.PathLike, format: str = "auto", need_label: bool = False, on_error=None):
    """Like :func:`read_items`, but JSONL and one-item-a-line files are read as they are consumed, so that
    a file of any size can be streamed; other formats are read whole."""
    path = os.fspath(path)
    lower = path.lower()
    if format == "auto" and lower.endswith((".jsonl", ".json", ".ndjson")):
        format = "jsonl"
    if format not in ("jsonl", "lines"):
        yield from read_items(path, format, need_label, on_error)
        return
    if os.path.isdir(path):
        raise InputError(path, None, "is a directory, not a file")
    try:
        fh = open(path, encoding="utf-8-sig", newline=None)
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file") from None
    with fh:
        number = 0
        while True:
            try:
                line = fh.readline()
            except UnicodeDecodeError:
                raise InputError(path, number + 1, "not UTF-8 text; save the file as UTF-8 (with or without BOM)") from None
            if not line:
                return
            number += 1
            line = line.rstrip("\n")
            if not line.strip():
                continue
            if format == "lines":
                yield Item(text=line.strip(), source=path, line=number)
                continue
            try:
                yield _jsonl_item(path, number, line, need_label)
            except InputError as exc:
                if on_error is None:
                    raise
                on_error(exc)


def read_items(path: str | os.PathLike, format: str = "auto", need_label: bool = False, on_error=None) -> list[Item]:
    """Read items from a digest, JSONL, CSV or text file.

    ``format="auto"`` goes by the ending: ``.jsonl``/``.json`` -> JSONL, ``.csv`` -> CSV; any other file is a
    digest when two or more section headings stand alone on a line, a newspaper page (split into stories)
    when bylines such as 本报讯 or 本报记者 start lines, plain text otherwise.
    """
    path = os.fspath(path)
    if format == "auto":
        lower = path.lower()
        if lower.endswith((".jsonl", ".json", ".ndjson")):
            format = "jsonl"
        elif lower.endswith(".csv"):
            format = "csv"
    return parse_items(_read_text_file(path), format, path, need_label, on_error)
