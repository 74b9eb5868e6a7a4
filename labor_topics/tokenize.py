"""Normalised text -> tokens: jieba with the union-term dictionary, through a private tokenizer.

Two backends give the same tokens (identical on all 1,485 corpus texts with HMM off, the library's setting):

* ``jieba`` (default, always there): the library never touches jieba's global tokenizer, dictionary or log
  level; it builds its own ``jieba.Tokenizer`` on first use and adds the union terms of
  ``data/union_terms.txt`` to it;
* ``rjieba`` (the ``fast`` extra: jieba-rs, about 14 times faster): its own ``rjieba.Jieba`` instance with
  the same union terms and frequencies.

``"auto"`` picks rjieba when it is installed, jieba otherwise. Training always uses jieba, the reference.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from importlib import resources

__all__ = ["Tokenizer", "get_tokenizer", "feature_tokens", "fold_token", "resolve_backend", "union_terms",
           "union_terms_sha256",
           "Memo", "BACKENDS"]

_WORDLIKE = re.compile(r"\w")
_DIGITS = re.compile(r"\d")

BACKENDS = ("jieba", "rjieba")


def resolve_backend(name: str = "auto") -> str:
    """``"auto"`` -> ``"rjieba"`` when installed, else ``"jieba"``; an unavailable choice raises."""
    if name == "auto":
        try:
            import rjieba  # noqa: F401
        except ImportError:
            return "jieba"
        return "rjieba"
    if name not in BACKENDS:
        raise ValueError(f"unknown tokenizer {name!r}; choose auto, jieba or rjieba")
    if name == "rjieba":
        try:
            import rjieba  # noqa: F401
        except ImportError:
            raise ImportError('the rjieba tokenizer is not installed: pip install "labor-topics[fast]"') from None
    return name


def _union_terms_bytes() -> bytes:
    return resources.files("labor_topics").joinpath("data/union_terms.txt").read_bytes()


def union_terms() -> list[tuple[str, int]]:
    """The union dictionary: (word, frequency) pairs added to jieba's dictionary."""
    text = _union_terms_bytes().decode("utf-8")
    return [(parts[0], int(parts[1])) for parts in (line.split() for line in text.splitlines()) if parts]


def union_terms_sha256() -> str:
    """The sha256 of the union dictionary (``data/union_terms.txt``), which a model's tokens depend on."""
    return hashlib.sha256(_union_terms_bytes()).hexdigest()


class _QuietLoad(logging.Filter):
    """Drops the log records of one thread: jieba's "Building prefix dict …" lines while this thread loads our
    private tokenizer. jieba's logger, its level and its handlers are left as they are."""

    def __init__(self):
        super().__init__()
        self.thread = threading.get_ident()

    def filter(self, record: logging.LogRecord) -> bool:
        return record.thread != self.thread


class Tokenizer:
    """A private tokenizer (jieba or rjieba) with the union dictionary, loaded on first use."""

    def __init__(self, hmm: bool = False, backend: str = "jieba"):
        self.hmm = hmm
        self.backend = backend
        self._impl = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._impl is None:
                if self.backend == "rjieba":
                    import rjieba

                    impl = rjieba.Jieba()
                    for word, freq in union_terms():
                        impl.add_word(word, freq, None)
                    hmm = self.hmm
                    self._impl = lambda text: impl.cut(text, hmm)
                else:
                    import jieba

                    impl = jieba.Tokenizer()
                    quiet = _QuietLoad()
                    jieba.default_logger.addFilter(quiet)
                    try:
                        impl.initialize()
                    finally:
                        jieba.default_logger.removeFilter(quiet)
                    for word, freq in union_terms():
                        impl.add_word(word, freq)
                    hmm = self.hmm
                    self._impl = lambda text: impl.lcut(text, HMM=hmm)
        return self._impl

    def cut(self, text: str) -> list[str]:
        """The tokens of ``text`` (all of them, punctuation and spaces included)."""
        return (self._impl or self._load())(text)


_tokenizers: dict[tuple[bool, str], Tokenizer] = {}
_tokenizers_lock = threading.Lock()


def get_tokenizer(hmm: bool = False, backend: str = "jieba") -> Tokenizer:
    """The shared private tokenizer for the given HMM setting and backend (``auto`` allowed)."""
    key = (hmm, resolve_backend(backend))
    tok = _tokenizers.get(key)
    if tok is None:
        with _tokenizers_lock:
            tok = _tokenizers.setdefault(key, Tokenizer(*key))
    return tok


class Memo(dict):
    """``key -> compute(key)`` for string keys, computed on first sight and kept (all forgotten at once past
    ``limit`` keys). Keys longer than ``max_key_chars`` are computed every time and never kept, so that hostile
    text (long distinct tokens) cannot grow it past about ``limit * max_key_chars`` characters. A copy sent to
    another process starts empty."""

    def __init__(self, compute, limit: int = 500_000, max_key_chars: int = 64):
        super().__init__()
        self.compute = compute
        self.limit = limit
        self.max_key_chars = max_key_chars

    def __reduce__(self):
        return (type(self), (self.compute, self.limit, self.max_key_chars))

    def __missing__(self, key):
        value = self.compute(key)
        if len(key) <= self.max_key_chars:
            if len(self) >= self.limit:
                self.clear()
            self[key] = value
        return value


def _fold(token: str) -> str:
    return _DIGITS.sub("0", token.lower()) if _WORDLIKE.search(token) else ""


_FOLDED = Memo(_fold)  # token -> its feature form ("" when it carries no meaning)


def fold_token(token: str) -> str:
    """A token's feature form: lower-cased, digits folded to ``0``; ``""`` when it carries no meaning
    (punctuation, spaces)."""
    return _FOLDED[token]


def feature_tokens(tokens: list[str]) -> tuple[str, ...]:
    """Tokens that carry meaning: lower-cased, digits folded to ``0``, punctuation and spaces dropped."""
    return tuple(filter(None, map(_FOLDED.__getitem__, tokens)))
