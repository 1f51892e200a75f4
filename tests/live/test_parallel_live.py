"""`--workers`, `--shard` and `--trace` on live runs."""

from __future__ import annotations

import json

import pytest

from pixelproof.evidence.model import JourneyRecord, ServerBatch
from pixelproof.evidence.store import load_evidence
from tests.live.conftest import PURCHASE, Live

pytestmark = pytest.mark.browser
TWO = PURCHASE + PURCHASE.replace("name: purchase", "name: second")


def test_two_workers_attribute_each_server_event_to_its_journey(live: Live) -> None:
    live.write_map(TWO)
    done = live.run("audit", "map.yaml", "--out", "run", "--workers", "2", "--report", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["options"]["workers"] == 2
    pairs = sorted((p["journey"], p["status"]) for p in result["pairs"] if p["name"] == "Purchase")
    assert pairs == [("purchase", "deduplicated"), ("second", "deduplicated")]
    servers = [e for e in result["events"] if e["source"] == "server"]
    assert sorted(e["attribution"]["method"] for e in servers) == ["user_agent", "user_agent"]
    ev = load_evidence(live.folder / "run" / "evidence.jsonl")
    spans = sorted((j.started or 0, j.ended or 0) for j in ev.of(JourneyRecord))
    assert spans[1][0] < spans[0][1]  # they overlapped
    assert len(ev.of(ServerBatch)) == 2


def test_shard_runs_every_nth_journey_and_trace_is_kept(live: Live) -> None:
    live.write_map(TWO)
    done = live.run("gather", "map.yaml", "--out", "run", "--shard", "2/2", "--trace", "on")
    assert done.returncode == 0, done.stderr
    ev = load_evidence(live.folder / "run" / "evidence.jsonl")
    assert [j.name for j in ev.of(JourneyRecord)] == ["second"]
    assert ev.run.options["shard"] == "2/2"
    assert (live.folder / "run" / "traces" / "second.zip").stat().st_size > 0
    assert "traces/second.zip" in ev.records[-1].artefacts  # type: ignore[union-attr]


def test_bad_shard_and_unknown_journey_are_usage_errors(live: Live) -> None:
    live.write_map()
    assert live.run("gather", "map.yaml", "--out", "a", "--shard", "3/2").returncode == 2
    done = live.run("gather", "map.yaml", "--out", "b", "--journey", "purchse")
    assert done.returncode == 2
    assert "did you mean 'purchase'?" in done.stderr
