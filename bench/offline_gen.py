"""Seeded generator of offline inputs: a day of CAPI JSONL and a HAR of Pixel hits (DESIGN §10).

Same seed and size → byte-identical files. Server lines mix the shapes and encodings seen in
fixtures/capi (sink lines with JSON bodies, SDK-style form bodies of JSON strings, bare event
lines); HAR entries mix GET hits and hidden-iframe form POSTs, Chrome-style (raw queryString).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from urllib.parse import quote

PIXEL = "111111111111111"
DAY = 1_795_900_000
HAR_CAP = 100_000
NAMES = ("PageView", "ViewContent", "AddToCart", "InitiateCheckout", "Purchase", "Lead")


def _event(rng: random.Random, i: int) -> dict[str, object]:
    name = rng.choice(NAMES)
    return {
        "event_name": name,
        "event_time": DAY + rng.randrange(86_400),
        "event_id": f"ev-{i}",
        "action_source": "website",
        "event_source_url": f"https://shop.example/p/{rng.randrange(500)}",
        "user_data": {
            "em": [f"{rng.getrandbits(256):064x}"],
            "client_user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/156",
            "client_ip_address": f"203.0.113.{rng.randrange(255)}",
            "fbp": f"fb.1.{DAY}000.{rng.randrange(2**31)}",
        },
        "custom_data": {"currency": "USD", "value": round(rng.random() * 200, 2)},
    }


def _capi_line(rng: random.Random, events: list[dict[str, object]], seq: int) -> str:
    kind = rng.random()
    if kind < 0.1 and len(events) == 1:
        return json.dumps(events[0])
    if kind < 0.4:
        data = json.dumps([json.dumps(e) for e in events])
        body = f"data={quote(data)}&test_event_code="
        ctype = "application/x-www-form-urlencoded"
    else:
        body = json.dumps({"data": events})
        ctype = "application/json"
    line = {
        "time": DAY + seq,
        "content_type": ctype,
        "body": body,
        "path": f"/v25.0/{PIXEL}/events",
        "response": {"status": 200, "body": '{"events_received": 1}'},
        "user_agent": "shop-backend/1.0",
        "remote": "10.0.0.2",
        "token_fp": "0917b13a",
        "retry_of": None,
        "seq": seq,
    }
    return json.dumps(line)


def write_capi(path: Path, count: int, rng: random.Random) -> None:
    with path.open("w") as out:
        made = 0
        seq = 0
        while made < count:
            size = min(count - made, rng.choice((1, 1, 1, 2, 5, 20, 50)))
            seq += 1
            batch = [_event(rng, made + j) for j in range(size)]
            out.write(_capi_line(rng, batch, seq) + "\n")
            made += size


def _hit_query(rng: random.Random, i: int, contents: int) -> str:
    name = rng.choice(NAMES)
    fields = [
        ("id", PIXEL),
        ("ev", name),
        ("dl", f"https://shop.example/p/{rng.randrange(500)}"),
        ("rl", ""),
        ("if", "false"),
        ("ts", str((DAY + i) * 1000)),
        ("cd[value]", f"{rng.random() * 200:.2f}"),
        ("cd[currency]", "USD"),
    ]
    if contents:
        items = [{"id": f"sku-{k}", "quantity": 1, "item_price": 10} for k in range(contents)]
        fields.append(("cd[contents]", json.dumps(items)))
    fields += [("sw", "1280"), ("sh", "720"), ("v", "2.9.252"), ("r", "stable")]
    fields += [("ec", str(i % 20)), ("o", "4126"), ("fbp", f"fb.1.{DAY}000.{i}")]
    fields += [("it", str(DAY * 1000)), ("coo", "false"), ("eid", f"ev-{i}")]
    fields += [("expv2[0]", "pl0"), ("expv2[1]", "el3")]
    return "&".join(f"{k}={quote(v, safe='')}" for k, v in fields)


def _entry(rng: random.Random, i: int) -> dict[str, object]:
    long = rng.random() < 0.05
    query = _hit_query(rng, i, 40 if long else 0)
    request: dict[str, object] = {
        "method": "GET",
        "url": f"https://www.facebook.com/tr/?{query}&rqm=GET",
        "headers": [{"name": "User-Agent", "value": "Mozilla/5.0 Chrome/156"}],
        "queryString": [
            {"name": p.partition("=")[0], "value": p.partition("=")[2]} for p in query.split("&")
        ],
    }
    if long:
        request["method"] = "POST"
        request["url"] = "https://www.facebook.com/tr/"
        request["queryString"] = []
        request["postData"] = {
            "mimeType": "application/x-www-form-urlencoded",
            "text": query.replace("[", "%5B").replace("]", "%5D") + "&rqm=formPOST",
        }
    return {
        "pageref": f"page_{i // 50}",
        "startedDateTime": f"2026-11-29T{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:"
        f"{i % 60:02d}.000Z",
        "time": 12.5,
        "request": request,
        "response": {
            "status": 200,
            "headers": [],
            "content": {"size": 43, "mimeType": "image/gif"},
        },
        "_resourceType": "document" if long else "image",
    }


def write_har(path: Path, count: int, rng: random.Random) -> None:
    with path.open("w") as out:
        out.write('{"log": {"version": "1.2", "creator": {"name": "bench"}, "entries": [\n')
        for i in range(count):
            out.write(("," if i else "") + json.dumps(_entry(rng, i)) + "\n")
        out.write("]}}\n")


def generate(directory: Path, events: int, seed: int = 4) -> tuple[Path, Path]:
    """(capi.jsonl, hits.har) holding `events` events in all: HAR hits ≤ 100k, the rest CAPI."""
    directory.mkdir(parents=True, exist_ok=True)
    hits = min(events // 2, HAR_CAP)
    capi, har = directory / f"capi-{events}.jsonl", directory / f"hits-{events}.har"
    if not (capi.exists() and har.exists()):
        write_capi(capi, events - hits, random.Random(seed))
        write_har(har, hits, random.Random(seed + 1))
    return capi, har
