"""The confusion matrix of an evaluation report as a PNG (needs the ``plot`` extra: matplotlib).

Chinese labels need a font with CJK glyphs; :func:`find_cjk_font` looks among the system fonts matplotlib
knows for one that has the five labels' characters. matplotlib's own fonts are never chosen: its "Last
Resort" font maps every character to a box, so it would pass the check and draw boxes.
"""

from __future__ import annotations

from .labels import LABELS

__all__ = ["find_cjk_font", "plot_confusion"]

_NEEDED = sorted(set("".join(LABELS)))


def find_cjk_font() -> str | None:
    """Path of an installed font that has every character of the five labels, or None."""
    import os

    import matplotlib
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    own = os.path.realpath(matplotlib.get_data_path()) + os.sep
    preferred = ("Noto Sans CJK", "Source Han Sans", "WenQuanYi", "Noto Serif CJK", "Droid Sans Fallback", "AR PL")
    fonts = sorted(font_manager.fontManager.ttflist, key=lambda f: (not f.name.startswith(preferred), f.fname))
    for entry in fonts:
        if os.path.realpath(entry.fname).startswith(own) or "lastresort" in entry.name.lower().replace(" ", ""):
            continue
        try:
            font = FT2Font(entry.fname)
            if all(font.get_char_index(ord(c)) for c in _NEEDED):
                return entry.fname
        except (OSError, RuntimeError, ValueError):
            continue
    return None


def plot_confusion(report: dict, path: str) -> str | None:
    """Draw the report's confusion matrix to ``path`` (PNG, written atomically). Returns a warning when no CJK
    font was found (the labels then do not render as characters), else None."""
    try:
        import matplotlib
    except ImportError:
        raise RuntimeError('--plot needs matplotlib: pip install "labor-topics[plot]"') from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib import font_manager

    from .atomic import atomic_writer

    font_path = find_cjk_font()
    warning = None
    if font_path:
        font_manager.fontManager.addfont(font_path)
        prop = font_manager.FontProperties(fname=font_path)
    else:
        prop = None
        warning = ("no font with Chinese characters found: the labels will show as boxes. "
                   "Install one (e.g. Debian/Ubuntu: apt-get install fonts-noto-cjk or fonts-wqy-microhei)")
    matrix = np.array(report["confusion"]["matrix"])
    labels = report["confusion"]["labels"]
    fig, ax = plt.subplots(figsize=(7.5, 6.5), dpi=120)
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right", fontproperties=prop)
    ax.set_yticks(range(len(labels)), labels, fontproperties=prop)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    high = matrix.max() if matrix.size else 0
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center",
                    color="white" if matrix[i, j] > high / 2 else "black")
    ax.set_title(f"n={report['n']}  accuracy {report['accuracy']:.3f}  macro-F1 {report['macro_f1']:.3f}")
    fig.tight_layout()
    with atomic_writer(path) as fh:
        fig.savefig(fh, format="png")
    plt.close(fig)
    return warning
