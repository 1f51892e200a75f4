"""The evidence journal: incremental, truncation-tolerant, atomic, 0600, schema-valid, no tokens."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import stat
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pixelproof.errors import InputError
from pixelproof.evidence import model
from pixelproof.evidence.model import (
    RECORD_TYPES,
    BrowserHit,
    ConsentRecord,
    ConsoleRecord,
    CookiesRecord,
    FbqCallRecord,
    GraphRecord,
    IdentityRecord,
    JourneyRecord,
    PageErrorRecord,
    RunEndRecord,
    RunInfo,
    ScriptLoadRecord,
    ServerBatch,
    SourceRecord,
    StepRecord,
)
from pixelproof.evidence.store import EvidenceWriter, load_evidence
from tests.conftest import SecretScan

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "schema" / "evidence.schema.json").read_text())
TOKEN = "EAAtopSECRETtoken987654321"
RUN = RunInfo(
    started_at="2026-11-29T12:00:00.000Z",
    started=1.0,
    options={"workers": 1},
    map_path="event_maps/shop.yaml",
    tool_version="0.1",
)


def one_of_each() -> list[model.Record]:
    return [
        BrowserHit(
            time=2.0,
            url=f"https://graph.facebook.com/v25.0/1/events?access_token={TOKEN}&x=1",
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Authorization": f"Bearer {TOKEN}",
                "Cookie": "_fbp=fb.1.2.3; session=abc; _fbc=fb.1.2.x",
            },
            body=f"data=%5B%5D&access_token={TOKEN}",
        ),
        ServerBatch(
            time=3.0,
            content_type="application/json",
            body=json.dumps({"data": [], "access_token": TOKEN}),
            path=f"/v25.0/1/events?access_token={TOKEN}",
            response={"status": 200, "body": "{}"},
        ),
        JourneyRecord(name="purchase", started=1.0, ended=9.0),
        StepRecord(journey="purchase", index=1, key="open", action="open /", started=1.0),
        ConsentRecord(journey="purchase", state="granted", time=1.5),
        CookiesRecord(journey="purchase", cookies=({"name": "_fbp", "value": "fb.1.2.3"},)),
        PageErrorRecord(journey="purchase", message="boom"),
        ConsoleRecord(journey="purchase", text="hello", level="warning"),
        ScriptLoadRecord(url="https://connect.facebook.net/en_US/fbevents.js", status=200),
        FbqCallRecord(
            journey="purchase", args=("track", "Purchase", {"value": 1}, {"eventID": "o1"})
        ),
        IdentityRecord(journey="purchase", ua_tag="pixelproof/abc", persona={"email": "a@b.c"}),
        GraphRecord(
            path="/v25.0/1/stats?access_token=" + TOKEN,
            params={"access_token": TOKEN, "fields": "x"},
            status=200,
            body={"data": []},
        ),
        SourceRecord(name="browser", items=2),
    ]


def test_every_kind_round_trips_and_validates(tmp_path: Path, secret_scan: SecretScan) -> None:
    with EvidenceWriter(tmp_path / "run", RUN) as writer:
        written = [writer.write(r) for r in one_of_each()]
    path = tmp_path / "run" / "evidence.jsonl"
    assert not (tmp_path / "run" / "evidence.jsonl.part").exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "run").stat().st_mode) == 0o700
    validator = jsonschema.Draft202012Validator(SCHEMA)
    lines = path.read_text().splitlines()
    for line in lines:
        validator.validate(json.loads(line))
    evidence = load_evidence(path)
    assert evidence.complete
    assert evidence.problems == ()
    assert evidence.run == RUN
    assert list(evidence.records[:-1]) == written
    assert {r.KIND for r in evidence.records} == {t.KIND for t in RECORD_TYPES}
    assert [r.seq for r in evidence.records] == list(range(1, len(lines)))
    secret_scan([TOKEN], paths=[tmp_path])
    hit = evidence.of(BrowserHit)[0]
    assert hit.headers == {
        "content-type": "application/x-www-form-urlencoded",
        "cookie": "_fbp=fb.1.2.3; _fbc=fb.1.2.x",
    }
    assert hit.url.endswith("/events?x=1")
    assert evidence.of(ServerBatch)[0].token_fp is not None


def test_records_are_on_disk_while_the_run_goes_and_a_kill_keeps_them(tmp_path: Path) -> None:
    writer = EvidenceWriter(tmp_path, RUN)
    writer.write(BrowserHit(url="https://www.facebook.com/tr/?id=1&ev=PageView"))
    part = writer.abandon()
    with part.open("ab") as handle:  # a kill in the middle of the next line
        handle.write(b'{"kind": "browser_request", "seq": 2, "url": "https://www.fa')
    evidence = load_evidence(part)
    assert not evidence.complete
    assert len(evidence.records) == 1
    assert any("truncated" in p for p in evidence.problems)
    assert any("partial evidence" in p for p in evidence.problems)


def test_a_failing_run_is_finalised_with_its_reason(tmp_path: Path) -> None:
    def run() -> None:
        with EvidenceWriter(tmp_path, RUN) as writer:
            writer.write(SourceRecord(name="sink"))
            raise RuntimeError("sink died")

    with pytest.raises(RuntimeError):
        run()
    evidence = load_evidence(tmp_path / "evidence.jsonl")
    end = evidence.of(RunEndRecord)[0]
    assert end.status == "failed"
    assert "sink died" in (end.error or "")


def test_bad_lines_are_problems_and_not_a_journal_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    header = json.dumps({"schema": "pixelproof.evidence/1", "run": {"map_path": 3}})
    path.write_text(
        header + '\nnot json\n[1]\n{"kind": "future_kind", "seq": 1}\n'
        '{"kind": "step", "seq": 2, "index": "one"}\n'
    )
    evidence = load_evidence(path)
    assert len(evidence.records) == 1
    assert evidence.records[0] == StepRecord(seq=2)
    assert len(evidence.problems) == 5
    for text in ("", "garbage\n", '{"schema": "other"}\n', "[]\n"):
        path.write_text(text)
        with pytest.raises(InputError):
            load_evidence(path)
    with pytest.raises(InputError):
        load_evidence(tmp_path / "missing.jsonl")


def test_schema_has_every_kind_and_field() -> None:
    defs = SCHEMA["$defs"]
    for cls in RECORD_TYPES:
        fields = {f.name for f in dataclasses.fields(cls)} | {"kind"}
        assert set(defs[cls.KIND]["properties"]) == fields, cls.KIND
    assert set(defs["header"]["properties"]["run"]["properties"]) == {
        f.name for f in dataclasses.fields(RunInfo)
    }
    assert len(defs) == len(RECORD_TYPES) + 1


@given(st.binary(max_size=500))
def test_reading_any_bytes_is_evidence_or_an_input_error(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "e.jsonl"
        path.write_bytes(b'{"schema": "pixelproof.evidence/1", "run": {}}\n' + data)
        evidence = load_evidence(path)
        assert isinstance(evidence.records, tuple)
        path.write_bytes(data)
        with contextlib.suppress(InputError):
            load_evidence(path)
