import json
import subprocess
import sys

import pytest

import labor_topics
from labor_topics import LABELS, Prediction, classify, classify_batch

from conftest import OWN_HEADLINES

ALL_HEADLINES = [(label, text) for label, texts in OWN_HEADLINES.items() for text in texts]


@pytest.mark.parametrize("gold, text", ALL_HEADLINES)
def test_clear_headlines_get_their_section(gold, text):
    assert classify(text).label == gold


def test_traditional_characters_get_the_same_prediction():
    simplified = "工会驿站为外卖骑手送上清凉饮品 职工服务更贴心"
    traditional = "工會驛站為外賣騎手送上清涼飲品 職工服務更貼心"
    assert classify(traditional) == classify(simplified)


def test_prediction_fields():
    p = classify("县总工会举办基层工会干部培训班")
    assert isinstance(p, Prediction)
    assert list(p.scores) == list(LABELS)
    assert sum(p.scores.values()) == pytest.approx(1.0)
    assert [label for label, _ in p.top] == sorted(LABELS, key=lambda l: -p.scores[l])
    assert p.top[0] == (p.label, p.score)
    assert p.score == max(p.scores.values())
    with pytest.raises(AttributeError):
        p.label = "x"


def test_top_k_and_threshold():
    text = "县总工会举办基层工会干部培训班"
    p = classify(text, top_k=2)
    assert len(p.top) == 2
    assert classify(text, threshold=1.0).label is None
    assert classify(text, threshold=0.0).label == "组织建设"
    default = labor_topics.load_model().default_threshold
    assert 0 < default < 1
    q = classify(text, threshold="default")
    assert q.label == ("组织建设" if q.score >= default else None)


@pytest.mark.parametrize("bad, error", [(None, TypeError), (b"bytes", TypeError), (42, TypeError), (["a"], TypeError),
                                        ("", ValueError), ("  \n\t ", ValueError)])
def test_bad_input(bad, error):
    with pytest.raises(error):
        classify(bad)


@pytest.mark.parametrize("bad, error", [(1.5, ValueError), (-0.1, ValueError), (float("nan"), ValueError),
                                        ("high", ValueError), (True, TypeError), ([0.5], TypeError)])
def test_bad_threshold(bad, error):
    with pytest.raises(error, match="threshold must be a number in"):
        classify("工会", threshold=bad)


def test_numpy_numbers_are_numbers():
    import numpy as np

    p = classify("工会为困难职工送去慰问金和年货", threshold=np.float32(0.5), top_k=np.int64(2))
    assert p.label == "维权服务" and len(p.top) == 2


def test_a_prediction_is_hashable_and_its_scores_cannot_change():
    p = classify("工会为困难职工送去慰问金和年货")
    assert hash(p) == hash(classify("工会为困难职工送去慰问金和年货"))
    assert {p, classify("工会为困难职工送去慰问金和年货")} == {p}
    with pytest.raises(TypeError):
        p.scores["维权服务"] = 0.0
    assert p.scores == dict(p.scores) and p.to_dict()["scores"] == dict(p.scores)


@pytest.mark.parametrize("text", ["Hello world", "12345", "!!!", "😀" * 10, "工" * 50_000])
def test_any_other_string_gets_a_prediction(text):
    p = classify(text)
    assert p.label in LABELS and sum(p.scores.values()) == pytest.approx(1.0)


def test_long_text_reads_only_the_first_max_chars(model):
    head = "市总工会开展送清凉活动。" * 2000
    assert len(head) > model.max_chars
    assert model.classify(head + "集体协商" * 100_000) == model.classify(head[: model.max_chars])


def test_batch_equals_single(seed_items):
    texts = [i.model_text for i in seed_items] + [t for _, t in ALL_HEADLINES]
    assert classify_batch(texts, top_k=3, threshold="default") == [classify(t, top_k=3, threshold="default") for t in texts]


def test_batch_with_two_processes_equals_one(model, seed_items):
    texts = [i.model_text for i in seed_items] * 3
    assert model.classify_batch(texts, n_jobs=2, chunk_size=20) == model.classify_batch(texts)


def test_parallel_chunks_keep_order_and_share_the_characters_evenly():
    from labor_topics.parallel import chunks as make_chunks

    texts = ["工" * 300] * 10 + ["会"] * 300  # 3,300 characters in 310 texts
    chunks = make_chunks(texts, chunk_size=100, workers=2)
    assert [t for c in chunks for t in c] == texts
    assert len(chunks) == 4  # 310 texts / 100 -> 4 chunks, a multiple of 2 workers
    assert [sum(map(len, c)) for c in chunks] == [600, 900, 900, 900]
    assert len(make_chunks(texts, chunk_size=1000, workers=3)) == 3


def test_copies_sent_to_a_worker_share_lookup_tables_built_once(model):
    import pickle

    model.classify("工会")  # the original's tables exist ...
    first, second = (pickle.loads(pickle.dumps(model)) for _ in range(2))
    arrays = model.space.vocabulary.nbytes + model.space.idf.nbytes + model.coef.nbytes
    assert len(pickle.dumps(model)) < arrays + 200_000  # ... do not travel with a copy (they would add megabytes)
    assert first.space._lookup_tables(3) is second.space._lookup_tables(3)
    assert first.classify("工会为职工送清凉") == model.classify("工会为职工送清凉")


@pytest.mark.parametrize("chunk_size, error", [(0, ValueError), (-5, ValueError), (2.5, TypeError), (True, TypeError),
                                               ("100", TypeError)])
def test_batch_refuses_a_bad_chunk_size(model, chunk_size, error):
    with pytest.raises(error, match="chunk_size must be a whole number of at least 1"):
        model.classify_batch(["工会"], chunk_size=chunk_size)


@pytest.mark.parametrize("n_jobs, error", [("x", TypeError), (0, ValueError), (1.5, TypeError)])
def test_batch_refuses_a_bad_n_jobs_by_its_own_check(model, n_jobs, error):
    with pytest.raises(error, match="n_jobs"):
        model.classify_batch(["工会"] * 3, n_jobs=n_jobs, chunk_size=1)


def test_batch_refuses_a_bare_string(model):
    with pytest.raises(TypeError, match="not a single string"):
        model.classify_batch("工会为职工")


def test_batch_validates_every_text():
    with pytest.raises(TypeError):
        classify_batch(["工会", None])
    assert classify_batch([]) == []


def test_explain_names_terms_of_the_text(model):
    terms = model.explain("快递企业召开工资集体协商会议签订集体合同", k=5)
    assert 1 <= len(terms) <= 5
    assert all(name.startswith(("w:", "c:")) and weight > 0 for name, weight in terms)
    assert any("协商" in name for name, _ in terms)
    assert [w for _, w in terms] == sorted((w for _, w in terms), reverse=True)


def test_import_is_light_classify_needs_no_scipy_and_leaves_jieba_global_state_alone():
    code = (
        "import sys, logging, labor_topics\n"
        "assert 'jieba' not in sys.modules and 'sklearn' not in sys.modules and 'numpy' not in sys.modules\n"
        "import jieba\n"
        "level = logging.getLogger('jieba').level\n"
        "labor_topics.load_model(tokenizer='jieba').classify('工会')\n"
        "assert 'sklearn' not in sys.modules and 'scipy' not in sys.modules\n"
        "assert not jieba.dt.initialized, 'the global tokenizer was initialised'\n"
        "assert logging.getLogger('jieba').level == level\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
    assert "Building prefix dict" not in out.stderr and "Loading model" not in out.stderr  # our tokenizer loads quietly


def test_fast_tokenizer_gives_the_same_tokens_and_predictions(model):
    pytest.importorskip("rjieba")
    from labor_topics import read_items
    from labor_topics.normalize import normalize
    from labor_topics.tokenize import get_tokenizer

    from conftest import SEEDS

    items = read_items(SEEDS / "corpus" / "train.jsonl") + read_items(SEEDS / "corpus" / "dev.jsonl")
    texts = [i.model_text for i in items]
    slow, fast = get_tokenizer(False, "jieba"), get_tokenizer(False, "rjieba")
    differ = [t[:30] for t in texts if slow.cut(normalize(t)) != fast.cut(normalize(t))]
    assert differ == []  # identical tokens with HMM off, as the README says
    fast_model = labor_topics.load_model(tokenizer="rjieba")
    assert fast_model.classify_batch(texts) == model.classify_batch(texts)


def test_unknown_or_missing_tokenizer_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown tokenizer"):
        labor_topics.load_model(tokenizer="spacy")
