"""Zip archives read safely: model files, .xlsx and .docx are zips, and a zip can declare small members that
inflate to gigabytes. Before anything is inflated, :func:`unzip_problem` checks what the members declare."""

from __future__ import annotations

import zipfile

__all__ = ["unzip_problem"]


def unzip_problem(infos, limit: int) -> str | None:
    """Why the members ``infos`` (``ZipInfo`` objects) cannot be inflated safely, or None: each must be stored or
    deflated (the only methods whose output Python caps at the declared size), and together they may declare at
    most ``limit`` bytes."""
    total = 0
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return (f"member {info.filename[:60]} is compressed with method {info.compress_type}: stored or deflated "
                    "only (refused unread)")
        total += info.file_size
        if total > limit:
            return f"member {info.filename[:60]} takes what the members declare past {limit} bytes: too large (refused unread)"
    return None
