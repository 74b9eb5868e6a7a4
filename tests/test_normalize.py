from labor_topics.normalize import normalize


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
