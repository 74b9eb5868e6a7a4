"""An evaluation report (the dict of :mod:`labor_topics.evaluation`) as readable text."""

from __future__ import annotations

from .display import pad as _pad, shorten as _short, width as _width
from .labels import LABELS

__all__ = ["format_report", "SHORT_LABELS"]

#: Column heads of the confusion table: the first two characters of each section, except 构建和谐劳动关系 (和谐).
SHORT_LABELS = tuple("和谐" if label == "构建和谐劳动关系" else label[:2] for label in LABELS)


def _f(x, digits=3):
    return "—" if x is None else f"{x:.{digits}f}"


def format_report(report: dict) -> str:
    """A readable text rendering of an evaluation report."""
    out = []
    if report["mode"] == "cross-validation":
        cv = report["cv"]
        out.append(f"cross-validation: {report['config']}, {report['folds']}-fold × {report['repeats']} repeat(s), "
                   f"grouped by source_url; {report['n']} five-label items")
        out.append(f"  macro-F1 {cv['macro_f1']:.3f} ± {cv['macro_f1_std']:.3f}   accuracy {cv['accuracy']:.3f} ± {cv['accuracy_std']:.3f}")
    else:
        out.append(f"held-out: {report['n']} five-label items"
                   + (f" ({report['left_out_training_items']} left out: the model was trained on them)" if report["left_out_training_items"] else ""))
    ci = report["ci95"]
    out.append(f"accuracy {report['accuracy']:.3f} [95% CI {ci['accuracy'][0]:.3f}–{ci['accuracy'][1]:.3f}]   "
               f"macro-F1 {report['macro_f1']:.3f} [95% CI {ci['macro_f1'][0]:.3f}–{ci['macro_f1'][1]:.3f}]   "
               f"ECE {report['ece']:.3f}")
    out.append("")
    out.append(f"{_pad('section', 18)}{'precision':>10}{'recall':>8}{'F1':>8}{'support':>9}")
    for label, row in report["per_class"].items():
        out.append(f"{_pad(label, 18)}{row['precision']:>10.3f}{row['recall']:>8.3f}{row['f1']:>8.3f}{row['support']:>9d}")
    out.append("")
    out.append("confusion (rows: gold, columns: predicted)")
    out.append(_pad("", 18) + "".join(" " * (6 - _width(s)) + s for s in SHORT_LABELS))
    for label, row in zip(LABELS, report["confusion"]["matrix"]):
        out.append(_pad(label, 18) + "".join(f"{v:>6d}" for v in row))
    out.append("")
    out.append(f"{_pad('baseline', 28)}{'accuracy':>10}{'macro-F1':>10}")
    out.append(f"{_pad('this model', 28)}{report['accuracy']:>10.3f}{report['macro_f1']:>10.3f}")
    for name, row in report["baselines"].items():
        out.append(f"{_pad(name, 28)}{row['accuracy']:>10.3f}{row['macro_f1']:>10.3f}")
    out.append("")
    out.append(f"abstention ({report['none_items']} 无 items)")
    out.append(f"{'threshold':>9}{'answered':>10}{'accuracy':>10}{'无 below':>10}")
    for row in report["abstention"]:
        out.append(f"{row['threshold']:>9.1f}{_f(row['answered']):>10}{_f(row['accuracy']):>10}{_f(row['none_below']):>10}")
    out.append("")
    out.append("reliability (top-label confidence bins)")
    for row in report["reliability"]:
        if row["n"]:
            out.append(f"  {row['bin'][0]:.1f}–{row['bin'][1]:.1f}  n={row['n']:<4d} confidence {_f(row['confidence'])}  accuracy {_f(row['accuracy'])}")
    if report["errors"]:
        out.append("")
        out.append("most confident errors")
        for e in report["errors"]:
            out.append(f"  {e['score']:.2f}  gold {_pad(e['gold'], 16)} predicted {_pad(e['predicted'], 16)} {_short(e['title'], 40)}")
    for note in report.get("notes", []):
        out.append(f"note: {note}")
    return "\n".join(out) + "\n"
