"""classify_batch on a local Dask cluster of two workers (skipped without the dask extra)."""

import pytest

distributed = pytest.importorskip("distributed")


def test_dask_backend_gives_the_same_predictions_and_ships_the_model_once(model, seed_items):
    import joblib

    texts = [f"{k} {item.model_text}" for k, item in enumerate(seed_items * 6)]
    expected = model.classify_batch(texts)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        with joblib.parallel_backend("dask"):
            got = model.classify_batch(texts, n_jobs=-1, chunk_size=20)
        received = client.run(lambda: __import__("labor_topics.model").model.Model.unpickled)
    assert got == expected
    assert len(texts) // 20 > 2 * len(received)  # many more chunks than workers ...
    assert 1 <= sum(received.values()) and all(n <= 1 for n in received.values())  # ... the model sent once each
