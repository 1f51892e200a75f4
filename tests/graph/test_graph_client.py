"""The Graph client against the local stand-in: reads, retries, errors, paging, secrets."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from pixelproof.errors import ExitCode, GraphError
from pixelproof.evidence.sources.graph import DEFAULT_VERSION, MAX_PAGES
from pixelproof.evidence.sources.graph_reads import AUDIT_READS, GraphReader, plan
from tests.conftest import SecretScan
from tests.graph.conftest import FakeTime, client_of
from tests.graph.graph_support import (
    APP_SECRET,
    BAD_FIELD,
    DA_CHECKS,
    DENIED,
    INVALID_TOKEN,
    PIXEL,
    PIXEL_NODE,
    QUALITY,
    SECRETS,
    THROTTLED,
    TOKEN,
    UNAVAILABLE,
    GraphApi,
    dumps,
    graph_api,
)
from tests.sink.sink_support import closed_port_url


def test_default_version_is_the_newest_known() -> None:
    assert DEFAULT_VERSION == "v26.0"


def test_every_audit_read_is_parsed_into_one_record(api: GraphApi, fake_time: FakeTime) -> None:
    with client_of(api, fake_time) as client:
        outcome = GraphReader(client, fake_time.clock).run(plan(AUDIT_READS, [PIXEL]))
    assert outcome.error is None
    by_path = [(r.path, dict(r.params)) for r in outcome.records]
    assert [p for p, _ in by_path] == [
        f"/v26.0/{PIXEL}",
        *[f"/v26.0/{PIXEL}/stats"] * 3,
        "/v26.0/dataset_quality",
        f"/v26.0/{PIXEL}/da_checks",
    ]
    assert [p.get("event_source") for _, p in by_path[1:4]] == [None, "WEB_ONLY", "SERVER_ONLY"]
    assert by_path[4][1]["dataset_id"] == PIXEL
    pixel, stats, quality, checks = (outcome.records[i] for i in (0, 1, 4, 5))
    assert pixel.body == PIXEL_NODE
    assert pixel.status == 200
    assert quality.body == QUALITY
    assert checks.body == DA_CHECKS
    assert stats.body is not None
    assert "paging" not in stats.body
    names = [row["value"] for bucket in stats.body["data"] for row in bucket["data"]]  # type: ignore[attr-defined]
    assert names == ["Purchase", "PageView", "purchase"]  # two pages merged
    assert outcome.source().status == "ok"
    assert outcome.source().items == 6


def test_token_travels_only_in_the_authorization_header(api: GraphApi, fake_time: FakeTime) -> None:
    with client_of(api, fake_time) as client:
        client.get(f"{PIXEL}/stats", {"aggregation": "event"})
    assert len(api.received) == 2  # the next link (which carried the token) was followed
    for request in api.received:
        assert TOKEN not in str(request["query"])
        assert "access_token" not in str(request["query"])
        assert request["headers"]["authorization"] == f"Bearer {TOKEN}"  # type: ignore[index]
    assert "after=1" in api.queries()[1]


def test_appsecret_proof_is_the_hmac_of_the_token(fake_time: FakeTime) -> None:
    want = hmac.new(APP_SECRET.encode(), TOKEN.encode(), hashlib.sha256).hexdigest()
    with (
        graph_api(app_secret=APP_SECRET) as api,
        client_of(api, fake_time, app_secret=APP_SECRET) as client,
    ):
        assert client.get(PIXEL).body["id"] == PIXEL  # the stand-in refuses a wrong proof
    assert f"appsecret_proof={want}" in api.queries()[0]
    assert want in client.secrets


def test_a_wrong_app_secret_is_meta_s_error(fake_time: FakeTime) -> None:
    with (
        graph_api(app_secret=APP_SECRET) as api,
        client_of(api, fake_time, app_secret="not-the-secret") as client,
        pytest.raises(GraphError) as caught,
    ):
        client.get(PIXEL)
    assert "Invalid appsecret_proof" in caught.value.message


def test_transient_errors_are_retried_with_backoff(api: GraphApi, fake_time: FakeTime) -> None:
    api.fail(f"{PIXEL}", UNAVAILABLE, (500, {"error": {"code": 1, "message": "unknown"}}))
    with client_of(api, fake_time) as client:
        assert client.get(PIXEL).body == PIXEL_NODE
    assert len(api.received) == 3
    assert fake_time.slept == [1.0, 2.0]  # exponential, jitter 0, no real sleeping


def test_retries_are_bounded_and_the_error_names_the_path(
    api: GraphApi, fake_time: FakeTime
) -> None:
    api.fail("/stats", UNAVAILABLE, UNAVAILABLE, UNAVAILABLE, UNAVAILABLE)
    with client_of(api, fake_time) as client, pytest.raises(GraphError) as caught:
        client.get(f"{PIXEL}/stats", {"aggregation": "event"})
    assert len(api.received) == 3
    error = caught.value
    assert error.exit_code == ExitCode.INCOMPLETE
    assert error.message == (
        f"Graph GET /v26.0/{PIXEL}/stats: Service temporarily unavailable (code 2, HTTP 503)"
    )
    assert "?" not in str(error)
    assert "aggregation" not in str(error)


@pytest.mark.parametrize(("answer", "code", "text"), [
    (INVALID_TOKEN, 190, "Invalid OAuth access token"),
    (BAD_FIELD, 100, "nonexisting field"),
])  # fmt: skip
def test_permanent_errors_are_not_retried(
    api: GraphApi,
    fake_time: FakeTime,
    answer: tuple[int, dict[str, object]],
    code: int,
    text: str,
) -> None:
    api.fail(PIXEL, answer)
    with client_of(api, fake_time) as client, pytest.raises(GraphError) as caught:
        client.get(PIXEL, {"fields": "id,nope"})
    assert len(api.received) == 1
    assert fake_time.slept == []
    assert caught.value.code == code
    assert text in caught.value.message
    assert f"Graph GET /v26.0/{PIXEL}: " in caught.value.message
    assert "fields" not in caught.value.render()
    assert "?" not in caught.value.render()


def test_meta_s_regain_estimate_beyond_the_budget_stops_retrying(
    api: GraphApi, fake_time: FakeTime
) -> None:
    usage = dumps({"123": [{"type": "ads_management", "call_count": 100,
                            "estimated_time_to_regain_access": 5}]})  # fmt: skip
    api.fail("/stats", THROTTLED, **{"x-business-use-case-usage": usage})
    with client_of(api, fake_time) as client, pytest.raises(GraphError) as caught:
        client.get(f"{PIXEL}/stats")
    assert caught.value.code == 80004
    assert len(api.received) == 1


def test_usage_headers_slow_the_next_call(api: GraphApi, fake_time: FakeTime) -> None:
    api.usage = {"x-app-usage": dumps({"call_count": 90, "total_cputime": 10, "total_time": 5})}
    with client_of(api, fake_time) as client:
        client.get(PIXEL)
        assert fake_time.slept == []
        client.get(PIXEL)
    assert fake_time.slept == [pytest.approx(3.0)]  # 90 % of the quota: 3 s before the call


def test_unreachable_graph_is_a_transient_error_without_the_url(fake_time: FakeTime) -> None:
    url = closed_port_url()
    client = client_of(GraphApi(url=url), fake_time)
    client.base = url
    with client, pytest.raises(GraphError) as caught:
        client.get(PIXEL, {"fields": "id"})
    assert "cannot reach the Graph API (ConnectError)" in caught.value.message
    assert url.rsplit(":", 1)[0] not in caught.value.render()
    assert fake_time.slept == [1.0, 2.0]


def test_paging_is_bounded(api: GraphApi, fake_time: FakeTime) -> None:
    api.endless_pages = True
    with client_of(api, fake_time) as client:
        answer = client.get(f"{PIXEL}/stats")
    assert answer.pages == MAX_PAGES == len(api.received)


def test_a_next_link_to_another_host_is_sent_to_our_base(
    api: GraphApi, fake_time: FakeTime
) -> None:
    client = client_of(api, fake_time)
    api.url = "https://elsewhere.example"  # the stand-in's next links now name another host
    with client:
        assert client.get(f"{PIXEL}/stats").pages == 2
    assert len(api.received) == 2  # both pages came to the stand-in, with our header


def test_per_fire_denials_are_recorded_and_the_source_stays_ok(
    api: GraphApi, fake_time: FakeTime
) -> None:
    api.fail("/raw_fires", DENIED)
    with client_of(api, fake_time) as client:
        outcome = GraphReader(client, fake_time.clock).run(
            plan(["fires"], [PIXEL], ["Purchase", "Lead"])
        )
    assert outcome.error is None
    assert outcome.source().status == "ok"
    assert [r.error is None for r in outcome.records] == [True, False, True]
    assert outcome.records[1].error is not None
    assert outcome.records[1].error.startswith("not allowed: ")
    assert outcome.records[1].params == {"event": "Lead"}
    assert outcome.records[1].body is not None
    assert "error" in outcome.records[1].body


def test_a_failed_read_makes_the_source_error_and_keeps_the_other_records(
    api: GraphApi, fake_time: FakeTime
) -> None:
    api.fail("/da_checks", DENIED)
    with client_of(api, fake_time) as client:
        outcome = GraphReader(client, fake_time.clock).run(plan(AUDIT_READS, [PIXEL]))
    source = outcome.source()
    assert source.status == "error"
    assert source.items == 6
    assert source.error is not None
    assert "(#10) Application does not have permission" in source.error
    assert sum(r.error is None for r in outcome.records) == 5


def test_an_invalid_token_stops_the_reads(api: GraphApi, fake_time: FakeTime) -> None:
    api.token = "another-token"
    with client_of(api, fake_time) as client:
        outcome = GraphReader(client, fake_time.clock).run(plan(AUDIT_READS, [PIXEL]))
    assert len(outcome.records) == 1
    assert outcome.records[0].status == 401
    assert outcome.error is not None
    assert "code 190" in outcome.error


def test_no_secret_in_records_answers_or_errors(
    fake_time: FakeTime, secret_scan: SecretScan
) -> None:
    texts: list[str] = []
    with graph_api(app_secret=APP_SECRET) as api:
        leaky: dict[str, object] = {
            "error": {"code": 100, "message": f"bad token {TOKEN} in access_token={TOKEN}"}
        }
        api.fail("/da_checks", (400, leaky))
        with client_of(api, fake_time, app_secret=APP_SECRET) as client:
            outcome = GraphReader(client, fake_time.clock).run(plan(AUDIT_READS, [PIXEL]))
            try:
                client.get(f"{PIXEL}/da_checks")
            except GraphError as exc:  # pragma: no cover - the stand-in answers normally now
                texts.append(exc.render())
            secrets = client.secrets
    texts += [dumps([r.path, dict(r.params), r.body, r.error]) for r in outcome.records]
    texts.append(str(outcome.error))
    assert "<redacted:secret>" in str(outcome.error)
    secret_scan([*SECRETS, *secrets], texts=texts)
