"""Raw text -> normalised text: the first step of the data path.

Normalisation is the same for training and prediction:

1. Unicode NFKC (full-width letters, digits and punctuation become their ASCII forms), then zero-width,
   bidi and control characters and lone surrogates dropped (before OpenCC and jieba, which cannot take
   lone surrogates); ``\\r\\n`` and ``\\r`` become ``\\n``;
2. traditional characters -> simplified (OpenCC ``t2s``), since the corpus is simplified;
3. bylines and boilerplate removed (:data:`labor_topics.patterns.BYLINE_PATTERNS`): ``本报讯（记者 …）``,
   ``（记者 … 通讯员 …）``, lines such as ``来源：…``, ``编辑：…``, ``责任编辑 …``, ``审核：…``, photo
   credits ``… 摄``, and WeChat furniture (``点击蓝字关注``, ``长按二维码``, ``阅读原文`` …);
4. whitespace runs folded (line breaks kept as ``\\n``, blank lines dropped).

Every step takes time linear in the text. Callers that feed a model cut the text to the model's
``max_chars`` first (:func:`labor_topics.pipeline.model_input`).
"""

from __future__ import annotations

import re
import threading
import unicodedata

from .patterns import BYLINE_PATTERNS

__all__ = ["normalize", "to_simplified", "strip_bylines", "fold_whitespace"]

_converter = None
_converter_lock = threading.Lock()


def to_simplified(text: str) -> str:
    """Map traditional Chinese characters to simplified ones with OpenCC (``t2s``)."""
    global _converter
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                import opencc  # imported on first use: `import labor_topics` stays light

                _converter = opencc.OpenCC("t2s")
    return _converter.convert(text)


def strip_bylines(text: str) -> str:
    """Remove bylines, sources, credits and WeChat furniture (step 3 of the module doc)."""
    for needs, pattern in BYLINE_PATTERNS:
        for word in needs:
            if word in text:
                text = pattern.sub("", text)
                break
    return text


# zero-width, bidi and control characters, and lone surrogates (which OpenCC and jieba cannot take)
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def normalize(text: str) -> str:
    """Return the normalised form of ``text`` (see the module doc). Never raises on a ``str``."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return fold_whitespace(strip_bylines(to_simplified(text)))


def fold_whitespace(text: str) -> str:
    """Each run of whitespace within a line -> one space; lines stripped; blank lines dropped. The same as
    ``re.sub(r"\\s*\\n\\s*", "\\n", re.sub(r"[^\\S\\n]+", " ", text)).strip()``, in fewer passes."""
    return "\n".join(filter(None, (" ".join(line.split()) for line in text.split("\n"))))
