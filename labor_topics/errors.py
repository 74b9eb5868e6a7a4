"""The library's own exceptions (both are ``ValueError`` subclasses). Their messages name the file (and the
line) and say what was wrong, in at most :data:`MAX_REASON` characters."""

from __future__ import annotations

import os

__all__ = ["InputError", "ModelFileError", "MAX_REASON"]

#: Longer reasons are cut (a reason may quote the input).
MAX_REASON = 500


def _cap(reason: str) -> str:
    reason = str(reason)
    return reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 1] + "…"


def _name(path) -> str:
    return os.fsdecode(path) if isinstance(path, bytes) else os.fspath(path)


class InputError(ValueError):
    """An input file could not be read; the message says which file, which line and why."""

    def __init__(self, path, line: int | None, reason: str):
        self.path, self.line, self.reason = _name(path), line, _cap(reason)
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {self.reason}")


class ModelFileError(ValueError):
    """A model file is not a valid labor-topics model; the message names the file and the reason."""

    def __init__(self, path, reason: str):
        self.path, self.reason = _name(path), _cap(reason)
        super().__init__(f"{self.path}: {self.reason}")
