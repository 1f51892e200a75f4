"""meta/capi.py: decoding every encoding, Meta's batch verdicts, the one validator, redaction."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pixelproof.meta.capi import (
    CapiRequest,
    decode_request,
    judge_request,
    parse_path,
    redact_body,
    redact_token_fields,
    token_fp,
    validate_event,
)
from tests.conftest import SecretScan

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "capi"
NOW = 1_795_992_600.0
EVENT = {
    "event_name": "Purchase",
    "event_time": 1_795_992_600,
    "event_id": "order-42",
    "action_source": "website",
    "event_source_url": "https://shop.example/thanks",
    "user_data": {"em": "a" * 64, "client_user_agent": "UA"},
    "custom_data": {"currency": "USD", "value": 19.98},
}
TOKEN = "EAAsecretTOKENvalue1234567890"


def _lines(name: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in (FIXTURES / name).read_text().splitlines()]


def test_official_sdk_bodies_decode_as_json_strings_in_a_form() -> None:
    lines = _lines("sdk-python.jsonl")
    decoded = [decode_request(str(x["body"]).encode(), str(x["content_type"])) for x in lines]
    assert [len(r.events) for r in decoded] == [1, 2]
    assert decoded[0].events[0]["event_name"] == "Purchase"
    assert decoded[1].test_event_code == "TEST12345"
    assert decoded[1].partner_agent == "pixelproof-fixture-1.0"
    assert all(not r.problems and r.data_present for r in decoded)
    assert all(judge_request(r, now=NOW) is None for r in decoded)


def test_hand_rolled_clients_every_encoding_gives_the_same_event() -> None:
    for line in _lines("hand-rolled.jsonl"):
        req = decode_request(str(line["body"]).encode(), str(line["content_type"]))
        assert req.problems == ()
        assert [e["event_id"] for e in req.events] == ["order-42"]


@pytest.mark.parametrize(
    ("body", "ctype"),
    [
        (orjson.dumps({"data": [EVENT]}), "application/json"),
        (orjson.dumps({"data": orjson.dumps([EVENT]).decode()}), "application/json"),
        (orjson.dumps({"data": [orjson.dumps(EVENT).decode()]}), None),
        (b"data=" + quote(orjson.dumps([EVENT]).decode()).encode(), None),
        (b"data=" + quote(orjson.dumps([EVENT]).decode()).encode(), "text/plain"),
    ],
)
def test_data_in_every_shape(body: bytes, ctype: str | None) -> None:
    req = decode_request(body, ctype)
    assert req.events == (EVENT,)
    assert req.problems == ()


def test_query_supplies_token_and_code_but_the_body_wins() -> None:
    body = orjson.dumps({"data": [EVENT], "test_event_code": "BODY"})
    req = decode_request(body, "application/json", {"access_token": "x", "test_event_code": "Q"})
    assert req.has_token
    assert req.test_event_code == "BODY"


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"", "not valid JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (b'{"data": "nope"}', "data is not valid JSON"),
        (b'{"data": {"event_name": "x"}}', "must be a list"),
        (b'{"data": [1, "{bad"]}', "data[0] is not an event object"),
    ],
)
def test_undecodable_parts_are_described(body: bytes, why: str) -> None:
    req = decode_request(body, "application/json")
    assert any(why in p for p in req.problems), req.problems
    rejection = judge_request(req, now=NOW)
    assert rejection is not None
    assert rejection.code == 100


def test_multipart_with_garbage_is_a_problem_not_a_crash() -> None:
    req = decode_request(b"--x\r\nnonsense", "multipart/form-data; boundary=x")
    assert not req.events
    assert decode_request(b"a", "multipart/form-data").problems


def test_judge_missing_data_too_many_too_old_too_big() -> None:
    assert judge_request(decode_request(b"{}", None), now=NOW).code == 100  # type: ignore[union-attr]
    many = decode_request(orjson.dumps({"data": [EVENT] * 1001}), None)
    assert judge_request(many, now=NOW) == judge_request(many, now=NOW)
    rejection = judge_request(many, now=NOW)
    assert rejection is not None
    assert rejection.subcode is None
    assert "1000" in rejection.message
    old = dict(EVENT, event_time=int(NOW) - 7 * 86400 - 1)
    rejection = judge_request(decode_request(orjson.dumps({"data": [EVENT, old]}), None), now=NOW)
    assert rejection is not None
    assert (rejection.http, rejection.code, rejection.subcode) == (
        400,
        100,
        2804003,
    )
    ok = decode_request(orjson.dumps({"data": [EVENT]}), None)
    assert judge_request(ok, now=NOW, body_size=10 * 1024 * 1024 + 1) is not None
    assert judge_request(ok, now=NOW) is None


def test_strict_rejects_what_meta_accepts_but_documents_wrong() -> None:
    no_ua = dict(EVENT, user_data={"em": "a" * 64})
    req = decode_request(orjson.dumps({"data": [no_ua]}), None)
    assert judge_request(req, now=NOW) is None
    rejection = judge_request(req, now=NOW, strict=True)
    assert rejection is not None
    assert "client_user_agent" in rejection.message


def test_validate_event_lists_every_problem() -> None:
    assert validate_event(EVENT) == ()
    problems = validate_event({"event_time": "1795992600000", "action_source": "website"})
    text = " | ".join(problems)
    for part in ("event_name", "string", "milliseconds", "event_source_url", "user_data"):
        assert part in text
    assert validate_event([]) == ("event is not an object",)
    assert "not one of Meta's values" in " ".join(validate_event(dict(EVENT, action_source="web")))


def test_path_gives_version_and_dataset() -> None:
    assert parse_path("/v25.0/123/events?access_token=x") == ("v25.0", "123")
    assert parse_path("/t/tok/v19.0/9/events") == ("v19.0", "9")
    assert parse_path("/somewhere") == (None, None)
    assert parse_path(None) == (None, None)


@pytest.mark.parametrize(
    ("body", "ctype"),
    [
        (
            f"data=%5B%5D&access_token={TOKEN}&appsecret_proof=abc123".encode(),
            "application/x-www-form-urlencoded",
        ),
        (orjson.dumps({"data": [], "access_token": TOKEN}), "application/json"),
        (
            (
                f'--B\r\nContent-Disposition: form-data; name="access_token"\r\n\r\n{TOKEN}\r\n'
                '--B\r\nContent-Disposition: form-data; name="data"\r\n\r\n[]\r\n--B--\r\n'
            ).encode(),
            "multipart/form-data; boundary=B",
        ),
        (f'{{"access_token": "{TOKEN}", broken'.encode(), "application/json"),
    ],
)
def test_redaction_keeps_a_fingerprint_never_the_token(
    body: bytes, ctype: str, secret_scan: SecretScan, tmp_path: Path
) -> None:
    clean, fp = redact_body(body, ctype)
    assert fp == token_fp(TOKEN)
    secret_scan([TOKEN], texts=[clean.decode("utf-8", "replace")])
    kept, fp2 = redact_token_fields({"access_token": TOKEN, "data": []})
    assert kept == {"data": []}
    assert fp2 == fp


@given(
    st.binary(max_size=2000),
    st.sampled_from(
        [
            None,
            "application/json",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz",
            "multipart/form-data",
        ]
    ),
)
def test_decode_and_judge_are_total(body: bytes, ctype: str | None) -> None:
    req = decode_request(body, ctype)
    assert isinstance(req, CapiRequest)
    rejection = judge_request(req, now=NOW, strict=True, body_size=len(body))
    assert (rejection is None) == (
        not req.problems and bool(req.events) and all(not validate_event(e) for e in req.events)
    )
    redact_body(body, ctype)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(
    st.dictionaries(
        st.sampled_from(["data", "test_event_code", "partner_agent", "access_token", "x"]),
        json_values,
    )
)
def test_arbitrary_json_bodies_decode_with_reasons(body: dict[str, object]) -> None:
    req = decode_request(orjson.dumps(body), "application/json")
    assert req.data_present == ("data" in body)
    if "data" in body and not req.problems:
        assert isinstance(body["data"], list | str)


@given(json_values)
def test_validate_event_is_total(event: object) -> None:
    assert isinstance(validate_event(event), tuple)
