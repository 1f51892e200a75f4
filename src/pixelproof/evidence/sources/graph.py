"""A small Graph API reader: one GET (with retries and paging) → one answer (DESIGN §7).

The token travels in the `Authorization: Bearer` header, never the query string; when
`graph.app_secret` is set, `appsecret_proof` (HMAC-SHA256 of the token keyed by the secret) is
added as Meta documents it. Transient failures (HTTP 429/5xx, transport errors, Graph codes 1, 2,
4, 17, 32, 613, 80000/80003/80004/80014, `is_transient`) are retried with exponential backoff
and jitter inside a bounded budget; the `X-App-Usage` / `X-Business-Use-Case-Usage` headers slow
the next call down when the quota is nearly used. Every failure is a `GraphError` naming the path
without its query — never `str(httpx.HTTPStatusError)`, which prints the URL.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import httpx

from pixelproof.errors import GraphError
from pixelproof.evidence.sources.graph_errors import (
    GraphFailure,
    failure_of,
    retry_delay,
    transport_failure,
    usage_pause,
)
from pixelproof.meta.graph_versions import RELEASED
from pixelproof.meta.wire import TOKEN_FIELDS

GRAPH_URL_ENV = "PIXELPROOF_GRAPH_URL"
GRAPH_BASE_URL = "https://graph.facebook.com"
DEFAULT_VERSION = max(RELEASED, key=lambda v: RELEASED[v])  # the newest meta-api.md §5 lists
ATTEMPTS = 3
BUDGET_S = 20.0
ATTEMPT_TIMEOUT_S = 10.0
MAX_PAGES = 20
Json = Mapping[str, object]


def base_url() -> str:
    """Meta's Graph host, or `PIXELPROOF_GRAPH_URL` (tests point it at a local stand-in)."""
    return (os.environ.get(GRAPH_URL_ENV) or GRAPH_BASE_URL).rstrip("/")


def appsecret_proof(token: str, app_secret: str) -> str:
    return hmac.new(app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Answer:
    """A read's answer: HTTP status and the JSON body (pages merged into one `data`)."""

    status: int
    body: Json
    pages: int = 1


@dataclass
class GraphClient:
    """GET reads against one Graph version; `sleep`/`clock` are injectable for tests."""

    token: str
    app_secret: str | None = None
    version: str = DEFAULT_VERSION
    base: str = field(default_factory=base_url)
    attempts: int = ATTEMPTS
    budget_s: float = BUDGET_S
    sleep: Callable[[float], object] = time.sleep
    clock: Callable[[], float] = time.monotonic
    jitter: Callable[[], float] = random.random
    transport: httpx.BaseTransport | None = None
    _pause: float = 0.0
    _http: httpx.Client | None = None

    def __enter__(self) -> GraphClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    @property
    def secrets(self) -> tuple[str, ...]:
        """Everything that must never be printed or stored (tests scan for these)."""
        proof = appsecret_proof(self.token, self.app_secret) if self.app_secret else ""
        return tuple(s for s in (self.token, self.app_secret or "", proof) if s)

    def path(self, node: str) -> str:
        return f"/{self.version}/{node.strip('/')}"

    def get(self, node: str, params: Mapping[str, str] | None = None) -> Answer:
        """GET `/{version}/{node}` and every `paging.next` page (bounded); raises GraphError."""
        path = self.path(node)
        first = self._read(path, dict(params or {}))
        data = first.get("data")
        if not isinstance(data, list):
            return Answer(200, first)
        merged, pages, link = list(data), 1, _next(first)
        while link is not None and pages < MAX_PAGES:
            page = self._read(*link)
            more = page.get("data")
            merged += more if isinstance(more, list) else []
            pages, link = pages + 1, _next(page)
        body = {k: v for k, v in first.items() if k != "paging"}
        return Answer(200, {**body, "data": merged}, pages)

    def _read(self, path: str, params: dict[str, str]) -> Json:
        deadline = self.clock() + self.budget_s
        failure: GraphFailure | None = None
        for attempt in range(max(1, self.attempts)):
            self._wait(self._pause, deadline)
            outcome = self._attempt(path, params, deadline)
            if not isinstance(outcome, GraphFailure):
                return outcome
            failure = outcome
            if not failure.transient or attempt + 1 == self.attempts:
                break
            delay = retry_delay(attempt, self.jitter(), failure.regain_s)
            if self.clock() + delay >= deadline:
                break
            self.sleep(delay)
        assert isinstance(failure, GraphFailure)
        raise failure.error(path)

    def _attempt(self, path: str, params: dict[str, str], deadline: float) -> Json | GraphFailure:
        timeout = max(0.5, min(ATTEMPT_TIMEOUT_S, deadline - self.clock()))
        query = {k: v for k, v in params.items() if k not in TOKEN_FIELDS}
        if self.app_secret:
            query["appsecret_proof"] = appsecret_proof(self.token, self.app_secret)
        try:
            response = self._client().get(self.base + path, params=query, timeout=timeout)
        except httpx.HTTPError as exc:  # never str(exc): some carry the URL
            return transport_failure(exc)
        self._pause = usage_pause(response.headers)
        return failure_of(response.status_code, response.content, response.headers, self.secrets)

    def _wait(self, seconds: float, deadline: float) -> None:
        if seconds > 0:
            self.sleep(min(seconds, max(0.0, deadline - self.clock())))

    def _client(self) -> httpx.Client:
        if self._http is None:
            self._http = httpx.Client(
                headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
                transport=self.transport,
                trust_env=False,
                follow_redirects=False,
            )
        return self._http


def _next(body: Json) -> tuple[str, dict[str, str]] | None:
    """`paging.next` as (path, params) without token fields: always sent to our own base URL,
    so a next link can never carry the token to another host."""
    paging = body.get("paging")
    link = paging.get("next") if isinstance(paging, Mapping) else None
    if not isinstance(link, str) or not link:
        return None
    try:
        parts = urlsplit(link)
    except ValueError:
        return None
    params = {k: v for k, v in parse_qsl(parts.query) if k not in TOKEN_FIELDS}
    return parts.path, params


__all__ = ["DEFAULT_VERSION", "GRAPH_BASE_URL", "Answer", "GraphClient", "GraphError"]
