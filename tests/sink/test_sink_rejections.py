"""Meta's answers for what Meta rejects — and acceptance of what Meta accepts (DESIGN §13)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from pixelproof.evidence.sources.sink import SinkHandle
from pixelproof.meta.capi import MAX_BODY_BYTES
from tests.conftest import SecretScan
from tests.sink.sink_support import ACCESS_TOKEN, ALL_SECRETS, PIXEL, VERSION, event, events

EIGHT_DAYS = 8 * 24 * 3600
QUERY = {"access_token": ACCESS_TOKEN}


def _post(sink: SinkHandle, **kwargs: object) -> httpx.Response:
    url = f"{sink.url}/{VERSION}/{PIXEL}/events"
    return httpx.post(url, timeout=30, **kwargs)  # type: ignore[arg-type]


def _error(response: httpx.Response) -> dict[str, object]:
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, object] = body["error"]
    assert error["type"] == "OAuthException"
    assert isinstance(error["fbtrace_id"], str)
    assert isinstance(error["message"], str)
    assert error["message"]
    return error


def test_stale_event_rejects_the_whole_batch(sink: SinkHandle) -> None:
    batch = [event(), event(age_s=EIGHT_DAYS)]
    response = _post(sink, params=QUERY, json={"data": batch})

    assert response.status_code == 400
    error = _error(response)
    assert (error["code"], error["error_subcode"]) == (100, 2804003)
    assert error["error_user_title"] == "Event Timestamp Too Old"
    assert error["is_transient"] is False
    (line,) = sink.batches_since(0)
    assert line["response"] == {"status": 400, "body": response.json()}


def test_more_than_1000_events_is_rejected(sink: SinkHandle) -> None:
    response = _post(sink, params=QUERY, data={"data": json.dumps(events(1001))})

    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == 100
    assert "error_subcode" not in error


def test_exactly_1000_events_is_accepted(sink: SinkHandle) -> None:
    response = _post(sink, params=QUERY, data={"data": json.dumps(events(1000))})

    assert response.status_code == 200
    assert response.json()["events_received"] == 1000


@pytest.mark.parametrize("where", ["missing", "empty-query", "empty-form", "empty-bearer"])
def test_missing_or_empty_token_is_190(
    where: str, sink: SinkHandle, out_dir: Path, said: list[str], secret_scan: SecretScan
) -> None:
    kwargs: dict[str, object] = {
        "missing": {"json": {"data": [event()]}},
        "empty-query": {"params": {"access_token": ""}, "json": {"data": [event()]}},
        "empty-form": {"data": {"data": json.dumps([event()]), "access_token": ""}},
        "empty-bearer": {"headers": {"Authorization": "Bearer"}, "json": {"data": [event()]}},
    }[where]  # type: ignore[assignment]
    response = _post(sink, **kwargs)

    assert response.status_code == 401
    assert _error(response)["code"] == 190
    (line,) = sink.batches_since(0)
    assert line["token_fp"] is None
    assert line["response"]["status"] == 401  # type: ignore[index]


def test_body_over_10_mb_is_kept_in_part_and_rejected(
    sink: SinkHandle, out_dir: Path, said: list[str], secret_scan: SecretScan
) -> None:
    filler = "x" * (MAX_BODY_BYTES + 1024)
    body = json.dumps({"data": [event()], "filler": filler})
    response = _post(sink, params=QUERY, content=body, headers={"content-type": "application/json"})

    assert response.status_code == 400
    assert _error(response)["code"] == 100
    (line,) = sink.batches_since(0)
    assert line["body_truncated"] is True
    assert line["body_size"] == len(body)
    assert len(str(line["body"])) == 64 * 1024
    secret_scan(ALL_SECRETS, paths=[out_dir], texts=said)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b'{"data": [{"event_name": '),
        ("application/json", b"[1, 2, 3]"),
        ("application/x-www-form-urlencoded", b"data=not-json"),
        ("application/x-www-form-urlencoded", b"test_event_code=T1"),
        ("multipart/form-data; boundary=zz", b"--zz\r\nbroken"),
        ("application/octet-stream", bytes(range(256))),
        (None, b""),
    ],
)
def test_garbage_is_recorded_and_answered_like_graph(
    content_type: str | None, body: bytes, sink: SinkHandle
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = _post(sink, params=QUERY, content=body, headers=headers)

    assert response.status_code == 400
    assert _error(response)["code"] == 100
    (line,) = sink.batches_since(0)
    assert line["response"]["status"] == 400  # type: ignore[index]
    if body == bytes(range(256)):
        assert line["body_encoding"] == "base64"


def test_website_event_without_user_agent_is_accepted_unless_strict(
    tmp_path: Path,
) -> None:
    lax = event()
    lax["user_data"] = {"em": ["a" * 64]}
    for strict, status in ((False, 200), (True, 400)):
        with SinkHandle(strict=strict) as sink:
            response = _post(sink, params=QUERY, json={"data": [lax]})
        assert response.status_code == status, response.text


def test_accept_list_compares_tokens(tmp_path: Path) -> None:
    with SinkHandle(accept_tokens=[ACCESS_TOKEN]) as sink:
        good = _post(sink, params=QUERY, json={"data": [event()]})
        bad = _post(sink, params={"access_token": "EAAother"}, json={"data": [event()]})

    assert good.status_code == 200
    assert bad.status_code == 401
    assert _error(bad)["code"] == 190


def test_get_on_events_and_unknown_paths_answer_like_graph(sink: SinkHandle) -> None:
    get = httpx.get(f"{sink.url}/{VERSION}/{PIXEL}/events", timeout=10)
    unknown = httpx.post(f"{sink.url}/{PIXEL}/events", params=QUERY, timeout=10)
    bad_version = httpx.post(f"{sink.url}/latest/{PIXEL}/events", params=QUERY, timeout=10)

    assert (get.status_code, _error(get)["code"]) == (400, 100)
    assert (unknown.status_code, _error(unknown)["code"]) == (400, 2500)
    assert (bad_version.status_code, _error(bad_version)["code"]) == (400, 2500)
    assert ACCESS_TOKEN not in unknown.text
    assert sink.batches_since(0) == []
