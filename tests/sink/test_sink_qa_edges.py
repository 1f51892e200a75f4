"""QA round for issue 7: edges a reviewer probes (window boundaries, binary bodies, tokens)."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

import httpx

from pixelproof.evidence.sources.sink import SinkHandle
from tests.conftest import SecretScan
from tests.sink.sink_support import (
    ACCESS_TOKEN,
    ALL_SECRETS,
    PIXEL,
    VERSION,
    appsecret_proof,
    event,
)

WEEK = 7 * 24 * 3600
QUERY = {"access_token": ACCESS_TOKEN, "appsecret_proof": appsecret_proof()}


def _post(sink: SinkHandle, **kwargs: object) -> httpx.Response:
    url = f"{sink.url}/{VERSION}/{PIXEL}/events"
    return httpx.post(url, timeout=30, **kwargs)  # type: ignore[arg-type]


def test_seven_days_minus_a_minute_is_accepted_plus_a_minute_rejected(sink: SinkHandle) -> None:
    fresh = _post(sink, params=QUERY, json={"data": [event(age_s=WEEK - 60)]})
    stale = _post(sink, params=QUERY, json={"data": [event(age_s=WEEK + 60)]})

    assert fresh.status_code == 200
    assert fresh.json()["events_received"] == 1
    assert stale.status_code == 400
    error = stale.json()["error"]
    assert (error["code"], error["error_subcode"]) == (100, 2804003)


def test_gzip_body_is_kept_and_answered_in_plain_words(sink: SinkHandle) -> None:
    """Meta documents no Content-Encoding for CAPI: the sink rejects it, readable, on record."""
    raw = gzip.compress(json.dumps({"data": [event()]}).encode())
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    response = _post(sink, params=QUERY, content=raw, headers=headers)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == 100
    assert error["message"] == (
        "Invalid parameter: body is not valid JSON: it is not UTF-8 text (compressed or binary?)"
    )
    (line,) = sink.batches_since(0)
    assert line["body_encoding"] == "base64"
    assert base64.b64decode(str(line["body"])) == raw


def test_token_only_in_oauth_header_and_empty_form_token(
    sink: SinkHandle, out_dir: Path, said: list[str], secret_scan: SecretScan
) -> None:
    oauth = _post(
        sink, json={"data": [event()]}, headers={"Authorization": f"OAuth {ACCESS_TOKEN}"}
    )
    empty = _post(sink, data={"data": json.dumps([event()]), "access_token": ""})

    assert oauth.status_code == 200
    assert empty.status_code == 401
    assert empty.json()["error"]["code"] == 190
    secret_scan(ALL_SECRETS, paths=[out_dir], texts=[*said, json.dumps(sink.batches_since(0))])
