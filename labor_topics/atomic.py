"""Atomic file writing: a temporary file in the target's folder, renamed over the target when complete.

A reader (or a crash, or Ctrl-C) sees the old file or the new one, never a part of one; on failure the
temporary file is removed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile

__all__ = ["atomic_writer", "atomic_write"]


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike, *, text: bool = False):
    """Open a temporary file beside ``path`` for writing; on a clean exit, rename it to ``path``."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path}: is a directory; give a file name")
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix="-" + os.path.basename(path), dir=folder)
    try:
        with (os.fdopen(fd, "w", encoding="utf-8", newline="") if text else os.fdopen(fd, "wb")) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write(path: str | os.PathLike, data: bytes) -> None:
    with atomic_writer(path) as fh:
        fh.write(data)
