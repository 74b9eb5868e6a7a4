"""The library's own exceptions (both are ``ValueError`` subclasses)."""

from __future__ import annotations

import os


class InputError(ValueError):
    """An input file could not be read; the message says which file, which line and why."""

    def __init__(self, path, line: int | None, reason: str):
        self.path, self.line, self.reason = os.fspath(path), line, reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


class ModelFileError(ValueError):
    """A model file is not a valid labor-topics model; the message names the file and the reason."""

    def __init__(self, path, reason: str):
        self.path, self.reason = os.fspath(path), reason
        super().__init__(f"{self.path}: {reason}")
