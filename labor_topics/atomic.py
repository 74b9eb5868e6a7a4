"""Writing output files so that no reader, crash or signal ever sees half a file, and no input is destroyed.

:func:`atomic_writer` writes a temporary file in the target's folder and renames it over the target when
complete: a reader (or a crash, Ctrl-C or SIGTERM) sees the old file or the new one, never part of one, and on
failure the temporary file is removed. A target that is a symbolic link is written through: the file it points
to is replaced and the link stays. :func:`check_output_path` refuses, before anything is written, a target that
is a directory, a device, a pipe or a socket, or that is (or resolves to) one of the given input files.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from typing import Iterable

__all__ = ["atomic_writer", "atomic_write", "check_output_path", "OutputPathError"]


class OutputPathError(ValueError):
    """An output path that must not be written: the message says why and what to do."""


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def check_output_path(path: str | os.PathLike, inputs: Iterable[str | os.PathLike] = ()) -> str:
    """Return the real path that writing ``path`` would replace, or raise :class:`OutputPathError`.

    Raises
    ------
    OutputPathError
        ``path`` is empty, a directory, not a regular file (a device such as ``/dev/null``, a pipe, a socket),
        or the same file as one of ``inputs`` (an input file, the model).
    """
    path = os.fspath(path)
    if not path:
        raise OutputPathError("the output path is empty; give a file name")
    real = os.path.realpath(path)
    if os.path.isdir(real):
        raise OutputPathError(f"{path}: is a directory; give a file name")
    if os.path.lexists(real):
        mode = os.stat(real).st_mode if os.path.exists(real) else 0
        if mode and not stat.S_ISREG(mode):
            raise OutputPathError(f"{path}: is not a regular file (a device, pipe or socket); give a file name, or leave "
                                  "out --output to write to standard output")
    for source in inputs:
        source = os.fspath(source)
        if source and source != "-" and os.path.exists(source) and os.path.exists(real) and _same_file(real, source):
            raise OutputPathError(f"{path}: is also an input ({source}); writing there would destroy it. Give another "
                                  "output file")
    return real


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike, *, text: bool = False):
    """Open a temporary file beside ``path`` (beside the file it links to, for a symbolic link) for writing; on
    a clean exit, flush it to disk and rename it to the target.

    Raises :class:`OutputPathError` for a target that cannot be a file (see :func:`check_output_path`) and
    ``OSError`` when the folder cannot be written.
    """
    target = check_output_path(path)
    folder = os.path.dirname(target)
    os.makedirs(folder, exist_ok=True)
    mode = stat.S_IMODE(os.stat(target).st_mode) if os.path.exists(target) else 0o644
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix="-" + os.path.basename(target), dir=folder)
    try:
        with (os.fdopen(fd, "w", encoding="utf-8", newline="") if text else os.fdopen(fd, "wb")) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        _sync_folder(folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable (where the platform allows opening a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_writer`)."""
    with atomic_writer(path) as fh:
        fh.write(data)
