"""Classify a large JSONL file on a Dask cluster (needs the dask extra: pip install "labor-topics[dask]").

    python examples/dask_classify.py ITEMS.jsonl OUT.jsonl                      # a local cluster of 2 workers
    python examples/dask_classify.py ITEMS.jsonl OUT.jsonl tcp://scheduler:8786  # an existing cluster

Every worker needs labor-topics installed (the same version). The model is sent to each worker once; the
texts travel in chunks of 2,000.
"""

import json
import sys

import joblib
from distributed import Client, LocalCluster

from labor_topics import load_model, read_items



def main() -> None:
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    source, target = sys.argv[1], sys.argv[2]
    client = Client(sys.argv[3]) if len(sys.argv) == 4 else Client(LocalCluster(n_workers=2, threads_per_worker=1))
    model = load_model()
    items = read_items(source)
    with joblib.parallel_backend("dask"):
        predictions = model.classify_batch([i.model_text for i in items], n_jobs=-1, chunk_size=2_000)
    with open(target, "w", encoding="utf-8") as out:
        for item, p in zip(items, predictions):
            out.write(json.dumps({"id": item.id, "title": item.title, "label": p.label, "score": round(p.score, 6)},
                                 ensure_ascii=False) + "\n")
    print(f"{len(items)} items classified on {len(client.scheduler_info()['workers'])} workers -> {target}")
    client.close()


if __name__ == "__main__":
    main()
