"""The bundled model, loaded once on first use and shared (thread-safe)."""

from __future__ import annotations

import threading

from .model import Model
from .model_file import load_model_file
from .paths import bundled_model_path
from .tokenize import resolve_backend

__all__ = ["bundled_model", "load_model"]

_model: Model | None = None
_lock = threading.Lock()


def load_model(path=None, *, tokenizer: str = "auto") -> Model:
    """A model file (the bundled one when ``path`` is None); see :func:`labor_topics.load_model`."""
    return load_model_file(bundled_model_path() if path is None else path, tokenizer=resolve_backend(tokenizer))


def bundled_model() -> Model:
    """The bundled model with the ``auto`` tokenizer, loaded on the first call."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = load_model()
    return _model
