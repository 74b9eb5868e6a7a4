"""Turn the three seed newspaper pages into a draft weekly digest (一周速览).

    python examples/draft_digest.py            # Markdown on standard output

The same as: labor-topics digest seeds/002_3e16ec6b22cd13a7.txt seeds/003_ee2df9198c4f8580.txt seeds/004_71b934195b22698b.txt
"""

from pathlib import Path

from labor_topics import Item, draft_digest, split_page

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PAGES = ["002_3e16ec6b22cd13a7.txt", "003_ee2df9198c4f8580.txt", "004_71b934195b22698b.txt"]

items = []
for name in PAGES:
    stories = split_page((SEEDS / name).read_text(encoding="utf-8"))
    print(f"{name}: {len(stories)} stories")
    items += [Item(title=s.title, text=s.text, source=name) for s in stories]

digest = draft_digest(items)  # items below the model card's threshold go to 待定
print(f"{sum(len(v) for v in digest.sections.values())} filed, {len(digest.pending)} set aside for the editor\n")
print(digest.markdown())
