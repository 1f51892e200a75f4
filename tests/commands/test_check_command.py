"""`pixelproof check` end to end on fixture evidence: outputs, exit codes, determinism, secrets."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import SecretScan

ROOT = Path(__file__).resolve().parents[2]
HAR = ROOT / "fixtures/har/shop-playwright.har"
SDK_LOG = ROOT / "fixtures/capi/sdk-python.jsonl"
SCHEMA = json.loads((ROOT / "schema/result.schema.json").read_text())

MAP = """\
version: 1
name: Shop fixture
environment: staging
pixel: {id: "111111111111111"}
capi: {capture: logs, logs: [capi.jsonl]}
graph: {access_token: "${META_ACCESS_TOKEN}"}
events:
  PageView: {sources: [browser]}
  Purchase:
    sources: [browser, server]
    params: {value: number, currency: currency}
"""
TWO_PIXELS = """\
version: 1
environments:
  staging:
    kind: staging
    pixels: {main: "111111111111111", agency: "222222222222222"}
    capi: {capture: logs, logs: [capi.jsonl]}
pixels: {main: {events: "*"}, agency: {events: [PageView]}}
events:
  PageView: {sources: [browser]}
  Purchase: {sources: [server]}
"""
TOKEN = "EAAGtoken1234567890abcdefSECRET"


def pixelproof(*args: str, cwd: Path, seed: str = "0") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "META_ACCESS_TOKEN": TOKEN, "PYTHONHASHSEED": seed, "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-m", "pixelproof", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env,
    )


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "map.yaml").write_text(MAP)
    return tmp_path


def test_check_writes_a_schema_valid_private_result(workdir: Path) -> None:
    done = pixelproof(
        "check",
        "map.yaml",
        "--har",
        str(HAR),
        "--capi-log",
        str(SDK_LOG),
        "--out",
        "run",
        "--report",
        "json=report.json",
        cwd=workdir,
    )
    assert done.returncode in (0, 1), done.stderr
    result = json.loads((workdir / "run/result.json").read_text())
    jsonschema.validate(result, SCHEMA)
    assert result["exit_code"] == done.returncode
    assert {s["name"] for s in result["sources"]} == {"har", "capi_log"}
    assert stat.S_IMODE((workdir / "run").stat().st_mode) == 0o700
    assert stat.S_IMODE((workdir / "run/result.json").stat().st_mode) == 0o600
    assert (workdir / "report.json").read_text() == (workdir / "run/result.json").read_text()
    assert any(e["source"] == "server" and e["name"] == "Purchase" for e in result["events"])
    assert any(e["source"] == "browser" and e["name"] == "Purchase" for e in result["events"])


def test_same_evidence_same_bytes_under_two_hash_seeds(workdir: Path) -> None:
    outputs = []
    for seed in ("0", "4242"):
        done = pixelproof(
            "check",
            "map.yaml",
            "--har",
            str(HAR),
            "--capi-log",
            str(SDK_LOG),
            "--report",
            "json",
            "-q",
            cwd=workdir,
            seed=seed,
        )
        assert done.returncode in (0, 1), done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]


def test_nothing_to_check_and_missing_files_exit_2(workdir: Path) -> None:
    done = pixelproof("check", "map.yaml", cwd=workdir)
    assert done.returncode == 2
    assert "nothing to check" in done.stderr  # the map's capi.jsonl is not there either
    unread = pixelproof(
        "check", "map.yaml", "--har", str(HAR), "--report", "json", "-q", cwd=workdir
    )
    assert unread.returncode == 1, unread.stderr  # a HAR finding; the server half is unread:
    data = json.loads(unread.stdout)
    assert data["complete"] is False
    status = {s["name"]: (s["status"], s["error"]) for s in data["sources"]}
    assert status["capi_log"] == (
        "error",
        "capi.jsonl: file not found (named by the map's capi.logs)",
    )
    missing = pixelproof("check", "map.yaml", "--har", "nope.har", cwd=workdir)
    assert missing.returncode == 2
    assert "nope.har: file not found" in missing.stderr
    notjson = workdir / "x.har"
    notjson.write_text("hello")
    bad = pixelproof("check", "map.yaml", "--har", str(notjson), cwd=workdir)
    assert bad.returncode == 2
    assert "not a HAR file" in bad.stderr
    assert "Traceback" not in bad.stderr + missing.stderr + done.stderr


def test_log_without_pixel_and_several_pixels_is_a_usage_error(workdir: Path) -> None:
    (workdir / "two.yaml").write_text(TWO_PIXELS)
    log = workdir / "bare.jsonl"
    log.write_text(json.dumps({"data": [{"event_name": "Purchase", "event_time": 1}]}) + "\n")
    done = pixelproof("check", "two.yaml", "--capi-log", str(log), cwd=workdir)
    assert done.returncode == 2, done.stderr
    assert "--capi-log PIXEL=" in done.stderr
    ok = pixelproof("check", "two.yaml", "--capi-log", f"222222222222222={log}", cwd=workdir)
    assert ok.returncode in (0, 1, 3), ok.stderr


def test_token_never_appears_in_any_output(workdir: Path, secret_scan: SecretScan) -> None:
    har = json.loads(HAR.read_text())
    entry = har["log"]["entries"][0]
    leaked = json.loads(json.dumps(entry))
    leaked["request"]["url"] = (
        f"https://graph.facebook.com/v25.0/111111111111111/events?access_token={TOKEN}"
    )
    har["log"]["entries"].append(leaked)
    (workdir / "leak.har").write_text(json.dumps(har))
    done = pixelproof(
        "check",
        "map.yaml",
        "--har",
        "leak.har",
        "--out",
        "run",
        "--report",
        "json=r.json",
        "--report",
        "html=r.html",
        "--report",
        "markdown=r.md",
        "--report",
        "sarif=r.sarif",
        "--report",
        "junit=r.xml",
        "--report",
        "terminal",
        "-v",
        cwd=workdir,
    )
    assert done.returncode in (0, 1, 3), done.stderr
    secret_scan(
        [TOKEN], paths=[workdir / "run", *workdir.glob("r.*")], texts=[done.stdout, done.stderr]
    )
