"""Result assembly: which needs the sources (and the journeys) leave the checks."""

from __future__ import annotations

from pixelproof.assemble import availability
from pixelproof.checks.base import Need
from pixelproof.result import JourneyResult, SourceStatus

SOURCES = (
    SourceStatus("browser", "browser", "ok", None, 3),
    SourceStatus("sink", "sink", "ok", None, 1),
    SourceStatus("graph", "graph", "skipped", "graph.access_token is unset or empty", 0),
)


def test_sources_map_onto_needs() -> None:
    available, failed, missing = availability(SOURCES)
    assert available == {Need.BROWSER, Need.SERVER, Need.JOURNEYS, Need.CONSENT, Need.PAGE_SCRIPT}
    assert failed == {}
    assert missing == {Need.GRAPH: "graph skipped: graph.access_token is unset or empty"}


def test_a_failed_source_fails_its_needs() -> None:
    broken = (SourceStatus("sink", "sink", "error", "port 4010 taken", 0), *SOURCES[2:])
    available, failed, _ = availability(broken)
    assert Need.SERVER not in available
    assert failed[Need.SERVER] == "sink failed: port 4010 taken"


def test_when_every_journey_errored_nothing_gathered_can_pass() -> None:
    journeys = (JourneyResult("a", "error"), JourneyResult("b", "error"))
    available, failed, _ = availability(SOURCES, journeys)
    assert available == frozenset()
    assert set(failed) == {
        Need.BROWSER, Need.SERVER, Need.JOURNEYS, Need.CONSENT, Need.PAGE_SCRIPT
    }  # fmt: skip
    one_ok = (JourneyResult("a", "error"), JourneyResult("b", "pass"))
    assert Need.BROWSER in availability(SOURCES, one_ok)[0]
