"""The editor's page in a real headless browser (Debian's chromium, driven by Playwright with that binary; no
browser download). Skipped, saying how to enable it, when either is missing: apt-get install chromium
fonts-wqy-microhei; pip install playwright. Set LABOR_TOPICS_SCREENSHOT=PATH to keep a screenshot of the page."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import ROOT, SEEDS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the browser test drives Debian's chromium)")
pytest.importorskip("fastapi")
if CHROMIUM is None:
    pytest.skip("no chromium: apt-get install chromium fonts-wqy-microhei to run the browser test", allow_module_level=True)

PAGE = (SEEDS / "002_3e16ec6b22cd13a7.txt").read_text(encoding="utf-8")
HOSTILE = ("<script>window.__pwned = 1</script>工会为职工送清凉\n<img src=x onerror=\"window.__pwned = 2\">区总工会为三百名环卫工人"
           "送去防暑降温用品。")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "labor_topics", "serve", "--port", str(port), "--data-dir", str(data)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/v1/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise AssertionError("the server did not start: " + proc.stderr.read())
    server.printed = proc.stderr.readline()  # said before the server starts listening
    yield url, data
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


def test_serve_prints_the_address_and_binds_to_this_machine(server):
    url, _ = server
    assert f"open {url}/" in server_printed()
    port = int(url.rsplit(":", 1)[1])
    listening = []  # the addresses listening on the port (Linux: /proc/net/tcp, state 0A = LISTEN)
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if os.path.exists(table):
            for line in open(table).read().splitlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                    listening.append(local.rsplit(":", 1)[0])
    assert listening == ["0100007F"]  # 127.0.0.1 only


def server_printed() -> str:
    return getattr(server, "printed", "")


def test_paste_a_page_move_an_item_accept_and_find_the_correction(server, browser):
    url, data = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(url) else None)
    page.goto(url + "/")
    page.fill("#source", PAGE)
    page.select_option("#kind", "page")
    page.click("#draft")
    page.wait_for_selector("#digest:not([hidden])")
    assert page.locator("#story-list li").count() == 10
    entries = page.locator(".entry")
    assert entries.count() == 10
    first = entries.nth(0)
    title = first.locator("input.title").input_value()
    before = first.locator("select").input_value()
    target = "组织建设" if before != "组织建设" else "建功立业"
    first.locator("select").select_option(target)
    moved = page.locator(f'.section[data-section="{target}"] .entry input.title')
    assert title in [moved.nth(k).input_value() for k in range(moved.count())]
    with page.expect_download() as download:
        page.click("#export-md")
    exported = open(download.value.path(), encoding="utf-8").read()
    assert exported.startswith("# 一周速览") and f"### {title}" in exported.split(f"## {target}")[1]
    with page.expect_download() as download:
        page.click("#export-json")
    sections = json.load(open(download.value.path(), encoding="utf-8"))["sections"]
    assert title in [i["title"] for s in sections if s["section"] == target for i in s["items"]]
    page.click("#accept")
    page.locator("#status", has_text="已保存").wait_for()
    assert "labor-topics train --include-bundled --data" in page.locator("#retrain").text_content()
    if os.environ.get("LABOR_TOPICS_SCREENSHOT"):
        page.locator("#digest-title").scroll_into_view_if_needed()
        page.screenshot(path=os.environ["LABOR_TOPICS_SCREENSHOT"], full_page=False)
    records = [json.loads(line) for line in (data / "corrections.jsonl").read_text(encoding="utf-8").splitlines()]
    mine = [r for r in records if r["title"] == title]
    assert mine and mine[-1]["label"] == target and mine[-1]["changed"] is True and mine[-1]["predicted"] == before
    assert outside == []  # every asset and call stays on the server: it works offline


def test_a_hostile_story_runs_nothing_and_shows_as_text(server, browser):
    url, _ = server
    page = browser.new_page()
    page.goto(url + "/")
    page.fill("#source", HOSTILE)
    page.select_option("#kind", "items")
    page.click("#draft")
    page.wait_for_selector("#digest:not([hidden])")
    assert page.evaluate("window.__pwned") is None
    assert page.locator(".entry input.title").first.input_value().startswith("<script>")
    assert "<img src=x" in page.locator(".entry .body").first.text_content()
    assert page.locator("#sections img, #sections script").count() == 0


@pytest.mark.slow
def test_the_corrections_retrain_a_model(server, tmp_path):
    _, data = server
    corrections = data / "corrections.jsonl"
    if not corrections.exists():
        pytest.skip("run with the test that accepts a digest")
    out = tmp_path / "mine.npz"
    result = subprocess.run([sys.executable, "-m", "labor_topics", "train", "--include-bundled", "--data", str(corrections),
                             "--output", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert out.exists() and "training items" in result.stderr
