"""Remove each protection in turn and check that its test fails (run by hand, not by pytest).

    python tests/check_protections.py            # all mutations
    python tests/check_protections.py 3 7        # some of them, by number

For each mutation: copy the project to a temporary folder, apply the one-line change to the source, run the
protection's test there with ``python -m pytest`` (which imports the mutated copy), and report whether the test
failed, as it must. The results are recorded in tests/PROTECTIONS.md.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (protection, file, text to replace, replacement, test that must fail)
MUTATIONS = [
    ("refuse pickles before anything else", "labor_topics/model_file.py",
     'if data[:1] == b"\\x80" or', "if False and", "tests/test_model_file.py::test_a_pickle_is_refused"),
    ("read arrays with allow_pickle=False", "labor_topics/model_file.py",
     "read_array(io.BytesIO(raw), allow_pickle=False)", "read_array(io.BytesIO(raw), allow_pickle=True)",
     "tests/test_safety.py::test_object_arrays_with_a_consistent_header_run_no_code"),
    ("check declared member sizes before reading (zip bomb)", "labor_topics/model_file.py",
     "if info.file_size > _MAX_MEMBER_BYTES or total > _MAX_MEMBER_BYTES:", "if False:",
     "tests/test_safety.py::test_a_zip_bomb_is_refused_before_reading"),
    ("refuse a file too large to be a model unread", "labor_topics/model_file.py",
     "if os.path.getsize(path) > _MAX_MEMBER_BYTES:", "if False:",
     "tests/test_safety.py::test_a_file_too_large_to_be_a_model_is_not_read"),
    ("sha256 of every array", "labor_topics/model_file.py",
     "hashlib.sha256(raw).hexdigest() != meta.get(\"sha256\")", "False",
     "tests/test_safety.py::test_an_edited_array_with_a_valid_zip_is_detected"),
    ("header shapes must match the arrays", "labor_topics/model_file.py",
     "if list(array.shape) != meta.get(\"shape\") or", "if False and",
     "tests/test_model_file.py::test_a_header_that_disagrees_with_the_arrays_is_refused"),
    ("format version", "labor_topics/model_file.py",
     "if version != FORMAT_VERSION:", "if False:",
     "tests/test_model_file.py::test_an_unknown_format_version_is_refused"),
    ("labels must be the five sections", "labor_topics/model_file.py",
     "if header.get(\"labels\") != list(LABELS):", "if False:",
     "tests/test_safety.py::test_wrong_labels_in_header_are_refused"),
    ("every archive error becomes ModelFileError", "labor_topics/model_file.py",
     "    except Exception as exc:  # a damaged file must never surface", "    except ZeroDivisionError as exc:  # (mutated)",
     "tests/test_safety.py::test_an_archive_error_outside_the_known_ones_is_still_a_model_file_error"),
    ("a directory is named as such", "labor_topics/model_file.py",
     "    if os.path.isdir(path):\n        _fail(path, \"is a directory, not a model file\")", "",
     "tests/test_model_file.py::test_directory_and_missing_path"),
    ("a card that does not describe the model is ignored", "labor_topics/model_file.py",
     "if recorded != hashlib.sha256(data).hexdigest():", "if False:",
     "tests/test_safety.py::test_a_card_that_belongs_to_another_model_is_ignored"),
    ("atomic save (temporary file, then rename)", "labor_topics/atomic.py",
     "def atomic_write(path: str | os.PathLike, data: bytes) -> None:\n",
     "def atomic_write(path: str | os.PathLike, data: bytes) -> None:\n    return open(path, 'wb').write(data)\n",
     "tests/test_model_file.py::test_a_failed_save_leaves_the_old_file_intact"),
    ("a unique temporary file per writer", "labor_topics/atomic.py",
     "    fd, tmp = tempfile.mkstemp(prefix=\".tmp-\", suffix=\"-\" + os.path.basename(path), dir=folder)",
     "    tmp = path + '.tmp'\n    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)",
     "tests/test_safety.py::test_two_processes_saving_to_one_path_leave_one_complete_model"),
    ("CLI output through a temporary file", "labor_topics/cli.py",
     "stack.enter_context(atomic_writer(args.output, text=True))", "stack.enter_context(open(args.output, 'w', encoding='utf-8'))",
     "tests/test_safety.py::test_ctrl_c_leaves_no_partial_output"),
    ("lone surrogates removed before OpenCC and jieba", "labor_topics/normalize.py",
     "\\x7f\\ud800-\\udfff]", "\\x7f]",
     "tests/test_safety.py::test_any_text_gets_a_valid_prediction_or_a_value_error"),
    ("blank text raises ValueError", "labor_topics/model.py",
     "    if not text or text.isspace():\n        raise ValueError", "    if False:\n        raise ValueError",
     "tests/test_safety.py::test_any_text_gets_a_valid_prediction_or_a_value_error"),
    ("only the first max_chars characters are read", "labor_topics/model.py",
     "normalize(text[:max_chars])", "normalize(text)",
     "tests/test_safety.py::test_ten_megabytes_read_as_their_first_max_chars"),
    ("the same text with two labels is an error", "labor_topics/training.py",
     "            if first.label != item.label:", "            if False:",
     "tests/test_safety.py::test_train_reports_every_problem_with_file_and_line"),
    ("bad lines are collected, not only the first", "labor_topics/training.py",
     "on_error=lambda exc: problems.append(str(exc))", "on_error=None",
     "tests/test_safety.py::test_train_reports_every_problem_with_file_and_line"),
    ("exact duplicates dropped with a warning", "labor_topics/training.py",
     "    if duplicates:\n        warnings.warn", "    if False:\n        warnings.warn",
     "tests/test_training.py::test_exact_duplicates_are_dropped_with_a_warning"),
    ("a private jieba tokenizer", "labor_topics/tokenize.py",
     "impl = jieba.Tokenizer()", "impl = jieba.dt",
     "tests/test_safety.py::test_jieba_global_dictionary_words_and_log_level_are_untouched"),
    ("the bundled model loads once under a lock", "labor_topics/__init__.py",
     "        with _model_lock:\n            if _model is None:\n                _model = load_model()",
     "        import time; time.sleep(0.05)\n        _model = load_model()",
     "tests/test_safety.py::test_racing_first_calls_load_the_model_once"),
    ("--on-error stop by default", "labor_topics/cli.py",
     'default="stop"', 'default="skip"', "tests/test_safety.py::test_on_error_skip_goes_on_and_reports"),
    # shortcuts of the fast path, each held to the reference definition
    ("fast path: every decimal digit of the BMP reads as 0", "labor_topics/features.py",
     "            self.char_id[_bmp_digits()] = self.zero", "            pass",
     "tests/test_training.py::test_fast_features_equal_the_reference_on_any_text"),
    ("fast path: digits beyond the BMP read as 0", "labor_topics/features.py",
     "get(cp, zero if chr(cp).isdecimal() else -1)", "get(cp, -1)",
     "tests/test_training.py::test_fast_features_equal_the_reference_on_any_text"),
    ("byline patterns skipped only without their words", "labor_topics/normalize.py",
     '(("记者", "通讯员"), re.compile', '(("记者",), re.compile',
     "tests/test_normalize.py::test_byline_patterns_skipped_only_where_they_cannot_match"),
    ("whitespace folded as the regular expressions define", "labor_topics/normalize.py",
     '(" ".join(line.split()) for line in text.split("\\n"))', '(line.strip() for line in text.split("\\n"))',
     "tests/test_normalize.py::test_whitespace_folding_is_the_regex_definition"),
    ("a repeated term counts once per document, with its count", "labor_topics/features.py",
     "np.not_equal(keys[1:], keys[:-1], out=first[1:])", "first[1:] = True",
     "tests/test_training.py::test_tfidf_values_are_scikit_learns_with_each_block_normalised"),
    ("copies sent to workers leave the lookup tables behind", "labor_topics/features.py",
     "state.update(_tables_lock=None, _tables=None, ", "state.update(_tables_lock=None, ",
     "tests/test_classify.py::test_copies_sent_to_a_worker_share_lookup_tables_built_once"),
    ("a worker builds the lookup tables once per vocabulary", "labor_topics/features.py",
     "tables = _RECEIVED_TABLES.get(key) if key else None", "tables = None",
     "tests/test_classify.py::test_copies_sent_to_a_worker_share_lookup_tables_built_once"),
]


def run(numbers: list[int]) -> int:
    failures = 0
    for n, (what, file, old, new, test) in enumerate(MUTATIONS, start=1):
        if numbers and n not in numbers:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "project"
            copy.mkdir()
            for name in ("labor_topics", "tests"):
                shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
            for name in ("seeds", "models", "pyproject.toml"):
                (copy / name).symlink_to(ROOT / name)
            source = (copy / file).read_text(encoding="utf-8")
            if source.count(old) != 1:
                print(f"{n:2d}  NOT APPLIED ({source.count(old)} matches)  {what}")
                failures += 1
                continue
            (copy / file).write_text(source.replace(old, new), encoding="utf-8")
            result = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", test],
                                    cwd=copy, capture_output=True, text=True, timeout=600)
            failed = result.returncode == 1
            failures += not failed
            print(f"{n:2d}  {'test FAILS (good)' if failed else 'TEST STILL PASSES'}  {what}  [{test}]", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(run([int(a) for a in sys.argv[1:]]))
