"""`--forward`: the relay hands the original request to a Graph base URL (here a local stand-in,
never the internet) and returns and records Meta's answer verbatim; unreachable → code 2."""

from __future__ import annotations

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
    closed_port_url,
    event,
    graph_standin,
    json_strings,
)


def test_relay_returns_and_records_metas_answer(tmp_path: Path, secret_scan: SecretScan) -> None:
    said: list[str] = []
    params = {"access_token": ACCESS_TOKEN, "appsecret_proof": appsecret_proof()}
    body = {"data": json_strings([event()]), "partner_agent": "relay-test"}
    with graph_standin() as (graph_url, graph):
        graph.answer = {"events_received": 1, "messages": ["from meta"], "fbtrace_id": "META"}
        with SinkHandle(forward=graph_url, out_dir=tmp_path / "run", say=said.append) as sink:
            response = httpx.post(
                f"{sink.url}/{VERSION}/{PIXEL}/events",
                params=params,
                data=body,
                headers={"User-Agent": "shop-backend/1.0"},
                timeout=10,
            )
            (line,) = sink.batches_since(0)

    assert response.status_code == 200
    assert response.json() == graph.answer
    (got,) = graph.received
    assert got["path"] == f"/{VERSION}/{PIXEL}/events"
    assert ACCESS_TOKEN in str(got["query"])  # Meta needs the token
    assert "data=" in str(got["body"])
    assert got["headers"]["user-agent"] == "shop-backend/1.0"  # type: ignore[index]
    assert line["response"] == {"status": 200, "body": graph.answer}
    assert line["partner_agent"] == "relay-test"
    secret_scan(ALL_SECRETS, paths=[tmp_path], texts=said)


def test_relay_passes_metas_errors_through(tmp_path: Path) -> None:
    envelope: dict[str, object] = {
        "error": {"message": "Invalid", "type": "OAuthException", "code": 100}
    }
    with graph_standin() as (graph_url, graph):
        graph.status, graph.answer = 400, envelope
        with SinkHandle(forward=graph_url) as sink:
            response = httpx.post(
                f"{sink.url}/{VERSION}/{PIXEL}/events",
                headers={"Authorization": f"Bearer {ACCESS_TOKEN}"},
                json={"data": [event()]},
                timeout=10,
            )
            lines = sink.batches_since(0)

    assert (response.status_code, response.json()) == (400, envelope)
    assert graph.received[0]["headers"]["authorization"] == f"Bearer {ACCESS_TOKEN}"  # type: ignore[index]
    assert lines[0]["response"] == {"status": 400, "body": envelope}


def test_tokenless_batches_are_not_relayed(tmp_path: Path) -> None:
    with graph_standin() as (graph_url, graph), SinkHandle(forward=graph_url) as sink:
        response = httpx.post(
            f"{sink.url}/{VERSION}/{PIXEL}/events", json={"data": [event()]}, timeout=10
        )

    assert (response.status_code, response.json()["error"]["code"]) == (401, 190)
    assert graph.received == []


def test_unreachable_meta_is_code_2(tmp_path: Path, secret_scan: SecretScan) -> None:
    said: list[str] = []
    with SinkHandle(forward=closed_port_url(), out_dir=tmp_path / "run", say=said.append) as sink:
        response = httpx.post(
            f"{sink.url}/{VERSION}/{PIXEL}/events",
            params={"access_token": ACCESS_TOKEN},
            data={"data": json.dumps([event()])},
            timeout=30,
        )
        (line,) = sink.batches_since(0)

    error = response.json()["error"]
    assert (response.status_code, error["code"], error["is_transient"]) == (503, 2, True)
    assert line["response"]["status"] == 503  # type: ignore[index]
    assert any("relay could not reach" in text for text in said)
    secret_scan(ALL_SECRETS, paths=[tmp_path], texts=said)
