"""``labor-topics serve``: a JSON API for other systems and a web page where an editor drafts the digest.

Needs the ``serve`` extra (``pip install "labor-topics[serve]"``: FastAPI, served by uvicorn). The model is
loaded once; classification and page splitting run in a worker thread, so a long request never stalls the
health check. Every limit is explicit (:class:`Limits`) and answered with a JSON error and the right status:
413 for a body over the size limit, 422 for malformed JSON, unknown fields, wrong types or a value out of range.

Safe by default: the server binds to 127.0.0.1 unless told otherwise; no request names a server-side path; it
writes only the corrections file in ``--data-dir``, appending whole lines atomically (a new file renamed over the
old); requests that change state need a JSON body (``Content-Type: application/json``), so a plain cross-site
form post cannot write corrections; the page shows every text as text, never as HTML.
"""

# (no "from __future__ import annotations": FastAPI reads the request models from the annotations at run time)

import json
import os
import threading
from dataclasses import dataclass
from importlib import resources

from .atomic import atomic_write
from .labels import LABELS, NONE_LABEL
from .model import Model

__all__ = ["Limits", "create_app", "CORRECTIONS_FILE", "API_VERSION"]

API_VERSION = "v1"
#: The corrections file in the data folder: JSONL that ``labor-topics train --data`` reads.
CORRECTIONS_FILE = "corrections.jsonl"


@dataclass(frozen=True)
class Limits:
    """What one request may carry."""

    max_body_bytes: int = 8 * 1024 * 1024
    max_texts: int = 2_000
    max_text_chars: int = 100_000


def create_app(model: Model, data_dir: str | os.PathLike, limits: Limits = Limits()):
    """The ASGI application: the ``/v1`` API, its OpenAPI schema at ``/openapi.json``, and the page at ``/``."""
    from typing import Annotated, Literal

    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import HTMLResponse, JSONResponse, Response
    from pydantic import BaseModel, ConfigDict, Field

    from .digest import draft_digest
    from .items import Item
    from .pages import split_page

    data_dir = os.fspath(data_dir)
    os.makedirs(data_dir, exist_ok=True)
    corrections_path = os.path.join(data_dir, CORRECTIONS_FILE)
    write_lock = threading.Lock()
    Text = Field(min_length=1, max_length=limits.max_text_chars)
    OneText = Annotated[str, Field(max_length=limits.max_text_chars)]

    class Strict(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)

    class ClassifyRequest(Strict):
        texts: list[OneText] = Field(min_length=1, max_length=limits.max_texts,
                                 description="title and body joined by a newline, or a headline alone")
        threshold: float | Literal["default"] | None = Field(default=None, description="below it, label is null")
        top_k: int | None = Field(default=None, ge=1, le=len(LABELS))
        explain: bool = False

    class PageRequest(Strict):
        text: str = Text

    class ItemIn(Strict):
        title: str = Field(default="", max_length=limits.max_text_chars)
        text: str = Field(default="", max_length=limits.max_text_chars)

    class DigestRequest(Strict):
        pages: list[OneText] = Field(default_factory=list, max_length=limits.max_texts,
                                 description="newspaper pages as plain text, split into stories")
        items: list[ItemIn] = Field(default_factory=list, max_length=limits.max_texts)
        threshold: float | Literal["default"] | None = "default"
        max_body: int = Field(default=200, ge=1, le=100_000)

    class Correction(Strict):
        title: str = Field(default="", max_length=limits.max_text_chars)
        text: str = Field(default="", max_length=limits.max_text_chars)
        label: Literal[LABELS + (NONE_LABEL,)]  # type: ignore[valid-type]
        predicted: Literal[LABELS] | None = None  # type: ignore[valid-type]

    class CorrectionsRequest(Strict):
        items: list[Correction] = Field(min_length=1, max_length=limits.max_texts)

    app = FastAPI(title="labor-topics", version=API_VERSION,
                  description="Sort Chinese trade-union news items into the five sections of a union weekly digest.")
    app.add_middleware(_Guard, max_body_bytes=limits.max_body_bytes)

    def error(status: int, message: str, **extra) -> JSONResponse:
        return JSONResponse({"error": message, **extra}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            return error(422, "malformed JSON in the request body")
        problems = [{"where": ".".join(map(str, e.get("loc", ())[1:])) or "body", "problem": e.get("msg", "")}
                    for e in exc.errors()[:20]]
        return error(422, "the request does not fit the API: " + "; ".join(f"{p['where']}: {p['problem']}" for p in problems[:3]),
                     problems=problems)

    @app.exception_handler(ValueError)
    async def bad_value(request: Request, exc: ValueError):
        return error(422, str(exc)[:500])

    @app.get(f"/{API_VERSION}/health")
    async def health():
        """Answers at once, however busy the workers are."""
        return {"status": "ok", "model": model.card.get("config_name"), "labels": list(LABELS)}

    @app.get(f"/{API_VERSION}/model")
    def card():
        """The model card (training data, figures, default threshold), without the list of training-text hashes."""
        return {k: v for k, v in model.card.items() if k != "training_text_sha256"} | {
            "default_threshold": model.default_threshold}

    @app.post(f"/{API_VERSION}/classify")
    def classify(request: ClassifyRequest):
        """Classify texts: for each, the fields of ``Prediction`` (and ``explain``: the terms that drove it)."""
        predictions = model.classify_batch(request.texts, threshold=request.threshold, top_k=request.top_k)
        out = []
        for text, p in zip(request.texts, predictions):
            record = p.to_dict()
            if request.explain:
                record["explain"] = [[name, round(w, 6)] for name, w in model.explain(text, k=8)]
            out.append(record)
        return {"predictions": out, "threshold": request.threshold if request.threshold != "default" else model.default_threshold}

    @app.post(f"/{API_VERSION}/split-page")
    def split(request: PageRequest):
        """The stories of a newspaper page given as plain text."""
        return {"stories": [{"title": s.title, "text": s.text, "spans": [list(x) for x in s.spans]}
                            for s in split_page(request.text)]}

    @app.post(f"/{API_VERSION}/digest")
    def digest(request: DigestRequest):
        """A draft digest of pages (split into stories) and items, with each item's top two sections and the
        terms that drove its section."""
        items = [Item(text=i.text, title=i.title) for i in request.items if (i.title + i.text).strip()]
        for page in request.pages:
            items += [Item(text=s.text, title=s.title) for s in split_page(page)]
        if not items:
            raise ValueError("nothing to classify: give pages or items with text")
        result = draft_digest(items, model=model, threshold=request.threshold, max_body=request.max_body)
        payload = result.to_dict()
        return payload

    @app.get(f"/{API_VERSION}/corrections")
    def corrections_count():
        """How many corrections are stored, and the command that retrains with them."""
        return {"stored": _count_lines(corrections_path), "file": CORRECTIONS_FILE,
                "retrain": f"labor-topics train --include-bundled --data {corrections_path} --output my_model.npz"}

    @app.post(f"/{API_VERSION}/corrections")
    def add_corrections(request: CorrectionsRequest):
        """Append the editor's accepted items (final section, and whether it changed the model's) to the
        corrections file, whole lines only, written atomically."""
        lines = []
        for c in request.items:
            if not (c.title + c.text).strip():
                raise ValueError("a correction needs a title or a text")
            lines.append(json.dumps({"title": c.title, "text": c.text, "label": c.label,
                                     "changed": c.predicted is not None and c.predicted != c.label,
                                     "predicted": c.predicted}, ensure_ascii=False) + "\n")
        with write_lock:
            old = b""
            if os.path.exists(corrections_path):
                with open(corrections_path, "rb") as fh:
                    old = fh.read()
                if old and not old.endswith(b"\n"):
                    old += b"\n"
            atomic_write(corrections_path, old + "".join(lines).encode("utf-8"))
        return {"added": len(lines), "stored": _count_lines(corrections_path)}

    @app.get("/", response_class=HTMLResponse)
    def page():
        return HTMLResponse(_asset("index.html"), headers=_PAGE_HEADERS)

    @app.get("/static/{name}")
    def static(name: str):
        if name not in _ASSETS:
            return error(404, "no such file")
        return Response(_asset(name), media_type=_ASSETS[name], headers=_PAGE_HEADERS)

    return app


class _TooLarge(Exception):
    pass


class _Guard:
    """ASGI middleware: a body over ``max_body_bytes`` (declared or streamed) gets 413, and a request that
    changes state (POST) must be JSON (415 otherwise), so that a plain cross-site form post cannot write."""

    def __init__(self, app, max_body_bytes: int):
        self.app, self.limit = app, max_body_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            return await _send_json(send, 413, {"error": f"the request body is over {self.limit} bytes"})
        if scope.get("method") == "POST":
            kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
            if kind != b"application/json":
                return await _send_json(send, 415, {"error": "send JSON (Content-Type: application/json)"})
        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _TooLarge()
            return message

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _send_json(send, 413, {"error": f"the request body is over {self.limit} bytes"})


async def _send_json(send, status: int, payload: dict) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


#: The page's own files (the server serves every asset itself: no CDN, it works offline).
_ASSETS = {"index.html": "text/html; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
           "app.css": "text/css; charset=utf-8"}
_PAGE_HEADERS = {"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                                            "connect-src 'self'; frame-ancestors 'none'",
                 "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def _asset(name: str) -> str:
    return resources.files("labor_topics").joinpath("web", name).read_text("utf-8")


def _count_lines(path: str) -> int:
    if not os.path.exists(path):
        return 0
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.strip())
