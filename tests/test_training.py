import re

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from labor_topics import save_model
from labor_topics import LABELS, Item, load_model, train
from labor_topics.estimator import TopicClassifier
from labor_topics.model_file import model_bytes
from labor_topics.selection import GRID


def test_same_data_and_configuration_give_a_byte_identical_model(small_training_items, tmp_path):
    first = train(small_training_items, config="words1+chars13-svm-C1-balanced")
    second = train(small_training_items, config="words1+chars13-svm-C1-balanced")
    assert model_bytes(first) == model_bytes(second)
    save_model(first, tmp_path / "a.npz")
    save_model(second, tmp_path / "b.npz")
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()


def test_trained_model_card_and_round_trip(small_training_items, tmp_path):
    model = train(small_training_items, config="words12+chars13-ridge-C1-balanced-heads")
    assert model.card["counts"] == {label: sum(1 for i in small_training_items if i.label == label) for label in LABELS}
    assert len(model.card["training_text_sha256"]) == len(small_training_items)
    assert model.config["classifier"] == "ridge" and model.config["word_ngrams"] == [1, 2]
    path = save_model(model, tmp_path / "m.npz")
    texts = ["工会为困难职工送去慰问金", "劳动竞赛"]
    assert (load_model(path).predict_proba(texts) == model.predict_proba(texts)).all()


def test_train_accepts_text_label_pairs():
    pairs = [("劳模宣讲进企业", "思想引领"), ("职工读书会", "思想引领"), ("技能比武", "建功立业"), ("劳动竞赛", "建功立业"),
             ("送温暖慰问", "维权服务"), ("法律援助", "维权服务"), ("集体协商", "构建和谐劳动关系"), ("职代会召开", "构建和谐劳动关系"),
             ("工会成立", "组织建设"), ("会员入会", "组织建设")]
    model = train(pairs, config="chars13-svm-C1-balanced-heads", calibration_cv=2, min_df=1)
    assert model.card["counts"] == {label: 2 for label in LABELS}
    assert [model.classify(text).label for text, _ in pairs] == [label for _, label in pairs]


@pytest.mark.parametrize("items, message", [
    ([Item(text="工会", label="思想引领", source="f.jsonl", line=1), Item(text="工会", label="组织建设", source="f.jsonl", line=2)],
     "f.jsonl:2: the same text as f.jsonl:1 with another label"),
    ([Item(text="工会", label=None, source="f.jsonl", line=3)], "f.jsonl:3: no label"),
    ([Item(text="工会", label="思想引领", source="f.jsonl", line=1)], "section 建功立业 has 0 training item(s)"),
])
def test_bad_training_data_is_reported_with_file_and_line(items, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        train(items)


def test_exact_duplicates_are_dropped_with_a_warning(small_training_items):
    with pytest.warns(UserWarning, match="dropped 2 exact duplicate"):
        model = train(small_training_items + small_training_items[:2], config="words1+chars13-svm-C1-balanced")
    assert model.card["duplicates_dropped"] == 2


def test_estimator_follows_scikit_learn_conventions(small_training_items):
    from sklearn.base import clone

    est = TopicClassifier(classifier="ridge", C=2.0)
    assert not hasattr(est, "model_") and est.get_params()["C"] == 2.0
    assert clone(est).get_params() == est.get_params()
    texts = [i.model_text for i in small_training_items]
    labels = [i.label for i in small_training_items]
    est.fit(texts, labels)
    assert list(est.classes_) == list(LABELS)
    proba = est.predict_proba(texts[:5])
    assert proba.shape == (5, 5)
    assert list(est.predict(texts[:5])) == [LABELS[j] for j in proba.argmax(axis=1)]


def test_estimator_refuses_unknown_labels_and_no_features():
    with pytest.raises(ValueError, match="unknown labels"):
        TopicClassifier().fit(["a", "b"], ["思想引领", "其他"])
    with pytest.raises(ValueError, match="no features"):
        TopicClassifier(word_ngrams=None, char_ngrams=None).fit(["a"], ["思想引领"])


@pytest.mark.parametrize("config", ["words12+chars13-svm-C1-balanced-heads", "words1+chars13-svm-C1-balanced",
                                    "chars13-svm-C1-balanced-heads", "words1+chars14-svm-C1-balanced-heads"])
def test_fast_features_equal_the_reference_features(config, small_training_items, seed_items):
    from labor_topics.features import terms
    from labor_topics.pipeline import analyse_texts

    model = train(small_training_items[:120], config=config)
    texts = [i.model_text for i in seed_items] + ["Hello 123 世界", "工", "😀工会😀", "a b c", "工会职工" * 1500]
    analyses = analyse_texts(texts, model.config["hmm"])
    word = model.config["word_ngrams"] and tuple(model.config["word_ngrams"])
    char = model.config["char_ngrams"] and tuple(model.config["char_ngrams"])
    fast = model.space.transform_analyses(analyses, word, char)
    reference = model.space.transform([terms(a, word, char) for a in analyses])
    assert (fast != reference).nnz == 0


# Characters that stress the fast path: words of the union dictionary, capitals (Greek final sigma, dotted I),
# digits of several scripts (folded to 0; 𐒡 is an Osmanya digit, beyond the Basic Multilingual Plane), an
# astral character, punctuation and spaces.
_ALPHABET = list("工会职工劳模技能比武集体协商送温暖") + list("ABCΣΑσςİx_") + list("0123٠١٢۴५𐒡") + ["😀", " ", "\n", ",", "。", "、"]
_FITTED_ON = ["工会职工技能比武ΣΑΣ 0123", "劳模Aİx_集体协商٠١٢ 😀工会", "送温暖工会职工 abc ABC 12 ٣", "工会工会 职工职工 ΑΣ ς5٢ 𐒡0"]


@pytest.fixture(scope="module")
def spaces():
    """Vocabularies fitted on the texts above (min_df=1), for several n-gram ranges."""
    from labor_topics.features import TfidfSpace, terms
    from labor_topics.pipeline import analyse_texts

    analyses = analyse_texts(_FITTED_ON, False)
    ranges = [((1, 1), (1, 3)), ((1, 2), (2, 3)), (None, (1, 1)), ((1, 3), (1, 4)), ((2, 2), None)]
    return {(w, c): TfidfSpace.fit([terms(a, w, c) for a in analyses], min_df=1) for w, c in ranges}


@settings(max_examples=150, derandomize=True, deadline=None)
@given(texts=st.lists(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=40), min_size=1, max_size=5))
def test_fast_features_equal_the_reference_on_any_text(spaces, texts):
    from labor_topics.features import terms
    from labor_topics.pipeline import analyse_texts

    analyses = analyse_texts(texts, False)
    for (word, char), space in spaces.items():
        fast = space.transform_analyses(analyses, word, char)
        reference = space.transform([terms(a, word, char) for a in analyses])
        assert fast.shape == reference.shape and (fast != reference).nnz == 0, (word, char)


def test_tfidf_values_are_scikit_learns_with_each_block_normalised(seed_items):
    """Sub-linear tf x smooth idf as scikit-learn computes it, then characters and words L2-normalised apart."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from labor_topics.features import TfidfSpace, terms
    from labor_topics.pipeline import analyse_texts

    analyses = analyse_texts([i.model_text for i in seed_items] + ["工会职工" * 1500], False)  # counts over 1,023 too
    term_lists = [terms(a, (1, 2), (1, 3)) for a in analyses]
    space = TfidfSpace.fit(term_lists, min_df=2)
    vectorizer = TfidfVectorizer(analyzer=lambda names: names, sublinear_tf=True, norm=None, min_df=2)
    expected = vectorizer.fit_transform(term_lists).toarray()
    assert vectorizer.get_feature_names_out().tolist() == space.vocabulary.tolist()
    for block in (slice(0, space.n_char), slice(space.n_char, len(space))):
        expected[:, block] /= np.linalg.norm(expected[:, block], axis=1, keepdims=True)
    assert np.allclose(space.transform(term_lists).toarray(), expected, rtol=1e-12, atol=0)
    assert np.allclose(space.transform_analyses(analyses, (1, 2), (1, 3)).toarray(), expected, rtol=1e-12, atol=0)


# ------------------------------------------------------------------ scikit-learn conformance


def test_the_estimator_defaults_are_the_bundled_configuration(model):
    est = TopicClassifier()
    config = est.config()
    assert {k: v for k, v in config.items() if k != "calibration"} == \
        {k: v for k, v in model.config.items() if k != "calibration"}


def test_the_estimator_declares_raw_text_input_and_checks_its_calls():
    from sklearn.exceptions import NotFittedError
    from sklearn.utils import get_tags

    tags = get_tags(TopicClassifier())
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    with pytest.raises(NotFittedError):
        TopicClassifier().predict(["工会"])
    with pytest.raises(ValueError, match="needs y"):
        TopicClassifier().fit(["工会", "职工"], None)
    with pytest.raises(TypeError, match="not a single string"):
        TopicClassifier().fit("工会", ["思想引领"])


#: The checks of scikit-learn's suite that do not feed the estimator numeric arrays (a raw-text estimator cannot
#: take those; with the ``string`` input tag declared, ``check_estimator`` skips its whole suite).
_APPLICABLE_CHECKS = ["check_parameters_default_constructible", "check_no_attributes_set_in_init", "check_get_params_invariance",
                      "check_set_params", "check_estimator_cloneable", "check_estimator_repr", "check_mixin_order",
                      "check_valid_tag_types", "check_estimator_tags_renamed", "check_do_not_raise_errors_in_init_or_set_params",
                      "check_estimators_unfitted"]


@pytest.mark.parametrize("check", _APPLICABLE_CHECKS)
def test_scikit_learn_checks_that_apply_to_a_text_estimator_pass(check):
    from sklearn.utils import estimator_checks

    getattr(estimator_checks, check)("TopicClassifier", TopicClassifier())


def test_check_estimator_skips_the_numeric_suite_because_of_the_declared_tags():
    from sklearn.utils.estimator_checks import check_estimator

    with pytest.warns(UserWarning, match="string=True"):
        check_estimator(TopicClassifier())


def test_sample_weight_counts_like_repeated_items(small_training_items):
    texts = [i.model_text for i in small_training_items]
    labels = [i.label for i in small_training_items]
    weights = [2 if k % 3 == 0 else 1 for k in range(len(texts))]
    weighted = TopicClassifier(classifier="ridge", calibration_cv=0).fit(texts, labels, sample_weight=weights)
    plain = TopicClassifier(classifier="ridge", calibration_cv=0).fit(texts, labels)
    assert not np.allclose(weighted.model_.coef, plain.model_.coef)
    with pytest.raises(ValueError, match="sample_weight"):
        TopicClassifier().fit(texts, labels, sample_weight=[1.0] * 3)


# ------------------------------------------------------------------ the card and the runs (B3, D24, D26)


def test_the_card_states_the_folds_and_repeats_the_run_used(tmp_path, small_training_items):
    import json as _json

    from labor_topics.selection import TIE_MARGIN
    from labor_topics.training import run_training

    data = tmp_path / "d.jsonl"
    data.write_text("\n".join(_json.dumps({"text": i.model_text, "label": i.label}, ensure_ascii=False)
                              for i in small_training_items) + "\n", encoding="utf-8")
    _, card, _ = run_training([str(data)], search=True,
                              grid={"words1+chars13-svm-C1-balanced": GRID["words1+chars13-svm-C1-balanced"]},
                              folds=3, repeats=1, log=lambda m: None)
    method = card["selection"]["method"]
    assert "3-fold" in method and "1 repeat" in method and str(TIE_MARGIN) in method and "5-fold" not in method


@pytest.mark.parametrize("items, error, message", [
    ([(None, "思想引领")], TypeError, "training item 1: the text must be a str, got NoneType"),
    ([("工会", "思想引领"), (b"bytes", "思想引领")], TypeError, "training item 2: the text must be a str, got bytes"),
    ([("工会",)], TypeError, "training item 1: expected an Item or a (text, label) pair"),
])
def test_bad_training_pairs_name_the_item(items, error, message):
    with pytest.raises(error, match=re.escape(message)):
        train(items)


def test_too_few_items_for_the_folds_says_what_to_do(small_training_items):
    from labor_topics.selection import cross_validate

    few = [i for i in small_training_items if i.label != "组织建设"] + \
        [i for i in small_training_items if i.label == "组织建设"][:3]
    with pytest.raises(ValueError, match="组织建设 has 3; use --folds 3"):
        cross_validate(few, {"x": GRID["words1+chars13-svm-C1-balanced"]}, folds=5, repeats=1)


def test_the_model_does_not_depend_on_how_the_data_paths_are_spelled(tmp_path, monkeypatch):
    import os
    import shutil

    from conftest import DIGEST_000, DIGEST_001
    from labor_topics.training import run_training

    for name in (DIGEST_000, DIGEST_001):
        shutil.copy(name, tmp_path / name.name)
    monkeypatch.chdir(tmp_path)
    grid = {"words1+chars13-svm-C1-balanced": GRID["words1+chars13-svm-C1-balanced"]}
    relative, _, _ = run_training([DIGEST_000.name, DIGEST_001.name], grid=grid, folds=2, repeats=1, log=lambda m: None)
    absolute, _, _ = run_training([str(tmp_path / DIGEST_000.name), os.path.join(str(tmp_path), ".", DIGEST_001.name)],
                                  grid=grid, folds=2, repeats=1, log=lambda m: None)
    assert relative.temperature == absolute.temperature and np.array_equal(relative.coef, absolute.coef)


def test_the_token_memos_keep_no_long_tokens():
    from labor_topics.tokenize import Memo

    memo = Memo(len, limit=10, max_key_chars=64)
    assert memo["x" * 100] == 100 and len(memo) == 0
    for k in range(25):
        memo[str(k)]
    assert len(memo) <= 10  # forgotten at once past the limit


# ------------------------------------------------------------------ model 0.2: one fitting path, weights, threshold


def test_the_command_line_and_train_give_the_same_model(tmp_path, small_training_items):
    import json as _json
    import subprocess
    import sys

    from labor_topics.model_file import load_model_file

    data = tmp_path / "mine.jsonl"
    data.write_text("\n".join(_json.dumps({"title": i.title, "text": i.text, "label": i.label}, ensure_ascii=False)
                              for i in small_training_items) + "\n", encoding="utf-8")
    out = tmp_path / "cli.npz"
    result = subprocess.run([sys.executable, "-m", "labor_topics", "train", "--data", str(data), "--output", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    from_cli = load_model_file(out)
    from labor_topics import read_items

    from_api = train(read_items(data))
    assert from_cli.config == from_api.config and from_cli.temperature == from_api.temperature
    assert from_cli.default_threshold == from_api.default_threshold
    assert np.array_equal(from_cli.coef, from_api.coef) and np.array_equal(from_cli.space.vocabulary, from_api.space.vocabulary)


def test_item_weights_reach_the_classifier(small_training_items):
    from dataclasses import replace

    heavy = [replace(i, weight=5.0) if k % 4 == 0 else i for k, i in enumerate(small_training_items)]
    assert not np.allclose(train(heavy).coef, train(small_training_items).coef)


def test_the_threshold_is_the_lowest_where_the_kept_are_right_often_enough():
    from labor_topics.selection import threshold_for_precision

    confidence = np.array([0.95, 0.9, 0.85, 0.8, 0.6, 0.5, 0.4, 0.35])
    correct = np.array([True, True, True, False, True, False, False, True])
    # kept from 0.81 up: 3 of 3 right; from 0.51 up: 4 of 5 (0.8); from 0.41 up: 4 of 6
    assert threshold_for_precision(confidence, correct, target=0.97) == 0.81
    assert threshold_for_precision(confidence, correct, target=0.75) == 0.51
    assert threshold_for_precision(confidence, ~correct.astype(bool) & False, target=0.97) is None


def test_the_learning_curve_grows_the_training_share(small_training_items):
    from labor_topics.selection import GRID, learning_curve

    rows = learning_curve(small_training_items, GRID["chars13-svm-C1-balanced-heads"], folds=3, repeats=1)
    assert [r["fraction"] for r in rows] == [0.25, 0.5, 0.75, 1.0]
    sizes = [r["training_items"] for r in rows]
    assert sizes == sorted(sizes) and sizes[-1] == round(len(small_training_items) * 2 / 3)
    assert all(0 < r["macro_f1_mean"] <= 1 for r in rows)


def test_headline_copies_are_trained_on(small_training_items):
    texts = [i.model_text for i in small_training_items]
    labels = [i.label for i in small_training_items]
    plain = TopicClassifier(headline_copies=0.0, calibration_cv=0).fit(texts, labels)
    copies = TopicClassifier(headline_copies=0.5, calibration_cv=0).fit(texts, labels)
    assert len(copies.model_.space) > len(plain.model_.space)  # the headline copies were trained on
    heads = [t.split("\n")[0] for t in texts if "\n" in t]
    assert (copies.predict(heads) == np.array([i.label for i in small_training_items if "\n" in i.model_text])).mean() >= \
        (plain.predict(heads) == np.array([i.label for i in small_training_items if "\n" in i.model_text])).mean()
