"""GraphRecords the client wrote → evidence journal → OP004/OP006; and the live run's `graph`
source (skipped, --no-graph, ok, error) without a browser."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pixelproof.assemble import availability
from pixelproof.checks import dataset_aggregate_anomaly, graph_diagnostic
from pixelproof.checks.base import Need
from pixelproof.checks.context import build_context
from pixelproof.checks.runner import run_checks
from pixelproof.config.load import LoadedMap, load_map
from pixelproof.diagnostics import diagnostics_of
from pixelproof.evidence.model import Evidence, GraphRecord, Record, RunInfo, SourceRecord
from pixelproof.evidence.store import EvidenceWriter, load_evidence
from pixelproof.result import CheckStatus, SourceStatus
from pixelproof.runner.graph_run import GraphRun, read_graph
from tests.conftest import SecretScan
from tests.graph.graph_support import APP_SECRET, DENIED, PIXEL, SECRETS, TOKEN, GraphApi

MAP = f"""\
version: 1
environment: staging
site: {{base_url: "http://127.0.0.1:1"}}
pixel: {{id: "{PIXEL}"}}
events:
  web_purchase: {{name: Purchase, sources: [browser]}}
graph:
  access_token: "${{META_ACCESS_TOKEN}}"
  app_secret: "${{META_APP_SECRET:-}}"
  thresholds: {{emq: {{web_purchase: 6.0}}, dedupe_key_coverage: 0.9}}
"""
NOW = datetime(2026, 11, 29, tzinfo=UTC)


def _loaded(tmp_path: Path, token: str = TOKEN) -> LoadedMap:
    path = tmp_path / "shop.yaml"
    path.write_text(MAP)
    return load_map(path, environ={"META_ACCESS_TOKEN": token, "META_APP_SECRET": APP_SECRET})


def _gather(loaded: LoadedMap, *, no_graph: bool = False) -> list[Record]:
    written: list[Record] = []

    async def main() -> None:
        run = GraphRun.start(loaded, written.append, lambda: 1.5, no_graph=no_graph)
        await run.finish(interrupted=False)

    asyncio.run(main())
    return written


def _journal(tmp_path: Path, records: list[Record]) -> Evidence:
    with EvidenceWriter(tmp_path, RunInfo(started_at="2026-11-29T00:00:00Z")) as writer:
        for record in records:
            writer.write(record)
        path = writer.finalise()
    return load_evidence(path)


def test_op004_and_op006_judge_what_the_client_wrote(
    tmp_path: Path, api: GraphApi, secret_scan: SecretScan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIXELPROOF_GRAPH_URL", api.url)
    api.app_secret = APP_SECRET
    loaded = _loaded(tmp_path)
    evidence = _journal(tmp_path, _gather(loaded))
    sources = [SourceStatus(s.name, s.name, s.status, s.error, s.items)
               for s in evidence.of(SourceRecord)]  # fmt: skip
    assert [(s.name, s.status, s.items) for s in sources] == [("graph", "ok", 6)]
    available, failed, missing = availability(sources)
    assert Need.GRAPH in available
    ctx = build_context(
        loaded_map=loaded, evidence=evidence, browser_events=(), server_events=(), batches=(),
        now=NOW, available=available, failed=failed, missing_reason=missing,
        environment_kind="staging",
    )  # fmt: skip
    outcome = run_checks(ctx, (graph_diagnostic.CHECK, dataset_aggregate_anomaly.CHECK))
    assert [c.status for c in outcome.checks] == [CheckStatus.WARN, CheckStatus.WARN]
    messages = sorted(f.message for f in outcome.findings)
    assert any("Event Match Quality 4.2 is below 6.0" in m for m in messages)
    assert any("40% of server events carry a dedup key" in m for m in messages)
    assert any("'pixel_decline' failed" in m for m in messages)
    assert any("name variants counted: Purchase, purchase" in m for m in messages)
    assert {f.pixel_id for f in outcome.findings} == {PIXEL}
    reads = diagnostics_of(evidence)["graph"]["reads"]  # type: ignore[index]
    assert reads[1]["counts"] == {"PageView": 900, "Purchase": 412, "purchase": 37}
    assert reads[0]["body"]["name"] == "Shop pixel"
    secret_scan(SECRETS, paths=[tmp_path / "evidence.jsonl"], texts=messages)


def test_unset_token_skips_and_op004_is_not_applicable(tmp_path: Path) -> None:
    records = _gather(_loaded(tmp_path, token=""))
    assert records == [
        SourceRecord(name="graph", status="skipped", error="graph.access_token is unset or empty")
    ]
    sources = [SourceStatus("graph", "graph", "skipped", "graph.access_token is unset or empty")]
    available, failed, missing = availability(sources)
    ctx = build_context(
        loaded_map=None, evidence=None, browser_events=(), server_events=(), batches=(),
        now=NOW, available=available, failed=failed, missing_reason=missing,
        environment_kind="staging",
    )  # fmt: skip
    outcome = run_checks(ctx, (graph_diagnostic.CHECK,))
    assert outcome.checks[0].status is CheckStatus.NOT_APPLICABLE


def test_no_graph_flag_skips(tmp_path: Path) -> None:
    assert _gather(_loaded(tmp_path), no_graph=True) == [
        SourceRecord(name="graph", status="skipped", error="--no-graph")
    ]


def test_a_failed_read_is_a_source_error_and_op004_errors(
    tmp_path: Path, api: GraphApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIXELPROOF_GRAPH_URL", api.url)
    api.fail("dataset_quality", DENIED)
    records = _gather(_loaded(tmp_path))
    graph_records = [r for r in records if isinstance(r, GraphRecord)]
    source = records[-1]
    assert isinstance(source, SourceRecord)
    assert source.status == "error"
    assert source.error is not None
    assert "/dataset_quality" in source.error
    assert len(graph_records) == 6  # the other reads are kept
    status = SourceStatus("graph", "graph", "error", source.error)
    available, failed, missing = availability([status])
    ctx = build_context(
        loaded_map=None, evidence=None, browser_events=(), server_events=(), batches=(),
        now=NOW, available=available, failed=failed, missing_reason=missing,
        environment_kind="staging",
    )  # fmt: skip
    assert run_checks(ctx, (graph_diagnostic.CHECK,)).checks[0].status is CheckStatus.ERROR


def test_a_stop_abandons_the_remaining_reads(
    tmp_path: Path, api: GraphApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIXELPROOF_GRAPH_URL", api.url)
    stop = threading.Event()
    stop.set()
    written: list[Record] = []
    source = read_graph(_loaded(tmp_path), written.append, lambda: 0.0, stop)
    assert written == []
    assert source.status == "error"
    assert source.error == "interrupted before the Graph reads finished"
