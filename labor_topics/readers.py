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

from .articles import looks_like_article, parse_article
from .errors import InputError
from .items import Item
from .labels import DIGEST_HEADINGS, LABELS, NONE_LABEL
from .pages import split_page
from .patterns import PAGE_MARKER

__all__ = ["Item", "InputError", "read_items", "iter_items", "parse_items", "parse_digest", "detect_format",
           "FORMATS", "MAX_INPUT_BYTES", "MAX_LINE_BYTES", "STDIN"]

#: The formats ``format=`` takes (``auto`` detects one of the others).
FORMATS = ("auto", "digest", "page", "article", "jsonl", "csv", "xlsx", "docx", "html", "text", "lines")
#: Formats read from the file's bytes, by the office module (the ``office`` extra).
BINARY_FORMATS = ("xlsx", "docx", "html")
#: In a folder, files with these endings are read (text files as one article each).
FOLDER_ENDINGS = (".txt", ".md", ".html", ".htm", ".docx", ".xlsx", ".csv", ".jsonl", ".json")
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


def decode(data: bytes, source: str, first_line: int = 1, encoding: str | None = None, guess: bool = False) -> str:
    """Text with every line ending made ``\\n``: ``encoding`` when given, else UTF-8 (a BOM is dropped), else
    (``guess``: a whole file) GB18030, the superset of GBK that Chinese Excel and Notepad save. An
    :class:`InputError` names the line of the first byte that cannot be read."""
    codec = encoding or ("utf-8-sig" if first_line == 1 else "utf-8")
    try:
        text = data.decode(codec)
    except LookupError:
        raise InputError(source, None, f"unknown encoding {encoding!r}; try utf-8 or gb18030") from None
    except UnicodeDecodeError as exc:
        if encoding is None and guess:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                pass
            else:
                return text.replace("\r\n", "\n").replace("\r", "\n")
        line = first_line + data[: exc.start].count(b"\n")
        hint = f"not {encoding} text" if encoding else (
            "neither UTF-8 nor GB18030/GBK text; give its encoding with --encoding" if guess else _UTF8_HINT)
        raise InputError(source, line, hint) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_whole(fh: BinaryIO, source: str) -> bytes:
    data = fh.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(source, None, f"more than {MAX_INPUT_BYTES // (1024 * 1024)} MiB; split the file, or give "
                                       "JSONL, which is read line by line")
    return data


def _lines(fh: BinaryIO, source: str, pending: list[bytes] = (), encoding: str | None = None) -> Iterator[tuple[int, str]]:
    """(line number, decoded line without its ending) for each line, each read with a length limit."""
    number = 0
    for raw in chain(pending, iter(lambda: fh.readline(MAX_LINE_BYTES + 1), b"")):
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise InputError(source, number, f"a line longer than {MAX_LINE_BYTES // (1024 * 1024)} MiB")
        yield number, decode(raw, source, number, encoding).rstrip("\n")


# ---------------------------------------------------------------- format detection


_ENDINGS = {".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
            ".docx": "docx", ".html": "html", ".htm": "html"}


def format_by_name(name: str) -> str | None:
    """The format a file ending names: ``.jsonl``/``.json``/``.ndjson`` -> jsonl, ``.csv`` -> csv, ``.xlsx`` ->
    xlsx, ``.docx`` -> docx, ``.html``/``.htm`` -> html; else None."""
    lower = name.lower()
    return next((fmt for ending, fmt in _ENDINGS.items() if lower.endswith(ending)), None)


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
    if looks_like_article(content):
        return "article"
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


#: The names a field may have in a JSONL record or in a table's header row (English or Chinese); the first one
#: present is used. ``--columns title=…,text=…`` (``columns=``) names them instead.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "text": ("text", "内容", "正文"),
    "title": ("title", "标题", "题目"),
    "label": ("label", "栏目", "分类", "section"),
    "id": ("id", "编号"),
    "source_url": ("source_url", "url", "链接"),
    "weight": ("weight", "权重"),
}


def parse_columns(spec: str | dict | None) -> dict[str, str]:
    """``"title=标题,text=正文"`` (or a dict) -> {field: column name}; fields are those of :data:`FIELD_NAMES`."""
    if not spec:
        return {}
    if isinstance(spec, dict):
        pairs = list(spec.items())
    else:
        pairs = []
        for part in spec.split(","):
            field, sep, name = part.partition("=")
            if not sep or not field.strip() or not name.strip():
                raise ValueError(f"--columns takes FIELD=COLUMN pairs separated by commas, got {part!r}")
            pairs.append((field.strip(), name.strip()))
    unknown = [f for f, _ in pairs if f not in FIELD_NAMES]
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r} in --columns; the fields are {', '.join(FIELD_NAMES)}")
    return dict(pairs)


def _field_keys(keys, columns: dict[str, str], source: str, line: int) -> dict[str, str]:
    """{field: key} for the keys a record or header has: the column named in ``columns``, else the first of the
    field's names that is present."""
    found = {}
    for field, names in FIELD_NAMES.items():
        if field in columns:
            if columns[field] not in keys:
                raise InputError(source, line, f"no column {columns[field]!r} (given for {field}); found {list(keys)[:20]}")
            found[field] = columns[field]
            continue
        key = next((name for name in names if name in keys), None)
        if key is not None:
            found[field] = key
    return found


def _make_item(path: str, line: int, record: dict, need_label: bool, columns: dict[str, str] | None = None,
               fields: tuple = ()) -> Item:
    keys = _field_keys(record.keys(), columns or {}, path, line)
    if "text" not in keys:
        raise InputError(path, line, f"no text field: found {', '.join(map(str, list(record)[:20])) or 'nothing'}; a record "
                                     f"needs one of {', '.join(FIELD_NAMES['text'])} (or name it: --columns text=FIELD)")
    record = {field: record[key] for field, key in keys.items()}
    text = record.get("text")
    title = record.get("title") or ""
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
                weight=_check_weight(path, line, record.get("weight")), fields=fields)


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


def _jsonl_item(source: str, number: int, line: str, need_label: bool, columns: dict | None = None) -> Item:
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
    return _make_item(source, number, record, need_label, columns)


def _guarded(make: Callable[[], Item], on_error) -> Item | None:
    """``make()``, or None after passing its :class:`InputError` to ``on_error`` (raised when there is none)."""
    try:
        return make()
    except InputError as exc:
        if on_error is None:
            raise
        on_error(exc)
        return None


def _iter_jsonl(lines, source: str, need_label: bool, on_error, columns: dict | None = None) -> Iterator[Item]:
    for number, line in lines:
        if line.strip():
            item = _guarded(lambda: _jsonl_item(source, number, line, need_label, columns), on_error)
            if item is not None:
                yield item


def parse_jsonl(content: str, source: str = "<text>", need_label: bool = False, on_error=None,
                columns: dict | None = None) -> list[Item]:
    """One JSON object a line with ``text`` (or ``内容``/``正文``), optional ``title``, ``label``, ``source_url``,
    ``id``, ``weight`` (see :data:`FIELD_NAMES`). A record without a text field is an error, never classified
    on its title alone."""
    return list(_iter_jsonl(enumerate(content.split("\n"), start=1), source, need_label, on_error, columns))


@contextlib.contextmanager
def _csv_field_limit(limit: int):
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, limit))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def parse_csv(content: str, source: str = "<text>", need_label: bool = False, on_error=None,
              columns: dict | None = None) -> list[Item]:
    """A CSV file with a header row naming the text column (``text``, ``内容`` or ``正文``; see
    :data:`FIELD_NAMES`) and optionally the title, label and others. Every column is kept with the item
    (``Item.fields``), so that output can repeat them.

    A cell may span lines (in quotes) and hold up to :data:`MAX_CSV_FIELD` characters; a quote left open, a
    column named twice or a row with more cells than the header is an error."""
    with _csv_field_limit(MAX_CSV_FIELD):
        reader = csv.reader(io.StringIO(content, newline=""), strict=True)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise InputError(source, 1, f"not valid CSV ({exc})") from None

        def rows():
            start = reader.line_num + 1
            try:
                for row in reader:
                    line, start = start, reader.line_num + 1
                    yield line, row
            except csv.Error as exc:
                raise InputError(source, start, f"not valid CSV ({exc}); is a quote left open?") from None

        return table_items(header or [], rows(), source, need_label, on_error, columns)


def table_items(header, rows, source: str, need_label: bool = False, on_error=None,
                columns: dict | None = None) -> list[Item]:
    """Items of a table (CSV or a spreadsheet): ``header`` is the first row, ``rows`` yields (line, cells)."""
    names = [str(cell).strip() if cell is not None else "" for cell in header]
    twice = sorted({n for n in names if n and names.count(n) > 1})
    if twice:
        raise InputError(source, 1, f"the header names {', '.join(twice)} more than once")
    keys = _field_keys([n for n in names if n], columns or {}, source, 1)
    if "text" not in keys:
        raise InputError(source, 1, f"no text column: found {[n for n in names if n][:20] or 'no header'}; the header "
                                    f"needs one of {', '.join(FIELD_NAMES['text'])} (or name it: --columns text=COLUMN)")
    if need_label and "label" not in keys:
        raise InputError(source, 1, f"no label column: found {[n for n in names if n][:20]}; the header needs one of "
                                    f"{', '.join(FIELD_NAMES['label'])}")
    items = []
    for line, row in rows:
        cells = ["" if cell is None else str(cell) for cell in row]
        if not any(cell.strip() for cell in cells):
            continue

        def make(cells=cells, line=line):
            if len(cells) > len(names) and any(c.strip() for c in cells[len(names):]):
                raise InputError(source, line, "more cells than header columns")
            record = dict(zip(names, cells))
            if not str(record.get(keys["text"], "")).strip() and not str(record.get(keys.get("title", ""), "")).strip():
                raise InputError(source, line, f"blank {keys['text']} cell in row {line}")
            return _make_item(source, line, record, need_label, columns,
                              fields=tuple(zip(names, cells + [""] * (len(names) - len(cells)))))

        item = _guarded(make, on_error)
        if item is not None:
            items.append(item)
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
                on_error=None, columns: dict | None = None) -> list[Item]:
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
    if format in BINARY_FORMATS:
        raise ValueError(f"{format} is read from a file's bytes: use read_items")
    if format == "page":
        return parse_page(content, source)
    if format == "jsonl":
        return parse_jsonl(content, source, need_label, on_error, columns)
    if format == "csv":
        return parse_csv(content, source, need_label, on_error, columns)
    if format == "article":
        return parse_article(content, source)
    if format == "digest":
        items = parse_digest(content, source)
        if not items:
            raise InputError(source, None, "no digest items found (expected section headings such as 思想引领)")
        return items
    if need_label:
        raise InputError(source, None, "plain text has no labels; use JSONL, CSV or a sectioned digest")
    return split_plain(content, source, one_per_line=format == "lines")


def iter_items(path, format: str = "auto", need_label: bool = False, on_error=None, *, columns=None,
               encoding: str | None = None) -> Iterator[Item]:
    """The items of a file (``"-"``: standard input; a folder: each of its files, text files as one article each)
    as they are read: JSONL and one-item-a-line input streams, so an input of any length can be classified;
    other formats are read whole first.

    Raises ``FileNotFoundError`` for a missing file, :class:`InputError` for anything wrong in it (naming
    the line), ``ValueError`` for an unknown ``format`` or ``columns``.
    """
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; use {', '.join(FORMATS)}")
    columns = parse_columns(columns)
    source = _source_name(path)
    if path != STDIN and os.path.isdir(source):
        yield from _folder_items(source, format, need_label, on_error, columns, encoding)
        return
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
                first = decode(raw[:MAX_LINE_BYTES], source, len(pending), encoding) if raw.strip() else ""
                format = "jsonl" if _is_json_object(first) else "auto"
        if format in ("jsonl", "lines"):
            lines = _lines(fh, source, pending, encoding)
            if format == "jsonl":
                yield from _iter_jsonl(lines, source, need_label, on_error, columns)
            else:
                for number, line in lines:
                    if line.strip():
                        yield Item(text=line.strip(), source=source, line=number)
            return
        data = b"".join(pending) + _read_whole(fh, source)
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(source, None, f"more than {MAX_INPUT_BYTES // (1024 * 1024)} MiB")
    if format in BINARY_FORMATS:
        yield from _binary_items(data, format, source, need_label, on_error, columns)
        return
    yield from parse_items(decode(data, source, encoding=encoding, guess=True), format, source, need_label, on_error,
                           columns)


def _binary_items(data: bytes, format: str, source: str, need_label: bool, on_error, columns) -> list[Item]:
    """Items of an Excel sheet (a table), a Word file (a digest when it has section headings, else an article) or a
    saved web page (an article), read by :mod:`labor_topics.office`."""
    from . import office

    if format == "xlsx":
        header, rows = office.xlsx_table(data, source)
        return table_items(header, rows, source, need_label, on_error, columns)
    if format == "docx":
        text, title = office.docx_text(data, source)
        if looks_like_digest(text):
            return parse_digest(text, source)
        return parse_article(text, source, title=title)
    text, title = office.html_text(data, source)
    return parse_article(text, source, title=title)


def _folder_items(folder: str, format: str, need_label: bool, on_error, columns, encoding) -> Iterator[Item]:
    """The items of every file of a folder with a known ending, in name order; a text file is one article."""
    names = sorted(n for n in os.listdir(folder) if n.lower().endswith(FOLDER_ENDINGS) and not n.startswith("."))
    if not names:
        raise InputError(folder, None, f"a folder with no files to read (endings: {', '.join(FOLDER_ENDINGS)})")
    for name in names:
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            continue
        fmt = format if format != "auto" else (format_by_name(name) or "article")
        yield from iter_items(path, fmt, need_label, on_error, columns=columns, encoding=encoding)


def read_items(path, format: str = "auto", need_label: bool = False, on_error=None, *, columns=None,
               encoding: str | None = None) -> list[Item]:
    """Read the items of a digest, newspaper page, article, JSONL, CSV, Excel, Word, web-page or plain-text file
    (``"-"``: standard input; a folder: each of its files, a text file being one article).

    ``format="auto"`` goes by the ending (``.jsonl``/``.json``/``.ndjson`` -> JSONL, ``.csv`` -> CSV, ``.xlsx``,
    ``.docx``, ``.html``), else by the content (see :func:`detect_format`).

    Parameters
    ----------
    path : str or os.PathLike
    format : str
        One of :data:`FORMATS`.
    need_label : bool
        Every JSONL/CSV record must carry a label.
    on_error : callable or None
        Called with each bad JSONL/CSV record's :class:`InputError`, which is then skipped; ``None`` raises.
    columns : str or dict or None
        Which column or JSON field holds each field (``"title=标题,text=正文"``); by default the names of
        :data:`FIELD_NAMES`, in English or Chinese.
    encoding : str or None
        The text encoding; by default UTF-8, else GB18030 (GBK) for a whole file.

    Returns
    -------
    list of Item

    Raises
    ------
    FileNotFoundError, InputError, ValueError
    """
    return list(iter_items(path, format, need_label, on_error, columns=columns, encoding=encoding))
