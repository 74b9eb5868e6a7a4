"""Model files built to hang, exhaust memory, crash at classify time or give NaN: each is a ModelFileError at
load, read no further than a bound (hostile-input review of fbe554d, D1–D5, D16, D17)."""

import json
import os
import time
import zipfile

import numpy as np
import pytest

from labor_topics import ModelFileError, load_model, save_model
from labor_topics.errors import MAX_REASON
from labor_topics.model_file import card_path

from modelfiles import array, npy, rewrite

PROBE = ["县总工会举办基层工会干部培训班", "工会为困难职工送去慰问金和年货"]


def _edited(small_bytes, tmp_path, **kw):
    return rewrite(small_bytes, tmp_path / "edited.npz", **kw)


# ------------------------------------------------------------------ D1: reads are bounded, non-regular files refused


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_is_refused_unread(device):
    if not os.path.exists(device):
        pytest.skip(f"{device} does not exist here")
    start = time.perf_counter()
    with pytest.raises(ModelFileError, match="not a regular file"):
        load_model(device)
    assert time.perf_counter() - start < 1


def test_a_symlink_to_a_device_and_a_fifo_are_refused(tmp_path):
    link = tmp_path / "m.npz"
    link.symlink_to("/dev/zero")
    with pytest.raises(ModelFileError, match="not a regular file"):
        load_model(link)
    fifo = tmp_path / "f.npz"
    os.mkfifo(fifo)
    with pytest.raises(ModelFileError, match="not a regular file"):
        load_model(fifo)  # refused before opening: a FIFO with no writer would block an open


def test_a_symlink_loop_and_an_unreadable_path_say_what_is_wrong(tmp_path):
    loop = tmp_path / "loop.npz"
    loop.symlink_to(loop)
    with pytest.raises(ModelFileError, match="cannot be read"):
        load_model(loop)
    with pytest.raises(ModelFileError, match="not a directory|cannot be read"):
        load_model(tmp_path / "loop.npz" / "below.npz")


# ------------------------------------------------------------------ D2: only stored or deflated members


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_a_member_compressed_otherwise_is_refused_before_it_is_inflated(small_bytes, tmp_path, method):
    path = _edited(small_bytes, tmp_path, compression={"header.json": method})
    with pytest.raises(ModelFileError, match="stored or deflated only"):
        load_model(path)


def test_a_bzip2_bomb_declaring_a_small_size_is_refused_unread(small_bytes, tmp_path):
    import bz2

    bomb = bz2.compress(b"\0" * (64 * 1024 * 1024))  # 64 MiB of zeros in a few KB
    path = _edited(small_bytes, tmp_path, compression={"coef.npy": zipfile.ZIP_BZIP2})
    data = bytearray(path.read_bytes())
    assert len(bomb) < 10_000
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("coef.npy").compress_type == zipfile.ZIP_BZIP2
    start = time.perf_counter()
    with pytest.raises(ModelFileError, match="stored or deflated only"):
        load_model(path)
    assert time.perf_counter() - start < 1 and len(data) < 10_000_000


# ------------------------------------------------------------------ D3: every field of the configuration


@pytest.mark.parametrize("field, value", [
    ("word_ngrams", [1, 10 ** 9]), ("char_ngrams", [1, 200000]), ("word_ngrams", "ab"), ("char_ngrams", [1]),
    ("char_ngrams", {"a": 1}), ("word_ngrams", [2, 1]), ("word_ngrams", [0, 1]), ("char_ngrams", [1.5, 3]),
    ("max_chars", "abc"), ("max_chars", -5), ("max_chars", 10 ** 12), ("max_chars", 0), ("max_chars", True),
    ("hmm", "yes"), ("classifier", "forest"), ("C", -1), ("C", float("inf")), ("min_df", 0),
    ("class_weight", {"a": 1}), ("calibration", 5), ("unknown_field", 1),
])
def test_a_bad_configuration_is_refused_at_load(small_bytes, tmp_path, field, value):
    path = _edited(small_bytes, tmp_path, header=lambda h: h["config"].update({field: value}))
    with pytest.raises(ModelFileError, match="config"):
        load_model(path)


def test_a_configuration_with_no_features_is_refused(small_bytes, tmp_path):
    path = _edited(small_bytes, tmp_path, header=lambda h: h["config"].update(word_ngrams=None, char_ngrams=None))
    with pytest.raises(ModelFileError, match="neither word_ngrams nor char_ngrams"):
        load_model(path)


@pytest.mark.parametrize("field, value", [("temperature", float("inf")), ("temperature", 0), ("temperature", -1),
                                          ("temperature", "1"), ("default_threshold", 1.5), ("default_threshold", True)])
def test_bad_scalars_are_refused(small_bytes, tmp_path, field, value):
    path = _edited(small_bytes, tmp_path, header=lambda h: h.update({field: value}))
    with pytest.raises(ModelFileError, match=field):
        load_model(path)


# ------------------------------------------------------------------ D4: the vocabulary


def _with_vocabulary(small_bytes, tmp_path, vocabulary, config=None):
    vocabulary = np.asarray(vocabulary, dtype=str)
    n = len(vocabulary)
    blobs = {"vocabulary.npy": npy(vocabulary), "idf.npy": npy(np.ones(n)), "coef.npy": npy(np.zeros((5, n)))}
    return _edited(small_bytes, tmp_path, replace=blobs, header=(lambda h: h["config"].update(config)) if config else None)


@pytest.mark.parametrize("vocabulary", [
    ["c:b", "c:a"],                 # not sorted
    ["c:a", "c:a"],                 # not unique
    ["c:a", "x:b"],                 # neither c: nor w:
    ["c:abcd"],                     # longer than the configuration's character n-grams (1-3)
    ["c:"],                         # empty
    ["c:a", "w:工会"],               # a word n-gram in a model with no word features
])
def test_a_malformed_vocabulary_is_refused(small_bytes, tmp_path, vocabulary):
    with pytest.raises(ModelFileError, match="vocabulary"):
        load_model(_with_vocabulary(small_bytes, tmp_path, vocabulary))


def test_keys_built_to_collide_in_the_hash_table_build_and_look_up_fast():
    """Multiples of the Fibonacci number F(47), whose product with the hash multiplier is almost 0 modulo 2**64,
    all hash to the first slots: one long probe chain (quadratic to build, slow to probe). The table gives up
    probing and falls back to binary search."""
    from labor_topics.features import _IntHash

    keys = np.arange(1, 40001, dtype=np.int64) * 2971215073
    start = time.perf_counter()
    table = _IntHash(keys, np.arange(len(keys)))
    found = table.lookup(np.concatenate([keys[::7], keys[:5] + 1]))
    assert time.perf_counter() - start < 2  # with probing to the end: tens of seconds
    assert table.sorted_keys is not None
    assert found.tolist() == list(range(0, len(keys), 7)) + [-1] * 5


def test_the_hash_table_fallback_gives_the_same_lookups_as_probing():
    from labor_topics.features import _IntHash

    rng = np.random.default_rng(5)
    keys = np.unique(rng.integers(0, 2 ** 40, 5000))
    values = rng.integers(0, 10 ** 6, len(keys))
    probed = _IntHash(keys, values)
    assert probed.sorted_keys is None
    queries = np.concatenate([keys, rng.integers(0, 2 ** 40, 2000)])
    _IntHash.MAX_PROBE, saved = -1, _IntHash.MAX_PROBE
    try:
        searched = _IntHash(keys, values)
    finally:
        _IntHash.MAX_PROBE = saved
    assert searched.sorted_keys is not None
    assert np.array_equal(probed.lookup(queries), searched.lookup(queries))


# ------------------------------------------------------------------ D5: finite numbers everywhere


@pytest.mark.parametrize("name, value", [("coef", np.nan), ("coef", np.inf), ("idf", np.nan), ("intercept", -np.inf)])
def test_nan_or_infinity_in_an_array_is_refused(small_bytes, tmp_path, name, value):
    values = array(small_bytes, name)
    values.flat[0] = value
    path = _edited(small_bytes, tmp_path, replace={f"{name}.npy": npy(values)})
    with pytest.raises(ModelFileError, match=f"{name}.npy holds NaN or infinite"):
        load_model(path)


def test_scores_and_json_output_are_always_finite(small_model, tmp_path):
    from labor_topics.cli import main

    path = tmp_path / "m.npz"
    save_model(small_model, path)
    out = tmp_path / "out.jsonl"
    texts = ["工会" * 5000, "!!!", "0" * 100, "工会为困难职工送去慰问金"]
    assert main(["classify", *texts, "--model", str(path), "--format", "jsonl", "--output", str(out)]) == 0

    def refuse(constant):
        raise AssertionError(f"{constant} in JSON output")

    records = [json.loads(line, parse_constant=refuse) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 4 and all(np.isfinite(score) for r in records for _, score in r["top"])


# ------------------------------------------------------------------ D16, D17: the card and the messages


def test_a_huge_or_deeply_nested_card_beside_an_old_model_is_ignored_not_fatal(small_model, tmp_path):
    path = tmp_path / "m.npz"
    save_model(small_model, path)
    rewrite(path.read_bytes(), path, drop={"card.json"})
    with open(card_path(path), "w") as fh:
        fh.write("[" * 100_000 + "]" * 100_000)
    with pytest.warns(UserWarning, match="cannot read this card"):
        loaded = load_model(path)
    assert loaded.card == {} and loaded.predict_proba(PROBE).shape == (2, 5)
    with open(card_path(path), "wb") as fh:
        fh.truncate(64 * 1024 * 1024)  # sparse
    with pytest.warns(UserWarning, match="cannot read this card"):
        load_model(path)


def test_a_card_field_of_the_wrong_type_is_dropped(small_model, small_bytes, tmp_path):
    card = json.loads(zipfile.ZipFile(__import__("io").BytesIO(small_bytes)).read("card.json"))
    card["training_text_sha256"] = 5
    path = _edited(small_bytes, tmp_path, replace={"card.json": json.dumps(card).encode()})
    with pytest.warns(UserWarning, match="training_text_sha256"):
        loaded = load_model(path)
    assert "training_text_sha256" not in loaded.card


def test_messages_are_capped_and_say_what_was_wrong(small_bytes, tmp_path):
    path = _edited(small_bytes, tmp_path, header=lambda h: h.update(labels=["x" * 10_000] * 5))
    with pytest.raises(ModelFileError) as err:
        load_model(path)
    assert len(err.value.reason) <= MAX_REASON and "labels" in str(err.value)
    bad = _edited(small_bytes, tmp_path, replace={"coef.npy": b"\x93NUMPY garbage"}, rehash=False,
                  header=lambda h: h["arrays"]["coef"].update(sha256=__import__("hashlib").sha256(b"\x93NUMPY garbage").hexdigest()))
    with pytest.raises(ModelFileError, match="coef.npy has no valid npy header"):
        load_model(bad)


def test_a_bytes_path_is_a_path(small_model, tmp_path):
    path = tmp_path / "m.npz"
    save_model(small_model, path)
    assert load_model(os.fsencode(path)).predict_proba(PROBE).shape == (2, 5)
