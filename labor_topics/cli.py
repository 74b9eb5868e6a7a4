"""The ``labor-topics`` command (also ``python -m labor_topics``)."""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import logging
import os
import sys

from . import LABELS, __version__
from .display import pad as _pad, shorten as _short
from .errors import InputError, ModelFileError

EXIT_CODES = """exit codes:
  0  success
  2  bad input or usage: a file that cannot be read (the message names file, line and reason),
     a bad option value, a model file that is refused; nothing is written
  130 interrupted (Ctrl-C); no partial output file is left"""


class UsageError(Exception):
    """A problem with the command line or its inputs: one line on stderr, exit 2."""


def _threshold(value: str):
    if value == "default":
        return "default"
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1] or 'default', got {value!r}") from None
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {value}")
    return number


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {number}")
    return number


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="labor-topics",
        description="File Chinese trade-union news items under the five sections of a union weekly digest "
                    f"({', '.join(LABELS)}).",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"labor-topics {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = sub.add_parser("classify", help="classify texts or the items of a file", epilog=EXIT_CODES,
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Classify the given texts, or the items of --input (a sectioned digest, "
                                   "JSONL, CSV with a 'text' column, or plain text with items separated by blank lines).")
    c.add_argument("texts", nargs="*", metavar="TEXT", help="texts to classify (title and body, or a headline)")
    c.add_argument("--input", "-i", metavar="FILE", help="read items from FILE ('-' for standard input)")
    c.add_argument("--input-format", default="auto", choices=["auto", "digest", "page", "jsonl", "csv", "text", "lines"],
                   help="how to read --input (default: by the file ending; a digest when section headings stand alone)")
    c.add_argument("--lines", action="store_true", help="plain text with one item a line (same as --input-format lines)")
    c.add_argument("--format", "-f", default="table", choices=["table", "jsonl", "csv"], help="output format (default table)")
    c.add_argument("--output", "-o", metavar="FILE", help="write to FILE (atomically) instead of standard output")
    c.add_argument("--threshold", type=_threshold, default=None,
                   help="below this score the section is left empty; a number in [0, 1] or 'default' (the model card's)")
    c.add_argument("--top-k", type=_positive, default=None, help="how many (section, score) pairs to list (default 5)")
    c.add_argument("--explain", action="store_true", help="add the terms that pushed each prediction")
    c.add_argument("--model", metavar="PATH", help="a model file (default: the bundled model)")
    c.add_argument("--jobs", "-j", type=_positive, default=1, help="worker processes (default 1)")
    c.add_argument("--on-error", choices=["stop", "skip"], default="stop",
                   help="a bad line in a JSONL/CSV input: stop (exit 2, the default) or skip it and report it on stderr")

    t = sub.add_parser("train", help="choose a configuration by cross-validation, fit, write model and card",
                       epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    t.add_argument("--data", nargs="+", required=True, metavar="FILE", help="labelled files (digest, JSONL, CSV)")
    t.add_argument("--include-bundled", action="store_true", help="add the bundled training data")
    t.add_argument("--output", "-o", required=True, metavar="PATH", help="model file to write (its card goes beside it)")
    t.add_argument("--heldout", nargs="+", default=[], metavar="FILE",
                   help="labelled files scored once by the model fitted on --data (a held-out figure)")
    t.add_argument("--refit-with-heldout", action="store_true", help="fit the written model on --data and --heldout")
    t.add_argument("--config", metavar="NAME", help="skip the grid and use this configuration (see --list-configs)")
    t.add_argument("--list-configs", action="store_true", help="list the configurations of the grid and exit")
    t.add_argument("--folds", type=_positive, default=5)
    t.add_argument("--repeats", type=_positive, default=3)
    t.add_argument("--seed", type=int, default=0)
    d = sub.add_parser("digest", help="draft a weekly digest (一周速览) from pages, digests or items", epilog=EXIT_CODES,
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Read newspaper pages (split into stories), digests, JSONL or plain text, classify "
                                   "every item and print a draft 一周速览: the five sections in digest order, items by "
                                   "score, and 待定 for the items below the threshold. The same story from two inputs "
                                   "appears once. Input formats (auto): .jsonl/.json -> JSONL, .csv -> CSV; otherwise a "
                                   "digest when section headings stand alone, a page when bylines (本报讯, 本报记者) "
                                   "start lines, else plain text with items separated by blank lines.")
    d.add_argument("files", nargs="+", metavar="FILE", help="input files ('-' for standard input)")
    d.add_argument("--input-format", default="auto", choices=["auto", "page", "digest", "jsonl", "csv", "text"])
    d.add_argument("--format", "-f", default="md", choices=["md", "json"], help="Markdown (default) or JSON")
    d.add_argument("--threshold", type=_threshold, default="default",
                   help="items scoring below this go to 待定 (default: the model card's threshold)")
    d.add_argument("--max-body", type=_positive, default=200, metavar="N",
                   help="cut each body at a sentence end within N characters (default 200)")
    d.add_argument("--model", metavar="PATH", help="a model file (default: the bundled model)")
    d.add_argument("--output", "-o", metavar="FILE", help="write to FILE (atomically) instead of standard output")

    e = sub.add_parser("evaluate", help="judge a model on labelled data, with baselines", epilog=EXIT_CODES,
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Held-out mode (default): score the model (the bundled one unless --model) on the "
                                   "labelled files, leaving out items it was trained on. With --cv K: repeated "
                                   "stratified K-fold on the files (grouped by source_url), a fresh model per fold.")
    e.add_argument("--data", nargs="+", required=True, metavar="FILE", help="labelled files (digest, JSONL, CSV)")
    e.add_argument("--model", metavar="PATH", help="a model file (default: the bundled model; held-out mode)")
    e.add_argument("--cv", type=_positive, metavar="K", help="cross-validate with K folds instead")
    e.add_argument("--repeats", type=_positive, default=1, metavar="R", help="CV repeats (default 1)")
    e.add_argument("--config", metavar="NAME", help="CV configuration (default: the bundled model's)")
    e.add_argument("--seed", type=int, default=0, help="seed for folds, bootstrap and the random baseline (default 0)")
    e.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    e.add_argument("--plot", metavar="PNG", help="draw the confusion matrix (needs the plot extra)")
    e.add_argument("--errors", type=int, default=10, metavar="N", help="list the N most confident errors (default 10)")
    return parser


# ------------------------------------------------------------------ helpers


def _load(model_path):
    from . import load_model

    try:
        return load_model(model_path)
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    except ModelFileError as exc:
        raise UsageError(str(exc)) from None


def _read_input(args, skipped: list):
    """The items of --input, as an iterator (JSONL and one-item-a-line files are streamed)."""
    from .readers import iter_items, parse_items

    fmt = "lines" if args.lines else args.input_format
    on_error = None
    if args.on_error == "skip":
        def on_error(exc):
            skipped.append(exc)
            print(f"labor-topics: skipped {exc}", file=sys.stderr)
    if args.input == "-":
        try:
            content = sys.stdin.buffer.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UsageError("<stdin>: not UTF-8 text") from None
        return iter(parse_items(content.replace("\r\n", "\n"), fmt, "<stdin>", on_error=on_error))
    return iter_items(args.input, fmt, on_error=on_error)


class _Table:
    """Streaming output: a header, then rows chunk by chunk, then a footer."""

    def __init__(self, fmt: str, show_gold: bool):
        self.fmt, self.show_gold = fmt, show_gold
        self.index = 0
        self.hits = self.scored = 0

    def header(self) -> str:
        if self.fmt == "jsonl":
            return ""
        if self.fmt == "csv":
            buf = io.StringIO()
            cols = ["index", "label", "score", *(["gold"] if self.show_gold else []),
                    *[f"score_{label}" for label in LABELS], "title", "text"]
            csv.writer(buf, lineterminator="\r\n").writerow(cols)
            return "\ufeff" + buf.getvalue()
        return self._table_row(["#", "section", "score", *(["gold"] if self.show_gold else []), "item"])

    def _table_row(self, cells) -> str:
        widths = [6, 16, 5, 16, 0] if self.show_gold else [6, 16, 5, 0]
        return "  ".join(_pad(c, w) for c, w in zip(cells, widths)).rstrip() + "\n"

    def rows(self, items, predictions, explanations) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        for k, (item, pred) in enumerate(zip(items, predictions)):
            self.index += 1
            n = self.index
            if item.label in LABELS:
                self.scored += 1
                self.hits += pred.top[0][0] == item.label
            if self.fmt == "jsonl":
                record = {"index": n, "title": item.title or None, "label": pred.label, "score": round(pred.score, 6),
                          "top": [[label, round(score, 6)] for label, score in pred.top]}
                if item.id:
                    record["id"] = item.id
                if item.label:
                    record["gold"] = item.label
                if explanations:
                    record["explain"] = [[name, round(w, 6)] for name, w in explanations[k]]
                buf.write(json.dumps(record, ensure_ascii=False) + "\n")
            elif self.fmt == "csv":
                writer.writerow([n, pred.label or "", f"{pred.score:.4f}", *([item.label or ""] if self.show_gold else []),
                                 *[f"{pred.scores[label]:.4f}" for label in LABELS], item.title, item.text])
            else:
                buf.write(self._table_row([str(n), pred.label or "(待定)", f"{pred.score:.2f}",
                                           *([item.label or ""] if self.show_gold else []), _short(item.title or item.text)]))
                if explanations:
                    terms = ", ".join(f"{name[2:]}({w:+.2f})" for name, w in explanations[k][:6])
                    buf.write(self._table_row(["", "", "", *([""] if self.show_gold else []), "  " + terms]))
        return buf.getvalue()

    def footer(self) -> str:
        if self.fmt == "table" and self.scored:
            return (f"\nagreement with the file's sections: {self.hits}/{self.scored} "
                    "(items of other sections not counted)\n")
        return ""


def _classify(args) -> int:
    import itertools

    from .readers import Item

    if args.input and args.texts:
        raise UsageError("give texts or --input, not both")
    skipped: list = []
    chunk = 1000 if args.jobs == 1 else 5000 * args.jobs  # items read, classified and written at a time
    if args.input:
        stream = _read_input(args, skipped)
        total = None
    elif args.texts:
        for n, text in enumerate(args.texts, start=1):
            if not text.strip():
                raise UsageError(f"argument {n}: empty text")
        stream = iter([Item(text=t, line=n) for n, t in enumerate(args.texts, start=1)])
        total = len(args.texts)
    else:
        raise UsageError("nothing to classify: give TEXT arguments or --input FILE (see labor-topics classify --help)")
    try:
        first = list(itertools.islice(stream, chunk))
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    if not first:
        raise UsageError(f"{args.input}: no items found")
    model = _load(args.model)
    if args.output and os.path.isdir(args.output):
        raise UsageError(f"{args.output}: is a directory; give a file name for --output")
    table = _Table(args.format, show_gold=any(i.label for i in first))
    from tqdm import tqdm

    from .atomic import atomic_writer

    # Input is read and output written chunk by chunk; with --output the output goes to a temporary file
    # renamed into place at the end, so an error or Ctrl-C leaves no partial file.
    count = 0
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(atomic_writer(args.output, text=True)) if args.output else sys.stdout
        bar = stack.enter_context(tqdm(total=total, disable=not args.input or len(first) < chunk,
                                       unit="item", file=sys.stderr, desc="classify"))
        out.write(table.header())
        part = first
        while part:
            texts = [item.model_text for item in part]
            predictions = model.classify_batch(texts, threshold=args.threshold, top_k=args.top_k, n_jobs=args.jobs,
                                               chunk_size=-(-len(texts) // args.jobs))  # one chunk per worker
            explanations = [model.explain(t) for t in texts] if args.explain else None
            out.write(table.rows(part, predictions, explanations))
            bar.update(len(part))
            count += len(part)
            part = list(itertools.islice(stream, chunk))
        out.write(table.footer())
        out.flush()
    if args.input and (args.output or skipped):
        print(f"labor-topics: {count} item(s) classified, {len(skipped)} line(s) skipped"
              + (f", written to {args.output}" if args.output else ""), file=sys.stderr)
    return 0


def _train(args) -> int:
    from .selection import GRID
    from .training import build

    if args.list_configs:
        for name, params in GRID.items():
            print(f"{name:40s} {params}")
        return 0
    for path in args.data + args.heldout:
        if not os.path.isfile(path):
            raise UsageError(f"{path}: no such file")
    if os.path.isdir(args.output):
        raise UsageError(f"{args.output}: is a directory; give a file name such as model.npz")
    grid = None
    if args.config:
        if args.config not in GRID:
            raise UsageError(f"unknown configuration {args.config!r}; see labor-topics train --list-configs")
        grid = {args.config: GRID[args.config]}
    log = lambda msg: print(msg, file=sys.stderr)  # noqa: E731
    try:
        model, card, _ = build(args.data, heldout_paths=args.heldout, refit_with_heldout=args.refit_with_heldout,
                               grid=grid, folds=args.folds, repeats=args.repeats, seed=args.seed,
                               include_bundled=args.include_bundled, progress=sys.stderr.isatty(), log=log)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    from .model_file import card_path
    from .training import file_sha256

    model.save(args.output, card)
    log(f"wrote {args.output} (sha256 {file_sha256(args.output)[:12]}…) and its card {card_path(args.output)}")
    return 0


def _digest(args) -> int:
    from .atomic import atomic_writer
    from .digest import draft_digest
    from .readers import parse_items, read_items

    items = []
    for path in args.files:
        try:
            if path == "-":
                content = sys.stdin.buffer.read().decode("utf-8-sig").replace("\r\n", "\n")
                items.extend(parse_items(content, args.input_format, "<stdin>"))
            else:
                items.extend(read_items(path, args.input_format))
        except FileNotFoundError as exc:
            raise UsageError(str(exc)) from None
        except UnicodeDecodeError:
            raise UsageError(f"{path}: not UTF-8 text") from None
    threshold = args.threshold
    digest = draft_digest(items, model=_load(args.model), threshold=threshold, max_body=args.max_body)
    text = json.dumps(digest.to_dict(), ensure_ascii=False, indent=1) + "\n" if args.format == "json" else digest.markdown()
    if args.output:
        if os.path.isdir(args.output):
            raise UsageError(f"{args.output}: is a directory; give a file name for --output")
        with atomic_writer(args.output, text=True) as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0


def _evaluate(args) -> int:
    import warnings

    from .evaluation import cross_validate_items, evaluate, format_report
    from .training import read_training_files

    if args.cv and args.model:
        raise UsageError("--cv fits fresh models; it does not take --model")
    if args.cv is not None and args.cv < 2:
        raise UsageError("--cv needs at least 2 folds")
    items, problems = read_training_files(args.data)
    if problems:
        raise UsageError("; ".join(problems))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if args.cv:
                from .selection import GRID

                config = args.config or _load(None).card.get("config_name")
                if config not in GRID:
                    raise UsageError(f"unknown configuration {config!r}; see labor-topics train --list-configs")
                report = cross_validate_items(items, config=config, folds=args.cv, repeats=args.repeats, seed=args.seed,
                                              errors=args.errors, progress=True)
            else:
                report = evaluate(_load(args.model), items, seed=args.seed, errors=args.errors)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    for w in caught:
        print(f"labor-topics: warning: {w.message}", file=sys.stderr)
    if args.plot:
        from .plot import plot_confusion

        try:
            warning = plot_confusion(report, args.plot)
        except RuntimeError as exc:
            raise UsageError(str(exc)) from None
        if warning:
            print(f"labor-topics: warning: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        sys.stdout.write(format_report(report))
    return 0


def main(argv=None) -> int:
    import jieba  # the CLI, not the library, quiets jieba's log messages

    jieba.setLogLevel(logging.WARNING)
    args = _parser().parse_args(argv)
    try:
        if args.command == "classify":
            return _classify(args)
        if args.command == "evaluate":
            return _evaluate(args)
        if args.command == "digest":
            return _digest(args)
        return _train(args)
    except (UsageError, InputError) as exc:
        print(f"labor-topics: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("labor-topics: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
