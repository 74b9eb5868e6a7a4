"""Files editors have: Excel sheets (.xlsx), Word files (.docx) and saved web pages (.html), read and written.

Needs the ``office`` extra (``pip install "labor-topics[office]"``: openpyxl, python-docx, trafilatura); each
function says so when it is missing. Nothing is ever fetched or run: a spreadsheet's formulas are read as
their saved values, a Word file's external links are never followed, a web page's scripts, frames and images
are dropped by the text extractor, which is given the page's bytes and never a URL.

.xlsx and .docx files are zip archives: before a library opens one, the sizes its members declare are checked
(at most :data:`MAX_UNZIPPED_BYTES` together, stored or deflated only), so a zip bomb is refused unread.
"""

from __future__ import annotations

import io
import zipfile

from .archives import unzip_problem
from .errors import InputError

__all__ = ["xlsx_table", "write_xlsx", "docx_text", "write_digest_docx", "html_text", "MAX_UNZIPPED_BYTES"]

#: The most an .xlsx or .docx file may hold once unzipped.
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
_MAX_MEMBERS = 10_000


def _need(module: str, package: str, source: str = "<output>"):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise InputError(source, None, f"reading and writing {package} files needs the office extra: "
                                       'pip install "labor-topics[office]"') from None


def _checked_zip(data: bytes, source: str, kind: str) -> None:
    """Refuse a file that is no zip, or whose members would inflate past the limit or use other compression."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise InputError(source, None, f"not {kind} file (not a zip archive), or it is damaged") from None
    if len(infos) > _MAX_MEMBERS:
        raise InputError(source, None, f"{len(infos)} parts: too many for {kind} file")
    problem = unzip_problem(infos, MAX_UNZIPPED_BYTES)
    if problem:
        raise InputError(source, None, problem)


# ------------------------------------------------------------------ Excel


def xlsx_table(data: bytes, source: str) -> tuple[list, list[tuple[int, list]]]:
    """The first sheet of an .xlsx file: its first row, and (row number, cells) for the others."""
    openpyxl = _need("openpyxl", "Excel (.xlsx)", source)
    _checked_zip(data, source, "an Excel (.xlsx)")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise InputError(source, None, f"not a readable Excel (.xlsx) file ({type(exc).__name__})") from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None) or ()
        return list(header), [(n, list(row)) for n, row in enumerate(rows, start=2)]
    finally:
        book.close()


def write_xlsx(fh, header: list[str], rows) -> None:
    """Write one sheet (a header row, then ``rows``) as .xlsx to the binary file ``fh``."""
    openpyxl = _need("openpyxl", "Excel (.xlsx)")
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("labor-topics")
    sheet.append(header)
    for row in rows:
        sheet.append([_safe_cell(v) for v in row])
    book.save(fh)


def _safe_cell(value):
    """A value as an .xlsx cell: text that starts like a formula is kept as text, never run by Excel."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


# ------------------------------------------------------------------ Word


def _docx_paragraphs(data: bytes, source: str) -> list[tuple[str, str]]:
    """(style name, text) of each paragraph of a .docx file."""
    docx = _need("docx", "Word (.docx)", source)
    _checked_zip(data, source, "a Word (.docx)")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise InputError(source, None, f"not a readable Word (.docx) file ({type(exc).__name__})") from None
    return [((p.style.name if p.style is not None else "") or "", p.text) for p in document.paragraphs]


def docx_text(data: bytes, source: str) -> tuple[str, str | None]:
    """The text of a Word file (a paragraph a line) and the text of its first heading-styled paragraph."""
    paragraphs = _docx_paragraphs(data, source)
    title = next((t.strip() for style, t in paragraphs if style.lower().startswith(("heading", "title")) and t.strip()), None)
    return "\n".join(t for _, t in paragraphs), title


def write_digest_docx(fh, digest) -> None:
    """A draft digest as a .docx file (opens in Word and WPS): its title, the five sections as headings with each
    item's headline and body, then 待定 with each item's two best sections."""
    docx = _need("docx", "Word (.docx)")
    from .labels import LABELS

    document = docx.Document()
    document.add_heading(digest.title, level=1)
    for label in LABELS:
        document.add_heading(label, level=2)
        entries = digest.sections.get(label, [])
        if not entries:
            document.add_paragraph("（本周暂无）")
        for e in entries:
            document.add_heading(e.title, level=3)
            if e.body:
                document.add_paragraph(e.body)
    if digest.pending:
        document.add_heading("待定", level=2)
        for e in digest.pending:
            document.add_heading(e.title, level=3)
            guesses = " / ".join(f"{label} {score:.2f}" for label, score in e.top[:2])
            document.add_paragraph(guesses).runs[0].italic = True
            if e.body:
                document.add_paragraph(e.body)
    document.save(fh)


# ------------------------------------------------------------------ web pages


def html_text(data: bytes, source: str) -> tuple[str, str | None]:
    """The main text and the title of a saved web page (a union site's story, a WeChat article saved from the
    browser), found by trafilatura from the page's bytes (never a URL: nothing is fetched); scripts, styles,
    frames and images are no text."""
    trafilatura = _need("trafilatura", "web page (.html)", source)
    try:
        found = trafilatura.bare_extraction(data, include_comments=False, include_tables=True, favor_recall=True,
                                            with_metadata=True, include_images=False, include_links=False)
    except Exception as exc:
        raise InputError(source, None, f"the page's text could not be extracted ({type(exc).__name__})") from None
    if found is None:
        return "", None
    record = found.as_dict() if hasattr(found, "as_dict") else dict(found)
    return record.get("text") or "", (record.get("title") or "").strip() or None
