"""Spreading a batch over processes: balanced chunks, joblib, and a Dask cluster when one is active.

joblib is imported only when a batch really runs in parallel.
"""

from __future__ import annotations

import contextlib
from typing import Callable

import numpy as np

__all__ = ["chunks", "map_chunks"]


def chunks(texts: list[str], chunk_size: int, workers: int) -> list[list[str]]:
    """About ``chunk_size`` texts per chunk, as many chunks as a multiple of ``workers`` and the same number of
    characters in each, so that no worker is left with more to do than the others. Order is kept."""
    workers = max(1, workers)
    n = -(-len(texts) // max(1, chunk_size))
    n = -(-n // workers) * workers
    ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))
    cuts = np.searchsorted(ends, ends[-1] * np.arange(1, n) / n).tolist()
    bounds = [0] + cuts + [len(texts)]
    return [texts[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def _dask_is_active(backend) -> bool:
    """Is the active joblib backend the Dask one (as joblib's own registry names it)?"""
    import joblib.parallel

    dask_backend = joblib.parallel.BACKENDS.get("dask")
    return dask_backend is not None and isinstance(backend, dask_backend)


def map_chunks(function: Callable, shared, texts: list[str], *, n_jobs, chunk_size: int) -> list:
    """``[function(shared, chunk) for chunk in chunks(texts, …)]`` in joblib worker processes, in order.

    ``joblib.Parallel(n_jobs=n_jobs)`` honours an active joblib backend: inside
    ``with joblib.parallel_backend("dask"):`` the chunks run on a Dask cluster, and ``shared`` (the model) is
    scattered to the workers once, not sent with every chunk.
    """
    import joblib

    parts = chunks(texts, chunk_size, joblib.effective_n_jobs(n_jobs))
    with contextlib.ExitStack() as stack:
        backend, _ = joblib.parallel.get_active_backend()
        if _dask_is_active(backend):
            stack.enter_context(joblib.parallel_backend("dask", scatter=[shared]))
        return joblib.Parallel(n_jobs=n_jobs)(joblib.delayed(function)(shared, part) for part in parts)
