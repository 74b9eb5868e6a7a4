"""Normalised text -> tokens: jieba with the union-term dictionary, through a private tokenizer.

The library never touches jieba's global tokenizer, dictionary or log level: it builds its own
``jieba.Tokenizer`` on first use and adds the union terms shipped in ``data/union_terms.txt`` to it.
"""

from __future__ import annotations

import re
import threading
from importlib import resources

__all__ = ["Tokenizer", "get_tokenizer", "feature_tokens"]

_WORDLIKE = re.compile(r"\w")
_DIGITS = re.compile(r"\d")


class Tokenizer:
    """A private jieba tokenizer with the union dictionary; loads jieba's dictionary on first use."""

    def __init__(self, hmm: bool = False):
        self.hmm = hmm
        self._jieba = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._jieba is None:
                import jieba

                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                terms = resources.files("labor_topics").joinpath("data/union_terms.txt").read_text("utf-8")
                for line in terms.splitlines():
                    parts = line.split()
                    if parts:
                        tokenizer.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None)
                self._jieba = tokenizer
        return self._jieba

    def cut(self, text: str) -> list[str]:
        """jieba's tokens for ``text`` (all of them, punctuation and spaces included)."""
        tokenizer = self._jieba or self._load()
        return tokenizer.lcut(text, HMM=self.hmm)


_tokenizers: dict[bool, Tokenizer] = {}
_tokenizers_lock = threading.Lock()


def get_tokenizer(hmm: bool = False) -> Tokenizer:
    """The shared private tokenizer for the given HMM setting."""
    tok = _tokenizers.get(hmm)
    if tok is None:
        with _tokenizers_lock:
            tok = _tokenizers.setdefault(hmm, Tokenizer(hmm))
    return tok


_FOLDED: dict[str, str] = {}  # token -> its feature form ("" when it carries no meaning); a bounded memo
_FOLDED_MAX = 500_000


def _fold(token: str) -> str:
    folded = _DIGITS.sub("0", token.lower()) if _WORDLIKE.search(token) else ""
    if len(_FOLDED) >= _FOLDED_MAX:
        _FOLDED.clear()
    _FOLDED[token] = folded
    return folded


def feature_tokens(tokens: list[str]) -> list[str]:
    """Tokens that carry meaning: lower-cased, digits folded to ``0``, punctuation and spaces dropped."""
    folded = list(map(_FOLDED.get, tokens))
    if None in folded:
        folded = [f if f is not None else _fold(t) for f, t in zip(folded, tokens)]
    return list(filter(None, folded))
