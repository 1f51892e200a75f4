"""Fixtures for the Graph reader tests: the local stand-in and a fake clock (no real sleeping)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from pixelproof.evidence.sources.graph import GraphClient
from tests.graph.graph_support import TOKEN, GraphApi, graph_api


@dataclass
class FakeTime:
    """`sleep` advances `clock`; every pause is recorded."""

    now: float = 1000.0
    slept: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


@pytest.fixture
def api() -> Iterator[GraphApi]:
    with graph_api() as standin:
        yield standin


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def client_of(api: GraphApi, fake: FakeTime, **options: object) -> GraphClient:
    return GraphClient(
        TOKEN,
        base=api.url,
        sleep=fake.sleep,
        clock=fake.clock,
        jitter=lambda: 0.0,
        **options,  # type: ignore[arg-type]
    )
