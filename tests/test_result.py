"""The result model: truth table, JSON round trip, schema, deterministic bytes, redaction."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from pixelproof.errors import ExitCode, InputError
from pixelproof.redact import Redactor
from pixelproof.result import Baseline, FailOn, RunStatus, Severity
from pixelproof.result_json import dumps, loads
from tests.factories import event_record, finding, result

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "schema/result.schema.json").read_text())


@pytest.mark.parametrize(
    ("kwargs", "findings", "code", "status", "complete"),
    [
        ({}, (), ExitCode.OK, RunStatus.PASS, True),
        ({}, (finding(),), ExitCode.FINDINGS, RunStatus.FAIL, True),
        ({}, (finding(severity=Severity.WARNING),), ExitCode.OK, RunStatus.PASS, True),
        (
            {"fail_on": FailOn.WARNING},
            (finding(severity=Severity.WARNING),),
            ExitCode.FINDINGS,
            RunStatus.FAIL,
            True,
        ),
        (
            {"fail_on": FailOn.WARNING},
            (finding(severity=Severity.INFO),),
            ExitCode.OK,
            RunStatus.PASS,
            True,
        ),
        ({"fail_on": FailOn.NEVER}, (finding(),), ExitCode.OK, RunStatus.PASS, True),
        ({}, (finding(baseline=Baseline.KNOWN),), ExitCode.OK, RunStatus.PASS, True),
        ({}, (finding(baseline=Baseline.IGNORED),), ExitCode.OK, RunStatus.PASS, True),
        (
            {"incomplete": ("journey purchase errored",)},
            (),
            ExitCode.INCOMPLETE,
            RunStatus.INCOMPLETE,
            False,
        ),
        (
            {"incomplete": ("sink: port taken",)},
            (finding(),),
            ExitCode.FINDINGS,
            RunStatus.FAIL,
            False,
        ),
        ({"unobserved": "Shopify app"}, (), ExitCode.INCOMPLETE, RunStatus.INCOMPLETE, False),
        (
            {"unobserved": "Shopify app", "allow_unobserved": True},
            (),
            ExitCode.OK,
            RunStatus.PASS,
            False,
        ),
        (
            {"unobserved": "x", "allow_unobserved": True, "incomplete": ("graph failed",)},
            (),
            ExitCode.INCOMPLETE,
            RunStatus.INCOMPLETE,
            False,
        ),
        ({"interrupted": True}, (finding(),), ExitCode.INTERRUPTED, RunStatus.INCOMPLETE, False),
    ],
)
def test_truth_table(kwargs, findings, code, status, complete) -> None:  # type: ignore[no-untyped-def]
    r = result(*findings, **kwargs)
    assert (r.exit_code, r.status, r.complete) == (code, status, complete)


def test_summary_counts_only_new_findings() -> None:
    r = result(
        finding(fp="a"),
        finding(severity=Severity.WARNING, fp="b"),
        finding(baseline=Baseline.KNOWN, fp="c"),
        finding(baseline=Baseline.IGNORED, fp="d"),
        finding(severity=Severity.INFO, fp="e"),
    )
    s = r.summary
    assert (s.error, s.warning, s.info, s.known) == (1, 1, 1, 2)


def test_findings_sorted_by_severity_then_code() -> None:
    r = result(
        finding("PA001", Severity.WARNING, fp="x"),
        finding("DD002", fp="y"),
        finding("DD001", fp="z", journey=None),
        finding("DD001", fp="w"),
    )
    assert [(f.code, f.fingerprint) for f in r.findings] == [
        ("DD001", "w"),
        ("DD001", "z"),
        ("DD002", "y"),
        ("PA001", "x"),
    ]


def test_round_trip_and_schema() -> None:
    r = result(finding(), events=(event_record("b2"), event_record("s1")))
    data = dumps(r)
    jsonschema.validate(json.loads(data), SCHEMA)
    again = loads(data)
    assert again == r
    assert dumps(again) == data


def test_committed_schema_matches_shared_contract() -> None:
    shared = ROOT.parent / "shared/contracts/result.schema.json"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout (plain clone)")
    assert json.loads(shared.read_text()) == SCHEMA


def test_loads_rejects_non_results() -> None:
    with pytest.raises(InputError, match="not JSON"):
        loads(b"{nope")
    with pytest.raises(InputError, match=r"not a pixelproof\.result/1"):
        loads(b'{"schema": "something/1"}')


_BYTES_SCRIPT = """
import sys
from tests.factories import event_record, finding, result
from pixelproof.result_json import dumps
r = result(finding(fp="b"), finding(fp="a"), events=(event_record("b10"), event_record("b9")))
sys.stdout.buffer.write(dumps(r))
"""


def test_bytes_do_not_depend_on_hash_seed() -> None:
    outputs = []
    for seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _BYTES_SCRIPT],
            cwd=ROOT,
            env=env,
            capture_output=True,
            check=True,
            timeout=60,
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])["events"][0]["ref"] == "b9"


def test_redaction_replaces_pii_keeps_hashes_and_always_scrubs_secrets() -> None:
    digest = "a" * 64
    r = result(finding(), events=(event_record(),))
    ev = r.events[0]
    from dataclasses import replace

    ev = replace(
        ev,
        url="https://shop.test/?email=jane%2B1%40example.com&t=EAAB-secret-token",
        excerpt=f"ud[em]={digest}&cd[note]=call +16505550101 or bob@corp.test",
    )
    r = replace(r, events=(ev,))
    redactor = Redactor(
        pii={"email": "jane+1@example.com", "phone": "+16505550101"},
        secrets=("EAAB-secret-token",),
    )
    out = redactor.result(r).events[0]
    assert out.url == "https://shop.test/?email=<redacted:email>&t=<redacted:secret>"
    assert out.excerpt == f"ud[em]={digest}&cd[note]=call <redacted:phone> or <redacted:email>"
    kept = (
        Redactor(pii={"email": "jane+1@example.com"}, secrets=("EAAB-secret-token",), keep_pii=True)
        .result(r)
        .events[0]
    )
    assert kept.url is not None
    assert "jane%2B1%40example.com" in kept.url
    assert "EAAB-secret-token" not in kept.url
