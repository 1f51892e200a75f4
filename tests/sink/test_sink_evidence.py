"""Evidence from the sink is the same as evidence from `--capi-log` (B4): one line shape."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import httpx
import orjson

from pixelproof.evidence.sources.capi_log import CapiLogSource
from pixelproof.evidence.sources.sink import SinkHandle
from pixelproof.meta.capi import token_fp
from tests.sink.sink_support import ACCESS_TOKEN, PIXEL, VERSION, event, json_strings


def test_sink_file_and_inspection_items_read_as_the_same_capi_log(
    sink: SinkHandle, out_dir: Path, tmp_path: Path
) -> None:
    url = f"{sink.url}/{VERSION}/{PIXEL}/events"
    httpx.post(url, params={"access_token": ACCESS_TOKEN}, json={"data": [event()]}, timeout=10)
    stale = {"data": json_strings([event(age_s=9 * 86400)])}
    for _ in range(2):
        httpx.post(url, params={"access_token": ACCESS_TOKEN}, data=stale, timeout=10)
    items = httpx.get(f"{sink.url}/__pixelproof/batches", timeout=10).json()["batches"]
    copied = tmp_path / "copied.jsonl"
    copied.write_bytes(b"".join(orjson.dumps(item) + b"\n" for item in items))

    from_disk = list(CapiLogSource(out_dir / "capi.jsonl").records())
    from_api = list(CapiLogSource(copied).records())

    assert [replace(b, origin=None) for b in from_disk] == [
        replace(b, origin=None) for b in from_api
    ]
    first, second, third = from_disk
    assert {b.shape for b in from_disk} == {"sink"}
    assert first.path == f"/{VERSION}/{PIXEL}/events"
    assert first.token_fp == token_fp(ACCESS_TOKEN)
    assert first.time is not None
    assert abs(first.time - time.time()) < 60
    assert (second.sink_seq, third.retry_of) == (2, 2)
    assert first.response is not None
    assert json.loads(str(first.response["body"]))["events_received"] == 1
    assert not any(b.problems for b in from_disk)
