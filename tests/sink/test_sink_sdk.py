"""The official `facebook-business` SDK, sync and async, pointed at the sink (DESIGN §12).

`FacebookSession.GRAPH` is the SDK's base URL; with it on the sink, good, stale, oversized and
token-less batches must get the answers Meta documents (reference/meta-api.md §2.5, §2.6).
"""

from __future__ import annotations

import time
from pathlib import Path

import aiohttp
import pytest
from facebook_business.adobjects.serverside.action_source import ActionSource
from facebook_business.adobjects.serverside.custom_data import CustomData
from facebook_business.adobjects.serverside.event import Event
from facebook_business.adobjects.serverside.event_request import EventRequest
from facebook_business.adobjects.serverside.event_request_async import EventRequestAsync
from facebook_business.adobjects.serverside.user_data import UserData
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError
from facebook_business.session import FacebookSession

from pixelproof.evidence.sources.sink import SinkHandle
from pixelproof.meta.capi import decode_request, token_fp
from tests.conftest import SecretScan
from tests.sink.sink_support import (
    ACCESS_TOKEN,
    ALL_SECRETS,
    APP_SECRET,
    PIXEL,
    SINK_TOKEN,
    appsecret_proof,
)

EIGHT_DAYS = 8 * 24 * 3600


def sdk_events(count: int = 2, *, age_s: float = 30.0) -> list[Event]:
    return [
        Event(
            event_name="Purchase",
            event_time=int(time.time() - age_s),
            event_id=f"order-{i}",
            event_source_url="https://shop.example/checkout",
            action_source=ActionSource.WEBSITE,
            user_data=UserData(
                emails=["Joe@Example.com"], client_user_agent="Mozilla/5.0", fbp="fb.1.1.1"
            ),
            custom_data=CustomData(currency="eur", value=12.5),
        )
        for i in range(count)
    ]


@pytest.fixture
def at_sink(sink: SinkHandle, monkeypatch: pytest.MonkeyPatch) -> SinkHandle:
    monkeypatch.setattr(FacebookSession, "GRAPH", sink.url)
    monkeypatch.setattr(FacebookAdsApi, "_default_api", None)
    FacebookAdsApi.init(access_token=ACCESS_TOKEN, app_secret=APP_SECRET, crash_log=False)
    return sink


def _scan(
    secret_scan: SecretScan, out_dir: Path, said: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    captured = capsys.readouterr()
    secret_scan(ALL_SECRETS, paths=[out_dir], texts=[*said, captured.out, captured.err])


def test_sync_good_batch(
    at_sink: SinkHandle,
    out_dir: Path,
    said: list[str],
    secret_scan: SecretScan,
    capsys: pytest.CaptureFixture[str],
) -> None:
    request = EventRequest(
        pixel_id=PIXEL,
        events=sdk_events(2),
        test_event_code="TEST42",
        partner_agent="pixelproof-test",
    )
    response = request.execute()

    assert response.events_received == 2
    assert response.messages == []
    assert len(response.fbtrace_id) == 23
    (line,) = at_sink.batches_since(0)
    assert line["path"] == f"/{FacebookAdsApi.API_VERSION}/{PIXEL}/events"
    assert line["content_type"] == "application/x-www-form-urlencoded"
    assert str(line["user_agent"]).startswith("fbbizsdk-python-")
    assert line["partner_agent"] == "pixelproof-test"
    assert line["token_fp"] == token_fp(ACCESS_TOKEN)
    decoded = decode_request(str(line["body"]).encode(), str(line["content_type"]))
    assert [e["event_id"] for e in decoded.events] == ["order-0", "order-1"]
    assert decoded.test_event_code == "TEST42"
    _scan(secret_scan, out_dir, said, capsys)


def _sdk_error(request: EventRequest) -> FacebookRequestError:
    with pytest.raises(FacebookRequestError) as info:
        request.execute()
    error = info.value
    assert error.api_error_type() == "OAuthException"
    assert isinstance(error.body()["error"]["fbtrace_id"], str)
    return error


def test_sync_stale_batch(
    at_sink: SinkHandle,
    out_dir: Path,
    said: list[str],
    secret_scan: SecretScan,
    capsys: pytest.CaptureFixture[str],
) -> None:
    events = [*sdk_events(1), *sdk_events(1, age_s=EIGHT_DAYS)]
    error = _sdk_error(EventRequest(pixel_id=PIXEL, events=events))

    assert error.http_status() == 400
    assert (error.api_error_code(), error.api_error_subcode()) == (100, 2804003)
    assert error.body()["error"]["error_user_title"] == "Event Timestamp Too Old"
    assert at_sink.batches_since(0)[0]["response"]["status"] == 400  # type: ignore[index]
    _scan(secret_scan, out_dir, said, capsys)


def test_sync_oversized_batch(at_sink: SinkHandle) -> None:
    error = _sdk_error(EventRequest(pixel_id=PIXEL, events=sdk_events(1001)))

    assert (error.http_status(), error.api_error_code()) == (400, 100)


@pytest.mark.parametrize("token", [None, ""])
def test_sync_tokenless_batch(
    token: str | None,
    at_sink: SinkHandle,
    out_dir: Path,
    said: list[str],
    secret_scan: SecretScan,
    capsys: pytest.CaptureFixture[str],
) -> None:
    FacebookAdsApi.init(access_token=token, crash_log=False)
    error = _sdk_error(EventRequest(pixel_id=PIXEL, events=sdk_events(1)))

    assert (error.http_status(), error.api_error_code()) == (401, 190)
    assert at_sink.batches_since(0)[0]["token_fp"] is None
    _scan(secret_scan, out_dir, said, capsys)


def test_sync_through_the_shared_token_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, secret_scan: SecretScan
) -> None:
    said: list[str] = []
    with SinkHandle(token=SINK_TOKEN, out_dir=tmp_path / "run", say=said.append) as sink:
        monkeypatch.setattr(FacebookSession, "GRAPH", f"{sink.url}/t/{SINK_TOKEN}")
        monkeypatch.setattr(FacebookAdsApi, "_default_api", None)
        FacebookAdsApi.init(access_token=ACCESS_TOKEN, app_secret=APP_SECRET, crash_log=False)
        response = EventRequest(pixel_id=PIXEL, events=sdk_events(1)).execute()
        lines = sink.batches_since(0)

    assert response.events_received == 1
    assert lines[0]["path"] == f"/{FacebookAdsApi.API_VERSION}/{PIXEL}/events"
    secret_scan(ALL_SECRETS, paths=[tmp_path], texts=said)


@pytest.mark.anyio
async def test_async_good_batch(
    at_sink: SinkHandle,
    out_dir: Path,
    said: list[str],
    secret_scan: SecretScan,
    capsys: pytest.CaptureFixture[str],
) -> None:
    response = await EventRequestAsync(pixel_id=PIXEL, events=sdk_events(3)).execute()

    assert response.events_received == 3
    (line,) = at_sink.batches_since(0)
    assert line["token_fp"] == token_fp(ACCESS_TOKEN)
    assert "appsecret_proof" not in str(line["body"])
    assert appsecret_proof() not in str(line["body"])
    decoded = decode_request(str(line["body"]).encode(), str(line["content_type"]))
    assert len(decoded.events) == 3
    _scan(secret_scan, out_dir, said, capsys)


async def _async_answer(request: EventRequestAsync) -> dict[str, object]:
    """The raw Graph answer (the SDK's `execute()` assumes success and reads `fbtrace_id`)."""
    async with aiohttp.ClientSession() as session:
        answer: dict[str, object] = await request.create_event(session)
    return answer


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("case", "expected"),
    [("stale", (100, 2804003)), ("oversized", (100, None)), ("tokenless", (190, None))],
)
async def test_async_rejected_batches(
    case: str,
    expected: tuple[int, int | None],
    at_sink: SinkHandle,
    out_dir: Path,
    said: list[str],
    secret_scan: SecretScan,
    capsys: pytest.CaptureFixture[str],
) -> None:
    events = {
        "stale": sdk_events(1, age_s=EIGHT_DAYS),
        "oversized": sdk_events(1001),
        "tokenless": sdk_events(1),
    }[case]
    if case == "tokenless":
        FacebookAdsApi.init(access_token="", crash_log=False)
    answer = await _async_answer(EventRequestAsync(pixel_id=PIXEL, events=events))

    error = answer["error"]
    assert isinstance(error, dict)
    assert (error["code"], error.get("error_subcode")) == expected
    assert error["type"] == "OAuthException"
    status = 401 if case == "tokenless" else 400
    assert at_sink.batches_since(0)[0]["response"]["status"] == status  # type: ignore[index]
    _scan(secret_scan, out_dir, said, capsys)
