"""Files editors have: GBK CSV, Excel sheets, WeChat articles (text and saved pages), Word files, folders."""

import json
import zipfile

import pytest

from labor_topics import InputError, LABELS, read_items
from labor_topics.cli import main

openpyxl = pytest.importorskip("openpyxl")
docx = pytest.importorskip("docx")

ROWS = [("A1", "2026-07-20", "区总工会为环卫工人送清凉", "区总工会为三百名环卫工人送去防暑降温用品。", "维权服务"),
        ("A2", "2026-07-21", "市总工会举办数控车工技能比武", "六十名数控车工同场竞技，前三名获评技术能手。", "建功立业"),
        ("A3", "2026-07-22", "开发区成立物流行业联合工会", "首批三百多名货车司机和分拣员加入工会。", "组织建设")]
HEADER = ["编号", "日期", "标题", "正文", "栏目"]

WECHAT = """点击蓝字 关注我们

区总工会为环卫工人送清凉

来源：某区总工会

连日来，本市持续高温，区总工会走访辖区二十个环卫作业点，为三百余名一线环卫工人送去绿豆、毛巾和防暑药品。

区总工会负责人表示，将继续依托工会驿站，为户外劳动者提供饮水和休息服务。

编辑：张三 审核：李四

阅读原文
"""


def _xlsx(path, header, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


# ------------------------------------------------------------------ CSV and Excel


def test_a_gbk_csv_with_chinese_headers_is_read(tmp_path):
    path = tmp_path / "excel.csv"
    text = ",".join(HEADER) + "\r\n" + "\r\n".join(",".join(r) for r in ROWS) + "\r\n"
    path.write_bytes(text.encode("gbk"))
    items = read_items(path)
    assert [(i.title, i.label, i.id) for i in items] == [(r[2], r[4], r[0]) for r in ROWS]
    assert items[0].fields[:2] == (("编号", "A1"), ("日期", "2026-07-20"))
    with pytest.raises(InputError, match="not utf-8 text"):
        read_items(path, encoding="utf-8")


def test_columns_can_be_named(tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text("题名,稿件\n工会为职工送清凉,某区总工会为环卫工人送去防暑降温用品。\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"no text column: found \['题名', '稿件'\]"):
        read_items(path)
    [item] = read_items(path, columns="title=题名,text=稿件")
    assert item.title == "工会为职工送清凉" and item.text.startswith("某区总工会")
    with pytest.raises(InputError, match="no column '内文'"):
        read_items(path, columns="text=内文")


def test_an_xlsx_with_chinese_headers_extra_columns_and_a_blank_cell(tmp_path):
    path = _xlsx(tmp_path / "week.xlsx", HEADER, ROWS + [("A4", "2026-07-23", "", "", "维权服务")])
    with pytest.raises(InputError, match=r"week\.xlsx:5: blank 正文 cell in row 5"):
        read_items(path)
    skipped = []
    items = read_items(path, on_error=skipped.append)
    assert [i.title for i in items] == [r[2] for r in ROWS] and [e.line for e in skipped] == [5]


def test_xlsx_in_xlsx_out_keeps_every_column_and_the_row_order(tmp_path):
    source = _xlsx(tmp_path / "in.xlsx", HEADER, ROWS)
    out = tmp_path / "out.xlsx"
    assert main(["classify", "--input", str(source), "--output", str(out)]) == 0
    sheet = openpyxl.load_workbook(out).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADER + ["section", "score", "runner_up", "runner_up_score", "待定"]
    assert [r[:5] for r in rows[1:]] == [list(r) for r in ROWS]
    assert [r[5] for r in rows[1:]] == [r[4] for r in ROWS]  # the sections the sheet's editors chose
    assert all(0 < r[6] <= 1 and r[7] in LABELS for r in rows[1:])


def test_csv_output_keeps_the_users_columns(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(",".join(HEADER) + "\n" + "\n".join(",".join(r) for r in ROWS) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["classify", "--input", str(source), "--output", str(out)]) == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == ",".join(HEADER + ["section", "score", "runner_up", "runner_up_score", "待定"])
    assert [line.split(",")[0] for line in lines[1:]] == ["A1", "A2", "A3"]


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_bytes(b"not a zip at all"), "not an Excel"),
    (lambda p: _bomb(p), "refused unread"),
])
def test_a_hostile_xlsx_is_refused(tmp_path, make, message):
    path = tmp_path / "bad.xlsx"
    make(path)
    with pytest.raises(InputError, match=message):
        read_items(path)


def _bomb(path):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))


def test_a_jsonl_record_without_a_text_field_is_an_error_not_a_title(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"title": "工会为职工送清凉", "content": "正文"}, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"c\.jsonl:1: no text field: found title, content"):
        read_items(path)
    assert read_items(path, columns="text=content")[0].text == "正文"
    skipped = []
    assert read_items(path, on_error=skipped.append) == [] and len(skipped) == 1


# ------------------------------------------------------------------ articles, pages, Word


def test_a_wechat_article_in_a_text_file_is_one_item_without_its_furniture(tmp_path):
    path = tmp_path / "post.txt"
    path.write_text(WECHAT, encoding="utf-8")
    [item] = read_items(path)
    assert item.title == "区总工会为环卫工人送清凉"
    assert item.text.startswith("连日来") and "阅读原文" not in item.text and "编辑" not in item.text
    assert "来源" not in item.text and "关注" not in item.text


def test_a_folder_of_articles(tmp_path, model):
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "1.txt").write_text(WECHAT, encoding="utf-8")
    (folder / "2.txt").write_text("市总工会举办数控车工技能比武\n\n六十名数控车工同场竞技，前三名获评技术能手。\n", encoding="utf-8")
    (folder / "notes.bin").write_bytes(b"\0\1")
    items = read_items(folder)
    assert [i.title for i in items] == ["区总工会为环卫工人送清凉", "市总工会举办数控车工技能比武"]
    assert [p.label for p in model.classify_batch([i.model_text for i in items])] == ["维权服务", "建功立业"]


HOSTILE_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>区总工会为环卫工人送清凉</title>
<script>document.title = "pwned"; fetch("http://127.0.0.1:9/steal")</script>
<style>body { background: url(http://127.0.0.1:9/bg.png) }</style></head><body>
<h1 class="rich_media_title">区总工会为环卫工人送清凉</h1>
<div id="js_content"><p>点击蓝字 关注我们</p>
<p>连日来，本市持续高温，区总工会走访辖区二十个环卫作业点，为三百余名一线环卫工人送去绿豆、毛巾和防暑药品。</p>
<p>区总工会负责人表示，将继续依托工会驿站，为户外劳动者提供饮水、休息和应急药品等服务，让他们感受到工会的温暖。</p>
<iframe src="http://127.0.0.1:9/frame"></iframe><img src="http://127.0.0.1:9/a.png" onerror="alert(1)">
<p>编辑：张三 审核：李四</p><p>阅读原文</p></div></body></html>"""


def test_a_saved_web_page_is_one_article_and_nothing_is_fetched_or_run(tmp_path, monkeypatch):
    pytest.importorskip("trafilatura")
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    path = tmp_path / "page.html"
    path.write_text(HOSTILE_PAGE, encoding="utf-8")
    [item] = read_items(path)
    assert item.title == "区总工会为环卫工人送清凉"
    assert item.text.startswith("连日来") and "pwned" not in item.text and "fetch" not in item.text
    assert "阅读原文" not in item.text and "编辑" not in item.text


def _docx(path, paragraphs, heading=None, external=False):
    document = docx.Document()
    if heading:
        document.add_heading(heading, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    if external:  # a hyperlink relationship to an outside address, never to be followed
        document.part.relate_to("http://127.0.0.1:9/remote", docx.opc.constants.RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    document.save(path)
    return path


def test_a_docx_article_and_a_docx_digest(tmp_path):
    article = _docx(tmp_path / "a.docx", ["来源：某区总工会", "连日来，区总工会为三百余名一线环卫工人送去防暑药品。"],
                    heading="区总工会为环卫工人送清凉", external=True)
    [item] = read_items(article)
    assert item.title == "区总工会为环卫工人送清凉" and item.text.startswith("连日来")
    digest = _docx(tmp_path / "d.docx", ["维权服务", "区总工会为环卫工人送清凉", "正文一。", "组织建设", "开发区成立物流行业联合工会",
                                         "正文二。"])
    assert [(i.title, i.label) for i in read_items(digest)] == [("区总工会为环卫工人送清凉", "维权服务"),
                                                                ("开发区成立物流行业联合工会", "组织建设")]


def test_the_digest_as_a_word_file_holds_the_sections_in_digest_order(tmp_path):
    from conftest import SEEDS

    out = tmp_path / "week.docx"
    pages = [str(SEEDS / name) for name in ("002_3e16ec6b22cd13a7.txt", "003_ee2df9198c4f8580.txt")]
    assert main(["digest", *pages, "--output", str(out)]) == 0
    document = docx.Document(str(out))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings[:5] == list(LABELS) and headings[5:] in ([], ["待定"])
    assert document.paragraphs[0].text.startswith("一周速览")
