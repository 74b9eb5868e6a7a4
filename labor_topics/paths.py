"""Where the bundled model and the bundled training data live (in the wheel, or in a source checkout)."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent

#: The bundled model's file name, under ``models/``.
MODEL_NAME = "labor_topics.npz"

#: The bundled labelled data, relative to ``seeds/`` (the unsectioned pages 002-004 carry no labels).
TRAINING_FILES = ("000_5e0e8bdbf41ae710.txt", "001_2d6888657d96e65b.txt", "corpus/train.jsonl", "corpus/dev.jsonl")


def _first_dir(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[-1]


def models_dir() -> Path:
    """``labor_topics/models`` in an installed wheel, ``models/`` beside the package in a checkout."""
    return _first_dir(_PACKAGE / "models", _PACKAGE.parent / "models")


def seeds_dir() -> Path:
    return _first_dir(_PACKAGE / "seeds", _PACKAGE.parent / "seeds")


def bundled_model_path() -> str:
    return os.fspath(models_dir() / MODEL_NAME)


def bundled_training_files() -> list[str]:
    return [os.fspath(seeds_dir() / name) for name in TRAINING_FILES]
