"""A reviewer's offline check: Meta's real 2.9.252 wire in a Chrome DevTools HAR + CAPI logs.

Evidence: fixtures/qa/ (fixtures/scripts/record_qa.py; fixtures/README.md "qa/"). The HAR wraps
the real capture's requests byte for byte (Chrome's raw `queryString`, `postData.text` +
`params`, a `sendBeacon` multipart POST); the CAPI logs come from the official SDK and a
hand-rolled backend, one of them a raw log still holding the (fake) access token and
`appsecret_proof`. The map names its logs, so `check` is given only the HAR.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-11-29T23:30:00Z"
TOKEN = "EAAqaFAKEtokenQA000000000000000000000000"  # fixtures/scripts/record_qa.py
SECRET = "qa-fake-app-secret-4711"
PROOF = hmac.new(SECRET.encode(), TOKEN.encode(), hashlib.sha256).hexdigest()
# (code, Meta event name(s) of its refs, source) for each planted defect
PLANTED = {
    ("DD002", ("Purchase",), "both"),  # order-44: the backend minted srv-order-44
    ("DD005", ("Purchase",), "browser"),  # order-43: eventID in fbq's 3rd argument (real wire)
    ("DD005", ("AddToCart",), "server"),  # custom_data.event_id
    ("DD001", ("AddToCart",), "browser"),  # the page passes no eventID at all
    ("EV003", ("Purchase", "purchase"), "both"),  # order-43 sent as `purchase`
    ("EV001", ("Purchase",), "browser"),  # order-45: server-only, the key declares browser
    ("PA004", ("Purchase",), "server"),  # order-45: value without currency
    ("PR001", ("Lead",), "server"),  # raw email
    ("PR002", ("StartTrial",), "server"),  # sha256("Jane@Example.com")
    ("PR007", ("Donate",), "server"),  # hashed fbp
    ("SE002", ("MyCustom",), "server"),  # milliseconds
    ("SE002", ("Subscribe",), "server"),  # 8 days old
    ("SE005", ("Contact",), "server"),  # fbc timestamp in seconds
    ("SE005", ("Search",), "server"),  # fbp timestamp in seconds
    ("OP001", ("Schedule",), "server"),  # test_event_code in production
    ("DD010", ("PageView",), "both"),  # server PageView for the hash route change
}
CORRECT = {"ViewContent", "CompleteRegistration", "Microdata", "SubscribedButtonClick"}
ARGS = ("--har", "fixtures/qa/shop-chrome.har", "--now", NOW)
RANK = {"info": 0, "warning": 1, "error": 2}


def run_check(*extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("META_", "PIXELPROOF_"))}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pixelproof",
            "check",
            "fixtures/qa/shop.yaml",
            "--har",
            "fixtures/qa/shop-chrome.har",
            "--now",
            NOW,
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env | {"COLUMNS": "120"},
    )


@pytest.fixture(scope="module")
def done(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("qa") / "run"
    return run_check("--report", "json", "-q", "--out", str(out)), out


@pytest.fixture(scope="module")
def result(done: tuple[subprocess.CompletedProcess[str], Path]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(done[0].stdout)
    return data


def _names(result: dict[str, Any], refs: list[str]) -> tuple[str, ...]:
    by_ref = {e["ref"]: e["name"] for e in result["events"]}
    return tuple(sorted({by_ref[r] for r in refs if r in by_ref}))


def test_the_maps_own_logs_are_read(result: dict[str, Any]) -> None:
    sources = {s["name"]: (s["status"], s["items"]) for s in result["sources"]}
    assert sources == {"har": ("ok", 13), "capi_log": ("ok", 17)}


def test_every_planted_defect_with_its_code_and_name(
    done: tuple[subprocess.CompletedProcess[str], Path], result: dict[str, Any]
) -> None:
    assert done[0].returncode == 1, done[0].stderr
    found = {
        (f["code"], _names(result, f["refs"]), f["source"])
        for f in result["findings"]
        if RANK[f["severity"]] > 0
    }
    assert found >= PLANTED
    # beyond the plants: only the real capture's own Lead (cd[value] without currency)
    assert found - PLANTED == {("PA004", ("Lead",), "browser"), ("PA004", ("Lead",), "server")}


def test_correct_actions_raise_nothing_above_info(result: dict[str, Any]) -> None:
    for f in result["findings"]:
        if RANK[f["severity"]] > 0:
            assert not set(_names(result, f["refs"])) & CORRECT, f
    flagged = {r for f in result["findings"] if RANK[f["severity"]] > 0 for r in f["refs"]}
    by_id = {e["event_id"]: e["ref"] for e in result["events"] if e["event_id"]}
    assert by_id["order-42"] not in flagged  # the SDK's correct Purchase and its browser twin
    assert not {"b1", "s1"} & flagged  # the landing PageView (fbp fallback, browser first)


def test_pairs_say_what_happened_to_each_action(result: dict[str, Any]) -> None:
    got = {
        (p["browser_event_id"] or p["server_event_id"] or p["name"], p["status"])
        for p in result["pairs"]
        if p["name"] in ("Purchase", "purchase", "AddToCart", "ViewContent", "MyCustom", "Lead")
    }
    assert got == {
        ("order-42", "deduplicated"),
        ("order-43", "name-mismatch"),
        ("order-44", "id-mismatch"),
        ("order-45", "server-only"),
        ("AddToCart", "id-missing"),
        ("ViewContent", "fallback-dedup"),
        ("MyCustom", "fallback-dedup"),
        ("Lead", "fallback-dedup"),
    }


def test_the_beacon_and_the_form_post_parse(result: dict[str, Any]) -> None:
    by_name = {(e["name"], e["transport"], e["trigger"], e["event_id"]) for e in result["events"]}
    assert ("SubscribedButtonClick", "beacon", "automatic", None) in by_name
    assert ("Purchase", "form_post", "explicit", "order-44") in by_name
    assert ("PageView", "get", "hash", None) in by_name


def test_no_token_anywhere(done: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    terminal = run_check("--report", "terminal", "--report", "markdown=/dev/null")
    assert terminal.returncode == 1, terminal.stderr
    assert "Traceback" not in terminal.stderr + done[0].stderr
    written = "".join(p.read_text() for p in done[1].rglob("*") if p.is_file())
    for text in (done[0].stdout, done[0].stderr, terminal.stdout, terminal.stderr, written):
        for secret in (TOKEN, SECRET, PROOF):
            assert secret not in text
    assert TOKEN in (ROOT / "fixtures/qa/capi-raw.jsonl").read_text()  # the input did hold it
