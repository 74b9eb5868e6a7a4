"""The ``labor-topics`` command (also ``python -m labor_topics``)."""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import itertools
import json
import os
import signal
import sys

from . import LABELS, __version__
from .atomic import OutputPathError, atomic_writer, check_output_path
from .display import pad as _pad, progress, shorten as _short
from .errors import InputError, ModelFileError
from .readers import FORMATS
from .validation import check_number, check_threshold

EXIT_CODES = """exit codes:
  0   success
  2   bad input or usage: a file that cannot be read (the message names file, line and reason),
      a bad option value, a model file that is refused, an output path that cannot be written;
      with --output nothing is written. (Without --output, lines already printed to standard
      output before an error at a later input line stay printed.)
  130 interrupted (Ctrl-C); 143 terminated (SIGTERM): no partial output file is left"""


class UsageError(Exception):
    """A problem with the command line or its inputs: one line on stderr, exit 2."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C (temporary files removed, worker processes stopped)."""


# ------------------------------------------------------------------ option values


def _number_type(name: str, *, integer: bool, low=None, high=None):
    """An argparse type: the text as a number, checked by the same rule as the Python API."""
    def parse(text: str):
        try:
            value = int(text) if integer else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {'a whole number' if integer else 'a number'}, got {text!r}") from None
        try:
            return check_number(value, name, integer=integer, low=low, high=high)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    return parse


def _threshold(text: str):
    if text == "default":
        return "default"
    try:
        return check_threshold(float(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1] or 'default', got {text!r}") from None


_positive = _number_type("value", integer=True, low=1)
_count = _number_type("count", integer=True, low=0)


# ------------------------------------------------------------------ the parser, one builder per command


def _command(sub, name: str, **kw) -> argparse.ArgumentParser:
    return sub.add_parser(name, epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter, **kw)


def _add_classify(sub) -> None:
    c = _command(sub, "classify", help="classify texts or the items of a file",
                 description="Classify the given texts, or the items of --input: a sectioned digest, a newspaper "
                             "page, an article (a WeChat post), JSONL, CSV or Excel with a text column (text, 内容 or "
                             "正文), a Word file, a saved web page, plain text with items separated by blank lines, "
                             "or a folder of such files.")
    c.add_argument("texts", nargs="*", metavar="TEXT", help="texts to classify (title and body, or a headline)")
    c.add_argument("--input", "-i", metavar="FILE", help="read items from FILE ('-' for standard input; a folder: "
                                                         "each of its files, a text file being one article)")
    c.add_argument("--input-format", default="auto", choices=FORMATS,
                   help="how to read --input (default: by the file ending, else by the content)")
    c.add_argument("--lines", action="store_true", help="plain text with one item a line (same as --input-format lines)")
    c.add_argument("--columns", metavar="FIELD=COLUMN,…", help="which columns (or JSON fields) hold the title, text, "
                                                             "label …, e.g. title=标题,text=正文 (default: the usual "
                                                             "names in English or Chinese)")
    c.add_argument("--encoding", metavar="NAME", help="the input's text encoding (default: UTF-8, else GB18030/GBK)")
    c.add_argument("--format", "-f", choices=["table", "jsonl", "csv", "xlsx"],
                   help="output format (default: table; with --output, by its ending: .csv, .xlsx, .jsonl)")
    c.add_argument("--output", "-o", metavar="FILE", help="write to FILE (atomically) instead of standard output")
    c.add_argument("--threshold", type=_threshold, default=None,
                   help="below this score the section is left empty; a number in [0, 1] or 'default' (the model card's)")
    c.add_argument("--top-k", type=_positive, default=None,
                   help="how many (section, score) pairs to list (default: 5 in JSONL; the table shows the runner-up)")
    c.add_argument("--explain", action="store_true", help="add the terms that pushed each prediction")
    c.add_argument("--model", metavar="PATH", help="a model file (default: the bundled model)")
    c.add_argument("--jobs", "-j", type=_positive, default=1, help="worker processes (default 1)")
    c.add_argument("--on-error", choices=["stop", "skip"], default="stop",
                   help="a bad line in a JSONL/CSV input: stop (exit 2, the default) or skip it and report it on stderr")


def _add_train(sub) -> None:
    t = _command(sub, "train", help="fit a model (the bundled configuration, or the best of the grid with --search)",
                 description="Fit a model on labelled files and write it with its card. By default the bundled "
                             "model's configuration is refitted (seconds); --search compares the configurations "
                             "of the grid by repeated cross-validation first (minutes).")
    t.add_argument("--data", nargs="+", metavar="FILE", help="labelled files (digest, JSONL, CSV); required unless --list-configs")
    t.add_argument("--include-bundled", action="store_true", help="add the bundled training data")
    t.add_argument("--output", "-o", metavar="PATH", help="model file to write (its card goes beside it); required unless --list-configs")
    t.add_argument("--heldout", nargs="+", default=[], metavar="FILE",
                   help="labelled files scored once by the model fitted on --data (a held-out figure)")
    t.add_argument("--refit-with-heldout", action="store_true", help="fit the written model on --data and --heldout")
    t.add_argument("--config", metavar="NAME", help="fit this configuration of the grid (see --list-configs); "
                                                   "default: the bundled model's")
    t.add_argument("--search", action="store_true", help="compare every configuration of the grid by cross-validation "
                                                         "and fit the best (the card records the grid)")
    t.add_argument("--learning-curve", action="store_true", help="add the CV macro-F1 at 25/50/75/100 %% of the "
                                                                 "training items to the card")
    t.add_argument("--list-configs", action="store_true", help="list the configurations of the grid and exit")
    t.add_argument("--folds", type=_number_type("folds", integer=True, low=2), default=5,
                   help="cross-validation folds, grouped by source page and stratified by section (default 5)")
    t.add_argument("--repeats", type=_positive, default=3, help="cross-validation repeats with other shuffles (default 3)")
    t.add_argument("--seed", type=int, default=0, help="seed of the fold shuffles and the solvers (default 0)")


def _add_digest(sub) -> None:
    d = _command(sub, "digest", help="draft a weekly digest (一周速览) from pages, digests or items",
                 description="Read newspaper pages (split into stories), digests, JSONL or plain text, classify "
                             "every item and print a draft 一周速览: the five sections in digest order, items by "
                             "score, and 待定 for the items below the threshold. The same story from two inputs "
                             "appears once. Input formats (auto): .jsonl/.json -> JSONL, .csv -> CSV; otherwise a "
                             "digest when section headings stand alone, a page when bylines (本报讯, 本报记者) "
                             "start lines, else plain text with items separated by blank lines.")
    d.add_argument("files", nargs="+", metavar="FILE", help="input files or folders ('-' for standard input)")
    d.add_argument("--input-format", default="auto", choices=[f for f in FORMATS if f != "lines"])
    d.add_argument("--columns", metavar="FIELD=COLUMN,…", help="which columns hold the title, text … (see classify)")
    d.add_argument("--encoding", metavar="NAME", help="the inputs' text encoding (default: UTF-8, else GB18030/GBK)")
    d.add_argument("--format", "-f", choices=["md", "json", "docx"],
                   help="Markdown, JSON or Word (default: by the ending of --output, else Markdown)")
    d.add_argument("--threshold", type=_threshold, default="default",
                   help="items scoring below this go to 待定 (default: the model card's threshold)")
    d.add_argument("--max-body", type=_positive, default=200, metavar="N",
                   help="cut each body at a sentence end within N characters (default 200)")
    d.add_argument("--model", metavar="PATH", help="a model file (default: the bundled model)")
    d.add_argument("--output", "-o", metavar="FILE", help="write to FILE (atomically) instead of standard output")


def _add_evaluate(sub) -> None:
    e = _command(sub, "evaluate", help="judge a model on labelled data, with baselines",
                 description="Held-out mode (default): score the model (the bundled one unless --model) on the "
                             "labelled files, leaving out items it was trained on. With --cv K: repeated "
                             "stratified K-fold on the files (grouped by source_url), a fresh model per fold.")
    e.add_argument("--data", nargs="+", required=True, metavar="FILE", help="labelled files (digest, JSONL, CSV)")
    e.add_argument("--model", metavar="PATH", help="a model file (default: the bundled model; held-out mode)")
    e.add_argument("--cv", type=_number_type("--cv", integer=True, low=2), metavar="K", help="cross-validate with K folds instead")
    e.add_argument("--repeats", type=_positive, default=1, metavar="R", help="CV repeats (default 1)")
    e.add_argument("--config", metavar="NAME", help="CV configuration (default: the bundled model's)")
    e.add_argument("--seed", type=int, default=0, help="seed for folds, bootstrap and the random baseline (default 0)")
    e.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    e.add_argument("--plot", metavar="PNG", help="draw the confusion matrix (needs the plot extra)")
    e.add_argument("--errors", type=_count, default=10, metavar="N", help="list the N most confident errors (default 10)")


def _add_serve(sub) -> None:
    v = _command(sub, "serve", help="a web page for editors and a JSON API (needs the serve extra)",
                 description="Serve the editor's page at / and the JSON API at /v1 (documented at /docs and "
                             "/openapi.json) on this machine. Corrections the editor accepts are appended to "
                             "DATA_DIR/corrections.jsonl.")
    v.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    v.add_argument("--port", type=_number_type("--port", integer=True, low=1, high=65535), default=8000,
                   help="port (default 8000)")
    v.add_argument("--model", metavar="PATH", help="a model file (default: the bundled model)")
    v.add_argument("--data-dir", default="labor-topics-data", metavar="DIR",
                   help="where corrections are stored (default ./labor-topics-data)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="labor-topics",
        description="File Chinese trade-union news items under the five sections of a union weekly digest "
                    f"({', '.join(LABELS)}).",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"labor-topics {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (_add_classify, _add_train, _add_digest, _add_evaluate, _add_serve):
        add(sub)
    return parser


# ------------------------------------------------------------------ helpers


def _load(model_path):
    from .bundled import bundled_model, load_model

    try:
        return bundled_model() if model_path is None else load_model(model_path)
    except (FileNotFoundError, ModelFileError) as exc:
        raise UsageError(str(exc)) from None


def _output_path(path: str | None, inputs) -> None:
    """Refuse an --output that is a directory, a device, or one of the inputs (before any work)."""
    if path is not None:
        try:
            check_output_path(path, [p for p in inputs if p])
        except OutputPathError as exc:
            raise UsageError(str(exc)) from None


@contextlib.contextmanager
def _output(path: str | None):
    """The output stream: an atomic file for --output, else standard output."""
    if path:
        with atomic_writer(path, text=True) as fh:
            yield fh
    else:
        yield sys.stdout


#: Columns added to an input's own columns in CSV and Excel output.
PREDICTION_COLUMNS = ["section", "score", "runner_up", "runner_up_score", "待定"]


class _OutputWriter:
    """Streaming output of predictions as a table, JSONL or CSV: a header, rows chunk by chunk, a footer. When the
    items come from a table (CSV or Excel), CSV output repeats every input column and adds
    :data:`PREDICTION_COLUMNS`, so that it can be sorted, filtered and joined back to the sheet."""

    def __init__(self, fmt: str, show_gold: bool, top_k: int | None, input_columns: list[str] | None = None,
                 threshold=None):
        self.fmt, self.show_gold = fmt, show_gold
        self.input_columns = input_columns
        self.threshold = threshold
        self.runner_up = top_k is None or top_k >= 2  # the table shows the runner-up unless --top-k 1
        self.index = 0
        self.hits = self.scored = 0

    def _columns(self) -> list[str]:
        return ["#", "section", "score", *(["gold"] if self.show_gold else []), *(["runner-up"] if self.runner_up else []), "item"]

    def header(self) -> str:
        if self.fmt == "jsonl":
            return ""
        if self.fmt == "csv":
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\r\n").writerow(self.csv_columns())
            return "\ufeff" + buf.getvalue()
        return self._table_row(self._columns())

    def csv_columns(self) -> list[str]:
        if self.input_columns:
            return [*self.input_columns, *PREDICTION_COLUMNS]
        return ["index", "label", "score", *(["gold"] if self.show_gold else []), "runner_up", "runner_up_score",
                *[f"score_{label}" for label in LABELS], "title", "text"]

    def csv_row(self, n: int, item, pred, second) -> list:
        if self.input_columns:
            values = dict(item.fields)
            return [*[values.get(c, "") for c in self.input_columns], pred.top[0][0], round(pred.score, 4), second[0],
                    round(second[1], 4), "待定" if pred.label is None else ""]
        return [n, pred.label or "", f"{pred.score:.4f}", *([item.label or ""] if self.show_gold else []),
                second[0], f"{second[1]:.4f}", *[f"{pred.scores[label]:.4f}" for label in LABELS], item.title, item.text]

    def rows_as_lists(self, items, predictions) -> list[list]:
        """The rows of CSV or Excel output, as lists of cells."""
        out = []
        for item, pred in zip(items, predictions):
            self.index += 1
            out.append(self.csv_row(self.index, item, pred, _runner_up(pred)))
        return out

    def _table_row(self, cells) -> str:
        widths = [6, 16, 5] + ([16] if self.show_gold else []) + ([22] if self.runner_up else []) + [0]
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
            second = _runner_up(pred)
            if self.fmt == "jsonl":
                record = {"index": n, "title": item.title or None, "label": pred.label, "score": round(pred.score, 6),
                          "top": [[label, round(score, 6)] for label, score in pred.top]}
                if item.id:
                    record["id"] = item.id
                if item.label:
                    record["gold"] = item.label
                if explanations:
                    record["explain"] = [[name, round(w, 6)] for name, w in explanations[k]]
                buf.write(json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n")
            elif self.fmt == "csv":
                writer.writerow(self.csv_row(n, item, pred, second))
            else:
                buf.write(self._table_row([str(n), pred.label or "(待定)", f"{pred.score:.2f}",
                                           *([item.label or ""] if self.show_gold else []),
                                           *([f"{second[0]} {second[1]:.2f}"] if self.runner_up else []),
                                           _short(item.title or item.text)]))
                if explanations:
                    terms = ", ".join(f"{name}({w:+.2f})" for name, w in explanations[k][:6])
                    buf.write(self._table_row(["", "", "", *([""] if self.show_gold else []), *([""] if self.runner_up else []),
                                               "  " + terms]))
        return buf.getvalue()

    def footer(self) -> str:
        if self.fmt == "table" and self.scored:
            return (f"\nagreement with the file's sections: {self.hits}/{self.scored} "
                    "(items of other sections not counted)\n")
        return ""


def _runner_up(pred) -> tuple[str, float]:
    if len(pred.top) > 1:
        return pred.top[1]
    return max(((label, s) for label, s in pred.scores.items() if label != pred.top[0][0]), key=lambda p: p[1])


# ------------------------------------------------------------------ classify


#: Items read, classified and written at a time: one process, and per worker with --jobs.
_CHUNK_ONE, _CHUNK_PER_WORKER = 1000, 5000


def _items_to_classify(args, skipped: list):
    """The items to classify, as an iterator (files and standard input are streamed alike)."""
    from .items import Item
    from .readers import iter_items, parse_columns

    if args.input and args.texts:
        raise UsageError("give texts or --input, not both")
    if args.input:
        def on_error(exc):
            skipped.append(exc)
            print(f"labor-topics: skipped {exc}", file=sys.stderr)

        fmt = "lines" if args.lines else args.input_format
        try:
            return iter_items(args.input, fmt, on_error=on_error if args.on_error == "skip" else None,
                              columns=parse_columns(args.columns), encoding=args.encoding)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    if args.texts:
        for n, text in enumerate(args.texts, start=1):
            if not text.strip():
                raise UsageError(f"argument {n}: empty text")
        return iter([Item(text=t, line=n) for n, t in enumerate(args.texts, start=1)])
    raise UsageError("nothing to classify: give TEXT arguments or --input FILE (see labor-topics classify --help)")


def _classify(args) -> int:
    skipped: list = []
    _output_path(args.output, [args.input, args.model])
    stream = _items_to_classify(args, skipped)
    chunk = _CHUNK_ONE if args.jobs == 1 else _CHUNK_PER_WORKER * args.jobs
    try:
        first = list(itertools.islice(stream, chunk))
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    if not first:
        raise UsageError(f"{args.input}: no items found")
    model = _load(args.model)
    fmt = args.format or _format_of(args.output, {".csv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".json": "jsonl"}, "table")
    if fmt == "xlsx" and not args.output:
        raise UsageError("Excel output needs --output FILE.xlsx")
    tabular = [c for c, _ in first[0].fields] if first[0].fields else None
    writer = _OutputWriter("csv" if fmt == "xlsx" else fmt, show_gold=any(i.label for i in first), top_k=args.top_k,
                           input_columns=tabular)
    if fmt == "xlsx":
        return _classify_to_xlsx(args, model, writer, first, stream, chunk, skipped)
    count = 0
    # Input is read and output written chunk by chunk; with --output the output goes to a temporary file
    # renamed into place at the end, so an error, Ctrl-C or SIGTERM leaves no partial file.
    with _output(args.output) as out, progress(None, "classify", show=bool(args.input) and len(first) == chunk,
                                               unit="item") as bar:
        out.write(writer.header())
        for part, predictions in _classified(args, model, first, stream, chunk):
            explanations = [model.explain(item.model_text) for item in part] if args.explain else None
            out.write(writer.rows(part, predictions, explanations))
            bar.update(len(part))
            count += len(part)
        out.write(writer.footer())
        out.flush()
    if args.input and (args.output or skipped):
        print(f"labor-topics: {count} item(s) classified, {len(skipped)} line(s) skipped"
              + (f", written to {args.output}" if args.output else ""), file=sys.stderr)
    return 0


def _classified(args, model, first: list, stream, chunk: int):
    """(items, predictions) for the first chunk, then each next chunk read from ``stream``."""
    part = first
    while part:
        predictions = model.classify_batch([item.model_text for item in part], threshold=args.threshold,
                                           top_k=args.top_k, n_jobs=args.jobs,
                                           chunk_size=-(-len(part) // args.jobs))  # one chunk per worker
        yield part, predictions
        part = list(itertools.islice(stream, chunk))


def _format_of(path: str | None, endings: dict[str, str], default: str) -> str:
    lower = (path or "").lower()
    return next((fmt for ending, fmt in endings.items() if lower.endswith(ending)), default)


def _classify_to_xlsx(args, model, writer, first, stream, chunk, skipped) -> int:
    """Excel output: every row classified, then one sheet written atomically."""
    from .office import write_xlsx

    rows = []
    for part, predictions in _classified(args, model, first, stream, chunk):
        rows += writer.rows_as_lists(part, predictions)
    with atomic_writer(args.output) as fh:
        write_xlsx(fh, writer.csv_columns(), rows)
    print(f"labor-topics: {len(rows)} item(s) classified, {len(skipped)} line(s) skipped, written to {args.output}",
          file=sys.stderr)
    return 0


# ------------------------------------------------------------------ train, digest, evaluate


def _train(args) -> int:
    from .model_file import card_path, save_model
    from .selection import GRID
    from .training import file_sha256, run_training

    if args.list_configs:
        for name, params in GRID.items():
            print(f"{name:40s} {params}")
        return 0
    if not args.data or not args.output:
        raise UsageError("train needs --data FILE… and --output PATH (or --list-configs)")
    for path in args.data + args.heldout:
        if not os.path.isfile(path):
            raise UsageError(f"{path}: no such file")
    _output_path(args.output, args.data + args.heldout)
    _output_path(card_path(args.output), args.data + args.heldout)
    grid = None
    if args.config:
        if args.config not in GRID:
            raise UsageError(f"unknown configuration {args.config!r}; see labor-topics train --list-configs")
        grid = {args.config: GRID[args.config]}
    log = lambda msg: print(msg, file=sys.stderr)  # noqa: E731
    base = None if args.config or args.search else _load(None)
    try:
        model, card, _ = run_training(args.data, heldout_paths=args.heldout, refit_with_heldout=args.refit_with_heldout,
                                      search=args.search, grid=grid, config=args.config, base=base, folds=args.folds,
                                      repeats=args.repeats, seed=args.seed, include_bundled=args.include_bundled,
                                      curve=args.learning_curve, show_progress=True, log=log)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    save_model(model, args.output, card)
    log(f"wrote {args.output} (sha256 {file_sha256(args.output)[:12]}…) and its card {card_path(args.output)}")
    return 0


def _digest(args) -> int:
    from .digest import draft_digest
    from .readers import parse_columns, read_items

    _output_path(args.output, [*args.files, args.model])
    fmt = args.format or _format_of(args.output, {".json": "json", ".docx": "docx"}, "md")
    if fmt == "docx" and not args.output:
        raise UsageError("Word output needs --output FILE.docx")
    items = []
    for path in args.files:
        try:
            items.extend(read_items(path, args.input_format, columns=parse_columns(args.columns), encoding=args.encoding))
        except FileNotFoundError as exc:
            raise UsageError(str(exc)) from None
        except ValueError as exc:
            if isinstance(exc, InputError):
                raise
            raise UsageError(str(exc)) from None
    digest = draft_digest(items, model=_load(args.model), threshold=args.threshold, max_body=args.max_body)
    if fmt == "docx":
        from .office import write_digest_docx

        with atomic_writer(args.output) as fh:
            write_digest_docx(fh, digest)
        return 0
    text = (json.dumps(digest.to_dict(), ensure_ascii=False, indent=1, allow_nan=False) + "\n" if fmt == "json"
            else digest.markdown())
    with _output(args.output) as out:
        out.write(text)
    return 0


def _evaluate(args) -> int:
    import warnings

    from .evaluation import cross_validate_items, evaluate
    from .report import format_report
    from .selection import GRID
    from .training import read_training_files

    if args.cv and args.model:
        raise UsageError("--cv fits fresh models; it does not take --model")
    items, problems = read_training_files(args.data)
    if problems:
        raise UsageError("; ".join(problems))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if args.cv:
                config = args.config or _load(None).card.get("config_name")
                if config not in GRID:
                    raise UsageError(f"unknown configuration {config!r}; see labor-topics train --list-configs")
                report = cross_validate_items(items, config=config, folds=args.cv, repeats=args.repeats, seed=args.seed,
                                              errors=args.errors, show_progress=True)
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
        print(json.dumps(report, ensure_ascii=False, allow_nan=False))
    else:
        sys.stdout.write(format_report(report))
    return 0


def _serve(args) -> int:
    try:
        import uvicorn
    except ImportError:
        raise UsageError('serve needs the serve extra: pip install "labor-topics[serve]"') from None
    from .server import create_app

    app = create_app(_load(args.model), args.data_dir)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"labor-topics: warning: listening on {args.host}, not only this machine: anyone who can reach it can "
              "classify and store corrections", file=sys.stderr)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"labor-topics: open http://{shown}:{args.port}/ (corrections go to {os.path.abspath(args.data_dir)}; "
          "Ctrl-C stops)", file=sys.stderr, flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


# ------------------------------------------------------------------ main

_COMMANDS = {"classify": _classify, "train": _train, "digest": _digest, "evaluate": _evaluate, "serve": _serve}


def _on_sigterm(signum, frame):
    raise Terminated()


def main(argv=None) -> int:
    """Run the command line; return the exit code (see ``EXIT_CODES``)."""
    args = _parser().parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if _in_main_thread() else None
    try:
        return _COMMANDS[args.command](args)
    except (UsageError, InputError, OutputPathError) as exc:
        print(f"labor-topics: error: {exc}", file=sys.stderr)
        return 2
    except Terminated:
        print("labor-topics: terminated", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("labor-topics: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (nothing more reaches the closed pipe)
        return 0
    except OSError as exc:  # permission denied, a path below a file, a full disk …
        name = f"{exc.filename}: " if exc.filename else ""
        print(f"labor-topics: error: {name}{exc.strerror or exc}", file=sys.stderr)
        return 2
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


if __name__ == "__main__":
    sys.exit(main())
