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
    assert len(items) == 1178
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
    with pytest.raises(InputError, match=r"bad\.csv:1: no text column: found \['body', 'label'\]"):
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


# ------------------------------------------------------------------ hostile and odd inputs (review of fbe554d)


def test_a_device_as_input_is_a_one_line_error():
    with pytest.raises(InputError, match="not a regular file"):
        read_items("/dev/zero")


def test_a_line_longer_than_the_limit_is_an_error_not_a_memory_blowup(tmp_path, monkeypatch):
    from labor_topics import readers

    monkeypatch.setattr(readers, "MAX_LINE_BYTES", 1000)
    path = tmp_path / "long.jsonl"
    path.write_text('{"text": "工会"}\n' + "x" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"long\.jsonl:2: a line longer than"):
        read_items(path)


@pytest.mark.parametrize("line, reason", [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"text": "工会", "id": 1' + "0" * 5000 + "}", "not valid JSON"),
])
def test_hostile_json_is_a_named_line_and_can_be_skipped(tmp_path, line, reason):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "工会为职工送清凉"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"bad\.jsonl:2: .*{reason}"):
        read_items(path)
    skipped = []
    assert [i.text for i in read_items(path, on_error=skipped.append)] == ["工会为职工送清凉"]
    assert [e.line for e in skipped] == [2]


def test_lone_surrogates_in_json_become_replacement_characters(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"text": "工会为职工送清凉", "title": "\\ud800标题"}\n', encoding="utf-8")
    [item] = read_items(path)
    assert item.title == "\ufffd标题"
    item.title.encode("utf-8")  # writable


def test_the_line_of_a_bad_byte_is_exact_in_a_streamed_file(tmp_path):
    path = tmp_path / "late.jsonl"
    good = '{"text": "工会为职工送清凉"}\n'.encode("utf-8")
    path.write_bytes(good * 2999 + '{"text": "工会"}'.encode("gbk") + b"\n" + good)
    with pytest.raises(InputError, match=r"late\.jsonl:3000: not UTF-8"):
        read_items(path)


def test_a_long_article_in_a_csv_cell_is_read(tmp_path):
    body = "工会为职工送清凉。" * 30_000  # 270,000 characters
    path = tmp_path / "long.csv"
    path.write_text(f'text,label\n"{body}",维权服务\n短正文,组织建设\n', encoding="utf-8")
    items = read_items(path)
    assert [len(i.text) for i in items] == [len(body), 3] and items[1].line == 3


def test_an_unterminated_quote_and_a_duplicated_column_are_errors(tmp_path):
    open_quote = tmp_path / "q.csv"
    open_quote.write_text('text,label\n"工会为职工,维权服务\n正文,组织建设\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"q\.csv:2: not valid CSV"):
        read_items(open_quote)
    twice = tmp_path / "d.csv"
    twice.write_text("text,label,text\n一,维权服务,二\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"d\.csv:1: the header names text more than once"):
        read_items(twice)


def test_jsonl_is_recognised_by_its_content_whatever_the_file_is_called(tmp_path):
    path = tmp_path / "items.txt"
    path.write_text('\n{"title": "工会为职工送清凉", "text": "正文"}\n{"text": "物流园区联合工会成立"}\n', encoding="utf-8")
    items = read_items(path)
    assert [(i.title, i.text, i.line) for i in items] == [("工会为职工送清凉", "正文", 2), ("", "物流园区联合工会成立", 3)]


@pytest.mark.parametrize("weight, expected", [(None, 1.0), (3, 3.0), ("2.5", 2.5), ("", 1.0)])
def test_a_record_may_carry_a_weight(tmp_path, weight, expected):
    path = tmp_path / "w.jsonl"
    record = {"text": "工会为职工送清凉", "label": "维权服务"} | ({} if weight is None else {"weight": weight})
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert read_items(path)[0].weight == expected


@pytest.mark.parametrize("weight", [0, -1, "heavy", True, 10 ** 6])
def test_a_bad_weight_names_its_line(tmp_path, weight):
    path = tmp_path / "w.jsonl"
    path.write_text(json.dumps({"text": "工会", "weight": weight}, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"w\.jsonl:1: weight must be a number"):
        read_items(path)
