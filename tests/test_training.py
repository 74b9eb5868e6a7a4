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
    model = train(small_training_items, config="chars13-logreg-C10")
    assert model.card["counts"] == {label: sum(1 for i in small_training_items if i.label == label) for label in LABELS}
    assert len(model.card["training_text_sha256"]) == len(small_training_items)
    assert model.config["classifier"] == "logreg" and model.config["word_ngrams"] is None
    path = save_model(model, tmp_path / "m.npz")
    texts = ["工会为困难职工送去慰问金", "劳动竞赛"]
    assert (load_model(path).predict_proba(texts) == model.predict_proba(texts)).all()


def test_train_accepts_text_label_pairs():
    pairs = [("劳模宣讲进企业", "思想引领"), ("职工读书会", "思想引领"), ("技能比武", "建功立业"), ("劳动竞赛", "建功立业"),
             ("送温暖慰问", "维权服务"), ("法律援助", "维权服务"), ("集体协商", "构建和谐劳动关系"), ("职代会召开", "构建和谐劳动关系"),
             ("工会成立", "组织建设"), ("会员入会", "组织建设")]
    model = train(pairs, config="chars13-logreg-C10", calibration_cv=2, min_df=1)
    assert model.classify("法律援助").label in LABELS


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
        model = train(small_training_items + small_training_items[:2], config="chars13-logreg-C10")
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


def test_grid_has_six_or_more_distinct_configurations():
    assert len(GRID) >= 6
    assert len({tuple(sorted((k, str(v)) for k, v in p.items())) for p in GRID.values()}) == len(GRID)


@pytest.mark.parametrize("config", ["words12+chars13-svm-C1", "words1+chars13-svm-C1-balanced", "chars13-logreg-C10", "words12-logreg-C10"])
def test_fast_features_equal_the_reference_features(config, small_training_items, seed_items):
    from labor_topics.features import terms
    from labor_topics.model import analyse_texts

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
    from labor_topics.model import analyse_texts

    analyses = analyse_texts(_FITTED_ON, False)
    ranges = [((1, 1), (1, 3)), ((1, 2), (2, 3)), (None, (1, 1)), ((1, 3), (1, 4)), ((2, 2), None)]
    return {(w, c): TfidfSpace.fit([terms(a, w, c) for a in analyses], min_df=1) for w, c in ranges}


@settings(max_examples=150, derandomize=True, deadline=None)
@given(texts=st.lists(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=40), min_size=1, max_size=5))
def test_fast_features_equal_the_reference_on_any_text(spaces, texts):
    from labor_topics.features import terms
    from labor_topics.model import analyse_texts

    analyses = analyse_texts(texts, False)
    for (word, char), space in spaces.items():
        fast = space.transform_analyses(analyses, word, char)
        reference = space.transform([terms(a, word, char) for a in analyses])
        assert fast.shape == reference.shape and (fast != reference).nnz == 0, (word, char)


def test_tfidf_values_are_scikit_learns_with_each_block_normalised(seed_items):
    """Sub-linear tf x smooth idf as scikit-learn computes it, then characters and words L2-normalised apart."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from labor_topics.features import TfidfSpace, terms
    from labor_topics.model import analyse_texts

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
