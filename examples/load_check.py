"""A bounded load check of `labor-topics serve` on this machine (by hand, not in CI).

    python examples/load_check.py [--clients 8] [--seconds 20] [--texts 10]

Starts the server on a free port of 127.0.0.1, sends POST /v1/classify requests (each with --texts corpus items)
from --clients threads for --seconds, then stops the server. Reports requests/s, texts/s, p50/p99 latency and
errors (which must be 0), and the server's texts/s against classify_batch called directly on the same texts.
Traffic goes to 127.0.0.1 only, and the loop ends by itself.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--texts", type=int, default=10)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from labor_topics import load_model, read_items

    items = read_items(ROOT / "seeds" / "corpus" / "dev.jsonl")
    texts = [i.model_text for i in items]
    port = free_port()
    data = tempfile.mkdtemp()
    server = subprocess.Popen([sys.executable, "-m", "labor_topics", "serve", "--port", str(port), "--data-dir", data],
                              cwd=ROOT, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/v1/classify"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        latencies, errors, lock = [], [0], threading.Lock()
        stop = time.monotonic() + args.seconds

        def client(k: int) -> None:
            n = k
            while time.monotonic() < stop:
                batch = [f"{n} {texts[(n * args.texts + j) % len(texts)]}" for j in range(args.texts)]
                body = json.dumps({"texts": batch}, ensure_ascii=False).encode("utf-8")
                request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
                start = time.perf_counter()
                try:
                    with urllib.request.urlopen(request, timeout=60) as response:
                        ok = response.status == 200 and len(json.loads(response.read())["predictions"]) == args.texts
                except OSError:
                    ok = False
                with lock:
                    latencies.append(time.perf_counter() - start)
                    errors[0] += not ok
                n += args.clients

        threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
        began = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - began
    finally:
        server.terminate()
        server.wait(timeout=30)
    model = load_model()
    sample = [f"{n} {texts[n % len(texts)]}" for n in range(2000)]
    model.classify_batch(sample[:50])
    start = time.perf_counter()
    model.classify_batch(sample)
    direct = len(sample) / (time.perf_counter() - start)
    served = len(latencies) * args.texts / elapsed
    q = statistics.quantiles(latencies, n=100)
    print(f"{args.clients} clients, {args.texts} texts a request, {elapsed:.1f} s: {len(latencies)} requests "
          f"({len(latencies) / elapsed:.1f}/s), {served:.0f} texts/s, latency p50 {q[49] * 1000:.0f} ms / "
          f"p99 {q[98] * 1000:.0f} ms, errors {errors[0]}; classify_batch directly {direct:.0f} texts/s "
          f"(served / direct = {served / direct:.2f})")


if __name__ == "__main__":
    main()
