import json
import re

import pytest
from hypothesis import given, settings, strategies as st

from labor_topics import split_page
from labor_topics.pages import _FURNITURE, _lines

from conftest import ROOT, SEEDS

GOLD = json.loads((ROOT / "tests" / "data" / "pages_gold.json").read_text(encoding="utf-8"))
PAGES = sorted(name for name in GOLD if not name.startswith("_"))


def _members(text, item):
    return [l.n for l in _lines(text) if any(a <= l.start and l.end <= b for a, b in item.spans)]


@pytest.mark.parametrize("name", PAGES)
def test_seed_pages_match_the_hand_made_gold(name):
    text = (SEEDS / name).read_text(encoding="utf-8")
    got = [(item.title, _members(text, item)) for item in split_page(text)]
    assert got == [(g["title"], g["lines"]) for g in GOLD[name]]


def test_page_items_carry_title_text_and_spans():
    text = (SEEDS / "004_71b934195b22698b.txt").read_text(encoding="utf-8")
    first = split_page(text)[0]
    assert first.title.startswith("天津探索")
    assert len(first.spans) == 2  # the headline at the top, the body further down
    assert first.text.startswith("单位可定制云端会议议程")
    assert "线上职代会具有与线下职代会同等的法律效力" in first.text
    assert first.model_text == first.title + "\n" + first.text


def _check_spans(text, items):
    spans = [s for item in items for s in item.spans]
    for a, b in spans:
        assert 0 <= a < b <= len(text)
    ordered = sorted(spans)
    assert all(ordered[k][1] <= ordered[k + 1][0] for k in range(len(ordered) - 1)), "spans overlap"
    for item in items:
        assert list(item.spans) == sorted(item.spans)
    for line in _lines(text):
        owners = sum(1 for s in spans if s[0] <= line.start and line.end <= s[1])
        if _FURNITURE.match(line.text):
            assert owners == 0, line.text
        else:
            assert owners == 1, line.text


@pytest.mark.parametrize("name", PAGES)
def test_every_non_furniture_line_belongs_to_exactly_one_item(name):
    text = (SEEDS / name).read_text(encoding="utf-8")
    _check_spans(text, split_page(text))


_SEED_LINES = [line.strip() for name in PAGES for line in (SEEDS / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_SEED_LINES), st.sampled_from(["", "广告", "第3版", "2023年11月23日 星期四", "责任编辑：王某", "（下转第2版）"]),
                          st.text(max_size=40)), max_size=40),
       st.sampled_from(["\n", "\n\n", "\r\n"]))
def test_spans_are_in_bounds_disjoint_and_cover_every_line(lines, newline):
    text = newline.join(lines)
    _check_spans(text, split_page(text))


SMALL_PAGE = """第3版：工会
2023年11月23日 星期四

某市总工会举办职工技能大赛

本报讯（记者 甲乙 通讯员 丙丁）近日，某市总工会举办职工技能大赛，二百名职工参赛。

比赛设置了电工、焊工等六个工种。（下转第4版）

某区成立快递行业联合工会

本报讯（通讯员 戊己）日前，某区快递行业联合工会成立，三百名快递员入会。

广告
责任编辑：王某
"""


def test_furniture_of_a_small_page_is_no_item():
    items = split_page(SMALL_PAGE)
    assert [i.title for i in items] == ["某市总工会举办职工技能大赛", "某区成立快递行业联合工会"]
    assert "下转" not in items[0].text and "比赛设置了电工、焊工等六个工种。" in items[0].text
    assert all("编辑" not in i.text and "广告" not in i.text and "星期四" not in i.text for i in items)
    _check_spans(SMALL_PAGE, items)


def test_round_up_photo_news_and_continued_commentary():
    page = "\n".join([
        "各地工会启动冬季送温暖活动",
        "北 京",
        "本报讯（记者 甲）近日，北京市总工会启动送温暖活动。",
        "河 北",
        "本报讯（记者 乙）日前，河北省总工会慰问困难职工。",
        "雪中送炭",
        "12月1日，某地工会干部为环卫工人送去棉衣。",
        "本报通讯员 丙 摄",
        "（上接第1版）工会要把服务职工作为工作的出发点。",
        "坚持服务职工",
        "各级工会要真心实意为职工办实事。",
    ])
    items = split_page(page)
    assert [i.title for i in items] == ["各地工会启动冬季送温暖活动", "雪中送炭", "坚持服务职工"]
    assert "河 北" in items[0].text and items[1].text.endswith("摄")
    _check_spans(page, items)


@pytest.mark.parametrize("page", ["", "   \n\n", "只有一行没有标题的正文，讲的是工会工作。", "Hello\nworld"])
def test_odd_pages_do_not_crash(page):
    items = split_page(page)
    _check_spans(page, items)
    assert all(item.title for item in items)
