import json
import subprocess
import sys

import pytest

from labor_topics import LABELS, Item, split_page
from labor_topics.digest import body_paragraph, draft_digest

from conftest import ROOT, SEEDS

PAGES = ["002_3e16ec6b22cd13a7.txt", "003_ee2df9198c4f8580.txt", "004_71b934195b22698b.txt"]


def test_body_is_one_paragraph_cut_at_a_sentence_end():
    text = "本报讯（记者 甲）第一句话。第二句话比较长一些。\n本报记者 乙\n小标题\n第三句。"
    assert body_paragraph(text, 200) == "第一句话。第二句话比较长一些。第三句。"
    assert body_paragraph(text, 14) == "第一句话。"
    assert body_paragraph("没有句号的很长的一段话" * 5, 10) == "没有句号的很长的一…"


def test_digest_of_the_seed_pages(model):
    items = [Item(title=s.title, text=s.text, source=name) for name in PAGES
             for s in split_page((SEEDS / name).read_text(encoding="utf-8"))]
    digest = draft_digest(items, model=model, threshold=0.8)
    data = digest.to_dict()
    assert [s["section"] for s in data["sections"]] == list(LABELS)
    placed = [e for s in data["sections"] for e in s["items"]]
    assert len(placed) + len(data["pending"]) == 28
    for s in data["sections"]:
        assert [e["score"] for e in s["items"]] == sorted((e["score"] for e in s["items"]), reverse=True)
        assert all(e["section"] == s["section"] and e["score"] >= 0.8 for e in s["items"])
    assert all(e["score"] < 0.8 and len(e["top"]) == 2 for e in data["pending"])
    assert all(len(e["body"]) <= 200 for e in placed)
    lead = data["lead"]
    assert len(lead) == 2 and data["title"] == "一周速览 | " + ";".join(lead)
    best = max(placed, key=lambda e: e["score"])
    assert lead[0] == best["title"]
    md = digest.markdown()
    assert md.startswith("# " + data["title"]) and md.index("## 思想引领") < md.index("## 组织建设") < md.index("## 待定")


def test_the_same_story_twice_appears_once(model):
    story = Item(title="某区成立快递行业联合工会", text="日前，某区快递行业联合工会成立，三百名快递员入会。工会将为快递员提供法律服务。")
    retitled = Item(title="快递行业联合工会在某区成立", text=story.text + "（完）")
    other = Item(title="某市总工会举办职工技能大赛", text="近日，某市总工会举办职工技能大赛。")
    digest = draft_digest([story, retitled, other, story], model=model, threshold=None)
    assert digest.duplicates == 2
    assert sum(len(v) for v in digest.sections.values()) == 2


@pytest.mark.parametrize("content", ["", "\n\n", "工会为环卫工人送清凉", "Hello world\n\nsecond"])
def test_odd_inputs_give_a_digest(content, tmp_path, model):
    path = tmp_path / "in.txt"
    path.write_text(content, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "labor_topics", "digest", str(path), "--format", "json"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    n = sum(len(s["items"]) for s in data["sections"]) + len(data["pending"])
    assert n == len([b for b in content.split("\n\n") if b.strip()])


def test_cli_digest_markdown_from_pages_and_a_digest(tmp_path):
    out = tmp_path / "digest.md"
    result = subprocess.run([sys.executable, "-m", "labor_topics", "digest", *[str(SEEDS / p) for p in PAGES],
                             str(SEEDS / "000_5e0e8bdbf41ae710.txt"), "--threshold", "0.5", "--max-body", "80",
                             "--output", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    md = out.read_text(encoding="utf-8")
    assert md.startswith("# 一周速览 | ")
    assert md.count("### ") == 28 + 16
    paragraphs = [p for p in md.split("\n\n") if p and not p.startswith(("#", "*", "（"))]
    assert all(len(p) <= 80 for p in paragraphs)


@pytest.mark.parametrize("threshold, error", [("high", ValueError), (7, ValueError), (-0.5, ValueError), (True, TypeError)])
def test_the_digest_threshold_is_checked_like_classifys(model, threshold, error):
    with pytest.raises(error, match="threshold must be a number in"):
        draft_digest(["工会为困难职工送去慰问金和年货"], model=model, threshold=threshold)


def test_the_digest_reads_only_the_first_max_chars_of_each_item(model):
    import time

    long_story = "x" + "\n" * 200_000 + ":"
    start = time.perf_counter()
    digest = draft_digest([long_story, "工会为困难职工送去慰问金和年货"], model=model, threshold=None)
    assert time.perf_counter() - start < 5
    assert sum(len(v) for v in digest.sections.values()) == 2


def test_a_long_run_of_spaces_before_a_credit_is_quick():
    import time

    start = time.perf_counter()
    assert body_paragraph("工会为职工送清凉。" + " " * 300 + "摄x", max_chars=1000) == "工会为职工送清凉。" + " " * 300 + "摄x"
    long = "某市总工会今天为全市三百名环卫工人送去防暑降温用品，并为一线户外劳动者开放了六十个工会驿站。"
    assert body_paragraph(long + " 记者 张三 摄") == long
    assert time.perf_counter() - start < 0.5  # the old pattern: seconds (cubic in the spaces)
