"""A local Graph API stand-in for the read endpoints (reference/meta-api.md §4.2), on port 0.

It checks what Meta checks — the bearer token, `appsecret_proof` when an app secret is set —
answers in Meta's shapes, pages `/stats` with a `paging.next` link that (like Meta's) carries the
token in its query, and replays scripted failures per path suffix before answering normally.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pixelproof.evidence.sources.sink_server import ServerThread, bind_socket, url_of

TOKEN = "EAAGm0PX4ZCpsBAGraphReadTestToken7Qx2ZB9kLmNoPqRsT"
APP_SECRET = "9c1f3a7e5b2d4c6a8e0f1b3d5c7a9e2f"
PIXEL = "111111111111111"
SECRETS = (TOKEN, APP_SECRET)

PIXEL_NODE: dict[str, object] = {"id": PIXEL, "name": "Shop pixel", "is_unavailable": False,
              "last_fired_time": "2026-11-28T10:00:00+0000"}  # fmt: skip
STATS_PAGES = (
    [{"aggregation": "event", "start_time": "2026-11-28T09:00:00+0000",
      "data": [{"value": "Purchase", "count": 412}, {"value": "PageView", "count": 900}]}],
    [{"aggregation": "event", "start_time": "2026-11-28T10:00:00+0000",
      "data": [{"value": "purchase", "count": 37}]}],
)  # fmt: skip
QUALITY: dict[str, object] = {
    "web": [
        {"event_name": "Purchase", "event_match_quality": {"composite_score": 4.2,
         "match_key_feedback": [{"identifier": "email", "coverage": {"percentage": 80}}]},
         "event_coverage": {"percentage": 90},
         "dedupe_key_feedback": [{"dedupe_key": "event_id",
                                  "browser_events_with_dedupe_key": {"percentage": 95},
                                  "server_events_with_dedupe_key": {"percentage": 40}}]}
    ]
}  # fmt: skip
DA_CHECKS: dict[str, object] = {"data": [
    {"key": "pixel_decline", "title": "Decline in number of pixel events", "result": "failed"},
    {"key": "pixel_missing_dpa_event", "title": "DPA events", "result": "passed"},
]}  # fmt: skip
FIRES: dict[str, object] = {"data": [{"event": "Purchase", "url": "https://shop.example/thanks",
                   "timestamp": 1764324000, "event_detection_method": "MANUAL"}]}  # fmt: skip


def envelope(code: int, message: str, *, subcode: int | None = None) -> dict[str, object]:
    error: dict[str, object] = {"message": message, "type": "OAuthException", "code": code,
                                "fbtrace_id": "STANDIN"}  # fmt: skip
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


INVALID_TOKEN = (401, envelope(190, "Invalid OAuth access token - Cannot parse access token"))
BAD_FIELD = (400, envelope(100, "(#100) Tried accessing nonexisting field (nope) on node type"))
DENIED = (400, envelope(10, "(#10) Application does not have permission for this action"))
UNAVAILABLE = (503, envelope(2, "Service temporarily unavailable"))
THROTTLED = (400, envelope(80004, "There have been too many calls to this ad-account."))


@dataclass
class Scripted:
    status: int
    body: dict[str, object]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class GraphApi:
    """The stand-in's state: requests seen, scripted failures, the secrets it expects."""

    url: str = ""
    token: str = TOKEN
    app_secret: str | None = None
    received: list[dict[str, object]] = field(default_factory=list)
    script: dict[str, list[Scripted]] = field(default_factory=dict)
    endless_pages: bool = False
    usage: dict[str, str] = field(default_factory=dict)

    def fail(self, suffix: str, *answers: tuple[int, dict[str, object]], **headers: str) -> None:
        """The next requests whose path ends with `suffix` get these answers, in order."""
        self.script.setdefault(suffix, []).extend(Scripted(s, b, dict(headers)) for s, b in answers)

    def queries(self) -> list[str]:
        return [str(r["query"]) for r in self.received]

    async def handle(self, request: Request) -> JSONResponse:
        path = request.url.path
        self.received.append(
            {"path": path, "query": request.url.query, "headers": dict(request.headers)}
        )
        refused = self._refusal(request)
        if refused is not None:
            return refused
        for suffix, answers in self.script.items():
            if path.endswith(suffix) and answers:
                got = answers.pop(0)
                return JSONResponse(got.body, status_code=got.status, headers=got.headers)
        return JSONResponse(self._answer(path, request), headers=self.usage)

    def _refusal(self, request: Request) -> JSONResponse | None:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return JSONResponse(INVALID_TOKEN[1], status_code=401)
        if self.app_secret is not None:
            want = hmac.new(self.app_secret.encode(), self.token.encode(), hashlib.sha256)
            if request.query_params.get("appsecret_proof") != want.hexdigest():
                bad = envelope(100, "Invalid appsecret_proof provided in the API argument")
                return JSONResponse(bad, status_code=400)
        return None

    def _answer(self, path: str, request: Request) -> dict[str, object]:
        parts = path.strip("/").split("/")[1:]
        if parts == ["dataset_quality"]:
            return QUALITY
        if parts[-1] == "stats":
            return self._stats(path, request)
        if parts[-1] == "da_checks":
            return DA_CHECKS
        if parts[-1] in ("real_time_event_log", "raw_fires"):
            return FIRES
        if parts == ["me"]:
            return {"id": "42", "name": "System user"}
        return PIXEL_NODE

    def _stats(self, path: str, request: Request) -> dict[str, object]:
        page = int(request.query_params.get("after", "0"))
        last = not self.endless_pages and page + 1 >= len(STATS_PAGES)
        body: dict[str, object] = {"data": STATS_PAGES[min(page, len(STATS_PAGES) - 1)]}
        if not last:
            after = page + 1
            link = f"{self.url}{path}?aggregation=event&access_token={self.token}&after={after}"
            body["paging"] = {"cursors": {"after": str(after)}, "next": link}
        return body


@contextmanager
def graph_api(app_secret: str | None = None) -> Iterator[GraphApi]:
    api = GraphApi(app_secret=app_secret)
    app = Starlette(routes=[Route("/{rest:path}", api.handle, methods=["GET"])])
    sock = bind_socket("127.0.0.1", 0)
    api.url = url_of(sock)
    server = ServerThread(app, sock, name="graph-api-standin")
    server.start()
    try:
        yield api
    finally:
        server.stop()


def dumps(value: object) -> str:
    return json.dumps(value, sort_keys=True)
