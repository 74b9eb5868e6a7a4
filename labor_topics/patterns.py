"""The patterns of newspaper and WeChat text: bylines, datelines, credits, continuation marks, furniture.

One home for every pattern that normalisation, the readers, the page splitter and the digest share, so that a
rule is written once. Each pattern runs in time linear in its input: no ``\\s`` run that can cross a line break
at a line start, no two adjacent runs that can trade characters, every free run bounded
(``tests/test_patterns.py`` times them on adversarial inputs of growing size).
"""

from __future__ import annotations

import re

__all__ = [
    "NEWSPAPER_DATELINE", "DATELINE_LINE", "STAFF_BYLINE_LINE", "PAGE_MARKER", "CONTINUED_FROM_MARK",
    "CONTINUED_TO_MARK", "CONTINUED_FROM", "CONTINUED_TO_TAIL", "CREDIT_TAIL", "BYLINE_PATTERNS", "BYLINE_HEAD",
    "BYLINE_LINE", "strip_credit",
]

# Spaces and tabs within a line ("\s" without the line break).
_SP = r"[^\S\n]"

#: A newspaper's own dateline word: 本报讯, 本报北京7月5日电, 新华社北京电 …
NEWSPAPER_DATELINE = r"(?:本报讯|本报\S{0,16}电|新华社\S{0,16}电)"

#: A line (of a page) that starts with a dateline.
DATELINE_LINE = re.compile(rf"^(?:{NEWSPAPER_DATELINE}|据新华社)")

#: A line that starts with a staff byline: 本报记者 …, 本报通讯员 …, 本报特约记者 …
STAFF_BYLINE_LINE = re.compile(r"^本报(?:特约|见习)?(?:记者|通讯员)")

#: A line of a text that starts a newspaper story (what makes a text a page to split into stories).
PAGE_MARKER = re.compile(rf"^{_SP}*(?:本报讯|本报\S{{0,16}}电|本报(?:特约|见习)?(?:记者|通讯员))", re.MULTILINE)

#: （上接第1版） / （下转第2版）: a story continued from or on another page.
CONTINUED_FROM_MARK = r"[(（]\s{0,3}上接第\s{0,3}\d{1,3}\s{0,3}版\s{0,3}[)）]"
CONTINUED_TO_MARK = r"[(（]\s{0,3}下转第\s{0,3}\d{1,3}\s{0,3}版\s{0,3}[)）]"

#: （上接第1版） at the start of a line.
CONTINUED_FROM = re.compile(rf"^{CONTINUED_FROM_MARK}")

#: （下转第2版） at the end of a line.
CONTINUED_TO_TAIL = re.compile(rf"{CONTINUED_TO_MARK}\s{{0,8}}$")

#: A photo credit at the end of a line: … 摄, … 摄）
CREDIT_TAIL = re.compile(r"摄\s{0,3}[)）]?$")

# After NFKC, full-width brackets and colons are ASCII: "（" -> "(", "：" -> ":".
# Each pattern comes with words of which it needs one: a text with none of them skips the pattern (a
# substring test is much cheaper than a regular-expression search, and most texts have no byline).
#: (trigger words, pattern) pairs that normalisation removes, in order.
BYLINE_PATTERNS: tuple[tuple[tuple[str, ...], re.Pattern], ...] = (
    # 本报讯(记者 张三 通讯员 李四) / 本报北京7月5日电(记者 …) / 新华社北京电(…), at the start of the text
    (("讯", "电"),
     re.compile(rf"^\s*(?:本报|本刊|新华社|中新社|人民网|工人日报)[^\n()]{{0,20}}(?:讯|电){_SP}*(?:\([^()\n]{{0,60}}\))?{_SP}*")),
    # a bracketed byline anywhere: (记者 … 通讯员 …)
    (("记者", "通讯员"), re.compile(r"\((?:[^()\n]{0,10})?(?:记者|通讯员|特约记者|见习记者)[^()\n]{0,50}\)")),
    # whole furniture lines: 来源: … / 编辑: … / 责任编辑 | …
    ((":", "|", "丨"), re.compile(
        rf"^{_SP}*(?:来源|编辑|责任编辑|责编|审核|审校|校对|初审|复审|终审|排版|作者|撰稿|供稿|通讯员|记者|文|图|摄影|图片来源|文字|监制|主编|出品)"
        rf"{_SP}*[:|丨][^\n]*$",
        re.MULTILINE,
    )),
    # a photo credit line: 张三 摄 / (记者 张三 摄)
    (("摄",), re.compile(rf"^[^\n]{{0,30}}{_SP}摄\)?{_SP}*$", re.MULTILINE)),
    # WeChat furniture
    (("点击", "关注", "长按", "阅读原文", "点亮", "分享、点赞、在看", "戳这里", "喜欢就点个赞吧"), re.compile(
        r"(?:点击(?:上方)?蓝字关注[^\n]{0,20}|关注我们|长按(?:识别)?二维码[^\n]{0,20}|点击(?:左下角)?阅读原文[^\n]{0,20}"
        r"|阅读原文|点亮[\"“]?在看[\"”]?|分享、点赞、在看|戳这里[^\n]{0,10}|喜欢就点个赞吧)"
    )),
)

#: A dateline (with its bracketed byline) or a continuation mark at the start of a body line, for the digest.
BYLINE_HEAD = re.compile(
    rf"^(?:{NEWSPAPER_DATELINE}{_SP}{{0,3}}(?:[(（][^()（）\n]{{0,60}}[)）])?|{CONTINUED_FROM_MARK}){_SP}*")

#: A whole line that is a staff byline, a photo credit or a continuation mark (no body text), for the digest.
BYLINE_LINE = re.compile(
    rf"^(?:本报(?:特约|见习)?(?:记者|通讯员)[^。\n]{{0,40}}|[^\n]{{0,40}}{_SP}摄{_SP}{{0,3}}[)）]?|{CONTINUED_FROM_MARK})$")


def strip_credit(line: str) -> str:
    """``line`` without a photo credit at its end: `` 张三 摄``, `` 记者 张三 摄``, `` 本报记者 张三 摄）``.

    The credit is a run of spaces followed by at most two words of at most 14 characters each, then ``摄``
    (and maybe a closing bracket); the longest such tail is removed. Written as a scan from the end, since the
    pattern ``\\s+\\S{0,12}\\s*\\S{0,12}\\s*摄`` backtracks in cubic time on long runs of spaces.
    """
    core = line.rstrip()
    if core.endswith((")", "）")):
        core = core[:-1].rstrip()
    if not core.endswith("摄"):
        return line
    head = core[:-1]
    cut, words, i = None, 0, len(head)
    while True:
        j = i
        while j > 0 and head[j - 1].isspace():
            j -= 1
        if j < i:
            cut = j  # the credit may start with this run of spaces
        if words == 2 or j == 0:
            break
        k = j
        while k > 0 and not head[k - 1].isspace() and j - k <= 14:
            k -= 1
        if j - k > 14:
            break
        words, i = words + 1, k
    return line if cut is None else head[:cut]
