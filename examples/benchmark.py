"""Measure labor-topics' speed, start-up and memory in one run (by hand, not in CI).

    python examples/benchmark.py [--items 10000] [--stream-items 100000]

Prints a table and one JSON line. Throughputs are the best of five rounds in which all the compared functions
(jieba.lcut, classify_batch on one core and on two, rjieba, the fast backend) take turns, so that a slow spell of
the machine hits all of them alike. Texts are the bundled corpus items with their index prefixed, so that every
text is unique (no cache can help), all below the 20,000-character cut-off. "Raw jieba" is jieba.lcut with the
library's dictionary (jieba's plus the union terms) and HMM setting, on the same texts: the floor any
jieba-based classifier pays.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def corpus_texts(n: int) -> list[str]:
    from labor_topics import read_items
    from labor_topics.paths import bundled_training_files

    base = [i.model_text for path in bundled_training_files() for i in read_items(path)]
    return [f"{k} {base[k % len(base)]}" for k in range(n)]


def rate(chars: int, seconds: float) -> float:
    return chars / seconds


def timed(fn, *args, repeat: int = 1, **kw) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args, **kw)
        best = min(best, time.perf_counter() - start)
    return best


def interleaved(fns: dict, rounds: int = 3) -> dict:
    """Best time of each function over ``rounds`` rounds, the functions taking turns within each round, so
    that a slow spell of the machine hits all of them alike."""
    best = {name: float("inf") for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def fresh_processes(codes: dict, runs: int = 7) -> dict:
    """Median wall time of a fresh Python process running each code, the codes taking turns."""
    times = {name: [] for name in codes}
    for _ in range(runs):
        for name, code in codes.items():
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--stream-items", type=int, default=100_000)
    args = parser.parse_args()

    import labor_topics
    from labor_topics import load_model
    from labor_topics.paths import bundled_model_path
    from labor_topics.tokenize import union_terms

    model = load_model(tokenizer="jieba")  # the default backend
    texts = corpus_texts(args.items)
    chars = sum(map(len, texts))
    import jieba

    jieba_tok = jieba.Tokenizer()  # jieba's dictionary plus the library's union terms, as the library uses it
    jieba_tok.initialize()
    for word, freq in union_terms():
        jieba_tok.add_word(word, freq)
    model.classify_batch(texts[:200])  # warm: dictionary, lookup tables

    hmm = bool(model.config.get("hmm", False))
    contenders = {
        "jieba": lambda: [jieba_tok.lcut(t, HMM=hmm) for t in texts],
        "one": lambda: model.classify_batch(texts),
        "two": lambda: model.classify_batch(texts, n_jobs=2),
    }
    try:  # the fast backend takes its turns in the same rounds, so that its ratio to jieba.lcut is fair
        fast_model = load_model(tokenizer="rjieba")
        import rjieba

        rj = rjieba.Jieba()
        for word, freq in union_terms():
            rj.add_word(word, freq, None)
        fast_model.classify_batch(texts[:200])
        contenders["rjieba"] = lambda: [rj.cut(t, hmm) for t in texts]
        contenders["fast"] = lambda: fast_model.classify_batch(texts)
    except ImportError:
        pass
    times = interleaved(contenders, rounds=5)
    t_jieba, t_one, t_two = times["jieba"], times["one"], times["two"]

    singles = texts[:500]
    lat = []
    for t in singles:
        start = time.perf_counter()
        model.classify(t)
        lat.append(time.perf_counter() - start)
    lat.sort()

    from labor_topics.tokenize import resolve_backend

    codes = {"jieba_backend": "import labor_topics; labor_topics.load_model(tokenizer='jieba').classify('县总工会举办基层工会干部培训班')",
             "jieba": "import jieba; jieba.setLogLevel(60); jieba.initialize()"}
    if resolve_backend("auto") != "jieba":  # otherwise the default call is the jieba-backend one
        codes["auto"] = "import labor_topics; labor_topics.classify('县总工会举办基层工会干部培训班')"
    cold = fresh_processes(codes)
    cold_lib_jieba, cold_jieba = cold["jieba_backend"], cold["jieba"]
    cold_lib = cold.get("auto", cold_lib_jieba)

    # linear cost in text length (the cut-off lifted for this measurement only)
    unit = "某市总工会开展送清凉活动,为环卫工人送去绿豆汤和防暑药品。"
    long_model = load_model()  # the tokenizer "auto" picks, as for the cold start and the CLI below
    long_model.config = {**long_model.config, "max_chars": 10**8}
    long_model.classify(unit * 10)  # warm
    lengths = {}
    for n in (10_000, 100_000, 1_000_000):
        text = (unit * (n // len(unit) + 1))[:n]
        lengths[n] = timed(long_model.classify, text)

    # peak memory streaming items through the CLI
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "items.jsonl")
        with open(src, "w", encoding="utf-8") as fh:
            for k, text in enumerate(corpus_texts(args.stream_items)):
                fh.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
        # a watcher process runs the CLI as its only child and reports that child's peak RSS
        watcher = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
                   "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", watcher, sys.executable, "-m", "labor_topics", "classify", "--input", src,
                              "--format", "jsonl", "--output", os.path.join(tmp, "out.jsonl")],
                             check=True, capture_output=True, text=True)
        stream_seconds = time.perf_counter() - start
        peak_rss_mb = int(out.stdout.strip()) / 1024

    if "fast" in times:
        t_rjieba, t_fast = times["rjieba"], times["fast"]
        fast = {"chars_per_s": round(rate(chars, t_fast)), "vs_jieba_lcut": round(t_jieba / t_fast, 3),
                "vs_rjieba_cut": round(t_rjieba / t_fast, 3), "rjieba_cut_chars_per_s": round(rate(chars, t_rjieba))}
        fast_text = (f"{fast['chars_per_s']:,} chars/s  ({fast['vs_jieba_lcut']:.2f} × jieba.lcut, "
                     f"{fast['vs_rjieba_cut']:.2f} × raw rjieba {fast['rjieba_cut_chars_per_s']:,} chars/s)")
    else:
        fast = None
        fast_text = 'not installed (pip install "labor-topics[fast]")'

    result = {
        "auto_tokenizer": resolve_backend("auto"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "labor_topics": labor_topics.__version__,
                    **{d: metadata.version(d) for d in ("numpy", "scipy", "jieba", "opencc", "joblib")}},
        "items": len(texts), "chars": chars,
        "jieba_lcut_chars_per_s": round(rate(chars, t_jieba)),
        "classify_batch_chars_per_s": round(rate(chars, t_one)),
        "classify_batch_vs_jieba": round(t_jieba / t_one, 3),
        "n_jobs2_chars_per_s": round(rate(chars, t_two)),
        "n_jobs2_vs_one": round(t_one / t_two, 3),
        "fast_backend": fast,
        "cold_start_s": round(cold_lib, 3), "jieba_initialize_s": round(cold_jieba, 3),
        "cold_start_vs_jieba": round(cold_lib / cold_jieba, 3),
        "cold_start_jieba_backend_s": round(cold_lib_jieba, 3),
        "cold_start_jieba_backend_vs_jieba": round(cold_lib_jieba / cold_jieba, 3),
        "latency_p50_ms": round(1000 * lat[len(lat) // 2], 3), "latency_p99_ms": round(1000 * lat[int(len(lat) * 0.99)], 3),
        "length_seconds": {str(n): round(s, 4) for n, s in lengths.items()},
        "stream_items": args.stream_items, "stream_seconds": round(stream_seconds, 1),
        "stream_peak_rss_mb": round(peak_rss_mb, 1),
        "model_bytes": os.path.getsize(bundled_model_path()),
    }
    rows = [
        ("raw jieba.lcut, one core", f"{result['jieba_lcut_chars_per_s']:,} chars/s"),
        ("classify_batch, one core", f"{result['classify_batch_chars_per_s']:,} chars/s  ({result['classify_batch_vs_jieba']:.2f} × jieba)"),
        ("classify_batch, n_jobs=2", f"{result['n_jobs2_chars_per_s']:,} chars/s  ({result['n_jobs2_vs_one']:.2f} × one core)"),
        ("fast backend (rjieba), one core", fast_text),
        (f"cold start: import + classify ({result['auto_tokenizer']})", f"{cold_lib:.3f} s  ({result['cold_start_vs_jieba']:.2f} × jieba.initialize {cold_jieba:.3f} s)"),
        *([("cold start: import + classify (jieba)", f"{cold_lib_jieba:.3f} s  ({result['cold_start_jieba_backend_vs_jieba']:.2f} × jieba.initialize)")]
          if "auto" in cold else []),
        ("warm latency p50 / p99", f"{result['latency_p50_ms']:.2f} / {result['latency_p99_ms']:.2f} ms"),
        (f"one text of 10k / 100k / 1M chars ({result['auto_tokenizer']})", " / ".join(f"{s:.3f} s" for s in lengths.values())),
        (f"CLI, {args.stream_items:,} items, peak RSS ({result['auto_tokenizer']})", f"{result['stream_peak_rss_mb']:.0f} MB  ({stream_seconds:.0f} s)"),
        ("bundled model on disk", f"{result['model_bytes'] / 1e6:.2f} MB"),
    ]
    print(f"machine: {result['machine']['cores']} cores, Python {result['machine']['python']}, "
          f"numpy {result['machine']['numpy']}, jieba {result['machine']['jieba']}; {len(texts):,} texts, {chars:,} chars")
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
