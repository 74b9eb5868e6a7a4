"""Hostile model files, hostile text, bad training data, concurrent use (see tests/PROTECTIONS.md)."""

import io
import json
import os
import pickle
import random
import signal
import struct
import subprocess
import sys
import threading
import time
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import labor_topics
from labor_topics import save_model
from labor_topics import LABELS, ModelFileError, Prediction, classify, classify_batch, load_model, train
from labor_topics.model_file import model_bytes

from conftest import ROOT
from modelfiles import array, npy, rewrite

PROBE = ["县总工会举办基层工会干部培训班", "工会为困难职工送去慰问金和年货", "集体协商", "Hello"]



def _load_bytes(tmp_path, data, name="m.npz"):
    path = tmp_path / name
    path.write_bytes(data)
    return load_model(path)


# ------------------------------------------------------------------ model files


def test_a_joblib_file_is_refused(tmp_path, small_model):
    import joblib

    path = tmp_path / "model.joblib"
    joblib.dump({"coef": small_model.coef}, path)
    with pytest.raises(ModelFileError, match="looks like a pickle"):
        load_model(path)


def test_an_npz_with_object_arrays_runs_nothing(tmp_path, small_bytes):
    blob = npy(np.array([os.system], dtype=object), allow_pickle=True)
    path = rewrite(small_bytes, tmp_path / "objects.npz", replace={"coef.npy": blob}, rehash=False)
    with pytest.raises(ModelFileError, match="coef.npy"):
        load_model(path)
    # and a plain numpy savez of objects, which is what a careless exporter would write
    np.savez(tmp_path / "savez.npz", vocabulary=np.array([print], dtype=object))
    with pytest.raises(ModelFileError):
        load_model(tmp_path / "savez.npz")


def test_a_zip_bomb_is_refused_before_reading(tmp_path, small_bytes):
    data = bytearray(small_bytes)
    zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
    # declare 4 GiB for coef.npy in its central-directory entry (the uncompressed size is at offset 24)
    offset = 0
    for info in zf.infolist():
        offset = data.find(b"PK\x01\x02", offset + 1)
        if info.filename == "coef.npy":
            struct.pack_into("<I", data, offset + 24, 0xFFFFFFF0)
    with pytest.raises(ModelFileError, match="too large"):
        _load_bytes(tmp_path, bytes(data))


def test_a_file_too_large_to_be_a_model_is_not_read(tmp_path):
    path = tmp_path / "huge.npz"
    with open(path, "wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(300 * 1024 * 1024)  # sparse: no disk used
    with pytest.raises(ModelFileError, match="refused unread"):
        load_model(path)


def test_every_truncation_is_refused(tmp_path, small_bytes):
    lengths = sorted(set(range(0, 200)) | set(range(0, len(small_bytes), max(1, len(small_bytes) // 300))))
    for n in lengths:
        with pytest.raises(ModelFileError):
            _load_bytes(tmp_path, small_bytes[:n])


def test_random_byte_flips_are_refused_or_harmless(tmp_path, small_model, small_bytes):
    expected = small_model.predict_proba(PROBE)
    rng = random.Random(20261126)
    refused = 0
    for trial in range(300):
        data = bytearray(small_bytes)
        position = rng.randrange(len(data))
        data[position] ^= 1 << rng.randrange(8)
        try:
            model = _load_bytes(tmp_path, bytes(data))
        except ModelFileError as exc:
            assert str(tmp_path / "m.npz") in str(exc)
            refused += 1
        else:  # a flip in a field that carries no model data (a timestamp, a version-made-by byte)
            assert np.array_equal(model.predict_proba(PROBE), expected), f"trial {trial}: byte {position} changed predictions"
    assert refused >= 250


def test_an_archive_error_outside_the_known_ones_is_still_a_model_file_error(tmp_path, small_bytes):
    data = bytearray(small_bytes)
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<H", data, central + 6, 0x00B6)  # "needs zip version 18.2": zipfile raises NotImplementedError
    with pytest.raises(ModelFileError, match="damaged model file"):
        _load_bytes(tmp_path, bytes(data))


def test_wrong_labels_in_header_are_refused(tmp_path, small_bytes):
    path = rewrite(small_bytes, tmp_path / "labels.npz", header=lambda h: h.update(labels=["a", "b", "c", "d", "e"]))
    with pytest.raises(ModelFileError, match="labels"):
        load_model(path)


_SAVER = """
import sys
from labor_topics import load_model, save_model
model = load_model(sys.argv[1])
for _ in range(int(sys.argv[3])):
    save_model(model, sys.argv[2])
print("saved")
"""


def test_two_processes_saving_to_one_path_leave_one_complete_model(tmp_path, small_model, small_training_items):
    other = train(small_training_items[:60], config="chars13-svm-C1-balanced-heads", min_df=2, calibration_cv=2)
    save_model(small_model, tmp_path / "a.npz")
    save_model(other, tmp_path / "b.npz")
    target = tmp_path / "target.npz"
    procs = [subprocess.Popen([sys.executable, "-c", _SAVER, str(tmp_path / src), str(target), "100"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for src in ("a.npz", "b.npz")]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    loaded = load_model(target)
    got = loaded.predict_proba(PROBE)
    assert np.array_equal(got, small_model.predict_proba(PROBE)) or np.array_equal(got, other.predict_proba(PROBE))
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


# ------------------------------------------------------------------ text

_ODD = ["\ud800", "\udfff", "\x00", "\x1b", "\x7f", "\u200b", "\u200d", "\ufeff", "\u202e", "ａ", "１", "　", "😀",
        "👩‍🔧", "א", "ب", "工", "會", "驛", " ", "\n", "\t", "\r", "。", "（", "e\u0301"]
texts = st.one_of(
    st.text(),
    st.lists(st.sampled_from(_ODD), max_size=50).map("".join),
    st.builds(lambda c, n: c * n, st.sampled_from(_ODD + ["a", "0"]), st.integers(1, 3000)),
    st.builds(lambda a, b: a + "工会为职工送清凉" + b, st.text(max_size=30), st.lists(st.sampled_from(_ODD), max_size=30).map("".join)),
)


@settings(max_examples=250, derandomize=True, deadline=None)
@given(texts)
def test_any_text_gets_a_valid_prediction_or_a_value_error(text):
    if not text.strip():
        with pytest.raises(ValueError):
            classify(text)
        return
    p = classify(text)
    assert isinstance(p, Prediction) and p.label in LABELS
    assert abs(sum(p.scores.values()) - 1.0) < 1e-9 and 0 <= p.score <= 1
    assert classify(text) == p


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(texts.filter(lambda t: t.strip()), min_size=1, max_size=6))
def test_batch_agrees_with_single_on_any_text(batch):
    assert classify_batch(batch) == [classify(t) for t in batch]


def test_ten_megabytes_read_as_their_first_max_chars(model):
    text = ("某市总工会开展送清凉活动,为环卫工人送去绿豆汤。" * 420_000)[: 10_000_000]
    assert len(text) == 10_000_000
    assert model.classify(text) == model.classify(text[: model.max_chars])


# ------------------------------------------------------------------ training data


def _write(tmp_path, name, content, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    return str(path)


def test_train_reports_every_problem_with_file_and_line(tmp_path):
    from labor_topics.training import run_training

    good = json.dumps({"text": "工会", "label": "思想引领"}, ensure_ascii=False)
    jsonl = _write(tmp_path, "a.jsonl", "\n".join([
        good,
        json.dumps({"text": "x", "label": "其他"}, ensure_ascii=False),
        json.dumps({"text": "  ", "label": "建功立业"}, ensure_ascii=False),
        json.dumps({"text": "工会", "label": "组织建设"}, ensure_ascii=False),
    ]) + "\n")
    csv_file = _write(tmp_path, "b.csv", "body,label\n正文,维权服务\n")
    gbk = _write(tmp_path, "c.jsonl", good, encoding="gbk")
    empty = _write(tmp_path, "d.jsonl", "")
    with pytest.raises(ValueError) as err:
        run_training([jsonl, csv_file, gbk, empty], log=lambda m: None)
    message = str(err.value)
    for expected in [f"{jsonl}:2: unknown label '其他'", f"{jsonl}:3: empty text",
                     f"{jsonl}:4: the same text as {jsonl}:1 with another label",
                     f"{csv_file}:1: no text column: found ['body', 'label']", f"{gbk}:1: not UTF-8",
                     f"{empty}: no items", "section 维权服务 has 0 training item(s)"]:
        assert expected in message


def test_bom_and_crlf_are_accepted(tmp_path):
    from labor_topics import read_items

    path = _write(tmp_path, "a.csv", "\ufefftitle,text,label\r\n标题,正文一,维权服务\r\n,正文二,组织建设\r\n")
    items = read_items(path)
    assert [(i.title, i.text, i.label, i.line) for i in items] == [("标题", "正文一", "维权服务", 2), ("", "正文二", "组织建设", 3)]
    path = _write(tmp_path, "a.jsonl", '\ufeff{"text": "正文", "label": "思想引领"}\r\n{"text": "二", "label": "思想引领"}\r\n')
    assert [i.text for i in read_items(path)] == ["正文", "二"]


# ------------------------------------------------------------------ concurrency and jieba's state


def test_eight_threads_give_the_sequential_results(seed_items):
    texts = [i.model_text for i in seed_items]
    expected = [classify(t) for t in texts]
    results = [None] * 8

    def work(k):
        results[k] = [classify(t) for t in texts[k:] + texts[:k]]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k in range(8):
        assert results[k] == expected[k:] + expected[:k]


def test_racing_first_calls_load_the_model_once():
    code = (
        "import threading, labor_topics, labor_topics.model_file as mf\n"
        "calls = []\n"
        "real = mf.load_model_file\n"
        "def counting(path, **kw):\n"
        "    calls.append(path)\n"
        "    return real(path, **kw)\n"
        "mf.load_model_file = counting\n"
        "barrier = threading.Barrier(8)\n"
        "out = []\n"
        "def go():\n"
        "    barrier.wait()\n"
        "    out.append(labor_topics.classify('工会驿站为快递小哥送清凉').label)\n"
        "ts = [threading.Thread(target=go) for _ in range(8)]\n"
        "[t.start() for t in ts]; [t.join() for t in ts]\n"
        "print(len(calls), sorted(set(out)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "1 ['维权服务']"


def test_jieba_global_dictionary_words_and_log_level_are_untouched():
    code = (
        "import logging, jieba, labor_topics\n"
        "jieba.setLogLevel(logging.ERROR); jieba.initialize()\n"
        "before = (len(jieba.dt.FREQ), jieba.dt.total, jieba.dt.FREQ.get('新就业形态劳动者'), logging.getLogger('jieba').level,\n"
        "          jieba.lcut('新就业形态劳动者入会'))\n"
        "labor_topics.load_model(tokenizer='jieba').classify('新就业形态劳动者入会')\n"
        "after = (len(jieba.dt.FREQ), jieba.dt.total, jieba.dt.FREQ.get('新就业形态劳动者'), logging.getLogger('jieba').level,\n"
        "         jieba.lcut('新就业形态劳动者入会'))\n"
        "assert before == after, (before, after)\n"
        "assert before[2] is None\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "ok", out.stderr


# ------------------------------------------------------------------ CLI


def _cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "labor_topics", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, **kw)


def test_on_error_skip_goes_on_and_reports(tmp_path):
    path = _write(tmp_path, "in.jsonl", '{"text": "工会为困难职工送去慰问金"}\n{"text": 3}\nnot json\n{"text": "物流园区联合工会成立"}\n')
    out = tmp_path / "out.jsonl"
    stop = _cli("classify", "--input", path, "--output", out)
    assert stop.returncode == 2 and f"{path}:2:" in stop.stderr and not out.exists()
    skip = _cli("classify", "--input", path, "--output", out, "--format", "jsonl", "--on-error", "skip")
    assert skip.returncode == 0, skip.stderr
    assert [json.loads(line)["label"] for line in out.read_text(encoding="utf-8").splitlines()] == ["维权服务", "组织建设"]
    assert f"skipped {path}:2:" in skip.stderr and f"skipped {path}:3:" in skip.stderr
    assert "2 item(s) classified, 2 line(s) skipped" in skip.stderr


@pytest.mark.parametrize("sig, code, jobs", [(signal.SIGINT, 130, 1), (signal.SIGTERM, 143, 1), (signal.SIGTERM, 143, 2)])
def test_ctrl_c_and_sigterm_leave_no_partial_output_and_no_workers(tmp_path, sig, code, jobs):
    big = tmp_path / "big.txt"
    big.write_text("\n".join(f"{n} 某市总工会开展送清凉活动,为环卫工人送去绿豆汤和防暑药品。" * 3 for n in range(120_000)), encoding="utf-8")
    out = tmp_path / "out.csv"
    proc = subprocess.Popen([sys.executable, "-m", "labor_topics", "classify", "--input", str(big), "--lines",
                             "--format", "csv", "--output", str(out), "--jobs", str(jobs)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # interrupt once the output has begun (its temporary file exists): well before 120,000 items are done
    deadline = time.monotonic() + 60
    while len(list(tmp_path.iterdir())) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    while jobs > 1 and len(_children(proc.pid)) < jobs and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)  # until the worker processes run
    assert proc.poll() is None, "the run ended before it could be interrupted"
    children = _children(proc.pid)
    assert len(children) >= (jobs if jobs > 1 else 0)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.txt"]
    deadline = time.monotonic() + 15
    while any(os.path.exists(f"/proc/{pid}") for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [pid for pid in children if os.path.exists(f"/proc/{pid}")] == []


def _children(pid: int) -> list[int]:
    """The processes below ``pid`` (Linux /proc), to check that none outlives it."""
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        for task in os.listdir(f"/proc/{parent}/task") if os.path.exists(f"/proc/{parent}/task") else []:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as fh:
                    kids = [int(k) for k in fh.read().split()]
            except OSError:
                kids = []
            found += kids
            frontier += kids
    return found


class _Planted:
    """Unpickling this object would create a marker directory: proof that code ran."""

    marker = None

    def __reduce__(self):
        return (os.makedirs, (self.marker,))


def _replace_member(small_bytes, tmp_path, name, blob, dtype, shape):
    import hashlib

    def declare(header):
        header["arrays"][name.removesuffix(".npy")] = {"dtype": dtype, "shape": shape, "sha256": hashlib.sha256(blob).hexdigest()}

    return rewrite(small_bytes, tmp_path / "planted.npz", replace={name: blob}, header=declare, rehash=False)


def test_object_arrays_with_a_consistent_header_run_no_code(tmp_path, small_model, small_bytes):
    marker = tmp_path / "code-ran"
    planted = _Planted()
    planted.marker = str(marker)
    n = len(small_model.space.vocabulary)
    array = np.empty(n, dtype=object)
    array[:] = [planted] + [""] * (n - 1)
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, allow_pickle=True)
    path = _replace_member(small_bytes, tmp_path, "vocabulary.npy", buf.getvalue(), "|O", [n])
    with pytest.raises(ModelFileError, match="vocabulary.npy"):
        load_model(path)
    assert not marker.exists()


def test_an_edited_array_with_a_valid_zip_is_detected(tmp_path, small_bytes):
    coef = array(small_bytes, "coef")
    coef[0, 0] += 1.0
    # fresh CRCs: only the header's sha256 can tell
    path = rewrite(small_bytes, tmp_path / "edited.npz", replace={"coef.npy": npy(coef)}, rehash=False)
    with pytest.raises(ModelFileError, match="coef.npy does not match its sha256"):
        load_model(path)


def test_a_model_keeps_its_own_card_whatever_lies_beside_it(tmp_path, small_model, model):
    save_model(small_model, tmp_path / "m.npz")
    save_model(model, tmp_path / "other.npz")
    os.replace(tmp_path / "other.card.json", tmp_path / "m.card.json")
    loaded = load_model(tmp_path / "m.npz")
    assert loaded.card["config"] == small_model.config and loaded.card["counts"] == small_model.card["counts"]


def test_a_card_beside_an_old_model_that_belongs_to_another_is_ignored(tmp_path, small_model, model):
    save_model(small_model, tmp_path / "m.npz")
    save_model(model, tmp_path / "other.npz")
    rewrite((tmp_path / "m.npz").read_bytes(), tmp_path / "m.npz", drop={"card.json"},  # as 0.1 wrote it: no card inside
            header=lambda h: h.pop("features"))
    os.replace(tmp_path / "other.card.json", tmp_path / "m.card.json")
    with pytest.warns(UserWarning, match="does not describe"):
        loaded = load_model(tmp_path / "m.npz")
    assert loaded.card == {}
