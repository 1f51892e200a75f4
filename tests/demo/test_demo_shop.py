"""The demo shop without a browser: its pages, its package data and what its backend sends.

The backend is driven over HTTP on 127.0.0.1 (port 0) and sends to a real in-process sink, so
the CAPI bodies checked here are the ones `pixelproof demo` audits.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import httpx
import pytest

from pixelproof.config.load import load_map
from pixelproof.demo import map_resource, standin_script
from pixelproof.demo.backend import read_site
from pixelproof.demo.capi import ACCESS_TOKEN, PIXEL_ID, TEST_EVENT_CODE, hashed_email
from pixelproof.demo.defects import BROKEN, FIXED, PLANTED, Defects
from pixelproof.demo.server import DemoShop
from pixelproof.evidence.sources.sink import Line, SinkHandle

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 10.0
EMAIL = "Demo+Test@Example.com "
FBP = "fb.1.1795990000000.123456789"
Cookies = dict[str, str]


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[SinkHandle]:
    with SinkHandle(out_dir=tmp_path / "sink") as handle:
        yield handle


def shop_of(defects: Defects, sink: SinkHandle) -> DemoShop:
    return DemoShop(defects, lambda: sink.url, purchase_delay_s=0.0)


def wait_for(sink: SinkHandle, count: int) -> list[Line]:
    """The sink's lines once `count` arrived; bounded."""
    deadline = time.monotonic() + WAIT_S
    while len(lines := sink.batches_since(0)) < count:
        assert time.monotonic() < deadline, f"only {len(lines)} of {count} batches arrived"
        time.sleep(0.01)
    return lines


def events(lines: list[Line]) -> dict[str, dict[str, object]]:
    out = {}
    for line in lines:
        body = json.loads(str(line["body"]))
        assert body["test_event_code"] == TEST_EVENT_CODE
        assert line["path"] == f"/v25.0/{PIXEL_ID}/events"
        for event in body["data"]:
            out[str(event["event_name"])] = event
    return out


def shop_visit(url: str, cookies: Cookies) -> dict[str, object]:
    """What the pages' scripts post: the cart, the checkout, the order."""
    headers = {"User-Agent": "DemoTest/1.0", "Referer": f"{url}/product/42"}
    with httpx.Client(base_url=url, cookies=cookies, headers=headers, trust_env=False) as client:
        cart = client.post("/api/cart", json={"product_id": "42", "quantity": 1, "event_id": "a1"})
        assert cart.status_code == 200
        item = {"id": "42", "quantity": 1}
        checkout = client.post("/api/checkout", json={"event_id": "ic-1", "items": [item]})
        assert checkout.status_code == 200
        order = client.post("/api/order", json={"email": EMAIL, "items": [item]})
        assert order.status_code == 200
        answer: dict[str, object] = order.json()
        return answer


def test_the_fixed_backend_sends_what_the_page_sends(sink: SinkHandle) -> None:
    cookies = {"shop_consent": "granted", "_fbp": FBP}
    with shop_of(FIXED, sink) as shop:
        order = shop_visit(shop.url, cookies)
        sent = events(wait_for(sink, 3))
    assert order["value"] == 24.9
    assert order["currency"] == "EUR"
    assert sent["AddToCart"]["event_id"] == "a1"
    assert sent["InitiateCheckout"]["event_id"] == "ic-1"
    purchase = sent["Purchase"]
    assert purchase["event_id"] == order["order_id"]
    assert purchase["custom_data"] == {
        "content_ids": ["42"],
        "content_type": "product",
        "value": 24.9,
        "currency": "EUR",
        "order_id": order["order_id"],
    }
    user = purchase["user_data"]
    assert isinstance(user, dict)
    assert user["em"] == [hashed_email("demo+test@example.com")]
    assert user["fbp"] == FBP
    assert user["client_user_agent"] == "DemoTest/1.0"
    assert user["client_ip_address"] == "127.0.0.1"
    assert purchase["event_source_url"] == f"{shop.url}/thank-you/{order['order_id']}"
    assert shop.capi_posts == (3, 0)
    # the token stays out of what the sink stored
    assert ACCESS_TOKEN not in json.dumps(sink.batches_since(0))


def test_the_broken_backend_plants_its_server_bugs(sink: SinkHandle) -> None:
    with shop_of(BROKEN, sink) as shop:
        shop_visit(shop.url, {"shop_consent": "granted", "_fbp": FBP})
        sent = events(wait_for(sink, 3))
    assert set(sent) == {"add_to_cart", "InitiateCheckout", "Purchase"}  # EV003
    assert sent["add_to_cart"]["event_id"] == "a1"
    assert sent["InitiateCheckout"]["event_id"] != "ic-1"  # DD002
    purchase = sent["Purchase"]
    assert isinstance(purchase["custom_data"], dict)
    assert "currency" not in purchase["custom_data"]  # PA004
    assert isinstance(purchase["user_data"], dict)
    assert purchase["user_data"]["em"] == [EMAIL.strip()]  # PR001


def test_nothing_is_sent_without_consent(sink: SinkHandle) -> None:
    with shop_of(FIXED, sink) as shop:
        shop_visit(shop.url, {"shop_consent": "denied", "_fbp": FBP})
    assert sink.batches_since(0) == []  # the shop stopped: nothing was pending
    assert shop.capi_posts == (0, 0)


def test_pages_config_and_the_stand_in_are_served() -> None:
    with DemoShop(BROKEN) as shop, httpx.Client(base_url=shop.url, trust_env=False) as client:
        for path in ("/", "/product/42", "/cart", "/checkout", "/thank-you/ORD-1"):
            page = client.get(path)
            assert page.status_code == 200, path
            assert "fbq('init', shop.pixelId)" in page.text
            assert "'/fbevents.js'" in page.text
        assert client.get("/product/7").status_code == 404
        assert client.get("/fbevents.js").text == read_site("fbevents.js").decode()
        config = client.get("/config.js").text
    assert '"pageview_before_consent": true' in config
    assert f'"pixel": "{PIXEL_ID}"' in config


def test_orders_need_an_email_and_a_cart() -> None:
    with DemoShop(FIXED) as shop, httpx.Client(base_url=shop.url, trust_env=False) as client:
        assert client.post("/api/order", json={"email": "x", "items": []}).status_code == 400
        assert client.post("/api/order", content=b"not json").status_code == 400


def test_the_stand_in_is_our_own_code_served_by_the_shop() -> None:
    shipped = read_site("fbevents.js")
    assert shipped == standin_script()
    assert b"OUR OWN CODE, not Meta's" in shipped


def test_the_packaged_map_is_the_repository_map_and_validates() -> None:
    shipped = resources.files("pixelproof.demo").joinpath("demo-shop.yaml").read_text()
    assert shipped == (ROOT / "event_maps/demo-shop.yaml").read_text()
    with map_resource() as path:
        loaded = load_map(path)
    assert loaded.notes == ()
    assert loaded.environment.capi is not None
    assert loaded.environment.capi.sink is not None
    assert loaded.environment.capi.sink.listen.endswith(":0")
    journeys = {j.name: j for j in loaded.map.journeys}
    assert journeys["purchase"].consent == "accept"
    assert "Purchase" in journeys["consent-rejected"].forbid


def test_every_planted_bug_has_a_flag_and_the_fixed_shop_has_none() -> None:
    flags = set(Defects.__dataclass_fields__)
    assert {p.flag for p in PLANTED} == flags
    assert all(getattr(BROKEN, f) for f in flags)
    assert not FIXED.any()
    readme = resources.files("pixelproof.demo").joinpath("README.md").read_text()
    for planted in PLANTED:
        assert planted.code in readme
        assert planted.flag in readme


def test_the_readme_shows_the_demo_one_liner_after_the_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)\n```", quick, re.S)
    assert blocks[0] == "make test"
    assert blocks[1] == "make demo"
    makefile = (ROOT / "Makefile").read_text()
    assert ".venv/bin/pixelproof demo || test $$? -eq 1" in makefile  # planted bugs: exit 1
