"""Reading labelled and unlabelled items: sectioned digests, newspaper pages, JSONL, CSV and plain text.

One path serves files and standard input (``-``): the file is opened by :func:`open_input` (a regular file or
a pipe; devices and folders are refused), its format found by :func:`detect_format` (the file ending, else
the content: a JSON object on the first line is JSONL, two section headings make a digest, bylines starting
lines make a newspaper page, anything else is plain text), its bytes decoded by :func:`decode` (UTF-8 with
or without BOM; ``\\r\\n`` and ``\\r`` end lines). JSONL and one-item-a-line input are read line by line as
they are consumed, each line at most :data:`MAX_LINE_BYTES`; other formats are read whole, at most
:data:`MAX_INPUT_BYTES`.

Every reader returns :class:`~labor_topics.items.Item` records. Errors raise :class:`InputError` (a
``ValueError``) whose message names the file and the line; with ``on_error``, a bad JSONL or CSV record is
passed to it and skipped instead.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import io
import json
import os
import re
import stat
import sys
from itertools import chain
from typing import BinaryIO, Callable, Iterator

from .errors import InputError
from .items import Item
from .labels import DIGEST_HEADINGS, LABELS, NONE_LABEL
from .pages import split_page
from .patterns import PAGE_MARKER

__all__ = ["Item", "InputError", "read_items", "iter_items", "parse_items", "parse_digest", "detect_format",
           "FORMATS", "MAX_INPUT_BYTES", "MAX_LINE_BYTES", "STDIN"]

#: The formats ``format=`` takes (``auto`` detects one of the others).
FORMATS = ("auto", "digest", "page", "jsonl", "csv", "text", "lines")
#: The most bytes of a file read whole (digests, pages, CSV, plain text).
MAX_INPUT_BYTES = 256 * 1024 * 1024
#: The longest line of a file read line by line (JSONL, one item a line).
MAX_LINE_BYTES = 16 * 1024 * 1024
#: The name that stands for standard input.
STDIN = "-"
#: Cells of a CSV file may hold a whole article (Python's csv module stops at 128 KiB by default).
MAX_CSV_FIELD = MAX_LINE_BYTES

_UTF8_HINT = "not UTF-8 text; save the file as UTF-8 (with or without BOM)"
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def _source_name(path) -> str:
    return "<stdin>" if path == STDIN else os.fsdecode(path) if isinstance(path, bytes) else os.fspath(path)


# ---------------------------------------------------------------- opening and decoding


@contextlib.contextmanager
def open_input(path) -> Iterator[BinaryIO]:
    """A binary file object for ``path`` (``"-"``: standard input), which must be a regular file or a pipe.

    Raises ``FileNotFoundError`` for a missing file and :class:`InputError` for a folder, a device or a file
    that cannot be opened.
    """
    if path == STDIN:
        yield sys.stdin.buffer
        return
    name = _source_name(path)
    try:
        mode = os.stat(name).st_mode
    except FileNotFoundError:
        raise FileNotFoundError(f"{name}: no such file") from None
    except OSError as exc:
        raise InputError(name, None, f"cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(mode):
        raise InputError(name, None, "is a directory, not a file")
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
        raise InputError(name, None, "is not a regular file (a device or socket); give a file of items")
    try:
        fh = open(name, "rb")
    except OSError as exc:
        raise InputError(name, None, f"cannot be read ({exc.strerror or exc})") from None
    with fh:
        yield fh


def decode(data: bytes, source: str, first_line: int = 1) -> str:
    """UTF-8 (a BOM is dropped) with every line ending made ``\\n``; :class:`InputError` names the line of a
    byte that is not UTF-8."""
    try:
        text = data.decode("utf-8-sig" if first_line == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        line = first_line + data[: exc.start].count(b"\n")
        raise InputError(source, line, _UTF8_HINT) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_whole(fh: BinaryIO, source: str) -> bytes:
    data = fh.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(source, None, f"more than {MAX_INPUT_BYTES // (1024 * 1024)} MiB; split the file, or give "
                                       "JSONL, which is read line by line")
    return data


def _lines(fh: BinaryIO, source: str, pending: list[bytes] = ()) -> Iterator[tuple[int, str]]:
    """(line number, decoded line without its ending) for each line, each read with a length limit."""
    number = 0
    for raw in chain(pending, iter(lambda: fh.readline(MAX_LINE_BYTES + 1), b"")):
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise InputError(source, number, f"a line longer than {MAX_LINE_BYTES // (1024 * 1024)} MiB")
        yield number, decode(raw, source, number).rstrip("\n")


# ---------------------------------------------------------------- format detection


def format_by_name(name: str) -> str | None:
    """The format a file ending names: ``.jsonl``/``.json``/``.ndjson`` -> jsonl, ``.csv`` -> csv; else None."""
    lower = name.lower()
    if lower.endswith((".jsonl", ".json", ".ndjson")):
        return "jsonl"
    if lower.endswith(".csv"):
        return "csv"
    return None


def _is_json_object(line: str) -> bool:
    line = line.strip()
    if not line.startswith("{"):
        return False
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def detect_format(name: str, first_line: str, content: str | None = None) -> str:
    """The format of an input: by the ending of ``name``; else JSONL when the first non-blank line is a JSON
    object; else (given the whole ``content``) a digest when two or more section headings stand alone on a
    line, a newspaper page when bylines (本报讯, 本报记者 …) start lines, plain text otherwise. Without
    ``content`` the answer is ``"auto"`` (read the whole input, then ask again)."""
    by_name = format_by_name(name)
    if by_name:
        return by_name
    if _is_json_object(first_line):
        return "jsonl"
    if content is None:
        return "auto"
    if looks_like_digest(content):
        return "digest"
    if looks_like_page(content):
        return "page"
    return "text"


def looks_like_page(text: str) -> bool:
    """True when newspaper bylines (本报讯, 本报记者 …) start lines: a page to split into stories."""
    return bool(PAGE_MARKER.search(text))


def looks_like_digest(text: str) -> bool:
    """True when at least two distinct section headings stand alone on a line."""
    found = {line.strip() for line in text.split("\n")} & set(DIGEST_HEADINGS)
    return len(found) >= 2


# ---------------------------------------------------------------- digests and pages

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


def parse_page(text: str, source: str = "") -> list[Item]:
    """The stories of a newspaper page (see :func:`labor_topics.pages.split_page`), as items."""
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    items = []
    for story in split_page(text):
        line = bisect.bisect_right(line_starts, story.spans[0][0])
        items.append(Item(text=story.text, title=story.title, source=source, line=line))
    return items


# ---------------------------------------------------------------- JSONL / CSV / text


def _clean(value: str) -> str:
    """A string from JSON without lone surrogates (which no output encoding can write)."""
    return _SURROGATES.sub("\ufffd", value) if _SURROGATES.search(value) else value


def _check_label(path: str, line: int, label) -> str | None:
    if label is None or label == "":
        return None
    if not isinstance(label, str):
        raise InputError(path, line, f"label must be a string, got {type(label).__name__}")
    label = label.strip()
    if label not in LABELS and label != NONE_LABEL:
        raise InputError(path, line, f"unknown label {label[:40]!r}; expected one of {', '.join(LABELS)} or {NONE_LABEL}")
    return label


def _make_item(path: str, line: int, record: dict, need_label: bool) -> Item:
    text = record.get("text")
    title = record.get("title") or ""
    if text is None and not title:
        raise InputError(path, line, "missing field 'text'")
    if text is not None and not isinstance(text, str):
        raise InputError(path, line, f"'text' must be a string, got {type(text).__name__}")
    if not isinstance(title, str):
        raise InputError(path, line, f"'title' must be a string, got {type(title).__name__}")
    text = _clean((text or "").strip())
    title = _clean(title.strip())
    if not text and not title:
        raise InputError(path, line, "empty text")
    label = _check_label(path, line, record.get("label"))
    if need_label and label is None:
        raise InputError(path, line, "missing label")
    return Item(text=text, title=title, label=label, source_url=_clean(str(record.get("source_url") or "")),
                id=_clean(str(record.get("id") or "")), source=path, line=line,
                weight=_check_weight(path, line, record.get("weight")))


#: The largest weight an item may carry.
MAX_WEIGHT = 1000.0


def _check_weight(path: str, line: int, weight) -> float:
    """A record's ``weight``: absent or empty means 1; otherwise a number in (0, MAX_WEIGHT] (a CSV cell may
    hold it as text)."""
    if weight is None or weight == "":
        return 1.0
    if isinstance(weight, str):
        try:
            weight = float(weight)
        except ValueError:
            raise InputError(path, line, f"weight must be a number, got {weight[:20]!r}") from None
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= MAX_WEIGHT:
        raise InputError(path, line, f"weight must be a number in (0, {MAX_WEIGHT:g}], got {str(weight)[:20]}")
    return float(weight)


def _jsonl_item(source: str, number: int, line: str, need_label: bool) -> Item:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(source, number, f"not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise InputError(source, number, "JSON nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise InputError(source, number, f"not valid JSON ({str(exc)[:100]})") from None
    if not isinstance(record, dict):
        raise InputError(source, number, "expected a JSON object")
    return _make_item(source, number, record, need_label)


def _guarded(make: Callable[[], Item], on_error) -> Item | None:
    """``make()``, or None after passing its :class:`InputError` to ``on_error`` (raised when there is none)."""
    try:
        return make()
    except InputError as exc:
        if on_error is None:
            raise
        on_error(exc)
        return None


def _iter_jsonl(lines, source: str, need_label: bool, on_error) -> Iterator[Item]:
    for number, line in lines:
        if line.strip():
            item = _guarded(lambda: _jsonl_item(source, number, line, need_label), on_error)
            if item is not None:
                yield item


def parse_jsonl(content: str, source: str = "<text>", need_label: bool = False, on_error=None) -> list[Item]:
    """One JSON object a line with ``text``, optional ``title``, ``label``, ``source_url``, ``id``."""
    return list(_iter_jsonl(enumerate(content.split("\n"), start=1), source, need_label, on_error))


@contextlib.contextmanager
def _csv_field_limit(limit: int):
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, limit))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def parse_csv(content: str, source: str = "<text>", need_label: bool = False, on_error=None) -> list[Item]:
    """A CSV file with a header naming ``text`` (required), ``label``, ``title`` (optional).

    A cell may span lines (in quotes) and hold up to :data:`MAX_CSV_FIELD` characters; a quote left open, a
    column named twice or a row with more cells than the header is an error."""
    path = source
    with _csv_field_limit(MAX_CSV_FIELD):
        reader = csv.reader(io.StringIO(content, newline=""), strict=True)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise InputError(path, 1, f"not valid CSV ({exc})") from None
        fields = [f.strip() for f in (header or [])]
        if "text" not in fields:
            raise InputError(path, 1, f"the header needs a 'text' column; found {fields[:20] or 'no header'}")
        twice = sorted({f for f in fields if f and fields.count(f) > 1})
        if twice:
            raise InputError(path, 1, f"the header names {', '.join(twice)} more than once")
        if need_label and "label" not in fields:
            raise InputError(path, 1, f"the header needs a 'label' column; found {fields[:20]}")
        items = []
        start = reader.line_num + 1
        try:
            for row in reader:
                line, start = start, reader.line_num + 1
                if not any(cell.strip() for cell in row):
                    continue

                def make(row=row, line=line):
                    if len(row) > len(fields):
                        raise InputError(path, line, "more cells than header columns")
                    return _make_item(path, line, dict(zip(fields, row)), need_label)

                item = _guarded(make, on_error)
                if item is not None:
                    items.append(item)
        except csv.Error as exc:
            raise InputError(path, start, f"not valid CSV ({exc}); is a quote left open?") from None
    return items


def split_plain(text: str, source: str = "", one_per_line: bool = False) -> list[Item]:
    """Plain text: items separated by blank lines (``one_per_line``: one item a line)."""
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


def parse_items(content: str, format: str = "auto", source: str = "<text>", need_label: bool = False,
                on_error=None) -> list[Item]:
    """Items of ``content`` (a whole input, already decoded) read as ``format`` (see :data:`FORMATS`; ``auto``
    uses :func:`detect_format` on ``source`` and the content).

    ``on_error``: ``None`` raises the first :class:`InputError`; a callable gets each bad record's error and
    the record is skipped (JSONL and CSV).
    """
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; use {', '.join(FORMATS)}")
    if format == "auto":
        first = next((line for line in content.split("\n", 50)[:50] if line.strip()), "")
        format = detect_format(source, first, content)
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
    if need_label:
        raise InputError(source, None, "plain text has no labels; use JSONL, CSV or a sectioned digest")
    return split_plain(content, source, one_per_line=format == "lines")


def iter_items(path, format: str = "auto", need_label: bool = False, on_error=None) -> Iterator[Item]:
    """The items of a file (``"-"``: standard input) as they are read: JSONL and one-item-a-line input
    streams, so an input of any length can be classified; other formats are read whole first.

    Raises ``FileNotFoundError`` for a missing file, :class:`InputError` for anything wrong in it (naming
    the line), ``ValueError`` for an unknown ``format``.
    """
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; use {', '.join(FORMATS)}")
    source = _source_name(path)
    with open_input(path) as fh:
        pending: list[bytes] = []
        if format == "auto":
            format = format_by_name(source) if path != STDIN else None
            if format is None:  # look at the first non-blank line
                while True:
                    raw = fh.readline(MAX_LINE_BYTES + 1)
                    pending.append(raw)
                    if not raw or raw.strip() or len(raw) > MAX_LINE_BYTES:
                        break
                first = decode(raw[:MAX_LINE_BYTES], source, len(pending)) if raw.strip() else ""
                format = "jsonl" if _is_json_object(first) else "auto"
        if format in ("jsonl", "lines"):
            lines = _lines(fh, source, pending)
            if format == "jsonl":
                yield from _iter_jsonl(lines, source, need_label, on_error)
            else:
                for number, line in lines:
                    if line.strip():
                        yield Item(text=line.strip(), source=source, line=number)
            return
        data = b"".join(pending) + _read_whole(fh, source)
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(source, None, f"more than {MAX_INPUT_BYTES // (1024 * 1024)} MiB")
    yield from parse_items(decode(data, source), format, source, need_label, on_error)


def read_items(path, format: str = "auto", need_label: bool = False, on_error=None) -> list[Item]:
    """Read the items of a digest, newspaper page, JSONL, CSV or plain-text file (``"-"``: standard input).

    ``format="auto"`` goes by the ending (``.jsonl``/``.json``/``.ndjson`` -> JSONL, ``.csv`` -> CSV), else by
    the content (see :func:`detect_format`).

    Parameters
    ----------
    path : str or os.PathLike
    format : str
        One of :data:`FORMATS`.
    need_label : bool
        Every JSONL/CSV record must carry a label.
    on_error : callable or None
        Called with each bad JSONL/CSV record's :class:`InputError`, which is then skipped; ``None`` raises.

    Returns
    -------
    list of Item

    Raises
    ------
    FileNotFoundError, InputError, ValueError
    """
    return list(iter_items(path, format, need_label, on_error))
