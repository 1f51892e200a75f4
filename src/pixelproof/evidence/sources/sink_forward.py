"""The relay half of the sink (`--forward[=URL]`): the original request goes on to Meta.

Meta's answer comes back verbatim (status, body, content type); when Meta cannot be reached the
backend gets a Graph error envelope with code 2 (DESIGN §13 "Sink tokens and relay"). The token
travels on to Meta as it came — it is only ever kept out of what the sink stores and prints.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import orjson

from pixelproof.evidence.sources.sink_graph import META_UNREACHABLE, error_envelope

GRAPH_BASE_URL = "https://graph.facebook.com"
FORWARDED_HEADERS = ("content-type", "authorization", "user-agent")
TIMEOUT = httpx.Timeout(30.0, connect=10.0)


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes
    content_type: str


class Forwarder:
    """One pooled httpx client on the sink's loop, created on first use, closed at stop."""

    def __init__(self, base_url: str = GRAPH_BASE_URL) -> None:
        self.base_url = base_url.rstrip("/")
        self._client: httpx.AsyncClient | None = None

    async def send(
        self, path: str, query: bytes, body: bytes, headers: dict[str, str]
    ) -> tuple[Answer, str | None]:
        """(Meta's answer, why Meta could not be reached or None)."""
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False)
        url = self.base_url + path + ("?" + query.decode("latin-1") if query else "")
        sent = {k: v for k, v in headers.items() if k in FORWARDED_HEADERS}
        try:
            response = await self._client.post(url, content=body, headers=sent)
        except httpx.HTTPError as exc:
            envelope = orjson.dumps(error_envelope(META_UNREACHABLE))
            # the exception text may quote the URL, and with it `?access_token=`
            return Answer(META_UNREACHABLE.http, envelope, "application/json"), type(exc).__name__
        content_type = response.headers.get("content-type", "application/json")
        return Answer(response.status_code, response.content, content_type), None

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
