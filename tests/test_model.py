"""The numeric pieces of prediction and calibration, each held to the library function it replaces."""

import numpy as np
import pytest

from labor_topics.calibration import fit_temperature, softmax
from labor_topics.model import linear_scores


def test_linear_scores_equal_scipy_including_empty_rows():
    sp = pytest.importorskip("scipy.sparse")
    rng = np.random.default_rng(11)
    n_rows, n_cols = 40, 300
    matrix = sp.random(n_rows, n_cols, density=0.05, format="csr", random_state=3, dtype=np.float64)
    matrix = sp.csr_matrix(matrix.toarray() * (rng.random((n_rows, 1)) > 0.3))  # about a third of the rows empty
    assert (np.diff(matrix.indptr) == 0).sum() >= 5
    coef = rng.normal(size=(5, n_cols))
    ours = linear_scores(matrix.data, matrix.indices.astype(np.int64), matrix.indptr.astype(np.int64), coef)
    np.testing.assert_allclose(ours, (matrix @ coef.T).T, rtol=0, atol=1e-12)
    assert ours.shape == (5, n_rows) and not ours[:, np.diff(matrix.indptr) == 0].any()


def test_temperature_equals_scikit_learns_temperature_scaling():
    calibration = pytest.importorskip("sklearn.calibration")
    if not hasattr(calibration, "_TemperatureScaling"):
        pytest.skip("scikit-learn before 1.8 has no temperature scaling")
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 3, (2000, 5))
    truth = softmax(logits, 2.5)
    y = np.array([rng.choice(5, p=row) for row in truth])
    theirs = 1.0 / calibration._TemperatureScaling().fit(logits, y).beta_
    assert fit_temperature(logits, y) == pytest.approx(theirs, abs=1e-5)
    assert abs(fit_temperature(logits, y) - 2.5) < 0.2


def test_weighted_temperature_is_the_temperature_of_repeated_items():
    rng = np.random.default_rng(1)
    logits = rng.normal(0, 2, (300, 5))
    y = rng.integers(0, 5, 300)
    weights = rng.integers(1, 4, 300)
    repeated = fit_temperature(np.repeat(logits, weights, axis=0), np.repeat(y, weights))
    assert fit_temperature(logits, y, weights) == pytest.approx(repeated, abs=1e-5)
