"""Evaluate a model the way `labor-topics evaluate` does, through the Python API.

    python examples/evaluate.py MODEL.npz FILE [FILE ...]     # held-out: score a model on labelled files
    python examples/evaluate.py --cv FILE [FILE ...]          # 5-fold cross-validation on labelled files

Held-out mode leaves out any item the model was trained on (the bundled model was trained on all the bundled
data, so fit one without dev.jsonl first: see README, "Evaluating a model").
"""

import sys

from labor_topics import load_model, read_items
from labor_topics.evaluation import cross_validate_items, evaluate
from labor_topics.report import format_report

args = sys.argv[1:]
if len(args) < 2:
    sys.exit(__doc__)

if args[0] == "--cv":
    items = [item for path in args[1:] for item in read_items(path)]
    report = cross_validate_items(items, config=load_model().card["config_name"], folds=5, repeats=1, seed=0)
else:
    model = load_model(args[0])
    items = [item for path in args[1:] for item in read_items(path)]
    report = evaluate(model, items, seed=0)

print(format_report(report))
baseline = report["baselines"].get("char n-grams only")
print(f"macro-F1 {report['macro_f1']:.3f}; the char-n-gram baseline: "
      + (f"{baseline['macro_f1']:.3f}" if baseline else "not fitted (the model's card names no training files)"))
