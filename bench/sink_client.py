"""The sink benchmark's load generator: a raw keep-alive asyncio HTTP/1.1 client (DESIGN §10).

Runs in its own process. N connections each send pre-built CAPI requests back to back on one
keep-alive connection and read each answer fully before the next; prints one JSON object:
`{"shape", "sent", "received", "ok", "events", "seconds"}` for the measured part (after warm-up).
Loopback only; bounded by a request count and a time cap.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import random
import sys
import time
import uuid
from dataclasses import dataclass
from urllib.parse import quote_plus, urlsplit

TOKEN = "EAAbenchTOKEN0000pixelproof"
APP_SECRET = "bench-app-secret"
PIXEL = "111111111111111"
VARIANTS = 256
SHAPES = ("json", "form", "multipart", "sdk50")


@dataclass(frozen=True)
class Request:
    raw: bytes
    events: int


def _event(now: int, rng: random.Random) -> dict[str, object]:
    return {
        "event_name": rng.choice(["Purchase", "AddToCart", "Lead", "ViewContent"]),
        "event_time": now - rng.randint(0, 3600),
        "event_id": uuid.UUID(int=rng.getrandbits(128)).hex,
        "action_source": "website",
        "event_source_url": "https://shop.example/p/42",
        "user_data": {
            "em": [hashlib.sha256(f"u{rng.random()}@x.test".encode()).hexdigest()],
            "client_user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0",
            "client_ip_address": "203.0.113.7",
            "fbp": f"fb.1.{now}000.{rng.getrandbits(30)}",
        },
        "custom_data": {"currency": "EUR", "value": round(rng.uniform(1, 300), 2)},
    }


def _body(shape: str, events: list[dict[str, object]]) -> tuple[str, bytes, str]:
    """(content type, body, query) for one batch in `shape`."""
    token_query = f"access_token={TOKEN}"
    if shape == "json":
        return "application/json", json.dumps({"data": events}).encode(), token_query
    strings = json.dumps([json.dumps(e) for e in events])
    if shape in ("form", "sdk50"):
        proof = hmac.new(APP_SECRET.encode(), TOKEN.encode(), hashlib.sha256).hexdigest()
        query = token_query + (f"&appsecret_proof={proof}" if shape == "sdk50" else "")
        return "application/x-www-form-urlencoded", f"data={quote_plus(strings)}".encode(), query
    boundary = uuid.uuid4().hex
    parts = [("data", strings), ("access_token", TOKEN)]
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{n}"\r\n\r\n{v}\r\n'.encode()
        for n, v in parts
    )
    return f"multipart/form-data; boundary={boundary}", body + f"--{boundary}--\r\n".encode(), ""


def build_requests(shape: str, host: str, seed: int) -> list[Request]:
    rng = random.Random(seed)
    now = int(time.time())
    agent = "fbbizsdk-python-v26.0.3" if shape == "sdk50" else "pixelproof-bench/1"
    out = []
    for _ in range(VARIANTS):
        count = 50 if shape == "sdk50" else rng.randint(1, 5)
        ctype, body, query = _body(shape, [_event(now, rng) for _ in range(count)])
        target = f"/v26.0/{PIXEL}/events" + (f"?{query}" if query else "")
        head = (
            f"POST {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {agent}\r\n"
            f"Content-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        out.append(Request(head.encode() + body, count))
    return out


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    await reader.readexactly(length)
    return status


@dataclass
class Tally:
    left: int
    sent: int = 0
    received: int = 0
    ok: int = 0
    events: int = 0


async def _connection(
    host: str, port: int, requests: list[Request], tally: Tally, deadline: float, offset: int
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = offset
    try:
        while tally.left > 0 and time.monotonic() < deadline:
            tally.left -= 1
            request = requests[i % len(requests)]
            i += 1
            writer.write(request.raw)
            tally.sent += 1
            status = await _read_response(reader)
            tally.received += 1
            if status == 200:
                tally.ok += 1
                tally.events += request.events
    finally:
        writer.close()
        await writer.wait_closed()


async def run(
    url: str, shape: str, count: int, warmup: int, conns: int, cap: float
) -> dict[str, object]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    requests = build_requests(shape, f"{host}:{port}", seed=7)
    deadline = time.monotonic() + cap
    warm = Tally(left=warmup)
    await asyncio.gather(
        *(_connection(host, port, requests, warm, deadline, k) for k in range(conns))
    )
    tally = Tally(left=count)
    start = time.perf_counter()
    await asyncio.gather(
        *(_connection(host, port, requests, tally, deadline, 97 * k) for k in range(conns))
    )
    seconds = time.perf_counter() - start
    return {
        "shape": shape,
        "sent": tally.sent + warm.sent,
        "received": tally.received + warm.received,
        "ok": tally.ok + warm.ok,
        "measured": tally.received,
        "events": tally.events,
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--shape", choices=SHAPES, required=True)
    parser.add_argument("--count", type=int, default=4000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--cap", type=float, default=60.0, help="seconds, whole run")
    args = parser.parse_args()
    if urlsplit(args.url).hostname not in ("127.0.0.1", "::1", "localhost"):
        sys.exit("sink_client: loopback URLs only")
    result = asyncio.run(
        run(args.url, args.shape, args.count, args.warmup, args.connections, args.cap)
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
