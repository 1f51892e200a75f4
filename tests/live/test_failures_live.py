"""Failure modes of live runs: a taken sink port, a failing step, the site down, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from pixelproof.evidence.model import BrowserHit, JourneyRecord, StepRecord
from pixelproof.evidence.store import load_evidence
from tests.live.conftest import Live, free_port

pytestmark = pytest.mark.browser

# The expectation after the failing step is left to the journey error: exit 3, not EV001's 1.
BROKEN = """\
  - name: broken
    steps:
      - goto: /shop.html
      - expect: PageView
      - {click: "#no-such-button", timeout: 300ms}
      - expect: PageView
      - reload: {}
"""
SLOW = """\
  - name: slow
    steps:
      - goto: /shop.html
      - wait: 30s
"""


def test_a_taken_sink_port_exits_3_before_the_browser_starts(live: Live) -> None:
    live.write_map()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", live.sink_port))
        taken.listen(1)
        done = live.run("gather", "map.yaml", "--out", "run")
    assert done.returncode == 3, done.stderr
    assert f"cannot listen on 127.0.0.1:{live.sink_port}" in done.stderr
    assert "browser:" not in done.stderr  # the browser never started
    assert live.shop.page_requests == []
    ev = load_evidence(live.folder / "run" / "evidence.jsonl")
    assert ev.of(JourneyRecord) == ()


def test_a_failing_step_is_a_journey_error_with_a_screenshot(live: Live) -> None:
    live.write_map(BROKEN)
    done = live.run("audit", "map.yaml", "--out", "run", "--report", "json")
    assert done.returncode == 3, done.stderr
    result = json.loads(done.stdout)
    assert result["status"] == "incomplete"
    assert result["complete"] is False
    (journey,) = result["journeys"]
    assert journey["status"] == "error"
    assert [s["status"] for s in journey["steps"]] == ["pass", "pass", "error", "skip", "skip"]
    assert [f["code"] for f in result["findings"] if f["code"] == "EV001"] == []
    failed = journey["steps"][2]
    assert "Timeout 300ms" in (failed["error"] or "")
    shot = live.folder / "run" / failed["screenshot"]
    assert shot.read_bytes()[:4] == b"\x89PNG"
    assert (shot.parent / "dom.html").is_file()
    assert (shot.parent / "console.txt").is_file()
    ev = load_evidence(live.folder / "run" / "evidence.jsonl")
    assert ev.complete
    assert [s.index for s in ev.of(StepRecord)] == [0, 1, 2, 3, 4]
    assert any("ev=PageView" in h.url for h in ev.of(BrowserHit))  # what was gathered is kept


def test_the_site_down_is_incomplete(live: Live) -> None:
    live.write_map(BROKEN)
    down = f"http://127.0.0.1:{free_port()}"
    done = live.run("gather", "map.yaml", "--out", "run", "--base-url", down, "-q")
    assert done.returncode == 3, done.stderr
    assert "broken" in done.stderr
    ev = load_evidence(live.folder / "run" / "evidence.jsonl")
    (journey,) = ev.of(JourneyRecord)
    assert journey.status == "error"
    assert "ERR_CONNECTION_REFUSED" in (journey.error or "")


def test_sigterm_keeps_the_evidence_and_exits_130(live: Live) -> None:
    live.write_map(SLOW)
    env = {**os.environ, **live.env()}
    argv = [sys.executable, "-m", "pixelproof", "audit", "map.yaml", "--out", "run", "-q"]
    proc = subprocess.Popen(
        argv, env=env, cwd=live.folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    part = live.folder / "run" / "evidence.jsonl.part"
    deadline = time.monotonic() + 30
    while b'"step"' not in (part.read_bytes() if part.exists() else b""):
        assert time.monotonic() < deadline, "the journey never started"
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    ev = load_evidence(live.folder / "run" / "evidence.jsonl")
    assert ev.complete
    assert ev.records[-1].status == "interrupted"  # type: ignore[union-attr]
    result = json.loads((live.folder / "run" / "result.json").read_text())
    assert result["exit_code"] == 130
    assert result["status"] == "incomplete"
