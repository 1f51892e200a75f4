"""Baselines and ignores, `diff`, `merge`, `report` targets."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from pixelproof.baseline import Ignore, baseline_bytes, classify, load_baseline
from pixelproof.diffing import diff_results
from pixelproof.errors import InputError, UsageError
from pixelproof.merging import merge_results
from pixelproof.report import Format
from pixelproof.report.targets import Target, parse_targets
from pixelproof.result import Baseline, Pair, Severity
from pixelproof.result_json import dumps
from tests.factories import NOW, event_record, finding, result

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "schema/result.schema.json").read_text())


def _pair(status: str, journey: str = "purchase") -> Pair:
    return Pair(
        journey=journey,
        step=3,
        pixel_id="111",
        name="Purchase",
        browser_name="Purchase",
        server_name="Purchase",
        browser="b1",
        server="s1",
        browser_event_id="o1",
        server_event_id="o1",
        status=status,
        basis="event_id",
        delay_s=1.0,
        order="browser-first",
        event_key="web_purchase",
    )


def test_classify_marks_ignored_known_and_new() -> None:
    findings = (finding("DD001", fp="a"), finding("EV002", fp="b"), finding("PA001", fp="c"))
    ignores = [
        Ignore(code="EV002", event="Purchase", until=date(2027, 1, 1)),
        Ignore(code="PA001", until=date(2026, 1, 1)),  # expired at the capture clock
    ]
    out = classify(findings, frozenset({"a"}), ignores, NOW)
    assert [f.baseline for f in out] == [Baseline.KNOWN, Baseline.IGNORED, Baseline.NEW]


def test_baseline_file_round_trip_and_result_accepted(tmp_path: Path) -> None:
    r = result(finding(fp="a"), finding(fp="b", baseline=Baseline.IGNORED))
    base = tmp_path / "base.json"
    base.write_bytes(baseline_bytes(r))
    assert json.loads(base.read_text()) == {
        "schema": "pixelproof.baseline/1",
        "fingerprints": ["a"],
    }
    assert load_baseline(base) == frozenset({"a"})
    res = tmp_path / "result.json"
    res.write_bytes(dumps(r))
    assert load_baseline(res) == frozenset({"a"})


@pytest.mark.parametrize("content", [b"{oops", b'{"schema": "other"}', b"[1, 2]"])
def test_bad_baselines_are_input_errors(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "b.json"
    path.write_bytes(content)
    with pytest.raises(InputError):
        load_baseline(path)
    with pytest.raises(InputError, match="not found"):
        load_baseline(tmp_path / "missing.json")


def test_diff_reports_new_fixed_stopped_and_worse() -> None:
    old = result(finding(fp="gone"), finding(fp="stays"), events=(event_record("b1"),))
    old = replace(old, pairs=(_pair("deduplicated"),))
    new = result(finding(fp="stays"), finding(fp="fresh", severity=Severity.WARNING))
    new = replace(new, pairs=(_pair("id-mismatch"),))
    d = diff_results(old, new)
    assert [f.fingerprint for f in d.new] == ["fresh"]
    assert [f.fingerprint for f in d.fixed] == ["gone"]
    assert [f.fingerprint for f in d.unchanged] == ["stays"]
    assert d.stopped == (("purchase", "Purchase", "browser", "111111111111111"),)
    assert [(c.old, c.new) for c in d.worse] == [("deduplicated", "id-mismatch")]
    assert d.regressed
    assert not diff_results(new, new).regressed


def test_diff_command_exit_codes(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_bytes(dumps(result(finding(fp="x"))))
    b.write_bytes(dumps(result()))
    run = [sys.executable, "-m", "pixelproof", "diff"]
    fixed = subprocess.run([*run, str(a), str(b)], capture_output=True, text=True, timeout=60)
    assert fixed.returncode == 0, fixed.stderr
    assert "0 new, 1 fixed" in fixed.stdout
    worse = subprocess.run([*run, str(b), str(a)], capture_output=True, text=True, timeout=60)
    assert worse.returncode == 1
    assert "REGRESSED" in worse.stdout
    bad = tmp_path / "bad.json"
    bad.write_text("not json")
    broken = subprocess.run([*run, str(bad), str(a)], capture_output=True, text=True, timeout=60)
    assert broken.returncode == 2
    assert "not JSON" in broken.stderr


def test_merge_prefixes_refs_and_keeps_the_schema() -> None:
    one = result(finding(fp="a"), events=(event_record("b1"),))
    two = result(finding(fp="b"), events=(event_record("b1"),))
    two = replace(two, findings=(replace(two.findings[0], refs=("b1",)),))
    merged = merge_results([one, two])
    assert sorted(e.ref for e in merged.events) == ["1:b1", "2:b1"]
    assert merged.findings[1].refs == ("2:b1",) or merged.findings[0].refs == ("2:b1",)
    assert merged.summary.error == 2
    jsonschema.validate(json.loads(dumps(merged)), SCHEMA)


def test_merge_rejects_results_of_different_maps() -> None:
    one = result()
    two = replace(result(), map=replace(one.map, name="Other shop"))
    with pytest.raises(UsageError, match="incompatible"):
        merge_results([one, two])


def test_report_targets() -> None:
    assert parse_targets(None) == [Target(Format.TERMINAL, None)]
    assert parse_targets(["json=out/r.json", "markdown"]) == [
        Target(Format.JSON, Path("out/r.json")),
        Target(Format.MARKDOWN, None),
    ]
    with pytest.raises(UsageError, match="two reports on stdout"):
        parse_targets(["json", "terminal"])
    with pytest.raises(UsageError, match="unknown report format 'pdf'"):
        parse_targets(["pdf=x.pdf"])


def test_report_command_rerenders_a_saved_result(tmp_path: Path) -> None:
    saved = tmp_path / "result.json"
    saved.write_bytes(dumps(result(finding(fp="a"))))
    md = tmp_path / "r.md"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pixelproof",
            "report",
            str(saved),
            "--report",
            f"markdown={md}",
            "--report",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"]["error"] == 1
    assert "| error | `DD001` missing-event-id |" in md.read_text()
