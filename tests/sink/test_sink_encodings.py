"""Raw httpx posts in every encoding Meta accepts, the token in every place it can travel."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote_plus

import httpx
import orjson
import pytest

from pixelproof.evidence.sources.sink import SinkHandle
from pixelproof.meta.capi import decode_request, token_fp
from tests.conftest import SecretScan
from tests.sink.sink_support import (
    ACCESS_TOKEN,
    ALL_SECRETS,
    PIXEL,
    VERSION,
    appsecret_proof,
    event,
    events,
    json_strings,
)

TWO = events(2)


def _post(sink: SinkHandle, **kwargs: object) -> httpx.Response:
    url = f"{sink.url}/{VERSION}/{PIXEL}/events"
    return httpx.post(url, timeout=10, **kwargs)  # type: ignore[arg-type]


CASES: dict[str, dict[str, object]] = {
    "json-objects-token-in-query": {
        "params": {"access_token": ACCESS_TOKEN, "appsecret_proof": appsecret_proof()},
        "json": {"data": TWO, "test_event_code": "TEST123"},
    },
    "json-strings-token-in-body": {
        "json": {"data": [json.dumps(e) for e in TWO], "access_token": ACCESS_TOKEN},
    },
    "json-bearer-header": {
        "headers": {"Authorization": f"Bearer {ACCESS_TOKEN}"},
        "json": {"data": TWO},
    },
    "form-objects": {
        "data": {"data": json.dumps(TWO), "access_token": ACCESS_TOKEN},
    },
    "form-json-strings-sdk": {
        "params": {"access_token": ACCESS_TOKEN, "appsecret_proof": appsecret_proof()},
        "data": {"data": json_strings(TWO), "partner_agent": "stape-gtmss-2.1.3"},
    },
    "multipart-objects": {
        "files": {"data": (None, json.dumps(TWO)), "access_token": (None, ACCESS_TOKEN)},
    },
    "multipart-json-strings": {
        "files": {
            "data": (None, json_strings(TWO)),
            "access_token": (None, ACCESS_TOKEN),
            "appsecret_proof": (None, appsecret_proof()),
        },
    },
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_encoding_is_accepted_and_stored_without_secrets(
    case: str, sink: SinkHandle, out_dir: Path, said: list[str], secret_scan: SecretScan
) -> None:
    response = _post(sink, **CASES[case])

    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["events_received"] == 2
    assert answer["messages"] == []
    assert len(answer["fbtrace_id"]) == 23
    (line,) = sink.batches_since(0)
    assert line["token_fp"] == token_fp(ACCESS_TOKEN)
    assert line["path"] == f"/{VERSION}/{PIXEL}/events"
    assert line["response"] == {"status": 200, "body": answer}
    assert str(line["user_agent"]).startswith("python-httpx/")
    assert str(line["remote"]).startswith("127.0.0.1:")
    # the stored body still decodes to the same events with the shared decoder
    stored = decode_request(str(line["body"]).encode(), str(line["content_type"]))
    assert [e["event_id"] for e in stored.events] == ["order-0", "order-1"]
    assert not stored.has_token
    on_disk = [orjson.loads(x) for x in (out_dir / "capi.jsonl").read_bytes().splitlines()]
    assert on_disk == [line]
    inspected = httpx.get(f"{sink.url}/__pixelproof/batches", timeout=10)
    secret_scan(ALL_SECRETS, paths=[out_dir], texts=[*said, inspected.text])


def test_partner_agent_and_test_code_are_kept(sink: SinkHandle) -> None:
    _post(sink, **CASES["form-json-strings-sdk"])
    _post(sink, **CASES["json-objects-token-in-query"])

    first, second = sink.batches_since(0)
    assert first["partner_agent"] == "stape-gtmss-2.1.3"
    assert "TEST123" in str(second["body"])


def test_query_keeps_other_parameters_but_not_tokens(sink: SinkHandle) -> None:
    params = {"access_token": ACCESS_TOKEN, "test_event_code": "TEST9"}
    _post(sink, params=params, json={"data": [event()]})

    (line,) = sink.batches_since(0)
    assert line["path"] == f"/{VERSION}/{PIXEL}/events?test_event_code=TEST9"


def test_oauth_scheme_and_trailing_slash(sink: SinkHandle) -> None:
    url = f"{sink.url}/{VERSION}/{PIXEL}/events/"
    headers = {"Authorization": f"OAuth {ACCESS_TOKEN}"}
    response = httpx.post(url, json={"data": [event()]}, headers=headers, timeout=10)

    assert response.status_code == 200
    assert sink.batches_since(0)[0]["token_fp"] == token_fp(ACCESS_TOKEN)


def test_escaped_token_field_and_pasted_tokens_never_reach_the_record(
    sink: SinkHandle, out_dir: Path, said: list[str], secret_scan: SecretScan
) -> None:
    leaky = event()
    leaky["event_source_url"] = f"https://shop.example/?access_token={ACCESS_TOKEN}"
    body = f"data={quote_plus(json.dumps([leaky]))}&access%5Ftoken={quote_plus(ACCESS_TOKEN)}"
    response = _post(
        sink, content=body, headers={"content-type": "application/x-www-form-urlencoded"}
    )

    assert response.status_code == 200, response.text
    (line,) = sink.batches_since(0)
    assert line["token_fp"] == token_fp(ACCESS_TOKEN)
    assert "<redacted:secret>" in str(line["body"])
    secret_scan(ALL_SECRETS, paths=[out_dir], texts=said)
