"""Raw text -> normalised text: the first step of the data path.

Normalisation is the same for training and prediction:

1. Unicode NFKC (full-width letters, digits and punctuation become their ASCII forms);
2. traditional characters -> simplified (OpenCC ``t2s``), since the corpus is simplified;
3. bylines and boilerplate removed: ``本报讯（记者 …）``, ``（记者 … 通讯员 …）``, lines such as
   ``来源：…``, ``编辑：…``, ``责任编辑 …``, ``审核：…``, photo credits ``… 摄``, and WeChat furniture
   (``点击蓝字关注``, ``长按二维码``, ``阅读原文`` …);
4. zero-width and control characters dropped, whitespace runs folded (line breaks kept as ``\\n``).
"""

from __future__ import annotations

import re
import threading
import unicodedata

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


# After NFKC, full-width brackets and colons are ASCII: "（" -> "(", "：" -> ":".
# Each pattern comes with words of which it needs one: a text with none of them skips the pattern (a
# substring test is much cheaper than a regular-expression search, and most texts have no byline).
_BYLINE_PATTERNS = [
    # 本报讯(记者 张三 通讯员 李四) / 本报北京7月5日电(记者 …) / 新华社北京电(…)
    (("讯", "电"),
     re.compile(r"^\s*(?:本报|本刊|新华社|中新社|人民网|工人日报)[^\n()]{0,20}(?:讯|电)\s*(?:\([^()\n]{0,60}\))?\s*")),
    # a bracketed byline anywhere: (记者 … 通讯员 …)
    (("记者", "通讯员"), re.compile(r"\((?:[^()\n]{0,10})?(?:记者|通讯员|特约记者|见习记者)[^()\n]{0,50}\)")),
    # whole furniture lines
    ((":", "|", "丨"), re.compile(
        r"^\s*(?:来源|编辑|责任编辑|责编|审核|审校|校对|初审|复审|终审|排版|作者|撰稿|供稿|通讯员|记者|文|图|摄影|图片来源|文字|监制|主编|出品)"
        r"\s*[:|丨]\s*[^\n]*$",
        re.MULTILINE,
    )),
    (("摄",), re.compile(r"^[^\n]{0,30}\s摄\)?\s*$", re.MULTILINE)),
    (("点击", "关注", "长按", "阅读原文", "点亮", "分享、点赞、在看", "戳这里", "喜欢就点个赞吧"), re.compile(
        r"(?:点击(?:上方)?蓝字关注[^\n]{0,20}|关注我们|长按(?:识别)?二维码[^\n]{0,20}|点击(?:左下角)?阅读原文[^\n]{0,20}"
        r"|阅读原文|点亮[\"“]?在看[\"”]?|分享、点赞、在看|戳这里[^\n]{0,10}|喜欢就点个赞吧)"
    )),
]


def strip_bylines(text: str) -> str:
    """Remove bylines, sources, credits and WeChat furniture (step 3 of the module doc)."""
    for needs, pattern in _BYLINE_PATTERNS:
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
