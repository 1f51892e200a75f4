"""The demo shop's backend: its pages (package data) and the order API that sends CAPI events.

A Starlette app. The cart and checkout endpoints send their Conversions API event at once; the
order endpoint answers first and sends the Purchase `purchase_delay_s` later (DESIGN §10: "the
backend posting CAPI 1 s after the order"), as a queue worker would. Events go to the Graph base
URL the shop is given — a real backend's `FacebookSession.GRAPH` setting — which during a demo
is pixelproof's sink. Nothing is sent without the visitor's marketing consent.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from importlib import resources

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pixelproof.demo import capi
from pixelproof.demo.defects import Defects

PAGES = {
    "/": "index.html",
    "/cart": "cart.html",
    "/checkout": "checkout.html",
}
ASSETS = {
    "/fbevents.js": ("fbevents.js", "application/javascript"),
    "/static/shop.js": ("shop.js", "application/javascript"),
    "/static/shop.css": ("shop.css", "text/css"),
}
SEND_TIMEOUT_S = 5.0
Say = Callable[[str], None]


def read_site(name: str) -> bytes:
    """A file of the bundled site (package data, so an installed wheel has it too)."""
    return resources.files("pixelproof.demo").joinpath("site", name).read_bytes()


class CapiSender:
    """Posts CAPI batches from the server's loop; `aclose` waits for what is still pending."""

    def __init__(self, graph: Callable[[], str | None], say: Say | None = None) -> None:
        self._graph = graph
        self._say = say
        self._client: httpx.AsyncClient | None = None
        self._pending: set[asyncio.Task[None]] = set()
        self.sent = 0
        self.failed = 0

    def soon(self, events: list[capi.Json], delay_s: float = 0.0) -> None:
        task = asyncio.get_running_loop().create_task(self._send(events, delay_s))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _send(self, events: list[capi.Json], delay_s: float) -> None:
        if delay_s > 0:
            await asyncio.sleep(delay_s)
        base = self._graph()
        if base is None:
            self._note("no Graph base URL configured: CAPI event not sent")
            return
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=SEND_TIMEOUT_S, trust_env=False)
        try:
            answer = await self._client.post(
                base.rstrip("/") + capi.events_path(),
                json=capi.batch(events),
                headers={"Authorization": f"Bearer {capi.ACCESS_TOKEN}"},
            )
        except httpx.HTTPError as exc:
            self.failed += 1
            self._note(f"CAPI post failed: {type(exc).__name__}")
            return
        self.sent += 1
        if answer.status_code >= 400:
            self._note(f"CAPI post answered HTTP {answer.status_code}")

    def _note(self, text: str) -> None:
        if self._say is not None:
            self._say(f"demo shop: {text}")

    async def aclose(self, timeout: float = SEND_TIMEOUT_S + 2.0) -> None:
        if self._pending:
            await asyncio.wait(set(self._pending), timeout=timeout)
        for task in self._pending:
            task.cancel()
        if self._client is not None:
            await self._client.aclose()


def visitor_of(request: Request) -> capi.Visitor:
    return capi.Visitor(
        user_agent=request.headers.get("user-agent"),
        ip=request.client.host if request.client else None,
        fbp=request.cookies.get("_fbp"),
        fbc=request.cookies.get("_fbc"),
        page_url=request.headers.get("referer"),
    )


def consented(request: Request) -> bool:
    return request.cookies.get("shop_consent") == "granted"


async def _body(request: Request) -> dict[str, object]:
    try:
        data = await request.json()
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


class ShopApp:
    """The routes; `defects` decides which planted bugs the shop has."""

    def __init__(self, defects: Defects, sender: CapiSender, purchase_delay_s: float) -> None:
        self.defects = defects
        self.sender = sender
        self.purchase_delay_s = purchase_delay_s
        routes = [Route(path, self._page) for path in PAGES]
        routes += [Route(path, self._asset) for path in ASSETS]
        routes += [
            Route("/product/{product_id}", self._product),
            Route("/thank-you/{order_id}", self._thank_you),
            Route("/config.js", self._config),
            Route("/favicon.ico", self._no_content),
            Route("/api/cart", self._cart, methods=["POST"]),
            Route("/api/checkout", self._checkout, methods=["POST"]),
            Route("/api/order", self._order, methods=["POST"]),
        ]
        self.asgi = Starlette(routes=routes)

    @staticmethod
    def _html(name: str) -> Response:
        return Response(read_site(name), media_type="text/html; charset=utf-8")

    async def _page(self, request: Request) -> Response:
        return self._html(PAGES[request.url.path])

    async def _asset(self, request: Request) -> Response:
        name, media_type = ASSETS[request.url.path]
        return Response(read_site(name), media_type=media_type)

    async def _product(self, request: Request) -> Response:
        if request.path_params["product_id"] not in capi.CATALOG:
            return Response("no such product", status_code=404, media_type="text/plain")
        return self._html("product.html")

    async def _thank_you(self, request: Request) -> Response:
        return self._html("thank-you.html")

    async def _no_content(self, request: Request) -> Response:
        return Response(status_code=204)

    async def _config(self, request: Request) -> Response:
        config = {
            "pixel": capi.PIXEL_ID,
            "currency": capi.CURRENCY,
            "defects": self.defects.browser_flags(),
        }
        body = f"window.SHOP = {json.dumps(config, sort_keys=True)};\n"
        return Response(body, media_type="application/javascript")

    async def _cart(self, request: Request) -> Response:
        data = await _body(request)
        items = capi.parse_items([data])
        event_id = str(data.get("event_id") or "")
        if items and event_id and consented(request):
            event = capi.add_to_cart(
                visitor_of(request), event_id, items, self.defects, time.time()
            )
            self.sender.soon([event])
        return JSONResponse({"ok": bool(items)}, status_code=200 if items else 400)

    async def _checkout(self, request: Request) -> Response:
        data = await _body(request)
        items = capi.parse_items(data.get("items"))
        event_id = str(data.get("event_id") or "")
        if items and event_id and consented(request):
            visitor = visitor_of(request)
            event = capi.initiate_checkout(visitor, event_id, items, self.defects, time.time())
            self.sender.soon([event])
        return JSONResponse({"ok": bool(items)}, status_code=200 if items else 400)

    async def _order(self, request: Request) -> Response:
        data = await _body(request)
        items = capi.parse_items(data.get("items"))
        email = str(data.get("email") or "").strip()
        if not items or "@" not in email:
            return JSONResponse({"error": "an email and a non-empty cart"}, status_code=400)
        order_id = capi.new_order_id()
        url = f"{str(request.base_url).rstrip('/')}/thank-you/{order_id}"
        order = capi.Order(order_id, email, items, url)
        if consented(request):
            event = capi.purchase(visitor_of(request), order, self.defects, time.time())
            self.sender.soon([event], delay_s=self.purchase_delay_s)
        answer = {
            "order_id": order_id,
            "value": order.value,
            "currency": capi.CURRENCY,
            "content_ids": [i.product.id for i in items],
        }
        return JSONResponse(answer)
