"""The scenario shop end to end: a recorded HAR + CAPI log with planted defects → a golden result.

Evidence: fixtures/scenario/ (recorded by fixtures/scripts/record_scenario.py; see
fixtures/README.md). One visitor, journey-less offline pairing (scoped by `fbp`). The map is
production-kind, so the planted `test_event_code` is OP001. Paths are relative to the repo root
(the command runs there) so the golden bytes are the same on every clone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import Golden, SecretScan

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "schema/result.schema.json").read_text())
NOW = "2026-11-30T01:00:00Z"  # after every capture time in the fixture
COMMAND = (
    "check",
    "fixtures/scenario/shop.yaml",
    "--har",
    "fixtures/scenario/shop.har",
    "--capi-log",
    "fixtures/scenario/capi.jsonl",
    "--now",
    NOW,
    "--report",
    "json",
    "-q",
)
# code → (Meta event name, source of the finding) for each planted defect
PLANTED = {
    "DD002": ("InitiateCheckout", "both"),  # browser and server mint their own IDs
    "EV003": ("Purchase", "both"),  # the server says `purchase`
    "PA004": ("Purchase", "server"),  # the reorder's server Purchase has no currency
    "PR001": ("CompleteRegistration", "server"),  # raw `em` from a hand-rolled client
    "OP001": ("Subscribe", "server"),  # test_event_code in a production batch
    "DD003": ("Lead", "browser"),  # two tags send the newsletter Lead, two IDs
}
CORRECT = ("PageView", "ViewContent", "AddToCart")
RANK = {"info": 0, "warning": 1, "error": 2}


def run_check(seed: str = "0") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("META_", "PIXELPROOF_"))} | {
        "PYTHONHASHSEED": seed,
        "COLUMNS": "120",
    }
    return subprocess.run(
        [sys.executable, "-m", "pixelproof", *COMMAND],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )


@pytest.fixture(scope="module")
def done() -> subprocess.CompletedProcess[str]:
    return run_check()


@pytest.fixture(scope="module")
def result(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_result_matches_its_golden(done: subprocess.CompletedProcess[str], golden: Golden) -> None:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    golden("scenario/result.json", done.stdout)


def test_result_is_schema_valid_and_failing(result: dict[str, Any]) -> None:
    jsonschema.validate(result, SCHEMA)
    assert (result["status"], result["exit_code"], result["complete"]) == ("fail", 1, True)
    assert result["map"]["path"] == "fixtures/scenario/shop.yaml"
    assert result["map"]["environment"] == "production"
    assert {s["name"]: s["status"] for s in result["sources"]} == {"har": "ok", "capi_log": "ok"}


def test_each_planted_defect_is_reported_once_by_code_and_meta_name(
    result: dict[str, Any],
) -> None:
    found = [f for f in result["findings"] if f["severity"] != "info"]
    assert sorted(f["code"] for f in found) == sorted(PLANTED)
    refs = {e["ref"]: e for e in result["events"]}
    for finding in found:
        name, source = PLANTED[finding["code"]]
        assert finding["event"] == name, finding
        assert finding["severity"] == "error", finding
        sides = {refs[r]["source"] for r in finding["refs"]}
        assert sides == ({"browser", "server"} if source == "both" else {source}), finding


def test_planted_defects_details(result: dict[str, Any]) -> None:
    by_code = {f["code"]: f for f in result["findings"]}
    pairs = {(p["name"], p["browser_event_id"]): p for p in result["pairs"]}
    checkout = pairs[("InitiateCheckout", "ic-theme-5a1")]
    assert (checkout["status"], checkout["server_event_id"]) == ("id-mismatch", "ic-srv-77e0")
    renamed = pairs[("Purchase", "SO-1001")]
    assert (renamed["status"], renamed["server_name"]) == ("name-mismatch", "purchase")
    assert by_code["PA004"]["subject"] == "value/currency"
    assert by_code["PR001"]["subject"] == "em"
    assert by_code["OP001"]["subject"] == "test_event_code"
    leads = sorted(e["event_id"] for e in result["events"] if e["ref"] in by_code["DD003"]["refs"])
    assert leads == ["lead-gtm-9d2", "lead-theme-3f1"]


def test_correct_actions_pair_and_raise_nothing_above_info(result: dict[str, Any]) -> None:
    pairs = [p for p in result["pairs"] if p["name"] in CORRECT]
    assert {p["status"] for p in pairs if p["name"] != "PageView"} == {"deduplicated"}
    assert len([p for p in pairs if p["status"] == "deduplicated"]) == 4  # 2 × ViewContent, ATC
    assert {p["status"] for p in pairs if p["name"] == "PageView"} == {"browser-only"}
    for p in pairs:
        assert p["server"] is None or p["server_event_id"] == p["browser_event_id"]
    correct_refs = {r for p in pairs for r in (p["browser"], p["server"]) if r}
    loud = [
        f
        for f in result["findings"]
        if RANK[f["severity"]] > RANK["info"]
        and (f["event"] in CORRECT or correct_refs & set(f["refs"]))
    ]
    assert loud == []
    registration = next(p for p in result["pairs"] if p["name"] == "CompleteRegistration")
    assert registration["status"] == "deduplicated"  # only its payload (PR001) is wrong


def test_server_events_were_captured_after_their_event_time(result: dict[str, Any]) -> None:
    server = [e for e in result["events"] if e["source"] == "server"]
    assert len(server) == 9
    for event in server:
        captured = datetime.fromisoformat(event["time"].replace("Z", "+00:00")).timestamp()
        assert event["event_time"] <= captured < event["event_time"] + 5, event["ref"]
    assert max(e["time"] for e in result["events"]) < NOW


def test_the_long_purchase_left_as_a_form_post(result: dict[str, Any]) -> None:
    long = next(
        e for e in result["events"] if e["event_id"] == "SO-1002" and e["source"] == "browser"
    )
    assert long["transport"] == "form_post"
    assert len(long["custom_data"]["contents"]) == 40


def test_no_raw_email_or_token_in_the_result(
    done: subprocess.CompletedProcess[str], secret_scan: SecretScan
) -> None:
    secret_scan(["jane@example.com", "EAAscenario"], texts=[done.stdout, done.stderr])
    for name in ("shop.har", "capi.jsonl"):
        text = (ROOT / "fixtures/scenario" / name).read_text()
        assert "access_token" not in text
        assert "appsecret_proof" not in text


def test_same_bytes_under_another_hash_seed(done: subprocess.CompletedProcess[str]) -> None:
    assert run_check(seed="4242").stdout == done.stdout
