import re

from hypothesis import example, given, settings, strategies as st

from labor_topics.normalize import fold_whitespace, normalize, strip_bylines


def test_bylines_and_sources_are_removed():
    raw = "本报讯（记者 张三 通讯员 李四）近日，某市总工会举办劳模宣讲。\n\n来源：工人日报\n编辑：王五"
    assert normalize(raw) == "近日,某市总工会举办劳模宣讲。"


def test_dated_dispatch_byline_is_removed():
    assert normalize("本报北京7月5日电 (记者郑莉 朱欣)记者从会议上获悉") == "记者从会议上获悉"


def test_wechat_furniture_and_photo_credit_are_removed():
    assert normalize("点击蓝字关注我们\n环卫工人在驿站休息。\n张三 摄\n阅读原文") == "环卫工人在驿站休息。"


def test_traditional_becomes_simplified_and_fullwidth_becomes_ascii():
    assert normalize("工會為職工送清涼　ＡＢＣ１２３") == "工会为职工送清凉 ABC123"


def test_invisible_characters_and_lone_surrogates_are_dropped():
    assert normalize("工\u200b会\ud800\ufeff驿站\x07") == "工会驿站"


def test_whitespace_runs_fold_and_blank_lines_go():
    assert normalize("  工会 \t 驿站 \n\n \u3000\n 送清凉  \r\n\x85尾") == "工会 驿站\n送清凉\n尾"


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("工会 \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u2029\u3000a")), max_size=30))
def test_whitespace_folding_is_the_regex_definition(text):
    expected = re.sub(r"\s*\n\s*", "\n", re.sub(r"[^\S\n]+", " ", text)).strip()
    assert fold_whitespace(text) == expected


_BYLINE_PIECES = ["本报", "讯", "电", "新华社", "北京", "(", ")", "记者", "通讯员", "来源", "编辑", ":", "|", "丨", "文", "图",
                  "摄", "摄影", " ", "\n", "点击", "蓝字", "关注", "我们", "长按", "二维码", "阅读原文", "点亮", "在看",
                  "分享、点赞、在看", "戳这里", "喜欢就点个赞吧", "工会", "张三"]


@settings(max_examples=500, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(_BYLINE_PIECES), max_size=16).map("".join))
@example("本报北京电(记者 张三)工会")
@example("工会(通讯员 张三)")
@example("来源丨工会")
@example("工会\n张三 摄")
@example("点亮在看")
@example("工会关注我们")
@example("长按二维码")
@example("阅读原文")
@example("戳这里工会")
@example("分享、点赞、在看")
@example("喜欢就点个赞吧")
def test_byline_patterns_skipped_only_where_they_cannot_match(text):
    """The substring tests before each pattern never change the result of applying every pattern."""
    from labor_topics.patterns import BYLINE_PATTERNS

    expected = text
    for _, pattern in BYLINE_PATTERNS:
        expected = pattern.sub("", expected)
    assert strip_bylines(text) == expected
