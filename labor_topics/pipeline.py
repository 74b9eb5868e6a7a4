"""Raw text -> what the featuriser reads: check, cut to ``max_chars``, normalise, tokenise.

The one place where training, prediction, evaluation and the digest turn a raw text into an
:class:`~labor_topics.features.Analysis`, so that all of them read a text the same way.
"""

from __future__ import annotations

from typing import Iterable

from .features import Analysis
from .normalize import normalize
from .tokenize import get_tokenizer

__all__ = ["DEFAULT_MAX_CHARS", "check_text", "model_input", "analyse_texts", "headline_of", "headline_analyses"]

#: Only the first this-many characters of a text are read (a parameter of every model).
DEFAULT_MAX_CHARS = 20_000


def check_text(text) -> str:
    """Return ``text`` when it is a non-blank string.

    Raises
    ------
    TypeError
        ``text`` is not a ``str``.
    ValueError
        ``text`` is empty or whitespace only.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if not text or text.isspace():
        raise ValueError("text is empty or whitespace only; give the item's title and/or body")
    return text


def model_input(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The normalised form of the first ``max_chars`` characters of ``text``: what a model reads."""
    return normalize(text[:max_chars])


def analyse_texts(texts: Iterable[str], hmm: bool, max_chars: int = DEFAULT_MAX_CHARS,
                  tokenizer: str = "jieba") -> list[Analysis]:
    """Cut, normalise and tokenise each text (see :func:`model_input`)."""
    tokenizer = get_tokenizer(hmm, tokenizer)
    out = []
    for text in texts:
        normalised = model_input(text, max_chars)
        out.append(Analysis(tokenizer.cut(normalised), normalised.lower()))
    return out


#: A first line longer than this is a paragraph, not a headline.
HEADLINE_CHARS = 64


def headline_of(text: str) -> str | None:
    """The headline of an item given as title and body joined by a newline: its first non-blank line, when
    there are more lines and it has at most :data:`HEADLINE_CHARS` characters; None otherwise."""
    lines = [line for line in text.strip().split("\n") if line.strip()]
    return lines[0] if len(lines) > 1 and len(lines[0].strip()) <= HEADLINE_CHARS else None


def headline_analyses(texts: Iterable[str], hmm: bool, max_chars: int = DEFAULT_MAX_CHARS,
                      tokenizer: str = "jieba") -> list[Analysis | None]:
    """The analysis of each text's headline (see :func:`headline_of`), None where it has none."""
    heads = [headline_of(t) for t in texts]
    found = analyse_texts([h for h in heads if h is not None], hmm, max_chars, tokenizer)
    it = iter(found)
    return [None if h is None else next(it) for h in heads]
