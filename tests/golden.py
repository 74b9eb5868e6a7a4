"""The golden set: the bundled model's raw scores and labels on a fixed set of texts.

``tests/test_golden.py`` holds the bundled model to ``tests/data/golden.json``, so that any change to what the
model reads (a normalisation rule, a byline pattern, ``union_terms.txt``, the tokenizer, the features) fails a
test. After a deliberate change (a retrained model, a new rule with a new ``FEATURES_VERSION``), write the file
again and commit it with the change::

    python tests/golden.py

The set: headlines and articles written for the tests (bylines, furniture lines, traditional characters,
full-width digits among them), the first 120 items of the bundled dev file (title + body, and the headline
alone), and every story of the three seed newspaper pages (as offsets into the page, whose lines carry real
bylines and photo credits).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden.json"
PAGES = ("002_3e16ec6b22cd13a7.txt", "003_ee2df9198c4f8580.txt", "004_71b934195b22698b.txt")

#: Written for the tests: each exercises a step of the data path.
OWN_TEXTS = [
    "区总工会举办职工读书分享会 共话新时代奋斗精神",
    "全市职工焊工技能比武落幕 二十名选手获评技术能手",
    "工会为困难职工送去慰问金和年货",
    "快递企业召开工资集体协商会议签订集体合同",
    "物流园区联合工会成立 两百名货车司机入会",
    "本报讯（记者 王小明 通讯员 李大华）近日，某市总工会为三百名环卫工人送去防暑降温用品。\n来源：某市总工会\n编辑：赵六 审核：钱七",
    "县总工会召开劳动竞赛推进会\n本报记者 孙八\n会上表彰了２０２５年度技能竞赛中表现突出的班组。\n（记者 周九 摄）",
    "工會驛站為外賣騎手送上清涼飲品",
    "點擊藍字關注我們\n市總工會舉辦勞模工匠宣講活動\n閱讀原文",
    "某区总工会指导三家企业建立职工代表大会制度 推进厂务公开\n责任编辑：吴十",
    "ＡＢＣ公司工会开展第３届职工运动会\n长按二维码关注",
    "快递员 外卖骑手 网约车司机 集中入会仪式在市工人文化宫举行",
]


def page_text(name: str, spans) -> str:
    """A story of a seed page: its runs of lines, given as offsets into the page, joined by newlines."""
    page = (ROOT / "seeds" / name).read_text(encoding="utf-8")
    return "\n".join(page[a:b] for a, b in spans)


def golden_inputs() -> list[dict]:
    """The golden set's inputs, in a fixed order: ``{"where", "text"}`` or ``{"where", "page", "spans"}``."""
    from labor_topics import read_items, split_page

    out = [{"where": f"own:{k}", "text": t} for k, t in enumerate(OWN_TEXTS)]
    dev = read_items(ROOT / "seeds" / "corpus" / "dev.jsonl")[:120]
    out += [{"where": f"dev:{item.id}", "text": item.model_text} for item in dev]
    out += [{"where": f"dev-title:{item.id}", "text": item.title} for item in dev if item.title]
    for name in PAGES:
        page = (ROOT / "seeds" / name).read_text(encoding="utf-8")
        for k, story in enumerate(split_page(page)):
            out.append({"where": f"page:{name}:{k}", "page": name, "spans": [list(s) for s in story.spans]})
    return out


def text_of(row: dict) -> str:
    return row["text"] if "text" in row else page_text(row["page"], row["spans"])


def compute(model, rows: list[dict]) -> list[dict]:
    """``rows`` with the model's label, raw decision scores and probabilities added."""
    inputs = [text_of(r) for r in rows]
    decision = model.decision_function(inputs)
    proba = model.predict_proba(inputs)
    return [{**r, "label": str(model.classes_[int(p.argmax())]), "decision": [round(float(v), 9) for v in d],
             "proba": [round(float(v), 9) for v in p]} for r, d, p in zip(rows, decision, proba)]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    import labor_topics

    model = labor_topics.load_model(tokenizer="jieba")
    rows = compute(model, golden_inputs())
    GOLDEN.write_text(json.dumps({"_about": "written by tests/golden.py; see its docstring", "rows": rows},
                                 ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN} ({len(rows)} texts)")


if __name__ == "__main__":
    main()
