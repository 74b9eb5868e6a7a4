"""Every pattern runs in time linear in its input (hostile-input review of fbe554d, D6, D10–D12): each is timed
on adversarial families of growing size, and the cost of 8x the input must stay well under 64x (quadratic):
below 24x, which leaves room for a noisy machine."""

import re
import time

import pytest

from labor_topics import patterns
from labor_topics.normalize import normalize
from labor_topics.pages import split_page
from labor_topics.readers import looks_like_page


def _seconds(function, text) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        function(text)
        best = min(best, time.perf_counter() - start)
    return best


GROWTH = 8
LIMIT = 24


def _growth(function, make, small: int) -> float:
    """Time at GROWTH times the size over time at the size (best of three each; times under 2 ms count as 2 ms,
    so that the jitter of a function that takes microseconds cannot look like growth)."""
    return max(_seconds(function, make(GROWTH * small)), 2e-3) / max(_seconds(function, make(small)), 2e-3)


FAMILIES = {
    "newlines then a colon": lambda n: "x" + "\n" * n + ":",
    "carriage returns then a bar": lambda n: "x" + "\r" * n + "|",
    "newlines then a full-width bar": lambda n: "\n" * n + "丨",
    "newline-space pairs then a colon": lambda n: "\n " * n + ":",
    "spaces then 摄x": lambda n: "工会为职工送清凉。" + " " * n + "摄x",
    "spaces then 摄": lambda n: "工会" + " " * n + "摄",
    "newlines then a line": lambda n: "\n" * n + "工会为职工送清凉",
    "lines of 来源 and spaces": lambda n: "来源 " * n + "\n",
    "tabs and brackets": lambda n: "(" + "\t" * n + "记者",
}

TARGETS = {
    "normalize": normalize,
    "every byline pattern": lambda text: [p.sub("", text) for _, p in patterns.BYLINE_PATTERNS],
    "page detection": looks_like_page,
    "digest credit": lambda text: [patterns.strip_credit(line) for line in text.split("\n")],
    "digest line patterns": lambda text: [(patterns.BYLINE_HEAD.sub("", line), patterns.BYLINE_LINE.match(line))
                                          for line in text.split("\n")],
}


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("target", TARGETS)
def test_patterns_take_linear_time_on_adversarial_inputs(family, target):
    ratio = _growth(TARGETS[target], FAMILIES[family], 5000)
    assert ratio < LIMIT, f"{target} on {family}: {GROWTH}x the input took {ratio:.1f}x the time"


def test_a_text_of_newlines_classifies_in_milliseconds(model):
    start = time.perf_counter()
    model.classify("x" + "\n" * 19998 + ":")
    assert time.perf_counter() - start < 1  # 13.8 s before


def test_split_page_is_linear_in_the_number_of_stories():
    story = "标题{k}\n本报讯 某市总工会第{k}次召开会议。会议要求各级工会做好服务。\n"
    make = lambda n: "".join(story.format(k=k) for k in range(n))  # noqa: E731
    assert len(split_page(make(50))) == 50
    ratio = _growth(split_page, make, 300)
    assert ratio < LIMIT, f"{GROWTH}x the stories took {ratio:.1f}x the time"


def test_strip_credit_removes_what_the_old_pattern_removed():
    old = re.compile(r"\s+\S{0,12}(?:记者|通讯员)?\s*\S{0,12}\s*摄\s*[)）]?$")
    for line in ["正文。 张三 摄", "正文。 记者 张三 摄", "正文。 本报记者 张三 摄）", "张三摄", " 摄", "正文。  张三   摄",
                 "正文 很长的一句话没有空格 记者 王五 摄", "工会为职工送清凉。(记者 王伟 摄)", "正文。 张三摄", "没有署名的正文。"]:
        assert patterns.strip_credit(line) == old.sub("", line), line
