"""`pixelproof audit` on the local shop: evidence, verdict, determinism, capture, fbq trap."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from pixelproof.evidence.model import (
    BrowserHit,
    FbqCallRecord,
    IdentityRecord,
    JourneyRecord,
    ScriptLoadRecord,
    ServerBatch,
    SourceRecord,
    StepRecord,
)
from pixelproof.evidence.store import load_evidence
from tests.live.conftest import Live

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
EVIDENCE_SCHEMA = json.loads((ROOT / "schema" / "evidence.schema.json").read_text())
RESULT_SCHEMA = json.loads((ROOT / "schema" / "result.schema.json").read_text())
Audited = tuple[Live, Path, subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def audited(live_module: Live) -> Audited:
    live_module.write_map()
    out = live_module.folder / "run"
    done = live_module.run("audit", "map.yaml", "--out", out, "--report", "json=copy.json")
    return live_module, out, done


def test_audit_passes_with_the_purchase_deduplicated(audited: Audited) -> None:
    live, out, done = audited
    assert done.returncode == 0, done.stderr
    result = json.loads((out / "result.json").read_text())
    jsonschema.Draft202012Validator(RESULT_SCHEMA).validate(result)
    assert result["status"] == "pass"
    assert result["complete"] is True
    purchase = [p for p in result["pairs"] if p["name"] == "Purchase"]
    assert [p["status"] for p in purchase] == ["deduplicated"]
    assert [p["order"] for p in purchase] == ["browser-first"]
    assert live.shop.posted
    assert not live.shop.errors
    assert [j["status"] for j in result["journeys"]] == ["pass"]


def test_gathered_evidence_is_schema_valid_and_complete(audited: Audited) -> None:
    _, out, _ = audited
    path = out / "evidence.jsonl"
    validator = jsonschema.Draft202012Validator(EVIDENCE_SCHEMA)
    for line in path.read_text().splitlines():
        validator.validate(json.loads(line))
    ev = load_evidence(path)
    assert ev.complete
    assert not ev.problems
    hits = ev.of(BrowserHit)
    assert {h.journey for h in hits} == {"purchase"}
    assert any("ev=Purchase" in h.url and h.step == 2 for h in hits)
    assert any("ev=PageView" in h.url and h.step == 0 for h in hits)
    steps = ev.of(StepRecord)
    assert [s.key for s in steps] == [
        "goto /shop.html#1",
        "expect PageView#1",
        "buy",
        "expect Purchase#1",
    ]
    assert {s.status for s in steps} == {"pass"}
    (batch,) = ev.of(ServerBatch)
    assert batch.source == "sink"
    assert "access_token" not in (batch.path or "")
    (identity,) = ev.of(IdentityRecord)
    assert (identity.ua_tag or "").startswith("pixelproof/")
    assert (identity.user_agent or "").endswith(identity.ua_tag or "?")
    assert (identity.fbp or "").startswith("fb.")
    assert ev.of(FbqCallRecord)
    sources = {s.name: s.status for s in ev.of(SourceRecord)}
    assert sources == {"browser": "ok", "sink": "ok", "graph": "skipped"}
    (journey,) = ev.of(JourneyRecord)
    assert ev.run.started is not None
    assert journey.started is not None
    assert journey.ended is not None
    assert ev.run.started <= journey.started
    assert all(journey.started <= (h.time or 0) <= journey.ended for h in hits)
    assert all(journey.started <= (s.started or 0) <= journey.ended for s in steps)


def test_check_reproduces_audits_result_byte_for_byte(audited: Audited) -> None:
    live, out, _ = audited
    again = live.folder / "again"
    done = live.run("check", "map.yaml", "--evidence", out / "evidence.jsonl", "--out", again, "-q")
    assert done.returncode == 0, done.stderr
    assert (again / "result.json").read_bytes() == (out / "result.json").read_bytes()
    assert (live.folder / "copy.json").read_bytes() == (out / "result.json").read_bytes()


def test_pixel_hits_are_answered_locally_and_nothing_leaves(audited: Audited) -> None:
    # www.facebook.com is unresolvable here: a 200 can only come from pixelproof's own route
    _, out, _ = audited
    ev = load_evidence(out / "evidence.jsonl")
    hits = [h for h in ev.of(BrowserHit) if "/tr" in h.url]
    assert len(hits) >= 2
    assert {h.status for h in hits} == {200}
    assert all(h.url.startswith("https://www.facebook.com/tr/") for h in hits)


def test_fbq_trap_records_calls_and_keeps_the_pixel_working(audited: Audited) -> None:
    _, out, _ = audited
    ev = load_evidence(out / "evidence.jsonl")
    calls = ev.of(FbqCallRecord)
    assert [c.args[:2] for c in calls[:2]] == [("init", "111111111111111"), ("track", "PageView")]
    (purchase,) = [c for c in calls if c.args[:2] == ("track", "Purchase")]
    options = purchase.args[3]
    assert isinstance(options, dict)
    event_id = str(options["eventID"])
    assert event_id.startswith("order-")
    assert "/shop.html:" in (purchase.script or "")
    assert purchase.step == 2
    (load,) = ev.of(ScriptLoadRecord)
    assert load.url == "https://connect.facebook.net/en_US/fbevents.js"
    assert load.status == 200
    hit = next(h for h in ev.of(BrowserHit) if "ev=Purchase" in h.url)
    assert f"eid={event_id}" in hit.url
    # one page load: every call, the script load and the hits share one document id
    documents = {c.document for c in calls} | {load.document, hit.document}
    assert len(documents) == 1
    assert None not in documents
