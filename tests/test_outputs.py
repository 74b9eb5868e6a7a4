"""An output never destroys an input (hostile-input review of fbe554d, D13, D14, D24, D9)."""

import os
import shutil
import subprocess
import sys

import pytest

from labor_topics import save_model
from labor_topics.cli import main

from conftest import ROOT

ITEMS = '{"text": "工会为困难职工送去慰问金和年货"}\n{"text": "物流园区联合工会成立"}\n'


def _run(*args):
    return subprocess.run([sys.executable, "-m", "labor_topics", *map(str, args)], capture_output=True, text=True, cwd=ROOT)


@pytest.mark.parametrize("command", ["classify", "digest"])
def test_an_output_that_is_an_input_is_refused_and_the_input_kept(tmp_path, command, capsys):
    data = tmp_path / "same.jsonl"
    data.write_text(ITEMS, encoding="utf-8")
    link = tmp_path / "link.jsonl"
    link.symlink_to(data)
    for output in (data, link):
        args = ["classify", "--input", str(data)] if command == "classify" else ["digest", str(data)]
        assert main([*args, "--output", str(output)]) == 2
        assert "is also an input" in capsys.readouterr().err
        assert data.read_text(encoding="utf-8") == ITEMS


def test_the_model_as_output_is_refused(tmp_path, small_model, capsys):
    path = tmp_path / "m.npz"
    save_model(small_model, path)
    before = path.read_bytes()
    assert main(["classify", "工会", "--model", str(path), "--output", str(path)]) == 2
    assert "is also an input" in capsys.readouterr().err and path.read_bytes() == before


def test_train_never_overwrites_its_data(tmp_path, capsys):
    data = tmp_path / "d.jsonl"
    data.write_text('{"text": "工会", "label": "思想引领"}\n', encoding="utf-8")
    assert main(["train", "--data", str(data), "--output", str(data)]) == 2
    assert "is also an input" in capsys.readouterr().err
    assert data.read_text(encoding="utf-8") == '{"text": "工会", "label": "思想引领"}\n'
    assert not (tmp_path / "d.jsonl.card.json").exists()


def test_an_output_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "t.csv"
    target.write_text("precious", encoding="utf-8")
    link = tmp_path / "l.csv"
    link.symlink_to(target)
    assert main(["classify", "工会为困难职工送去慰问金和年货", "--format", "csv", "--output", str(link)]) == 0
    assert link.is_symlink() and "维权服务" in target.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("make", ["fifo", "device"])
def test_a_special_file_as_output_is_refused_and_left_as_it_is(tmp_path, make, capsys):
    if make == "fifo":
        special = tmp_path / "p.out"
        os.mkfifo(special)
    else:
        special = "/dev/null"
    assert main(["classify", "工会", "--output", str(special)]) == 2
    assert "not a regular file" in capsys.readouterr().err
    if make == "fifo":
        assert not os.path.isfile(special) and os.path.exists(special)
    else:
        assert not os.path.isfile("/dev/null")


def test_a_failed_save_never_leaves_a_model_without_its_card(tmp_path, small_model):
    from labor_topics.atomic import OutputPathError

    path = tmp_path / "m.npz"
    (tmp_path / "m.card.json").mkdir()  # the card's place is taken by a folder
    with pytest.raises(OutputPathError, match="is a directory"):
        save_model(small_model, path)
    assert not path.exists()


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv to drop privileges")
def test_permission_and_path_errors_are_one_line_and_exit_2(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    below_a_file = tmp_path / "file.txt"
    below_a_file.write_text("x")
    secret = tmp_path / "secret.jsonl"
    secret.write_text(ITEMS)
    secret.chmod(0o000)
    tmp_path.chmod(0o755)
    drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    probe = subprocess.run([*drop, sys.executable, "-c", "import labor_topics"], capture_output=True, cwd="/", env=env)
    if probe.returncode != 0:
        pytest.skip("an unprivileged user cannot read this checkout (its folder is private)")
    for args in (["classify", "工会", "--output", str(locked / "out.csv")], ["classify", "--input", str(secret)],
                 ["classify", "工会", "--output", str(below_a_file / "out.csv")]):
        result = subprocess.run([*drop, sys.executable, "-m", "labor_topics", *args], capture_output=True, text=True,
                                cwd=ROOT, env=env)
        assert result.returncode == 2, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("labor-topics: error: "), result.stderr
