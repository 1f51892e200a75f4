"""`pixelproof demo` end to end: the shop, the live runner, the sink, the checks, the reports.

Each demo runs once per module, as a subprocess (as a user runs it); the tests read its exit
code, its output and its JSON report. No browser: a failure when PIXELPROOF_REQUIRE_BROWSER=1
(CI), else a skip.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

from pixelproof.demo.defects import PLANTED
from pixelproof.errors import BrowserError
from pixelproof.evidence.sources.browser_launch import find_browser

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "schema/result.schema.json").read_text())
RUN_TIMEOUT_S = 120
DUAL = ("AddToCart", "InitiateCheckout", "Purchase")


@dataclass(frozen=True)
class Demo:
    code: int
    stdout: str
    stderr: str
    out: Path
    result: dict[str, object]

    def findings(self) -> list[dict[str, object]]:
        found = self.result["findings"]
        assert isinstance(found, list)
        return found

    def pairs(self) -> dict[str, dict[str, object]]:
        pairs = self.result["pairs"]
        assert isinstance(pairs, list)
        return {str(p["name"]): p for p in pairs if p["browser"] and p["server"]}


def browser() -> str:
    explicit = os.environ.get("PIXELPROOF_BROWSER")
    try:
        return find_browser(Path(explicit) if explicit else None, None)
    except BrowserError as exc:
        if os.environ.get("PIXELPROOF_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{exc.message}; PIXELPROOF_REQUIRE_BROWSER=1 forbids skipping")
        pytest.skip(exc.message)


def run_demo(tmp: Path, *flags: str) -> Demo:
    out = tmp / "run"
    argv = [sys.executable, "-m", "pixelproof", "demo", "--out", str(out)]
    argv += ["--report", f"json={tmp / 'r.json'}", "--browser", browser(), *flags]
    env = {**os.environ, "COLUMNS": "120", "PYTHONHASHSEED": "0"}
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, env=env, check=False
    )
    report = tmp / "r.json"
    assert report.exists(), done.stderr[-3000:]
    result = json.loads(report.read_text())
    return Demo(done.returncode, done.stdout, done.stderr, out, result)


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return run_demo(tmp_path_factory.mktemp("demo-broken"))


@pytest.fixture(scope="module")
def fixed(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return run_demo(tmp_path_factory.mktemp("demo-fixed"), "--fixed")


def test_the_shop_as_shipped_fails_with_its_planted_bugs(broken: Demo) -> None:
    assert broken.code == 1, broken.stderr[-3000:]
    assert broken.result["status"] == "fail"
    assert broken.result["complete"] is True
    found = {(f["code"], f["event"], f["source"]) for f in broken.findings()}
    for planted in PLANTED:
        assert (planted.code, planted.event, planted.source) in found, planted
    errors = {f["code"] for f in broken.findings() if f["severity"] == "error"}
    assert errors == {p.code for p in PLANTED}


def test_the_report_says_what_each_bug_is(broken: Demo) -> None:
    pairs = broken.pairs()
    assert pairs["AddToCart"]["status"] == "name-mismatch"
    assert pairs["AddToCart"]["server_name"] == "add_to_cart"
    assert pairs["InitiateCheckout"]["status"] == "id-mismatch"
    assert pairs["Purchase"]["status"] == "id-missing"
    consent = [f for f in broken.findings() if f["code"] == "PR004"]
    assert {f["journey"] for f in consent} == {"purchase", "consent-rejected"}
    for code in {p.code for p in PLANTED}:
        assert code in broken.stdout  # the terminal report is on stdout too
    assert f"run folder {broken.out}" in broken.stderr


def test_the_fixed_shop_passes_and_every_pair_deduplicates(fixed: Demo) -> None:
    assert fixed.code == 0, fixed.stderr[-3000:]
    assert fixed.result["status"] == "pass"
    pairs = fixed.pairs()
    assert sorted(pairs) == sorted(DUAL)
    assert {str(p["status"]) for p in pairs.values()} == {"deduplicated"}
    summary = fixed.result["summary"]
    assert isinstance(summary, dict)
    assert summary["error"] == 0


def test_the_fixed_shop_has_no_finding_at_all(fixed: Demo) -> None:
    assert fixed.findings() == []


@pytest.mark.parametrize("which", ["broken", "fixed"])
def test_results_validate_and_the_run_folder_is_complete(
    which: str, request: pytest.FixtureRequest
) -> None:
    demo: Demo = request.getfixturevalue(which)
    jsonschema.validate(demo.result, SCHEMA)
    assert demo.out.stat().st_mode & 0o777 == 0o700
    for name in ("evidence.jsonl", "result.json", "capi.jsonl", "demo-shop.yaml"):
        assert (demo.out / name).is_file(), name
    assert json.loads((demo.out / "result.json").read_text()) == demo.result


def test_check_on_the_evidence_reproduces_the_demo_result(broken: Demo, tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "pixelproof", "check", str(broken.out / "demo-shop.yaml")]
    argv += ["--evidence", str(broken.out / "evidence.jsonl"), "--no-graph"]
    argv += ["--report", f"json={tmp_path / 'again.json'}"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1, done.stderr
    assert (tmp_path / "again.json").read_bytes() == (broken.out / "result.json").read_bytes()
