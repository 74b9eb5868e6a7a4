import hashlib
import io
import json
import os
import pickle
import zipfile

import numpy as np
import pytest

import labor_topics
from labor_topics import save_model
from labor_topics import ModelFileError, load_model
from labor_topics.model_file import card_path, model_bytes
from labor_topics.paths import bundled_model_path
from modelfiles import rewrite

TEXTS = ["县总工会举办基层工会干部培训班", "工会为困难职工送去慰问金和年货", "Hello"]


def test_round_trip_gives_identical_probabilities_and_bytes(model, tmp_path):
    path = tmp_path / "copy.npz"
    save_model(model, path)
    again = load_model(path)
    assert np.array_equal(again.predict_proba(TEXTS), model.predict_proba(TEXTS))
    assert path.read_bytes() == model_bytes(model)
    assert again.default_threshold == model.default_threshold
    assert json.loads(open(card_path(path), encoding="utf-8").read())["model_file"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_bundled_card_describes_the_bundled_file(model):
    with open(bundled_model_path(), "rb") as fh:
        data = fh.read()
    card = model.card
    beside = json.loads(open(card_path(bundled_model_path()), encoding="utf-8").read())
    assert beside["model_file"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert {k: v for k, v in beside.items() if k not in ("created", "model_file")} == card
    assert card["default_threshold"] == model.default_threshold
    assert sum(card["counts"].values()) == len(card["training_text_sha256"])
    assert set(card["counts"]) == set(labor_topics.LABELS)
    assert card["config"] == model.config
    assert os.path.getsize(bundled_model_path()) < 5 * 1024 * 1024


def test_a_pickle_is_refused(tmp_path):
    path = tmp_path / "model.npz"
    path.write_bytes(pickle.dumps({"coef": [1, 2, 3]}))
    with pytest.raises(ModelFileError, match="looks like a pickle"):
        load_model(path)


def test_a_flipped_byte_is_detected(model, tmp_path):
    data = bytearray(model_bytes(model))
    # flip a byte inside the stored (not compressed) header of the last member's data
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("coef.npy")
    data[info.header_offset + 30 + len("coef.npy") + 40] ^= 0x55
    path = tmp_path / "flipped.npz"
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match=str(path).replace("\\", "\\\\")):
        load_model(path)


@pytest.mark.parametrize("fraction", [0.0, 0.001, 0.3, 0.7, 0.999])
def test_a_truncated_file_is_refused(model, tmp_path, fraction):
    data = model_bytes(model)
    path = tmp_path / "cut.npz"
    path.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(ModelFileError):
        load_model(path)


def _rewrite_header(model, tmp_path, change):
    return rewrite(model_bytes(model), tmp_path / "edited.npz", header=change)


def test_an_unknown_format_version_is_refused(model, tmp_path):
    path = _rewrite_header(model, tmp_path, lambda h: h.update(format_version=99))
    with pytest.raises(ModelFileError, match="unknown format version 99"):
        load_model(path)


def test_a_header_that_disagrees_with_the_arrays_is_refused(model, tmp_path):
    path = _rewrite_header(model, tmp_path, lambda h: h["arrays"]["coef"].update(shape=[5, 3]))
    with pytest.raises(ModelFileError, match="shape"):
        load_model(path)


def test_directory_and_missing_path(tmp_path):
    with pytest.raises(ModelFileError, match="is a directory"):
        load_model(tmp_path)
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "missing.npz")


def test_a_failed_save_leaves_the_old_file_intact(model, tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    save_model(model, path)
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        save_model(model, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.card.json", "model.npz"]


# ------------------------------------------------------------------ the model's contract with the code


def test_the_bundled_model_records_the_feature_rules_of_this_code():
    from labor_topics.model_file import feature_contract

    header = json.loads(zipfile.ZipFile(bundled_model_path()).read("header.json"))
    assert header["features"] == feature_contract()


@pytest.mark.parametrize("change, message", [
    (lambda h: h["features"].update(union_terms_sha256="0" * 64), "another union dictionary"),
    (lambda h: h["features"].update(version=h["features"]["version"] + 1), "feature rules version"),
])
def test_a_model_made_under_other_feature_rules_is_refused(model, tmp_path, change, message):
    path = _rewrite_header(model, tmp_path, change)
    with pytest.raises(ModelFileError, match=message) as err:
        load_model(path)
    assert "retrain" in str(err.value)


def test_a_model_without_a_recorded_contract_loads_with_a_warning(model, tmp_path):
    path = _rewrite_header(model, tmp_path, lambda h: h.pop("features"))
    with pytest.warns(UserWarning, match="does not record the feature rules"):
        again = load_model(path)
    assert np.array_equal(again.predict_proba(TEXTS), model.predict_proba(TEXTS))
