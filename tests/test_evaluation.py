import json
import subprocess
import sys

import numpy as np
import pytest

from labor_topics import save_model
from labor_topics import LABELS, train
from labor_topics.evaluation import cross_validate_items, evaluate
from labor_topics.report import format_report
from labor_topics import metrics

from conftest import ROOT, TRAIN

# A fixture worked out by hand (labels 0..4; label 4 never occurs):
#   gold  0 0 0 1 1 2 2 2 2 3
#   pred  0 0 1 1 2 2 2 2 0 0
GOLD = [0, 0, 0, 1, 1, 2, 2, 2, 2, 3]
PRED = [0, 0, 1, 1, 2, 2, 2, 2, 0, 0]


def test_confusion_and_per_class_by_hand():
    m = metrics.confusion(GOLD, PRED, 5)
    assert m.tolist() == [[2, 1, 0, 0, 0],
                          [0, 1, 1, 0, 0],
                          [1, 0, 3, 0, 0],
                          [1, 0, 0, 0, 0],
                          [0, 0, 0, 0, 0]]
    pc = metrics.per_class(m)
    # precision = diagonal / column sums (4, 2, 4, 0, 0); recall = diagonal / row sums (3, 2, 4, 1, 0)
    assert pc["precision"].tolist() == pytest.approx([2 / 4, 1 / 2, 3 / 4, 0, 0])
    assert pc["recall"].tolist() == pytest.approx([2 / 3, 1 / 2, 3 / 4, 0, 0])
    # F1 of label 0: 2 * 1/2 * 2/3 / (1/2 + 2/3) = 4/7
    assert pc["f1"].tolist() == pytest.approx([4 / 7, 1 / 2, 3 / 4, 0, 0])
    assert pc["support"].tolist() == [3, 2, 4, 1, 0]
    assert metrics.accuracy(GOLD, PRED) == pytest.approx(6 / 10)
    assert metrics.macro_f1(GOLD, PRED, 5) == pytest.approx((4 / 7 + 1 / 2 + 3 / 4) / 5)


def test_metrics_agree_with_scikit_learn_on_random_labels():
    from sklearn.metrics import f1_score, precision_recall_fscore_support

    rng = np.random.default_rng(7)
    y, p = rng.integers(0, 5, 300), rng.integers(0, 5, 300)
    p[:40] = 4
    ours = metrics.per_class(metrics.confusion(y, p, 5))
    theirs = precision_recall_fscore_support(y, p, labels=range(5), zero_division=0)
    for k, name in enumerate(["precision", "recall", "f1"]):
        assert ours[name] == pytest.approx(theirs[k])
    assert metrics.macro_f1(y, p, 5) == pytest.approx(f1_score(y, p, labels=range(5), average="macro", zero_division=0))


def test_calibration_error_by_hand():
    # bins (0.9, 1.0]: two items, confidence 0.95, accuracy 0.5; (0.5, 0.6]: one, 0.55 vs 1; (0.1, 0.2]: one, 0.15 vs 0
    ece, rows = metrics.calibration([0.95, 0.95, 0.55, 0.15], [1, 0, 1, 0])
    assert ece == pytest.approx(2 / 4 * 0.45 + 1 / 4 * 0.45 + 1 / 4 * 0.15)
    assert [r["n"] for r in rows] == [0, 1, 0, 0, 0, 1, 0, 0, 0, 2]
    assert rows[9]["accuracy"] == 0.5 and rows[9]["confidence"] == pytest.approx(0.95)


def test_abstention_rows_by_hand():
    rows = metrics.abstention([0.9, 0.6, 0.3, 0.8], [True, False, True, True], [0.2, 0.7], thresholds=[0.5, 0.85])
    assert rows == [{"threshold": 0.5, "answered": 0.75, "accuracy": pytest.approx(2 / 3), "none_below": 0.5},
                    {"threshold": 0.85, "answered": 0.25, "accuracy": 1.0, "none_below": 1.0}]


def test_bootstrap_is_seeded():
    a = metrics.bootstrap_ci(GOLD, PRED, 5, seed=3)
    assert a == metrics.bootstrap_ci(GOLD, PRED, 5, seed=3)
    assert a != metrics.bootstrap_ci(GOLD, PRED, 5, seed=4)
    assert a["accuracy"][0] <= 0.6 <= a["accuracy"][1]


@pytest.fixture(scope="module")
def heldout_setup(small_training_items, tmp_path_factory):
    from labor_topics import read_items

    model = train(small_training_items, config="words1+chars13-svm-C1-balanced")
    folder = tmp_path_factory.mktemp("heldout")
    path = folder / "m.npz"
    save_model(model, path)
    corpus = read_items(TRAIN)
    unseen = corpus[200:280]  # five-label and 无 items the model never saw
    return str(path), model, unseen, small_training_items


def test_heldout_leaves_out_training_items_and_reports_everything(heldout_setup):
    path, model, unseen, trained = heldout_setup
    with pytest.warns(UserWarning, match="left out 5 item"):
        report = evaluate(model, unseen + trained[:5], seed=1)
    five = [i for i in unseen if i.label in LABELS]
    assert report["n"] == len(five) and report["left_out_training_items"] == 5
    assert report["none_items"] == sum(1 for i in unseen if i.label == "无")
    assert sum(map(sum, report["confusion"]["matrix"])) == report["n"]
    assert set(report["baselines"]) == {"majority", "stratified random", "model on headlines alone"}
    assert any("char-n-gram baseline skipped" in note for note in report["notes"])
    preds = report["predictions"]
    assert [p["gold"] for p in preds] == [i.label for i in five]
    recomputed = metrics.macro_f1([LABELS.index(p["gold"]) for p in preds], [LABELS.index(p["predicted"]) for p in preds], 5)
    assert recomputed == pytest.approx(report["macro_f1"])
    assert len(report["abstention"]) == 9 and len(report["errors"]) <= 10
    text = format_report(report)
    assert "macro-F1" in text and "构建和谐劳动关系" in text and "most confident errors" in text


def test_heldout_refuses_when_every_item_was_trained_on(heldout_setup):
    _, model, _, trained = heldout_setup
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="trained on all of them"):
        evaluate(model, trained[:20])


def test_bundled_model_baseline_uses_its_bundled_training_data(model, small_training_items):
    from labor_topics import Item

    fresh = [Item(text=t, title=t, label=l) for l, t in [("维权服务", "区总工会给环卫工人送去防暑药品和清凉饮料"),
                                                         ("组织建设", "开发区成立快递行业联合工会"),
                                                         ("建功立业", "市总工会举办电工职业技能竞赛")]]
    report = evaluate(model, fresh, seed=0, errors=2)
    assert "char n-grams only" in report["baselines"] and report["n"] == 3


def test_cli_evaluate_json_and_plot(heldout_setup, tmp_path):
    path, _, unseen, _ = heldout_setup
    data = tmp_path / "unseen.jsonl"
    data.write_text("\n".join(json.dumps({"title": i.title, "text": i.text, "label": i.label}, ensure_ascii=False)
                              for i in unseen) + "\n", encoding="utf-8")
    args = [sys.executable, "-m", "labor_topics", "evaluate", "--model", path, "--data", str(data), "--json", "--seed", "5"]
    first = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    for key in ["n", "accuracy", "macro_f1", "per_class", "confusion", "baselines", "ci95", "abstention", "ece", "predictions"]:
        assert key in report
    second = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    assert json.loads(second.stdout) == report
    pytest.importorskip("matplotlib")
    from labor_topics.plot import find_cjk_font

    png = tmp_path / "cm.png"
    plotted = subprocess.run(args[:-3] + ["--plot", str(png)], capture_output=True, text=True, cwd=ROOT)
    assert plotted.returncode == 0, plotted.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert ("no font with Chinese characters found" in plotted.stderr) == (find_cjk_font() is None)


def test_cv_mode_is_repeatable_and_its_tables_come_from_its_predictions(small_training_items):
    a = cross_validate_items(small_training_items, config="words1+chars13-svm-C1-balanced", folds=3, repeats=1, seed=2)
    b = cross_validate_items(small_training_items, config="words1+chars13-svm-C1-balanced", folds=3, repeats=1, seed=2)
    assert a == b
    assert a["mode"] == "cross-validation" and a["n"] == len(small_training_items)
    assert set(a["baselines"]) == {"majority", "stratified random", "char n-grams only", "model on headlines alone"}
    gold = [LABELS.index(p["gold"]) for p in a["predictions"]]
    assert gold == [LABELS.index(i.label) for i in small_training_items]
    assert metrics.macro_f1(gold, [LABELS.index(p["predicted"]) for p in a["predictions"]], 5) == pytest.approx(a["macro_f1"])


def test_cli_evaluate_refuses_bad_combinations(tmp_path):
    result = subprocess.run([sys.executable, "-m", "labor_topics", "evaluate", "--cv", "3", "--model", "x.npz", "--data",
                             str(TRAIN)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2 and "--cv fits fresh models" in result.stderr


def test_the_cjk_font_check_never_takes_matplotlibs_own_fonts():
    matplotlib = pytest.importorskip("matplotlib")
    import os

    from labor_topics.plot import find_cjk_font

    found = find_cjk_font()
    assert found is None or not os.path.realpath(found).startswith(os.path.realpath(matplotlib.get_data_path()))


def test_evaluating_a_model_that_cannot_tell_its_training_data_warns(heldout_setup):
    _, model, unseen, trained = heldout_setup
    import copy

    blind = copy.copy(model)
    blind.card = {k: v for k, v in model.card.items() if k != "training_text_sha256"}
    with pytest.warns(UserWarning, match="does not list its training texts"):
        report = evaluate(blind, trained, baselines=False)
    assert report["left_out_training_items"] == 0
