"""Classify a few items with the bundled model and show what pushed each prediction.

Run from the project folder:  python examples/classify_items.py
"""

from labor_topics import classify, load_model

ITEMS = [
    "县总工会举办基层工会干部培训班\n来自全县一百二十家基层工会的主席参加培训,学习工会法和会员发展工作。",
    "快递企业召开工资集体协商会议",
    "工會驛站為外賣騎手送上清涼飲品",  # traditional characters are fine
    "市政府召开常务会议研究部署经济工作",  # not union work: its best score stays below the default threshold
]

model = load_model()
for text in ITEMS:
    p = classify(text, threshold="default", top_k=2)
    headline = text.splitlines()[0]
    print(f"{headline}\n  -> {p.label or '(待定: below the default threshold)'}  top-2: "
          + ", ".join(f"{label} {score:.2f}" for label, score in p.top))
    print("     because of: " + ", ".join(name for name, _ in model.explain(text, k=5)))
