"""Remove each protection in turn and check that its test fails (CI runs it after the test suite).

    python tests/check_protections.py            # the baseline, then all mutations
    python tests/check_protections.py 3 7        # the baseline, then some of them, by number
    python tests/check_protections.py --table    # the table of tests/PROTECTIONS.md (tests/test_layout.py
                                                 # checks that the file holds it)

First the baseline: every protection test must pass in an unchanged copy of the project (otherwise a test that
fails for another reason would count as "good"). Then, for each mutation: copy the project to a temporary
folder, apply the change to the source, run the protection's test there with ``python -m pytest`` (which
imports the copy's source), and check that the test fails, as it must. Two mutations run at a time. Exit 0 when
the baseline passes and every mutation makes its test fail. The table in tests/PROTECTIONS.md lists them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent


class Mutation(NamedTuple):
    protection: str
    file: str
    changes: tuple[tuple[str, str], ...]  # (text to replace, replacement), each found exactly once
    test: str


def _m(protection, file, old, new, test) -> Mutation:
    return Mutation(protection, file, ((old, new),), test)


SAFETY = "tests/test_safety.py::"
HOSTILE = "tests/test_hostile_models.py::"
MODEL_FILE = "tests/test_model_file.py::"

MUTATIONS = [
    # ---------------------------------------------------------------- model files
    _m("refuse pickles before anything else", "labor_topics/model_file.py",
       'if data[:1] == b"\\x80" or', "if False and", MODEL_FILE + "test_a_pickle_is_refused"),
    Mutation("arrays read without pickle, objects refused from the npy header", "labor_topics/model_file.py",
             (("read_array(io.BytesIO(raw), allow_pickle=False)", "read_array(io.BytesIO(raw), allow_pickle=True)"),
              ("        if dtype.hasobject:\n", "        if False:\n"),
              ("        wanted = \"U\" if name == \"vocabulary\" else \"f\"\n        if dtype.kind != wanted or",
               "        wanted = \"U\" if name == \"vocabulary\" else \"f\"\n        if False and"),
              ("        if math.prod(shape) * dtype.itemsize > len(raw):", "        if False:")),
             SAFETY + "test_object_arrays_with_a_consistent_header_run_no_code"),
    _m("declared member sizes checked before reading (zip bomb)", "labor_topics/archives.py",
       "        if total > limit:", "        if False:", SAFETY + "test_a_zip_bomb_is_refused_before_reading"),
    _m("a file too large to be a model is refused unread", "labor_topics/model_file.py",
       "        if info.st_size > MAX_FILE_BYTES:", "        if False:", SAFETY + "test_a_file_too_large_to_be_a_model_is_not_read"),
    _m("the sha256 of every array", "labor_topics/model_file.py",
       'if hashlib.sha256(raw).hexdigest() != meta.get("sha256"):', "if False:",
       SAFETY + "test_an_edited_array_with_a_valid_zip_is_detected"),
    _m("header shapes must match the arrays", "labor_topics/model_file.py",
       'if list(array.shape) != meta.get("shape") or', "if False and",
       MODEL_FILE + "test_a_header_that_disagrees_with_the_arrays_is_refused"),
    _m("unknown format version refused", "labor_topics/model_file.py",
       "if version != FORMAT_VERSION:", "if False:", MODEL_FILE + "test_an_unknown_format_version_is_refused"),
    _m("the labels must be the five sections", "labor_topics/model_file.py",
       'if header.get("labels") != list(LABELS):', "if False:", SAFETY + "test_wrong_labels_in_header_are_refused"),
    _m("every archive error becomes ModelFileError", "labor_topics/model_file.py",
       "    except Exception as exc:  # a damaged file must never surface", "    except ZeroDivisionError as exc:  # (mutated)",
       SAFETY + "test_an_archive_error_outside_the_known_ones_is_still_a_model_file_error"),
    _m("a directory is named as such", "labor_topics/model_file.py",
       "        if stat.S_ISDIR(info.st_mode):\n            self.fail(\"is a directory, not a model file\")\n", "",
       MODEL_FILE + "test_directory_and_missing_path"),
    _m("a card beside an old model that does not describe it is ignored", "labor_topics/model_file.py",
       "if recorded != hashlib.sha256(data).hexdigest():", "if False:",
       SAFETY + "test_a_card_beside_an_old_model_that_belongs_to_another_is_ignored"),
    _m("a model's card is inside it", "labor_topics/model_file.py",
       '        if "card.json" in infos:\n', "        if False:\n",
       SAFETY + "test_a_model_keeps_its_own_card_whatever_lies_beside_it"),
    _m("the feature contract: the union dictionary", "labor_topics/model_file.py",
       'if contract.get("union_terms_sha256") != ours["union_terms_sha256"]:', "if False:",
       MODEL_FILE + "test_a_model_made_under_other_feature_rules_is_refused"),
    _m("the feature contract: the rules' version", "labor_topics/model_file.py",
       'if contract.get("version") != ours["version"]:', "if False:",
       MODEL_FILE + "test_a_model_made_under_other_feature_rules_is_refused"),
    _m("only regular files are read as models (D1)", "labor_topics/model_file.py",
       "        if not stat.S_ISREG(info.st_mode):\n", "        if False:\n", HOSTILE + "test_a_device_is_refused_unread"),
    _m("only stored or deflated members (D2)", "labor_topics/archives.py",
       "if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):", "if False:",
       HOSTILE + "test_a_bzip2_bomb_declaring_a_small_size_is_refused_unread"),
    _m("the configuration's n-gram ranges checked (D3)", "labor_topics/model_file.py",
       "or not 1 <= value[0] <= value[1] <= _MAX_NGRAM):", "or False):",
       HOSTILE + "test_a_bad_configuration_is_refused_at_load"),
    _m("max_chars checked (D3)", "labor_topics/model_file.py",
       "if type(max_chars) is not int or not 1 <= max_chars <= _MAX_CHARS_LIMIT:", "if False:",
       HOSTILE + "test_a_bad_configuration_is_refused_at_load"),
    _m("unknown configuration fields refused (D3)", "labor_topics/model_file.py",
       "        if unknown:\n", "        if False:\n", HOSTILE + "test_a_bad_configuration_is_refused_at_load"),
    _m("the vocabulary sorted and unique (D4)", "labor_topics/model_file.py",
       "if len(vocabulary) > 1 and not (vocabulary[1:] > vocabulary[:-1]).all():", "if False:",
       HOSTILE + "test_a_malformed_vocabulary_is_refused"),
    _m("vocabulary names are n-grams of the configuration (D4)", "labor_topics/model_file.py",
       "or lengths.min() < char_range[0] or lengths.max() > char_range[1]):", "or False):",
       HOSTILE + "test_a_malformed_vocabulary_is_refused"),
    _m("the hash table falls back to binary search on long probe chains (D4)", "labor_topics/features.py",
       "            if probe > self.MAX_PROBE:\n", "            if False:\n",
       HOSTILE + "test_keys_built_to_collide_in_the_hash_table_build_and_look_up_fast"),
    _m("finite arrays only (D5)", "labor_topics/model_file.py",
       "if not np.isfinite(arrays[name]).all():", "if False:", HOSTILE + "test_nan_or_infinity_in_an_array_is_refused"),
    _m("a finite temperature in range (D5)", "labor_topics/model_file.py",
       "                or not 1e-6 <= temperature <= 1e6:", "                or False:", HOSTILE + "test_bad_scalars_are_refused"),
    _m("a card that cannot be read is ignored, not fatal (D16)", "labor_topics/model_file.py",
       "        except (OSError, ValueError, RecursionError) as exc:\n            warnings.warn(f\"{cpath}: cannot read",
       "        except (OSError,) as exc:\n            warnings.warn(f\"{cpath}: cannot read",
       HOSTILE + "test_a_huge_or_deeply_nested_card_beside_an_old_model_is_ignored_not_fatal"),
    # ---------------------------------------------------------------- writing files
    _m("atomic save (temporary file, then rename)", "labor_topics/atomic.py",
       "def atomic_write(path: str | os.PathLike, data: bytes) -> None:\n    \"\"\"Write ``data`` to ``path`` atomically (see :func:`atomic_writer`).\"\"\"\n",
       "def atomic_write(path: str | os.PathLike, data: bytes) -> None:\n    return open(path, 'wb').write(data)\n",
       MODEL_FILE + "test_a_failed_save_leaves_the_old_file_intact"),
    _m("a unique temporary file per writer", "labor_topics/atomic.py",
       "    fd, tmp = tempfile.mkstemp(prefix=\".tmp-\", suffix=\"-\" + os.path.basename(target), dir=folder)",
       "    tmp = target + '.tmp'\n    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)",
       SAFETY + "test_two_processes_saving_to_one_path_leave_one_complete_model"),
    _m("CLI output through a temporary file", "labor_topics/cli.py",
       "        with atomic_writer(path, text=True) as fh:\n            yield fh",
       "        with open(path, 'w', encoding='utf-8') as fh:\n            yield fh",
       SAFETY + "test_ctrl_c_and_sigterm_leave_no_partial_output_and_no_workers"),
    _m("SIGTERM handled like Ctrl-C (D23)", "labor_topics/cli.py",
       "signal.signal(signal.SIGTERM, _on_sigterm) if _in_main_thread() else None", "None",
       SAFETY + "test_ctrl_c_and_sigterm_leave_no_partial_output_and_no_workers"),
    _m("an output that is an input is refused (D14)", "labor_topics/atomic.py",
       "        if source and source != \"-\" and os.path.exists(source)", "        if False and source",
       "tests/test_outputs.py::test_an_output_that_is_an_input_is_refused_and_the_input_kept"),
    _m("special files are not replaced by an output (D13)", "labor_topics/atomic.py",
       "        if mode and not stat.S_ISREG(mode):", "        if False:",
       "tests/test_outputs.py::test_a_special_file_as_output_is_refused_and_left_as_it_is"),
    _m("an output is written through a symlink (D13)", "labor_topics/atomic.py",
       "    real = os.path.realpath(path)\n", "    real = os.path.abspath(path)\n",
       "tests/test_outputs.py::test_an_output_through_a_symlink_writes_the_target_and_keeps_the_link"),
    _m("a model's card place is checked before the model is written (D24)", "labor_topics/model_file.py",
       "    check_output_path(card_path(path))\n", "",
       "tests/test_outputs.py::test_a_failed_save_never_leaves_a_model_without_its_card"),
    # ---------------------------------------------------------------- text and inputs
    _m("lone surrogates removed before OpenCC and jieba", "labor_topics/normalize.py",
       "\\x7f\\ud800-\\udfff]", "\\x7f]", SAFETY + "test_any_text_gets_a_valid_prediction_or_a_value_error"),
    _m("blank text raises ValueError", "labor_topics/pipeline.py",
       "    if not text or text.isspace():\n        raise ValueError", "    if False:\n        raise ValueError",
       SAFETY + "test_any_text_gets_a_valid_prediction_or_a_value_error"),
    _m("only the first max_chars characters are read", "labor_topics/pipeline.py",
       "normalize(text[:max_chars])", "normalize(text)", SAFETY + "test_ten_megabytes_read_as_their_first_max_chars"),
    _m("furniture lines matched within their line (D6)", "labor_topics/patterns.py",
       'rf"^{_SP}*(?:来源|编辑', 'rf"^\\s*(?:来源|编辑', "tests/test_patterns.py::test_a_text_of_newlines_classifies_in_milliseconds"),
    _m("page detection within a line (D10)", "labor_topics/patterns.py",
       'PAGE_MARKER = re.compile(rf"^{_SP}*', 'PAGE_MARKER = re.compile(rf"^\\s*',
       "tests/test_patterns.py::test_patterns_take_linear_time_on_adversarial_inputs[page detection-newlines then a line]"),
    _m("the digest's credit removal without backtracking (D11)", "labor_topics/digest.py",
       "lines.append(strip_credit(line) if", "lines.append(__import__('re').sub(r\"\\s+\\S{0,12}(?:记者|通讯员)?\\s*\\S{0,12}\\s*摄\\s*[)）]?$\", '', line) if",
       "tests/test_digest.py::test_a_long_run_of_spaces_before_a_credit_is_quick"),
    _m("split_page linear in the stories (D12)", "labor_topics/pages.py",
       "spans=_spans(members, order)", "spans=_spans(members, {id(l): k for k, l in enumerate(lines)})",
       "tests/test_patterns.py::test_split_page_is_linear_in_the_number_of_stories"),
    _m("devices are refused as input (D1)", "labor_topics/readers.py",
       "    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):", "    if False:",
       "tests/test_readers.py::test_a_device_as_input_is_a_one_line_error"),
    _m("a line has a length limit (D1)", "labor_topics/readers.py",
       "        if len(raw) > MAX_LINE_BYTES:\n            raise InputError(source, number, f\"a line longer",
       "        if False:\n            raise InputError(source, number, f\"a line longer",
       "tests/test_readers.py::test_a_line_longer_than_the_limit_is_an_error_not_a_memory_blowup"),
    _m("deeply nested JSON is a named line (D7)", "labor_topics/readers.py",
       "    except RecursionError:\n        raise InputError(source, number, \"JSON nested too deeply\") from None\n", "",
       "tests/test_readers.py::test_hostile_json_is_a_named_line_and_can_be_skipped"),
    _m("lone surrogates from JSON are replaced (D8)", "labor_topics/readers.py",
       'return _SURROGATES.sub("\\ufffd", value) if _SURROGATES.search(value) else value', "return value",
       "tests/test_readers.py::test_lone_surrogates_in_json_become_replacement_characters"),
    _m("streamed lines are decoded one by one (D20)", "labor_topics/readers.py",
       "        yield number, decode(raw, source, number, encoding).rstrip(\"\\n\")",
       "        yield number, decode(raw, source, 1, encoding).rstrip(\"\\n\")",
       "tests/test_readers.py::test_the_line_of_a_bad_byte_is_exact_in_a_streamed_file"),
    _m("long CSV cells are read (D21)", "labor_topics/readers.py",
       "    with _csv_field_limit(MAX_CSV_FIELD):", "    with _csv_field_limit(0):",
       "tests/test_readers.py::test_a_long_article_in_a_csv_cell_is_read"),
    _m("an unterminated CSV quote is an error (D21)", "labor_topics/readers.py",
       "csv.reader(io.StringIO(content, newline=\"\"), strict=True)", "csv.reader(io.StringIO(content, newline=\"\"))",
       "tests/test_readers.py::test_an_unterminated_quote_and_a_duplicated_column_are_errors"),
    Mutation("JSONL on standard input is detected (B1)", "labor_topics/readers.py",
             (('                format = "jsonl" if _is_json_object(first) else "auto"', '                format = "auto"'),
              ('    if _is_json_object(first_line):\n        return "jsonl"\n', "")),
             "tests/test_cli.py::test_jsonl_on_standard_input_is_read_as_jsonl"),
    _m("token memos keep no long tokens (D18)", "labor_topics/tokenize.py",
       "        if len(key) <= self.max_key_chars:\n", "        if True:\n",
       "tests/test_training.py::test_the_token_memos_keep_no_long_tokens"),
    # ---------------------------------------------------------------- training, parameters, state
    _m("the same text with two labels is an error", "labor_topics/training.py",
       "            if first.label != item.label:", "            if False:",
       SAFETY + "test_train_reports_every_problem_with_file_and_line"),
    _m("bad lines are collected, not only the first", "labor_topics/training.py",
       "on_error=lambda exc: problems.append(str(exc))", "on_error=None",
       SAFETY + "test_train_reports_every_problem_with_file_and_line"),
    _m("exact duplicates dropped with a warning", "labor_topics/training.py",
       "    if duplicates:\n        warnings.warn", "    if False:\n        warnings.warn",
       "tests/test_training.py::test_exact_duplicates_are_dropped_with_a_warning"),
    _m("CV groups do not depend on how paths are spelled (D26)", "labor_topics/items.py",
       'f"{os.path.basename(item.source)}:{item.line}:{item.id}"', 'f"{item.source}:{item.line}:{item.id}"',
       "tests/test_training.py::test_the_model_does_not_depend_on_how_the_data_paths_are_spelled"),
    _m("a private jieba tokenizer", "labor_topics/tokenize.py",
       "impl = jieba.Tokenizer()", "impl = jieba.dt",
       SAFETY + "test_jieba_global_dictionary_words_and_log_level_are_untouched"),
    _m("our tokenizer loads quietly", "labor_topics/tokenize.py",
       "                    jieba.default_logger.addFilter(quiet)\n", "",
       "tests/test_classify.py::test_import_is_light_classify_needs_no_scipy_and_leaves_jieba_global_state_alone"),
    _m("the bundled model loads once, under a lock", "labor_topics/bundled.py",
       "        with _lock:\n            if _model is None:\n                _model = load_model()",
       "        import time; time.sleep(0.05)\n        _model = load_model()",
       SAFETY + "test_racing_first_calls_load_the_model_once"),
    _m("--on-error stop by default", "labor_topics/cli.py",
       'default="stop"', 'default="skip"', SAFETY + "test_on_error_skip_goes_on_and_reports"),
    _m("the digest's threshold is checked (B2)", "labor_topics/digest.py",
       "    threshold = resolve_threshold(threshold, model.default_threshold)",
       "    threshold = model.default_threshold if threshold == \"default\" else threshold",
       "tests/test_digest.py::test_the_digest_threshold_is_checked_like_classifys"),
    _m("a batch is not a bare string (D19)", "labor_topics/model.py",
       "        if isinstance(texts, (str, bytes)):\n", "        if False:\n",
       "tests/test_classify.py::test_batch_refuses_a_bare_string"),
    _m("matplotlib's own fonts never pass the CJK check", "labor_topics/plot.py",
       '        if os.path.realpath(entry.fname).startswith(own) or "lastresort"', '        if False and "lastresort"',
       "tests/test_evaluation.py::test_the_cjk_font_check_never_takes_matplotlibs_own_fonts"),
    # ---------------------------------------------------------------- shortcuts of the fast path
    _m("fast path: every decimal digit of the BMP reads as 0", "labor_topics/features.py",
       "            self.char_id[_bmp_digits()] = self.zero", "            pass",
       "tests/test_training.py::test_fast_features_equal_the_reference_on_any_text"),
    _m("fast path: digits beyond the BMP read as 0", "labor_topics/features.py",
       "get(cp, zero if chr(cp).isdecimal() else -1)", "get(cp, -1)",
       "tests/test_training.py::test_fast_features_equal_the_reference_on_any_text"),
    _m("byline patterns skipped only without their words", "labor_topics/patterns.py",
       '(("记者", "通讯员"), re.compile', '(("记者",), re.compile',
       "tests/test_normalize.py::test_byline_patterns_skipped_only_where_they_cannot_match"),
    _m("whitespace folded as the regular expressions define", "labor_topics/normalize.py",
       '(" ".join(line.split()) for line in text.split("\\n"))', '(line.strip() for line in text.split("\\n"))',
       "tests/test_normalize.py::test_whitespace_folding_is_the_regex_definition"),
    _m("a repeated term counts once per document, with its count", "labor_topics/features.py",
       "np.not_equal(keys[1:], keys[:-1], out=first[1:])", "first[1:] = True",
       "tests/test_training.py::test_tfidf_values_are_scikit_learns_with_each_block_normalised"),
    _m("copies sent to workers leave the lookup tables behind", "labor_topics/features.py",
       "state.update(_index=None, _tables=None, _digest=self.digest)", "state.update(_index=None, _digest=self.digest)",
       "tests/test_classify.py::test_copies_sent_to_a_worker_share_lookup_tables_built_once"),
    _m("one set of lookup tables per vocabulary in a process", "labor_topics/features.py",
       "            tables = self.tables.get(key)\n", "            tables = None\n",
       "tests/test_classify.py::test_copies_sent_to_a_worker_share_lookup_tables_built_once"),
    # ---------------------------------------------------------------- files editors have
    _m("an .xlsx or .docx is checked before it is inflated", "labor_topics/office.py",
       "    problem = unzip_problem(infos, MAX_UNZIPPED_BYTES)", "    problem = None",
       "tests/test_office.py::test_a_hostile_xlsx_is_refused"),
    _m("a JSONL record without a text field is an error, not its title", "labor_topics/readers.py",
       "    if \"text\" not in keys:\n        raise InputError(path, line, f\"no text field:",
       "    if False:\n        raise InputError(path, line, f\"no text field:",
       "tests/test_office.py::test_a_jsonl_record_without_a_text_field_is_an_error_not_a_title"),
    _m("a WeChat article's furniture is dropped", "labor_topics/articles.py",
       "    return bool(line) and bool(_FURNITURE.match(line))", "    return False",
       "tests/test_office.py::test_a_wechat_article_in_a_text_file_is_one_item_without_its_furniture"),
    # ---------------------------------------------------------------- the web service
    Mutation("a request body over the limit gets 413", "labor_topics/server.py",
             (("        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):",
               "        if False:"),
              ("                if received > self.limit:", "                if False:")),
             "tests/test_server.py::test_malformed_json_oversized_bodies_and_form_posts_are_refused"),
    _m("a request that changes state must be JSON", "labor_topics/server.py",
       '            if kind != b"application/json":', "            if False:",
       "tests/test_server.py::test_malformed_json_oversized_bodies_and_form_posts_are_refused"),
    _m("only the page's own files are served", "labor_topics/server.py",
       "        if name not in _ASSETS:", "        if False:",
       "tests/test_server.py::test_no_request_names_a_server_side_path"),
    _m("the page shows every text as text, never as HTML", "labor_topics/web/app.js",
       "  if (text !== undefined) node.textContent = text;", "  if (text !== undefined) node.innerHTML = text;",
       "tests/test_page.py::test_a_hostile_story_runs_nothing_and_shows_as_text"),
    # ---------------------------------------------------------------- the golden set
    _m("a byline pattern changed by one character", "labor_topics/patterns.py",
       "(?:本报|本刊|新华社|中新社|人民网|工人日报)", "(?:本服|本刊|新华社|中新社|人民网|工人日报)",
       "tests/test_golden.py::test_the_bundled_model_gives_the_golden_labels_and_scores"),
    _m("the union dictionary changed by one character", "labor_topics/data/union_terms.txt",
       "市总工会 5000 n", "市总公会 5000 n", "tests/test_golden.py::test_the_bundled_model_gives_the_golden_labels_and_scores"),
]


def _copy_project(into: Path) -> Path:
    copy = into / "project"
    copy.mkdir()
    for name in ("labor_topics", "tests"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("seeds", "models", "pyproject.toml"):
        (copy / name).symlink_to(ROOT / name)
    return copy


def _pytest(copy: Path, tests: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                          cwd=copy, capture_output=True, text=True, timeout=900)


def baseline() -> bool:
    """Every protection test passes in an unchanged copy."""
    tests = sorted({m.test for m in MUTATIONS})
    with tempfile.TemporaryDirectory() as tmp:
        result = _pytest(_copy_project(Path(tmp)), tests)
    ok = result.returncode == 0
    print(f"baseline: {len(tests)} protection tests {'pass' if ok else 'DO NOT ALL PASS'} without mutations", flush=True)
    if not ok:
        print(result.stdout[-3000:], result.stderr[-2000:])
    return ok


def check(n: int, mutation: Mutation) -> tuple[int, str, bool]:
    with tempfile.TemporaryDirectory() as tmp:
        copy = _copy_project(Path(tmp))
        source = (copy / mutation.file).read_text(encoding="utf-8")
        for old, new in mutation.changes:
            if source.count(old) != 1:
                return n, f"{n:2d}  NOT APPLIED ({source.count(old)} matches of a change)  {mutation.protection}", False
            source = source.replace(old, new)
        (copy / mutation.file).write_text(source, encoding="utf-8")
        code = _pytest(copy, [mutation.test]).returncode
    failed = code == 1  # 0: passed; 2-5: interrupted, usage error, not found
    verdict = "test FAILS (good)" if failed else "TEST STILL PASSES" if code == 0 else f"PYTEST EXIT {code}"
    return n, f"{n:2d}  {verdict}  {mutation.protection}  [{mutation.test}]", failed


def run(numbers: list[int], workers: int = 2) -> int:
    if not baseline():
        return 1
    chosen = [(n, m) for n, m in enumerate(MUTATIONS, start=1) if not numbers or n in numbers]
    with ThreadPoolExecutor(workers) as pool:
        results = sorted(pool.map(lambda nm: check(*nm), chosen))
    for _, line, _ in results:
        print(line)
    bad = sum(not ok for _, _, ok in results)
    print(f"{len(results) - bad} of {len(results)} protections: their test fails without them")
    print(f"protections: {len(results) - bad} passed, {bad} failed")
    return 1 if bad else 0


def table() -> str:
    """The Markdown table of every protection, its file and its test."""
    rows = ["| # | protection | removed in | test that then fails |", "|---|---|---|---|"]
    for n, m in enumerate(MUTATIONS, start=1):
        rows.append(f"| {n} | {m.protection} | `{m.file}` | `{m.test.removeprefix('tests/')}` |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] == ["--table"]:
        sys.stdout.write(table())
        sys.exit(0)
    sys.exit(run([int(a) for a in sys.argv[1:]]))
