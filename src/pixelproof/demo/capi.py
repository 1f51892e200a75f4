"""What the demo backend sends to the Conversions API, built as a real backend builds it.

Pure functions: the request handlers (`backend.py`) read the visitor from the request (the
browser's `_fbp`/`_fbc` cookies, its User-Agent and address, the page URL) and call these; the
`Defects` flags bend exactly the fields their planted bug is about.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from pixelproof.demo.defects import Defects

PIXEL_ID = "111111111111111"
API_VERSION = "v25.0"
TEST_EVENT_CODE = "TEST12345"
CURRENCY = "EUR"
ACCESS_TOKEN = "EAAdemoFAKEtokenNOTREAL000000000"  # the demo's sink accepts any non-empty token
Json = dict[str, object]


@dataclass(frozen=True, slots=True)
class Product:
    id: str
    name: str
    price: float


CATALOG: dict[str, Product] = {"42": Product("42", "Blue Mug", 24.9)}


@dataclass(frozen=True, slots=True)
class LineItem:
    product: Product
    quantity: int


@dataclass(frozen=True, slots=True)
class Visitor:
    """The browser behind a request, as the backend sees it."""

    user_agent: str | None
    ip: str | None
    fbp: str | None
    fbc: str | None
    page_url: str | None


@dataclass(frozen=True, slots=True)
class Order:
    order_id: str
    email: str
    items: tuple[LineItem, ...]
    url: str  # the thank-you page, where the browser Purchase fires

    @property
    def value(self) -> float:
        return total(self.items)


def parse_items(raw: object) -> tuple[LineItem, ...]:
    """The cart the browser posted; unknown products and odd quantities are dropped."""
    if not isinstance(raw, list):
        return ()
    items = []
    for entry in raw:
        if not isinstance(entry, Mapping):
            continue
        product = CATALOG.get(str(entry.get("id") or entry.get("product_id") or ""))
        quantity = entry.get("quantity", 1)
        if product is not None and isinstance(quantity, int) and 0 < quantity < 100:
            items.append(LineItem(product, quantity))
    return tuple(items)


def total(items: tuple[LineItem, ...]) -> float:
    return round(sum(i.product.price * i.quantity for i in items), 2)


def new_order_id() -> str:
    return f"ORD-{secrets.token_hex(4).upper()}"


def hashed_email(email: str) -> str:
    """Meta's normalisation for `em`: trimmed, lower case, SHA-256 hex."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def user_data(visitor: Visitor, email: str | None = None, raw_email: bool = False) -> Json:
    data: Json = {}
    if email:
        data["em"] = [email if raw_email else hashed_email(email)]
    if visitor.ip:
        data["client_ip_address"] = visitor.ip
    if visitor.user_agent:
        data["client_user_agent"] = visitor.user_agent
    if visitor.fbp:
        data["fbp"] = visitor.fbp
    if visitor.fbc:
        data["fbc"] = visitor.fbc
    return data


def _event(name: str, event_id: str, visitor: Visitor, url: str | None, now: float) -> Json:
    return {
        "event_name": name,
        "event_time": int(now),
        "event_id": event_id,
        "action_source": "website",
        "event_source_url": url or visitor.page_url or "",
        "user_data": user_data(visitor),
    }


def _contents(items: tuple[LineItem, ...]) -> Json:
    return {
        "content_ids": [i.product.id for i in items],
        "content_type": "product",
        "value": total(items),
        "currency": CURRENCY,
    }


def add_to_cart(
    visitor: Visitor, event_id: str, items: tuple[LineItem, ...], defects: Defects, now: float
) -> Json:
    # PLANTED DEFECT (EV003): a GA4-style name; Meta's names are case-sensitive standard names.
    name = "add_to_cart" if defects.add_to_cart_server_name else "AddToCart"
    return {**_event(name, event_id, visitor, None, now), "custom_data": _contents(items)}


def initiate_checkout(
    visitor: Visitor, event_id: str, items: tuple[LineItem, ...], defects: Defects, now: float
) -> Json:
    # PLANTED DEFECT (DD002): the backend mints its own ID instead of using the page's.
    chosen = f"checkout-{secrets.token_hex(6)}" if defects.checkout_server_mints_id else event_id
    custom = {**_contents(items), "num_items": len(items)}
    return {**_event("InitiateCheckout", chosen, visitor, None, now), "custom_data": custom}


def purchase(visitor: Visitor, order: Order, defects: Defects, now: float) -> Json:
    custom = {**_contents(order.items), "order_id": order.order_id}
    if defects.purchase_server_value_without_currency:
        custom.pop("currency")  # PLANTED DEFECT (PA004)
    event = _event("Purchase", order.order_id, visitor, order.url, now)
    # PLANTED DEFECT (PR001) when raw_email: the address leaves the shop in clear text.
    event["user_data"] = user_data(visitor, order.email, defects.purchase_server_raw_email)
    event["custom_data"] = custom
    return event


def batch(events: list[Json]) -> Json:
    """The request body: staging batches carry the test event code (OP002)."""
    return {"data": events, "test_event_code": TEST_EVENT_CODE}


def events_path() -> str:
    return f"/{API_VERSION}/{PIXEL_ID}/events"
