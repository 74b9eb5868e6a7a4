import collections
import json

import pytest

from labor_topics import InputError, read_items
from labor_topics.readers import parse_digest

from conftest import DIGEST_000, DIGEST_001, TRAIN


def test_seed_digests_give_30_labelled_and_11_news_items(seed_items):
    counts = collections.Counter(i.label for i in seed_items)
    assert counts == {"思想引领": 4, "建功立业": 7, "维权服务": 10, "构建和谐劳动关系": 5, "组织建设": 4, "工作动态": 11}


def test_digest_items_have_title_and_body_and_skip_furniture():
    items = read_items(DIGEST_001)
    first = items[0]
    assert first.title == "徐留平带队在北京开展送清凉调研慰问"
    assert first.text.startswith("大暑节气刚过")
    titles = [i.title for i in items]
    assert "图片" not in titles
    assert not any(t.startswith("●") for t in titles)
    assert titles[-1] == "泰安市总工会持续加强阵地建设"
    assert all(i.line > 0 and i.source.endswith("001_2d6888657d96e65b.txt") for i in items)


def test_digest_stops_at_editor_line():
    text = "思想引领\n\n标题一\n\n正文一。\n\n编辑 | 某某\n\n组织建设\n\n标题二\n\n正文二。\n"
    items = parse_digest(text)
    assert [(i.title, i.label) for i in items] == [("标题一", "思想引领")]


def test_jsonl_reader_reads_the_corpus():
    items = read_items(TRAIN)
    assert len(items) == 480
    assert items[0].title and items[0].text and items[0].label == "思想引领"
    assert items[0].model_text == items[0].title + "\n" + items[0].text


def test_csv_with_bom_and_optional_title(tmp_path):
    path = tmp_path / "items.csv"
    path.write_bytes("\ufefftext,label\r\n工会为职工送清凉,维权服务\r\n\"含,逗号的正文\",\r\n".encode("utf-8"))
    items = read_items(path)
    assert [(i.title, i.text, i.label) for i in items] == [("", "工会为职工送清凉", "维权服务"), ("", "含,逗号的正文", None)]
    assert items[1].line == 3


@pytest.mark.parametrize("content, line, reason", [
    ('{"text": "好", "label": "思想引领"}\n{"text": "x", "label": "其他"}\n', 2, "unknown label '其他'"),
    ('{"text": "好"}\n\n{bad json}\n', 3, "not valid JSON"),
    ('{"title": "", "text": "  "}\n', 1, "empty text"),
    ('["a list"]\n', 1, "expected a JSON object"),
])
def test_jsonl_errors_name_file_and_line(tmp_path, content, line, reason):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_items(path)
    assert str(err.value).startswith(f"{path}:{line}: ")
    assert reason in str(err.value)


def test_csv_without_text_column_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("body,label\n正文,维权服务\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.csv:1: the header needs a 'text' column"):
        read_items(path)


def test_non_utf8_file_is_named(tmp_path):
    path = tmp_path / "gbk.jsonl"
    path.write_bytes(json.dumps({"text": "工会"}, ensure_ascii=False).encode("gbk"))
    with pytest.raises(InputError, match=r"gbk\.jsonl:1: not UTF-8"):
        read_items(path)


def test_plain_text_items_are_separated_by_blank_lines(tmp_path):
    path = tmp_path / "items.txt"
    path.write_text("第一条标题\n第一条正文\n\n\n第二条\n", encoding="utf-8")
    items = read_items(path)
    assert [i.text for i in items] == ["第一条标题\n第一条正文", "第二条"]
    assert [i.line for i in items] == [1, 5]


def test_missing_file():
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_items("does/not/exist.jsonl")
