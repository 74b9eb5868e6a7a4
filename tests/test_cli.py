import json
import os
import subprocess
import sys

import pytest

from labor_topics import LABELS
from labor_topics.cli import main

from conftest import DIGEST_000, DIGEST_001, TRAIN


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "labor_topics", *map(str, args)], capture_output=True, text=True,
                          input=stdin)


def test_classify_a_digest_prints_a_table(capsys):
    assert main(["classify", "--input", str(DIGEST_000)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["#", "section", "score", "gold", "runner-up", "item"]
    rows = [line.split() for line in out if line[:1].isdigit()]
    assert len(rows) == 16 and all(row[4] in LABELS and row[4] != row[1] for row in rows)
    assert out[-1].startswith("agreement with the file's sections: ")


def test_classify_texts_as_jsonl(capsys):
    assert main(["classify", "县总工会举办基层工会干部培训班", "工会为困难职工送去慰问金和年货", "--format", "jsonl", "--top-k", "2"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["label"] for r in records] == ["组织建设", "维权服务"]
    assert all(len(r["top"]) == 2 and r["index"] == n for n, r in enumerate(records, start=1))


def test_classify_with_two_worker_processes_writes_the_same(tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["classify", "--input", str(DIGEST_001), "--format", "jsonl", "--output", str(one)]) == 0
    assert main(["classify", "--input", str(DIGEST_001), "--format", "jsonl", "--output", str(two), "--jobs", "2"]) == 0
    assert two.read_bytes() == one.read_bytes() and one.read_bytes().count(b"\n") == 25


def test_classify_csv_output_file_has_a_bom(tmp_path):
    out = tmp_path / "out.csv"
    assert main(["classify", "--input", str(DIGEST_001), "--format", "csv", "--output", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith("\ufeffindex,label,score,gold,".encode("utf-8"))
    assert data.count(b"\r\n") == 26


def test_stdin_one_item_a_line():
    result = run("classify", "--input", "-", "--lines", "--format", "jsonl", stdin="物流园区联合工会成立\n\n快递企业召开工资集体协商会议\n")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["label"] for line in result.stdout.splitlines()] == ["组织建设", "构建和谐劳动关系"]
    assert "Building prefix dict" not in result.stderr


def test_bad_jsonl_exits_2_naming_file_and_line_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "工会"}\n{"text": 5}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run("classify", "--input", bad, "--output", out)
    assert result.returncode == 2
    assert result.stderr.strip() == f"labor-topics: error: {bad}:2: 'text' must be a string, got int"
    assert not out.exists()


@pytest.mark.parametrize("args, message", [
    (["classify"], "nothing to classify"),
    (["classify", "--input", "missing.jsonl"], "missing.jsonl: no such file"),
    (["classify", "工会", "--model", "missing.npz"], "missing.npz: no such model file"),
    (["classify", "   "], "argument 1: empty text"),
    (["train", "--data", "missing.jsonl", "--output", "m.npz"], "missing.jsonl: no such file"),
])
def test_usage_errors_exit_2_with_one_line(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_bad_option_value_exits_2():
    result = run("classify", "工会", "--threshold", "2")
    assert result.returncode == 2 and "expected a number in [0, 1]" in result.stderr


def test_train_writes_model_and_card(tmp_path):
    small = tmp_path / "small.jsonl"
    lines = [line for line in TRAIN.read_text(encoding="utf-8").splitlines()][:200]
    small.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "m.npz"
    result = run("train", "--data", DIGEST_000, DIGEST_001, small, "--search", "--config", "words1+chars13-svm-C1-balanced",
                 "--repeats", "1", "--output", out)
    assert result.returncode == 0, result.stderr
    assert "words1+chars13-svm-C1-balanced" in result.stderr and "default threshold" in result.stderr
    assert "\r" not in result.stderr and "cross-validation: " in result.stderr  # plain progress lines in a log
    card = json.loads((tmp_path / "m.card.json").read_text(encoding="utf-8"))
    assert card["config_name"] == "words1+chars13-svm-C1-balanced"
    assert set(card["counts"]) == set(LABELS)
    check = run("classify", "县总工会举办基层工会干部培训班", "--model", out, "--format", "jsonl")
    assert check.returncode == 0 and json.loads(check.stdout)["label"] in LABELS


# ------------------------------------------------------------------ standard input, like a file (B1, B6, D22)


def test_jsonl_on_standard_input_is_read_as_jsonl():
    lines = "\n".join(TRAIN.read_text(encoding="utf-8").splitlines()[:3]) + "\n"
    result = run("classify", "--input", "-", "--format", "jsonl", stdin=lines)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 3 and all(r["title"] and r["gold"] in LABELS for r in records)


def test_standard_input_and_a_file_give_the_same_items(tmp_path):
    text = "工会为困难职工送去慰问金\r\r物流园区联合工会成立\r\n\r\n快递企业召开工资集体协商会议\r"
    path = tmp_path / "items.txt"
    path.write_bytes(text.encode("utf-8"))
    from_file = run("classify", "--input", path, "--format", "jsonl")
    from_stdin = subprocess.run([sys.executable, "-m", "labor_topics", "classify", "--input", "-", "--format", "jsonl"],
                                input=text.encode("utf-8"), capture_output=True)
    assert from_file.returncode == 0 and from_stdin.returncode == 0
    assert [json.loads(x)["label"] for x in from_stdin.stdout.decode().splitlines()] == \
        [json.loads(x)["label"] for x in from_file.stdout.splitlines()]
    assert len(from_file.stdout.splitlines()) == 3


def test_standard_input_is_streamed():
    """The first result comes out while standard input is still open (it used to be read whole first)."""
    proc = subprocess.Popen([sys.executable, "-m", "labor_topics", "classify", "--input", "-", "--lines", "--format",
                             "jsonl"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        proc.stdin.write("物流园区联合工会成立\n" * 1000)  # one chunk: classified and written before more is read
        proc.stdin.flush()
        first = proc.stdout.readline()
        assert json.loads(first)["label"] == "组织建设"
    finally:
        proc.communicate(timeout=60)
    assert proc.returncode == 0


# ------------------------------------------------------------------ options (B5 and rough edges)


def test_a_negative_error_count_is_refused():
    result = run("evaluate", "--data", TRAIN, "--errors", "-1")
    assert result.returncode == 2 and "count must be a whole number of at least 0" in result.stderr


def test_list_configs_needs_no_data_or_output():
    result = run("train", "--list-configs")
    assert result.returncode == 0 and "words1+chars13-svm-C1-balanced" in result.stdout


def test_train_without_data_says_what_it_needs(capsys):
    assert main(["train", "--output", "m.npz"]) == 2
    assert "train needs --data" in capsys.readouterr().err


def test_the_table_honours_top_k_and_explain_keeps_the_prefixes(capsys):
    assert main(["classify", "快递企业召开工资集体协商会议", "--top-k", "1", "--explain"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["#", "section", "score", "item"]
    assert "w:工资集体协商(" in out[2] or "c:" in out[2]
    assert all(term.split("(")[0][:2] in ("w:", "c:") for term in out[2].strip().split(", "))


def test_csv_output_has_the_runner_up(tmp_path):
    out = tmp_path / "o.csv"
    assert main(["classify", "快递企业召开工资集体协商会议", "--format", "csv", "--output", str(out)]) == 0
    header, row = out.read_text(encoding="utf-8-sig").splitlines()
    cells = dict(zip(header.split(","), row.split(",")))
    assert cells["label"] == "构建和谐劳动关系" and cells["runner_up"] in LABELS and cells["runner_up"] != cells["label"]


def test_train_options_have_help():
    text = " ".join(run("train", "--help").stdout.split())
    for said in ("--folds FOLDS cross-validation folds", "--repeats REPEATS cross-validation repeats",
                 "--seed SEED seed of the fold shuffles"):
        assert said in text


@pytest.mark.parametrize("script, expected", [("classify_items.py", "工會驛站為外賣騎手送上清涼飲品"),
                                              ("draft_digest.py", "# 一周速览 |")])
def test_the_examples_run(script, expected):
    from conftest import ROOT

    result = subprocess.run([sys.executable, str(ROOT / "examples" / script)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout


def test_the_evaluate_example_runs(tmp_path, small_model):
    from conftest import ROOT
    from labor_topics import save_model

    path = tmp_path / "m.npz"
    save_model(small_model, path)
    dev = ROOT / "seeds" / "corpus" / "dev.jsonl"
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "evaluate.py"), str(path), str(dev)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "macro-F1" in result.stdout and "char-n-gram baseline" in result.stdout
