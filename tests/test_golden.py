"""The bundled model's predictions on a fixed set are pinned (see tests/golden.py for the set and how to
rewrite it after a deliberate change)."""

import json

import numpy as np
import pytest

from golden import GOLDEN, text_of

#: Raw decision scores may move this much (float summation order across numpy builds); a changed feature
#: moves them by far more.
DECISION_TOLERANCE = 1e-6
#: Probabilities likewise.
PROBA_TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def golden():
    return json.loads(GOLDEN.read_text(encoding="utf-8"))["rows"]


def test_the_bundled_model_gives_the_golden_labels_and_scores(model, golden):
    texts = [text_of(row) for row in golden]
    decision = model.decision_function(texts)
    proba = model.predict_proba(texts)
    labels = [str(model.classes_[k]) for k in proba.argmax(axis=1)]
    changed = [row["where"] for row, label in zip(golden, labels) if label != row["label"]]
    assert changed == []
    np.testing.assert_allclose(decision, [row["decision"] for row in golden], rtol=0, atol=DECISION_TOLERANCE)
    np.testing.assert_allclose(proba, [row["proba"] for row in golden], rtol=0, atol=PROBA_TOLERANCE)

