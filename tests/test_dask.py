"""classify_batch on a local Dask cluster of two workers."""

import sys

import pytest

distributed = pytest.importorskip("distributed")


def _count_models_received():
    """In a worker: count the models unpickled there (by wrapping Model's unpickling)."""
    from labor_topics.model import Model

    def setstate(self, state):
        self.__dict__.update(state)
        Model.received_in_test = getattr(Model, "received_in_test", 0) + 1

    Model.__setstate__ = setstate


def _models_received():
    from labor_topics.model import Model

    return getattr(Model, "received_in_test", 0)


def test_dask_backend_gives_the_same_predictions_and_ships_the_model_once(model, seed_items):
    import cloudpickle
    import joblib

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module
    texts = [f"{k} {item.model_text}" for k, item in enumerate(seed_items * 6)]
    expected = model.classify_batch(texts)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        client.run(_count_models_received)
        with joblib.parallel_backend("dask"):
            got = model.classify_batch(texts, n_jobs=-1, chunk_size=20)
        received = client.run(_models_received)
    assert got == expected
    assert len(texts) // 20 > 2 * len(received)  # many more chunks than workers ...
    assert 1 <= sum(received.values()) and all(n <= 1 for n in received.values())  # ... the model sent once each
