"""The web service through the framework's test client: every endpoint, every limit, bad JSON, wrong types,
concurrent requests (the browser test is tests/test_page.py)."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

from labor_topics import LABELS  # noqa: E402
from labor_topics.server import CORRECTIONS_FILE, Limits, create_app  # noqa: E402

from conftest import SEEDS  # noqa: E402

PAGE = (SEEDS / "002_3e16ec6b22cd13a7.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="module")
def client(model, data_dir):
    return TestClient(create_app(model, data_dir, Limits(max_body_bytes=200_000, max_texts=50, max_text_chars=20_000)))


def test_health_and_model_card(client, model):
    assert client.get("/v1/health").json() == {"status": "ok", "model": model.card["config_name"], "labels": list(LABELS)}
    card = client.get("/v1/model").json()
    assert card["default_threshold"] == model.default_threshold and "training_text_sha256" not in card


def test_classify_gives_what_classify_batch_gives(client, model):
    texts = ["快递企业召开工资集体协商会议", "县总工会举办基层工会干部培训班"]
    got = client.post("/v1/classify", json={"texts": texts, "threshold": "default", "top_k": 2}).json()
    expected = [p.to_dict() for p in model.classify_batch(texts, threshold="default", top_k=2)]
    assert got["predictions"] == json.loads(json.dumps(expected, ensure_ascii=False))
    assert got["threshold"] == model.default_threshold
    explained = client.post("/v1/classify", json={"texts": texts[:1], "explain": True}).json()["predictions"][0]
    assert explained["explain"][0][0] == "w:工资集体协商"


def test_split_page_and_digest(client, model):
    stories = client.post("/v1/split-page", json={"text": PAGE}).json()["stories"]
    assert len(stories) == 10 and all(s["title"] and s["spans"] for s in stories)
    digest = client.post("/v1/digest", json={"pages": [PAGE], "items": [{"title": "工会为困难职工送去慰问金", "text": ""}]}).json()
    assert [s["section"] for s in digest["sections"]] == list(LABELS)
    filed = sum(len(s["items"]) for s in digest["sections"])
    assert filed + len(digest["pending"]) == 11 and digest["threshold"] == model.default_threshold


@pytest.mark.parametrize("body, status, said", [
    ({"texts": ["x"], "bogus": 1}, 422, "bogus: Extra inputs are not permitted"),
    ({"texts": "x"}, 422, "texts: Input should be a valid list"),
    ({"texts": [5]}, 422, "texts.0: Input should be a valid string"),
    ({"texts": []}, 422, "texts: List should have at least 1 item"),
    ({"texts": ["x"] * 51}, 422, "texts: List should have at most 50 items"),
    ({"texts": ["工" * 20_001]}, 422, "texts.0: String should have at most 20000 characters"),
    ({"texts": ["x"], "threshold": 2}, 422, "threshold must be a number in [0.0, 1.0]"),
    ({"texts": ["x"], "top_k": "2"}, 422, "top_k"),
    ({"texts": ["   "]}, 422, "text is empty or whitespace only"),
])
def test_every_limit_and_type_is_a_clear_json_error(client, body, status, said):
    response = client.post("/v1/classify", json=body)
    assert response.status_code == status and said in response.json()["error"]


def test_malformed_json_oversized_bodies_and_form_posts_are_refused(client):
    bad = client.post("/v1/classify", content=b"{bad", headers={"content-type": "application/json"})
    assert bad.status_code == 422 and "JSON" in bad.json()["error"]
    big = client.post("/v1/classify", content=b" " * 300_000, headers={"content-type": "application/json"})
    assert big.status_code == 413 and "over 200000 bytes" in big.json()["error"]
    form = client.post("/v1/corrections", data={"items": "x"})
    assert form.status_code == 415


def test_no_request_names_a_server_side_path(client):
    assert client.get("/static/app.js").status_code == 200
    for path in ["/static/..%2Fserver.py", "/static/../server.py", "/static/%2e%2e/__init__.py", "/static/server.py"]:
        assert client.get(path).status_code == 404


def test_the_page_and_its_assets_are_served_with_a_strict_policy(client):
    page = client.get("/")
    assert page.status_code == 200 and "一周速览" in page.text and "/static/app.js" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "http" not in page.text.replace("http-equiv", "")  # no outside asset: it works offline
    assert client.get("/openapi.json").json()["info"]["title"] == "labor-topics"


def test_corrections_are_appended_as_whole_lines_that_train_reads(client, data_dir):
    from labor_topics import read_items

    items = [{"title": "工会为环卫工人送清凉", "text": "正文", "label": "维权服务", "predicted": "建功立业"},
             {"title": "开发区成立联合工会", "text": "正文", "label": "组织建设", "predicted": "组织建设"}]
    before = client.get("/v1/corrections").json()["stored"]
    assert client.post("/v1/corrections", json={"items": items}).json() == {"added": 2, "stored": before + 2}
    path = data_dir / CORRECTIONS_FILE
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["changed"] for r in records[-2:]] == [True, False]
    assert [(i.title, i.label) for i in read_items(path)][-2:] == [(x["title"], x["label"]) for x in items]
    refused = client.post("/v1/corrections", json={"items": [{"title": "x", "label": "其他"}]})
    assert refused.status_code == 422 and len(path.read_text(encoding="utf-8").splitlines()) == before + 2


def test_concurrent_requests_give_classify_batchs_results(client, model, seed_items):
    texts = [i.model_text for i in seed_items][:40]
    expected = json.loads(json.dumps([p.to_dict() for p in model.classify_batch(texts)], ensure_ascii=False))

    def one(k):
        return client.post("/v1/classify", json={"texts": texts[k:k + 5]}).json()["predictions"]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, range(0, 40, 5)))
    assert [p for chunk in results for p in chunk] == expected


def test_the_health_check_answers_while_a_long_request_runs(model, data_dir):
    import threading
    import time

    client = TestClient(create_app(model, data_dir))  # the default limits

    long_texts = [f"{k} " + "工会为职工送清凉，区总工会组织慰问活动。" * 900 for k in range(50)]  # 50 x 18,000 characters
    done = {}

    def slow():
        start = time.perf_counter()
        done["status"] = client.post("/v1/classify", json={"texts": long_texts}).status_code
        done["slow"] = time.perf_counter() - start

    worker = threading.Thread(target=slow)
    worker.start()
    time.sleep(0.2)
    start = time.perf_counter()
    assert client.get("/v1/health").status_code == 200
    health = time.perf_counter() - start
    running = worker.is_alive()
    worker.join()
    assert done["status"] == 200 and running and health < done["slow"] / 3
