"""The handle: pre-bound socket, own thread and loop, locked log, hand-over, graceful stop."""

from __future__ import annotations

import asyncio
import os
import socket
import stat
import threading
from collections.abc import Mapping
from pathlib import Path

import httpx
import pytest

from pixelproof.errors import SinkError, UsageError
from pixelproof.evidence.sources.sink import SinkHandle
from pixelproof.evidence.sources.sink_log import Line
from tests.conftest import SecretScan
from tests.sink.sink_support import ACCESS_TOKEN, ALL_SECRETS, PIXEL, SINK_TOKEN, VERSION, event

QUERY = {"access_token": ACCESS_TOKEN}


def _post(url: str, body: Mapping[str, object], **kwargs: object) -> httpx.Response:
    return httpx.post(
        f"{url}/{VERSION}/{PIXEL}/events",
        params=QUERY,
        json=body,
        timeout=10,
        **kwargs,  # type: ignore[arg-type]
    )


def test_port_zero_reports_the_real_port() -> None:
    with SinkHandle() as sink:
        port = int(sink.url.rsplit(":", 1)[1])
        assert port > 0
        assert sink.url == f"http://127.0.0.1:{port}"
        assert sink.start() == sink.url  # idempotent


def test_a_taken_port_fails_at_once_with_sink_error() -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        port = taken.getsockname()[1]
        with pytest.raises(SinkError, match=f"cannot listen on 127.0.0.1:{port}") as info:
            SinkHandle(f"127.0.0.1:{port}").start()
        assert info.value.exit_code == 3
    finally:
        taken.close()


def test_non_loopback_bind_needs_the_shared_token() -> None:
    with pytest.raises(SinkError, match="shared sink token"):
        SinkHandle("0.0.0.0:0").start()


def test_bad_listen_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        SinkHandle("nowhere")


def test_out_dir_is_private_and_never_mixes_runs(sink: SinkHandle, out_dir: Path) -> None:
    _post(sink.url, {"data": [event()]})
    log = out_dir / "capi.jsonl"
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(out_dir).st_mode) == 0o700
    with pytest.raises(UsageError, match="earlier run"):
        SinkHandle(out_dir=out_dir).start()


def test_batches_since_and_inspection_endpoints(sink: SinkHandle) -> None:
    for i in range(3):
        _post(sink.url, {"data": [event(event_id=f"e{i}")]})

    assert [line["seq"] for line in sink.batches_since(0)] == [1, 2, 3]
    assert [line["seq"] for line in sink.batches_since(2)] == [3]
    got = httpx.get(f"{sink.url}/__pixelproof/batches", params={"since": 1}, timeout=10).json()
    assert [b["seq"] for b in got["batches"]] == [2, 3]
    assert got["last_seq"] == 3
    assert got["batches"] == sink.batches_since(1)
    bad = httpx.get(f"{sink.url}/__pixelproof/batches", params={"since": "x"}, timeout=10)
    assert bad.status_code == 400
    deleted = httpx.delete(f"{sink.url}/__pixelproof/batches", timeout=10).json()
    assert deleted == {"deleted": 3, "last_seq": 3}
    assert sink.batches_since(0) == []
    _post(sink.url, {"data": [event()]})
    assert [line["seq"] for line in sink.batches_since(0)] == [4]  # seq never goes back
    health = httpx.get(f"{sink.url}/__pixelproof/health", timeout=10).json()
    assert health == {"ok": True, "last_seq": 4}


def test_byte_identical_resend_after_failure_is_a_retry(sink: SinkHandle) -> None:
    stale = {"data": [event(age_s=8 * 24 * 3600)]}
    good = {"data": [event()]}
    first = _post(sink.url, stale)
    second = _post(sink.url, stale)
    third = _post(sink.url, stale)
    ok_once = _post(sink.url, good)
    ok_twice = _post(sink.url, good)

    assert [r.status_code for r in (first, second, third, ok_once, ok_twice)] == [
        400,
        400,
        400,
        200,
        200,
    ]
    retry_of = [line["retry_of"] for line in sink.batches_since(0)]
    assert retry_of == [None, 1, 1, None, None]  # a re-send after a 2xx is not a retry


def test_retry_chain_ends_with_success(sink: SinkHandle) -> None:
    # the same bytes fail without a token, then succeed with one in the header: not identical
    # requests, but an identical body and path, so the success is a retry of the failure
    body = {"data": [event()]}
    url = f"{sink.url}/{VERSION}/{PIXEL}/events"
    httpx.post(url, json=body, timeout=10)
    httpx.post(url, json=body, timeout=10, headers={"Authorization": f"Bearer {ACCESS_TOKEN}"})
    httpx.post(url, json=body, timeout=10, headers={"Authorization": f"Bearer {ACCESS_TOKEN}"})

    assert [line["retry_of"] for line in sink.batches_since(0)] == [None, 1, None]


def test_shared_token_guards_every_route(
    tmp_path: Path, said: list[str], secret_scan: SecretScan
) -> None:
    with SinkHandle(token=SINK_TOKEN, out_dir=tmp_path / "run", say=said.append) as sink:
        without = _post(sink.url, {"data": [event()]})
        wrong = _post(sink.url, {"data": [event()]}, headers={"X-Pixelproof-Token": "nope"})
        header = _post(sink.url, {"data": [event()]}, headers={"X-Pixelproof-Token": SINK_TOKEN})
        prefix = _post(f"{sink.url}/t/{SINK_TOKEN}", {"data": [event()]})
        inspect_without = httpx.get(f"{sink.url}/__pixelproof/batches", timeout=10)
        inspect_with = httpx.get(f"{sink.url}/t/{SINK_TOKEN}/__pixelproof/batches", timeout=10)
        delete_without = httpx.delete(f"{sink.url}/__pixelproof/batches", timeout=10)

    assert [r.status_code for r in (without, wrong, inspect_without, delete_without)] == [401] * 4
    assert without.json()["error"]["code"] == 190
    assert (header.status_code, prefix.status_code, inspect_with.status_code) == (200, 200, 200)
    lines = inspect_with.json()["batches"]
    assert [line["path"] for line in lines] == [f"/{VERSION}/{PIXEL}/events"] * 2
    secret_scan(ALL_SECRETS, paths=[tmp_path], texts=[*said, inspect_with.text])


def test_on_batch_reaches_the_consumer_loop() -> None:
    async def consume() -> list[tuple[Line, bool]]:
        got: list[tuple[Line, bool]] = []
        arrived = asyncio.Event()

        def on_batch(line: Line) -> None:
            got.append((line, threading.current_thread() is threading.main_thread()))
            arrived.set()

        with SinkHandle(on_batch=on_batch) as sink:
            response = await asyncio.to_thread(_post, sink.url, {"data": [event()]})
            assert response.status_code == 200
            await asyncio.wait_for(arrived.wait(), 10)
        return got

    ((line, on_main),) = asyncio.run(consume())
    assert line["seq"] == 1
    assert on_main


def test_stop_is_graceful_and_idempotent(out_dir: Path) -> None:
    sink = SinkHandle(out_dir=out_dir)
    url = sink.start()
    with httpx.Client(timeout=10) as client:  # a keep-alive connection left open
        for i in range(5):
            client.post(
                f"{url}/{VERSION}/{PIXEL}/events",
                params=QUERY,
                json={"data": [event(event_id=str(i))]},
            )
        sink.stop()
    sink.stop()
    assert len((out_dir / "capi.jsonl").read_bytes().splitlines()) == 5
    with pytest.raises(httpx.ConnectError):
        httpx.post(f"{url}/{VERSION}/{PIXEL}/events", timeout=2)
